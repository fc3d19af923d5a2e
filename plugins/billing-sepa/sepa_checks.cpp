#include "sepa_checks.hpp"

#include <chrono>

namespace berichtd::sepa {
namespace {

bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlnum(char c) { return isUpper(c) || isDigit(c); }

// Check digits over `rest` + country + check digits (how IBANs and creditor ids both work).
bool checkDigitsHold(std::string_view country, std::string_view check, std::string_view rest) {
  std::string moved(rest);
  moved += country;
  moved += check;
  return mod97(moved) == 1;
}

}  // namespace

int mod97(std::string_view alnum) {
  int r = 0;
  for (char c : alnum) {
    if (isDigit(c)) {
      r = (r * 10 + (c - '0')) % 97;
    } else if (isUpper(c)) {
      r = (r * 100 + (c - 'A' + 10)) % 97;
    } else {
      return -1;
    }
  }
  return r;
}

std::optional<std::string> normaliseIban(std::string_view text) {
  std::string iban;
  for (char c : text) {
    if (c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!isAlnum(c)) return std::nullopt;
    iban.push_back(c);
  }
  if (iban.size() < 15 || iban.size() > 34) return std::nullopt;
  if (!isUpper(iban[0]) || !isUpper(iban[1]) || !isDigit(iban[2]) || !isDigit(iban[3])) {
    return std::nullopt;
  }
  if (iban.compare(0, 2, "NL") == 0 && iban.size() != 18) return std::nullopt;
  std::string_view v(iban);
  if (!checkDigitsHold(v.substr(0, 2), v.substr(2, 2), v.substr(4))) return std::nullopt;
  return iban;
}

bool isBic(std::string_view t) {
  if (t.size() != 8 && t.size() != 11) return false;
  for (std::size_t i = 0; i < 6; ++i) {
    if (!isUpper(t[i])) return false;
  }
  if (!(isUpper(t[6]) || (t[6] >= '2' && t[6] <= '9'))) return false;
  if (!(isAlnum(t[7]) && t[7] != 'O')) return false;
  for (std::size_t i = 8; i < t.size(); ++i) {
    if (!isAlnum(t[i])) return false;
  }
  return true;
}

bool isCreditorId(std::string_view t) {
  if (t.size() < 8 || t.size() > 35) return false;
  if (!isUpper(t[0]) || !isUpper(t[1]) || !isDigit(t[2]) || !isDigit(t[3])) return false;
  for (char c : t) {
    if (!isAlnum(c)) return false;
  }
  return checkDigitsHold(t.substr(0, 2), t.substr(2, 2), t.substr(7));
}

bool isIsoDate(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!isDigit(t[i])) return false;
  }
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (t[i] - '0');
    return v;
  };
  const std::chrono::year_month_day d{std::chrono::year(num(0, 4)),
                                      std::chrono::month(static_cast<unsigned>(num(5, 2))),
                                      std::chrono::day(static_cast<unsigned>(num(8, 2)))};
  return d.ok();
}

}  // namespace berichtd::sepa
