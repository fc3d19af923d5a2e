// Lockout rules (SPEC AU4, AU9): tables of cases on an injected time.
#include "auth/lockout_policy.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace berichtd::auth {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(24 * 20000);  // about 2024

// Applies `n` failures at kT0 + offsets[i].
FailureState failAt(FailureState s, const std::vector<std::chrono::seconds>& offsets,
                    const LockoutConfig& cfg = {}) {
  for (auto o : offsets) s = recordFailure(s, kT0 + o, cfg);
  return s;
}

TEST(Lockout, DefaultsFollowAu4) {
  const LockoutConfig cfg;
  EXPECT_EQ(cfg.maxFailures, 5);
  EXPECT_EQ(cfg.baseDuration, 15min);
  EXPECT_EQ(cfg.maxDuration, 24h);
  EXPECT_EQ(cfg.failureWindow, 15min);
  EXPECT_EQ(cfg.lockoutMemory, 24h);
  EXPECT_TRUE(validate(cfg).isOk());
  EXPECT_EQ(failureKindName(FailureKind::kPassword), "password");
  EXPECT_EQ(failureKindName(FailureKind::kCode), "code");
  EXPECT_EQ(failureKindName(FailureKind::kRecovery), "recovery");
}

TEST(Lockout, ValidateTable) {
  struct Case {
    const char* name;
    LockoutConfig cfg;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"defaults", {}, true},
      {"one failure", {1, 15min, 24h, 15min, 24h}, true},
      {"zero failures", {0, 15min, 24h, 15min, 24h}, false},
      {"zero duration", {5, 0s, 24h, 15min, 24h}, false},
      {"base above max", {5, 25h, 24h, 15min, 24h}, false},
      {"base equals max", {5, 24h, 24h, 15min, 24h}, true},
      {"zero window", {5, 15min, 24h, 0s, 24h}, false},
      {"zero memory", {5, 15min, 24h, 15min, 0s}, true},
      {"negative memory", {5, 15min, 24h, 15min, -1s}, false},
  };
  for (const auto& c : cases) {
    const Status s = validate(c.cfg);
    EXPECT_EQ(s.isOk(), c.ok) << c.name;
    if (!c.ok) {
      EXPECT_EQ(s.code(), "CONFIG_INVALID") << c.name;
    }
  }
}

TEST(Lockout, DurationGrowsAndIsCapped) {
  struct Case {
    int prior;
    std::chrono::seconds expected;
  };
  const LockoutConfig cfg;
  const std::vector<Case> cases = {
      {0, 15min}, {1, 30min}, {2, 1h},  {3, 2h},   {4, 4h},        {5, 8h},
      {6, 16h},   {7, 24h},   {8, 24h}, {40, 24h}, {1000000, 24h},
  };
  for (const auto& c : cases) EXPECT_EQ(lockDuration(c.prior, cfg), c.expected) << c.prior;
  LockoutConfig odd;
  odd.baseDuration = 10min;
  odd.maxDuration = 35min;
  EXPECT_EQ(lockDuration(0, odd), 10min);
  EXPECT_EQ(lockDuration(1, odd), 20min);
  EXPECT_EQ(lockDuration(2, odd), 35min);  // 40 min capped
}

TEST(Lockout, CountingWithinAndAcrossTheWindow) {
  struct Case {
    const char* name;
    std::vector<std::chrono::seconds> failures;
    int failuresAfter;
    std::chrono::seconds firstFailureOffset;
    bool locked;
  };
  const std::vector<Case> cases = {
      {"none", {}, 0, 0s, false},
      {"one", {0s}, 1, 0s, false},
      {"four quickly", {0s, 1s, 2s, 3s}, 4, 0s, false},
      {"five quickly lock", {0s, 1s, 2s, 3s, 4s}, 0, 0s, true},
      {"fifth 1 s before window end", {0s, 1s, 2s, 3s, 15min - 1s}, 0, 0s, true},
      {"fifth exactly at window end restarts", {0s, 1s, 2s, 3s, 15min}, 1, 15min, false},
      {"window restarts, then 4 more", {0s, 1s, 15min, 16min, 17min, 18min}, 4, 15min, false},
      {"window restarts, then 5 more", {0s, 15min, 16min, 17min, 18min, 19min}, 0, 0s, true},
      {"spread out never locks", {0s, 10min, 20min, 30min, 40min, 50min, 60min}, 1, 60min, false},
  };
  for (const auto& c : cases) {
    const FailureState s = failAt({}, c.failures);
    EXPECT_EQ(s.failures, c.failuresAfter) << c.name;
    if (s.failures > 0) {
      EXPECT_EQ(s.firstFailureAt, kT0 + c.firstFailureOffset) << c.name;
    }
    const TimePoint last = c.failures.empty() ? kT0 : kT0 + c.failures.back();
    EXPECT_EQ(isLocked(s, last), c.locked) << c.name;
    EXPECT_EQ(s.lockouts, c.locked ? 1 : 0) << c.name;
  }
}

