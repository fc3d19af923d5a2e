#include "auth/session_policy.hpp"

#include <algorithm>

namespace berichtd::auth {

Status validate(const SessionConfig& cfg) {
  if (cfg.idleTimeout <= std::chrono::seconds::zero() ||
      cfg.absoluteTimeout <= std::chrono::seconds::zero()) {
    return Status::error("CONFIG_INVALID", "session idle and absolute timeouts must be positive");
  }
  return Status::ok();
}

TimePoint expiresAt(const SessionTimes& times, const SessionConfig& cfg) {
  return std::min(times.lastSeenAt + cfg.idleTimeout, times.createdAt + cfg.absoluteTimeout);
}

bool sessionValid(const SessionTimes& times, TimePoint now, const SessionConfig& cfg) {
  return now < expiresAt(times, cfg);
}

SessionTimes touch(const SessionTimes& times, TimePoint now) {
  return SessionTimes{times.createdAt, std::max(times.lastSeenAt, now)};
}

bool touchNeedsWrite(const SessionTimes& stored, TimePoint now) {
  return now - stored.lastSeenAt >= kTouchWriteInterval;
}

std::string sessionCookie(std::string_view token, std::chrono::seconds maxAge) {
  const long long seconds = std::max<long long>(0, maxAge.count());
  std::string out(kSessionCookieName);
  out += '=';
  out += token;
  out += "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=";
  out += std::to_string(seconds);
  return out;
}

std::string sessionCookieFor(std::string_view token, const SessionTimes& times, TimePoint now,
                             const SessionConfig& cfg) {
  const auto left =
      std::chrono::floor<std::chrono::seconds>(times.createdAt + cfg.absoluteTimeout - now);
  return sessionCookie(token, left);
}

std::string clearSessionCookie() { return sessionCookie("", std::chrono::seconds::zero()); }

}  // namespace berichtd::auth
