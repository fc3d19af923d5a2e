// BillingStore on both backends (SPEC AC3, B3-B8): activation by the paid € 0.01 payment, B4/B5
// at activation, the billing run (due periods, catch-up, idempotent rerun, chunks), B7 failed
// collections and chargebacks with retries and a mail, invoices (numbers, PDF stored once,
// migrated invoices keep their numbers) and the IBAN sealed at rest.
#include "billing/billing_store.hpp"

#include <gtest/gtest.h>

#include "accounts/account_store.hpp"
#include "core/clock.hpp"
#include "storage/sql_run.hpp"
#include "test_database.hpp"

namespace berichtd::billing {
namespace {

using storage::Backend;
using namespace std::chrono;

constexpr const char* kKey = "k1:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

TimePoint at(const std::string& iso) { return *parseIso8601(iso); }
Date day(const std::string& d) { return *parseDate(d); }

class BillingStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_billst_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    auto db = storage::Database::open(testDb_->config(4));
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate());
    box_ = std::make_unique<crypto::SecretBox>(*crypto::SecretBox::fromKeyText(kKey));
    accounts_ = std::make_unique<accounts::AccountStore>(*db_, clock_);
    store_ = std::make_unique<BillingStore>(*db_, clock_, *box_);
    settings_.tariffs = {{day("2026-01-01"), 1350}};
    settings_.retryDays = {8, 8, 8};
    settings_.supplier = {
        "ZilliZ B.V.", {"Straat 1", "1234 AB Plaats"}, "12345678", "NL001234567B01"};
    settings_.webhookUrl = "https://b.example.nl/api/v1/webhooks/mollie";
    settings_.loginUrl = "https://b.example.nl/";
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    testDb_.reset();
  }

  std::vector<std::vector<SqlValue>> query(const std::string& sql,
                                           std::initializer_list<SqlValue> params = {}) {
    std::vector<std::vector<SqlValue>> rows;
    EXPECT_TRUE(db_->read(
        [&](Poco::Data::Session& s) { rows = storage::runSql(*db_, s, sql, params).rows; }));
    return rows;
  }
  int64_t count(const std::string& sql, std::initializer_list<SqlValue> params = {}) {
    return query(sql, params).at(0).at(0).intOr(-1);
  }

  // A migrated account created on `created` with paid-through `paidThrough` ("" for none).
  int64_t account(const std::string& email, const std::string& agb, const std::string& created,
                  const std::string& paidThrough) {
    auto a = accounts_->create(email, agb, created);
    EXPECT_TRUE(a) << a.status().toString();
    if (!paidThrough.empty()) {
      EXPECT_TRUE(db_->transact([&](Poco::Data::Session& s) {
        (void)storage::runSql(*db_, s, "UPDATE accounts SET paid_through = ? WHERE id = ?",
                              {paidThrough, a->accountId});
      }));
    }
    return a->accountId;
  }
  // Mandate, € 0.01 first payment `tr_v<id>` and its payment: the account is active after.
  void activate(int64_t id) {
    EXPECT_TRUE(store_->saveCustomer(id, "cst_" + std::to_string(id)));
    MandateInput in;
    in.accountId = id;
    in.iban = "NL91ABNA0417164300";
    in.accountHolder = "Praktijk " + std::to_string(id);
    in.address = {"Dorpsstraat 1", "1234 AB Ergens"};
    in.consentClient = "192.0.2.1";
    in.consentTextVersion = "2026-01";
    auto v = store_->beginMandate(in);
    ASSERT_TRUE(v) << v.status().toString();
    const std::string payment = "tr_v" + std::to_string(id);
    ASSERT_TRUE(store_->recordPaymentId(v->idempotencyKey, payment, "open"));
    auto out =
        store_->applyPayment({payment, "paid", 1, 0, "mdt_" + std::to_string(id), {}}, settings_);
    ASSERT_TRUE(out) << out.status().toString();
    EXPECT_EQ(out->activatedAccount, id);
  }
  std::string state(int64_t id) {
    return query("SELECT state FROM accounts WHERE id = ?", {id}).at(0).at(0).textOr("");
  }
  std::string nextStart(int64_t id) {
    auto r =
        query("SELECT next_period_start FROM billing_subscriptions WHERE account_id = ?", {id});
    return r.empty() ? "" : r[0][0].textOr("");
  }
  // The payment id the provider "gave" a queued collection charge of this invoice attempt.
  std::string collectionPayment(int64_t invoiceId, int attempt) {
    const std::string key = "collect:" + std::to_string(invoiceId) + ":" + std::to_string(attempt);
    const std::string payment = "tr_c" + std::to_string(invoiceId) + "_" + std::to_string(attempt);
    EXPECT_TRUE(store_->recordPaymentId(key, payment, "pending"));
    return payment;
  }
  int64_t invoiceId(int64_t account, const std::string& periodStart) {
    return query("SELECT id FROM invoices WHERE account_id = ? AND period_start = ?",
                 {account, periodStart})
        .at(0)
        .at(0)
        .intOr(0);
  }

  ManualClock clock_{at("2026-02-16T09:00:00+01:00")};
  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<crypto::SecretBox> box_;
  std::unique_ptr<accounts::AccountStore> accounts_;
  std::unique_ptr<BillingStore> store_;
  BillingSettings settings_;
};

