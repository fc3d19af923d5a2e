#include "accounts/account_store.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <vector>

#include "accounts/validation.hpp"
#include "core/tokens.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::accounts {

namespace {

using namespace Poco::Data::Keywords;

// Counts accounts that clash with the e-mail key or the AGB code (A1); migrated tells whether one
// of them is a migrated account that is not activated yet (A3).
int countClashes(storage::Database& db, Poco::Data::Session& session, std::string emailKey,
                 std::string agbCode, bool& migrated) {
  int n = 0;
  int m = 0;
  std::string state = kStateMigrated;
  session << db.sql(
      "SELECT COUNT(*), COALESCE(SUM(CASE WHEN state = ? THEN 1 ELSE 0 END), 0) FROM accounts "
      "WHERE email_key = ? OR agb_code = ?"),
      into(n), into(m), use(state), use(emailKey), use(agbCode), now;
  migrated = m > 0;
  return n;
}

Status accountExists(bool migrated) {
  if (migrated) {
    // A3: "zeker geen nieuw account aanmaken": the identity was carried over; the activation mail
    // (request link, AC1) is the way in, not a new account.
    return Status::error(
        "ACCOUNT_EXISTS_MIGRATED",
        "this e-mail address or AGB code belongs to an account carried over from the old "
        "platform; activate it with the link in the activation mail instead");
  }
  return Status::error("ACCOUNT_EXISTS",
                       "an account with this e-mail address (in any letter case) or this AGB code "
                       "already exists");
}

}  // namespace

Result<CreatedAccount> AccountStore::create(std::string_view email, std::string_view agbCode,
                                            std::string_view createdDate) {
  if (Status s = validateEmail(email); !s) return s;
  if (Status s = validateAgbCode(agbCode); !s) return s;
  if (Status s = validateDate(createdDate); !s) return s;

  std::string emailText(email);
  std::string emailKey = normaliseEmail(email);
  std::string agb(agbCode);
  std::string created(createdDate);
  std::string state = kStateMigrated;  // A4: created as if imported
  std::string insertedAt = formatIso8601(clock_.now());
  const std::string token = randomToken();
  std::string tokenHash = sha256Hex(token);  // AU5: only the hash is stored

  bool duplicate = false;
  bool migrated = false;
  int64_t id = 0;
  Status s = db_.transact([&](Poco::Data::Session& session) {
    if (countClashes(db_, session, emailKey, agb, migrated) > 0) {
      duplicate = true;
      return;
    }
    session << db_.sql(
        "INSERT INTO accounts (email, email_key, agb_code, state, created_at, "
        "inserted_at) VALUES (?, ?, ?, ?, ?, ?)"),
        use(emailText), use(emailKey), use(agb), use(state), use(created), use(insertedAt), now;
    Poco::Int64 newId = 0;
    session << db_.sql("SELECT id FROM accounts WHERE email_key = ?"), into(newId), use(emailKey),
        now;
    id = newId;
    Poco::Int64 accountId = newId;
    session << db_.sql(
        "INSERT INTO request_tokens (account_id, token_hash, created_at) VALUES (?, ?, "
        "?)"),
        use(accountId), use(tokenHash), use(insertedAt), now;
  });
  if (!s) {
    // A concurrent create of the same identity loses on the UNIQUE constraints: report it as
    // the duplicate it is rather than as a storage error.
    if (s.code() == "STORAGE_ERROR") {
      try {
        Poco::Data::Session session = db_.session();
        if (countClashes(db_, session, emailKey, agb, migrated) > 0) return accountExists(migrated);
      } catch (const std::exception&) {
        // Fall through to the original error.
      }
    }
    return s;
  }
  if (duplicate) return accountExists(migrated);
  return CreatedAccount{id, token};
}

