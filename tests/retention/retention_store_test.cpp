// RetentionStore on both backends (SPEC R1-R3, A4): the sweep deletes exactly the due accounts,
// each in its own transaction, with every per-account row (wipe_steps.hpp), the outbox jobs
// about them, and leaves the tombstone and the audit row; the other party's copy survives; a
// rerun deletes nothing more; activity since the list saves an account; and nothing of a
// deleted account is left in any table — on SQLite not even in the database file and its log.
#include "retention/retention_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "accounts/account_store.hpp"
#include "core/clock.hpp"
#include "sql_read.hpp"
#include "storage/outbox.hpp"
#include "storage/sql_run.hpp"
#include "test_database.hpp"

namespace berichtd::retention {
namespace {

using storage::Backend;
using namespace std::chrono;

Date d(int y, unsigned m, unsigned dd) { return Date{year(y), month(m), day(dd)}; }

template <typename T>
T orElse(const Result<T>& r, T fallback) {
  return r ? *r : fallback;
}

// Everything of account Alfa that must be gone after its deletion.
const std::vector<std::string> kAlfaSecrets = {
    "alfa.retention@example.nl", "ALFA.RETENTION@EXAMPLE.NL", "31415926",
    "NL02RABO0123456789",        "Praktijk Alfa Retentie",    "inbox:Onderwerp-Alfa-Inbox",
    "sent:Body-Alfa-Sent",       "key-Onderwerp-Alfa-Sent",   "mail:Archief-Alfa"};

class RetentionStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_retst_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    auto db = storage::Database::open(testDb_->config(4));
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate());
    accounts_ = std::make_unique<accounts::AccountStore>(*db_, clock_);
    store_ =
        std::make_unique<RetentionStore>(*db_, clock_, std::vector<std::string>{"auth", "billing"});
  }
  void TearDown() override {
    store_.reset();
    accounts_.reset();
    db_.reset();
    testDb_.reset();
  }

  void exec(const std::string& sql, std::initializer_list<SqlValue> params = {}) {
    ASSERT_TRUE(db_->transact(
        [&](Poco::Data::Session& s) { (void)storage::runSql(*db_, s, sql, params); }));
  }
  std::vector<std::vector<SqlValue>> query(const std::string& sql,
                                           std::initializer_list<SqlValue> params = {}) {
    return berichtd::testing::queryRows(*db_, sql, params);
  }
  int64_t count(const std::string& sql, std::initializer_list<SqlValue> params = {}) {
    return berichtd::testing::queryCount(*db_, sql, params);
  }

  int64_t account(const std::string& email, const std::string& agb, const std::string& state,
                  const std::optional<std::string>& lastActivity,
                  const std::optional<std::string>& closedAt = std::nullopt) {
    auto a = accounts_->create(email, agb, "2025-01-15");
    EXPECT_TRUE(a) << a.status().toString();
    exec("UPDATE accounts SET state = ?, last_activity_at = ?, closed_at = ? WHERE id = ?",
         {state, lastActivity, closedAt, a->accountId});
    return a->accountId;
  }

  // A message from `from` to `to` with both copies; subject and body as given (stored as is:
  // the test looks for the text, so it stands in for sealed text), each copy's prefixed with
  // its box: every copy is its holder's own.
  int64_t message(int64_t from, const std::string& fromAgb, int64_t to, const std::string& toAgb,
                  const std::string& subject, const std::string& body) {
    int64_t id = 0;
    EXPECT_TRUE(db_->transact([&](Poco::Data::Session& s) {
      auto r = storage::runSql(*db_, s,
                               "INSERT INTO messages (sender_id, sender_agb, type, created_at, "
                               "idempotency_key) VALUES (?, ?, 'bericht', '2026-01-01', ?) "
                               "RETURNING id",
                               {from, fromAgb, "key-" + subject});
      id = r.rows.at(0).at(0).intOr(0);
      for (auto [acc, box, agb] : {std::tuple{from, "sent", fromAgb}, {to, "inbox", toAgb}}) {
        (void)storage::runSql(*db_, s,
                              "INSERT INTO message_copies (message_id, account_id, box, agb_code, "
                              "sealed_subject, sealed_body, state) VALUES (?, ?, ?, ?, ?, ?, "
                              "'delivered')",
                              {id, acc, std::string(box), agb, std::string(box) + ":" + subject,
                               std::string(box) + ":" + body});
      }
    }));
    return id;
  }

  // Customer, mandate (the IBAN standing in for its sealed form), subscription, an invoice
  // with its charge, and a data key.
  void billing(int64_t id, const std::string& holder, const std::string& iban) {
    const std::string sid = std::to_string(id);
    exec("INSERT INTO billing_customers (account_id, customer_id) VALUES (?, ?)",
         {id, "cst_" + sid});
    exec(
        "INSERT INTO billing_mandates (account_id, reference, account_holder, billing_address, "
        "iban_sealed, iban_masked, consent_at, consent_client, consent_text_version, state, "
        "created_at) VALUES (?, ?, ?, 'Straat 1', ?, 'NL** **** 6789', 'x', '127.0.0.1', 'v1', "
        "'valid', 'x')",
        {id, "ref-" + sid, holder, iban});
    exec(
        "INSERT INTO billing_subscriptions (account_id, billing_day, next_period_start, "
        "activated_on) VALUES (?, 15, '2026-02-15', '2026-01-15')",
        {id});
    exec(
        "INSERT INTO invoices (account_id, number, issued_on, period_start, period_last_day, "
        "amount_excl_cents, vat_percent, vat_cents, customer_name, customer_address, state, "
        "source) VALUES (?, ?, '2026-01-15', '2026-01-15', '2026-02-14', 1350, 21, 284, ?, "
        "'Straat 1', 'paid', 'billing')",
        {id, "2026-" + sid, holder});
    exec(
        "INSERT INTO billing_charges (account_id, invoice_id, kind, attempt, idempotency_key, "
        "amount_cents, status, created_at, updated_at) SELECT account_id, id, 'collection', 1, "
        "?, 1634, 'paid', 'x', 'x' FROM invoices WHERE account_id = ?",
        {"collect-" + sid, id});
    exec("INSERT INTO account_data_keys (account_id, wrapped_key, created_at) VALUES (?, ?, 'x')",
         {id, "wrapped-" + sid});
  }

  // The sent-mail archive (N2; the subject and text standing in for their sealed form) and the
  // record of the campaign mail it was queued (N1).
  void mailArchive(int64_t id, const std::string& subject) {
    exec(
        "INSERT INTO mails (account_id, source_key, campaign, template, sealed_subject, "
        "sealed_text, sent_at) VALUES (?, ?, 'aankondiging', 'announcement', ?, ?, "
        "'2026-01-01T00:00:00.000Z')",
        {id, "mail-" + std::to_string(id), "mail:" + subject, "mail:" + subject});
    exec(
        "INSERT INTO campaign_mails (campaign, account_id, queued_at) VALUES ('aankondiging', ?, "
        "'2026-01-01T00:00:00.000Z')",
        {id});
  }

  void job(const std::string& service, const std::string& key, const std::string& json) {
    ASSERT_TRUE(db_->transact([&](Poco::Data::Session& s) {
      storage::enqueueOutboxJob(*db_, s, service, "act", key, json, "2026-01-01T00:00:00.000Z");
    }));
  }

  // Rows of every table that hold `needle` (case-insensitive) in any column, as "table".
  std::vector<std::string> tablesHolding(const std::string& needle) {
    std::vector<std::string> tables;
    const bool sqlite = GetParam() == Backend::kSqlite;
    for (const auto& row :
         query(sqlite ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                        "'sqlite_%'"
                      : "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                        "current_schema()"))
      tables.push_back(row[0].textOr(""));
    std::string lowNeedle = needle;
    std::transform(lowNeedle.begin(), lowNeedle.end(), lowNeedle.begin(), ::tolower);
    std::vector<std::string> out;
    for (const auto& t : tables) {
      for (const auto& row : query("SELECT * FROM " + t)) {
        for (const auto& cell : row) {
          std::string text = cell.textOr("");
          std::transform(text.begin(), text.end(), text.begin(), ::tolower);
          if (text.find(lowNeedle) != std::string::npos) out.push_back(t);
        }
      }
    }
    return out;
  }

  std::string fileBytes(const std::string& suffix) {
    std::ifstream in(testDb_->dir() / ("berichtd.db" + suffix), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  ManualClock clock_{*parseIso8601("2026-07-20T10:00:00Z")};
  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<accounts::AccountStore> accounts_;
  std::unique_ptr<RetentionStore> store_;
};

TEST_P(RetentionStoreTest, SweepDeletesTheDueAccountsForRealAndLeavesATombstone) {
  const RetentionPolicy policy;  // 6 and 6 months
  // R1: last activity 2026-01-10 → due from 2026-07-10. Bravo was active on 2026-07-01.
  const int64_t alfa =
      account("Alfa.Retention@example.nl", "31415926", "active", "2026-01-10T09:00:00.000Z");
  const int64_t bravo =
      account("bravo@example.nl", "27182818", "active", "2026-07-01T09:00:00.000Z");
  // R2: closed 2026-01-15 → due from 2026-07-15; closed 2026-06-01 → not yet.
  const int64_t charlie =
      account("charlie@example.nl", "16180339", "closed", "2026-01-14T09:00:00.000Z", "2026-01-15");
  const int64_t delta =
      account("delta@example.nl", "14142135", "closed", "2025-12-01T09:00:00.000Z", "2026-06-01");

  const int64_t fromAlfa =
      message(alfa, "31415926", bravo, "27182818", "Onderwerp-Alfa-Sent", "Body-Alfa-Sent");
  const int64_t toAlfa =
      message(bravo, "27182818", alfa, "31415926", "Onderwerp-Alfa-Inbox", "Body-Bravo");
  billing(alfa, "Praktijk Alfa Retentie", "NL02RABO0123456789");
  billing(bravo, "Praktijk Bravo", "NL91ABNA0417164300");
  mailArchive(alfa, "Archief-Alfa");
  mailArchive(bravo, "Archief-Bravo");
  // Outbox: three jobs about Alfa (its mail, a delivery to it, a notice naming it as sender)
  // and two that are not (Bravo's, and account 10x Alfa's id, which only looks alike).
  job("mail", "m-alfa",
      "{\"account_id\":" + std::to_string(alfa) +
          ",\"template\":\"payment_failed\",\"to\":\"alfa.retention@example.nl\"}");
  job("delivery", "d-alfa", "{\"message_id\":1,\"recipient_id\":" + std::to_string(alfa) + "}");
  job("mail", "n-bravo",
      "{\"account_id\":" + std::to_string(bravo) +
          ",\"to\":\"bravo@example.nl\",\"variables\":{\"from_agb\":\"31415926\"}}");
  job("mail", "m-bravo", "{\"account_id\":" + std::to_string(bravo) + ",\"to\":\"x@example.nl\"}");
  job("mail", "m-other", "{\"account_id\":" + std::to_string(alfa * 10 + 7) + "}");

  // The proof below can fail: before the sweep the file holds Alfa's data.
  if (GetParam() == Backend::kSqlite) {
    ASSERT_TRUE(store_->checkpoint());
    EXPECT_NE(fileBytes("").find("NL02RABO0123456789"), std::string::npos);
  }

  auto report = store_->sweep(d(2026, 7, 20), policy, "test");
  ASSERT_TRUE(report) << report.status().toString();
  EXPECT_EQ(report->day, "2026-07-20");
  EXPECT_EQ(report->deleted, 2);
  EXPECT_EQ(report->inactive, 1);
  EXPECT_EQ(report->closed, 1);
  EXPECT_EQ(report->accountIds, (std::vector<int64_t>{alfa, charlie}));

  // A4: the tombstone — id, time, reason; nothing else.
  auto t = query(
      "SELECT state, email, email_key, agb_code, created_at, last_activity_at, closed_at, "
      "deleted_at, deletion_reason FROM accounts WHERE id = ?",
      {alfa});
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0][0].textOr(""), "deleted");
  EXPECT_EQ(t[0][1].textOr("?"), "");
  EXPECT_EQ(t[0][2].textOr(""), "deleted:" + std::to_string(alfa));
  EXPECT_EQ(t[0][3].textOr(""), "deleted:" + std::to_string(alfa));
  EXPECT_EQ(t[0][4].textOr("?"), "");
  EXPECT_TRUE(t[0][5].isNull());
  EXPECT_TRUE(t[0][6].isNull());
  EXPECT_EQ(t[0][7].textOr(""), "2026-07-20T10:00:00.000Z");
  EXPECT_EQ(t[0][8].textOr(""), "inactive");
  EXPECT_EQ(query("SELECT deletion_reason FROM accounts WHERE id = ?", {charlie})[0][0].textOr(""),
            "closed");
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts WHERE state = 'deleted'"), 2);
  EXPECT_EQ(query("SELECT state FROM accounts WHERE id = ?", {delta})[0][0].textOr(""), "closed");

  // The audit log: actor, action, subject = the account, detail = reason.
  auto audit = query("SELECT actor, action, subject, outcome, detail FROM audit_log ORDER BY id");
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0][0].textOr(""), "test");
  EXPECT_EQ(audit[0][1].textOr(""), "account_deleted");
  EXPECT_EQ(audit[0][2].textOr(""), "account:" + std::to_string(alfa));
  EXPECT_EQ(audit[0][3].textOr(""), "ok");
  EXPECT_EQ(audit[0][4].textOr(""), "inactive");
  EXPECT_EQ(audit[1][2].textOr(""), "account:" + std::to_string(charlie));
  EXPECT_EQ(audit[1][4].textOr(""), "closed");

  // R3: Alfa's rows are gone; Bravo's copy of Alfa's message survives, sender scrubbed.
  EXPECT_EQ(count("SELECT COUNT(*) FROM message_copies WHERE account_id = ?", {alfa}), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM message_copies WHERE message_id = ? AND account_id = ? "
                  "AND box = 'inbox'",
                  {fromAlfa, bravo}),
            1);
  EXPECT_EQ(query("SELECT sender_agb FROM messages WHERE id = ?", {fromAlfa})[0][0].textOr("?"),
            "");
  EXPECT_EQ(count("SELECT COUNT(*) FROM message_copies WHERE message_id = ? AND account_id = ?",
                  {toAlfa, bravo}),
            1);  // Bravo's sent copy of the message to Alfa
  for (const char* table :
       {"account_data_keys", "invoices", "billing_charges", "billing_mandates", "billing_customers",
        "billing_subscriptions", "request_tokens", "mails", "campaign_mails"}) {
    EXPECT_EQ(count(std::string("SELECT COUNT(*) FROM ") + table + " WHERE account_id = ?", {alfa}),
              0)
        << table;
    EXPECT_EQ(
        count(std::string("SELECT COUNT(*) FROM ") + table + " WHERE account_id = ?", {bravo}), 1)
        << table;
  }
  // The outbox: the jobs about Alfa are gone, the others stay; each plugin is asked to forget.
  auto keys = query("SELECT idempotency_key FROM outbox ORDER BY idempotency_key");
  std::vector<std::string> left;
  for (const auto& k : keys) left.push_back(k[0].textOr(""));
  EXPECT_EQ(left,
            (std::vector<std::string>{
                "forget:auth:" + std::to_string(alfa), "forget:auth:" + std::to_string(charlie),
                "forget:billing:" + std::to_string(alfa),
                "forget:billing:" + std::to_string(charlie), "m-bravo", "m-other"}));
  EXPECT_EQ(orElse<int64_t>(store_->pendingForgetJobs(), -1), 4);

  // Nothing that names Alfa can be looked up; its e-mail and AGB code are free again.
  EXPECT_EQ(accounts_->findByEmailOrAgb("alfa.retention@example.nl").status().code(), "NOT_FOUND");
  EXPECT_EQ(accounts_->findByEmailOrAgb("31415926").status().code(), "NOT_FOUND");
  EXPECT_EQ(accounts_->findById(alfa).status().code(), "NOT_FOUND");
  EXPECT_EQ(accounts_->findByEmailOrAgb("deleted:" + std::to_string(alfa)).status().code(),
            "NOT_FOUND");
  ASSERT_TRUE(accounts_->findById(bravo));

  // Idempotent: the same day again deletes nothing; the day is remembered.
  auto again = store_->sweep(d(2026, 7, 20), policy, "test");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->deleted, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), 2);
  EXPECT_TRUE(orElse(store_->runFinished("2026-07-20"), false));
  EXPECT_FALSE(orElse(store_->runFinished("2026-07-21"), true));

  // Not in any row of any table ...
  for (const auto& secret : kAlfaSecrets) {
    EXPECT_EQ(tablesHolding(secret), std::vector<std::string>{}) << secret;
  }
  // ... and on SQLite not in the file or its log (secure_delete and the checkpoint).
  if (GetParam() == Backend::kSqlite) {
    auto done = store_->checkpoint();
    ASSERT_TRUE(done);
    EXPECT_TRUE(*done);
    const std::string file = fileBytes("");
    const std::string wal = fileBytes("-wal");
    for (const auto& secret : kAlfaSecrets) {
      EXPECT_EQ(file.find(secret), std::string::npos) << secret;
      EXPECT_EQ(wal.find(secret), std::string::npos) << secret;
    }
    EXPECT_NE(file.find("NL91ABNA0417164300"), std::string::npos);    // Bravo's stays
    EXPECT_NE(file.find("inbox:Body-Alfa-Sent"), std::string::npos);  // Bravo's copy too
  }
  // The freed identity can sign up again.
  EXPECT_TRUE(accounts_->create("alfa.retention@example.nl", "31415926", "2026-07-20"));
}

