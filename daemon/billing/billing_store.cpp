#include "billing/billing_store.hpp"

#include <Poco/JSON/Object.h>

#include <sstream>
#include <stdexcept>

#include "accounts/account_store.hpp"
#include "accounts/validation.hpp"
#include "billing/iban.hpp"
#include "billing/invoice_numbers.hpp"
#include "core/tokens.hpp"
#include "storage/abort.hpp"
#include "storage/outbox.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::billing {

namespace {

using storage::runSql;
using Tx = Poco::Data::Session;

using storage::Abort;
using storage::orAbort;

std::string joinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

Date addDays(Date d, int days) { return Date{std::chrono::sys_days(d) + std::chrono::days(days)}; }

// A stored date; the epoch day for an unreadable one (stored dates are written by this code).
Date dateOr(const std::string& text) {
  auto d = parseDate(text);
  return d ? *d : Date{std::chrono::sys_days{}};
}

Date lastDayOf(const Period& p) { return addDays(p.end, -1); }

std::string json(const Poco::JSON::Object& o) {
  std::ostringstream s;
  o.stringify(s);
  return s.str();
}

// The supplier printed on invoices, stored once per distinct set of details (B8: an invoice
// keeps the details it was issued with, even after the configuration changes).
int64_t supplierId(const storage::Database& db, Tx& tx, const InvoiceParty& s) {
  const std::string address = joinLines(s.address);
  (void)runSql(db, tx,
               "INSERT INTO billing_suppliers (name, address, kvk, vat_number) VALUES (?, ?, ?, "
               "?) ON CONFLICT (name, address, kvk, vat_number) DO NOTHING",
               {s.name, address, s.kvk, s.vatNumber});
  auto r = runSql(db, tx,
                  "SELECT id FROM billing_suppliers WHERE name = ? AND address = ? AND kvk = ? AND "
                  "vat_number = ?",
                  {s.name, address, s.kvk, s.vatNumber});
  return r.rows.at(0).at(0).intOr(0);
}

struct Customer {
  int64_t accountId = 0;
  std::string customerId;
  std::string name;
  std::string address;
};

// Queues one collection attempt of an invoice: the charge row with its idempotency key and the
// outbox job carrying the same key (so the provider sees one payment whatever repeats).
void queueCollection(const storage::Database& db, Tx& tx, const Customer& c, int64_t invoiceId,
                     const std::string& invoiceNumber, int attempt, int64_t amountCents,
                     const BillingSettings& settings, const std::string& nowText) {
  const std::string key = "collect:" + std::to_string(invoiceId) + ":" + std::to_string(attempt);
  (void)runSql(db, tx,
               "INSERT INTO billing_charges (account_id, invoice_id, kind, attempt, "
               "idempotency_key, amount_cents, status, created_at, updated_at) VALUES (?, ?, "
               "'collection', ?, ?, ?, 'queued', ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
               {c.accountId, invoiceId, attempt, key, amountCents, nowText, nowText});
  Poco::JSON::Object body;
  body.set("account_id", c.accountId);
  body.set("customer_id", c.customerId);
  body.set("amount_cents", amountCents);
  body.set("description", settings.description + " " + invoiceNumber);
  body.set("webhook_url", settings.webhookUrl);
  body.set("invoice_number", invoiceNumber);
  storage::enqueueOutboxJob(db, tx, "billing", "create_recurring_payment", key, json(body),
                            nowText);
}

// Issues the invoice of one period (B8) and queues its first collection (B6) — unless the
// period already has an invoice (a rerun): then nothing, and no number is taken.
bool issueInvoice(const storage::Database& db, Tx& tx, const Customer& c, const Period& period,
                  Date issuedOn, int64_t supplier, const BillingSettings& settings,
                  const std::string& nowText) {
  const std::string start = formatDate(period.start);
  auto exists = runSql(db, tx, "SELECT id FROM invoices WHERE account_id = ? AND period_start = ?",
                       {c.accountId, start});
  if (!exists.rows.empty()) return false;
  const Amounts a = orAbort(amounts(orAbort(tariffAt(settings.tariffs, period.start))));
  const int year = static_cast<int>(issuedOn.year());
  const std::string number = formatInvoiceNumber(year, nextInvoiceSequence(db, tx, year));
  auto inserted = runSql(
      db, tx,
      "INSERT INTO invoices (account_id, number, issued_on, period_start, period_last_day, "
      "amount_excl_cents, vat_percent, vat_cents, supplier_id, customer_name, customer_address, "
      "state, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', 'billing') RETURNING id",
      {c.accountId, number, formatDate(issuedOn), start, formatDate(lastDayOf(period)), a.exclCents,
       kVatPercent, a.vatCents, supplier, c.name, c.address});
  const int64_t invoiceId = inserted.rows.at(0).at(0).intOr(0);
  queueCollection(db, tx, c, invoiceId, number, 1, a.totalCents, settings, nowText);
  return true;
}

// B7: the user hears that a debit failed and when it is tried again — never the IBAN.
void queueFailureMail(const storage::Database& db, Tx& tx, int64_t accountId, int64_t chargeId,
                      const std::string& invoiceNumber, int64_t amountCents,
                      const std::optional<Date>& retryOn, const BillingSettings& settings,
                      const std::string& nowText) {
  auto r = runSql(db, tx, "SELECT email FROM accounts WHERE id = ?", {accountId});
  if (r.rows.empty() || r.rows[0][0].isNull()) return;
  Poco::JSON::Object mail, vars;
  mail.set("to", r.rows[0][0].textOr(""));
  mail.set("account_id", accountId);
  mail.set("template", "payment_failed");
  vars.set("invoice_number", invoiceNumber);
  vars.set("amount", formatEuro(amountCents));
  vars.set("next_attempt", retryOn ? "We proberen het opnieuw op " + formatDutchDate(*retryOn) + "."
                                   : "We proberen het niet automatisch opnieuw; je factuur blijft "
                                     "openstaan tot die betaald is.");
  vars.set("link", settings.loginUrl);
  mail.set("variables", vars);
  storage::enqueueOutboxJob(db, tx, "mail", "send_mail",
                            "payment_failed:" + std::to_string(chargeId), json(mail), nowText);
}

}  // namespace

