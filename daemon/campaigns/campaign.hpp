// Campaign: one e-mail of the migration story sent to an audience from a send time on (SPEC N1,
// M4, AC1; docs/campaigns.md), as read from the campaigns file (conf/campaigns.yaml).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace berichtd::campaigns {

// Who gets a campaign, judged on the account's state when its mail is queued (so an account
// activated between two waves no longer gets the activation mail).
enum class Audience {
  kAll,       // every account not deleted (migrated, active, closed)
  kMigrated,  // migrated and not yet active (A4 state `migrated`)
  kActive,    // active accounts
};

std::string_view audienceName(Audience a);
std::optional<Audience> parseAudience(std::string_view text);

struct Campaign {
  std::string name;          // [a-z0-9_-]{1,64}; unique in the file
  std::string templateName;  // conf/templates/NAME.txt of the mail plugin
  Audience audience = Audience::kAll;
  TimePoint sendAt;        // on the platform clock
  std::string sendAtText;  // as written in the file
  // From this moment on the campaign queues no new mail (mails queued before it are still
  // delivered): a late joiner does not get a mail whose dates have passed. Always after sendAt.
  std::optional<TimePoint> sendUntil;
  // M4: at most waveSize mails per wave, a wave every waveInterval from sendAt; 0: no waves.
  int64_t waveSize = 0;
  std::chrono::seconds waveInterval{0};
  // AC1: the mail carries a request link with a fresh request token ({{link}}).
  bool requestLink = false;
};

}  // namespace berichtd::campaigns
