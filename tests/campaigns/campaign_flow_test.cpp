// Campaigns and the sent-mail archive in the real daemon (SPEC N1, N2, M4, AC1) with the real
// delivery-smtp plugin and a real SMTP server on loopback, on SQLite and PostgreSQL:
// - the activation campaign goes out in waves on the manual platform clock, the daemon is
//   killed (SIGKILL) while it is sending, and after the restart the SMTP server has received
//   exactly one mail per account — none twice, none missing — whose request link works;
// - a job handed to the plugin again after its mail was sent is not sent a second time;
// - a campaign past its send_until mails no account that joins its audience later;
// - every mail sent to an account (the campaign, the access link the auth plugin sent, the
//   authenticator mail) is in that account's archive and in no one else's.
#include <thread>

#include "auth_flow_support.hpp"
#include "smtp_sink.hpp"

namespace berichtd::testing {
namespace {

constexpr const char* kMasterKey =
    "m1:eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\n";

std::string smtpPlugin(int port) {
  // rate_per_minute 150: a mail every 400 ms, so a campaign takes long enough to be killed in,
  // and the kill can be placed between two mails. sent_keys_days 1: the tests below stay within
  // one day of platform time, except the one that shows old keys go.
  return "{host: 127.0.0.1, port: " + std::to_string(port) +
         ", from: \"ZilliZ berichtenapp <noreply@zilliz.example.nl>\", starttls: none, "
         "rate_per_minute: 150, sent_keys_days: 1, templates_dir: \"" +
         std::string(BERICHTD_SOURCE_DIR) + "/conf/templates\"}";
}

std::string extraYaml() {
  return "messages: {master_key: {file: messages.key}, retry_base_ms: 200, retry_max_ms: 1000}\n"
         "campaigns: {file: \"{{DIR}}/campaigns.yaml\", scheduler_poll_ms: 200}\n";
}

class CampaignFlow : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == storage::Backend::kPostgres) {
      pg_ = std::make_unique<TestDatabase>(storage::Backend::kPostgres, "berichtd_campflow_");
      BERICHTD_PREPARE_TEST_DATABASE(*pg_);
    }
    sink_ = std::make_unique<mail::SmtpSink>(out_.path());
    ASSERT_GT(sink_->port(), 0);
    a_ = std::make_unique<AuthDaemon>(10, true, /*manualClock=*/true, false, pg_ ? pg_->url() : "",
                                      std::vector<std::pair<std::string, std::string>>{
                                          {"delivery-smtp", smtpPlugin(sink_->port())}},
                                      extraYaml());
    a_->dir.write("messages.key", kMasterKey);
  }
  void TearDown() override {
    a_.reset();
    sink_.reset();
    pg_.reset();
  }

  void setClock(const std::string& iso) {
    auto r = httpRequest(a_->daemon->adminUrl(), "PUT", "/admin/v1/clock",
                         "{\"now\":\"" + iso + "\"}", a_->daemon->adminHeaders());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  Poco::JSON::Object::Ptr campaigns() {
    auto r = httpRequest(a_->daemon->adminUrl(), "GET", "/admin/v1/campaigns", "",
                         a_->daemon->adminHeaders());
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r.body)->getArray("campaigns")->getObject(0);
  }
  // How many mails the SMTP server received per recipient.
  std::map<std::string, int> received() {
    std::map<std::string, int> out;
    for (int i = 1; i <= sink_->count(); ++i) out[sink_->mail(i)->getValue<std::string>("to")]++;
    return out;
  }
  std::string bodyTo(const std::string& to, const std::string& subjectPart) {
    for (int i = sink_->count(); i >= 1; --i) {
      auto m = sink_->mail(i);
      if (m->getValue<std::string>("to") == to &&
          m->getValue<std::string>("subject").find(subjectPart) != std::string::npos)
        return m->getValue<std::string>("body");
    }
    return "";
  }

  std::unique_ptr<TestDatabase> pg_;  // before a_: the database outlives the daemon
  mail::TempFolder out_;
  std::unique_ptr<mail::SmtpSink> sink_;
  std::unique_ptr<AuthDaemon> a_;
};

