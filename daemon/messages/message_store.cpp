#include "messages/message_store.hpp"

#include <Poco/Data/LOB.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <sstream>
#include <stdexcept>

#include "storage/abort.hpp"
#include "storage/outbox.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::messages {

std::string copyAad(int64_t messageId, int64_t accountId, const std::string& box,
                    const char* field) {
  return "msg:" + std::to_string(messageId) + ":" + std::to_string(accountId) + ":" + box + ":" +
         field;
}

namespace {

using namespace Poco::Data::Keywords;

using storage::Abort;
using storage::orAbort;

// One outbox job, due at once (storage::enqueueOutboxJob). Retry times are real time (the
// dispatcher's clock), not the platform calendar, so a rehearsal clock set ahead or standing
// still never stalls deliveries. A repeat of a key is ignored (releaseHeld).
void enqueue(const storage::Database& db, Poco::Data::Session& tx, std::string service,
             std::string action, std::string key, const std::string& json, std::string createdAt) {
  storage::enqueueOutboxJob(db, tx, std::move(service), std::move(action), std::move(key), json,
                            std::move(createdAt));
}

std::string deliverJson(int64_t messageId, int64_t recipientId) {
  return "{\"message_id\":" + std::to_string(messageId) +
         ",\"recipient_id\":" + std::to_string(recipientId) + "}";
}

}  // namespace

