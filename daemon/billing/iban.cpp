#include "billing/iban.hpp"

#include <cctype>
#include <map>

namespace berichtd::billing {

namespace {

// IBAN length per country of the SEPA scheme (EPC list of SEPA countries and territories with
// their own IBAN prefix; SWIFT IBAN registry lengths).
const std::map<std::string, std::size_t>& sepaLengths() {
  static const std::map<std::string, std::size_t> kLengths = {
      {"AD", 24}, {"AT", 20}, {"BE", 16}, {"BG", 22}, {"CH", 21}, {"CY", 28}, {"CZ", 24},
      {"DE", 22}, {"DK", 18}, {"EE", 20}, {"ES", 24}, {"FI", 18}, {"FR", 27}, {"GB", 22},
      {"GI", 23}, {"GR", 27}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IS", 26}, {"IT", 27},
      {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MT", 31}, {"NL", 18},
      {"NO", 15}, {"PL", 28}, {"PT", 25}, {"RO", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24},
      {"SM", 27}, {"VA", 22},
  };
  return kLengths;
}

Status invalid(const std::string& why) { return Status::error("IBAN_INVALID", why); }

}  // namespace

Result<std::string> normaliseIban(const std::string& text) {
  std::string iban;
  for (unsigned char c : text) {
    if (c == ' ') continue;
    if (!std::isalnum(c) || c > 0x7f)
      return invalid("an IBAN holds only letters, digits and spaces");
    iban += static_cast<char>(std::toupper(c));
  }
  if (iban.size() < 4 || !std::isalpha(static_cast<unsigned char>(iban[0])) ||
      !std::isalpha(static_cast<unsigned char>(iban[1])) ||
      !std::isdigit(static_cast<unsigned char>(iban[2])) ||
      !std::isdigit(static_cast<unsigned char>(iban[3]))) {
    return invalid("an IBAN starts with a two-letter country code and two check digits");
  }
  const std::string country = iban.substr(0, 2);
  const auto length = sepaLengths().find(country);
  if (length == sepaLengths().end())
    return invalid("country " + country + " is not in the SEPA direct-debit scheme");
  if (iban.size() != length->second) {
    return invalid("an IBAN from " + country + " has " + std::to_string(length->second) +
                   " characters, this one " + std::to_string(iban.size()));
  }
  // ISO 13616: move the first four characters to the end, letters as 10..35, mod 97 must be 1;
  // computed digit by digit so no big number is needed.
  int remainder = 0;
  const std::string rotated = iban.substr(4) + iban.substr(0, 4);
  for (char c : rotated) {
    const int value = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'A' + 10;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  if (remainder != 1) return invalid("the check digits do not match (a typing error?)");
  return iban;
}

std::string maskIban(const std::string& iban) {
  if (iban.size() <= 6) return std::string(iban.size(), '*');
  return iban.substr(0, 2) + std::string(iban.size() - 6, '*') + iban.substr(iban.size() - 4);
}

}  // namespace berichtd::billing