std::string linkIn(const std::string& body, const std::string& prefix) {
  const auto at = body.find(prefix);
  if (at == std::string::npos) return "";
  return body.substr(at + prefix.size(), body.find_first_of(" \r\n", at) - at - prefix.size());
}

// N1 exactly once, M4 waves, AC1 request link — through a SIGKILL while sending.
TEST_P(CampaignFlow, AKilledCampaignSendsEveryAccountExactlyOneMailAfterTheRestart) {
  constexpr int kAccounts = 40;
  a_->dir.write("campaigns.yaml",
                "campaigns:\n"
                "  - {name: activering, template: campaign_activering, audience: migrated,\n"
                "     send_at: \"2026-02-16T08:00:00+01:00\", request_link: true,\n"
                "     wave_size: 10, wave_interval: 1h}\n");
  ASSERT_TRUE(a_->daemon->start()) << a_->daemon->output();
  // The scheduler runs from the start: stop the clock before the send time while accounts
  // are made, so the first wave finds all of them.
  setClock("2026-02-16T07:00:00+01:00");
  for (int i = 0; i < kAccounts; ++i)
    a_->createAccount("praktijk" + std::to_string(i) + "@example.nl", std::to_string(30000000 + i));
  a_->createAccount("al-actief@example.nl", "39999999");
  a_->sql("UPDATE accounts SET state = 'active' WHERE agb_code = '39999999'");  // not migrated

  // M4: the first wave is wave_size mails, and no more while the clock stands.
  setClock("2026-02-16T08:00:00+01:00");
  ASSERT_TRUE(waitUntil([&] { return sink_->count() == 10; }, std::chrono::seconds(20)))
      << sink_->count() << "\n"
      << a_->daemon->output();
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // five scheduler passes
  EXPECT_EQ(sink_->count(), 10);
  auto c = campaigns();
  EXPECT_EQ(c->getValue<int64_t>("queued"), 10);
  EXPECT_EQ(c->getValue<int64_t>("remaining"), kAccounts - 10);
  EXPECT_EQ(c->getValue<std::string>("next_wave_at"), "2026-02-16T08:00:00.000Z");

  // Three hours later: the other 30 are due. Kill the daemon while they are being sent — after
  // some were sent and before the outbox recorded them (it records a pass's outcomes together),
  // so the restart hands those jobs to the plugin again. The kill falls in the pause between two
  // mails (400 ms apart): a kill between the SMTP server's 250 and the plugin's record of the key
  // is the one window that still sends a mail twice (docs/campaigns.md "Exactly once").
  setClock("2026-02-16T11:00:00+01:00");
  ASSERT_TRUE(waitUntil([&] { return sink_->count() >= 18; }, std::chrono::seconds(20)))
      << a_->daemon->output();
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  a_->daemon->signal(SIGKILL);
  ASSERT_NE(a_->daemon->waitExit(std::chrono::seconds(10)), -1);
  const int atKill = sink_->count();
  EXPECT_LT(atKill, kAccounts) << "the kill came too late to be mid-campaign";

  ASSERT_TRUE(a_->daemon->start()) << a_->daemon->output();
  setClock("2026-02-16T11:00:00+01:00");
  ASSERT_TRUE(waitUntil(
      [&] {
        auto p = campaigns();
        return p->getValue<int64_t>("delivered") == kAccounts;
      },
      std::chrono::seconds(60)))
      << a_->daemon->output();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // What the SMTP server received: every migrated account exactly once, nobody else.
  const auto got = received();
  EXPECT_EQ(sink_->count(), kAccounts);
  EXPECT_EQ(got.size(), static_cast<size_t>(kAccounts));
  for (int i = 0; i < kAccounts; ++i)
    EXPECT_EQ(got.count("praktijk" + std::to_string(i) + "@example.nl")
                  ? got.at("praktijk" + std::to_string(i) + "@example.nl")
                  : 0,
              1)
        << i;
  EXPECT_EQ(got.count("al-actief@example.nl"), 0u);
  // One row per account, and each archived once.
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM campaign_mails WHERE campaign = 'activering'"),
            kAccounts);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM mails WHERE campaign = 'activering'"), kAccounts);
  // AU5: no request token stays in the outbox once its mail was sent.
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM outbox WHERE service = 'mail' AND state = 'done'"),
            kAccounts);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'campaign:%' AND "
                      "LENGTH(body) = 2"),
            kAccounts);

  // AC1: the request link of a received mail asks for an access link, sent to that address.
  const std::string body = bodyTo("praktijk3@example.nl", "activeren");
  const std::string token = linkIn(body, "https://berichten.example.nl/activeren?token=");
  ASSERT_EQ(token.size(), 43u) << body;
  Poco::JSON::Object req;
  req.set("request_token", token);
  ASSERT_EQ(a_->post("/api/v1/activation/request-link", req).status, 202);
  ASSERT_TRUE(
      waitUntil([&] { return !bodyTo("praktijk3@example.nl", "link om in te loggen").empty(); },
                std::chrono::seconds(10)));
  // Tokens never reach the log.
  EXPECT_EQ(a_->daemon->output().find(token), std::string::npos);
}

