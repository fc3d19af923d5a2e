#include "import/closure_rule.hpp"

#include "accounts/validation.hpp"

namespace berichtd::import {

using namespace std::chrono;

bool closedTooLongAgo(year_month_day closedOn, TimePoint cutoff) {
  // The cutoff's calendar date in Europe/Amsterdam (SPEC: calendar rules are evaluated there).
  const auto cutoffDay = parseIsoDate(accounts::amsterdamDate(cutoff));
  if (!cutoffDay) return false;
  return sys_days(addCalendarMonths(closedOn, kClosedMonthsExcluded)) <= sys_days(*cutoffDay);
}

bool importable(const std::optional<std::string>& closedAt, TimePoint cutoff) {
  if (!closedAt) return true;
  const auto closedOn = parseIsoDate(*closedAt);
  return !closedOn || !closedTooLongAgo(*closedOn, cutoff);
}

}  // namespace berichtd::import
