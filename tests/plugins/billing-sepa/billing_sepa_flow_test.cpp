// billing-sepa loaded as the daemon loads it (PluginInstance, the SDK storage on a test
// database, a manual clock), on SQLite and PostgreSQL: the contract's actions end to end, and
// every file it writes validated against the official schema with xmllint.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "plugin/plugin_instance.hpp"
#include "storage/database.hpp"
#include "test_database.hpp"
#include "xmllint.hpp"

namespace berichtd::plugin {
namespace {

namespace fs = std::filesystem;
using storage::Backend;
using Json = Poco::JSON::Object::Ptr;

constexpr const char* kDebtorIban = "NL20INGB0001234567";

std::string readFile(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class BillingSepaFlow : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_sepa_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    auto db = storage::Database::open(testDb_->config());
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate());
    out_ = fs::temp_directory_path() /
           ("sepa_flow_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(out_);
    entry_.name = "billing-sepa";
    entry_.values = {{"creditor_name", "Berichtd B.V."},
                     {"creditor_iban", "NL91 ABNA 0417 1643 00"},
                     {"creditor_bic", "ABNANL2A"},
                     {"creditor_id", "NL57ZZZ999999999999"},
                     {"output_dir", (out_ / "batches").string()}};
  }
  void TearDown() override {
    plugin_.reset();
    db_.reset();
    testDb_.reset();
    fs::remove_all(out_);
  }

  Result<std::unique_ptr<PluginInstance>> create() {
    auto lib = PluginLibrary::load(pluginFilePath(BERICHTD_PLUGIN_DIR, "billing-sepa"));
    if (!lib) return lib.status();
    HostServices s;
    s.clock = &clock_;
    s.database = db_.get();
    return PluginInstance::create(*lib, entry_, s);
  }
  void start() {
    auto p = create();
    ASSERT_TRUE(p) << p.status().toString();
    plugin_ = std::move(p).value();
    EXPECT_EQ(plugin_->service(), "billing");
  }

  Result<Json> call(const std::string& action, const std::string& body,
                    const std::string& key = "") {
    Message m;
    m.service = "billing";
    m.action = action;
    m.body = body;
    if (!key.empty()) m.setHeader("idempotency-key", key);
    auto r = plugin_->handle(m);
    if (!r) return r.status();
    return Poco::JSON::Parser().parse(r->body).extract<Json>();
  }
  Json ok(const std::string& action, const std::string& body, const std::string& key = "") {
    auto r = call(action, body, key);
    EXPECT_TRUE(r) << action << ": " << r.status().toString();
    return r ? *r : Json(new Poco::JSON::Object);
  }
  std::string code(const std::string& action, const std::string& body) {
    auto r = call(action, body);
    return r ? std::string("ok") : r.status().code();
  }

  std::string customer(const std::string& key) {
    return ok("create_customer", R"({"account_id": 7, "name": "Renée Groß", "email": "r@x.nl"})",
              key)
        ->getValue<std::string>("customer_id");
  }
  std::string first(const std::string& customer, const std::string& key,
                    const std::string& reference = "MNDT-0001", int64_t cents = 1350) {
    auto r = ok("create_first_payment",
                R"({"account_id": 7, "customer_id": ")" + customer + R"(", "amount_cents": )" +
                    std::to_string(cents) +
                    R"(, "description": "Abonnement maart & april", "redirect_url": "",
                   "webhook_url": "", "iban": "NL20 INGB 0001 2345 67",
                   "account_holder": "Renée Groß & Zoë", "consent_at": "2026-02-20T09:15:00Z",
                   "mandate_reference": ")" +
                    reference + R"("})",
                key);
    EXPECT_EQ(r->getValue<std::string>("status"), "pending");
    EXPECT_TRUE(r->isNull("checkout_url"));
    return r->getValue<std::string>("payment_id");
  }
  std::string recurring(const std::string& customer, const std::string& key, int64_t cents = 1500) {
    auto r = ok("create_recurring_payment",
                R"({"account_id": 7, "customer_id": ")" + customer + R"(", "amount_cents": )" +
                    std::to_string(cents) +
                    R"(, "description": "", "webhook_url": "", "invoice_number": "2026-0042"})",
                key);
    EXPECT_EQ(r->getValue<std::string>("status"), "pending");
    return r->getValue<std::string>("payment_id");
  }
  Json batch(const std::string& date) {
    return ok("write_batch", R"({"collection_date": ")" + date + R"("})");
  }
  void expectValidFile(const std::string& file) {
    ASSERT_TRUE(fs::exists(file)) << file;
    auto lint = sepa::testing::xmllintSchema(SEPA_XSD, file);
    EXPECT_EQ(lint.exitCode, 0) << lint.output << "\n" << readFile(file);
  }

  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<storage::Database> db_;
  ManualClock clock_{TimePoint(std::chrono::seconds(1772359200))};  // 2026-03-01T10:00:00Z
  config::PluginEntry entry_;
  fs::path out_;
  std::unique_ptr<PluginInstance> plugin_;
};

