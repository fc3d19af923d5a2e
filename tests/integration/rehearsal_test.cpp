// The whole migration timeline, rehearsed (issue 7 item 8; docs/rehearsal.md) on SQLite and
// PostgreSQL: the real daemon on the manual platform clock with auth-totp, delivery-smtp (a real
// SMTP server on loopback), delivery-inbox and billing-mollie (the fake Mollie API), the
// shipped campaigns file (waves made small), and berichtctl as the operator uses it. Over a
// generated export (rehearsal_export.hpp) it walks
//   2025-11-20  the early import (M1, M2), A3
//   2025-11-21  the announcement (N1); retention holds until the start-up
//   2026-01-16, 02-06  the planning and week-before mails; late joiners get none (send_until)
//   2026-02-13  the window (M3): user paths 503 MAINTENANCE, the status page; the final import
//               refreshes what changed on the old platform; the in-maintenance mail
//   2026-02-16  the first sweep (R1), the activation waves (M4, AC1), activations with the
//               € 0.01 payment (AC2, AC3), an expired subscription charged at once (B5), a
//               carried-over one not (B4), a message held for a practice not yet active (AC4),
//               the identity freeze (A2)
//   2026-03-01  the deadline (AC4), the freeze lifted
//   2026-03-05  a late activation finds its history and the held message (AC5, N2)
//   2026-06-15, 09-01  retention (R1, R2, R3): only the active practices remain
// and checks every rule on the way.
#include <algorithm>
#include <set>
#include <thread>

