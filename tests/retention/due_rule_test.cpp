// The retention due rule (SPEC R1, R2) as a table: calendar months in Europe/Amsterdam, the
// boundary day, the creation date standing in for a missing activity, closure dates, and the
// policy's months as configured.
#include "retention/due_rule.hpp"

#include <gtest/gtest.h>

#include "core/clock.hpp"

namespace berichtd::retention {
namespace {

using namespace std::chrono;

Date d(int y, unsigned m, unsigned dd) { return Date{year(y), month(m), day(dd)}; }

TEST(RetentionAddMonths, CalendarMonthsClampToTheMonthsLastDay) {
  struct Row {
    Date from;
    int months;
    Date expected;
  };
  const Row rows[] = {
      {d(2026, 8, 31), 6, d(2027, 2, 28)},  // the brief's example
      {d(2027, 8, 31), 6, d(2028, 2, 29)},  // leap year
      {d(2026, 3, 1), 6, d(2026, 9, 1)},    {d(2026, 3, 31), 1, d(2026, 4, 30)},
      {d(2026, 12, 15), 1, d(2027, 1, 15)}, {d(2026, 7, 31), 6, d(2027, 1, 31)},
      {d(2026, 2, 28), 12, d(2027, 2, 28)},
  };
  for (const Row& r : rows) EXPECT_EQ(addCalendarMonths(r.from, r.months), r.expected) << r.months;
}

TEST(RetentionDueRule, Table) {
  const RetentionPolicy six;  // 6 and 6
  RetentionPolicy custom;
  custom.inactivityMonths = 3;
  custom.closedMonths = 12;
  RetentionPolicy held;  // migration.startup on 2026-02-16
  held.notBefore = d(2026, 2, 16);
  struct Row {
    const char* name;
    AccountDates account;
    Date today;
    RetentionPolicy policy;
    Reason expected;
  };
  const Row rows[] = {
      // R1: six calendar months after the last activity, the boundary day included.
      {"active, day before",
       {"active", d(2026, 3, 1), {}, d(2025, 1, 1)},
       d(2026, 8, 31),
       six,
       Reason::kNone},
      {"active, boundary day",
       {"active", d(2026, 3, 1), {}, d(2025, 1, 1)},
       d(2026, 9, 1),
       six,
       Reason::kInactive},
      {"active, later",
       {"active", d(2026, 3, 1), {}, d(2025, 1, 1)},
       d(2027, 1, 1),
       six,
       Reason::kInactive},
      {"month end clamps", {"active", d(2026, 8, 31), {}, {}}, d(2027, 2, 27), six, Reason::kNone},
      {"month end clamps, due",
       {"active", d(2026, 8, 31), {}, {}},
       d(2027, 2, 28),
       six,
       Reason::kInactive},
      // R1 for migrated accounts: the old platform's last activity.
      {"migrated, imported activity",
       {"migrated", d(2025, 9, 10), {}, d(2020, 1, 1)},
       d(2026, 3, 10),
       six,
       Reason::kInactive},
      {"migrated, recent activity",
       {"migrated", d(2025, 12, 1), {}, d(2020, 1, 1)},
       d(2026, 3, 10),
       six,
       Reason::kNone},
      // No activity at all: the creation date stands in (decision, docs/retention.md).
      {"never active, old",
       {"migrated", {}, {}, d(2025, 1, 1)},
       d(2025, 7, 1),
       six,
       Reason::kInactive},
      {"never active, new", {"migrated", {}, {}, d(2025, 1, 2)}, d(2025, 7, 1), six, Reason::kNone},
      {"no dates at all", {"migrated", {}, {}, {}}, d(2030, 1, 1), six, Reason::kNone},
      // R2: closure + 6 months; the closure date alone counts for a closed account.
      {"closed, day before",
       {"closed", d(2025, 1, 1), d(2026, 1, 31), d(2020, 1, 1)},
       d(2026, 7, 30),
       six,
       Reason::kNone},
      {"closed, boundary",
       {"closed", d(2025, 1, 1), d(2026, 1, 31), d(2020, 1, 1)},
       d(2026, 7, 31),
       six,
       Reason::kClosed},
      {"closed, old activity does not count",
       {"closed", d(2020, 1, 1), d(2026, 1, 31), {}},
       d(2026, 3, 1),
       six,
       Reason::kNone},
      {"closed without closure date: R1",
       {"closed", d(2025, 1, 1), {}, {}},
       d(2025, 7, 1),
       six,
       Reason::kInactive},
      // A tombstone is never due again.
      {"deleted",
       {"deleted", d(2000, 1, 1), d(2000, 1, 1), d(2000, 1, 1)},
       d(2030, 1, 1),
       six,
       Reason::kNone},
      // The months come from the configuration.
      {"custom inactivity",
       {"active", d(2026, 3, 1), {}, {}},
       d(2026, 6, 1),
       custom,
       Reason::kInactive},
      {"custom inactivity, not yet",
       {"active", d(2026, 3, 1), {}, {}},
       d(2026, 5, 31),
       custom,
       Reason::kNone},
      {"custom closure", {"closed", {}, d(2026, 1, 15), {}}, d(2026, 7, 15), custom, Reason::kNone},
      {"custom closure, due",
       {"closed", {}, d(2026, 1, 15), {}},
       d(2027, 1, 15),
       custom,
       Reason::kClosed},
      // Before the migration's start-up the old platform is the record: nothing is due.
      {"held before the start-up",
       {"migrated", d(2025, 4, 1), {}, d(2019, 1, 1)},
       d(2026, 2, 15),
       held,
       Reason::kNone},
      {"due on the start-up day",
       {"migrated", d(2025, 4, 1), {}, d(2019, 1, 1)},
       d(2026, 2, 16),
       held,
       Reason::kInactive},
      {"closed, held before the start-up",
       {"closed", {}, d(2025, 3, 1), {}},
       d(2025, 11, 21),
       held,
       Reason::kNone},
      {"closed, after the start-up",
       {"closed", {}, d(2025, 3, 1), {}},
       d(2026, 3, 1),
       held,
       Reason::kClosed},
      {"held, not yet due after the start-up",
       {"active", d(2026, 2, 20), {}, {}},
       d(2026, 3, 1),
       held,
       Reason::kNone},
  };
  for (const Row& r : rows)
    EXPECT_EQ(dueReason(r.account, r.today, r.policy), r.expected) << r.name;
}

TEST(RetentionDueRule, ReasonNames) {
  EXPECT_STREQ(reasonName(Reason::kInactive), "inactive");
  EXPECT_STREQ(reasonName(Reason::kClosed), "closed");
}

}  // namespace
}  // namespace berichtd::retention
