// delivery-smtp in the real daemon as the `mail` service: the access-link mail of the
// authentication flow goes over the bus to the plugin and over SMTP to a real server on
// loopback; the test reads the link out of the received mail, as a user would, and activates.
#include "auth_flow_support.hpp"
#include "smtp_sink.hpp"

namespace berichtd::testing {
namespace {

TEST(SmtpFlow, TheAccessLinkMailArrivesOverSmtpInDutchAndItsLinkWorks) {
  mail::TempFolder out;
  mail::SmtpSink sink(out.path());
  ASSERT_GT(sink.port(), 0);
  AuthDaemon a(
      10, true, false, false, "",
      {{"delivery-smtp",
        "{host: 127.0.0.1, port: " + std::to_string(sink.port()) +
            ", from: \"ZilliZ berichtenapp <noreply@zilliz.example.nl>\", starttls: optional, "
            "templates_dir: \"" +
            std::string(BERICHTD_SOURCE_DIR) + "/conf/templates\"}"}});
  ASSERT_TRUE(a.daemon->start()) << a.daemon->output();
  auto created = a.createAccount("Praktijk.Smit@example.nl", "66778899");
  Poco::JSON::Object req;
  req.set("request_token", created->getValue<std::string>("request_token"));
  ASSERT_EQ(a.post("/api/v1/activation/request-link", req).status, 202);
  ASSERT_TRUE(waitUntil([&] { return sink.count() == 1; }, std::chrono::seconds(10)))
      << a.daemon->output();

  auto m = sink.mail(1);
  EXPECT_EQ(m->getValue<std::string>("to"), "Praktijk.Smit@example.nl");
  EXPECT_EQ(m->getValue<std::string>("subject"),
            "Je link om in te loggen bij de ZilliZ berichtenapp");
  EXPECT_FALSE(m->getValue<std::string>("message-id").empty());
  EXPECT_FALSE(m->getValue<std::string>("date").empty());
  const std::string body = m->getValue<std::string>("body");
  EXPECT_NE(body.find("geldigheidsduur van 24 uur"), std::string::npos) << body;
  EXPECT_NE(body.find("één keer"), std::string::npos) << body;  // UTF-8 intact
  const std::string prefix = "https://berichten.example.nl/activeren/start?token=";
  const auto at = body.find(prefix);
  ASSERT_NE(at, std::string::npos) << body;
  const std::string token =
      body.substr(at + prefix.size(), body.find_first_of(" \r\n", at) - at - prefix.size());

  Poco::JSON::Object begin;
  begin.set("access_token", token);
  auto b = a.post("/api/v1/activation/begin", begin);
  EXPECT_EQ(b.status, 200) << b.body;
  // The daemon's log names the mail, never the link.
  EXPECT_EQ(a.daemon->output().find(token), std::string::npos);
}

}  // namespace
}  // namespace berichtd::testing
