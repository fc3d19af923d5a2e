#include "campaigns/campaign_rules.hpp"

#include <algorithm>
#include <limits>

namespace berichtd::campaigns {

bool inAudience(Audience a, std::string_view state) {
  switch (a) {
    case Audience::kMigrated:
      return state == "migrated";
    case Audience::kActive:
      return state == "active";
    case Audience::kAll:
    default:
      return state != "deleted";
  }
}

namespace {

// Waves started by now (>= 1 once sendAt has come).
int64_t wavesStarted(const Campaign& c, TimePoint now) {
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - c.sendAt);
  return elapsed.count() / c.waveInterval.count() + 1;
}

}  // namespace

bool closed(const Campaign& c, TimePoint now) { return c.sendUntil && now >= *c.sendUntil; }

int64_t allowedByNow(const Campaign& c, TimePoint now) {
  if (now < c.sendAt) return 0;
  // N1: a campaign past its send_until sends no more (its text speaks of dates gone by).
  if (closed(c, now)) return 0;
  if (c.waveSize <= 0 || c.waveInterval.count() <= 0) return std::numeric_limits<int64_t>::max();
  const int64_t waves = wavesStarted(c, now);
  // Saturate rather than overflow for a campaign left running for ages.
  if (waves > std::numeric_limits<int64_t>::max() / c.waveSize)
    return std::numeric_limits<int64_t>::max();
  return waves * c.waveSize;
}

int64_t toQueue(const Campaign& c, TimePoint now, int64_t queued, int64_t remaining) {
  const int64_t allowed = allowedByNow(c, now);
  const int64_t open = allowed <= queued ? 0 : allowed - queued;
  return std::max<int64_t>(0, std::min(open, remaining));
}

std::optional<TimePoint> nextWaveAt(const Campaign& c, TimePoint now) {
  if (now < c.sendAt) return c.sendAt;  // sendAt < sendUntil (the campaign file checks it)
  if (c.waveSize <= 0 || c.waveInterval.count() <= 0) return std::nullopt;
  const TimePoint next = c.sendAt + c.waveInterval * wavesStarted(c, now);
  if (closed(c, next)) return std::nullopt;
  return next;
}

}  // namespace berichtd::campaigns