TEST(Lockout, LockBoundariesAndRetryAfter) {
  const FailureState s = failAt({}, {0s, 0s, 0s, 0s, 0s});
  ASSERT_TRUE(s.lockedUntil.has_value());
  EXPECT_EQ(*s.lockedUntil, kT0 + 15min);
  struct Case {
    std::chrono::milliseconds at;
    bool locked;
    std::chrono::seconds retry;
  };
  const std::vector<Case> cases = {
      {0ms, true, 900s},        {1ms, true, 900s},  // rounded up
      {999ms, true, 900s},      {1000ms, true, 899s},
      {15min - 1ms, true, 1s},  {15min, false, 0s},  // the lock ends exactly at lockedUntil
      {15min + 1ms, false, 0s}, {48h, false, 0s},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(isLocked(s, kT0 + c.at), c.locked) << c.at.count();
    EXPECT_EQ(retryAfter(s, kT0 + c.at), c.retry) << c.at.count();
  }
  EXPECT_FALSE(isLocked(FailureState{}, kT0));
  EXPECT_EQ(retryAfter(FailureState{}, kT0), 0s);
}

TEST(Lockout, FailuresWhileLockedAreNotCounted) {
  const FailureState locked = failAt({}, {0s, 0s, 0s, 0s, 0s});
  for (std::chrono::seconds at : std::vector<std::chrono::seconds>{0s, 1s, 10min, 15min - 1s}) {
    EXPECT_EQ(recordFailure(locked, kT0 + at, {}), locked) << at.count();
  }
  // At the end of the lock a failure starts a fresh count.
  const FailureState after = recordFailure(locked, kT0 + 15min, {});
  EXPECT_EQ(after.failures, 1);
  EXPECT_EQ(after.lockouts, 1);
  EXPECT_FALSE(isLocked(after, kT0 + 15min));
}

// Repeated lockouts: maxFailures failures right after each lock ends.
TEST(Lockout, RepeatedLockoutsGrowToTheCapNeverPermanent) {
  const LockoutConfig cfg;
  const std::vector<std::chrono::seconds> expected = {15min, 30min, 1h,  2h,  4h,
                                                      8h,    16h,   24h, 24h, 24h};
  FailureState s;
  TimePoint now = kT0;
  for (size_t i = 0; i < expected.size(); ++i) {
    for (int f = 0; f < cfg.maxFailures; ++f) s = recordFailure(s, now, cfg);
    ASSERT_TRUE(s.lockedUntil) << i;
    EXPECT_EQ(*s.lockedUntil - now, expected[i]) << "lockout " << i;
    EXPECT_EQ(s.lockouts, static_cast<int>(i) + 1);
    EXPECT_TRUE(isLocked(s, now));
    now = *s.lockedUntil;
    EXPECT_FALSE(isLocked(s, now)) << "lockout " << i << " must end";
  }
}

TEST(Lockout, LockoutMemoryTable) {
  // Two lockouts back to back; the second ends at kT0 + 15min + 30min.
  FailureState s = failAt({}, {0s, 0s, 0s, 0s, 0s});
  s = failAt(s, {15min, 15min, 15min, 15min, 15min});
  ASSERT_EQ(s.lockouts, 2);
  const TimePoint ended = *s.lockedUntil;
  ASSERT_EQ(ended, kT0 + 45min);
  struct Case {
    const char* name;
    std::chrono::seconds after;  // since the last lock ended
    std::chrono::seconds nextLock;
    int lockoutsAfter;
  };
  const std::vector<Case> cases = {
      {"right after", 0s, 1h, 3},
      {"23:59:59 later", 24h - 1s, 1h, 3},
      {"exactly 24 h later: forgotten", 24h, 15min, 1},
      {"a week later", 24h * 7, 15min, 1},
  };
  for (const auto& c : cases) {
    FailureState t = s;
    const TimePoint at = ended + c.after;
    for (int f = 0; f < 5; ++f) t = recordFailure(t, at, {});
    ASSERT_TRUE(t.lockedUntil) << c.name;
    EXPECT_EQ(*t.lockedUntil - at, c.nextLock) << c.name;
    EXPECT_EQ(t.lockouts, c.lockoutsAfter) << c.name;
  }
}

TEST(Lockout, SuccessResetsFailuresKeepsLockoutsAndLocks) {
  struct Case {
    const char* name;
    FailureState before;
    FailureState after;
  };
  const TimePoint until = kT0 + 30min;
  const std::vector<Case> cases = {
      {"empty", {}, {}},
      {"some failures", {3, kT0, 0, std::nullopt}, {0, TimePoint{}, 0, std::nullopt}},
      {"after lockouts", {2, kT0, 2, until}, {0, TimePoint{}, 2, until}},
  };
  for (const auto& c : cases) EXPECT_EQ(recordSuccess(c.before), c.after) << c.name;
  // A success does not lift a running lock.
  const FailureState locked = failAt({}, {0s, 0s, 0s, 0s, 0s});
  EXPECT_TRUE(isLocked(recordSuccess(locked), kT0 + 1s));
  // After success the count starts again: four more failures do not lock.
  FailureState s = failAt({}, {0s, 1s, 2s, 3s});
  s = recordSuccess(s);
  s = failAt(s, {4s, 5s, 6s, 7s});
  EXPECT_FALSE(isLocked(s, kT0 + 7s));
  EXPECT_EQ(s.failures, 4);
}

TEST(Lockout, MaxFailuresOneLocksOnTheFirstFailure) {
  LockoutConfig cfg;
  cfg.maxFailures = 1;
  const FailureState s = recordFailure({}, kT0, cfg);
  EXPECT_TRUE(isLocked(s, kT0));
  EXPECT_EQ(retryAfter(s, kT0), 900s);
}

}  // namespace
}  // namespace berichtd::auth
