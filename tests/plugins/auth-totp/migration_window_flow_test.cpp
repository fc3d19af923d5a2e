// The migration's calendar on the real daemon (SPEC M3, A2; issue 7 item 2), on the manual
// clock: the identity freeze refuses a change of e-mail or AGB code with ACCOUNT_FROZEN until
// the start-up completes, and the window answers every user path 503 MAINTENANCE with
// Retry-After while the status page, health and the knowledge base keep answering and show it
// as maintenance in progress.
#include <gtest/gtest.h>

#include "auth_flow_support.hpp"

namespace berichtd::testing {
namespace {

HttpAnswer setClock(AuthDaemon& a, const std::string& iso) {
  return httpRequest(a.daemon->adminUrl(), "PUT", "/admin/v1/clock", R"({"now":")" + iso + R"("})",
                     a.daemon->adminHeaders());
}

std::string login(AuthDaemon& a, const std::string& email, Enrolled& e) {
  auto ok = a.post("/api/v1/login", loginBody(email, kPassword, oathtool(e.secret, ++e.lastStep)));
  EXPECT_EQ(ok.status, 200) << ok.body;
  return ok.status == 200 ? json(ok.body)->getValue<std::string>("token") : "";
}

HttpAnswer patchMe(AuthDaemon& a, const std::string& token, const std::string& body) {
  return httpRequest(a.daemon->url(), "PATCH", "/api/v1/me", body,
                     {{"Authorization", "Bearer " + token}});
}

TEST(MigrationWindowFlow, TheIdentityIsFrozenUntilTheStartupCompletesThenItChanges) {  // A2
  AuthDaemon a(10, true, /*manualClock=*/true);  // 2026-02-16 08:00: inside the freeze
  ASSERT_TRUE(a.daemon->start()) << a.daemon->output();
  Enrolled e = activate(a, "praktijk@example.nl", "12345678");
  a.sql("UPDATE accounts SET state = 'active'");  // the AC3 payment, not the subject here
  std::string token = login(a, "praktijk@example.nl", e);
  ASSERT_FALSE(token.empty());

  auto frozen = patchMe(a, token, R"({"email":"nieuw@example.nl"})");
  EXPECT_EQ(frozen.status, 409) << frozen.body;
  EXPECT_EQ(errorCode(frozen), "ACCOUNT_FROZEN");
  EXPECT_EQ(json(frozen.body)->getObject("error")->getValue<std::string>("help"),
            "/kennisbank/ACCOUNT_FROZEN");
  EXPECT_EQ(errorCode(patchMe(a, token, R"({"agb_code":"87654321"})")), "ACCOUNT_FROZEN");
  auto me = a.get("/api/v1/me", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(json(me.body)->getValue<std::string>("email"), "praktijk@example.nl");  // unchanged

  // migration.startup_complete (the activation deadline by default): free again.
  ASSERT_EQ(setClock(a, "2026-03-01T00:00:00+01:00").status, 200);
  token = login(a, "praktijk@example.nl", e);  // the platform clock jumped past the session
  auto changed = patchMe(a, token, R"({"email":"nieuw@example.nl","agb_code":"87654321"})");
  ASSERT_EQ(changed.status, 200) << changed.body;
  me = a.get("/api/v1/me", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(json(me.body)->getValue<std::string>("email"), "nieuw@example.nl");
  EXPECT_EQ(json(me.body)->getValue<std::string>("agb_code"), "87654321");
  EXPECT_EQ(errorCode(patchMe(a, token, R"({"email":"geen-adres"})")), "EMAIL_INVALID");
  EXPECT_EQ(patchMe(a, "", R"({"email":"x@example.nl"})").status, 401);
  // The new address logs in; the old one is nobody's.
  token = login(a, "nieuw@example.nl", e);
  EXPECT_FALSE(token.empty());
}

TEST(MigrationWindowFlow, TheWindowClosesEveryUserPathAndTheStatusPageShowsIt) {  // M3
  // Started on the 12th, before the window: the daemon puts it on the status page.
  AuthDaemon a(10, true, /*manualClock=*/false, false, "", {},
               "clock: {mode: manual, start: \"2026-02-12T12:00:00+01:00\"}\n");
  ASSERT_TRUE(a.daemon->start()) << a.daemon->output();
  auto created = a.createAccount("praktijk@example.nl", "12345678");
  const std::string requestToken = created->getValue<std::string>("request_token");

  EXPECT_EQ(a.get("/api/v1/me").status, 401);  // the 12th: open (just not logged in)
  ASSERT_EQ(setClock(a, "2026-02-13T00:00:00+01:00").status, 200);  // the cutoff
  Poco::JSON::Object req;
  req.set("request_token", requestToken);
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/api/v1/login"},
                                                        {"GET", "/api/v1/me"},
                                                        {"POST", "/api/v1/activation/request-link"},
                                                        {"GET", "/api/v1/messages"},
                                                        {"GET", "/%61pi/v1/me"}}) {
    auto closed = httpRequest(a.daemon->url(), method, path, method == "POST" ? "{}" : "");
    EXPECT_EQ(closed.status, 503) << path << ": " << closed.body;
    EXPECT_EQ(errorCode(closed), "MAINTENANCE") << path;
    EXPECT_EQ(closed.headers["Retry-After"], std::to_string(3 * 86400)) << path;
  }
  // The activation pages: the same 503, as a Dutch page for the browser.
  auto page503 = a.get("/activeren?token=" + requestToken);
  EXPECT_EQ(page503.status, 503);
  EXPECT_EQ(page503.headers["Cache-Control"], "no-store");  // the pages' own headers
  EXPECT_EQ(a.get("/%61ctiveren?token=" + requestToken).status, 503);
  EXPECT_EQ(page503.headers["Retry-After"], std::to_string(3 * 86400));
  EXPECT_NE(page503.body.find("lang=\"nl\""), std::string::npos) << page503.body;
  EXPECT_NE(page503.body.find("nieuw platform"), std::string::npos) << page503.body;
  EXPECT_NE(page503.body.find("/kennisbank/MAINTENANCE"), std::string::npos) << page503.body;
  EXPECT_TRUE(a.mails().empty());  // the request link was not even looked at

  // What keeps answering: the status page shows the window in progress, health, knowledge base.
  EXPECT_EQ(a.get("/healthz").status, 200);
  auto kb = a.get("/kennisbank/MAINTENANCE");  // no pages folder here: past the gate, 404
  EXPECT_NE(kb.status, 503);
  EXPECT_NE(errorCode(kb), "MAINTENANCE");
  auto page = json(a.get("/status.json").body);
  auto windows = page->getArray("scheduled_maintenances");
  ASSERT_EQ(windows->size(), 1u) << a.get("/status.json").body;
  auto w = windows->getObject(0);
  EXPECT_EQ(w->getValue<std::string>("name"), "Migratie naar het nieuwe platform");
  EXPECT_EQ(w->getValue<std::string>("status"), "in_progress");
  EXPECT_EQ(w->getValue<std::string>("scheduled_for"), "2026-02-12T23:00:00.000Z");
  EXPECT_EQ(w->getValue<std::string>("scheduled_until"), "2026-02-15T23:00:00.000Z");
  EXPECT_EQ(page->getObject("status")->getValue<std::string>("indicator"), "maintenance");
  auto components = page->getArray("components");
  for (std::size_t i = 0; i < components->size(); ++i)
    EXPECT_EQ(components->getObject(static_cast<unsigned>(i))->getValue<std::string>("status"),
              "under_maintenance");

  ASSERT_EQ(setClock(a, "2026-02-15T23:00:00+01:00").status, 200);
  EXPECT_EQ(a.get("/api/v1/me").headers["Retry-After"], "3600");

  // Monday 16 February: the phased start-up; the request link works.
  ASSERT_EQ(setClock(a, "2026-02-16T00:00:00+01:00").status, 200);
  EXPECT_EQ(a.post("/api/v1/activation/request-link", req).status, 202);
  EXPECT_EQ(a.mails().size(), 1u) << a.daemon->output();
  EXPECT_EQ(a.get("/api/v1/me").status, 401);  // open again: just not logged in
}

}  // namespace
}  // namespace berichtd::testing
