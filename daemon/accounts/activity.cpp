#include "accounts/activity.hpp"

namespace berichtd::accounts {

bool activityNeedsWrite(const std::optional<std::string>& lastActivityAt, TimePoint now) {
  if (!lastActivityAt) return true;
  const auto last = parseIso8601(*lastActivityAt);
  if (!last) return true;
  return now - *last >= kActivityWriteInterval;
}

}  // namespace berichtd::accounts
