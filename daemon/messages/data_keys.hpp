// DataKeys: one random AES-256 data key per account (SPEC D1), stored only wrapped by the master
// key ring (messages.master_key, a {file:} secret; AES-256-GCM, key id kept, so the master key
// can rotate). Every copy of a message an account holds is sealed with that account's key, so
// destroy() makes all of them unreadable at once — what retention's "deletion is real" (R3)
// uses, besides deleting rows.
//
// Contract
// - forAccount(session, id): the account's key as a SecretBox, created (and stored wrapped) on
//   first use inside the caller's transaction; the wrap's AAD is "datakey:<id>".
// - existing(id): the key if the account has one; NOT_FOUND after destroy() or before any use.
// - destroy(id): deletes the wrapped key; idempotent.
// Thread-safety: all methods are thread-safe (no state besides the immutable master ring).
#pragma once

#include <Poco/Data/Session.h>

#include <berichtd/status.hpp>
#include <cstdint>

#include "core/clock.hpp"
#include "core/crypto/secret_box.hpp"
#include "storage/database.hpp"

namespace berichtd::messages {

class DataKeys {
 public:
  DataKeys(storage::Database& db, const Clock& clock, crypto::SecretBox master)
      : db_(db), clock_(clock), master_(std::move(master)) {}

  Result<crypto::SecretBox> forAccount(Poco::Data::Session& session, int64_t accountId) const;
  Result<crypto::SecretBox> existing(int64_t accountId) const;
  Status destroy(int64_t accountId) const;

 private:
  Result<crypto::SecretBox> unwrap(int64_t accountId, const std::string& wrapped) const;

  storage::Database& db_;
  const Clock& clock_;
  crypto::SecretBox master_;
};

}  // namespace berichtd::messages
