#include "messages/data_keys.hpp"

#include <Poco/Data/Statement.h>

#include <vector>

#include "core/crypto/random.hpp"
#include "core/tokens.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::messages {

namespace {

using namespace Poco::Data::Keywords;

std::string aad(int64_t accountId) { return "datakey:" + std::to_string(accountId); }

}  // namespace

Result<crypto::SecretBox> DataKeys::unwrap(int64_t accountId, const std::string& wrapped) const {
  auto keyHex = master_.open(wrapped, aad(accountId));
  if (!keyHex) return keyHex.status();
  return crypto::SecretBox::fromKeyText("a" + std::to_string(accountId) + ":" + *keyHex);
}

Result<crypto::SecretBox> DataKeys::forAccount(Poco::Data::Session& session,
                                               int64_t accountId) const {
  const char* select = "SELECT wrapped_key FROM account_data_keys WHERE account_id = ?";
  if (auto r = storage::runSql(db_, session, select, {accountId}); !r.rows.empty())
    return unwrap(accountId, r.rows.front()[0].textOr(""));
  auto raw = crypto::randomBytes(crypto::kSecretBoxKeyBytes);
  if (!raw) return raw.status();
  auto wrapped = master_.seal(toHex(*raw), aad(accountId));
  if (!wrapped) return wrapped.status();
  // Two first messages at once: the first key stored wins, the other is never used.
  (void)storage::runSql(
      db_, session,
      "INSERT INTO account_data_keys (account_id, wrapped_key, created_at) VALUES (?, ?, ?) "
      "ON CONFLICT (account_id) DO NOTHING",
      {accountId, *wrapped, formatIso8601(clock_.now())});
  const auto stored = storage::runSql(db_, session, select, {accountId});
  if (stored.rows.empty())
    return Status::error("STORAGE_ERROR", "the account's data key could not be stored");
  return unwrap(accountId, stored.rows.front()[0].textOr(""));
}

Result<crypto::SecretBox> DataKeys::existing(int64_t accountId) const {
  std::vector<std::string> found;
  Status s = db_.read([&](Poco::Data::Session& session) {
    Poco::Int64 id = accountId;
    session << db_.sql("SELECT wrapped_key FROM account_data_keys WHERE account_id = ?"),
        into(found), use(id), now;
  });
  if (!s) return s;
  if (found.empty()) return Status::error("NOT_FOUND", "this account has no data key");
  return unwrap(accountId, found.front());
}

Status DataKeys::destroy(int64_t accountId) const {
  return db_.transact([&](Poco::Data::Session& session) {
    Poco::Int64 id = accountId;
    session << db_.sql("DELETE FROM account_data_keys WHERE account_id = ?"), use(id), now;
  });
}

}  // namespace berichtd::messages