// N1 exactly once, the plugin's part: a job handed to delivery-smtp again after its mail was
// sent — the retry a crash before the outbox recorded the outcome causes — is answered from
// smtp_sent and not sent a second time. The SIGKILL test above reaches that path only when its
// kill lands inside a pass; this one sets the job back itself.
TEST_P(CampaignFlow, AJobHandedOverAgainIsNotSentASecondTime) {
  a_->dir.write("campaigns.yaml",
                "campaigns:\n"
                "  - {name: aankondiging, template: campaign_aankondiging, audience: all,\n"
                "     send_at: \"2026-02-16T09:00:00+01:00\"}\n");
  ASSERT_TRUE(a_->daemon->start()) << a_->daemon->output();
  setClock("2026-02-16T08:00:00+01:00");
  a_->createAccount("ann@example.nl", "41111111");
  const std::string ann =
      std::to_string(a_->count("SELECT id FROM accounts WHERE agb_code = '41111111'"));
  const std::string key = "'campaign:aankondiging:" + ann + "'";
  // Done, and its body forgotten by the outcome transaction (only then).
  const std::string done = "SELECT COUNT(*) FROM outbox WHERE idempotency_key = " + key +
                           " AND state = 'done' AND LENGTH(body) = 2";
  setClock("2026-02-16T09:00:00+01:00");
  ASSERT_TRUE(waitUntil([&] { return a_->count(done) == 1; }, std::chrono::seconds(20)))
      << a_->daemon->output();
  ASSERT_EQ(sink_->count(), 1);

  // The job as a crash would have left it: pending, with its body.
  const std::string body = "'{\"to\":\"ann@example.nl\",\"account_id\":" + ann +
                           ",\"template\":\"campaign_aankondiging\",\"variables\":{}}'";
  a_->sql(
      "UPDATE outbox SET state = 'pending', next_attempt_at = '2000-01-01T00:00:00.000Z', "
      "body = " +
      (pg_ ? "convert_to(" + body + ", 'UTF8')" : "CAST(" + body + " AS BLOB)") +
      " WHERE idempotency_key = " + key);
  ASSERT_EQ(a_->count(done), 0);
  ASSERT_TRUE(waitUntil([&] { return a_->count(done) == 1; }, std::chrono::seconds(20)))
      << a_->daemon->output();
  EXPECT_EQ(sink_->count(), 1);  // answered from smtp_sent: the server got no second mail
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM mails WHERE source_key = " + key), 1);  // archived once
}

