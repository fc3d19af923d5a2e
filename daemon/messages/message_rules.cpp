#include "messages/message_rules.hpp"

#include <algorithm>
#include <cctype>

#include "accounts/validation.hpp"

namespace berichtd::messages {

namespace {

bool allOf(std::string_view s, bool (*ok)(char)) { return std::all_of(s.begin(), s.end(), ok); }

Status declaratieInvalid(const std::string& why) {
  return Status::error("DECLARATIE_INVALID", why);
}

Status validateDeclaratie(const Declaratie& d, std::string_view today) {
  const auto& ref = d.patientReference;
  if (ref.empty() || ref.size() > 64 || !allOf(ref, [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
      })) {
    return declaratieInvalid("declaratie.patient_reference must be 1-64 letters, digits or '-'");
  }
  if (!accounts::validateDate(d.treatmentDate)) {
    return declaratieInvalid("declaratie.treatment_date must be a date YYYY-MM-DD");
  }
  if (d.treatmentDate > today) {  // ISO dates compare as text
    return declaratieInvalid("declaratie.treatment_date lies in the future");
  }
  const auto& code = d.treatmentCode;
  if (code.empty() || code.size() > 16 ||
      !allOf(code, [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); })) {
    return declaratieInvalid("declaratie.treatment_code must be 1-16 capital letters or digits");
  }
  if (!d.amountCents || *d.amountCents < 1 || *d.amountCents > 100000000) {
    return declaratieInvalid(
        "declaratie.amount_cents must be a whole number of cents from 1 to 100000000");
  }
  return Status::ok();
}

}  // namespace

std::vector<std::string> distinctRecipients(const std::vector<std::string>& to) {
  std::vector<std::string> out;
  for (const auto& agb : to) {
    if (std::find(out.begin(), out.end(), agb) == out.end()) out.push_back(agb);
  }
  return out;
}

Status validateDraft(const MessageDraft& draft, const MessageLimits& limits,
                     std::string_view today) {
  if (draft.type != "bericht" && draft.type != "declaratie") {
    return Status::error("MESSAGE_TYPE_INVALID", "type must be \"bericht\" or \"declaratie\"");
  }
  if (allOf(draft.subject,
            [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; })) {
    return Status::error("SUBJECT_MISSING", "a message needs a subject");
  }
  if (draft.subject.size() > limits.maxSubjectBytes) {
    return Status::error("SUBJECT_TOO_LONG", "the subject is longer than " +
                                                 std::to_string(limits.maxSubjectBytes) + " bytes");
  }
  if (draft.to.empty())
    return Status::error("RECIPIENTS_MISSING", "a message needs at least one recipient");
  for (std::size_t i = 0; i < draft.to.size(); ++i) {
    if (!accounts::validateAgbCode(draft.to[i])) {
      return Status::error("AGB_CODE_INVALID", "recipient " + std::to_string(i + 1) +
                                                   " is not an AGB code of exactly 8 digits");
    }
  }
  if (distinctRecipients(draft.to).size() > limits.maxRecipients) {
    return Status::error("TOO_MANY_RECIPIENTS", "at most " + std::to_string(limits.maxRecipients) +
                                                    " recipients per message");
  }
  if (draft.body.size() > limits.maxBodyBytes) {
    return Status::error("MESSAGE_TOO_LARGE", "the body is larger than " +
                                                  std::to_string(limits.maxBodyBytes) + " bytes");
  }
  if (draft.type == "declaratie") {
    if (!draft.declaratie) return declaratieInvalid("a declaratie needs its declaratie fields");
    return validateDeclaratie(*draft.declaratie, today);
  }
  if (draft.declaratie)
    return declaratieInvalid("only a message of type declaratie carries declaratie fields");
  return Status::ok();
}

RecipientDecision decideRecipient(std::string_view state, TimePoint now, TimePoint deadline) {
  if (state == "active") return {RecipientAction::kDeliver, Status::ok()};
  if (state == "migrated") {
    if (now < deadline) return {RecipientAction::kHold, Status::ok()};
    return {
        RecipientAction::kRefuse,
        Status::error("RECIPIENT_NOT_ACTIVATED",
                      "a recipient has not activated the account; since the activation deadline "
                      "it cannot receive messages")};
  }
  return {
      RecipientAction::kRefuse,
      Status::error("RECIPIENT_UNKNOWN", "no account that can receive messages has this AGB code")};
}

}  // namespace berichtd::messages