TEST_P(BillingSepaFlow, FirstPaymentGoesIntoAFrstFileAndTheNextIntoAnRcurFile) {
  start();
  const auto cst = customer("cst-1");
  const auto pay = first(cst, "first-1");
  EXPECT_EQ(pay.rfind("sepa_", 0), 0u) << pay;
  auto before = ok("get_payment", R"({"payment_id": ")" + pay + R"("})");
  EXPECT_EQ(before->getValue<std::string>("status"), "pending");
  EXPECT_EQ(before->getValue<std::string>("sequence_type"), "first");
  EXPECT_EQ(before->getValue<std::string>("mandate_id"), "MNDT-0001");
  EXPECT_EQ(before->getValue<std::string>("customer_id"), cst);
  EXPECT_EQ(before->getValue<int64_t>("amount_cents"), 1350);
  EXPECT_EQ(before->getValue<int64_t>("charged_back_cents"), 0);
  EXPECT_TRUE(before->isNull("failure_reason"));

  auto one = batch("2026-03-05");
  EXPECT_EQ(one->getValue<int64_t>("count"), 1);
  EXPECT_EQ(one->getValue<int64_t>("total_cents"), 1350);
  const auto file1 = one->getValue<std::string>("file");
  EXPECT_EQ(fs::path(file1).filename(), "pain008-2026-03-05-1.xml");
  expectValidFile(file1);
  const std::string xml1 = readFile(file1);
  EXPECT_NE(xml1.find("<SeqTp>FRST</SeqTp>"), std::string::npos);
  EXPECT_EQ(xml1.find("<SeqTp>RCUR</SeqTp>"), std::string::npos);
  EXPECT_NE(xml1.find("<EndToEndId>sepa-" + pay.substr(5) + "</EndToEndId>"), std::string::npos);
  EXPECT_NE(xml1.find("<IBAN>" + std::string(kDebtorIban) + "</IBAN>"), std::string::npos);
  EXPECT_NE(xml1.find("<Nm>Renee Gross + Zoe</Nm>"), std::string::npos);
  EXPECT_NE(xml1.find("<DtOfSgntr>2026-02-20</DtOfSgntr>"), std::string::npos);
  EXPECT_NE(xml1.find("<CreDtTm>2026-03-01T10:00:00</CreDtTm>"), std::string::npos);
  EXPECT_EQ(
      ok("get_payment", R"({"payment_id": ")" + pay + R"("})")->getValue<std::string>("status"),
      "paid");

  const auto next = recurring(cst, "rec-1");
  EXPECT_EQ(ok("get_payment", R"({"payment_id": ")" + next + R"("})")
                ->getValue<std::string>("sequence_type"),
            "recurring");
  auto two = batch("2026-03-05");
  EXPECT_EQ(two->getValue<int64_t>("count"), 1);
  const auto file2 = two->getValue<std::string>("file");
  EXPECT_EQ(fs::path(file2).filename(), "pain008-2026-03-05-2.xml");
  expectValidFile(file2);
  const std::string xml2 = readFile(file2);
  EXPECT_NE(xml2.find("<SeqTp>RCUR</SeqTp>"), std::string::npos);
  EXPECT_EQ(xml2.find("<SeqTp>FRST</SeqTp>"), std::string::npos);
  EXPECT_NE(xml2.find("<Ustrd>Factuur 2026-0042</Ustrd>"), std::string::npos);
  EXPECT_EQ(readFile(file1), xml1);  // the first file is left alone
  // No temporary files are left beside the batches.
  int files = 0;
  for (const auto& f : fs::directory_iterator(out_ / "batches")) {
    ++files;
    EXPECT_EQ(f.path().extension(), ".xml") << f.path();
  }
  EXPECT_EQ(files, 2);
}

