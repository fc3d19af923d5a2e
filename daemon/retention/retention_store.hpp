// RetentionStore: the retention sweep over the daemon's database (SPEC R1-R3, A4;
// docs/retention.md). The decision who is due is due_rule.hpp; the daemon's rows it deletes are
// wipe_steps.hpp.
//
// Contract
// - dueAccounts(today, policy): every account not yet deleted that dueReason() names on `today`
//   (dates in Europe/Amsterdam), oldest id first. A date that cannot be read counts as absent.
// - deleteAccount(id, today, policy, actor): in ONE transaction — the account read again and
//   the rule applied again (activity since the list was made saves it: false, nothing done);
//   outbox jobs about the account removed whatever their state (a job whose JSON body has
//   account_id or recipient_id = id, or any string equal to its e-mail address or AGB code);
//   a `forget_account {"account_id": id}` job queued for each of forgetServices (the plugins
//   delete what they keep; idempotency key `forget:<service>:<id>`); every kWipeSteps
//   statement; the accounts row turned into the tombstone (state `deleted`, deleted_at,
//   deletion_reason; e-mail, AGB code and dates scrubbed; email_key and agb_code become
//   "deleted:<id>", so the address and code are free again and match no lookup); and an
//   audit_log row (actor, `account_deleted`, subject `account:<id>` as the other account events,
//   outcome `ok`, detail = reason —
//   never the e-mail or AGB code). A crash leaves the account whole or deleted; true when
//   deleted now, false when it was not due (or already a tombstone).
// - sweep(today, policy, actor): dueAccounts(), then deleteAccount() for each, one
//   transaction per account; records the day in retention_runs (started, then finished with
//   the count). A rerun of a day deletes only what is still due: idempotent.
// - runFinished(day): whether retention_runs has that day finished.
// - pendingForgetJobs(): forget_account jobs not yet done or dead.
// - checkpoint(): SQLite — PRAGMA wal_checkpoint(TRUNCATE), so the write-ahead log no longer
//   holds page images from before the deletion (secure_delete zeroes the freed content in the
//   file itself); true when the log was emptied, false when a reader held it (try later).
//   PostgreSQL: nothing to do, true.
// Errors are the Database's STORAGE_* codes. Nothing logged holds an e-mail or AGB code.
// Thread-safety: all methods are thread-safe (the Database is).
#pragma once

#include <berichtd/status.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "retention/due_rule.hpp"
#include "storage/database.hpp"

namespace berichtd::retention {

struct DueAccount {
  int64_t id = 0;
  Reason reason = Reason::kNone;
};

struct SweepReport {
  std::string day;  // YYYY-MM-DD
  int64_t due = 0;
  int64_t deleted = 0;
  int64_t inactive = 0;             // of deleted, by R1
  int64_t closed = 0;               // of deleted, by R2
  std::vector<int64_t> accountIds;  // the deleted accounts
};

class RetentionStore {
 public:
  RetentionStore(storage::Database& db, const Clock& clock, std::vector<std::string> forgetServices)
      : db_(db), clock_(clock), forgetServices_(std::move(forgetServices)) {}

  Result<std::vector<DueAccount>> dueAccounts(Date today, const RetentionPolicy& policy);
  Result<bool> deleteAccount(int64_t id, Date today, const RetentionPolicy& policy,
                             const std::string& actor);
  Result<SweepReport> sweep(Date today, const RetentionPolicy& policy, const std::string& actor);
  Result<bool> runFinished(const std::string& day);
  Result<int64_t> pendingForgetJobs();
  Result<bool> checkpoint();

 private:
  storage::Database& db_;
  const Clock& clock_;
  std::vector<std::string> forgetServices_;
};

}  // namespace berichtd::retention