bool isFinalStatus(const std::string& status) {
  return status == "paid" || status == "failed" || status == "canceled" || status == "expired";
}

Result<std::optional<std::string>> BillingStore::customerOf(int64_t accountId) {
  std::optional<std::string> out;
  Status s = db_.read([&](Tx& tx) {
    auto r = runSql(db_, tx, "SELECT customer_id FROM billing_customers WHERE account_id = ?",
                    {accountId});
    if (!r.rows.empty()) out = r.rows[0][0].textOr("");
  });
  if (!s) return s;
  return out;
}

Status BillingStore::saveCustomer(int64_t accountId, const std::string& customerId) {
  return db_.transact([&](Tx& tx) {
    (void)runSql(db_, tx,
                 "INSERT INTO billing_customers (account_id, customer_id) VALUES (?, ?) ON "
                 "CONFLICT (account_id) DO UPDATE SET customer_id = excluded.customer_id",
                 {accountId, customerId});
  });
}

Result<VerificationCharge> BillingStore::beginMandate(const MandateInput& in) {
  VerificationCharge out;
  const std::string nowText = formatIso8601(clock_.now());
  auto sealed = ibanBox_.seal(in.iban, "iban:" + std::to_string(in.accountId));
  if (!sealed) return sealed.status();
  Status s = storage::transactOrAbort(db_, [&](Tx& tx) {
    auto acc = runSql(db_, tx, "SELECT state FROM accounts WHERE id = ?", {in.accountId});
    if (acc.rows.empty()) throw Abort(Status::error("NOT_FOUND", "no such account"));
    const std::string state = acc.rows[0][0].textOr("");
    if (state == accounts::kStateActive)
      throw Abort(Status::error("ACTIVATION_STEP_DONE", "this account is already active"));
    if (state != accounts::kStateMigrated)
      throw Abort(Status::error("ACCOUNT_CLOSED", "this account cannot be activated"));
    // The mandate reference stays the account's across attempts (one mandate per account).
    const std::string reference = "ZLZ-" + std::to_string(in.accountId);
    (void)runSql(
        db_, tx,
        "INSERT INTO billing_mandates (account_id, reference, account_holder, billing_address, "
        "iban_sealed, iban_masked, consent_at, consent_client, consent_text_version, state, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (account_id) DO "
        "UPDATE SET account_holder = excluded.account_holder, billing_address = "
        "excluded.billing_address, iban_sealed = excluded.iban_sealed, iban_masked = "
        "excluded.iban_masked, consent_at = excluded.consent_at, consent_client = "
        "excluded.consent_client, consent_text_version = excluded.consent_text_version, state = "
        "'pending'",
        {in.accountId, reference, in.accountHolder, joinLines(in.address), *sealed,
         maskIban(in.iban), nowText, in.consentClient, in.consentTextVersion, nowText});
    auto n = runSql(db_, tx,
                    "SELECT COUNT(*) FROM billing_charges WHERE account_id = ? AND kind = "
                    "'verification'",
                    {in.accountId});
    const int64_t attempt = n.rows.at(0).at(0).intOr(0) + 1;
    out.idempotencyKey = "verify:" + std::to_string(in.accountId) + ":" + std::to_string(attempt);
    auto c = runSql(db_, tx,
                    "INSERT INTO billing_charges (account_id, kind, attempt, idempotency_key, "
                    "amount_cents, status, created_at, updated_at) VALUES (?, 'verification', ?, "
                    "?, ?, 'queued', ?, ?) RETURNING id",
                    {in.accountId, attempt, out.idempotencyKey, in.amountCents, nowText, nowText});
    out.chargeId = c.rows.at(0).at(0).intOr(0);
    out.mandateReference = reference;
    out.consentAt = nowText;
  });
  if (!s) return s;
  return out;
}

