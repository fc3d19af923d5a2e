#include "retention/due_rule.hpp"

#include "core/clock.hpp"

namespace berichtd::retention {

using namespace std::chrono;

Reason dueReason(const AccountDates& a, Date today, const RetentionPolicy& policy) {
  if (a.state == "deleted") return Reason::kNone;
  // The old platform is the record until the start-up: its final export may still move the dates.
  if (policy.notBefore && sys_days(today) < sys_days(*policy.notBefore)) return Reason::kNone;
  if (a.state == "closed" && a.closedOn) {
    // R2: only the closure date counts for a closed account.
    return sys_days(today) >= sys_days(addCalendarMonths(*a.closedOn, policy.closedMonths))
               ? Reason::kClosed
               : Reason::kNone;
  }
  // R1: the last activity, or the creation date for an account never used.
  const std::optional<Date> from = a.lastActivity ? a.lastActivity : a.createdOn;
  if (!from) return Reason::kNone;
  return sys_days(today) >= sys_days(addCalendarMonths(*from, policy.inactivityMonths))
             ? Reason::kInactive
             : Reason::kNone;
}

const char* reasonName(Reason r) {
  switch (r) {
    case Reason::kInactive:
      return "inactive";
    case Reason::kClosed:
      return "closed";
    case Reason::kNone:
      break;
  }
  return "none";
}

}  // namespace berichtd::retention
