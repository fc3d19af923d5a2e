// `berichtctl import` end to end (SPEC M1, M2, AC5) on SQLite and PostgreSQL: the real daemon
// with auth-totp and the mail-capture double, berichtctl as a process. A dry run changes
// nothing; a file with a malformed line is refused with its line number and imports nothing;
// the good file imports, a second run finds everything present; then an imported account goes
// through activation (request link from the captured mail, password, authenticator) and, once
// active, sees its migrated messages and invoices — the exported PDF byte for byte — through
// the public API.
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "auth_flow_support.hpp"
#include "core/tokens.hpp"

namespace berichtd::testing {
namespace {

// A1 open, A2 open, A3 closed 2025-06-30: left out (M2, cutoff 2026-02-13).
const char* kExport =
    R"({"type":"account","old_id":"A1","email":"praktijk@example.nl","agb_code":"11111111","created_at":"2019-05-31","closed_at":null,"paid_through":"2026-03-05","last_activity_at":"2026-02-10T14:03:00+01:00"}
{"type":"account","old_id":"A2","email":"lab@example.nl","agb_code":"22222222","created_at":"2020-01-15","closed_at":null,"paid_through":"2026-02-28","last_activity_at":null}
{"type":"account","old_id":"A3","email":"oud@example.nl","agb_code":"33333333","created_at":"2018-02-01","closed_at":"2025-06-30","paid_through":null,"last_activity_at":null}
{"type":"message","old_id":"M1","from_agb":"22222222","to_agb":"11111111","subject":"Uitslag Jansen","body":"HbA1c 48 mmol/mol","sent_at":"2025-12-01T10:00:00+01:00"}
{"type":"message","old_id":"M2","from_agb":"11111111","to_agb":"22222222","subject":"Dank","body":"Ontvangen","sent_at":"2025-12-02T10:00:00+01:00"}
{"type":"message","old_id":"M3","from_agb":"33333333","to_agb":"11111111","subject":"Afscheid","body":"Wij stoppen","sent_at":"2025-05-01T10:00:00+02:00"}
{"type":"invoice","old_id":"F1","account_old_id":"A1","number":"2025-004711","period_start":"2025-12-01","period_end":"2025-12-31","amount_excl_cents":1300,"vat_cents":273,"issued_at":"2025-12-01","paid_at":"2025-12-03","pdf_base64":"JVBERi0xLjQgb3VkZSBmYWN0dXVy"}
{"type":"invoice","old_id":"F2","account_old_id":"A1","number":"2026-000007","period_start":"2026-01-01","period_end":"2026-01-31","amount_excl_cents":1300,"vat_cents":273,"issued_at":"2026-01-01","paid_at":null}
{"type":"invoice","old_id":"F3","account_old_id":"A3","number":"2025-000100","period_start":"2025-05-01","period_end":"2025-05-31","amount_excl_cents":1300,"vat_cents":273,"issued_at":"2025-05-01","paid_at":"2025-05-02"}
)";

class ImportDaemon : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == storage::Backend::kPostgres) {
      pg_ = std::make_unique<TestDatabase>(storage::Backend::kPostgres, "berichtd_importd_");
      BERICHTD_PREPARE_TEST_DATABASE(*pg_);
    }
    a_ = std::make_unique<AuthDaemon>(
        10, true, /*manualClock=*/true, false, pg_ ? pg_->url() : "",
        std::vector<std::pair<std::string, std::string>>{{"delivery-inbox", "{}"}},
        "messages: {master_key: {file: messages.key}}\n"
        "migration: {cutoff: \"2026-02-13T00:00:00+01:00\"}\n"
        "billing: {supplier_name: ZilliZ B.V., supplier_address: \"Kade 1\\n1000 AA Amsterdam\", "
        "supplier_kvk: \"12345678\", supplier_vat_number: NL001234567B01}\n");
    a_->dir.write("messages.key", "m1:" + std::string(64, 'e') + "\n");
    ASSERT_TRUE(a_->daemon->start()) << a_->daemon->output();
  }

  // berichtctl against the daemon: exit status; stdout and stderr together in out.
  int ctl(std::vector<std::string> args, std::string& out) {
    std::vector<std::string> argv{binaryPath("berichtctl"), "--admin", a_->daemon->adminUrl(),
                                  "--token-file", a_->dir.path() + "/admin.token"};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, out);
  }

  std::unique_ptr<TestDatabase> pg_;
  std::unique_ptr<AuthDaemon> a_;
};