// N1 send_until: an account that joins the audience after the campaign's send_until (a late
// import) gets no mail of it — not from the scheduler, not from the operator's send — while one
// that joined before did.
TEST_P(CampaignFlow, NoMailReachesAnAccountThatJoinsAfterSendUntil) {
  a_->dir.write("campaigns.yaml",
                "campaigns:\n"
                "  - {name: week-voor, template: campaign_week_voor, audience: all,\n"
                "     send_at: \"2026-02-06T09:00:00+01:00\",\n"
                "     send_until: \"2026-02-13T00:00:00+01:00\"}\n");
  ASSERT_TRUE(a_->daemon->start()) << a_->daemon->output();
  setClock("2026-02-12T12:00:00+01:00");  // due and not yet closed
  a_->createAccount("vroeg@example.nl", "43333333");
  ASSERT_TRUE(waitUntil([&] { return sink_->count() == 1; }, std::chrono::seconds(20)))
      << a_->daemon->output();
  EXPECT_EQ(received().count("vroeg@example.nl"), 1u);

  setClock("2026-02-13T00:00:00+01:00");  // send_until: the final export's accounts arrive
  a_->createAccount("laat@example.nl", "44444444");
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // five scheduler passes
  auto c = campaigns();
  EXPECT_EQ(c->getValue<std::string>("send_until"), "2026-02-12T23:00:00.000Z");
  EXPECT_EQ(c->getValue<int64_t>("queued"), 1);
  EXPECT_EQ(c->getValue<int64_t>("remaining"), 1);  // laat: in the audience, without one
  EXPECT_TRUE(c->isNull("next_wave_at"));

  // The operator's send is refused too (docs/campaigns.md): nothing is queued.
  std::string out;
  EXPECT_EQ(runCommand({binaryPath("berichtctl"), "--admin", a_->daemon->adminUrl(), "--token-file",
                        a_->dir.path() + "/admin.token", "campaign", "send", "week-voor"},
                       out),
            1);
  EXPECT_NE(out.find("CAMPAIGN_CLOSED"), std::string::npos) << out;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM campaign_mails WHERE campaign = 'week-voor'"), 1);
  EXPECT_EQ(sink_->count(), 1);
  EXPECT_EQ(received().count("laat@example.nl"), 0u);
}

// delivery-smtp keeps a sent mail's key sent_keys_days (1 here) of platform time: a mail sent
// two days later deletes the older key and keeps its own (docs/delivery-smtp.md).
TEST_P(CampaignFlow, SentMailKeysAreForgottenAfterTheirDays) {
  a_->dir.write("campaigns.yaml",
                "campaigns:\n"
                "  - {name: eerste, template: campaign_aankondiging, audience: all,\n"
                "     send_at: \"2026-02-16T09:00:00+01:00\"}\n"
                "  - {name: tweede, template: campaign_planning, audience: all,\n"
                "     send_at: \"2026-02-18T09:00:00+01:00\"}\n");
  ASSERT_TRUE(a_->daemon->start()) << a_->daemon->output();
  setClock("2026-02-16T08:00:00+01:00");
  a_->createAccount("ann@example.nl", "41111111");
  const std::string first =
      "SELECT COUNT(*) FROM smtp_sent WHERE idempotency_key LIKE "
      "'campaign:eerste:%'";
  const std::string second =
      "SELECT COUNT(*) FROM smtp_sent WHERE idempotency_key LIKE "
      "'campaign:tweede:%'";
  setClock("2026-02-16T09:00:00+01:00");
  ASSERT_TRUE(waitUntil([&] { return a_->count(first) == 1; }, std::chrono::seconds(20)))
      << a_->daemon->output();
  setClock("2026-02-18T09:00:00+01:00");
  ASSERT_TRUE(waitUntil([&] { return a_->count(second) == 1; }, std::chrono::seconds(20)))
      << a_->daemon->output();
  EXPECT_EQ(a_->count(first), 0);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM smtp_sent"), 1);
  EXPECT_EQ(sink_->count(), 2);
}

// The activation steps of auth_flow_support's activate(), with the access link read from the
// mail the SMTP server received.
struct User {
  std::string email, secret, token;
  int64_t step = 0;
};