Result<Account> AccountStore::changeIdentity(int64_t id, const std::optional<std::string>& email,
                                             const std::optional<std::string>& agbCode) {
  if (email) {
    if (Status s = validateEmail(*email); !s) return s;
  }
  if (agbCode) {
    if (Status s = validateAgbCode(*agbCode); !s) return s;
  }
  auto current = findById(id);
  if (!current) return current.status();
  const std::string newEmail = email.value_or(current->email);
  const std::string newAgb = agbCode.value_or(current->agbCode);
  const std::string now = formatIso8601(clock_.now());
  auto clashes = [&](Poco::Data::Session& session) {
    auto others = storage::runSql(
        db_, session,
        "SELECT COUNT(*) FROM accounts WHERE (email_key = ? OR agb_code = ?) AND id <> ?",
        {normaliseEmail(newEmail), newAgb, id});
    return others.rows.at(0).at(0).intOr(0) > 0;
  };
  bool clash = false;
  Status s = db_.transact([&](Poco::Data::Session& session) {
    if (clashes(session)) {
      clash = true;
      return;
    }
    (void)storage::runSql(db_, session,
                          "UPDATE accounts SET email = ?, email_key = ?, agb_code = ? WHERE id = ?",
                          {newEmail, normaliseEmail(newEmail), newAgb, id});
    std::string what = email && agbCode ? "email,agb_code" : email ? "email" : "agb_code";
    (void)storage::runSql(db_, session,
                          "INSERT INTO audit_log (at, actor, action, subject, outcome, detail) "
                          "VALUES (?, 'account', 'identity_changed', ?, 'ok', ?)",
                          {now, "account:" + std::to_string(id), what});
  });
  if (!s && s.code() == "STORAGE_ERROR") {
    // A concurrent change to the same identity loses on the UNIQUE constraints.
    try {
      Poco::Data::Session session = db_.session();
      if (clashes(session)) return accountExists(false);
    } catch (const std::exception&) {
      // Fall through to the original error.
    }
  }
  if (!s) return s;
  if (clash) return accountExists(false);
  return findById(id);
}

// A deleted account (A4) is a tombstone: no lookup finds it (R3: nothing of it can be read back).
Result<Account> AccountStore::findWhere(const std::string& where, const std::string& value) {
  std::vector<Account> found;
  Status s = db_.read([&](Poco::Data::Session& session) {
    const storage::SqlResult r =
        storage::runSql(db_, session,
                        "SELECT id, email, agb_code, state, created_at, closed_at, paid_through, "
                        "last_activity_at FROM accounts WHERE (" +
                            where + ") AND state <> 'deleted'",
                        {value});
    for (const auto& row : r.rows) {
      Account a;
      a.id = row[0].intOr(0);
      a.email = row[1].textOr("");
      a.agbCode = row[2].textOr("");
      a.state = row[3].textOr("");
      a.createdAt = row[4].textOr("");
      a.closedAt = row[5].asText();
      a.paidThrough = row[6].asText();
      a.lastActivityAt = row[7].asText();
      found.push_back(std::move(a));
    }
  });
  if (!s) return s;
  if (found.empty()) return Status::error("NOT_FOUND", "no such account");
  return found.front();
}

Result<Account> AccountStore::findByEmailOrAgb(std::string_view key) {
  const bool isAgb = validateAgbCode(key).isOk();
  auto r = isAgb ? findWhere("agb_code = ?", std::string(key))
                 : findWhere("email_key = ?", normaliseEmail(key));
  if (!r && r.status().code() == "NOT_FOUND")
    return Status::error("NOT_FOUND", "no account with this e-mail address or AGB code");
  return r;
}

Result<Account> AccountStore::findById(int64_t id) {
  return findWhere("id = CAST(? AS INTEGER)", std::to_string(id));
}

Result<Account> AccountStore::findByRequestToken(std::string_view token) {
  // AC1: the request link works only while the account is `migrated`; the caller checks state.
  return findWhere("id IN (SELECT account_id FROM request_tokens WHERE token_hash = ?)",
                   sha256Hex(token));
}

Status AccountStore::recordActivity(int64_t id) {
  std::string at = formatIso8601(clock_.now());
  Poco::Int64 accountId = id;
  return db_.transact([&](Poco::Data::Session& session) {
    session << db_.sql("UPDATE accounts SET last_activity_at = ? WHERE id = ?"), use(at),
        use(accountId), now;
  });
}

}  // namespace berichtd::accounts
