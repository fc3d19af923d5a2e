// The retention due rule (SPEC R1, R2; docs/retention.md): which account is deleted on a day,
// and why. Pure: the caller passes the dates (calendar dates in Europe/Amsterdam) and the policy.
//
// Contract
// - Months are calendar months clamped to the month's last day (core/clock.hpp
//   addCalendarMonths: 2026-08-31 + 6 = 2027-02-28; 2027-08-31 + 6 = 2028-02-29).
// - dueReason(account, today, policy):
//   * kDeleted accounts are never due again (kNone): they are tombstones already.
//   * Nothing is due before policy.notBefore (the Amsterdam date of migration.startup, M3/M4;
//     R1 and R2 both wait for it): until the phased start-up the old platform is the record of
//     every account — its users are still active there and its final export (at the cutoff)
//     refreshes the early import's dates (M1) — so the new platform judges no one on dates it
//     may not have yet (docs/retention.md).
//   * R2: a `closed` account with a closure date is due from closure + policy.closedMonths on,
//     reason kClosed. Only the closure date counts for it: R2 promises "6 maanden na de
//     afsluitdatum", and closing ends the account's activity anyway.
//   * R1: any other account (`migrated`, `active`, and `closed` without a closure date) is due
//     from lastActivity + policy.inactivityMonths on, reason kInactive. Without a recorded
//     activity (never logged in, never imported with one) the account's creation date stands
//     in for it: an account nobody ever used is not kept forever (decision, docs/retention.md).
//     With neither, nothing is due (the record is incomplete; the sweep reports it).
// - The boundary day itself is due: activity on 2026-03-01 is deleted on 2026-09-01.
// - reasonName(): "inactive" / "closed" — the audit log's detail and the report's words.
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace berichtd::retention {

using Date = std::chrono::year_month_day;

struct RetentionPolicy {
  int inactivityMonths = 6;       // R1, retention.inactivity_months
  int closedMonths = 6;           // R2, retention.closed_months
  std::optional<Date> notBefore;  // migration.startup's date: no sweep deletes before it
};

struct AccountDates {
  std::string state;                 // accounts.state (A4)
  std::optional<Date> lastActivity;  // Amsterdam date of last_activity_at
  std::optional<Date> closedOn;      // closed_at
  std::optional<Date> createdOn;     // created_at
};

enum class Reason { kNone, kInactive, kClosed };

Reason dueReason(const AccountDates& account, Date today, const RetentionPolicy& policy);
const char* reasonName(Reason r);

}  // namespace berichtd::retention
