// SEPA files end to end (issue 5 items 6-8) with the real daemon, auth-totp and billing-sepa on
// SQLite and PostgreSQL: the mandate's € 0.01 first debit goes into a FRST file (berichtctl
// billing batch, the scheduler's daily step), the sync that follows counts it paid and activates
// the account; B5's charge goes into the next file as RCUR; every file passes xmllint against
// the official pain.008.001.02 schema; a bank return entered by the operator (billing fail)
// reopens the invoice, schedules the retry and mails the user.
#include <filesystem>

#include "auth_flow_support.hpp"
#include "xmllint.hpp"

namespace berichtd::testing {
namespace {

class SepaDaemon : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == storage::Backend::kPostgres) {
      pg_ = std::make_unique<TestDatabase>(storage::Backend::kPostgres, "berichtd_sepad_");
      BERICHTD_PREPARE_TEST_DATABASE(*pg_);
    }
    a_ = std::make_unique<AuthDaemon>(
        10, true, /*manualClock=*/true, false, pg_ ? pg_->url() : "",
        std::vector<std::pair<std::string, std::string>>{
            {"billing-sepa",
             "{creditor_name: ZilliZ B.V., creditor_iban: NL91ABNA0417164300, creditor_bic: "
             "ABNANL2A, creditor_id: NL57ZZZ999999999999, output_dir: \"{{DIR}}/sepa\"}"}},
        "messages: {master_key: {file: messages.key}}\n"
        "billing: {provider: sepa, retry_days: [5], run_hour: 23}\n");
    a_->dir.write("messages.key", "m1:" + std::string(64, 'e') + "\n");
    std::filesystem::create_directories(a_->dir.path() + "/sepa");
    ASSERT_TRUE(a_->daemon->start()) << a_->daemon->output();
  }
  HttpAnswer admin(const std::string& path, const std::string& body) {
    return httpRequest(a_->daemon->adminUrl(), "POST", path, body, a_->daemon->adminHeaders());
  }
  std::string state(const std::string& agb) {
    auto db = a_->open();
    std::string s;
    EXPECT_TRUE(db->read([&](Poco::Data::Session& tx) {
      auto r = storage::runSql(*db, tx, "SELECT state FROM accounts WHERE agb_code = ?", {agb});
      if (!r.rows.empty()) s = r.rows[0][0].textOr("");
    }));
    return s;
  }
  std::unique_ptr<TestDatabase> pg_;
  std::unique_ptr<AuthDaemon> a_;
};

