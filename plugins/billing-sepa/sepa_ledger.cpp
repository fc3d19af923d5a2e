#include "sepa_ledger.hpp"

namespace berichtd::sepa {
namespace {

const std::vector<std::string> kSteps = {
    R"sql(CREATE TABLE billing_sepa_customers (
  customer_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  idempotency_key TEXT UNIQUE,
  created_at {{BIGINT}} NOT NULL
))sql",
    R"sql(CREATE TABLE billing_sepa_mandates (
  mandate_reference TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  debtor_name TEXT NOT NULL,
  iban TEXT NOT NULL,
  bic TEXT,
  signed_on TEXT NOT NULL,
  created_at {{BIGINT}} NOT NULL
))sql",
    "CREATE INDEX billing_sepa_mandates_customer ON billing_sepa_mandates (customer_id, "
    "created_at)",
    R"sql(CREATE TABLE billing_sepa_files (
  file TEXT PRIMARY KEY,
  collection_date TEXT NOT NULL,
  number {{BIGINT}} NOT NULL,
  collections {{BIGINT}} NOT NULL,
  total_cents {{BIGINT}} NOT NULL,
  created_at {{BIGINT}} NOT NULL,
  UNIQUE (collection_date, number)
))sql",
    R"sql(CREATE TABLE billing_sepa_collections (
  payment_id TEXT PRIMARY KEY,
  idempotency_key TEXT UNIQUE,
  customer_id TEXT NOT NULL,
  mandate_reference TEXT NOT NULL,
  amount_cents {{BIGINT}} NOT NULL,
  sequence_type TEXT NOT NULL,
  status TEXT NOT NULL,
  description TEXT NOT NULL,
  file TEXT,
  failure_reason TEXT,
  created_at {{BIGINT}} NOT NULL
))sql",
    "CREATE INDEX billing_sepa_collections_open ON billing_sepa_collections (file, status)",
    "CREATE INDEX billing_sepa_collections_mandate ON billing_sepa_collections "
    "(mandate_reference, file)",
};

constexpr const char* kPaymentColumns =
    "SELECT payment_id, status, amount_cents, customer_id, mandate_reference, sequence_type, "
    "failure_reason, file FROM billing_sepa_collections ";

std::optional<std::string> optText(const SqlValue& v) {
  if (v.isNull()) return std::nullopt;
  return v.textOr("");
}

Payment toPayment(const SqlRow& r) {
  Payment p;
  p.paymentId = r[0].textOr("");
  p.status = r[1].textOr("");
  p.amountCents = r[2].intOr(0);
  p.customerId = r[3].textOr("");
  p.mandateReference = r[4].textOr("");
  p.sequenceType = r[5].textOr("");
  p.failureReason = optText(r[6]);
  p.file = optText(r[7]);
  return p;
}

}  // namespace

Status SepaLedger::migrate() const { return db_.migrate(kSteps); }

Status SepaLedger::forgetAccount(const std::string& accountId) const {
  const std::string customers =
      "(SELECT customer_id FROM billing_sepa_customers WHERE account_id = ?)";
  auto r = db_.batch({
      {"DELETE FROM billing_sepa_collections WHERE customer_id IN " + customers, {accountId}},
      {"DELETE FROM billing_sepa_mandates WHERE customer_id IN " + customers, {accountId}},
      {"DELETE FROM billing_sepa_customers WHERE account_id = ?", {accountId}},
  });
  if (!r) return r.status();
  return Status::ok();
}

Result<std::string> SepaLedger::createCustomer(const std::string& customerId,
                                               const std::string& accountId,
                                               const std::optional<std::string>& key,
                                               int64_t nowMs) const {
  auto r = db_.batch(
      {{"INSERT INTO billing_sepa_customers (customer_id, account_id, idempotency_key, "
        "created_at) VALUES (?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
        {customerId, accountId, key, nowMs}},
       {"SELECT customer_id FROM billing_sepa_customers WHERE idempotency_key = ?", {key}}});
  if (!r) return r.status();
  if (!key) return customerId;
  const auto& rows = (*r)[1].rows;
  if (rows.empty()) return Status::error("STORAGE_ERROR", "the customer row is missing");
  return rows[0][0].textOr("");
}

Result<std::optional<Payment>> SepaLedger::paymentByKey(const std::string& key) const {
  auto r = db_.run(std::string(kPaymentColumns) + "WHERE idempotency_key = ?", {key});
  if (!r) return r.status();
  if (r->rows.empty()) return std::optional<Payment>();
  return std::optional<Payment>(toPayment(r->rows[0]));
}

Result<Payment> SepaLedger::payment(const std::string& paymentId) const {
  auto r = db_.run(std::string(kPaymentColumns) + "WHERE payment_id = ?", {paymentId});
  if (!r) return r.status();
  if (r->rows.empty()) {
    return Status::error("PAYMENT_NOT_FOUND", "billing-sepa knows no payment with this id");
  }
  return toPayment(r->rows[0]);
}

Result<std::string> SepaLedger::mandateOf(const std::string& customerId) const {
  auto r = db_.run(
      "SELECT mandate_reference FROM billing_sepa_mandates WHERE customer_id = ? "
      "ORDER BY created_at DESC, mandate_reference DESC LIMIT 1",
      {customerId});
  if (!r) return r.status();
  if (r->rows.empty()) {
    return Status::error("MANDATE_MISSING",
                         "this customer has no SEPA mandate; a first payment records one");
  }
  return r->rows[0][0].textOr("");
}