Status BillingStore::recordPaymentId(const std::string& idempotencyKey,
                                     const std::string& paymentId, const std::string& status) {
  const std::string nowText = formatIso8601(clock_.now());
  return db_.transact([&](Tx& tx) {
    (void)runSql(db_, tx,
                 "UPDATE billing_charges SET payment_id = ?, status = ?, updated_at = ? WHERE "
                 "idempotency_key = ? AND payment_id IS NULL",
                 {paymentId, status, nowText, idempotencyKey});
  });
}

Result<PaymentOutcome> BillingStore::applyPayment(const PaymentInfo& p,
                                                  const BillingSettings& settings) {
  PaymentOutcome out;
  const TimePoint now = clock_.now();
  const std::string nowText = formatIso8601(now);
  const Date today = dateOr(accounts::amsterdamDate(now));
  Status s = storage::transactOrAbort(db_, [&](Tx& tx) {
    out = PaymentOutcome{};
    auto c = runSql(db_, tx,
                    "SELECT id, account_id, invoice_id, kind, attempt, status, charged_back_cents, "
                    "amount_cents FROM billing_charges WHERE payment_id = ?",
                    {p.paymentId});
    if (c.rows.empty()) return;
    out.known = true;
    const auto& row = c.rows[0];
    const int64_t chargeId = row[0].intOr(0), accountId = row[1].intOr(0);
    const int64_t invoiceId = row[2].intOr(0);  // 0: a verification charge has no invoice
    const std::string kind = row[3].textOr("");
    const int attempt = static_cast<int>(row[4].intOr(1));
    const std::string oldStatus = row[5].textOr("");
    const int64_t oldChargedBack = row[6].intOr(0), amountCents = row[7].intOr(0);
    if (oldStatus == p.status && oldChargedBack == p.chargedBackCents) return;
    out.changed = true;
    (void)runSql(db_, tx,
                 "UPDATE billing_charges SET status = ?, charged_back_cents = ?, failure_reason = "
                 "?, updated_at = ? WHERE id = ?",
                 {p.status, p.chargedBackCents, p.failureReason, nowText, chargeId});
    const bool paid = p.status == "paid" && p.chargedBackCents == 0;
    if (paid) {
      // R1: a payment counts as activity.
      (void)runSql(db_, tx, "UPDATE accounts SET last_activity_at = ? WHERE id = ?",
                   {nowText, accountId});
    }
    if (kind == "verification") {
      if (!paid) return;
      // AC3: only a paid € 0.01 payment, fetched back from the provider, activates.
      (void)runSql(db_, tx,
                   "UPDATE billing_mandates SET state = 'valid', provider_mandate_id = ? WHERE "
                   "account_id = ?",
                   {p.mandateId, accountId});
      auto acc = runSql(db_, tx,
                        "UPDATE accounts SET state = 'active' WHERE id = ? AND state = 'migrated' "
                        "RETURNING created_at, paid_through",
                        {accountId});
      if (acc.rows.empty()) return;  // already active (a second verification paid)
      out.activatedAccount = accountId;
      const Date created = orAbort(parseDate(acc.rows[0][0].textOr("").substr(0, 10)));
      std::optional<Date> paidThrough;
      if (!acc.rows[0][1].isNull()) paidThrough = orAbort(parseDate(acc.rows[0][1].textOr("")));
      const int day = billingDay(created);
      Date next = paidThrough ? firstCollectionAfter(*paidThrough, day) : today;
      if (auto period = chargeAtActivation(paidThrough, today, day)) {
        // B5: an expired subscription pays the current period right after the € 0.01.
        auto m = runSql(db_, tx,
                        "SELECT c.customer_id, m.account_holder, m.billing_address FROM "
                        "billing_mandates m JOIN billing_customers c ON c.account_id = "
                        "m.account_id WHERE m.account_id = ?",
                        {accountId});
        if (m.rows.empty()) throw Abort(Status::error("NOT_FOUND", "no customer for account"));
        Customer cust{accountId, m.rows[0][0].textOr(""), m.rows[0][1].textOr(""),
                      m.rows[0][2].textOr("")};
        if (issueInvoice(db_, tx, cust, *period, today, supplierId(db_, tx, settings.supplier),
                         settings, nowText))
          ++out.invoicesIssued;
        next = period->end;
      }
      (void)runSql(db_, tx,
                   "INSERT INTO billing_subscriptions (account_id, billing_day, "
                   "next_period_start, activated_on) VALUES (?, ?, ?, ?) ON CONFLICT (account_id) "
                   "DO NOTHING",
                   {accountId, day, formatDate(next), formatDate(today)});
      return;
    }
    if (invoiceId == 0) return;
    const bool failed = p.status == "failed" || p.status == "canceled" || p.status == "expired" ||
                        (p.status == "paid" && p.chargedBackCents > 0);
    if (paid) {
      (void)runSql(db_, tx, "UPDATE invoices SET state = 'paid', paid_at = ? WHERE id = ?",
                   {nowText, invoiceId});
      return;
    }
    if (!failed) return;
    // B7: the invoice stays (or is again) open; a next attempt after the configured days.
    (void)runSql(db_, tx, "UPDATE invoices SET state = 'open', paid_at = NULL WHERE id = ?",
                 {invoiceId});
    std::optional<Date> retryOn;
    if (attempt >= 1 && static_cast<std::size_t>(attempt) <= settings.retryDays.size())
      retryOn = addDays(today, settings.retryDays[static_cast<std::size_t>(attempt) - 1]);
    (void)runSql(db_, tx, "UPDATE billing_charges SET retry_on = ? WHERE id = ?",
                 {retryOn ? SqlValue(formatDate(*retryOn)) : SqlValue(), chargeId});
    auto inv = runSql(db_, tx, "SELECT number FROM invoices WHERE id = ?", {invoiceId});
    queueFailureMail(db_, tx, accountId, chargeId, inv.rows.at(0).at(0).textOr(""), amountCents,
                     retryOn, settings, nowText);
  });
  if (!s) return s;
  return out;
}