TEST_P(BillingStoreTest, OnlyAPaidVerificationActivatesAndItIsAppliedOnce) {
  const int64_t id = account("a@example.nl", "11111111", "2019-05-31", "2026-03-05");
  ASSERT_TRUE(store_->saveCustomer(id, "cst_1"));
  MandateInput in{id, "NL91ABNA0417164300", "Praktijk A", {"Straat 2"}, "192.0.2.7", "2026-01"};
  auto v = store_->beginMandate(in);
  ASSERT_TRUE(v) << v.status().toString();
  EXPECT_EQ(v->idempotencyKey, "verify:" + std::to_string(id) + ":1");
  // The charge is written before the provider is called, with its key and no payment yet.
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_charges WHERE idempotency_key = ? AND status = "
                  "'queued' AND payment_id IS NULL",
                  {v->idempotencyKey}),
            1);
  ASSERT_TRUE(store_->recordPaymentId(v->idempotencyKey, "tr_1", "open"));
  for (const char* status : {"open", "pending", "failed", "canceled", "expired"}) {
    auto out = store_->applyPayment({"tr_1", status, 1, 0, {}, {}}, settings_);
    ASSERT_TRUE(out);
    EXPECT_TRUE(out->known);
    EXPECT_FALSE(out->activatedAccount) << status;
    EXPECT_EQ(state(id), "migrated") << status;
  }
  auto paid = store_->applyPayment({"tr_1", "paid", 1, 0, "mdt_1", {}}, settings_);
  ASSERT_TRUE(paid);
  EXPECT_EQ(paid->activatedAccount, id);
  EXPECT_EQ(state(id), "active");
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_mandates WHERE account_id = ? AND state = 'valid' "
                  "AND provider_mandate_id = 'mdt_1'",
                  {id}),
            1);
  // B4: P = 2026-03-05, billing day 28 (created on the 31st) → first collection 2026-03-28.
  EXPECT_EQ(nextStart(id), "2026-03-28");
  EXPECT_EQ(paid->invoicesIssued, 0);
  auto again = store_->applyPayment({"tr_1", "paid", 1, 0, "mdt_1", {}}, settings_);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->changed);
  EXPECT_FALSE(again->activatedAccount);
  auto unknown = store_->applyPayment({"tr_unknown", "paid", 1, 0, {}, {}}, settings_);
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(unknown->known);
  // Activity (R1) and a second mandate attempt refused once active.
  EXPECT_FALSE(query("SELECT last_activity_at FROM accounts WHERE id = ?", {id})[0][0].isNull());
  auto second = store_->beginMandate(in);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.status().code(), "ACTIVATION_STEP_DONE");
}

TEST_P(BillingStoreTest, TheIbanIsSealedAtRestAndOnlyItsMaskIsReadable) {
  const int64_t id = account("a@example.nl", "11111111", "2019-05-31", "");
  activate(id);
  auto r =
      query("SELECT iban_sealed, iban_masked FROM billing_mandates WHERE account_id = ?", {id});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0][0].textOr("").find("NL91ABNA0417164300"), std::string::npos);
  EXPECT_EQ(r[0][0].textOr("").find("0417164300"), std::string::npos);
  EXPECT_EQ(r[0][1].textOr(""), "NL************4300");
  auto opened = box_->open(r[0][0].textOr(""), "iban:" + std::to_string(id));
  ASSERT_TRUE(opened);
  EXPECT_EQ(*opened, "NL91ABNA0417164300");
}

