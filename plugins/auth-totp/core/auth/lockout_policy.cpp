#include "auth/lockout_policy.hpp"

namespace berichtd::auth {

using namespace std::chrono_literals;

std::string_view failureKindName(FailureKind kind) {
  switch (kind) {
    case FailureKind::kPassword:
      return "password";
    case FailureKind::kCode:
      return "code";
    case FailureKind::kRecovery:
      return "recovery";
  }
  return "password";
}

Status validate(const LockoutConfig& cfg) {
  if (cfg.maxFailures < 1) {
    return Status::error("CONFIG_INVALID", "auth.lockout.max_failures must be at least 1");
  }
  if (cfg.baseDuration <= 0s || cfg.maxDuration < cfg.baseDuration) {
    return Status::error(
        "CONFIG_INVALID",
        "auth.lockout.duration must be positive and not above the maximum duration");
  }
  if (cfg.failureWindow <= 0s || cfg.lockoutMemory < 0s) {
    return Status::error("CONFIG_INVALID", "auth.lockout window and memory must be positive");
  }
  return Status::ok();
}

std::chrono::seconds lockDuration(int priorLockouts, const LockoutConfig& cfg) {
  std::chrono::seconds d = cfg.baseDuration;
  // Doubling stops at the cap, so this cannot overflow however large priorLockouts is.
  for (int i = 0; i < priorLockouts && d < cfg.maxDuration; ++i) d *= 2;
  return d < cfg.maxDuration ? d : cfg.maxDuration;
}

bool isLocked(const FailureState& state, TimePoint now) {
  return state.lockedUntil.has_value() && now < *state.lockedUntil;
}

FailureState recordFailure(const FailureState& state, TimePoint now, const LockoutConfig& cfg) {
  if (isLocked(state, now)) return state;
  FailureState next = state;
  if (next.lockedUntil && now >= *next.lockedUntil + cfg.lockoutMemory) {
    next.lockouts = 0;
    next.lockedUntil.reset();
  }
  if (next.failures <= 0 || now >= next.firstFailureAt + cfg.failureWindow) {
    next.failures = 1;
    next.firstFailureAt = now;
  } else {
    ++next.failures;
  }
  if (next.failures >= cfg.maxFailures) {
    next.lockedUntil = now + lockDuration(next.lockouts, cfg);
    ++next.lockouts;
    next.failures = 0;
    next.firstFailureAt = TimePoint{};
  }
  return next;
}

FailureState recordSuccess(const FailureState& state) {
  FailureState next = state;
  next.failures = 0;
  next.firstFailureAt = TimePoint{};
  return next;
}

std::chrono::seconds retryAfter(const FailureState& state, TimePoint now) {
  if (!isLocked(state, now)) return 0s;
  return std::chrono::ceil<std::chrono::seconds>(*state.lockedUntil - now);
}

}  // namespace berichtd::auth
