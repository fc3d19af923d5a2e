// MessageStore: accepted messages, each account's sealed copy, and their deliveries (SPEC D1, D3,
// AC4) in the daemon's database (migration 4). docs/messages.md "Storage and delivery".
//
// Contract
// - submit(): in ONE transaction — the idempotency check, the message row, the sender's `sent`
//   copy and one `inbox` copy per recipient (each sealed with its own account's data key; AAD
//   "msg:<id>:<account>:<box>:<field>"), and one outbox job per recipient to deliver
//   (service `delivery`, action `deliver`, idempotency key "deliver:<id>:<account>"). A held
//   recipient (AC4, before the deadline) gets its copy in state `held` and no job yet; with a
//   noticeLink every other recipient also gets a new-message notice job (service `mail`). Nothing
//   is visible or sent before the commit; after it, nothing is lost (D3).
// - Idempotency (D3): with a key, a second submit by the same sender within idempotencyHours
//   returns the first message's id (replay = true) and writes nothing; with a different request
//   hash it is IDEMPOTENCY_KEY_REUSED. An older use of the key is forgotten. Two concurrent
//   submits with one key: one wins, the other gets its answer.
// - list(account, box): newest first. `inbox` shows only delivered copies; `sent` every message
//   the account sent, with each recipient's delivery state.
// - get(account, id): the account's copy with its body: its delivered inbox copy or its sent
//   copy; NOT_FOUND otherwise (also for another account's message).
// - markDelivered(message, recipient): the inbox copy becomes visible; idempotent.
// - releaseHeld(account): AC4 — held copies of a newly active account are queued for delivery.
// Plain text never reaches the database or a log: only sealed values are stored.
// Thread-safety: all methods are thread-safe.
#pragma once

#include <berichtd/status.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "messages/data_keys.hpp"
#include "messages/message_rules.hpp"
#include "storage/database.hpp"

namespace berichtd::messages {

struct RecipientPlan {
  int64_t accountId = 0;
  std::string agbCode;
  std::string email;                                   // for the new-message notice (N1)
  RecipientAction action = RecipientAction::kDeliver;  // kDeliver or kHold
};

struct Submission {
  int64_t senderId = 0;
  std::string senderAgb;
  MessageDraft draft;  // validated
  std::vector<RecipientPlan> recipients;
  std::optional<std::string> idempotencyKey;
  std::string requestHash;  // SHA-256 of the canonical request, to catch a reused key
  // N1: when set, each delivered-to recipient also gets a `mail`/`send_mail` job with the
  // template new_message {from_agb, link} — never the subject or the body.
  std::optional<std::string> noticeLink;
};

struct Submitted {
  int64_t messageId = 0;
  bool replay = false;  // the answer of an earlier submit with the same key
};

struct Delivery {
  std::string to;     // recipient AGB code
  std::string state;  // held | pending | delivered | dead
};

struct StoredMessage {
  int64_t id = 0;
  std::string from;  // sender AGB code
  std::vector<Delivery> deliveries;
  std::string subject;
  std::string type;
  std::string createdAt;
  std::string state;                      // inbox: delivered; sent: sent
  std::optional<std::string> body;        // only from get()
  std::optional<std::string> declaratie;  // JSON text, only from get()
};

// The additional authenticated data that binds a sealed field of a message copy to its place
// (message, account, box, field): a sealed subject cannot be moved to another copy or field.
// Everything that writes or opens copies (MessageStore, the import) uses this one function.
std::string copyAad(int64_t messageId, int64_t accountId, const std::string& box,
                    const char* field);

class MessageStore {
 public:
  MessageStore(storage::Database& db, const Clock& clock, const DataKeys& keys,
               int idempotencyHours)
      : db_(db), clock_(clock), keys_(keys), idempotencyHours_(idempotencyHours) {}

  Result<Submitted> submit(const Submission& s);
  // The earlier answer for this sender, key and request within the idempotency window (replay
  // = true), nothing, or IDEMPOTENCY_KEY_REUSED — checked before the recipients are judged
  // again, so a retry gets its first answer even after the deadline passed (D3).
  Result<std::optional<Submitted>> replayOf(const Submission& s);
  Result<std::vector<StoredMessage>> list(int64_t accountId, const std::string& box);
  Result<StoredMessage> get(int64_t accountId, int64_t messageId);
  Status markDelivered(int64_t messageId, int64_t recipientId);
  // The same inside the caller's transaction (the dispatcher's outcome batch); throws on error.
  void markDelivered(Poco::Data::Session& tx, int64_t messageId, int64_t recipientId);
  // AC4: the account has activated — its `held` inbox copies become `pending` and get their
  // delivery jobs, in one transaction; returns how many. Idempotent (jobs are unique by key).
  // To be called by whatever makes an account active (the € 0.01 payment, billing issue).
  Result<int> releaseHeld(int64_t accountId);

 private:
  // forgetExpired: clear a key older than idempotencyHours (only inside a write transaction).
  Result<std::optional<Submitted>> findByKey(Poco::Data::Session& session, const Submission& s,
                                             bool forgetExpired);

  storage::Database& db_;
  const Clock& clock_;
  const DataKeys& keys_;
  int idempotencyHours_;
};

// "{"patient_reference":…}" — the declaratie as stored (sealed) and answered.
std::string declaratieJson(const Declaratie& d);

}  // namespace berichtd::messages
