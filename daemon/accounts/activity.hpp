// Activity stamps (SPEC R1: "inactive for 6 months" starts from the last activity). Pure.
//
// activityNeedsWrite(last, now): whether last_activity_at must be written for activity at `now`:
// when none is stored, when the stored one is unreadable, or when `now` is at least
// kActivityWriteInterval past it. A busy sender would otherwise write its account row on every
// message; a minute is nothing against a six-month retention period. A clock set back (stored
// time in the future) writes nothing.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace berichtd::accounts {

inline constexpr std::chrono::seconds kActivityWriteInterval{60};

bool activityNeedsWrite(const std::optional<std::string>& lastActivityAt, TimePoint now);

}  // namespace berichtd::accounts