TEST_P(RetentionStoreTest, ActivitySinceTheListSavesTheAccount) {
  const RetentionPolicy policy;
  const int64_t alfa = account("alfa@example.nl", "31415926", "active", "2026-01-10T09:00:00.000Z");
  auto due = store_->dueAccounts(d(2026, 7, 20), policy);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->at(0).id, alfa);
  EXPECT_EQ(due->at(0).reason, Reason::kInactive);
  ASSERT_TRUE(accounts_->recordActivity(alfa));  // a login meanwhile (R1)
  auto deleted = store_->deleteAccount(alfa, d(2026, 7, 20), policy, "test");
  ASSERT_TRUE(deleted);
  EXPECT_FALSE(*deleted);
  EXPECT_TRUE(accounts_->findById(alfa));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), 0);
}

TEST_P(RetentionStoreTest, NeverActiveAccountsCountFromTheirCreationDate) {
  // Created 2025-01-15 (account()), no activity: due from 2025-07-15.
  const int64_t never = account("never@example.nl", "31415926", "migrated", std::nullopt);
  const RetentionPolicy policy;
  EXPECT_TRUE(store_->dueAccounts(d(2025, 7, 14), policy)->empty());
  auto r = store_->sweep(d(2025, 7, 15), policy, "test");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->accountIds, std::vector<int64_t>{never});
}

