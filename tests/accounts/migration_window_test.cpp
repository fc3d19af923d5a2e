// The migration's calendar (SPEC M3, A2; issue 7 item 2) as tables: the window that closes the
// user paths, its Retry-After, the identity freeze, and which paths are user paths.
#include "accounts/migration_window.hpp"

#include <gtest/gtest.h>

namespace berichtd::accounts {
namespace {

TimePoint at(const char* iso) { return *parseIso8601(iso); }

// The seed's dates (API.md defaults).
MigrationTimes seedTimes() {
  return {at("2026-02-13T00:00:00+01:00"), at("2026-02-16T00:00:00+01:00"),
          at("2026-02-06T00:00:00+01:00"), at("2026-03-01T00:00:00+01:00")};
}

TEST(MigrationWindow, ClosedFromTheCutoffUntilTheStartup) {
  const struct {
    const char* now;
    bool closed;
  } cases[] = {
      {"2026-02-12T23:59:59+01:00", false},  // "na 12 februari is er géén toegang meer"
      {"2026-02-13T00:00:00+01:00", true},   // "13 februari 00:00 uur: afsluiting"
      {"2026-02-14T12:00:00+01:00", true},  {"2026-02-15T23:59:59.999+01:00", true},
      {"2026-02-16T00:00:00+01:00", false},  // "16 februari: gefaseerde opstart"
      {"2026-02-12T23:30:00Z", true},        // 00:30 in Amsterdam
      {"2025-11-21T09:00:00+01:00", false},
  };
  for (const auto& c : cases) EXPECT_EQ(inWindow(seedTimes(), at(c.now)), c.closed) << c.now;
}

TEST(MigrationWindow, RetryAfterIsTheWaitUntilTheStartupRoundedUp) {
  const struct {
    const char* now;
    int64_t seconds;
  } cases[] = {
      {"2026-02-13T00:00:00+01:00", 3 * 86400},
      {"2026-02-15T23:00:00+01:00", 3600},
      {"2026-02-15T23:59:59.500+01:00", 1},  // half a second: one
      {"2026-02-15T23:59:58.001+01:00", 2},
      {"2026-02-16T00:00:00+01:00", 1},  // never 0 or negative
  };
  for (const auto& c : cases)
    EXPECT_EQ(retryAfterSeconds(seedTimes(), at(c.now)), c.seconds) << c.now;
}

TEST(MigrationWindow, IdentityIsFrozenFromTheFreezeUntilTheStartupCompletes) {
  const struct {
    const char* now;
    bool frozen;
  } cases[] = {
      {"2026-02-05T23:59:59+01:00", false}, {"2026-02-06T00:00:00+01:00", true},
      {"2026-02-14T00:00:00+01:00", true},  // in the window too
      {"2026-02-20T10:00:00+01:00", true},  // start-up still going on
      {"2026-02-28T23:59:59+01:00", true},  {"2026-03-01T00:00:00+01:00", false},
  };
  for (const auto& c : cases) EXPECT_EQ(identityFrozen(seedTimes(), at(c.now)), c.frozen) << c.now;
}

TEST(MigrationWindow, UserPathsAreTheApiAndTheActivationPages) {
  const struct {
    const char* path;
    bool user;
  } cases[] = {
      {"/api/v1/login", true},
      {"/api/v1/messages/12", true},
      {"/api/v1", true},
      {"/api/v1/webhooks/mollie", true},  // API.md: every /api/v1/* path
      {"/activeren", true},
      {"/activeren/wachtwoord", true},
      {"/activeren?token=x", true},
      {"/api/v10/x", false},
      {"/activerenx", false},
      {"/status", false},
      {"/status.json", false},
      {"/healthz", false},
      {"/readyz", false},
      {"/metrics", false},
      {"/kennisbank/MAINTENANCE", false},
      {"/", false},
  };
  for (const auto& c : cases) EXPECT_EQ(isUserPath(c.path), c.user) << c.path;
}

}  // namespace
}  // namespace berichtd::accounts
