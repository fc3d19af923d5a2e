// SPEC M2 "Which accounts": open accounts, and closed accounts whose closure is less than 6
// months before migration.cutoff, are imported. Pure, table-tested (tests/import).
//
// Contract
// - closedTooLongAgo(closedOn, cutoff): true when closedOn + 6 calendar months (core/clock.hpp
//   addCalendarMonths) is on or before the cutoff's date in Europe/Amsterdam ("6 months or more
//   before"): with the default cutoff
//   2026-02-13 00:00 (+01:00), closed on 2025-08-13 is left out and 2025-08-14 is imported.
//   Closure is a date, so the comparison is by calendar date, not by the hour.
// - importable(closedAt, cutoff): no closedAt (an open account) or !closedTooLongAgo; closedAt
//   must be a valid YYYY-MM-DD (the line parser checked it); an unreadable one counts as open.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace berichtd::import {

inline constexpr int kClosedMonthsExcluded = 6;

bool closedTooLongAgo(std::chrono::year_month_day closedOn, TimePoint cutoff);
bool importable(const std::optional<std::string>& closedAt, TimePoint cutoff);

}  // namespace berichtd::import