Result<Payment> SepaLedger::recordFirst(const Mandate& m, const NewCollection& c,
                                        int64_t nowMs) const {
  auto owner = db_.run("SELECT customer_id FROM billing_sepa_mandates WHERE mandate_reference = ?",
                       {m.reference});
  if (!owner) return owner.status();
  if (!owner->rows.empty() && owner->rows[0][0].textOr("") != m.customerId) {
    return Status::error("BAD_REQUEST", "this mandate reference belongs to another customer");
  }
  return recordCollection(
      {{"INSERT INTO billing_sepa_mandates (mandate_reference, customer_id, debtor_name, iban, "
        "bic, signed_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (mandate_reference) DO NOTHING",
        {m.reference, m.customerId, m.debtorName, m.iban, m.bic, m.signedOn, nowMs}}},
      c, nowMs);
}

Result<Payment> SepaLedger::recordRecurring(const NewCollection& c, int64_t nowMs) const {
  return recordCollection({}, c, nowMs);
}

Result<Payment> SepaLedger::recordCollection(std::vector<SqlStatement> statements,
                                             const NewCollection& c, int64_t nowMs) const {
  // The sequence type is decided in the same statement that inserts the row, so a file written
  // meanwhile cannot leave two FRST debits on one mandate across files. The mandate must belong
  // to the customer; an idempotency-key repeat inserts nothing and is answered below.
  statements.push_back(
      {"INSERT INTO billing_sepa_collections (payment_id, idempotency_key, customer_id, "
       "mandate_reference, amount_cents, sequence_type, status, description, created_at) "
       "SELECT ?, ?, m.customer_id, m.mandate_reference, CAST(? AS BIGINT), "
       "CASE WHEN EXISTS (SELECT 1 FROM billing_sepa_collections f WHERE f.mandate_reference = "
       "m.mandate_reference AND f.file IS NOT NULL) THEN 'RCUR' ELSE 'FRST' END, "
       "'pending', ?, CAST(? AS BIGINT) FROM billing_sepa_mandates m WHERE m.mandate_reference = ? "
       "AND "
       "m.customer_id = ? ON CONFLICT (idempotency_key) DO NOTHING",
       {c.paymentId, c.idempotencyKey, c.amountCents, c.description, nowMs, c.mandateReference,
        c.customerId}});
  if (c.idempotencyKey) {
    statements.push_back(
        {std::string(kPaymentColumns) + "WHERE idempotency_key = ?", {c.idempotencyKey}});
  } else {
    statements.push_back({std::string(kPaymentColumns) + "WHERE payment_id = ?", {c.paymentId}});
  }
  auto r = db_.batch(statements);
  if (!r) return r.status();
  const auto& rows = r->back().rows;
  if (rows.empty()) {
    return Status::error("MANDATE_MISSING", "the mandate is not this customer's");
  }
  return toPayment(rows[0]);
}

Result<Payment> SepaLedger::markFailed(const std::string& paymentId,
                                       const std::string& reason) const {
  auto r = db_.run(
      "UPDATE billing_sepa_collections SET status = 'failed', failure_reason = ? "
      "WHERE payment_id = ?",
      {reason, paymentId});
  if (!r) return r.status();
  if (r->count == 0) {
    return Status::error("PAYMENT_NOT_FOUND", "billing-sepa knows no payment with this id");
  }
  return payment(paymentId);
}

Result<std::vector<Pending>> SepaLedger::pendingCollections() const {
  auto r = db_.run(
      "SELECT c.payment_id, c.amount_cents, c.sequence_type, c.description, "
      "m.mandate_reference, m.signed_on, m.debtor_name, m.iban, m.bic "
      "FROM billing_sepa_collections c JOIN billing_sepa_mandates m "
      "ON m.mandate_reference = c.mandate_reference "
      "WHERE c.file IS NULL AND c.status = 'pending' ORDER BY c.created_at, c.payment_id");
  if (!r) return r.status();
  std::vector<Pending> out;
  out.reserve(r->rows.size());
  for (const auto& row : r->rows) {
    Pending p;
    p.paymentId = row[0].textOr("");
    Collection& c = p.collection;
    c.amountCents = row[1].intOr(0);
    c.sequence = row[2].textOr("") == "RCUR" ? Sequence::kRecurring : Sequence::kFirst;
    c.remittanceText = row[3].textOr("");
    c.mandateId = row[4].textOr("");
    c.mandateSigned = row[5].textOr("");
    c.debtorName = row[6].textOr("");
    c.debtorIban = row[7].textOr("");
    c.debtorBic = optText(row[8]);
    out.push_back(std::move(p));
  }
  return out;
}

Result<int64_t> SepaLedger::nextFileNumber(const std::string& collectionDate) const {
  auto r = db_.run(
      "SELECT COALESCE(MAX(number), 0) + 1 FROM billing_sepa_files WHERE collection_date = ?",
      {collectionDate});
  if (!r) return r.status();
  return r->rows.at(0).at(0).intOr(1);
}

Status SepaLedger::recordFile(const std::string& file, const std::string& collectionDate,
                              int64_t number, const std::vector<Pending>& filed, int64_t totalCents,
                              int64_t nowMs) const {
  std::vector<SqlStatement> st;
  st.push_back(
      {"INSERT INTO billing_sepa_files (file, collection_date, number, collections, "
       "total_cents, created_at) VALUES (?, ?, ?, ?, ?, ?)",
       {file, collectionDate, number, static_cast<int64_t>(filed.size()), totalCents, nowMs}});
  for (const auto& p : filed) {
    st.push_back(
        {"UPDATE billing_sepa_collections SET file = ?, status = 'paid' "
         "WHERE payment_id = ? AND file IS NULL AND status = 'pending'",
         {file, p.paymentId},
         true});
  }
  auto r = db_.batch(st);
  return r ? Status::ok() : r.status();
}

}  // namespace berichtd::sepa
