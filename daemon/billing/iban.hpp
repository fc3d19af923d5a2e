// IBAN checks for the direct-debit mandate (issue 5 item 7, AC3): ISO 13616 structure, the
// length of the account's country and the mod-97 check digits, for the countries of the SEPA
// scheme (a SEPA direct debit can only collect from those). Pure.
//
// Contract
// - normaliseIban(text): the IBAN in electronic form (no spaces, upper case), or IBAN_INVALID
//   with the reason: characters other than letters, digits and spaces; a country outside the
//   SEPA scheme; a length other than that country's; check digits that do not hold (mod 97 != 1).
//   The message never repeats the IBAN (it is personal data that must not reach a log).
// - maskIban(iban): for display and logs: the country code and the last four characters, the rest
//   as '*', e.g. "NL**************4300" (SPEC: IBANs never reach a log).
// Thread-safety: pure functions.
#pragma once

#include <berichtd/status.hpp>
#include <string>

namespace berichtd::billing {

Result<std::string> normaliseIban(const std::string& text);
std::string maskIban(const std::string& iban);

}  // namespace berichtd::billing