Result<RunReport> BillingStore::run(Date day, const BillingSettings& settings, int chunkSize) {
  RunReport report;
  report.day = formatDate(day);
  const std::string nowText = formatIso8601(clock_.now());
  if (Status s = validateTariffs(settings.tariffs); !s) return s;
  int64_t supplier = 0;
  Status s = db_.transact([&](Tx& tx) {
    supplier = supplierId(db_, tx, settings.supplier);
    (void)runSql(db_, tx,
                 "INSERT INTO billing_runs (day, started_at) VALUES (?, ?) ON CONFLICT (day) DO "
                 "UPDATE SET started_at = excluded.started_at, finished_at = NULL",
                 {report.day, nowText});
  });
  if (!s) return s;
  // New periods, one chunk of accounts per transaction, in account order (a cursor, so every
  // account is looked at once even when the chunk's transaction must be retried).
  int64_t after = 0;
  for (;;) {
    int64_t invoices = 0, charges = 0, last = after;
    std::size_t seen = 0;
    s = storage::transactOrAbort(db_, [&](Tx& tx) {
      invoices = charges = 0;
      last = after;
      auto due = runSql(
          db_, tx,
          "SELECT s.account_id, s.billing_day, s.next_period_start, c.customer_id, "
          "m.account_holder, m.billing_address FROM billing_subscriptions s JOIN accounts a ON "
          "a.id = s.account_id JOIN billing_mandates m ON m.account_id = s.account_id JOIN "
          "billing_customers c ON c.account_id = s.account_id WHERE s.account_id > ? AND "
          "s.next_period_start <= ? AND a.state = 'active' AND m.state = 'valid' ORDER BY "
          "s.account_id LIMIT ?",
          {after, report.day, chunkSize});
      seen = due.rows.size();
      for (const auto& r : due.rows) {
        Customer c{r[0].intOr(0), r[3].textOr(""), r[4].textOr(""), r[5].textOr("")};
        const int billingDayOf = static_cast<int>(r[1].intOr(1));
        const Date from = orAbort(parseDate(r[2].textOr("")));
        const auto periods = orAbort(duePeriods(from, day, billingDayOf));
        for (const Period& p : periods) {
          if (issueInvoice(db_, tx, c, p, day, supplier, settings, nowText)) {
            ++invoices;
            ++charges;
          }
        }
        if (!periods.empty()) {
          (void)runSql(
              db_, tx,
              "UPDATE billing_subscriptions SET next_period_start = ? WHERE account_id = ?",
              {formatDate(periods.back().end), c.accountId});
        }
        last = c.accountId;
      }
    });
    if (!s) return s;
    report.invoices += invoices;
    report.charges += charges;
    after = last;
    if (seen < static_cast<std::size_t>(chunkSize)) break;
  }
  // B7: the next attempt of each failed collection whose retry day has come, while its invoice
  // is open and the account can still be charged.
  s = storage::transactOrAbort(db_, [&](Tx& tx) {
    int64_t retries = 0;
    auto due = runSql(
        db_, tx,
        "SELECT ch.id, ch.account_id, ch.invoice_id, ch.attempt, ch.amount_cents, i.number, "
        "c.customer_id, m.account_holder, m.billing_address FROM billing_charges ch JOIN "
        "invoices i ON i.id = ch.invoice_id JOIN accounts a ON a.id = ch.account_id JOIN "
        "billing_mandates m ON m.account_id = ch.account_id JOIN billing_customers c ON "
        "c.account_id = ch.account_id WHERE ch.retry_on IS NOT NULL AND ch.retry_on <= ? AND "
        "i.state = 'open' AND a.state = 'active' AND m.state = 'valid' ORDER BY ch.id",
        {report.day});
    for (const auto& r : due.rows) {
      Customer c{r[1].intOr(0), r[6].textOr(""), r[7].textOr(""), r[8].textOr("")};
      queueCollection(db_, tx, c, r[2].intOr(0), r[5].textOr(""),
                      static_cast<int>(r[3].intOr(1)) + 1, r[4].intOr(0), settings, nowText);
      (void)runSql(db_, tx, "UPDATE billing_charges SET retry_on = NULL WHERE id = ?",
                   {r[0].intOr(0)});
      ++retries;
    }
    report.retries = retries;
    (void)runSql(
        db_, tx,
        "UPDATE billing_runs SET finished_at = ?, invoices = invoices + ?, charges = "
        "charges + ? WHERE day = ?",
        {formatIso8601(clock_.now()), report.invoices, report.charges + retries, report.day});
  });
  if (!s) return s;
  report.charges += report.retries;
  return report;
}

