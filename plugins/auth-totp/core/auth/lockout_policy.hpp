// Brute-force lockout rules (SPEC AU4, AU9; issue 3 item 3). Pure functions on a value type:
// no storage, no clock of their own (the caller passes `now` from berichtd::Clock), no I/O.
//
// One FailureState is kept per (kind, subject): kind is FailureKind (password, code, recovery
// code: separate counters, AU9); subject is the e-mail string as typed (normalised by the
// caller, whether or not an account has it, so the answer never reveals existence, AU4) or the
// client address. The caller checks isLocked() for every relevant state BEFORE looking at the
// credentials and refuses while any is locked, even if the credentials are right (AU4).
//
// Contract:
// - isLocked(s, now): lockedUntil is set and now < lockedUntil (the lock ends AT lockedUntil).
// - recordFailure(s, now, cfg):
//   * while locked: no change (attempts during a lock are not counted, so they cannot extend or
//     escalate a lock; AU9 against lock-out abuse);
//   * lockout memory: if the last lock ended at least cfg.lockoutMemory ago, the lockout count
//     is forgotten (lockouts = 0) before counting;
//   * window: a failure at or after firstFailureAt + failureWindow (or the first failure)
//     starts a new count of 1 at now; otherwise failures + 1;
//   * reaching maxFailures locks: lockedUntil = now + lockDuration(lockouts, cfg), lockouts + 1,
//     failures back to 0 (after the lock a fresh count of maxFailures starts).
// - lockDuration(k, cfg) = baseDuration * 2^k, capped at maxDuration (never permanent, AU9).
// - recordSuccess(s): failures = 0; lockouts and lockedUntil are kept (a success does not lift
//   a lock; lockouts keep driving growth until they are forgotten by the lockout memory).
// - retryAfter(s, now): whole seconds until the lock ends, rounded up; 0 when not locked.
// - validate(cfg): CONFIG_INVALID unless maxFailures >= 1, 0 < baseDuration <= maxDuration,
//   failureWindow > 0, lockoutMemory >= 0.
// Thread-safety: pure functions on values; safe from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "berichtd/status.hpp"
#include "core/clock.hpp"

namespace berichtd::auth {

enum class FailureKind { kPassword, kCode, kRecovery };

// "password", "code", "recovery": the kind as stored next to a counter.
std::string_view failureKindName(FailureKind kind);

struct LockoutConfig {
  int maxFailures = 5;  // auth.lockout.max_failures (AU4)
  // auth.lockout.duration (AU4): the first lock; later ones double (AU9).
  std::chrono::seconds baseDuration{std::chrono::minutes(15)};
  std::chrono::seconds maxDuration{std::chrono::hours(24)};      // cap of the growing lock (AU9)
  std::chrono::seconds failureWindow{std::chrono::minutes(15)};  // older failures restart the count
  // A lock that ended this long ago no longer counts for growth (AU9).
  std::chrono::seconds lockoutMemory{std::chrono::hours(24)};
};

struct FailureState {
  int failures = 0;                      // failures in the current window
  TimePoint firstFailureAt{};            // start of the current window (valid when failures > 0)
  int lockouts = 0;                      // locks remembered for growth (AU9)
  std::optional<TimePoint> lockedUntil;  // end of the current or last lock

  bool operator==(const FailureState&) const = default;
};

Status validate(const LockoutConfig& cfg);

std::chrono::seconds lockDuration(int priorLockouts, const LockoutConfig& cfg);
bool isLocked(const FailureState& state, TimePoint now);
FailureState recordFailure(const FailureState& state, TimePoint now, const LockoutConfig& cfg);
FailureState recordSuccess(const FailureState& state);
std::chrono::seconds retryAfter(const FailureState& state, TimePoint now);

}  // namespace berichtd::auth
