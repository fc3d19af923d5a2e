// The message rules (SPEC D1, D2, AC4) as pure functions: what a sender may submit, and what
// happens to each recipient. No storage, no clock of their own (the caller passes `now` and
// today's Europe/Amsterdam date), no I/O. docs/messages.md has the tables in prose.
//
// Contract of validateDraft(draft, limits, today) — first failure wins, in this order:
//   type not "bericht" or "declaratie"                  -> MESSAGE_TYPE_INVALID
//   subject empty or only white space                   -> SUBJECT_MISSING
//   subject longer than limits.maxSubjectBytes          -> SUBJECT_TOO_LONG
//   no recipient                                        -> RECIPIENTS_MISSING
//   a recipient that is not exactly 8 digits            -> AGB_CODE_INVALID (names the position)
//   more distinct recipients than limits.maxRecipients  -> TOO_MANY_RECIPIENTS
//   body longer than limits.maxBodyBytes                -> MESSAGE_TOO_LARGE
//   type "declaratie" without its fields, or a field wrong -> DECLARATIE_INVALID (names the field)
//   type "bericht" carrying declaratie fields           -> DECLARATIE_INVALID
// Declaratie fields (docs/messages.md "Declaratie"):
//   patient_reference  1..64 of [A-Za-z0-9-]  (never a BSN: the sender's own reference)
//   treatment_date     a real date YYYY-MM-DD, not after today
//   treatment_code     1..16 of [A-Z0-9]       (the Vektis prestatiecode)
//   amount_cents       whole number 1..100000000 (integer cents, never a float)
// distinctRecipients(): the recipients in first-seen order, duplicates dropped.
//
// decideRecipient(state, now, deadline) for each recipient account (AC4):
//   active                              -> kDeliver
//   migrated and now <  deadline        -> kHold (accepted, shown once the account activates)
//   migrated and now >= deadline        -> refused RECIPIENT_NOT_ACTIVATED
//   anything else (closed, deleted, ?)  -> refused RECIPIENT_UNKNOWN
// Thread-safety: pure; safe from any thread.
#pragma once

#include <berichtd/status.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace berichtd::messages {

struct Declaratie {
  std::string patientReference;
  std::string treatmentDate;  // YYYY-MM-DD
  std::string treatmentCode;
  std::optional<int64_t> amountCents;
};

struct MessageDraft {
  std::vector<std::string> to;  // AGB codes as sent
  std::string subject;
  std::string body;
  std::string type;  // bericht | declaratie
  std::optional<Declaratie> declaratie;
};

struct MessageLimits {
  std::size_t maxBodyBytes = 1024 * 1024;  // messages.max_body_bytes (issue 4: 1 MiB)
  std::size_t maxRecipients = 50;          // messages.max_recipients
  std::size_t maxSubjectBytes = 200;
};

Status validateDraft(const MessageDraft& draft, const MessageLimits& limits,
                     std::string_view today);
std::vector<std::string> distinctRecipients(const std::vector<std::string>& to);

enum class RecipientAction { kDeliver, kHold, kRefuse };
struct RecipientDecision {
  RecipientAction action;
  Status refusal;  // set when kRefuse
};
RecipientDecision decideRecipient(std::string_view state, TimePoint now, TimePoint deadline);

}  // namespace berichtd::messages