Result<std::vector<InvoiceSummary>> BillingStore::invoices(int64_t accountId) {
  std::vector<InvoiceSummary> out;
  Status s = db_.read([&](Tx& tx) {
    auto r = runSql(db_, tx,
                    "SELECT number, period_start, period_last_day, amount_excl_cents, vat_cents, "
                    "state, source FROM invoices WHERE account_id = ? ORDER BY period_start DESC, "
                    "id DESC",
                    {accountId});
    for (const auto& row : r.rows) {
      InvoiceSummary i;
      i.number = row[0].textOr("");
      i.periodStart = row[1].textOr("");
      i.periodEnd = row[2].textOr("");
      i.amountExclCents = row[3].intOr(0);
      i.vatCents = row[4].intOr(0);
      i.amountInclCents = i.amountExclCents + i.vatCents;
      i.state = row[5].textOr("");
      i.source = row[6].textOr("");
      out.push_back(std::move(i));
    }
  });
  if (!s) return s;
  return out;
}

Result<std::string> BillingStore::invoicePdf(int64_t accountId, const std::string& number,
                                             const std::string& fontPath) {
  std::optional<std::string> stored;
  InvoiceDocument doc;
  int64_t invoiceId = 0;
  bool found = false;
  Status s = db_.read([&](Tx& tx) {
    auto r = runSql(db_, tx,
                    "SELECT i.id, i.pdf, i.issued_on, i.period_start, i.period_last_day, "
                    "i.amount_excl_cents, i.vat_percent, i.vat_cents, i.customer_name, "
                    "i.customer_address, s.name, s.address, s.kvk, s.vat_number FROM invoices i "
                    "LEFT JOIN billing_suppliers s ON s.id = i.supplier_id WHERE i.account_id = ? "
                    "AND i.number = ?",
                    {accountId, number});
    if (r.rows.empty()) return;
    found = true;
    const auto& row = r.rows[0];
    invoiceId = row[0].intOr(0);
    if (!row[1].isNull()) {
      stored = row[1].textOr("");
      return;
    }
    doc.number = number;
    doc.date = dateOr(row[2].textOr(""));
    doc.period.start = dateOr(row[3].textOr(""));
    doc.period.end = addDays(dateOr(row[4].textOr("")), 1);
    doc.amounts.exclCents = row[5].intOr(0);
    doc.vatPercent = static_cast<int>(row[6].intOr(kVatPercent));
    doc.amounts.vatCents = row[7].intOr(0);
    doc.amounts.totalCents = doc.amounts.exclCents + doc.amounts.vatCents;
    doc.customer.name = row[8].textOr("");
    doc.customer.address = splitLines(row[9].textOr(""));
    doc.supplier.name = row[10].textOr("");
    doc.supplier.address = splitLines(row[11].textOr(""));
    doc.supplier.kvk = row[12].textOr("");
    doc.supplier.vatNumber = row[13].textOr("");
    doc.description = "Abonnement ZilliZ berichtenapp";
  });
  if (!s) return s;
  if (!found) return Status::error("NOT_FOUND", "no invoice with this number");
  if (stored) return *stored;
  auto pdf = renderInvoicePdf(doc, fontPath);
  if (!pdf) return pdf.status();
  // Rendered once and kept: a second renderer racing here made the same bytes (deterministic).
  s = db_.transact([&](Tx& tx) {
    (void)runSql(db_, tx, "UPDATE invoices SET pdf = ? WHERE id = ? AND pdf IS NULL",
                 {SqlValue::blob(*pdf), invoiceId});
  });
  if (!s) return s;
  return *pdf;
}