#include "auth_flow_support.hpp"
#include "fake_mollie.hpp"
#include "rehearsal_export.hpp"
#include "smtp_sink.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::testing {
namespace {

using mollie::testing::FakeMollie;
using namespace rehearsal;

const std::string kMollieKey = "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM";
constexpr const char* kPublic = "https://berichten.example.nl";

const std::string kSubjectAnnouncement = "In februari 2026 wordt de ZilliZ berichtenapp vernieuwd";
const std::string kSubjectPlanning = "Planning van de migratie van de ZilliZ berichtenapp";
const std::string kSubjectWeekBefore =
    "Volgend weekend verhuist de ZilliZ berichtenapp naar het nieuwe platform";
const std::string kSubjectMaintenance =
    "De ZilliZ berichtenapp is nu buiten gebruik voor de migratie";
const std::string kSubjectActivation = "Je kunt nu je ZilliZ berichtenapp account activeren";
const std::string kSubjectAccessLink = "Je link om in te loggen bij de ZilliZ berichtenapp";

// The shipped campaigns, with waves of 4 instead of 2000 so 16 practices take four waves.
std::string campaignsFile() {
  std::string text = readFile(fs::path(BERICHTD_SOURCE_DIR) / "conf/campaigns.yaml");
  const auto at = text.find("wave_size: 2000");
  if (at == std::string::npos) return "";
  return text.replace(at, 15, "wave_size: 4");
}

struct Practice {
  std::string email, agb, secret, activationToken, token;
  int64_t lastStep = 0;
};

class Rehearsal : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == storage::Backend::kPostgres) {
      pg_ = std::make_unique<TestDatabase>(storage::Backend::kPostgres, "berichtd_rehearsal_");
      BERICHTD_PREPARE_TEST_DATABASE(*pg_);
    }
    sink_ = std::make_unique<mail::SmtpSink>(out_.path());
    ASSERT_GT(sink_->port(), 0);
    fake_ = std::make_unique<FakeMollie>(std::vector<std::string>{"--api-key", kMollieKey});
    ASSERT_GT(fake_->port(), 0);
    a_ = std::make_unique<AuthDaemon>(
        10, true, /*manualClock=*/false, false, pg_ ? pg_->url() : "",
        std::vector<std::pair<std::string, std::string>>{
            {"delivery-smtp",
             "{host: 127.0.0.1, port: " + std::to_string(sink_->port()) +
                 ", from: \"ZilliZ berichtenapp <noreply@zilliz.example.nl>\", starttls: none, "
                 "rate_per_minute: 0, templates_dir: \"" +
                 std::string(BERICHTD_SOURCE_DIR) + "/conf/templates\"}"},
            {"delivery-inbox", "{}"},
            {"billing-mollie", "{api_url: \"" + fake_->url() + "\", api_key: {file: mollie.key}}"}},
        // The day before the announcement; the seed's calendar, written out.
        "clock: {mode: manual, start: \"2025-11-20T10:00:00+01:00\"}\n"
        "migration: {cutoff: \"2026-02-13T00:00:00+01:00\", startup: "
        "\"2026-02-16T00:00:00+01:00\", identity_freeze_from: \"2026-02-06T00:00:00+01:00\", "
        "startup_complete: \"2026-03-01T00:00:00+01:00\"}\n"
        "activation: {deadline: \"2026-03-01T00:00:00+01:00\"}\n"
        "messages: {master_key: {file: messages.key}, retry_base_ms: 200, retry_max_ms: 1000}\n"
        "campaigns: {file: \"{{DIR}}/campaigns.yaml\", scheduler_poll_ms: 200}\n"
        "retention: {scheduler_poll_ms: 200}\n"
        "billing: {supplier_name: ZilliZ B.V., supplier_address: \"Kade 1\\n1000 AA Amsterdam\", "
        "supplier_kvk: \"12345678\", supplier_vat_number: NL001234567B01}\n");
    a_->dir.write("messages.key", "m1:" + std::string(64, 'e') + "\n");
    a_->dir.write("mollie.key", kMollieKey + "\n");
    const std::string campaigns = campaignsFile();
    ASSERT_FALSE(campaigns.empty()) << "conf/campaigns.yaml has no activation waves of 2000";
    a_->dir.write("campaigns.yaml", campaigns);
    ASSERT_TRUE(a_->daemon->start()) << a_->daemon->output();
    for (const auto& o : oldAccounts()) old_[o.key] = o;
  }
  void TearDown() override {
    a_.reset();
    fake_.reset();
    sink_.reset();
    pg_.reset();
  }

  int ctl(std::vector<std::string> args, std::string& out) {
    std::vector<std::string> argv{binaryPath("berichtctl"), "--admin", a_->daemon->adminUrl(),
                                  "--token-file", a_->dir.path() + "/admin.token"};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, out);
  }
  void clock(const std::string& iso) {
    std::string out;
    ASSERT_EQ(ctl({"clock", "set", iso}, out), 0) << out;
  }
  Poco::JSON::Object::Ptr campaign(const std::string& name) {
    auto r = httpRequest(a_->daemon->adminUrl(), "GET", "/admin/v1/campaigns", "",
                         a_->daemon->adminHeaders());
    EXPECT_EQ(r.status, 200) << r.body;
    auto list = json(r.body)->getArray("campaigns");
    for (std::size_t i = 0; i < list->size(); ++i)
      if (list->getObject(static_cast<unsigned>(i))->getValue<std::string>("name") == name)
        return list->getObject(static_cast<unsigned>(i));
    ADD_FAILURE() << "no campaign " << name;
    return new Poco::JSON::Object;
  }
  // Waits until the campaign's queued mails are all delivered and the server has them.
  bool settled(const std::string& name, int64_t queued) {
    return waitUntil(
        [&] {
          auto c = campaign(name);
          return c->getValue<int64_t>("queued") == queued &&
                 c->getValue<int64_t>("delivered") == queued &&
                 static_cast<int64_t>(received(subjectOf(name)).size()) == queued;
        },
        std::chrono::seconds(60));
  }
  static std::string subjectOf(const std::string& campaignName) {
    if (campaignName == "aankondiging") return kSubjectAnnouncement;
    if (campaignName == "planning") return kSubjectPlanning;
    if (campaignName == "week-voor") return kSubjectWeekBefore;
    if (campaignName == "in-onderhoud") return kSubjectMaintenance;
    return kSubjectActivation;
  }
  // Every recipient the SMTP server received a mail with this subject for, with how many.
  std::map<std::string, int> received(const std::string& subject) {
    std::map<std::string, int> out;
    for (int i = 1; i <= sink_->count(); ++i) {
      auto m = sink_->mail(i);
      if (m->getValue<std::string>("subject") == subject) out[m->getValue<std::string>("to")]++;
    }
    return out;
  }
  std::string lastBody(const std::string& to, const std::string& subject) {
    for (int i = sink_->count(); i >= 1; --i) {
      auto m = sink_->mail(i);
      if (m->getValue<std::string>("to") == to && m->getValue<std::string>("subject") == subject)
        return m->getValue<std::string>("body");
    }
    return "";
  }
  static std::string linkIn(const std::string& body, const std::string& prefix) {
    const auto at = body.find(prefix);
    if (at == std::string::npos) return "";
    return body.substr(at + prefix.size(), body.find_first_of(" \r\n", at) - at - prefix.size());
  }
  // The set of e-mail addresses a campaign should reach: the accounts in the given states.
  std::set<std::string> emailsIn(const std::string& states) {
    std::set<std::string> out;
    auto db = a_->open();
    Status s = db->read([&](Poco::Data::Session& tx) {
      for (const auto& r :
           storage::runSql(*db, tx, "SELECT email FROM accounts WHERE state IN (" + states + ")")
               .rows)
        out.insert(r[0].textOr(""));
    });
    EXPECT_TRUE(s) << s.toString();
    return out;
  }
  static std::set<std::string> keysOf(const std::map<std::string, int>& m) {
    std::set<std::string> out;
    for (const auto& [k, n] : m) out.insert(k);
    return out;
  }
  std::string stateOf(const std::string& key) {
    auto db = a_->open();
    std::string state = "(none)";
    Status s = db->read([&](Poco::Data::Session& tx) {
      auto r = storage::runSql(*db, tx, "SELECT state FROM accounts WHERE old_id = ?", {key});
      if (!r.rows.empty()) state = r.rows[0][0].textOr("");
    });
    EXPECT_TRUE(s) << s.toString();
    return state;
  }
  std::string column(const std::string& key, const std::string& col) {
    auto db = a_->open();
    std::string value = "(none)";
    Status s = db->read([&](Poco::Data::Session& tx) {
      auto r = storage::runSql(*db, tx, "SELECT " + col + " FROM accounts WHERE old_id = ?", {key});
      if (!r.rows.empty()) value = r.rows[0][0].textOr("(null)");
    });
    EXPECT_TRUE(s) << s.toString();
    return value;
  }

  // AC1 → AC3 as a practice does it: the request link of its activation mail, the access link
  // (AC2) from the mail that follows, password, authenticator (oathtool), the mandate and the
  // € 0.01 payment at the (fake) provider, whose webhook makes the account active.
  Practice activate(const std::string& email, const std::string& iban) {
    Practice p;
    p.email = email;
    const std::string request =
        linkIn(lastBody(email, kSubjectActivation), std::string(kPublic) + "/activeren?token=");
    EXPECT_EQ(request.size(), 43u) << email;
    const auto before = received(kSubjectAccessLink)[email];
    Poco::JSON::Object r;
    r.set("request_token", request);
    EXPECT_EQ(a_->post("/api/v1/activation/request-link", r).status, 202);
    EXPECT_TRUE(waitUntil([&] { return received(kSubjectAccessLink)[email] == before + 1; },
                          std::chrono::seconds(20)))
        << email;
    const std::string access = linkIn(lastBody(email, kSubjectAccessLink),
                                      std::string(kPublic) + "/activeren/start?token=");
    Poco::JSON::Object begin;
    begin.set("access_token", access);
    auto b = a_->post("/api/v1/activation/begin", begin);
    EXPECT_EQ(b.status, 200) << b.body;
    if (b.status != 200) return p;
    p.activationToken = json(b.body)->getValue<std::string>("activation_token");
    Poco::JSON::Object pw;
    pw.set("activation_token", p.activationToken);
    pw.set("password", kPassword);
    EXPECT_EQ(a_->post("/api/v1/activation/password", pw).status, 200);
    Poco::JSON::Object t;
    t.set("activation_token", p.activationToken);
    auto enrol = a_->post("/api/v1/activation/totp", t);
    EXPECT_EQ(enrol.status, 200) << enrol.body;
    p.secret = json(enrol.body)->getValue<std::string>("secret");
    p.lastStep = unixNow() / 30;
    Poco::JSON::Object confirm;
    confirm.set("activation_token", p.activationToken);
    confirm.set("code", oathtool(p.secret, p.lastStep));
    EXPECT_EQ(a_->post("/api/v1/activation/totp/confirm", confirm).status, 200);

    Poco::JSON::Object m;
    m.set("activation_token", p.activationToken);
    m.set("iban", iban);
    m.set("account_holder", "Praktijk " + email.substr(0, email.find('@')));
    m.set("consent", true);
    auto mandate = a_->post("/api/v1/activation/mandate", m);
    EXPECT_EQ(mandate.status, 200) << mandate.body;
    if (mandate.status != 200) return p;
    const std::string payment = json(mandate.body)->getValue<std::string>("payment_id");
    fake_->control("payments/" + payment, R"({"status":"paid"})");
    auto hook = httpRequest(a_->daemon->url(), "POST", "/api/v1/webhooks/mollie", "id=" + payment,
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(hook.status, 200) << hook.body;
    return p;
  }
  // A login with the next authenticator code (AU3: each code once; skew_steps 3).
  void login(Practice& p) {
    int64_t step = std::max(p.lastStep + 1, unixNow() / 30 - 2);
    while (step > unixNow() / 30 + 3) std::this_thread::sleep_for(std::chrono::seconds(1));
    p.lastStep = step;
    auto ok = a_->post("/api/v1/login", loginBody(p.email, kPassword, oathtool(p.secret, step)));
    EXPECT_EQ(ok.status, 200) << p.email << ": " << ok.body;
    p.token = ok.status == 200 ? json(ok.body)->getValue<std::string>("token") : "";
  }
  static std::map<std::string, std::string> as(const Practice& p) {
    return {{"Authorization", "Bearer " + p.token}};
  }
  HttpAnswer send(const Practice& from, const std::string& toAgb, const std::string& subject) {
    Poco::JSON::Object msg;
    Poco::JSON::Array to;
    to.add(toAgb);
    msg.set("to", to);
    msg.set("subject", subject);
    msg.set("body", "Vertrouwelijk: " + subject);
    msg.set("type", "bericht");
    return a_->post("/api/v1/messages", msg, as(from));
  }
  std::vector<std::string> subjects(const Practice& p, const std::string& box) {
    std::vector<std::string> out;
    auto r = a_->get("/api/v1/messages?box=" + box, as(p));
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return out;
    auto list = json(r.body)->getArray("messages");
    for (std::size_t i = 0; i < list->size(); ++i)
      out.push_back(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("subject"));
    std::sort(out.begin(), out.end());
    return out;
  }
  // What the final export says a practice should find in a box (P08's side included: M2 keeps
  // the copy of the side that was migrated).
  static std::vector<std::string> exported(const std::string& key, bool inbox) {
    std::vector<std::string> out;
    for (const auto& m : oldMessages())
      if ((inbox ? m.to : m.from) == key) out.push_back(m.subject);
    std::sort(out.begin(), out.end());
    return out;
  }
  Poco::JSON::Array::Ptr invoices(const Practice& p) {
    auto r = a_->get("/api/v1/invoices", as(p));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json(r.body)->getArray("invoices")
                           : Poco::JSON::Array::Ptr(new Poco::JSON::Array);
  }
  std::string invoiceState(const Practice& p, const std::string& number) {
    auto list = invoices(p);
    for (std::size_t i = 0; i < list->size(); ++i)
      if (list->getObject(static_cast<unsigned>(i))->getValue<std::string>("number") == number)
        return list->getObject(static_cast<unsigned>(i))->getValue<std::string>("state");
    return "(none)";
  }

  std::unique_ptr<TestDatabase> pg_;  // before a_: the database outlives the daemon
  mail::TempFolder out_;
  std::unique_ptr<mail::SmtpSink> sink_;
  std::unique_ptr<FakeMollie> fake_;
  std::unique_ptr<AuthDaemon> a_;
  std::map<std::string, OldAccount> old_;
};

