// Checks of the identifiers in a SEPA direct-debit file. Pure functions, thread-safe. Kept in
// the plugin (a plugin links no daemon library); the mod-97 idea is ISO 7064 as for IBANs.
//
// Contract
// - normaliseIban(text): the IBAN without spaces, upper case, or nothing when it is not 2
//   letters, 2 digits and 11 to 30 letters or digits (15-34 in all; 18 for NL), or its mod-97
//   remainder is not 1 (ISO 13616).
// - isBic(text): 8 or 11 characters as ISO 9362 and the schema's BICIdentifier pattern
//   ([A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?).
// - isCreditorId(text): an SEPA creditor identifier (EPC262-08): country (2 letters), 2 check
//   digits, a 3-character creditor business code (not checked), then the national identifier;
//   at most 35 characters. The check digits hold when mod 97 of national identifier + country
//   + the check digits, letters as numbers (A = 10 … Z = 35), is 1 — the business code is left
//   out, so NL57ZZZ999999999999 and NL57ABC999999999999 are both valid.
// - isIsoDate(text): YYYY-MM-DD, a day that exists in the Gregorian calendar.
// - mod97(alnum): the ISO 7064 mod-97 remainder of digits and letters (A = 10); -1 on any
//   other character.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berichtd::sepa {

std::optional<std::string> normaliseIban(std::string_view text);
bool isBic(std::string_view text);
bool isCreditorId(std::string_view text);
bool isIsoDate(std::string_view text);
int mod97(std::string_view alnum);

}  // namespace berichtd::sepa
