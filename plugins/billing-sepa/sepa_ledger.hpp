// SepaLedger: billing-sepa's state in the daemon's database (SDK storage, tables
// billing_sepa_*): customers, mandates (with the debtor's name and IBAN — needed to write the
// file; never logged), collections and the files written. Every create is idempotent on the
// request's idempotency key (UNIQUE in its table): a repeat finds and answers the first row.
//
// Contract
// - migrate(): the schema steps (append only).
// - The FRST/RCUR decision is made inside the collection's INSERT: RCUR when a collection of
//   the same mandate is already in a file, FRST otherwise.
// - Errors are the storage's (STORAGE_ERROR, STORAGE_UNAVAILABLE, CONFLICT) plus those named
//   at each method.
// Thread-safety: as PluginStorage (each call is its own transaction); callers serialise
// claimBatch-style sequences themselves.
#pragma once

#include <berichtd/status.hpp>
#include <berichtd/storage.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pain008.hpp"

namespace berichtd::sepa {

struct Mandate {
  std::string reference;
  std::string customerId;
  std::string debtorName;
  std::string iban;
  std::optional<std::string> bic;
  std::string signedOn;  // YYYY-MM-DD
};

struct NewCollection {
  std::string paymentId;
  std::optional<std::string> idempotencyKey;
  std::string customerId;
  std::string mandateReference;
  int64_t amountCents = 0;
  std::string description;
};

struct Payment {
  std::string paymentId;
  std::string status;  // pending | paid | failed
  int64_t amountCents = 0;
  std::string customerId;
  std::string mandateReference;
  std::string sequenceType;  // FRST | RCUR
  std::optional<std::string> failureReason;
  std::optional<std::string> file;
};

// A collection ready for a file, with its mandate's debtor data.
struct Pending {
  std::string paymentId;
  Collection collection;
};

class SepaLedger {
 public:
  explicit SepaLedger(PluginStorage storage) : db_(std::move(storage)) {}

  Status migrate() const;

  // The customer id for this key if one was made, else a new row with customerId.
  Result<std::string> createCustomer(const std::string& customerId, const std::string& accountId,
                                     const std::optional<std::string>& key, int64_t nowMs) const;
  // The payment made earlier with this idempotency key, if any.
  Result<std::optional<Payment>> paymentByKey(const std::string& key) const;
  // PAYMENT_NOT_FOUND when no such payment.
  Result<Payment> payment(const std::string& paymentId) const;
  // The customer's newest mandate; MANDATE_MISSING when it has none.
  Result<std::string> mandateOf(const std::string& customerId) const;
  // Records the mandate (kept as first recorded when the reference exists) and the collection,
  // in one transaction. BAD_REQUEST when the reference belongs to another customer. Answers the
  // stored payment (the first one, when the key was used before).
  Result<Payment> recordFirst(const Mandate& mandate, const NewCollection& c, int64_t nowMs) const;
  Result<Payment> recordRecurring(const NewCollection& c, int64_t nowMs) const;
  // PAYMENT_NOT_FOUND when no such payment.
  Result<Payment> markFailed(const std::string& paymentId, const std::string& reason) const;

  // Retention (R3): the account's customers, their mandates (IBAN, debtor name) and
  // collections, in one batch; idempotent. Files already written stay (docs/billing-sepa.md).
  Status forgetAccount(const std::string& accountId) const;
  // Collections not yet in a file and still pending, oldest first.
  Result<std::vector<Pending>> pendingCollections() const;
  // The next number for a file of this collection date (1, 2, …).
  Result<int64_t> nextFileNumber(const std::string& collectionDate) const;
  // Records the file and moves its collections to `paid` with the file's name, all or nothing:
  // CONFLICT when one of them left `pending` or was filed meanwhile.
  Status recordFile(const std::string& file, const std::string& collectionDate, int64_t number,
                    const std::vector<Pending>& filed, int64_t totalCents, int64_t nowMs) const;

 private:
  Result<Payment> recordCollection(std::vector<SqlStatement> before, const NewCollection& c,
                                   int64_t nowMs) const;

  PluginStorage db_;
};

}  // namespace berichtd::sepa