User activateOverSmtp(AuthDaemon& a, mail::SmtpSink& sink, const std::string& email,
                      const std::string& agb) {
  User u;
  u.email = email;
  auto created = a.createAccount(email, agb);
  const int before = sink.count();
  Poco::JSON::Object req;
  req.set("request_token", created->getValue<std::string>("request_token"));
  EXPECT_EQ(a.post("/api/v1/activation/request-link", req).status, 202);
  EXPECT_TRUE(waitUntil([&] { return sink.count() == before + 1; }, std::chrono::seconds(10)));
  // The access link opens the activation pages' start (docs/activation-pages.md).
  const std::string access = linkIn(sink.mail(before + 1)->getValue<std::string>("body"),
                                    "https://berichten.example.nl/activeren/start?token=");
  Poco::JSON::Object begin;
  begin.set("access_token", access);
  auto b = a.post("/api/v1/activation/begin", begin);
  EXPECT_EQ(b.status, 200) << b.body;
  const std::string act = json(b.body)->getValue<std::string>("activation_token");
  Poco::JSON::Object pw;
  pw.set("activation_token", act);
  pw.set("password", kPassword);
  EXPECT_EQ(a.post("/api/v1/activation/password", pw).status, 200);
  Poco::JSON::Object t;
  t.set("activation_token", act);
  auto enrol = a.post("/api/v1/activation/totp", t);
  EXPECT_EQ(enrol.status, 200) << enrol.body;
  u.secret = json(enrol.body)->getValue<std::string>("secret");
  u.step = unixNow() / 30;
  Poco::JSON::Object confirm;
  confirm.set("activation_token", act);
  confirm.set("code", oathtool(u.secret, u.step));
  EXPECT_EQ(a.post("/api/v1/activation/totp/confirm", confirm).status, 200);
  a.sql("UPDATE accounts SET state = 'active' WHERE agb_code = '" + agb + "'");  // AC3 payment
  return u;
}

void login(AuthDaemon& a, User& u) {
  auto ok = a.post("/api/v1/login", loginBody(u.email, kPassword, oathtool(u.secret, u.step + 1)));
  EXPECT_EQ(ok.status, 200) << ok.body;
  if (ok.status == 200) u.token = json(ok.body)->getValue<std::string>("token");
}