TEST_P(Rehearsal, TheWholeTimelineFromTheAnnouncementToRetention) {
  std::string out;
  const std::string early = a_->dir.write("export-2025-11-20.jsonl", exportText(false));
  const std::string final = a_->dir.write("export-2026-02-13.jsonl", exportText(true));

  // ---- 2025-11-20: the early import (M1, M2) -------------------------------------------------
  ASSERT_EQ(ctl({"import", early, "--dry-run", "--json"}, out), 0) << out;
  auto dry = json(out)->getObject("counts");
  EXPECT_EQ(dry->getObject("accounts")->getValue<int>("to_import"),
            17);  // P01-P10, P13-P20 but P08
  EXPECT_EQ(dry->getObject("accounts")->getValue<int>("excluded_closed"), 1);  // P08 (M2)
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM accounts"), 0);
  ASSERT_EQ(ctl({"import", early, "--json"}, out), 0) << out;
  EXPECT_EQ(json(out)->getObject("counts")->getObject("messages")->getValue<int>("to_import"), 20);
  EXPECT_EQ(stateOf("P07"), "closed");  // A4: closed on the old platform, migrated as closed
  EXPECT_EQ(stateOf("P08"), "(none)");
  // A3: a migrated practice cannot sign up anew; it activates through its activation mail.
  auto dup = httpRequest(a_->daemon->adminUrl(), "POST", "/admin/v1/accounts",
                         R"({"email":"PRAKTIJK.P01@example.nl","agb_code":"50000099"})",
                         a_->daemon->adminHeaders());
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_EQ(errorCode(dup), "ACCOUNT_EXISTS_MIGRATED");

  // ---- 2025-11-21: the announcement to every migrated account (N1) ---------------------------
  clock("2025-11-21T09:00:00+01:00");
  ASSERT_TRUE(settled("aankondiging", 17)) << a_->daemon->output();
  EXPECT_EQ(keysOf(received(kSubjectAnnouncement)), emailsIn("'migrated', 'closed'"));
  // Retention holds until the start-up: P06's last activity (April) is seven months back.
  ASSERT_EQ(ctl({"retention", "sweep"}, out), 0) << out;
  EXPECT_NE(out.find("retention sweep 2025-11-21: 0 accounts deleted"), std::string::npos) << out;
  EXPECT_EQ(stateOf("P06"), "migrated");

  // ---- 2026-01-16, 2026-02-06: the planning and the week-before mails ------------------------
  clock("2026-01-16T09:00:00+01:00");
  ASSERT_TRUE(settled("planning", 17)) << a_->daemon->output();
  clock("2026-02-06T09:00:00+01:00");
  ASSERT_TRUE(settled("week-voor", 17)) << a_->daemon->output();

  // ---- 2026-02-13 00:00: the window (M3) -----------------------------------------------------
  clock("2026-02-13T00:30:00+01:00");
  for (const char* path : {"/api/v1/me", "/api/v1/messages", "/activeren"}) {
    auto closed = a_->get(path);
    EXPECT_EQ(closed.status, 503) << path;
    EXPECT_EQ(closed.headers["Retry-After"], std::to_string(3 * 86400 - 1800)) << path;
  }
  EXPECT_EQ(errorCode(a_->get("/api/v1/me")), "MAINTENANCE");
  auto page = json(a_->get("/status.json").body);
  EXPECT_EQ(page->getObject("status")->getValue<std::string>("indicator"), "maintenance");
  EXPECT_EQ(page->getArray("scheduled_maintenances")->getObject(0)->getValue<std::string>("status"),
            "in_progress");

  // The final export, imported while the users are out: two new practices, 20 new messages,
  // and what changed on the old platform since November refreshed (docs/import.md).
  ASSERT_EQ(ctl({"import", final, "--json"}, out), 0) << out;
  auto counts = json(out)->getObject("counts");
  auto accounts = counts->getObject("accounts");
  EXPECT_EQ(accounts->getValue<int>("to_import"), 2);  // P11, P12
  EXPECT_EQ(accounts->getValue<int>("excluded_closed"), 1);
  // Every account's activity moved; P02's paid-through date, P09's closure, P10's address too.
  EXPECT_EQ(accounts->getValue<int>("updated"), 15) << out;  // all but P06, P07 (unchanged)
  EXPECT_EQ(accounts->getValue<int>("already_present"), 2) << out;
  EXPECT_EQ(counts->getObject("messages")->getValue<int>("to_import"), 20);
  EXPECT_EQ(counts->getObject("invoices")->getValue<int>("to_import"), 12);
  EXPECT_EQ(counts->getObject("invoices")->getValue<int>("updated"), 1);  // P01's November
  EXPECT_EQ(column("P02", "paid_through"), "2026-03-19");
  EXPECT_EQ(stateOf("P09"), "closed");
  EXPECT_EQ(column("P10", "email"), "nieuw.P10@example.nl");
  ASSERT_EQ(ctl({"import", final, "--json"}, out), 0) << out;  // M1: again changes nothing
  EXPECT_EQ(json(out)->getObject("counts")->getObject("accounts")->getValue<int>("updated"), 0);
  EXPECT_EQ(json(out)->getObject("counts")->getObject("messages")->getValue<int>("to_import"), 0);

  // The in-maintenance mail goes to everyone, the new practices included; the earlier mails
  // stopped before they came (send_until): no stale announcement in February.
  clock("2026-02-13T09:00:00+01:00");
  ASSERT_TRUE(settled("in-onderhoud", 19)) << a_->daemon->output();
  EXPECT_EQ(keysOf(received(kSubjectMaintenance)), emailsIn("'migrated', 'closed'"));
  for (const char* late : {"praktijk.P11@example.nl", "praktijk.P12@example.nl"}) {
    EXPECT_EQ(received(kSubjectAnnouncement).count(late), 0u) << late;
    EXPECT_EQ(received(kSubjectWeekBefore).count(late), 0u) << late;
  }

  // ---- 2026-02-16: the first sweep, the waves, activations -----------------------------------
  // 03:00: the daily sweep may judge now. P06 (no activity since April 2025) is deleted before
  // the activation mails go out (R1); the closed P07 and P09 are not due yet (R2).
  clock("2026-02-16T03:30:00+01:00");
  ASSERT_TRUE(waitUntil([&] { return stateOf("P06") == "deleted"; }, std::chrono::seconds(30)))
      << a_->daemon->output();
  EXPECT_EQ(column("P06", "deletion_reason"), "inactive");
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM accounts WHERE state = 'deleted'"), 1);
  EXPECT_EQ(a_->get("/api/v1/me").status, 401);  // the window is over: open, just not logged in

  // 08:00: the first wave of the activation mail (M4): four practices, lowest id first.
  const std::set<std::string> migrated = emailsIn("'migrated'");
  ASSERT_EQ(migrated.size(), 16u);
  clock("2026-02-16T08:00:00+01:00");
  ASSERT_TRUE(settled("activering", 4)) << a_->daemon->output();
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // three scheduler passes
  EXPECT_EQ(campaign("activering")->getValue<int64_t>("queued"), 4);
  EXPECT_EQ(campaign("activering")->getValue<std::string>("next_wave_at"),
            "2026-02-16T08:00:00.000Z");
  for (const char* key : {"P01", "P02", "P03", "P04"})
    EXPECT_EQ(received(kSubjectActivation)[old_.at(key).finalEmail], 1) << key;

  // P01 activates: paid through 9 January by the final export, so the period holding today is
  // charged right after the € 0.01 payment (B5), numbered after the old platform's 2026 invoices.
  Practice p01 = activate("praktijk.P01@example.nl", "NL91 ABNA 0417 1643 00");
  ASSERT_EQ(stateOf("P01"), "active");
  login(p01);
  auto inv = invoices(p01);
  ASSERT_EQ(inv->size(), 5u);  // four migrated, one new
  EXPECT_EQ(inv->getObject(0)->getValue<std::string>("number"), "2026-000007");
  EXPECT_EQ(inv->getObject(0)->getValue<std::string>("period_start"), "2026-02-10");
  EXPECT_EQ(inv->getObject(0)->getValue<int64_t>("amount_incl"), 1634);
  EXPECT_EQ(invoiceState(p01, "2025-000307"), "paid");  // paid between the exports (refreshed)
  // P02 activates: paid through 19 March, carried over (B4): nothing charged now.
  Practice p02 = activate("praktijk.P02@example.nl", "NL44 RABO 0123 4567 89");
  ASSERT_EQ(stateOf("P02"), "active");
  login(p02);
  EXPECT_EQ(invoices(p02)->size(), 4u);
  auto me2 = json(a_->get("/api/v1/me", as(p02)).body);
  EXPECT_EQ(me2->getValue<std::string>("paid_through"), "2026-03-19");
  EXPECT_EQ(me2->getValue<std::string>("next_collection"), "2026-03-20");

  // The waves go on; an account active by its wave is no longer in the audience.
  for (const char* hour : {"09", "10", "11"})
    clock(std::string("2026-02-16T") + hour + ":00:00+01:00");
  ASSERT_TRUE(settled("activering", 16)) << a_->daemon->output();
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  const auto activation = received(kSubjectActivation);
  EXPECT_EQ(keysOf(activation), migrated);  // the 16 migrated at 03:30, each exactly once
  for (const auto& [to, n] : activation) EXPECT_EQ(n, 1) << to;
  EXPECT_EQ(activation.count("praktijk.P10@example.nl"), 0u);  // the old address: not used
  EXPECT_EQ(activation.count("praktijk.P06@example.nl"), 0u);  // deleted
  EXPECT_EQ(activation.count("praktijk.P07@example.nl"), 0u);  // closed

  // ---- 2026-02-20: a message to a practice not yet active is held (AC4); the freeze (A2) ------
  clock("2026-02-20T10:00:00+01:00");
  login(p01);
  auto held = send(p01, old_.at("P05").agb, "Verwijzing na de migratie");
  EXPECT_EQ(held.status, 202) << held.body;
  auto frozen = httpRequest(a_->daemon->url(), "PATCH", "/api/v1/me",
                            R"({"email":"huisarts.P01@example.nl"})", as(p01));
  EXPECT_EQ(frozen.status, 409) << frozen.body;
  EXPECT_EQ(errorCode(frozen), "ACCOUNT_FROZEN");

  // ---- 2026-03-01: the deadline (AC4) and the end of the freeze ------------------------------
  clock("2026-03-01T10:00:00+01:00");
  login(p01);
  auto refused = send(p01, old_.at("P04").agb, "Na de deadline");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(errorCode(refused), "RECIPIENT_NOT_ACTIVATED");
  auto changed = httpRequest(a_->daemon->url(), "PATCH", "/api/v1/me",
                             R"({"email":"huisarts.P01@example.nl"})", as(p01));
  EXPECT_EQ(changed.status, 200) << changed.body;
  p01.email = "huisarts.P01@example.nl";
  EXPECT_EQ(subjects(p01, "inbox"), exported("P01", true));  // P01's history, unchanged

  // ---- 2026-03-05: P05 activates after the deadline and finds everything (AC5, AC4, N2) -------
  clock("2026-03-05T10:00:00+01:00");
  Practice p05 = activate("praktijk.P05@example.nl", "NL44 RABO 0123 4567 89");
  ASSERT_EQ(stateOf("P05"), "active");
  login(p05);
  std::vector<std::string> inbox = exported("P05", true);
  inbox.push_back("Verwijzing na de migratie");  // the message held since 20 February
  std::sort(inbox.begin(), inbox.end());
  ASSERT_TRUE(waitUntil([&] { return subjects(p05, "inbox") == inbox; }, std::chrono::seconds(20)))
      << ::testing::PrintToString(subjects(p05, "inbox"));
  EXPECT_EQ(subjects(p05, "sent"), exported("P05", false));
  EXPECT_EQ(invoices(p05)->size(), 4u);
  auto mails = json(a_->get("/api/v1/mails", as(p05)).body)->getArray("mails");
  std::set<std::string> templates;
  for (std::size_t i = 0; i < mails->size(); ++i)
    templates.insert(mails->getObject(static_cast<unsigned>(i))->getValue<std::string>("template"));
  for (const char* t : {"campaign_aankondiging", "campaign_planning", "campaign_week_voor",
                        "campaign_in_onderhoud", "campaign_activering", "access_link"})
    EXPECT_EQ(templates.count(t), 1u) << t;

  // ---- 2026-06-15: R2 — P07 (closed 1 Oct 2025) goes; the active practices log in -------------
  clock("2026-06-15T10:00:00+02:00");
  ASSERT_TRUE(waitUntil([&] { return stateOf("P07") == "deleted"; }, std::chrono::seconds(30)))
      << a_->daemon->output();
  EXPECT_EQ(column("P07", "deletion_reason"), "closed");
  EXPECT_EQ(stateOf("P09"), "closed");  // closed 20 January: not before 20 July
  for (Practice* p : {&p01, &p02, &p05}) login(*p);
  EXPECT_EQ(subjects(p01, "sent").size(), exported("P01", false).size() + 1);  // the held one

  // ---- 2026-09-01: R1, R2, R3 — only the active practices remain -----------------------------
  clock("2026-09-01T10:00:00+02:00");
  ASSERT_TRUE(waitUntil(
      [&] {
        return a_->count(
                   "SELECT COUNT(*) FROM retention_runs WHERE day = '2026-09-01' AND "
                   "finished_at IS NOT NULL") == 1;
      },
      std::chrono::seconds(60)))
      << a_->daemon->output();
  EXPECT_EQ(column("P09", "deletion_reason"), "closed");
  for (const auto& [key, o] : old_) {
    if (key == "P08") continue;  // never migrated
    const bool keeps = key == "P01" || key == "P02" || key == "P05";
    EXPECT_EQ(stateOf(key), keeps ? "active" : "deleted") << key;
  }
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM accounts WHERE state = 'deleted' AND "
                      "deletion_reason = 'inactive'"),
            14);  // P03, P04, P06, P10-P20
  // R3: nothing of the deleted practices can be read back; the living keep their own copies.
  ASSERT_EQ(ctl({"accounts", "show", "praktijk.P04@example.nl"}, out), 1) << out;
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM message_copies WHERE account_id IN (SELECT id FROM "
                      "accounts WHERE state = 'deleted')"),
            0);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM invoices WHERE account_id IN (SELECT id FROM "
                      "accounts WHERE state = 'deleted')"),
            0);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM mails WHERE account_id IN (SELECT id FROM accounts "
                      "WHERE state = 'deleted')"),
            0);
  login(p05);
  EXPECT_EQ(subjects(p05, "inbox"), inbox);  // P04's copies are gone, P05's stay

  // Privacy: no message body, password, IBAN or token of the rehearsal reached the log.
  const std::string log = a_->daemon->output();
  for (const std::string& secret :
       {std::string(kPassword), std::string("NL91ABNA0417164300"), std::string("0123456789"),
        std::string("graag beoordelen"), p01.secret, p05.activationToken, kMollieKey})
    EXPECT_EQ(log.find(secret), std::string::npos) << secret;
}

INSTANTIATE_TEST_SUITE_P(Backends, Rehearsal,
                         ::testing::Values(storage::Backend::kSqlite, storage::Backend::kPostgres),
                         backendParamName);

}  // namespace
}  // namespace berichtd::testing
