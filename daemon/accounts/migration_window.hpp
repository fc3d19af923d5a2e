// The migration's calendar as rules (SPEC M3, A2; issue 7 item 2). Pure: the times come from
// the configuration (migration.*), `now` from the platform clock.
//
// Contract
// - inWindow(t, now): the old platform is closed and the new one not started yet —
//   cutoff <= now < startup (M3: "Vrijdag 13 februari 00:00 uur: afsluiting toegang oude
//   platform. Maandag 16 februari: gefaseerde opstart"). During it every user path answers 503
//   MAINTENANCE.
// - retryAfterSeconds(t, now): for the Retry-After header during the window: the whole seconds
//   until startup, at least 1.
// - identityFrozen(t, now): e-mail and AGB code may not change — identityFreezeFrom <= now <
//   startupComplete (A2: "Wijzig geen e-mailadres of AGB-code van je account tot na de
//   migratie").
// - isUserPath(path): the paths the window closes: /api/v1/… and /activeren… (API.md); the
//   status page, health, metrics and the knowledge base keep answering.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/clock.hpp"

namespace berichtd::accounts {

struct MigrationTimes {
  TimePoint cutoff;
  TimePoint startup;
  TimePoint identityFreezeFrom;
  TimePoint startupComplete;
};

bool inWindow(const MigrationTimes& t, TimePoint now);
int64_t retryAfterSeconds(const MigrationTimes& t, TimePoint now);
bool identityFrozen(const MigrationTimes& t, TimePoint now);
bool isUserPath(std::string_view path);

}  // namespace berichtd::accounts