TEST_P(BillingStoreTest, AnExpiredSubscriptionPaysTheCurrentPeriodAtActivation) {
  // B5: P = 2026-01-10 before the activation day 2026-02-16; billing day 28 → the period
  // [2026-01-28, 2026-02-28) is invoiced at once, the next one starts 2026-02-28.
  const int64_t id = account("b@example.nl", "22222222", "2018-10-31", "2026-01-10");
  activate(id);
  EXPECT_EQ(nextStart(id), "2026-02-28");
  auto inv = store_->invoices(id);
  ASSERT_TRUE(inv);
  ASSERT_EQ(inv->size(), 1u);
  EXPECT_EQ((*inv)[0].number, "2026-000001");
  EXPECT_EQ((*inv)[0].periodStart, "2026-01-28");
  EXPECT_EQ((*inv)[0].periodEnd, "2026-02-27");
  EXPECT_EQ((*inv)[0].amountExclCents, 1350);
  EXPECT_EQ((*inv)[0].vatCents, 284);
  EXPECT_EQ((*inv)[0].amountInclCents, 1634);
  EXPECT_EQ((*inv)[0].state, "open");
  // Its charge is queued for the provider with the same key as the outbox job.
  const int64_t invoice = invoiceId(id, "2026-01-28");
  const std::string key = "collect:" + std::to_string(invoice) + ":1";
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_charges WHERE idempotency_key = ? AND "
                  "amount_cents = 1634 AND status = 'queued'",
                  {key}),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE idempotency_key = ? AND service = 'billing' "
                  "AND action = 'create_recurring_payment'",
                  {key}),
            1);
  // No subscription at all (no P): the same B5 rule charges the current period.
  const int64_t fresh = account("c@example.nl", "33333333", "2026-02-03", "");
  activate(fresh);
  EXPECT_EQ(nextStart(fresh), "2026-03-03");
  EXPECT_EQ(count("SELECT COUNT(*) FROM invoices WHERE account_id = ? AND period_start = "
                  "'2026-02-03'",
                  {fresh}),
            1);
}

TEST_P(BillingStoreTest, TheRunChargesDuePeriodsOnceCatchesUpAndSkipsTheInactive) {
  const int64_t a = account("a@example.nl", "11111111", "2019-05-31", "2026-03-05");  // day 28
  const int64_t b = account("b@example.nl", "22222222", "2020-04-12", "2026-03-20");  // day 12
  const int64_t c = account("c@example.nl", "33333333", "2020-04-12", "2026-03-20");  // not active
  activate(a);
  activate(b);
  (void)c;
  auto first = store_->run(day("2026-03-27"), settings_);
  ASSERT_TRUE(first) << first.status().toString();
  EXPECT_EQ(first->invoices, 0);  // a: first collection 03-28; b: 04-12
  auto r = store_->run(day("2026-03-28"), settings_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->invoices, 1);
  EXPECT_EQ(r->charges, 1);
  auto rerun = store_->run(day("2026-03-28"), settings_);
  ASSERT_TRUE(rerun);
  EXPECT_EQ(rerun->invoices, 0);  // idempotent
  // A missed month catches up: run on 2026-05-13 → a: 04-28; b: 04-12 and 05-12.
  auto late = store_->run(day("2026-05-13"), settings_);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->invoices, 3);
  EXPECT_EQ(nextStart(a), "2026-05-28");
  EXPECT_EQ(nextStart(b), "2026-06-12");
  EXPECT_EQ(count("SELECT COUNT(*) FROM invoices WHERE account_id = ?", {c}), 0);
  // Numbers 1..4 without a gap, one outbox job per invoice.
  auto numbers = query("SELECT number FROM invoices ORDER BY number");
  ASSERT_EQ(numbers.size(), 4u);
  for (std::size_t i = 0; i < numbers.size(); ++i)
    EXPECT_EQ(numbers[i][0].textOr(""), "2026-00000" + std::to_string(i + 1));
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE action = 'create_recurring_payment'"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_runs WHERE day = '2026-05-13' AND finished_at IS "
                  "NOT NULL AND invoices = 3"),
            1);
}

