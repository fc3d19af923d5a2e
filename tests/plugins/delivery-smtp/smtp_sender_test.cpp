// SmtpSender against a REAL SMTP server on loopback (smtp_sink.py, Debian's python3-aiosmtpd),
// reading back what the server received: headers, the UTF-8 body, Message-ID, Date; STARTTLS
// none / optional / required with a throw-away certificate; AUTH; connection reuse.
#include "smtp_sender.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/SSLManager.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "smtp_sink.hpp"

namespace berichtd::mail {
namespace {

SmtpSettings settings(int port, const std::string& starttls) {
  SmtpSettings s;
  s.host = "127.0.0.1";
  s.port = port;
  s.from = "ZilliZ berichtenapp <noreply@zilliz.example.nl>";
  s.starttls = starttls;
  s.ratePerMinute = 0;
  s.timeout = std::chrono::milliseconds(3000);
  return s;
}

class SmtpSenderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { Poco::Net::initializeSSL(); }
  TempFolder dir_;
};

TEST_F(SmtpSenderTest, MailsArriveWithHeadersUtf8BodyMessageIdAndDateOverOneConnection) {
  SmtpSink sink(dir_.path());
  ASSERT_GT(sink.port(), 0);
  SmtpSender sender(
      settings(sink.port(), "optional"));  // the sink offers no STARTTLS: plain is fine
  const std::string subject = "Je link om in te loggen — één keer geldig";
  const std::string body =
      "Beste gebruiker,\n\nKlik op https://berichten.example.nl/activeren?token=abc\n\nGroet, "
      "ZilliZ — één, twee\n";
  auto first = sender.send("praktijk@example.nl", subject, body);
  ASSERT_TRUE(first) << first.status().toString();
  auto second = sender.send("lab@example.nl", "Tweede", "Nog een.\n");
  ASSERT_TRUE(second) << second.status().toString();
  ASSERT_TRUE([&] {
    for (int i = 0; i < 100 && sink.count() < 2; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return sink.count() == 2;
  }());
  auto m = sink.mail(1);
  EXPECT_EQ(m->getValue<std::string>("subject"), subject);
  EXPECT_EQ(m->getValue<std::string>("from"), "ZilliZ berichtenapp <noreply@zilliz.example.nl>");
  EXPECT_EQ(m->getValue<std::string>("to"), "praktijk@example.nl");
  EXPECT_EQ(m->getValue<std::string>("message-id"), *first);
  EXPECT_NE(first->find("@zilliz.example.nl>"), std::string::npos) << *first;
  EXPECT_FALSE(m->getValue<std::string>("date").empty());
  std::string contentType = m->getValue<std::string>("content-type");
  for (auto& c : contentType) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_NE(contentType.find("text/plain"), std::string::npos) << contentType;
  EXPECT_NE(contentType.find("utf-8"), std::string::npos) << contentType;
  std::string got = m->getValue<std::string>("body");
  std::string want = body;
  auto normalised = [](std::string s) {  // line ends as LF, trailing ones dropped (SMTP framing)
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
      out += s[i];
    }
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  };
  EXPECT_EQ(normalised(got), normalised(want));
  EXPECT_NE(sink.raw(1).find("Content-Transfer-Encoding: quoted-printable"), std::string::npos)
      << sink.raw(1);
  EXPECT_NE(*first, *second);
  EXPECT_EQ(sink.sessions(), 1) << "the connection was not reused";
  EXPECT_EQ(sender.connectionsOpened(), 1);
}

TEST_F(SmtpSenderTest, StarttlsRequiredRefusesAServerWithoutIt) {
  SmtpSink sink(dir_.path());
  SmtpSender sender(settings(sink.port(), "required"));
  auto r = sender.send("praktijk@example.nl", "x", "y");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), "SMTP_TLS_REQUIRED");
  EXPECT_EQ(sink.count(), 0);
}

TEST_F(SmtpSenderTest, StarttlsRequiredAndAuthOverTls) {
  makeCertificate(dir_.path());
  SmtpSink sink(dir_.path(),
                {"--tls", (dir_.path() / "cert.pem").string(), (dir_.path() / "key.pem").string(),
                 "--require-starttls", "--auth", "zilliz:geheim-wachtwoord"});
  ASSERT_GT(sink.port(), 0);
  SmtpSettings s = settings(sink.port(), "required");
  s.caFile = (dir_.path() / "cert.pem").string();
  s.username = "zilliz";
  s.password = "geheim-wachtwoord";
  SmtpSender sender(s);
  auto r = sender.send("praktijk@example.nl", "Over TLS", "Versleuteld verstuurd.\n");
  ASSERT_TRUE(r) << r.status().toString();
  ASSERT_TRUE([&] {
    for (int i = 0; i < 100 && sink.count() < 1; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return sink.count() == 1;
  }());
  EXPECT_TRUE(sink.mail(1)->getValue<bool>("tls"));

  s.password = "fout";
  SmtpSender wrong(s);
  auto refused = wrong.send("praktijk@example.nl", "x", "y");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.status().code(), "SMTP_AUTH_FAILED");
  EXPECT_EQ(refused.status().message().find("fout"), std::string::npos);

  // A certificate we do not trust is refused, never sent to in the clear.
  SmtpSettings untrusted = settings(sink.port(), "required");
  SmtpSender noCa(untrusted);
  auto r2 = noCa.send("praktijk@example.nl", "x", "y");
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.status().code(), "SMTP_TLS_REQUIRED") << r2.status().toString();
  EXPECT_EQ(sink.count(), 1);
}

TEST_F(SmtpSenderTest, AnUnreachableServerIsUnavailable) {
  SmtpSender sender(settings(1, "none"));
  auto r = sender.send("praktijk@example.nl", "x", "y");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), "SMTP_UNAVAILABLE");
}

TEST_F(SmtpSenderTest, TheRateLimitSpacesMails) {
  // 600 per minute = one per 100 ms: five mails take at least 400 ms of spacing. (A bound on
  // the spacing the limiter enforces, not a speed target.)
  SmtpSink sink(dir_.path());
  SmtpSettings s = settings(sink.port(), "none");
  s.ratePerMinute = 600;
  SmtpSender sender(s);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(sender.send("a@example.nl", "x", "y"));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(400));
}

}  // namespace
}  // namespace berichtd::mail