Status BillingStore::importInvoice(const MigratedInvoice& in) {
  for (const auto* d : {&in.issuedOn, &in.periodStart, &in.periodEnd})
    if (auto p = parseDate(*d); !p) return p.status();
  if (in.amountExclCents < 0 || in.vatCents < 0)
    return Status::error("AMOUNT_INVALID", "invoice amounts cannot be negative");
  return db_.transact([&](Tx& tx) {
    (void)runSql(db_, tx,
                 "INSERT INTO invoices (account_id, number, issued_on, period_start, "
                 "period_last_day, amount_excl_cents, vat_percent, vat_cents, customer_name, "
                 "customer_address, state, paid_at, source, pdf) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                 "'', '', ?, ?, 'migrated', ?) ON CONFLICT (number) DO NOTHING",
                 {in.accountId, in.number, in.issuedOn, in.periodStart, in.periodEnd,
                  in.amountExclCents, kVatPercent, in.vatCents, in.paidAt ? "paid" : "open",
                  in.paidAt, in.pdf ? SqlValue::blob(*in.pdf) : SqlValue()});
  });
}

Result<std::optional<Date>> BillingStore::nextCollection(int64_t accountId) {
  std::optional<Date> out;
  Status s = db_.read([&](Tx& tx) {
    auto r =
        runSql(db_, tx, "SELECT next_period_start FROM billing_subscriptions WHERE account_id = ?",
               {accountId});
    if (!r.rows.empty()) out = dateOr(r.rows[0][0].textOr(""));
  });
  if (!s) return s;
  return out;
}

