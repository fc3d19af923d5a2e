// Pure validation of account identity fields (SPEC A1) and calendar dates.
//
// Contract
// - normaliseEmail(): trims ASCII white space and lower-cases ASCII letters. The result is the
//   key under which A1's case-insensitive uniqueness is enforced (accounts.email_key).
// - validateEmail(): ok for one '@' with a non-empty local part and a domain of dot-separated
//   labels (letters, digits, '-'), at most 254 characters, no white space or control
//   characters; otherwise EMAIL_INVALID. Deliberately simpler than RFC 5322: a login address,
//   not every deliverable one.
// - validateAgbCode(): ok for exactly 8 ASCII digits (A1); otherwise AGB_CODE_INVALID.
// - validateDate(): ok for a real calendar date "YYYY-MM-DD"; otherwise BAD_REQUEST.
// - amsterdamDate(): the calendar date in Europe/Amsterdam of a time point (SPEC: calendar
//   rules are evaluated in Europe/Amsterdam), from the EU summer-time rule (CET+1, CEST+2
//   from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC), which
//   has held for Amsterdam since 1996; no tz database is needed.
// Error messages never quote the input (it is personal data). Free functions: thread-safe.
#pragma once

#include <berichtd/status.hpp>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace berichtd::accounts {

inline constexpr std::size_t kMaxEmailLength = 254;
inline constexpr std::size_t kAgbCodeLength = 8;

std::string normaliseEmail(std::string_view email);
Status validateEmail(std::string_view email);
Status validateAgbCode(std::string_view agbCode);
Status validateDate(std::string_view date);
std::string amsterdamDate(TimePoint t);
// The hour of the day (0-23) in Europe/Amsterdam, by the same rule (the billing run's hour).
int amsterdamHour(TimePoint t);
// "DD-MM-YYYY HH:MM" in Europe/Amsterdam, for pages people read (the status page).
std::string amsterdamDateTime(TimePoint t);

}  // namespace berichtd::accounts
