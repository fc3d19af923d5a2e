// SPEC M2 as a table: which closed accounts are imported, with calendar months in
// Europe/Amsterdam (SPEC's header: 2026-08-31 + 6 months = 2027-02-28).
#include "import/closure_rule.hpp"

#include <gtest/gtest.h>

namespace berichtd::import {
namespace {

using namespace std::chrono;

year_month_day day(const std::string& text) { return *parseIsoDate(text); }

TEST(ClosureRule, CalendarMonths) {
  struct Row {
    const char* from;
    int months;
    const char* to;
  };
  const Row rows[] = {
      {"2026-08-31", 6, "2027-02-28"},  // SPEC's example: the last day of a shorter month
      {"2027-08-31", 6, "2028-02-29"},  // a leap year
      {"2025-08-13", 6, "2026-02-13"}, {"2025-12-31", 2, "2026-02-28"},
      {"2026-01-15", 0, "2026-01-15"}, {"2026-03-31", -1, "2026-02-28"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(addCalendarMonths(day(r.from), r.months), day(r.to)) << r.from << " + " << r.months;
  }
}

TEST(ClosureRule, ClosedSixMonthsOrMoreBeforeTheCutoffIsLeftOut) {
  struct Row {
    const char* closedOn;
    const char* cutoff;
    bool leftOut;
  };
  const Row rows[] = {
      // The default cutoff, 13 February 2026 00:00 in Amsterdam.
      {"2025-08-12", "2026-02-13T00:00:00+01:00", true},
      {"2025-08-13", "2026-02-13T00:00:00+01:00", true},  // exactly 6 months: "or more"
      {"2025-08-14", "2026-02-13T00:00:00+01:00", false},
      {"2026-02-12", "2026-02-13T00:00:00+01:00", false},
      {"2019-01-01", "2026-02-13T00:00:00+01:00", true},
      // The cutoff's date is taken in Amsterdam: 23:30 UTC on the 12th is already the 13th.
      {"2025-08-13", "2026-02-12T23:30:00Z", true},
      {"2025-08-13", "2026-02-12T22:30:00Z", false},
      // Month ends: closed on 31 August, six months later is 28 February.
      {"2025-08-31", "2026-02-28T00:00:00+01:00", true},
      {"2025-08-31", "2026-02-27T00:00:00+01:00", false},
      {"2025-08-28", "2026-02-28T00:00:00+01:00", true},
      {"2025-08-29", "2026-02-28T00:00:00+01:00", true},  // 29 August + 6 months: 28 February
      {"2025-09-01", "2026-02-28T00:00:00+01:00", false},
      // Summer time: a cutoff of 1 September 00:00 CEST.
      {"2026-03-01", "2026-09-01T00:00:00+02:00", true},
      {"2026-03-02", "2026-09-01T00:00:00+02:00", false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(closedTooLongAgo(day(r.closedOn), *parseIso8601(r.cutoff)), r.leftOut)
        << "closed " << r.closedOn << ", cutoff " << r.cutoff;
  }
}

TEST(ClosureRule, OpenAccountsAreAlwaysImported) {
  const TimePoint cutoff = *parseIso8601("2026-02-13T00:00:00+01:00");
  EXPECT_TRUE(importable(std::nullopt, cutoff));
  EXPECT_TRUE(importable(std::string("2025-12-01"), cutoff));
  EXPECT_FALSE(importable(std::string("2025-06-01"), cutoff));
}

}  // namespace
}  // namespace berichtd::import