TEST_P(BillingStoreTest, ChunksCoverEveryAccountAndARerunAfterAPartialRunSkipsNone) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    ids.push_back(account("p" + std::to_string(i) + "@example.nl", "4444444" + std::to_string(i),
                          "2020-01-05", "2026-03-01"));
    activate(ids.back());
  }
  // A run that stopped after its first chunk: only the first chunk's accounts moved on.
  ASSERT_TRUE(db_->transact([&](Poco::Data::Session& s) {
    (void)storage::runSql(*db_, s,
                          "UPDATE billing_subscriptions SET next_period_start = '2026-04-05' "
                          "WHERE account_id IN (?, ?)",
                          {ids[0], ids[1]});
  }));
  auto r = store_->run(day("2026-03-05"), settings_, 2);
  ASSERT_TRUE(r) << r.status().toString();
  EXPECT_EQ(r->invoices, 5);
  for (int64_t id : ids) EXPECT_EQ(nextStart(id), "2026-04-05");
}

TEST_P(BillingStoreTest, AFailedCollectionStaysOpenIsMailedAndRetriedOnTheConfiguredDays) {
  settings_.retryDays = {8, 3};
  const int64_t id = account("a@example.nl", "11111111", "2019-05-31", "2026-03-05");
  activate(id);
  clock_.set(at("2026-03-28T07:00:00+01:00"));
  ASSERT_TRUE(store_->run(day("2026-03-28"), settings_));
  const int64_t invoice = invoiceId(id, "2026-03-28");
  const std::string p1 = collectionPayment(invoice, 1);
  auto f = store_->applyPayment({p1, "failed", 1634, 0, "mdt", "insufficient_funds"}, settings_);
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->changed);
  auto inv = store_->invoices(id);
  EXPECT_EQ((*inv)[0].state, "open");
  EXPECT_EQ(
      query("SELECT retry_on FROM billing_charges WHERE payment_id = ?", {p1})[0][0].textOr(""),
      "2026-04-05");
  auto mail = query("SELECT body FROM outbox WHERE service = 'mail' AND action = 'send_mail'");
  ASSERT_EQ(mail.size(), 1u);
  const std::string body = mail[0][0].textOr("");
  EXPECT_NE(body.find("payment_failed"), std::string::npos);
  EXPECT_NE(body.find("05-04-2026"), std::string::npos);
  EXPECT_EQ(body.find("NL91"), std::string::npos);
  // Not before the retry day; on it, attempt 2 with its own key.
  auto early = store_->run(day("2026-04-04"), settings_);
  EXPECT_EQ(early->retries, 0);
  auto retry = store_->run(day("2026-04-05"), settings_);
  EXPECT_EQ(retry->retries, 1);
  EXPECT_EQ(store_->run(day("2026-04-05"), settings_)->retries, 0);  // once
  const std::string p2 = collectionPayment(invoice, 2);
  clock_.set(at("2026-04-06T07:00:00+02:00"));
  ASSERT_TRUE(store_->applyPayment({p2, "expired", 1634, 0, "mdt", {}}, settings_));
  EXPECT_EQ(
      query("SELECT retry_on FROM billing_charges WHERE payment_id = ?", {p2})[0][0].textOr(""),
      "2026-04-09");
  ASSERT_EQ(store_->run(day("2026-04-09"), settings_)->retries, 1);
  const std::string p3 = collectionPayment(invoice, 3);
  ASSERT_TRUE(store_->applyPayment({p3, "failed", 1634, 0, "mdt", {}}, settings_));
  // After the last configured retry: no more attempts, the invoice stays open, still mailed.
  EXPECT_TRUE(
      query("SELECT retry_on FROM billing_charges WHERE payment_id = ?", {p3})[0][0].isNull());
  EXPECT_EQ(store_->run(day("2026-06-01"), settings_)->retries, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE service = 'mail'"), 3);
  // A later paid attempt pays the invoice.
  ASSERT_TRUE(store_->applyPayment({p3, "paid", 1634, 0, "mdt", {}}, settings_));
  EXPECT_EQ(query("SELECT state FROM invoices WHERE id = ?", {invoice})[0][0].textOr(""), "paid");
}

