// Session lifetime rules and the session cookie (SPEC AU8; issue 3 item 6). Pure functions on
// values: the caller passes `now` from berichtd::Clock; no storage, no I/O.
//
// Contract:
// - Defaults: idle timeout 15 min, absolute timeout 8 h (AU8; these stand over the issue's
//   30 min / 12 h). Both configurable.
// - expiresAt(t, cfg) = min(t.lastSeenAt + idleTimeout, t.createdAt + absoluteTimeout).
// - sessionValid(t, now, cfg): now < expiresAt(t, cfg); exactly at the expiry it is invalid.
// - touch(t, now): lastSeenAt = max(lastSeenAt, now) (a clock set back never shortens a
//   session); createdAt never changes, so activity cannot stretch the absolute timeout. Call
//   only for a session that is still valid.
// - touchNeedsWrite(stored, now): whether the touched lastSeenAt must be written back: only when
//   now is at least kTouchWriteInterval past the stored one. Requests in between read the session
//   without a write, so a session may expire up to kTouchWriteInterval EARLIER than idle timeout
//   after its last request — never later.
// - sessionCookie(token, maxAge): exactly
//     "__Host-berichtd_session=<token>; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=N"
//   (AU8: `__Host-` prefix, hence Secure, Path=/ and no Domain). Negative maxAge gives 0.
//   Precondition: token consists of cookie-octets (randomToken() is Base64url: it does).
// - sessionCookieFor(token, t, now, cfg): Max-Age = whole seconds from now to the ABSOLUTE
//   end (createdAt + absoluteTimeout), rounded down, at least 0. The idle timeout is enforced by
//   the server (sessionValid), so the cookie need not be re-sent on every request.
// - clearSessionCookie(): the same cookie with an empty value and Max-Age=0 (logout).
// - validate(cfg): CONFIG_INVALID unless 0 < idleTimeout and 0 < absoluteTimeout.
// Thread-safety: pure functions on values; safe from any thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "berichtd/status.hpp"
#include "core/clock.hpp"

namespace berichtd::auth {

inline constexpr std::string_view kSessionCookieName = "__Host-berichtd_session";

struct SessionConfig {
  std::chrono::seconds idleTimeout{std::chrono::minutes(15)};   // AU8
  std::chrono::seconds absoluteTimeout{std::chrono::hours(8)};  // AU8
};

struct SessionTimes {
  TimePoint createdAt;   // when the session was issued (after the second factor, AU8)
  TimePoint lastSeenAt;  // last authenticated request

  bool operator==(const SessionTimes&) const = default;
};

Status validate(const SessionConfig& cfg);

TimePoint expiresAt(const SessionTimes& times, const SessionConfig& cfg);
bool sessionValid(const SessionTimes& times, TimePoint now, const SessionConfig& cfg);
SessionTimes touch(const SessionTimes& times, TimePoint now);
inline constexpr std::chrono::seconds kTouchWriteInterval{10};
bool touchNeedsWrite(const SessionTimes& stored, TimePoint now);

std::string sessionCookie(std::string_view token, std::chrono::seconds maxAge);
std::string sessionCookieFor(std::string_view token, const SessionTimes& times, TimePoint now,
                             const SessionConfig& cfg);
std::string clearSessionCookie();

}  // namespace berichtd::auth
