#include "accounts/validation.hpp"

#include <chrono>
#include <cstdio>

namespace berichtd::accounts {

namespace {

bool isAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Characters allowed in the local part: RFC 5322 atext plus '.'.
bool isLocalChar(char c) {
  if (isAlpha(c) || isDigit(c)) return true;
  static constexpr std::string_view kSpecial = "!#$%&'*+-/=?^_`{|}~.";
  return kSpecial.find(c) != std::string_view::npos;
}

}  // namespace

std::string normaliseEmail(std::string_view email) {
  while (!email.empty() && isAsciiSpace(email.front())) email.remove_prefix(1);
  while (!email.empty() && isAsciiSpace(email.back())) email.remove_suffix(1);
  std::string out(email);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Status validateEmail(std::string_view email) {
  auto invalid = [](const char* why) {
    return Status::error("EMAIL_INVALID", std::string("the e-mail address is not valid: ") + why);
  };
  if (email.empty()) return invalid("it is empty");
  if (email.size() > kMaxEmailLength) return invalid("it is longer than 254 characters");
  const auto at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return invalid("it needs exactly one '@'");
  }
  const std::string_view local = email.substr(0, at);
  const std::string_view domain = email.substr(at + 1);
  if (local.empty() || local.size() > 64)
    return invalid("the part before '@' is empty or too long");
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return invalid("the part before '@' has a misplaced '.'");
  }
  for (char c : local) {
    if (!isLocalChar(c)) return invalid("the part before '@' has a character that is not allowed");
  }
  if (domain.empty()) return invalid("the domain after '@' is empty");
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= domain.size()) {
    const auto dot = domain.find('.', start);
    const std::string_view label =
        domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63)
      return invalid("the domain has an empty or too long part");
    if (label.front() == '-' || label.back() == '-')
      return invalid("a domain part starts or ends with '-'");
    for (char c : label) {
      if (!isAlpha(c) && !isDigit(c) && c != '-') {
        return invalid("the domain has a character that is not allowed");
      }
    }
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return invalid("the domain needs a '.'");
  return Status::ok();
}

Status validateAgbCode(std::string_view agbCode) {
  // SPEC A1: an AGB code is exactly 8 digits.
  bool ok = agbCode.size() == kAgbCodeLength;
  for (char c : agbCode) ok = ok && isDigit(c);
  if (!ok) return Status::error("AGB_CODE_INVALID", "an AGB code is exactly 8 digits (0-9)");
  return Status::ok();
}

Status validateDate(std::string_view date) {
  auto invalid = [] {
    return Status::error("BAD_REQUEST", "a date must be a calendar date YYYY-MM-DD");
  };
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return invalid();
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!isDigit(date[i])) return invalid();
  }
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (date[i] - '0');
    return v;
  };
  const std::chrono::year_month_day ymd{std::chrono::year(num(0, 4)),
                                        std::chrono::month(static_cast<unsigned>(num(5, 2))),
                                        std::chrono::day(static_cast<unsigned>(num(8, 2)))};
  if (!ymd.ok()) return invalid();
  return Status::ok();
}

namespace {

// The local time in Europe/Amsterdam as a time point on the UTC scale (EU rule: summer time
// from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC).
TimePoint amsterdamLocal(TimePoint t) {
  using namespace std::chrono;
  const auto utcDay = floor<days>(t);
  const year y = year_month_day(utcDay).year();
  const sys_days marchSunday{y / March / Sunday[last]};
  const sys_days octoberSunday{y / October / Sunday[last]};
  const auto summerStart = marchSunday + hours(1);
  const auto summerEnd = octoberSunday + hours(1);
  const bool summer = t >= summerStart && t < summerEnd;
  return t + hours(summer ? 2 : 1);
}

}  // namespace

std::string amsterdamDate(TimePoint t) {
  using namespace std::chrono;
  const year_month_day ymd(floor<days>(amsterdamLocal(t)));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string amsterdamDateTime(TimePoint t) {
  using namespace std::chrono;
  const auto local = amsterdamLocal(t);
  const year_month_day ymd(floor<days>(local));
  const auto minutes = duration_cast<std::chrono::minutes>(local - floor<days>(local)).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02u-%02u-%04d %02d:%02d", static_cast<unsigned>(ymd.day()),
                static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()),
                static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
  return buf;
}

int amsterdamHour(TimePoint t) {
  using namespace std::chrono;
  const auto local = amsterdamLocal(t);
  return static_cast<int>(duration_cast<hours>(local - floor<days>(local)).count());
}

}  // namespace berichtd::accounts
