// The pure campaign rules (SPEC N1, M4): who is in an audience and how many mails of a
// campaign may have been queued at a moment of the platform clock. No I/O; `now` is passed in.
//
// Contract
// - inAudience(a, state): all → every state but `deleted`; migrated → `migrated`; active →
//   `active`.
// - closed(c, now): c has a sendUntil and now is at or after it.
// - allowedByNow(c, now): 0 before c.sendAt and from c.sendUntil on (the campaign is closed:
//   nothing more may be queued, whatever was queued before); in between without waves
//   (waveSize 0) no limit (INT64_MAX); with waves waveSize × (waves started by now), a wave
//   starting at sendAt + k × waveInterval.
// - toQueue(c, now, queued, remaining): how many to queue now — allowedByNow minus those
//   already queued, never below 0, never more than the audience members still without one.
// - nextWaveAt(c, now): when the next wave starts after now (sendAt when now is before it);
//   nullopt without waves and now at or after sendAt, and nullopt when that next wave would
//   start at or after c.sendUntil.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "campaigns/campaign.hpp"

namespace berichtd::campaigns {

bool inAudience(Audience a, std::string_view accountState);
bool closed(const Campaign& c, TimePoint now);
int64_t allowedByNow(const Campaign& c, TimePoint now);
int64_t toQueue(const Campaign& c, TimePoint now, int64_t queued, int64_t remaining);
std::optional<TimePoint> nextWaveAt(const Campaign& c, TimePoint now);

}  // namespace berichtd::campaigns