Result<std::vector<ChargeView>> BillingStore::unsettledCharges(int limit) {
  std::vector<ChargeView> out;
  Status s = db_.read([&](Tx& tx) {
    auto r = runSql(db_, tx,
                    "SELECT payment_id, kind, status FROM billing_charges WHERE payment_id IS NOT "
                    "NULL AND status IN ('open', 'pending') ORDER BY id LIMIT ?",
                    {limit});
    for (const auto& row : r.rows)
      out.push_back({row[0].textOr(""), row[1].textOr(""), row[2].textOr("")});
  });
  if (!s) return s;
  return out;
}

Result<std::optional<ChargeView>> BillingStore::chargeByPaymentId(const std::string& paymentId) {
  std::optional<ChargeView> out;
  Status s = db_.read([&](Tx& tx) {
    auto r =
        runSql(db_, tx, "SELECT payment_id, kind, status FROM billing_charges WHERE payment_id = ?",
               {paymentId});
    if (!r.rows.empty())
      out = ChargeView{r.rows[0][0].textOr(""), r.rows[0][1].textOr(""), r.rows[0][2].textOr("")};
  });
  if (!s) return s;
  return out;
}

Result<int64_t> BillingStore::pendingProviderRequests() {
  int64_t n = 0;
  Status s = db_.read([&](Tx& tx) {
    auto r = runSql(db_, tx,
                    "SELECT COUNT(*) FROM outbox WHERE service = 'billing' AND state = 'pending'");
    n = r.rows.at(0).at(0).intOr(0);
  });
  if (!s) return s;
  return n;
}

Result<bool> BillingStore::runFinished(const std::string& day) {
  bool done = false;
  Status s = db_.read([&](Tx& tx) {
    auto r = runSql(db_, tx,
                    "SELECT COUNT(*) FROM billing_runs WHERE day = ? AND finished_at IS NOT NULL",
                    {day});
    done = r.rows.at(0).at(0).intOr(0) > 0;
  });
  if (!s) return s;
  return done;
}

}  // namespace berichtd::billing
