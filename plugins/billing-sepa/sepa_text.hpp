// Text rules of a SEPA direct-debit file (EPC implementation guidelines): the Latin character
// subset banks accept, cutting to the schema's maxima, the restricted set for identifiers, XML
// escaping and euro amounts. Pure functions, no I/O, thread-safe.
//
// Contract
// - epcText(utf8, maxLength): the text in the SEPA Latin subset (a-z A-Z 0-9 / - ? : ( ) . , '
//   + space). Accented letters lose their accent (é → e, ë → e, ç → c), ß → ss, æ → ae,
//   œ → oe, ĳ → ij; '&' becomes '+' (language-neutral and one character, unlike "en");
//   tabs and line breaks become a space; runs of spaces collapse; anything else is dropped.
//   Trimmed, then cut to maxLength characters (every output character is one byte) and
//   trimmed again. Invalid UTF-8 bytes are dropped.
// - isEpcIdentifier(id): 1 to 35 characters of the subset, not starting or ending with '/',
//   without "//" — the rule for MsgId, PmtInfId, EndToEndId and MndtId.
// - xmlEscape(text): & < > " ' as entities.
// - formatCents(cents): "13.50" for 1350, "0.01" for 1; integer arithmetic only. cents >= 0.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace berichtd::sepa {

inline constexpr std::size_t kMaxName = 70;         // EPC: Nm of creditor and debtor
inline constexpr std::size_t kMaxRemittance = 140;  // Ustrd
inline constexpr std::size_t kMaxId = 35;           // Max35Text identifiers

std::string epcText(std::string_view utf8, std::size_t maxLength);
bool isEpcIdentifier(std::string_view id);
std::string xmlEscape(std::string_view text);
std::string formatCents(int64_t cents);

}  // namespace berichtd::sepa