// N2: every mail sent to an account — the campaign through the outbox, the access link and the
// authenticator mail the auth plugin sent directly — readable by that account only.
TEST_P(CampaignFlow, EachAccountReadsItsOwnSentMailsAndNoOneElses) {
  a_->dir.write("campaigns.yaml",
                "campaigns:\n"
                "  - {name: aankondiging, template: campaign_aankondiging, audience: active,\n"
                "     send_at: \"2026-02-16T09:00:00+01:00\"}\n");
  ASSERT_TRUE(a_->daemon->start()) << a_->daemon->output();
  User ann = activateOverSmtp(*a_, *sink_, "ann@example.nl", "41111111");
  User bob = activateOverSmtp(*a_, *sink_, "bob@example.nl", "42222222");
  const int before = sink_->count();
  EXPECT_EQ(before, 4);  // each: the access link and the authenticator mail
  setClock("2026-02-16T09:00:00+01:00");
  ASSERT_TRUE(waitUntil([&] { return sink_->count() == before + 2; }, std::chrono::seconds(20)));
  login(*a_, ann);
  login(*a_, bob);
  ASSERT_FALSE(ann.token.empty());
  ASSERT_FALSE(bob.token.empty());

  auto as = [](const User& u) {
    return std::map<std::string, std::string>{{"Authorization", "Bearer " + u.token}};
  };
  Poco::JSON::Array::Ptr annMails;
  ASSERT_TRUE(waitUntil(
      [&] {
        auto r = a_->get("/api/v1/mails", as(ann));
        if (r.status != 200) return false;
        annMails = json(r.body)->getArray("mails");
        return annMails->size() == 3;
      },
      std::chrono::seconds(10)));
  std::map<std::string, int64_t> idOf;
  for (size_t i = 0; i < annMails->size(); ++i) {
    auto m = annMails->getObject(static_cast<unsigned>(i));
    idOf[m->getValue<std::string>("template")] = m->getValue<int64_t>("id");
    EXPECT_FALSE(m->has("text"));
  }
  ASSERT_EQ(idOf.size(), 3u);
  ASSERT_TRUE(idOf.count("access_link") && idOf.count("authenticator_enrolled") &&
              idOf.count("campaign_aankondiging"));
  EXPECT_EQ(annMails->getObject(0)->getValue<std::string>("campaign"), "aankondiging");  // newest
  auto one = a_->get("/api/v1/mails/" + std::to_string(idOf["campaign_aankondiging"]), as(ann));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json(one.body)->getValue<std::string>("subject"),
            "In februari 2026 wordt de ZilliZ berichtenapp vernieuwd");
  EXPECT_NE(json(one.body)->getValue<std::string>("text").find("€ 13,50 per maand"),
            std::string::npos);
  // The access link's text is kept, its token is not.
  auto link = a_->get("/api/v1/mails/" + std::to_string(idOf["access_link"]), as(ann));
  ASSERT_EQ(link.status, 200);
  EXPECT_NE(
      json(link.body)->getValue<std::string>("text").find("activeren/start?token=[verwijderd]"),
      std::string::npos);

  // Bob sees his three, none of Ann's; Ann's ids are 404 for him, like ids that do not exist.
  auto bobList = a_->get("/api/v1/mails", as(bob));
  ASSERT_EQ(bobList.status, 200);
  auto bobMails = json(bobList.body)->getArray("mails");
  EXPECT_EQ(bobMails->size(), 3u);
  for (size_t i = 0; i < bobMails->size(); ++i) {
    const int64_t id = bobMails->getObject(static_cast<unsigned>(i))->getValue<int64_t>("id");
    for (const auto& [t, annId] : idOf) EXPECT_NE(id, annId);
  }
  for (const auto& [t, annId] : idOf) {
    auto theirs = a_->get("/api/v1/mails/" + std::to_string(annId), as(bob));
    EXPECT_EQ(theirs.status, 404) << t;
    EXPECT_EQ(errorCode(theirs), "NOT_FOUND");
  }
  EXPECT_EQ(a_->get("/api/v1/mails/999999", as(ann)).status, 404);
  EXPECT_EQ(a_->get("/api/v1/mails").status, 401);  // no session

  // berichtctl campaign list|send: the operator's send never mails an account twice.
  auto ctl = [this](const std::vector<std::string>& args, std::string& out) {
    std::vector<std::string> argv{binaryPath("berichtctl"), "--admin", a_->daemon->adminUrl(),
                                  "--token-file", a_->dir.path() + "/admin.token"};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, out);
  };
  std::string out;
  ASSERT_EQ(ctl({"campaign", "list"}, out), 0) << out;
  EXPECT_NE(out.find("aankondiging  active"), std::string::npos) << out;
  ASSERT_EQ(ctl({"campaign", "send", "aankondiging"}, out), 0) << out;
  EXPECT_EQ(out, "campaign aankondiging: 0 mails queued\n");
  EXPECT_EQ(ctl({"campaign", "send", "bestaat-niet"}, out), 1);
  EXPECT_NE(out.find("CAMPAIGN_UNKNOWN"), std::string::npos) << out;
}

// An invalid campaigns file is refused like an invalid configuration: FILE:LINE:COL, exit 1.
TEST(CampaignConfig, CheckConfigRefusesAnInvalidCampaignsFile) {
  TempDir dir;
  const std::string campaigns = dir.write(
      "campaigns.yaml",
      "campaigns:\n  - {name: a, template: t, audience: iedereen, send_at: 2026-02-16}\n");
  const std::string config =
      dir.write("berichtd.yaml", "campaigns: {file: \"" + campaigns + "\"}\n");
  std::string out;
  EXPECT_EQ(runCommand({binaryPath("berichtd"), "--check-config", config}, out), 1);
  EXPECT_EQ(
      out,
      campaigns + ":2:38: campaigns.0.audience: 'iedereen' is not one of all, migrated, active\n");
  dir.write("campaigns.yaml",
            "campaigns:\n  - {name: a, template: t, audience: all, send_at: 2026-02-16}\n");
  EXPECT_EQ(runCommand({binaryPath("berichtd"), "--check-config", config}, out), 0) << out;
}

INSTANTIATE_TEST_SUITE_P(Backends, CampaignFlow,
                         ::testing::Values(storage::Backend::kSqlite, storage::Backend::kPostgres),
                         backendParamName);

}  // namespace
}  // namespace berichtd::testing