TEST_P(RetentionStoreTest, AFailingAccountLeavesTheOthersWholeAndARerunFinishes) {
  const RetentionPolicy policy;
  const int64_t alfa = account("alfa@example.nl", "31415926", "active", "2026-01-10T09:00:00.000Z");
  const int64_t bravo =
      account("bravo@example.nl", "27182818", "active", "2026-01-10T09:00:00.000Z");
  billing(alfa, "Praktijk Alfa", "NL02RABO0123456789");
  billing(bravo, "Praktijk Bravo", "NL91ABNA0417164300");
  mailArchive(alfa, "Archief-Alfa");
  mailArchive(bravo, "Archief-Bravo");
  // Bravo's invoices cannot be deleted (as if the process died there): its transaction rolls
  // back whole, Alfa's stays done.
  const std::string b = std::to_string(bravo);
  if (GetParam() == Backend::kSqlite) {
    exec("CREATE TRIGGER keep_bravo BEFORE DELETE ON invoices WHEN old.account_id = " + b +
         " BEGIN SELECT RAISE(ABORT, 'kept'); END");
  } else {
    exec("CREATE FUNCTION keep_bravo() RETURNS trigger AS $$ BEGIN IF old.account_id = " + b +
         " THEN RAISE EXCEPTION 'kept'; END IF; RETURN old; END $$ LANGUAGE plpgsql");
    exec(
        "CREATE TRIGGER keep_bravo BEFORE DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION "
        "keep_bravo()");
  }
  auto failed = store_->sweep(d(2026, 7, 20), policy, "test");
  EXPECT_FALSE(failed);
  EXPECT_EQ(query("SELECT state FROM accounts WHERE id = ?", {alfa})[0][0].textOr(""), "deleted");
  EXPECT_EQ(query("SELECT state FROM accounts WHERE id = ?", {bravo})[0][0].textOr(""), "active");
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_mandates WHERE account_id = ?", {bravo}), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_charges WHERE account_id = ?", {bravo}), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mails WHERE account_id = ?", {bravo}), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mails WHERE account_id = ?", {alfa}), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM message_copies"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE idempotency_key LIKE 'forget:%:" + b + "'"),
            0);
  EXPECT_FALSE(orElse(store_->runFinished("2026-07-20"), true));

  exec(GetParam() == Backend::kSqlite ? "DROP TRIGGER keep_bravo"
                                      : "DROP TRIGGER keep_bravo ON invoices");
  auto rerun = store_->sweep(d(2026, 7, 20), policy, "test");
  ASSERT_TRUE(rerun) << rerun.status().toString();
  EXPECT_EQ(rerun->accountIds, std::vector<int64_t>{bravo});
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_mandates"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mails"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), 2);
  EXPECT_TRUE(orElse(store_->runFinished("2026-07-20"), false));
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::retention