TEST_P(ImportDaemon, BerichtctlImportsAndTheActivatedUserSeesEverything) {
  const std::string path = a_->dir.write("export.jsonl", kExport);
  std::string out;

  // --dry-run: the counts, nothing written.
  ASSERT_EQ(ctl({"import", path, "--dry-run"}, out), 0) << out;
  EXPECT_NE(out.find("dry run: nothing was changed"), std::string::npos) << out;
  EXPECT_NE(out.find("accounts          2              1        0                0        0"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("messages          3              0        0                0        0"),
            std::string::npos)
      << out;
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM accounts"), 0);

  // A malformed line: its number on stderr, exit 1, nothing imported.
  std::string bad = kExport;
  bad.replace(bad.find("\"agb_code\":\"22222222\""), 21, "\"agb_code\":\"2222\"");
  const std::string badPath = a_->dir.write("bad.jsonl", bad);
  ASSERT_EQ(ctl({"import", badPath}, out), 1) << out;
  EXPECT_NE(out.find("IMPORT_FILE_INVALID"), std::string::npos) << out;
  EXPECT_NE(out.find("line 2: IMPORT_LINE_INVALID: field 'agb_code' must be exactly 8 digits"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("line 4: IMPORT_REFERENCE_UNKNOWN"), std::string::npos) << out;
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM accounts"), 0);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM messages"), 0);

  // The good file; then again: everything already present, nothing new.
  ASSERT_EQ(ctl({"import", path}, out), 0) << out;
  EXPECT_NE(out.find("imported"), std::string::npos) << out;
  ASSERT_EQ(ctl({"import", path, "--json"}, out), 0) << out;
  auto again = json(out);
  auto accounts = again->getObject("counts")->getObject("accounts");
  EXPECT_EQ(accounts->getValue<int>("to_import"), 0);
  EXPECT_EQ(accounts->getValue<int>("already_present"), 2);
  EXPECT_EQ(accounts->getValue<int>("excluded_closed"), 1);
  EXPECT_EQ(accounts->getValue<int>("updated"), 0);
  EXPECT_EQ(again->getObject("counts")->getObject("messages")->getValue<int>("already_present"), 3);

  // The final export (M1): A2 paid through April on the old platform, F2 got paid since.
  std::string final = kExport;
  final.replace(final.find("\"paid_through\":\"2026-02-28\""), 27,
                "\"paid_through\":\"2026-04-30\"");
  final.replace(final.find("\"paid_at\":null"), 14, "\"paid_at\":\"2026-02-02\"");
  ASSERT_EQ(ctl({"import", a_->dir.write("final.jsonl", final)}, out), 0) << out;
  EXPECT_NE(out.find("accounts          0              1        0                1        1"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("invoices          0              1        0                1        1"),
            std::string::npos)
      << out;
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM accounts WHERE old_id = 'A2' AND paid_through = "
                      "'2026-04-30'"),
            1);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM invoices WHERE old_id = 'F2' AND state = 'paid'"), 1);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM accounts"), 2);
  // M3 comes from the left-out A3: A1's inbox copy only, no account and no copy for A3 (M2).
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM messages"), 3);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM message_copies WHERE message_id IN (SELECT id FROM "
                      "messages WHERE old_id = 'M3')"),
            1);

  ASSERT_EQ(ctl({"accounts", "show", "praktijk@example.nl", "--json"}, out), 0) << out;
  auto shown = json(out);
  EXPECT_EQ(shown->getValue<std::string>("state"), "migrated");  // A4
  EXPECT_EQ(shown->getValue<std::string>("paid_through"), "2026-03-05");

  // Activation of A1: its request token (the activation mail's, AC1) → access link → password
  // → authenticator. The € 0.01 payment that ends it is billing_flow_test's; here the state is
  // set as that payment's webhook sets it.
  const std::string requestToken = "import-test-request-token";
  a_->sql("INSERT INTO request_tokens (account_id, token_hash, created_at) SELECT id, '" +
          sha256Hex(requestToken) +
          "', '2026-02-16T08:00:00.000Z' FROM accounts WHERE old_id = 'A1'");
  const std::string access = a_->requestAccessToken(requestToken);
  ASSERT_FALSE(access.empty());
  Poco::JSON::Object begin;
  begin.set("access_token", access);
  auto b = a_->post("/api/v1/activation/begin", begin);
  ASSERT_EQ(b.status, 200) << b.body;
  const std::string act = json(b.body)->getValue<std::string>("activation_token");
  Poco::JSON::Object pw;
  pw.set("activation_token", act);
  pw.set("password", kPassword);
  ASSERT_EQ(a_->post("/api/v1/activation/password", pw).status, 200);
  Poco::JSON::Object totp;
  totp.set("activation_token", act);
  auto t = a_->post("/api/v1/activation/totp", totp);
  ASSERT_EQ(t.status, 200) << t.body;
  const std::string secret = json(t.body)->getValue<std::string>("secret");
  const int64_t step = unixNow() / 30;
  Poco::JSON::Object confirm;
  confirm.set("activation_token", act);
  confirm.set("code", oathtool(secret, step));
  ASSERT_EQ(a_->post("/api/v1/activation/totp/confirm", confirm).status, 200);
  a_->sql("UPDATE accounts SET state = 'active' WHERE old_id = 'A1'");

  auto login = a_->post("/api/v1/login",
                        loginBody("praktijk@example.nl", kPassword, oathtool(secret, step + 1)));
  ASSERT_EQ(login.status, 200) << login.body;
  const std::map<std::string, std::string> as{
      {"Authorization", "Bearer " + json(login.body)->getValue<std::string>("token")}};

  // AC5: the migrated messages, both boxes, with their bodies.
  auto inbox = a_->get("/api/v1/messages?box=inbox", as);
  ASSERT_EQ(inbox.status, 200) << inbox.body;
  auto list = json(inbox.body)->getArray("messages");
  ASSERT_EQ(list->size(), 2u) << inbox.body;  // M3 (from the left-out A3), M1: newest first
  EXPECT_EQ(list->getObject(0)->getValue<std::string>("from"), "33333333");
  EXPECT_EQ(list->getObject(0)->getValue<std::string>("subject"), "Afscheid");
  auto m1 = list->getObject(1);
  EXPECT_EQ(m1->getValue<std::string>("from"), "22222222");
  EXPECT_EQ(m1->getValue<std::string>("subject"), "Uitslag Jansen");
  EXPECT_EQ(m1->getValue<std::string>("created_at"), "2025-12-01T09:00:00.000Z");
  auto one = a_->get("/api/v1/messages/" + std::to_string(m1->getValue<int64_t>("id")), as);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(json(one.body)->getValue<std::string>("body"), "HbA1c 48 mmol/mol");
  auto sent = a_->get("/api/v1/messages?box=sent", as);
  ASSERT_EQ(sent.status, 200) << sent.body;
  ASSERT_EQ(json(sent.body)->getArray("messages")->size(), 1u);
  EXPECT_EQ(json(sent.body)->getArray("messages")->getObject(0)->getValue<std::string>("subject"),
            "Dank");

  // The migrated invoices, the exported PDF byte for byte, the other rendered.
  auto invoices = a_->get("/api/v1/invoices", as);
  ASSERT_EQ(invoices.status, 200) << invoices.body;
  auto inv = json(invoices.body)->getArray("invoices");
  ASSERT_EQ(inv->size(), 2u) << invoices.body;
  EXPECT_EQ(inv->getObject(0)->getValue<std::string>("number"), "2026-000007");
  EXPECT_EQ(inv->getObject(1)->getValue<std::string>("number"), "2025-004711");
  EXPECT_EQ(inv->getObject(1)->getValue<std::string>("state"), "paid");
  EXPECT_EQ(inv->getObject(1)->getValue<int>("amount_incl"), 1573);
  auto oldPdf = a_->get("/api/v1/invoices/2025-004711.pdf", as);
  ASSERT_EQ(oldPdf.status, 200) << oldPdf.body;
  EXPECT_EQ(oldPdf.body, "%PDF-1.4 oude factuur");
  auto rendered = a_->get("/api/v1/invoices/2026-000007.pdf", as);
  ASSERT_EQ(rendered.status, 200) << rendered.body;
  EXPECT_EQ(rendered.body.rfind("%PDF-", 0), 0u);
  a_->dir.write("rendered.pdf", rendered.body);
  const std::string text = shell("pdftotext " + a_->dir.path() + "/rendered.pdf -");
  EXPECT_NE(text.find("2026-000007"), std::string::npos) << text;
  EXPECT_NE(text.find("ZilliZ B.V."), std::string::npos) << text;
}

