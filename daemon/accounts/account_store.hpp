// AccountStore: the account records (SPEC A1, A4) and their AC1 request tokens in the
// daemon's database (migration 3: tables accounts, request_tokens).
//
// Contract
// - create() validates the e-mail (EMAIL_INVALID), the AGB code (AGB_CODE_INVALID) and the
//   created date (BAD_REQUEST), then, in ONE transaction, refuses a duplicate
//   (ACCOUNT_EXISTS_MIGRATED when a clashing account is still `migrated` — A3: it must be
//   activated, not re-created — else ACCOUNT_EXISTS: e-mail compared case-insensitively via
//   email_key, or the same AGB code — A1), inserts the account in state `migrated` (A4) and the
//   SHA-256 of a fresh request token (AU5: the plain token is returned once to the caller and
//   stored nowhere). inserted_at comes from the injected Clock, ISO 8601 UTC.
// - findByEmailOrAgb(): an 8-digit text is looked up as AGB code, anything else as e-mail
//   (case-insensitively); NOT_FOUND when there is no such account. Never returns token hashes.
// - findById(), findByRequestToken() (the SHA-256 of the token is looked up): NOT_FOUND when
//   there is none. recordActivity() stamps last_activity_at (R1). An account in state
//   `deleted` (a retention tombstone, docs/retention.md) is NOT_FOUND for every lookup.
// - Storage failures come back as the Database's STORAGE_* codes.
// Messages never contain e-mail addresses or tokens.
//
// Ownership and threads: the Database and Clock are not owned and must outlive the store.
// All methods are thread-safe (each uses its own pooled session).
#pragma once

#include <berichtd/status.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "storage/database.hpp"

namespace berichtd::accounts {

// A4 states, as stored in accounts.state.
inline constexpr const char* kStateMigrated = "migrated";
inline constexpr const char* kStateActive = "active";
inline constexpr const char* kStateClosed = "closed";
inline constexpr const char* kStateDeleted = "deleted";

struct Account {
  int64_t id = 0;
  std::string email;      // as given at creation
  std::string agbCode;    // 8 digits
  std::string state;      // kState*
  std::string createdAt;  // YYYY-MM-DD
  std::optional<std::string> closedAt;
  std::optional<std::string> paidThrough;
  std::optional<std::string> lastActivityAt;
};

struct CreatedAccount {
  int64_t accountId = 0;
  std::string requestToken;  // plain; shown once, only its SHA-256 is stored (AU5)
};

class AccountStore {
 public:
  AccountStore(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<CreatedAccount> create(std::string_view email, std::string_view agbCode,
                                std::string_view createdDate);
  Result<Account> findByEmailOrAgb(std::string_view key);
  Result<Account> findById(int64_t id);
  // The account whose AC1 request token this is (looked up by its SHA-256); NOT_FOUND otherwise.
  Result<Account> findByRequestToken(std::string_view token);
  // R1: a successful login (and later, sending a message) counts as activity: last_activity_at
  // becomes the Clock's now.
  Status recordActivity(int64_t id);
  // A1: the account's new e-mail address and/or AGB code (nullopt keeps one). Validated like
  // create() (EMAIL_INVALID, AGB_CODE_INVALID); ACCOUNT_EXISTS when another account has either;
  // NOT_FOUND for no such account. Written in one transaction with an audit_log row (never the
  // addresses themselves). The A2 freeze is the caller's rule (it knows the calendar).
  Result<Account> changeIdentity(int64_t id, const std::optional<std::string>& email,
                                 const std::optional<std::string>& agbCode);

 private:
  Result<Account> findWhere(const std::string& where, const std::string& value);

  storage::Database& db_;
  const Clock& clock_;
};

}  // namespace berichtd::accounts
