// The importer on SQLite and PostgreSQL (SPEC M1, M2, A4, AC5, B8): what it writes is read back
// through the platform's own stores (MessageStore, BillingStore, AccountStore); importing twice
// changes nothing; a dry run changes nothing; an invalid line stops everything unless skipped;
// a run cut short is completed by the next.
#include "import/importer.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <tuple>

#include "accounts/account_store.hpp"
#include "billing/billing_store.hpp"
#include "messages/message_store.hpp"
#include "retention/retention_store.hpp"
#include "storage/sql_run.hpp"
#include "test_database.hpp"

namespace berichtd::import {
namespace {

using namespace Poco::Data::Keywords;
using storage::Backend;

constexpr const char* kFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

// A1 open, A2 closed 2025-12-31 (imported, `closed`), A3 closed 2025-06-30 (M2: left out).
const std::vector<std::string> kExport = {
    R"({"type":"account","old_id":"A1","email":"Praktijk@Example.nl","agb_code":"11111111","created_at":"2019-05-31","closed_at":null,"paid_through":"2026-03-05","last_activity_at":"2026-02-10T14:03:00+01:00"})",
    R"({"type":"account","old_id":"A2","email":"lab@example.nl","agb_code":"22222222","created_at":"2020-01-15","closed_at":"2025-12-31","paid_through":"2025-12-31","last_activity_at":"2025-12-30T09:00:00+01:00"})",
    R"({"type":"account","old_id":"A3","email":"oud@example.nl","agb_code":"33333333","created_at":"2018-02-01","closed_at":"2025-06-30","paid_through":null,"last_activity_at":null})",
    R"({"type":"message","old_id":"M1","from_agb":"11111111","to_agb":"22222222","subject":"Verwijzing Jansen","body":"HbA1c 48 mmol/mol","sent_at":"2025-12-01T10:00:00+01:00"})",
    R"({"type":"message","old_id":"M2","from_agb":"22222222","to_agb":"11111111","subject":"Uitslag","body":"Alles goed","sent_at":"2025-12-02T11:00:00+01:00","message_type":"declaratie"})",
    R"({"type":"message","old_id":"M3","from_agb":"33333333","to_agb":"11111111","subject":"Oude groet","body":"Van een gesloten praktijk","sent_at":"2025-05-01T08:00:00+02:00"})",
    R"({"type":"message","old_id":"M4","from_agb":"33333333","to_agb":"33333333","subject":"Aan mezelf","body":"weg","sent_at":"2025-05-02T08:00:00+02:00"})",
    "",
    R"({"type":"invoice","old_id":"F1","account_old_id":"A1","number":"2025-004711","period_start":"2025-12-01","period_end":"2025-12-31","amount_excl_cents":1300,"vat_cents":273,"issued_at":"2025-12-01","paid_at":"2025-12-03","pdf_base64":"JVBERi0xLjQgb3VkZSBmYWN0dXVy"})",
    R"({"type":"invoice","old_id":"F2","account_old_id":"A1","number":"2026-000007","period_start":"2026-01-01","period_end":"2026-01-31","amount_excl_cents":1300,"vat_cents":273,"issued_at":"2026-01-01","paid_at":null})",
    R"({"type":"invoice","old_id":"F3","account_old_id":"A3","number":"2025-000100","period_start":"2025-05-01","period_end":"2025-05-31","amount_excl_cents":1300,"vat_cents":273,"issued_at":"2025-05-01","paid_at":"2025-05-02"})",
};

class ImporterTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_import_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    auto db = storage::Database::open(testDb_->config());
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate());
    auto master = crypto::SecretBox::fromKeyText("m1:" + std::string(64, '7'));
    ASSERT_TRUE(master);
    box_ = std::make_unique<crypto::SecretBox>(*master);
    keys_ = std::make_unique<messages::DataKeys>(*db_, clock_, *master);
    importer_ = std::make_unique<Importer>(*db_, clock_, *keys_);
    dir_ = std::filesystem::temp_directory_path() /
           ("berichtd-import-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    importer_.reset();
    keys_.reset();
    db_.reset();
    testDb_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string file(const std::vector<std::string>& lines, const std::string& name = "x.jsonl") {
    const auto path = dir_ / name;
    std::ofstream out(path, std::ios::binary);
    for (const auto& l : lines) out << l << '\n';
    return path.string();
  }
  ImportOptions options(bool dryRun = false, bool skipInvalid = false, int chunk = 2000) {
    ImportOptions o;
    o.dryRun = dryRun;
    o.skipInvalid = skipInvalid;
    o.cutoff = *parseIso8601("2026-02-13T00:00:00+01:00");
    o.chunkSize = chunk;
    o.supplier = {"ZilliZ B.V.", "Kade 1\n1000 AA Amsterdam", "12345678", "NL001234567B01"};
    return o;
  }
  int64_t count(const std::string& query) {
    int64_t n = -1;
    EXPECT_TRUE(db_->read([&](Poco::Data::Session& s) {
      n = storage::runSql(*db_, s, query).rows.at(0).at(0).intOr(-1);
    }));
    return n;
  }
  // Every row of the tables the import writes, sealed values included (they must not change).
  std::string dumpAll() {
    std::string all;
    for (const char* table : {"accounts", "account_data_keys", "messages", "message_copies",
                              "invoices", "invoice_counters", "billing_suppliers"}) {
      Poco::Data::Session s = db_->session();
      Poco::Data::Statement select(s);
      select << std::string("SELECT * FROM ") + table + " ORDER BY 1, 2", now;
      Poco::Data::RecordSet rows(select);
      for (bool more = rows.moveFirst(); more; more = rows.moveNext()) {
        for (std::size_t c = 0; c < rows.columnCount(); ++c)
          all += (rows.value(c).isEmpty() ? "-" : rows.value(c).convert<std::string>()) + "|";
        all += "\n";
      }
    }
    return all;
  }
  int64_t accountId(const std::string& agb) {
    accounts::AccountStore store(*db_, clock_);
    auto a = store.findByEmailOrAgb(agb);
    return a ? a->id : 0;
  }
  static void expectCounts(const KindCounts& c, int64_t toImport, int64_t excluded, int64_t invalid,
                           int64_t present, const char* kind, int64_t updated = 0) {
    EXPECT_EQ(c.toImport, toImport) << kind;
    EXPECT_EQ(c.excludedClosed, excluded) << kind;
    EXPECT_EQ(c.invalid, invalid) << kind;
    EXPECT_EQ(c.alreadyPresent, present) << kind;
    EXPECT_EQ(c.updated, updated) << kind;
  }

  ManualClock clock_{*parseIso8601("2026-02-14T09:00:00+01:00")};
  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<crypto::SecretBox> box_;
  std::unique_ptr<messages::DataKeys> keys_;
  std::unique_ptr<Importer> importer_;
  std::filesystem::path dir_;
};

TEST_P(ImporterTest, WritesWhatThePlatformsStoresRead) {
  auto report = importer_->run(file(kExport), options());
  ASSERT_TRUE(report) << report.status().toString();
  EXPECT_TRUE(report->written);
  EXPECT_EQ(report->lines, 11);
  expectCounts(report->of(LineKind::kAccount), 2, 1, 0, 0, "accounts");
  expectCounts(report->of(LineKind::kMessage), 3, 1, 0, 0, "messages");
  expectCounts(report->of(LineKind::kInvoice), 2, 1, 0, 0, "invoices");

  // A4: open = migrated, closed = closed with its date; R1's last activity kept (UTC).
  accounts::AccountStore accounts(*db_, clock_);
  auto a1 = accounts.findByEmailOrAgb("praktijk@example.nl");
  ASSERT_TRUE(a1) << a1.status().toString();
  EXPECT_EQ(a1->state, "migrated");
  EXPECT_EQ(a1->email, "Praktijk@Example.nl");
  EXPECT_EQ(a1->createdAt, "2019-05-31");
  EXPECT_EQ(a1->paidThrough, "2026-03-05");
  EXPECT_EQ(a1->lastActivityAt, "2026-02-10T13:03:00.000Z");
  EXPECT_FALSE(a1->closedAt);
  auto a2 = accounts.findByEmailOrAgb("22222222");
  ASSERT_TRUE(a2);
  EXPECT_EQ(a2->state, "closed");
  EXPECT_EQ(a2->closedAt, "2025-12-31");
  EXPECT_EQ(accounts.findByEmailOrAgb("33333333").status().code(), "NOT_FOUND");  // M2

  // AC5: the messages as MessageStore shows them to each account.
  messages::MessageStore store(*db_, clock_, *keys_, 24);
  const int64_t id1 = a1->id, id2 = a2->id;
  auto inbox1 = store.list(id1, "inbox");
  ASSERT_TRUE(inbox1) << inbox1.status().toString();
  ASSERT_EQ(inbox1->size(), 2u);  // M2 from A2, M3 from the left-out A3 (its side has no copy)
  EXPECT_EQ((*inbox1)[0].from, "33333333");
  EXPECT_EQ((*inbox1)[0].subject, "Oude groet");
  EXPECT_EQ((*inbox1)[0].createdAt, "2025-05-01T06:00:00.000Z");
  EXPECT_EQ((*inbox1)[0].state, "delivered");
  EXPECT_EQ((*inbox1)[1].from, "22222222");
  EXPECT_EQ((*inbox1)[1].type, "declaratie");
  auto sent1 = store.list(id1, "sent");
  ASSERT_TRUE(sent1);
  ASSERT_EQ(sent1->size(), 1u);
  EXPECT_EQ((*sent1)[0].subject, "Verwijzing Jansen");
  EXPECT_EQ((*sent1)[0].type, "bericht");
  ASSERT_EQ((*sent1)[0].deliveries.size(), 1u);
  EXPECT_EQ((*sent1)[0].deliveries[0].to, "22222222");
  EXPECT_EQ((*sent1)[0].deliveries[0].state, "delivered");
  auto body = store.get(id2, (*sent1)[0].id);  // the recipient's copy of M1
  ASSERT_TRUE(body) << body.status().toString();
  EXPECT_EQ(body->body, "HbA1c 48 mmol/mol");
  EXPECT_EQ(store.list(id2, "sent")->size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM message_copies"), 5);
  // D1: nothing readable at rest, no delivery jobs (they were delivered on the old platform).
  EXPECT_EQ(dumpAll().find("HbA1c"), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 0);

  // Invoices under their old numbers; the exported PDF served as is, the other rendered.
  billing::BillingStore billing(*db_, clock_, *box_);
  auto invoices = billing.invoices(id1);
  ASSERT_TRUE(invoices);
  ASSERT_EQ(invoices->size(), 2u);
  EXPECT_EQ((*invoices)[0].number, "2026-000007");
  EXPECT_EQ((*invoices)[0].state, "open");
  EXPECT_EQ((*invoices)[0].source, "migrated");
  EXPECT_EQ((*invoices)[1].number, "2025-004711");
  EXPECT_EQ((*invoices)[1].state, "paid");
  EXPECT_EQ((*invoices)[1].amountInclCents, 1573);
  EXPECT_EQ((*invoices)[1].periodEnd, "2025-12-31");
  auto old = billing.invoicePdf(id1, "2025-004711", kFont);
  ASSERT_TRUE(old);
  EXPECT_EQ(*old, "%PDF-1.4 oude factuur");
  auto rendered = billing.invoicePdf(id1, "2026-000007", kFont);
  ASSERT_TRUE(rendered) << rendered.status().toString();
  EXPECT_EQ(rendered->rfind("%PDF-", 0), 0u);
  EXPECT_GT(rendered->size(), 1000u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM invoices WHERE supplier_id IS NOT NULL"), 2);
  // B8: the platform's own numbers continue after the imported ones of each year.
  EXPECT_EQ(count("SELECT last_number FROM invoice_counters WHERE year = 2025"), 4711);
  EXPECT_EQ(count("SELECT last_number FROM invoice_counters WHERE year = 2026"), 7);
}

TEST_P(ImporterTest, ImportingTwiceChangesNothing) {
  const std::string path = file(kExport);
  auto first = importer_->run(path, options());
  ASSERT_TRUE(first) << first.status().toString();
  const std::string before = dumpAll();
  auto second = importer_->run(path, options());
  ASSERT_TRUE(second) << second.status().toString();
  expectCounts(second->of(LineKind::kAccount), 0, 1, 0, 2, "accounts");
  expectCounts(second->of(LineKind::kMessage), 0, 1, 0, 3, "messages");
  expectCounts(second->of(LineKind::kInvoice), 0, 1, 0, 2, "invoices");
  EXPECT_EQ(dumpAll(), before);
}

TEST_P(ImporterTest, ADryRunCountsAndChangesNothing) {
  const std::string before = dumpAll();
  auto report = importer_->run(file(kExport), options(/*dryRun=*/true));
  ASSERT_TRUE(report) << report.status().toString();
  EXPECT_TRUE(report->dryRun);
  EXPECT_FALSE(report->written);
  expectCounts(report->of(LineKind::kAccount), 2, 1, 0, 0, "accounts");
  expectCounts(report->of(LineKind::kMessage), 3, 1, 0, 0, "messages");
  expectCounts(report->of(LineKind::kInvoice), 2, 1, 0, 0, "invoices");
  EXPECT_EQ(dumpAll(), before);
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts"), 0);
}

TEST_P(ImporterTest, AnInvalidLineStopsEverythingUnlessSkipped) {
  std::vector<std::string> lines = kExport;
  lines[1] = R"({"type":"account","old_id":"A2","email":"lab@example.nl","agb_code":"2222")";
  lines.push_back(
      R"({"type":"message","old_id":"M9","from_agb":"11111111","to_agb":"99999999","subject":"?","body":"?","sent_at":"2025-12-01T10:00:00Z"})");
  lines.push_back(
      R"({"type":"account","old_id":"A9","email":"PRAKTIJK@example.nl","agb_code":"99999998","created_at":"2019-05-31"})");
  lines.push_back(R"({"type":"contract","old_id":"C1"})");
  const std::string path = file(lines);
  auto refused = importer_->run(path, options());
  ASSERT_TRUE(refused) << refused.status().toString();
  EXPECT_FALSE(refused->written);
  EXPECT_EQ(refused->problemTotal, 6);
  ASSERT_EQ(refused->problems.size(), 6u);
  auto expect = [&](std::size_t i, int64_t line, const std::string& code, const std::string& what) {
    EXPECT_EQ(refused->problems[i].line, line);
    EXPECT_EQ(refused->problems[i].code, code);
    EXPECT_EQ(refused->problems[i].message, what);
  };
  expect(0, 2, "IMPORT_LINE_INVALID", "the line is not valid JSON");
  // A2 is not an account of the export now: its messages name nobody.
  expect(1, 4, "IMPORT_REFERENCE_UNKNOWN", "to_agb names no account of the export");
  expect(2, 5, "IMPORT_REFERENCE_UNKNOWN", "from_agb names no account of the export");
  expect(3, 12, "IMPORT_REFERENCE_UNKNOWN", "to_agb names no account of the export");
  expect(4, 13, "IMPORT_CONFLICT", "email (in any letter case) already appears on line 1");
  expect(5, 14, "IMPORT_LINE_INVALID",
         "unknown type (expected \"account\", \"message\" or \"invoice\")");
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM invoices"), 0);

  auto skipped = importer_->run(path, options(false, /*skipInvalid=*/true));
  ASSERT_TRUE(skipped) << skipped.status().toString();
  EXPECT_TRUE(skipped->written);
  expectCounts(skipped->of(LineKind::kAccount), 1, 1, 3, 0, "accounts");
  expectCounts(skipped->of(LineKind::kMessage), 1, 1, 3, 0, "messages");
  expectCounts(skipped->of(LineKind::kInvoice), 2, 1, 0, 0, "invoices");
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 1);  // M3: from the left-out A3 to A1
  EXPECT_EQ(count("SELECT COUNT(*) FROM invoices"), 2);
}

TEST_P(ImporterTest, ConflictsWithThePlatformAndWithinTheFile) {
  accounts::AccountStore accounts(*db_, clock_);
  ASSERT_TRUE(accounts.create("lab@EXAMPLE.nl", "44444444", "2026-02-16"));  // A2's e-mail
  std::vector<std::string> lines = {
      kExport[0],
      kExport[1],
      R"({"type":"account","old_id":"A4","email":"vier@example.nl","agb_code":"11111111","created_at":"2019-05-31"})",
      R"({"type":"account","old_id":"A1","email":"een@example.nl","agb_code":"55555555","created_at":"2019-05-31"})",
      kExport[8],
      R"({"type":"invoice","old_id":"F8","account_old_id":"A1","number":"2025-004711","period_start":"2025-11-01","period_end":"2025-11-30","amount_excl_cents":1300,"vat_cents":273,"issued_at":"2025-11-01"})",
      R"({"type":"invoice","old_id":"F9","account_old_id":"A1","number":"2025-004712","period_start":"2025-12-01","period_end":"2025-12-31","amount_excl_cents":0,"vat_cents":0,"issued_at":"2025-12-05"})",
      R"({"type":"invoice","old_id":"F1","account_old_id":"A1","number":"2025-009999","period_start":"2025-10-01","period_end":"2025-10-31","amount_excl_cents":0,"vat_cents":0,"issued_at":"2025-10-05"})",
  };
  auto report = importer_->run(file(lines), options(true));
  ASSERT_TRUE(report) << report.status().toString();
  std::vector<std::pair<int64_t, std::string>> got;
  for (const auto& p : report->problems) {
    EXPECT_EQ(p.code, "IMPORT_CONFLICT") << p.line;
    got.emplace_back(p.line, p.message);
  }
  const std::vector<std::pair<int64_t, std::string>> want = {
      {2, "email belongs to another account on the platform (in any letter case)"},
      {3, "agb_code already appears on line 1"},
      {4, "old_id already appears on line 1"},
      {6, "number already appears on line 5"},
      {7, "the account's invoice for this period_start is already on line 5"},
      {8, "old_id already appears on line 5"},
  };
  EXPECT_EQ(got, want);
}

TEST_P(ImporterTest, ARunCutShortIsCompletedByTheNext) {
  // As if the daemon died after the first chunks: accounts and part of the messages are in.
  std::vector<std::string> prefix(kExport.begin(), kExport.begin() + 5);
  auto partial = importer_->run(file(prefix, "part.jsonl"), options(false, false, 1));
  ASSERT_TRUE(partial) << partial.status().toString();
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 2);
  auto rest = importer_->run(file(kExport), options(false, false, 1));
  ASSERT_TRUE(rest) << rest.status().toString();
  expectCounts(rest->of(LineKind::kAccount), 0, 1, 0, 2, "accounts");
  expectCounts(rest->of(LineKind::kMessage), 1, 1, 0, 2, "messages");
  expectCounts(rest->of(LineKind::kInvoice), 2, 1, 0, 0, "invoices");
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM message_copies"), 5);
  EXPECT_EQ(count("SELECT COUNT(*) FROM invoices"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM account_data_keys"), 2);
  // A second file naming accounts imported by the first: resolved from the database.
  auto later = importer_->run(
      file(
          {R"({"type":"message","old_id":"M7","from_agb":"22222222","to_agb":"11111111","subject":"Nog een","body":"x","sent_at":"2025-12-09T10:00:00Z"})"},
          "later.jsonl"),
      options());
  ASSERT_TRUE(later) << later.status().toString();
  expectCounts(later->of(LineKind::kMessage), 1, 0, 0, 0, "messages");
  messages::MessageStore store(*db_, clock_, *keys_, 24);
  EXPECT_EQ(store.list(accountId("11111111"), "inbox")->size(), 3u);
}

TEST_P(ImporterTest, AnAccountDeletedByRetentionIsNotImportedAgain) {
  // A2 with an invoice and a message to the left-out A3: both go with A2 (R3).
  std::vector<std::string> lines = kExport;
  lines.push_back(
      R"({"type":"invoice","old_id":"F4","account_old_id":"A2","number":"2025-004800","period_start":"2025-12-01","period_end":"2025-12-31","amount_excl_cents":1300,"vat_cents":273,"issued_at":"2025-12-01","paid_at":null})");
  lines.push_back(
      R"({"type":"message","old_id":"M5","from_agb":"22222222","to_agb":"33333333","subject":"Tot ziens","body":"x","sent_at":"2025-12-20T10:00:00Z"})");
  const std::string path = file(lines);
  auto first = importer_->run(path, options());
  ASSERT_TRUE(first) << first.status().toString();
  const int64_t a2 = accountId("22222222");
  ASSERT_GT(a2, 0);
  retention::RetentionStore retention(*db_, clock_, {});
  auto deleted = retention.deleteAccount(a2, *parseIsoDate("2026-07-01"), {}, "admin");
  ASSERT_TRUE(deleted) << deleted.status().toString();
  ASSERT_TRUE(*deleted);
  // The tombstone keeps the old platform's id: the marker this rule reads.
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts WHERE old_id = 'A2' AND state = 'deleted'"), 1);
  const std::string before = dumpAll();

  auto again = importer_->run(path, options());
  ASSERT_TRUE(again) << again.status().toString();
  EXPECT_TRUE(again->written);
  EXPECT_EQ(again->problemTotal, 0);
  expectCounts(again->of(LineKind::kAccount), 0, 1, 0, 2, "accounts");
  expectCounts(again->of(LineKind::kMessage), 0, 1, 0, 4, "messages");
  expectCounts(again->of(LineKind::kInvoice), 0, 1, 0, 3, "invoices");
  EXPECT_EQ(dumpAll(), before);  // no account, data key, message or invoice came back
  EXPECT_EQ(accountId("22222222"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE old_id = 'M5'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM invoices WHERE old_id = 'F4'"), 0);
}

// M1, the migration's real sequence: the early export (November, for the announcement
// campaigns), then the final one at the cutoff. What changed on the old platform in between is
// taken over for every account the platform has not taken over yet; an activated account
// belongs to its user (left as it is), a deleted one stays deleted.
const std::vector<std::string> kEarly = {
    R"({"type":"account","old_id":"A1","email":"een@example.nl","agb_code":"11111111","created_at":"2019-05-31","closed_at":null,"paid_through":"2025-12-05","last_activity_at":"2025-11-10T09:00:00+01:00"})",
    R"({"type":"account","old_id":"A2","email":"twee@example.nl","agb_code":"22222222","created_at":"2020-01-15","closed_at":null,"paid_through":"2025-12-15","last_activity_at":"2025-11-01T09:00:00Z"})",
    R"({"type":"account","old_id":"A3","email":"drie@example.nl","agb_code":"33333333","created_at":"2021-03-01","closed_at":null,"paid_through":"2025-12-01","last_activity_at":null})",
    R"({"type":"account","old_id":"A4","email":"vier@example.nl","agb_code":"44444444","created_at":"2021-04-01","closed_at":null,"paid_through":"2025-12-01","last_activity_at":null})",
    R"({"type":"account","old_id":"A5","email":"vijf@example.nl","agb_code":"55555555","created_at":"2021-05-01","closed_at":null,"paid_through":"2025-12-01","last_activity_at":null})",
    R"({"type":"account","old_id":"A6","email":"zes@example.nl","agb_code":"66666666","created_at":"2021-06-01","closed_at":null,"paid_through":"2025-12-01","last_activity_at":null})",
    R"({"type":"message","old_id":"M1","from_agb":"11111111","to_agb":"22222222","subject":"Verwijzing","body":"x","sent_at":"2025-11-01T10:00:00Z"})",
    R"({"type":"invoice","old_id":"F1","account_old_id":"A1","number":"2025-004711","period_start":"2025-11-05","period_end":"2025-12-04","amount_excl_cents":1300,"vat_cents":273,"issued_at":"2025-11-05","paid_at":null})",
    R"({"type":"invoice","old_id":"F2","account_old_id":"A2","number":"2025-004712","period_start":"2025-11-15","period_end":"2025-12-14","amount_excl_cents":1300,"vat_cents":273,"issued_at":"2025-11-15","paid_at":"2025-11-16"})",
};
const std::vector<std::string> kFinal = {
    // A1 paid through March and was active (B5: not charged again from December).
    R"({"type":"account","old_id":"A1","email":"een@example.nl","agb_code":"11111111","created_at":"2019-05-31","closed_at":null,"paid_through":"2026-03-05","last_activity_at":"2026-02-10T14:03:00+01:00"})",
    // A2 closed its account; A3 unchanged; A4 a new e-mail address.
    R"({"type":"account","old_id":"A2","email":"twee@example.nl","agb_code":"22222222","created_at":"2020-01-15","closed_at":"2026-01-20","paid_through":"2025-12-15","last_activity_at":"2025-11-01T09:00:00Z"})",
    kEarly[2],
    R"({"type":"account","old_id":"A4","email":"Nieuw@Example.nl","agb_code":"44444444","created_at":"2021-04-01","closed_at":null,"paid_through":"2025-12-01","last_activity_at":null})",
    // A5 was activated on the platform in between, A6 deleted by retention: neither changes.
    R"({"type":"account","old_id":"A5","email":"anders@example.nl","agb_code":"55555555","created_at":"2021-05-01","closed_at":null,"paid_through":"2026-06-01","last_activity_at":"2026-02-01T09:00:00Z"})",
    R"({"type":"account","old_id":"A6","email":"zes@example.nl","agb_code":"66666666","created_at":"2021-06-01","closed_at":null,"paid_through":"2026-06-01","last_activity_at":null})",
    R"({"type":"account","old_id":"A7","email":"zeven@example.nl","agb_code":"77777777","created_at":"2026-01-02","closed_at":null,"paid_through":"2026-02-01","last_activity_at":null})",
    // A message never changes: the same old_id with another body is left as it is.
    R"({"type":"message","old_id":"M1","from_agb":"11111111","to_agb":"22222222","subject":"Anders","body":"y","sent_at":"2025-11-01T10:00:00Z"})",
    R"({"type":"message","old_id":"M2","from_agb":"77777777","to_agb":"11111111","subject":"Nieuw","body":"z","sent_at":"2026-01-05T10:00:00Z"})",
    // F1 paid since; F2 was paid already (its paid_at is not rewritten); F3 is new.
    R"({"type":"invoice","old_id":"F1","account_old_id":"A1","number":"2025-004711","period_start":"2025-11-05","period_end":"2025-12-04","amount_excl_cents":1300,"vat_cents":273,"issued_at":"2025-11-05","paid_at":"2025-12-20"})",
    R"({"type":"invoice","old_id":"F2","account_old_id":"A2","number":"2025-004712","period_start":"2025-11-15","period_end":"2025-12-14","amount_excl_cents":1300,"vat_cents":273,"issued_at":"2025-11-15","paid_at":"2025-11-30"})",
    R"({"type":"invoice","old_id":"F3","account_old_id":"A1","number":"2025-004900","period_start":"2025-12-05","period_end":"2026-01-04","amount_excl_cents":1300,"vat_cents":273,"issued_at":"2025-12-05","paid_at":"2025-12-06"})",
};

TEST_P(ImporterTest, AFinalExportRefreshesWhatThePlatformHasNotTakenOver) {
  auto early = importer_->run(file(kEarly, "early.jsonl"), options());
  ASSERT_TRUE(early) << early.status().toString();
  expectCounts(early->of(LineKind::kAccount), 6, 0, 0, 0, "early accounts");
  // Between the two: A5 activated (the statement of BillingStore's paid verification, AC3),
  // A6 deleted by the real retention sweep.
  const int64_t a5 = accountId("55555555"), a6 = accountId("66666666");
  ASSERT_TRUE(db_->transact([&](Poco::Data::Session& s) {
    (void)storage::runSql(*db_, s,
                          "UPDATE accounts SET state = 'active' WHERE id = ? AND state = "
                          "'migrated'",
                          {a5});
  }));
  retention::RetentionStore retention(*db_, clock_, {});
  auto deleted = retention.deleteAccount(a6, *parseIsoDate("2026-01-01"), {}, "admin");
  ASSERT_TRUE(deleted) << deleted.status().toString();
  ASSERT_TRUE(*deleted);
  const std::string beforeFinal = dumpAll();

  // The dry run counts what the final file would refresh and writes nothing.
  const std::string path = file(kFinal, "final.jsonl");
  auto dry = importer_->run(path, options(/*dryRun=*/true));
  ASSERT_TRUE(dry) << dry.status().toString();
  EXPECT_EQ(dry->problemTotal, 0);
  expectCounts(dry->of(LineKind::kAccount), 1, 0, 0, 3, "dry accounts", 3);
  expectCounts(dry->of(LineKind::kMessage), 1, 0, 0, 1, "dry messages");
  expectCounts(dry->of(LineKind::kInvoice), 1, 0, 0, 1, "dry invoices", 1);
  EXPECT_EQ(dumpAll(), beforeFinal);

  auto final = importer_->run(path, options(false, false, /*chunk=*/2));
  ASSERT_TRUE(final) << final.status().toString();
  EXPECT_TRUE(final->written);
  expectCounts(final->of(LineKind::kAccount), 1, 0, 0, 3, "accounts", 3);
  expectCounts(final->of(LineKind::kMessage), 1, 0, 0, 1, "messages");
  expectCounts(final->of(LineKind::kInvoice), 1, 0, 0, 1, "invoices", 1);

  accounts::AccountStore accounts(*db_, clock_);
  auto a1 = accounts.findByEmailOrAgb("11111111");
  ASSERT_TRUE(a1) << a1.status().toString();
  EXPECT_EQ(a1->state, "migrated");
  EXPECT_EQ(a1->paidThrough, "2026-03-05");
  EXPECT_EQ(a1->lastActivityAt, "2026-02-10T13:03:00.000Z");
  auto a2 = accounts.findByEmailOrAgb("22222222");
  ASSERT_TRUE(a2);
  EXPECT_EQ(a2->state, "closed");  // A4: closed on the old platform, with its date (R2)
  EXPECT_EQ(a2->closedAt, "2026-01-20");
  auto a3 = accounts.findByEmailOrAgb("33333333");
  ASSERT_TRUE(a3);
  EXPECT_EQ(a3->paidThrough, "2025-12-01");
  auto a4 = accounts.findByEmailOrAgb("nieuw@example.nl");  // found by its new e-mail key
  ASSERT_TRUE(a4) << a4.status().toString();
  EXPECT_EQ(a4->email, "Nieuw@Example.nl");
  EXPECT_EQ(a4->agbCode, "44444444");
  EXPECT_EQ(accounts.findByEmailOrAgb("vier@example.nl").status().code(), "NOT_FOUND");
  auto a5Now = accounts.findById(a5);  // the user owns it now: the export's changes not applied
  ASSERT_TRUE(a5Now);
  EXPECT_EQ(a5Now->state, "active");
  EXPECT_EQ(a5Now->email, "vijf@example.nl");
  EXPECT_EQ(a5Now->paidThrough, "2025-12-01");
  EXPECT_FALSE(a5Now->lastActivityAt);
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts WHERE old_id = 'A6' AND state = 'deleted'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts WHERE old_id = 'A6'"), 1);  // not re-created
  EXPECT_EQ(accountId("66666666"), 0);
  EXPECT_GT(accountId("77777777"), 0);  // new in the final export: imported

  billing::BillingStore billing(*db_, clock_, *box_);
  auto invoices1 = billing.invoices(a1->id);
  ASSERT_TRUE(invoices1);
  ASSERT_EQ(invoices1->size(), 2u);
  EXPECT_EQ((*invoices1)[1].number, "2025-004711");
  EXPECT_EQ((*invoices1)[1].state, "paid");
  EXPECT_EQ((*invoices1)[1].amountInclCents, 1573);
  EXPECT_EQ(count("SELECT COUNT(*) FROM invoices WHERE old_id = 'F1' AND paid_at = '2025-12-20'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM invoices WHERE old_id = 'F2' AND paid_at = '2025-11-16'"),
            1);
  messages::MessageStore store(*db_, clock_, *keys_, 24);
  auto inbox2 = store.list(a2->id, "inbox");
  ASSERT_TRUE(inbox2);
  ASSERT_EQ(inbox2->size(), 1u);
  EXPECT_EQ((*inbox2)[0].subject, "Verwijzing");       // messages are immutable
  EXPECT_EQ(store.list(a1->id, "inbox")->size(), 1u);  // M2 of the new A7

  // Idempotent: the final file again refreshes nothing and changes no row.
  const std::string afterFinal = dumpAll();
  auto again = importer_->run(path, options());
  ASSERT_TRUE(again) << again.status().toString();
  expectCounts(again->of(LineKind::kAccount), 0, 0, 0, 7, "again accounts");
  expectCounts(again->of(LineKind::kMessage), 0, 0, 0, 2, "again messages");
  expectCounts(again->of(LineKind::kInvoice), 0, 0, 0, 3, "again invoices");
  EXPECT_EQ(dumpAll(), afterFinal);
}

TEST_P(ImporterTest, ARefreshMayNotTakeAnotherAccountsIdentity) {
  accounts::AccountStore accounts(*db_, clock_);
  ASSERT_TRUE(accounts.create("eigen@example.nl", "99999999", "2026-02-16"));  // the platform's
  auto early =
      importer_->run(file({kEarly[0], kEarly[1], kEarly[2], kEarly[3]}, "early.jsonl"), options());
  ASSERT_TRUE(early) << early.status().toString();
  const std::string before = dumpAll();
  const std::vector<std::string> lines = {
      // A1 takes the e-mail of A4 (imported, not in this file; any letter case), A2 the AGB
      // code of the platform's own account, A3 only changes the letter case of its own address
      // (no conflict: its own key).
      R"({"type":"account","old_id":"A1","email":"VIER@example.nl","agb_code":"11111111","created_at":"2019-05-31","closed_at":null,"paid_through":"2026-03-05","last_activity_at":null})",
      R"({"type":"account","old_id":"A2","email":"twee@example.nl","agb_code":"99999999","created_at":"2020-01-15","closed_at":null,"paid_through":"2025-12-15","last_activity_at":null})",
      R"({"type":"account","old_id":"A3","email":"Drie@Example.nl","agb_code":"33333333","created_at":"2021-03-01","closed_at":null,"paid_through":"2025-12-01","last_activity_at":null})",
  };
  const std::string path = file(lines, "final.jsonl");
  auto refused = importer_->run(path, options());
  ASSERT_TRUE(refused) << refused.status().toString();
  EXPECT_FALSE(refused->written);
  std::vector<std::tuple<int64_t, std::string, std::string>> got;
  for (const auto& p : refused->problems) got.emplace_back(p.line, p.code, p.message);
  const std::vector<std::tuple<int64_t, std::string, std::string>> want = {
      {1, "IMPORT_CONFLICT",
       "email belongs to another account on the platform (in any letter case)"},
      {2, "IMPORT_CONFLICT", "agb_code belongs to another account on the platform"},
  };
  EXPECT_EQ(got, want);
  expectCounts(refused->of(LineKind::kAccount), 0, 0, 2, 0, "accounts", 1);
  EXPECT_EQ(dumpAll(), before);  // nothing written

  // --skip-invalid: A3 refreshed; A1 and A2 stay as they were.
  auto skipped = importer_->run(path, options(false, /*skipInvalid=*/true));
  ASSERT_TRUE(skipped) << skipped.status().toString();
  EXPECT_TRUE(skipped->written);
  expectCounts(skipped->of(LineKind::kAccount), 0, 0, 2, 0, "accounts", 1);
  EXPECT_EQ(accounts.findByEmailOrAgb("33333333")->email, "Drie@Example.nl");
  EXPECT_EQ(accounts.findByEmailOrAgb("11111111")->email, "een@example.nl");
  EXPECT_EQ(accounts.findByEmailOrAgb("11111111")->paidThrough, "2025-12-05");
  EXPECT_EQ(accounts.findByEmailOrAgb("22222222")->email, "twee@example.nl");
}

TEST_P(ImporterTest, AnUnreadableFileIsAnError) {
  auto r = importer_->run((dir_ / "missing.jsonl").string(), options());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), "IMPORT_FILE_UNREADABLE");
}

INSTANTIATE_TEST_SUITE_P(Backends, ImporterTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::import