TEST_P(BillingSepaFlow, AFirstAndARecurringDebitBeforeAnyFileAreOneMixedValidFile) {
  start();
  const auto a = customer("a");
  const auto b = customer("b");
  EXPECT_NE(a, b);
  first(a, "fa", "MNDT-A");
  batch("2026-03-05");
  recurring(a, "ra", 700);
  first(b, "fb", "MNDT-B", 900);
  auto mixed = batch("2026-03-06");
  EXPECT_EQ(mixed->getValue<int64_t>("count"), 2);
  EXPECT_EQ(mixed->getValue<int64_t>("total_cents"), 1600);
  const auto file = mixed->getValue<std::string>("file");
  EXPECT_EQ(fs::path(file).filename(), "pain008-2026-03-06-1.xml");
  expectValidFile(file);
  const std::string xml = readFile(file);
  EXPECT_NE(xml.find("<SeqTp>FRST</SeqTp>"), std::string::npos);
  EXPECT_NE(xml.find("<SeqTp>RCUR</SeqTp>"), std::string::npos);
}

TEST_P(BillingSepaFlow, TheSameIdempotencyKeyTwiceMakesOneCustomerAndOneCollection) {
  start();
  const auto cst = customer("k-cst");
  EXPECT_EQ(customer("k-cst"), cst);
  const auto pay = first(cst, "k-first");
  EXPECT_EQ(first(cst, "k-first"), pay);
  const auto rec = recurring(cst, "k-rec");
  EXPECT_EQ(recurring(cst, "k-rec"), rec);
  EXPECT_NE(rec, pay);
  auto b = batch("2026-03-05");
  EXPECT_EQ(b->getValue<int64_t>("count"), 2);  // one first, one recurring
  EXPECT_EQ(b->getValue<int64_t>("total_cents"), 1350 + 1500);
  expectValidFile(b->getValue<std::string>("file"));
  // Without a key every request is a new collection.
  recurring(cst, "");
  recurring(cst, "");
  EXPECT_EQ(batch("2026-03-05")->getValue<int64_t>("count"), 2);
}

TEST_P(BillingSepaFlow, ABankReturnMarksThePaymentFailedWithItsReason) {
  start();
  const auto cst = customer("c");
  const auto pay = first(cst, "f");
  batch("2026-03-05");
  auto failed =
      ok("mark_failed", R"({"payment_id": ")" + pay + R"(", "reason": "MD06 terugboeking"})");
  EXPECT_EQ(failed->getValue<std::string>("status"), "failed");
  auto got = ok("get_payment", R"({"payment_id": ")" + pay + R"("})");
  EXPECT_EQ(got->getValue<std::string>("status"), "failed");
  EXPECT_EQ(got->getValue<std::string>("failure_reason"), "MD06 terugboeking");

  // A collection marked failed before it was in a file is left out of the next file.
  const auto rec = recurring(cst, "r");
  ok("mark_failed", R"({"payment_id": ")" + rec + R"(", "reason": "opgezegd"})");
  EXPECT_EQ(batch("2026-03-06")->getValue<int64_t>("count"), 0);

  EXPECT_EQ(code("mark_failed", R"({"payment_id": "sepa_nope", "reason": "x"})"),
            "PAYMENT_NOT_FOUND");
  EXPECT_EQ(code("get_payment", R"({"payment_id": "sepa_nope"})"), "PAYMENT_NOT_FOUND");
}

TEST_P(BillingSepaFlow, ARecurringPaymentWithoutAMandateIsRefused) {
  start();
  const auto cst = customer("c");
  EXPECT_EQ(
      code("create_recurring_payment", R"({"customer_id": ")" + cst + R"(", "amount_cents": 100})"),
      "MANDATE_MISSING");
  EXPECT_EQ(batch("2026-03-05")->getValue<int64_t>("count"), 0);
}

TEST_P(BillingSepaFlow, ABatchWithNothingToCollectWritesNoFile) {
  start();
  auto empty = batch("2026-03-05");
  EXPECT_EQ(empty->getValue<int64_t>("count"), 0);
  EXPECT_EQ(empty->getValue<int64_t>("total_cents"), 0);
  EXPECT_TRUE(empty->isNull("file"));
  EXPECT_TRUE(fs::is_empty(out_ / "batches"));
  // Everything filed already: again nothing.
  first(customer("c"), "f");
  EXPECT_EQ(batch("2026-03-05")->getValue<int64_t>("count"), 1);
  EXPECT_EQ(batch("2026-03-05")->getValue<int64_t>("count"), 0);
}