TEST_P(ImportDaemon, UsageAndUnreadableFiles) {
  std::string out;
  EXPECT_EQ(ctl({"import"}, out), 2) << out;
  EXPECT_EQ(ctl({"status", "--dry-run"}, out), 2) << out;
  EXPECT_EQ(ctl({"import", a_->dir.path() + "/none.jsonl"}, out), 1) << out;
  EXPECT_NE(out.find("is not a readable file"), std::string::npos) << out;
  // A relative path is sent absolute: the daemon runs elsewhere.
  auto res = httpRequest(a_->daemon->adminUrl(), "POST", "/admin/v1/import",
                         R"({"path":"export.jsonl"})", a_->daemon->adminHeaders());
  EXPECT_EQ(res.status, 400) << res.body;
  auto gone = httpRequest(a_->daemon->adminUrl(), "POST", "/admin/v1/import",
                          R"({"path":"/nonexistent/export.jsonl"})", a_->daemon->adminHeaders());
  EXPECT_EQ(gone.status, 422) << gone.body;
  EXPECT_EQ(errorCode(gone), "IMPORT_FILE_UNREADABLE");
}

TEST_P(ImportDaemon, AnImportKilledMidwayIsCompletedByTheNextRun) {
  // 100 accounts, 60,000 messages between them: long enough to be killed in the middle.
  constexpr int kAccounts = 100;
  constexpr int kMessages = 60000;
  std::string text;
  for (int i = 1; i <= kAccounts; ++i) {
    text += R"({"type":"account","old_id":"A)" + std::to_string(i) + R"(","email":"p)" +
            std::to_string(i) + R"(@example.nl","agb_code":")" + std::to_string(10000000 + i) +
            R"(","created_at":"2019-05-31"})" + "\n";
  }
  for (int m = 1; m <= kMessages; ++m) {
    text += R"({"type":"message","old_id":"M)" + std::to_string(m) + R"(","from_agb":")" +
            std::to_string(10000000 + m % kAccounts + 1) + R"(","to_agb":")" +
            std::to_string(10000000 + (m * 7) % kAccounts + 1) +
            R"(","subject":"Bericht","body":")" + std::string(200, 'x') +
            R"(","sent_at":"2025-12-01T10:00:00Z"})" + "\n";
  }
  const std::string path = a_->dir.write("big.jsonl", text);
  std::thread first([&] {
    std::string ignored;
    ctl({"import", path}, ignored);  // loses its connection: the daemon is killed
  });
  const bool started = waitUntil([&] { return a_->count("SELECT COUNT(*) FROM messages") > 0; },
                                 std::chrono::seconds(120));
  a_->daemon->signal(SIGKILL);
  EXPECT_NE(a_->daemon->waitExit(std::chrono::seconds(10)), -1);
  first.join();
  ASSERT_TRUE(started);
  const int64_t partial = a_->count("SELECT COUNT(*) FROM messages");
  ASSERT_GT(partial, 0);
  ASSERT_LT(partial, kMessages) << "the import finished before the kill; make the file larger";
  // Whole chunks only: every account with its data key, every message with both its copies.
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM accounts"), kAccounts);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM accounts WHERE id NOT IN (SELECT account_id FROM "
                      "account_data_keys)"),
            0);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM message_copies"), 2 * partial);
  EXPECT_EQ(partial % 2000, 0) << "chunks of 2,000 messages commit whole";

  ASSERT_TRUE(a_->daemon->start()) << a_->daemon->output();
  std::string out;
  ASSERT_EQ(ctl({"import", path, "--json"}, out), 0) << out;
  auto messages = json(out)->getObject("counts")->getObject("messages");
  EXPECT_EQ(messages->getValue<int64_t>("already_present"), partial);
  EXPECT_EQ(messages->getValue<int64_t>("to_import"), kMessages - partial);
  EXPECT_EQ(json(out)->getObject("counts")->getObject("accounts")->getValue<int>("already_present"),
            kAccounts);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM messages"), kMessages);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM message_copies"), 2 * kMessages);
  EXPECT_EQ(a_->count("SELECT COUNT(DISTINCT old_id) FROM messages"), kMessages);
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportDaemon,
                         ::testing::Values(storage::Backend::kSqlite, storage::Backend::kPostgres),
                         backendParamName);

}  // namespace
}  // namespace berichtd::testing