std::string declaratieJson(const Declaratie& d) {
  Poco::JSON::Object o;
  o.set("patient_reference", d.patientReference);
  o.set("treatment_date", d.treatmentDate);
  o.set("treatment_code", d.treatmentCode);
  o.set("amount_cents", d.amountCents.value_or(0));
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

Result<std::optional<Submitted>> MessageStore::findByKey(Poco::Data::Session& tx,
                                                         const Submission& s, bool forgetExpired) {
  const storage::SqlResult found = storage::runSql(
      db_, tx,
      "SELECT id, request_hash, created_at FROM messages WHERE sender_id = ? AND idempotency_key "
      "= ?",
      {s.senderId, *s.idempotencyKey});
  if (found.rows.empty()) return std::optional<Submitted>();
  const auto& row = found.rows.front();
  const int64_t earlierId = row[0].intOr(0);
  const auto at = parseIso8601(row[2].textOr(""));
  const bool fresh = at && clock_.now() - *at < std::chrono::hours(idempotencyHours_);
  if (!fresh) {
    // An old use of the key is forgotten (D3: 24 h); the new request runs as new.
    if (forgetExpired) {
      (void)storage::runSql(db_, tx, "UPDATE messages SET idempotency_key = NULL WHERE id = ?",
                            {earlierId});
    }
    return std::optional<Submitted>();
  }
  if (row[1].textOr("") != s.requestHash) {
    return Status::error(
        "IDEMPOTENCY_KEY_REUSED",
        "this Idempotency-Key was already used for a different message in the last " +
            std::to_string(idempotencyHours_) + " hours");
  }
  return std::optional<Submitted>(Submitted{earlierId, true});
}

Result<std::optional<Submitted>> MessageStore::replayOf(const Submission& s) {
  if (!s.idempotencyKey) return std::optional<Submitted>();
  Result<std::optional<Submitted>> out = std::optional<Submitted>();
  // A read: an expired key is forgotten by submit(), in its write transaction.
  Status st = db_.read([&](Poco::Data::Session& tx) { out = findByKey(tx, s, false); });
  if (!st) return st;
  return out;
}

Result<Submitted> MessageStore::submit(const Submission& s) {
  for (int attempt = 0;; ++attempt) {
    Submitted out;
    Status refused;
    Status st = db_.transact([&](Poco::Data::Session& tx) {
      if (s.idempotencyKey) {
        auto earlier = findByKey(tx, s, true);
        if (!earlier) {
          refused = earlier.status();
          return;
        }
        if (earlier->has_value()) {
          out = **earlier;
          return;
        }
      }
      const std::string nowText =
          formatIso8601(clock_.now());  // (not `now`: that is Poco's keyword)
      const storage::SqlResult inserted = storage::runSql(
          db_, tx,
          "INSERT INTO messages (sender_id, sender_agb, type, created_at, idempotency_key, "
          "request_hash) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
          {s.senderId, s.senderAgb, s.draft.type, nowText, s.idempotencyKey, s.requestHash});
      if (inserted.rows.empty()) throw Abort(Status::error("STORAGE_ERROR", "no message id"));
      const int64_t id = inserted.rows.front()[0].intOr(0);
      out.messageId = id;
      const std::optional<std::string> declaratie =
          s.draft.declaratie ? std::optional<std::string>(declaratieJson(*s.draft.declaratie))
                             : std::nullopt;

      auto insertCopy = [&](int64_t accountId, const std::string& box, const std::string& agb,
                            const std::string& state) {
        const crypto::SecretBox copyKey = orAbort(keys_.forAccount(tx, accountId));
        std::string subject =
            orAbort(copyKey.seal(s.draft.subject, copyAad(id, accountId, box, "subject")));
        std::string body = orAbort(copyKey.seal(s.draft.body, copyAad(id, accountId, box, "body")));
        std::optional<std::string> decl;
        if (declaratie)
          decl = orAbort(copyKey.seal(*declaratie, copyAad(id, accountId, box, "declaratie")));
        (void)storage::runSql(
            db_, tx,
            "INSERT INTO message_copies (message_id, account_id, box, agb_code, sealed_subject, "
            "sealed_body, sealed_declaratie, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {id, accountId, box, agb, std::move(subject), std::move(body), decl, state});
      };
      insertCopy(s.senderId, "sent", s.senderAgb, "sent");
      for (const auto& r : s.recipients) {
        const bool hold = r.action == RecipientAction::kHold;
        insertCopy(r.accountId, "inbox", r.agbCode, hold ? "held" : "pending");
        if (hold) continue;  // AC4: delivered once the account activates
        // D3: the delivery job commits with the message (transactional outbox).
        enqueue(db_, tx, "delivery", "deliver",
                "deliver:" + std::to_string(id) + ":" + std::to_string(r.accountId),
                deliverJson(id, r.accountId), nowText);
        if (s.noticeLink && !r.email.empty()) {
          // N1: "you have a new message" — who sent it and where to log in, nothing of its text.
          Poco::JSON::Object notice, vars;
          notice.set("to", r.email);
          notice.set("account_id", r.accountId);
          notice.set("template", "new_message");
          vars.set("from_agb", s.senderAgb);
          vars.set("link", *s.noticeLink);
          notice.set("variables", vars);
          std::ostringstream text;
          notice.stringify(text);
          enqueue(db_, tx, "mail", "send_mail",
                  "notice:" + std::to_string(id) + ":" + std::to_string(r.accountId), text.str(),
                  nowText);
        }
      }
    });
    if (!refused.isOk()) return refused;
    if (st) return out;
    // A concurrent submit with the same key won the UNIQUE race: answer as its replay.
    if (s.idempotencyKey && attempt == 0 && st.code() == "STORAGE_ERROR") continue;
    return st;
  }
}

Result<std::vector<StoredMessage>> MessageStore::list(int64_t accountId, const std::string& box) {
  auto key = keys_.existing(accountId);
  if (!key) {
    if (key.status().code() == "NOT_FOUND")
      return std::vector<StoredMessage>();  // nothing readable
    return key.status();
  }
  std::vector<StoredMessage> out;
  Status st = db_.read([&](Poco::Data::Session& tx) {
    Poco::Int64 account = accountId;
    std::string b = box;
    Poco::Data::Statement select(tx);
    select << db_.sql(
        std::string("SELECT c.message_id, m.sender_agb, m.type, m.created_at, c.sealed_subject, "
                    "c.state FROM message_copies c JOIN messages m ON m.id = c.message_id "
                    "WHERE c.account_id = ? AND c.box = ?") +
        (box == "inbox" ? " AND c.state = 'delivered'" : "") +
        " ORDER BY c.message_id DESC LIMIT 500"),
        use(account), use(b), now;
    Poco::Data::RecordSet rows(select);
    for (bool more = rows.moveFirst(); more; more = rows.moveNext()) {
      StoredMessage m;
      m.id = rows.value(0).convert<Poco::Int64>();
      m.from = rows.value(1).convert<std::string>();
      m.type = rows.value(2).convert<std::string>();
      m.createdAt = rows.value(3).convert<std::string>();
      m.subject = orAbort(key->open(rows.value(4).convert<std::string>(),
                                    copyAad(m.id, accountId, box, "subject")));
      m.state = rows.value(5).convert<std::string>();
      out.push_back(std::move(m));
    }
    for (auto& m : out) {
      Poco::Int64 id = m.id;
      std::vector<std::string> agbs, states;
      tx << db_.sql(
          "SELECT agb_code, state FROM message_copies WHERE message_id = ? AND box = 'inbox' "
          "ORDER BY agb_code"),
          into(agbs), into(states), use(id), now;
      for (std::size_t i = 0; i < agbs.size(); ++i) m.deliveries.push_back({agbs[i], states[i]});
    }
  });
  if (!st) return st;
  return out;
}

Result<StoredMessage> MessageStore::get(int64_t accountId, int64_t messageId) {
  auto key = keys_.existing(accountId);
  const Status notFound = Status::error("NOT_FOUND", "no such message");
  if (!key) return key.status().code() == "NOT_FOUND" ? notFound : key.status();
  std::optional<StoredMessage> found;
  Status st = db_.read([&](Poco::Data::Session& tx) {
    Poco::Int64 account = accountId, id = messageId;
    Poco::Data::Statement select(tx);
    // The sent copy first; an inbox copy only once delivered.
    select << db_.sql(
        "SELECT c.box, m.sender_agb, m.type, m.created_at, c.sealed_subject, c.sealed_body, "
        "c.sealed_declaratie, c.state FROM message_copies c JOIN messages m ON m.id = c.message_id "
        "WHERE c.account_id = ? AND c.message_id = ? AND (c.box = 'sent' OR c.state = 'delivered') "
        "ORDER BY c.box DESC"),
        use(account), use(id), now;
    Poco::Data::RecordSet rows(select);
    if (!rows.moveFirst()) return;
    const std::string box = rows.value(0).convert<std::string>();
    StoredMessage m;
    m.id = messageId;
    m.from = rows.value(1).convert<std::string>();
    m.type = rows.value(2).convert<std::string>();
    m.createdAt = rows.value(3).convert<std::string>();
    m.subject = orAbort(key->open(rows.value(4).convert<std::string>(),
                                  copyAad(messageId, accountId, box, "subject")));
    m.body = orAbort(key->open(rows.value(5).convert<std::string>(),
                               copyAad(messageId, accountId, box, "body")));
    if (!rows.value(6).isEmpty()) {
      m.declaratie = orAbort(key->open(rows.value(6).convert<std::string>(),
                                       copyAad(messageId, accountId, box, "declaratie")));
    }
    m.state = rows.value(7).convert<std::string>();
    std::vector<std::string> agbs, states;
    tx << db_.sql(
        "SELECT agb_code, state FROM message_copies WHERE message_id = ? AND box = 'inbox' ORDER "
        "BY agb_code"),
        into(agbs), into(states), use(id), now;
    for (std::size_t i = 0; i < agbs.size(); ++i) m.deliveries.push_back({agbs[i], states[i]});
    found = std::move(m);
  });
  if (!st) return st;
  if (!found) return notFound;
  return *found;
}

Status MessageStore::markDelivered(int64_t messageId, int64_t recipientId) {
  return db_.transact([&](Poco::Data::Session& tx) { markDelivered(tx, messageId, recipientId); });
}

void MessageStore::markDelivered(Poco::Data::Session& tx, int64_t messageId, int64_t recipientId) {
  (void)storage::runSql(
      db_, tx,
      "UPDATE message_copies SET state = 'delivered', delivered_at = ? WHERE message_id = ? AND "
      "account_id = ? AND box = 'inbox' AND state <> 'delivered'",
      {formatIso8601(clock_.now()), messageId, recipientId});
}

Result<int> MessageStore::releaseHeld(int64_t accountId) {
  int released = 0;
  Status st = db_.transact([&](Poco::Data::Session& tx) {
    Poco::Int64 account = accountId;
    std::vector<Poco::Int64> ids;
    tx << db_.sql(
        "SELECT message_id FROM message_copies WHERE account_id = ? AND box = 'inbox' AND state = "
        "'held' "
        "ORDER BY message_id"),
        into(ids), use(account), now;
    const std::string at = formatIso8601(clock_.now());
    for (Poco::Int64 id : ids) {
      enqueue(db_, tx, "delivery", "deliver",
              "deliver:" + std::to_string(id) + ":" + std::to_string(accountId),
              deliverJson(id, accountId), at);
      Poco::Int64 msg = id;
      tx << db_.sql(
          "UPDATE message_copies SET state = 'pending' WHERE message_id = ? AND account_id = ? AND "
          "box = 'inbox' AND state = 'held'"),
          use(msg), use(account), now;
      ++released;
    }
  });
  if (!st) return st;
  return released;
}

}  // namespace berichtd::messages