TEST_P(BillingSepaFlow, PingIsTheBatchFolderBeingThere) {
  // The status page's reachability probe: the bank is reached through the batch folder.
  start();
  EXPECT_EQ(code("ping", "{}"), "ok");
  fs::rename(out_ / "batches", out_ / "gone");  // unmounted, say
  EXPECT_EQ(code("ping", "{}"), "PROVIDER_UNAVAILABLE");
  fs::rename(out_ / "gone", out_ / "batches");
  EXPECT_EQ(code("ping", "{}"), "ok");
}

TEST_P(BillingSepaFlow, BadRequestsAreRefusedWithTheirCodesAndNoIban) {
  start();
  const auto cst = customer("c");
  auto firstWith = [&](const std::string& iban, const std::string& reference,
                       const std::string& consent) {
    return call("create_first_payment",
                R"({"customer_id": ")" + cst + R"(", "amount_cents": 100, "iban": ")" + iban +
                    R"(", "account_holder": "Jan", "consent_at": ")" + consent +
                    R"(", "mandate_reference": ")" + reference + R"("})");
  };
  auto badIban = firstWith("NL21INGB0001234567", "M-1", "2026-02-20");
  ASSERT_FALSE(badIban);
  EXPECT_EQ(badIban.status().code(), "IBAN_INVALID");
  EXPECT_EQ(badIban.status().message().find("1234567"), std::string::npos);
  EXPECT_EQ(firstWith(kDebtorIban, "M_1", "2026-02-20").status().code(), "SEPA_ID_INVALID");
  EXPECT_EQ(firstWith(kDebtorIban, "/M-1", "2026-02-20").status().code(), "SEPA_ID_INVALID");
  EXPECT_EQ(firstWith(kDebtorIban, "M-1", "20-02-2026").status().code(), "DATE_INVALID");
  EXPECT_EQ(
      code("create_first_payment", R"({"customer_id": ")" + cst + R"(", "amount_cents": "13.50"})"),
      "BAD_REQUEST");
  EXPECT_EQ(
      code("create_first_payment", R"({"customer_id": ")" + cst + R"(", "amount_cents": 100})"),
      "BAD_REQUEST");
  EXPECT_EQ(
      code("create_recurring_payment", R"({"customer_id": ")" + cst + R"(", "amount_cents": 0})"),
      "BAD_REQUEST");
  EXPECT_EQ(code("create_customer", "not json"), "BAD_REQUEST");
  EXPECT_EQ(code("parse_notification", R"({"content_type": "x", "body": "id=1"})"),
            "UNKNOWN_ACTION");
  EXPECT_EQ(code("write_batch", R"({"collection_date": "2026-02-30"})"), "DATE_INVALID");
  // collection_lead_days (default 1): not today or earlier.
  EXPECT_EQ(code("write_batch", R"({"collection_date": "2026-03-01"})"), "DATE_INVALID");
  EXPECT_EQ(code("write_batch", R"({"collection_date": "2026-03-02"})"), "ok");
  // Another customer cannot reuse a mandate reference.
  first(cst, "f", "MNDT-X");
  const auto other = customer("o");
  auto stolen =
      call("create_first_payment", R"({"customer_id": ")" + other +
                                       R"(", "amount_cents": 100, "iban": "NL91ABNA0417164300",
                        "account_holder": "Piet", "consent_at": "2026-02-20",
                        "mandate_reference": "MNDT-X"})");
  EXPECT_EQ(stolen ? "ok" : stolen.status().code(), "BAD_REQUEST");
}

TEST_P(BillingSepaFlow, InvalidCreditorSettingsStopTheStartWithTheSettingNamed) {
  const std::pair<const char*, const char*> bad[] = {
      {"creditor_iban", "NL91ABNA0417164301"}, {"creditor_bic", "ABNA"},
      {"creditor_id", "NL98ZZZ999999999999"},  {"creditor_name", "☺"},
      {"collection_lead_days", "-1"},
  };
  const auto good = entry_.values;
  for (const auto& [key, value] : bad) {
    entry_.values = good;
    entry_.values[key] = value;
    auto p = create();
    ASSERT_FALSE(p) << key;
    EXPECT_EQ(p.status().code(), "PLUGIN_CREATE_FAILED") << key;
    EXPECT_NE(p.status().message().find(key), std::string::npos) << p.status().message();
  }
  entry_.values = good;
  entry_.values.erase("output_dir");
  auto p = create();
  ASSERT_FALSE(p);
  EXPECT_NE(p.status().message().find("output_dir"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, BillingSepaFlow,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::plugin