TEST_P(SepaDaemon, FirstDebitActivatesFilesValidateAndABankReturnReopensTheInvoice) {
  Enrolled user = activate(*a_, "praktijk@example.nl", "22222222");
  a_->sql(
      "UPDATE accounts SET created_at = '2018-10-31', paid_through = '2026-01-10' WHERE "
      "agb_code = '22222222'");
  Poco::JSON::Object m;
  m.set("activation_token", user.activationToken);
  m.set("iban", "NL44 RABO 0123 4567 89");
  m.set("account_holder", "Fysiotherapie Één & Zoon");
  m.set("consent", true);
  auto mandate = a_->post("/api/v1/activation/mandate", m);
  ASSERT_EQ(mandate.status, 200) << mandate.body;
  EXPECT_TRUE(json(mandate.body)->isNull("checkout_url"));  // no checkout with SEPA files
  EXPECT_EQ(state("22222222"), "migrated");

  // The daily batch: the € 0.01 as FRST; afterwards the sync counts it paid → active (AC3).
  auto first = admin("/admin/v1/billing/batch", "{}");
  ASSERT_EQ(first.status, 200) << first.body;
  auto firstOut = json(first.body);
  EXPECT_EQ(firstOut->getValue<int64_t>("count"), 1);
  EXPECT_EQ(firstOut->getValue<int64_t>("total_cents"), 1);
  EXPECT_EQ(firstOut->getValue<std::string>("collection_date"), "2026-02-17");  // lead 1 day
  const std::string file1 = firstOut->getValue<std::string>("file");
  auto lint1 = sepa::testing::xmllintSchema(SEPA_XSD, file1);
  EXPECT_EQ(lint1.exitCode, 0) << lint1.output;
  const std::string xml1 = readFile(file1);
  EXPECT_NE(xml1.find("<SeqTp>FRST</SeqTp>"), std::string::npos);
  EXPECT_NE(xml1.find("<InstdAmt Ccy=\"EUR\">0.01</InstdAmt>"), std::string::npos);
  EXPECT_NE(xml1.find("<MndtId>ZLZ-"), std::string::npos);
  EXPECT_EQ(state("22222222"), "active");

  // B5: the current period's charge reaches the plugin through the outbox, then the next file.
  ASSERT_TRUE(waitUntil(
      [&] {
        return a_->count(
                   "SELECT COUNT(*) FROM billing_charges WHERE kind = 'collection' AND "
                   "payment_id IS NOT NULL") == 1;
      },
      std::chrono::seconds(15)));
  auto second = admin("/admin/v1/billing/batch", R"({"date":"2026-02-20"})");
  ASSERT_EQ(second.status, 200) << second.body;
  auto secondOut = json(second.body);
  EXPECT_EQ(secondOut->getValue<int64_t>("count"), 1);
  EXPECT_EQ(secondOut->getValue<int64_t>("total_cents"), 1634);
  const std::string file2 = secondOut->getValue<std::string>("file");
  auto lint2 = sepa::testing::xmllintSchema(SEPA_XSD, file2);
  EXPECT_EQ(lint2.exitCode, 0) << lint2.output;
  const std::string xml2 = readFile(file2);
  EXPECT_NE(xml2.find("<SeqTp>RCUR</SeqTp>"), std::string::npos);
  EXPECT_NE(xml2.find("<ReqdColltnDt>2026-02-20</ReqdColltnDt>"), std::string::npos);
  EXPECT_NE(xml2.find("16.34"), std::string::npos);
  EXPECT_NE(xml2.find("Fysiotherapie Een + Zoon"), std::string::npos);  // EPC characters
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM invoices WHERE state = 'paid'"), 1);
  // Nothing left: no file.
  auto empty = admin("/admin/v1/billing/batch", "{}");
  ASSERT_EQ(empty.status, 200);
  EXPECT_EQ(json(empty.body)->getValue<int64_t>("count"), 0);
  EXPECT_TRUE(json(empty.body)->isNull("file"));

  // B7: the bank returns the debit; the operator enters it.
  auto db = a_->open();
  std::string payment;
  ASSERT_TRUE(db->read([&](Poco::Data::Session& tx) {
    auto r = storage::runSql(*db, tx,
                             "SELECT payment_id FROM billing_charges WHERE kind = 'collection'");
    payment = r.rows.at(0).at(0).textOr("");
  }));
  auto failed = admin("/admin/v1/billing/payments/" + payment + "/fail", R"({"reason":"AM04"})");
  ASSERT_EQ(failed.status, 200) << failed.body;
  EXPECT_EQ(json(failed.body)->getValue<std::string>("status"), "failed");
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM invoices WHERE state = 'open'"), 1);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM billing_charges WHERE failure_reason = 'AM04' AND "
                      "retry_on = '2026-02-21'"),
            1);
  ASSERT_TRUE(waitUntil(
      [&] {
        for (const auto& mail : a_->mails())
          if (mail->getValue<std::string>("template") == "payment_failed") return true;
        return false;
      },
      std::chrono::seconds(15)));
  auto unknown = admin("/admin/v1/billing/payments/sepa_onbekend/fail", R"({"reason":"AM04"})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(errorCode(unknown), "PAYMENT_NOT_FOUND");
  // The retry day's run queues attempt 2.
  auto retry = admin("/admin/v1/billing/run", R"({"date":"2026-02-21"})");
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(json(retry.body)->getValue<int64_t>("retries"), 1);
  // The IBAN never reached the daemon's log.
  EXPECT_EQ(a_->daemon->output().find("RABO0123456789"), std::string::npos);
  EXPECT_EQ(a_->daemon->output().find("0123456789"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, SepaDaemon,
                         ::testing::Values(storage::Backend::kSqlite, storage::Backend::kPostgres),
                         backendParamName);

}  // namespace
}  // namespace berichtd::testing
