// The line parser of the old platform's export (SPEC M1; docs/import.md "The format"): one JSON
// Lines line in, one typed record out. Pure: no storage, no clock.
//
// Contract
// - parseImportLine(text): the record of a line whose `type` is "account", "message" or
//   "invoice" and whose fields are all present and valid; unknown fields are ignored. Otherwise
//   IMPORT_LINE_INVALID with a message that names the field and what is wrong with it, never
//   its value (e-mail addresses, subjects and bodies are personal data).
// - Field rules: old_id, account_old_id and number are non-empty strings of at most 200 bytes;
//   email as accounts::validateEmail (A1); agb_code, from_agb, to_agb 8 digits; dates
//   (created_at, closed_at, paid_through, period_*, issued_at) exactly YYYY-MM-DD and existing;
//   times (last_activity_at, sent_at) ISO 8601 with an offset or Z, kept as UTC text
//   ("2026-02-10T13:03:00.000Z"); paid_at a date or such a time (kept as given: a date stays a
//   date); closed_at, paid_through, last_activity_at, paid_at, pdf_base64 may be null or
//   absent; subject and body strings (may be empty); a message's optional message_type
//   "bericht" (the default) or "declaratie" (docs/messages.md; `type` is the record's kind); amounts whole numbers of cents >= 0;
//   period_end not before period_start; pdf_base64 Base64 of a document starting "%PDF-".
// Thread-safety: free functions; safe from any thread.
#pragma once

#include <berichtd/status.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace berichtd::import {

inline constexpr const char* kLineInvalid{"IMPORT_LINE_INVALID"};
inline constexpr std::size_t kMaxIdBytes = 200;

struct AccountLine {
  std::string oldId;
  std::string email;
  std::string agbCode;
  std::string createdAt;                      // YYYY-MM-DD
  std::optional<std::string> closedAt;        // YYYY-MM-DD
  std::optional<std::string> paidThrough;     // YYYY-MM-DD
  std::optional<std::string> lastActivityAt;  // ISO 8601 UTC
};

struct MessageLine {
  std::string oldId;
  std::string fromAgb;
  std::string toAgb;
  std::string subject;
  std::string body;
  std::string sentAt;  // ISO 8601 UTC
  std::string type;    // bericht | declaratie
};

struct InvoiceLine {
  std::string oldId;
  std::string accountOldId;
  std::string number;
  std::string periodStart;  // YYYY-MM-DD
  std::string periodEnd;    // YYYY-MM-DD, the last day covered
  int64_t amountExclCents = 0;
  int64_t vatCents = 0;
  std::string issuedAt;               // YYYY-MM-DD
  std::optional<std::string> paidAt;  // YYYY-MM-DD or ISO 8601 UTC
  std::optional<std::string> pdf;     // the decoded PDF bytes
};

using ImportLine = std::variant<AccountLine, MessageLine, InvoiceLine>;

// The line's record kind, for counts: "account", "message", "invoice".
enum class LineKind { kAccount = 0, kMessage = 1, kInvoice = 2 };
const char* kindName(LineKind kind);

Result<ImportLine> parseImportLine(std::string_view text);

// Whether a line holds nothing but white space (skipped, not counted: a trailing newline).
bool isBlankLine(std::string_view text);

}  // namespace berichtd::import