TEST_P(BillingStoreTest, AChargebackReopensAPaidInvoice) {
  const int64_t id = account("a@example.nl", "11111111", "2019-05-31", "2026-03-05");
  activate(id);
  ASSERT_TRUE(store_->run(day("2026-03-28"), settings_));
  const int64_t invoice = invoiceId(id, "2026-03-28");
  const std::string p = collectionPayment(invoice, 1);
  ASSERT_TRUE(store_->applyPayment({p, "paid", 1634, 0, "mdt", {}}, settings_));
  EXPECT_EQ((*store_->invoices(id))[0].state, "paid");
  auto cb = store_->applyPayment({p, "paid", 1634, 1634, "mdt", {}}, settings_);
  ASSERT_TRUE(cb);
  EXPECT_TRUE(cb->changed);
  EXPECT_EQ((*store_->invoices(id))[0].state, "open");
  EXPECT_EQ(count("SELECT charged_back_cents FROM billing_charges WHERE payment_id = ?", {p}),
            1634);
  EXPECT_FALSE(
      query("SELECT retry_on FROM billing_charges WHERE payment_id = ?", {p})[0][0].isNull());
}

TEST_P(BillingStoreTest, TheInvoicePdfIsRenderedOnceStoredAndOnlyForItsAccount) {
  const int64_t id = account("b@example.nl", "22222222", "2018-10-31", "2026-01-10");
  const int64_t other = account("x@example.nl", "99999999", "2018-10-31", "");
  activate(id);
  const std::string font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  auto pdf = store_->invoicePdf(id, "2026-000001", font);
  ASSERT_TRUE(pdf) << pdf.status().toString();
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM invoices WHERE number = '2026-000001' AND pdf IS NOT NULL"),
            1);
  // Stored: even with the font gone it is served, the same bytes.
  auto again = store_->invoicePdf(id, "2026-000001", "/nonexistent/font.ttf");
  ASSERT_TRUE(again) << again.status().toString();
  EXPECT_EQ(*again, *pdf);
  auto foreign = store_->invoicePdf(other, "2026-000001", font);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.status().code(), "NOT_FOUND");
}

TEST_P(BillingStoreTest, MigratedInvoicesKeepTheirNumbersAndAreServed) {
  const int64_t id = account("a@example.nl", "11111111", "2019-05-31", "2026-03-05");
  MigratedInvoice old{id,           "2025-004711", "2025-12-01",
                      "2025-12-01", "2025-12-31",  1300,
                      273,          "2025-12-03",  std::string("%PDF-1.4 old platform")};
  ASSERT_TRUE(store_->importInvoice(old));
  ASSERT_TRUE(store_->importInvoice(old));  // idempotent
  auto inv = store_->invoices(id);
  ASSERT_TRUE(inv);
  ASSERT_EQ(inv->size(), 1u);
  EXPECT_EQ((*inv)[0].number, "2025-004711");
  EXPECT_EQ((*inv)[0].source, "migrated");
  EXPECT_EQ((*inv)[0].state, "paid");
  EXPECT_EQ((*inv)[0].amountInclCents, 1573);
  auto pdf = store_->invoicePdf(id, "2025-004711", "/nonexistent/font.ttf");
  ASSERT_TRUE(pdf);
  EXPECT_EQ(*pdf, "%PDF-1.4 old platform");
  MigratedInvoice bad = old;
  bad.number = "2025-004712";
  bad.periodStart = "2025-13-01";
  EXPECT_EQ(store_->importInvoice(bad).code(), "DATE_INVALID");
}

TEST_P(BillingStoreTest, OnlyAMigratedAccountCanGiveAMandate) {
  const int64_t id = account("a@example.nl", "11111111", "2019-05-31", "");
  ASSERT_TRUE(db_->transact([&](Poco::Data::Session& s) {
    (void)storage::runSql(*db_, s, "UPDATE accounts SET state = 'closed' WHERE id = ?", {id});
  }));
  MandateInput in{id, "NL91ABNA0417164300", "A", {}, "192.0.2.1", "2026-01"};
  auto r = store_->beginMandate(in);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), "ACCOUNT_CLOSED");
  EXPECT_EQ(count("SELECT COUNT(*) FROM billing_charges"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, BillingStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::billing
