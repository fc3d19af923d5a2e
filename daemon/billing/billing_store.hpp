// BillingStore: subscriptions, mandates, invoices and charges in the daemon's database
// (migration 6; SPEC B3-B8, AC3). It never talks to a payment provider itself: what must reach
// the provider is written to the outbox in the same transaction (ARCHITECTURE principle 4), and
// what the provider says comes back through applyPayment(). docs/billing.md "Storage".
//
// Contract
// - beginMandate(): records the SEPA mandate (state `pending`, IBAN sealed with the master key,
//   only its masked form readable; consent time, client address and text version) and a
//   `verification` charge of amount_cents with a fresh idempotency key, BEFORE the provider is
//   asked for the € 0.01 first payment. An account that is not `migrated` is refused
//   (ACTIVATION_STEP_DONE when it is already active).
// - recordPaymentId(key, id, status): the provider's payment id for the charge with that key.
// - applyPayment(p): the provider's view of one payment (fetched back, never from a webhook
//   body), applied once — a repeat with nothing new changes nothing (`changed` false):
//   * a paid verification makes the mandate `valid` and the account `active` (AC3, once), opens
//     the subscription: B5 charges the period containing the activation day at once (an invoice
//     and a queued charge) when the paid-through date P is absent or before it, otherwise the
//     first collection is the first billing day after P (B4). R1: a paid payment is activity.
//   * a paid collection marks its invoice paid; a failed, canceled or expired one, or a
//     chargeback, leaves (or puts) the invoice `open`, schedules a new attempt after
//     settings.retryDays[attempt-1] days (B7; none after the last) and queues a mail to the user
//     (template payment_failed).
//   * an unknown payment id answers known = false (a webhook for a payment not ours).
// - run(day): B6 — for every active account with a valid mandate whose next period starts on or
//   before `day`, every due period gets its invoice (gap-free number, B8) and its charge, queued
//   as `billing.create_recurring_payment` in the outbox; the subscription moves on; then every
//   failed charge whose retry day has come gets its next attempt. Accounts go in chunks, each
//   chunk one transaction: a run killed half way and run again charges no period twice (invoice
//   UNIQUE (account, period start), charge and job UNIQUE idempotency key) and skips none.
// - invoices(account) lists an account's invoices, newest period first; invoicePdf() answers
//   the stored PDF, rendering and storing it on first request (same invoice → same bytes), or
//   NOT_FOUND for a number that is not this account's. importInvoice() stores a migrated
//   invoice under its old number (M1, AC5).
// - nextCollection(account): the next billing date, if the account has a subscription.
// Errors: STORAGE_* from the database, TARIFF_MISSING, PDF_RENDER_FAILED, SECRET_BOX_FAILED.
// Nothing here logs an IBAN, a name or an amount with a name.
// Thread-safety: every method runs in its own transaction; safe from any thread. run() is
// serialised by the caller (one billing run at a time per daemon).
#pragma once

#include <berichtd/status.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "billing/billing_rules.hpp"
#include "billing/invoice_pdf.hpp"
#include "core/clock.hpp"
#include "core/crypto/secret_box.hpp"
#include "storage/database.hpp"

namespace berichtd::billing {

// What a billing decision needs from the configuration, taken fresh for each call.
struct BillingSettings {
  std::vector<Tariff> tariffs;
  std::vector<int> retryDays;
  InvoiceParty supplier;
  std::string description = "Abonnement ZilliZ berichtenapp";
  std::string webhookUrl;  // handed to the provider with every payment
  std::string loginUrl;    // in the failed-payment mail
};

struct MandateInput {
  int64_t accountId = 0;
  std::string iban;  // normalised (normaliseIban)
  std::string accountHolder;
  std::vector<std::string> address;  // billing address lines for the invoices
  std::string consentClient;         // client address the consent came from
  std::string consentTextVersion;
  int64_t amountCents = 1;  // the verification payment (AC3)
};

struct VerificationCharge {
  int64_t chargeId = 0;
  std::string idempotencyKey;
  std::string mandateReference;
  std::string consentAt;  // ISO 8601
};

struct PaymentInfo {
  std::string paymentId;
  std::string status;  // open | pending | paid | failed | canceled | expired
  int64_t amountCents = 0;
  int64_t chargedBackCents = 0;
  std::optional<std::string> mandateId;
  std::optional<std::string> failureReason;
};

struct PaymentOutcome {
  bool known = false;    // the payment is one of ours
  bool changed = false;  // something was recorded
  std::optional<int64_t> activatedAccount;
  int64_t invoicesIssued = 0;
};

struct RunReport {
  std::string day;
  int64_t invoices = 0;  // issued by this run
  int64_t charges = 0;   // queued by this run (first attempts and retries)
  int64_t retries = 0;
};

struct InvoiceSummary {
  std::string number;
  std::string periodStart;
  std::string periodEnd;  // last day covered
  int64_t amountExclCents = 0;
  int64_t vatCents = 0;
  int64_t amountInclCents = 0;
  std::string state;   // open | paid
  std::string source;  // billing | migrated
};

struct MigratedInvoice {
  int64_t accountId = 0;
  std::string number;
  std::string issuedOn, periodStart, periodEnd;  // YYYY-MM-DD; periodEnd is the last day
  int64_t amountExclCents = 0;
  int64_t vatCents = 0;
  std::optional<std::string> paidAt;
  std::optional<std::string> pdf;  // the old platform's PDF bytes, when it exported them
};

struct ChargeView {
  std::string paymentId;
  std::string kind;    // verification | collection
  std::string status;  // queued | open | pending | paid | failed | canceled | expired
};

class BillingStore {
 public:
  // ibanBox seals IBANs at rest (the messages master key); it must outlive the store.
  BillingStore(storage::Database& db, const Clock& clock, const crypto::SecretBox& ibanBox)
      : db_(db), clock_(clock), ibanBox_(ibanBox) {}

  Result<std::optional<std::string>> customerOf(int64_t accountId);
  Status saveCustomer(int64_t accountId, const std::string& customerId);
  Result<VerificationCharge> beginMandate(const MandateInput& in);
  Status recordPaymentId(const std::string& idempotencyKey, const std::string& paymentId,
                         const std::string& status);
  Result<PaymentOutcome> applyPayment(const PaymentInfo& p, const BillingSettings& settings);
  Result<RunReport> run(Date day, const BillingSettings& settings, int chunkSize = 500);
  Result<std::vector<InvoiceSummary>> invoices(int64_t accountId);
  Result<std::string> invoicePdf(int64_t accountId, const std::string& number,
                                 const std::string& fontPath);
  Status importInvoice(const MigratedInvoice& invoice);
  Result<std::optional<Date>> nextCollection(int64_t accountId);
  // Charges that have a payment id and no final status yet (for a status sync), oldest first.
  Result<std::vector<ChargeView>> unsettledCharges(int limit);
  Result<std::optional<ChargeView>> chargeByPaymentId(const std::string& paymentId);
  // Requests to the provider still waiting in the outbox (service `billing`, state pending).
  Result<int64_t> pendingProviderRequests();
  // Whether the billing run of this day (YYYY-MM-DD) finished (table billing_runs).
  Result<bool> runFinished(const std::string& day);

 private:
  storage::Database& db_;
  const Clock& clock_;
  const crypto::SecretBox& ibanBox_;
};

// Statuses after which a payment no longer changes by itself (a chargeback still may).
bool isFinalStatus(const std::string& status);

}  // namespace berichtd::billing
