// Session lifetime and cookie (SPEC AU8): tables of cases on an injected time.
#include "auth/session_policy.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "auth/tokens.hpp"

namespace berichtd::auth {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(24 * 20000);

TEST(Session, DefaultsFollowAu8) {
  const SessionConfig cfg;
  EXPECT_EQ(cfg.idleTimeout, 15min);
  EXPECT_EQ(cfg.absoluteTimeout, 8h);
  EXPECT_TRUE(validate(cfg).isOk());
  EXPECT_EQ(validate(SessionConfig{0s, 8h}).code(), "CONFIG_INVALID");
  EXPECT_EQ(validate(SessionConfig{15min, 0s}).code(), "CONFIG_INVALID");
}

TEST(Session, ValidityTable) {
  struct Case {
    const char* name;
    std::chrono::seconds lastSeen;  // since creation
    std::chrono::milliseconds now;  // since creation
    bool valid;
    std::chrono::seconds expires;  // since creation
  };
  const SessionConfig cfg;
  const std::vector<Case> cases = {
      {"fresh", 0s, 0ms, true, 15min},
      {"idle 1 ms before the limit", 0s, 15min - 1ms, true, 15min},
      {"idle exactly at the limit", 0s, 15min, false, 15min},
      {"idle past the limit", 0s, 16min, false, 15min},
      {"active, idle limit moves", 1h, 1h + 14min, true, 1h + 15min},
      {"active, idle limit reached", 1h, 1h + 15min, false, 1h + 15min},
      {"absolute caps idle", 7h + 50min, 7h + 55min, true, 8h},
      {"absolute 1 ms before", 7h + 59min, 8h - 1ms, true, 8h},
      {"absolute exactly", 7h + 59min, 8h, false, 8h},
      {"absolute although just seen", 8h, 8h, false, 8h},
      {"idle and absolute at the same instant", 7h + 45min, 8h, false, 8h},
  };
  for (const auto& c : cases) {
    const SessionTimes t{kT0, kT0 + c.lastSeen};
    EXPECT_EQ(sessionValid(t, kT0 + c.now, cfg), c.valid) << c.name;
    EXPECT_EQ(expiresAt(t, cfg), kT0 + c.expires) << c.name;
  }
}

TEST(Session, ConfiguredTimeouts) {
  const SessionConfig cfg{30min, 12h};  // the values, if an operator chooses them
  const SessionTimes t{kT0, kT0 + 11h + 50min};
  EXPECT_EQ(expiresAt(t, cfg), kT0 + 12h);
  EXPECT_TRUE(sessionValid(SessionTimes{kT0, kT0}, kT0 + 29min, cfg));
  EXPECT_FALSE(sessionValid(SessionTimes{kT0, kT0}, kT0 + 30min, cfg));
}

TEST(Session, TouchTable) {
  struct Case {
    const char* name;
    std::chrono::seconds lastSeen;
    std::chrono::seconds now;
    std::chrono::seconds lastSeenAfter;
  };
  const std::vector<Case> cases = {
      {"moves forward", 0s, 10min, 10min},
      {"same instant", 5min, 5min, 5min},
      {"clock set back keeps the later time", 10min, 5min, 10min},
  };
  for (const auto& c : cases) {
    const SessionTimes after = touch(SessionTimes{kT0, kT0 + c.lastSeen}, kT0 + c.now);
    EXPECT_EQ(after.createdAt, kT0) << c.name;
    EXPECT_EQ(after.lastSeenAt, kT0 + c.lastSeenAfter) << c.name;
  }
  // Touching every 10 minutes keeps a session alive only up to the absolute timeout.
  const SessionConfig cfg;
  SessionTimes t{kT0, kT0};
  TimePoint now = kT0;
  int touches = 0;
  while (sessionValid(t, now, cfg)) {
    t = touch(t, now);
    now += 10min;
    ++touches;
  }
  EXPECT_EQ(now, kT0 + 8h);
  EXPECT_EQ(touches, 48);
}

TEST(Session, TouchWritesAtMostEveryInterval) {
  struct Case {
    const char* name;
    std::chrono::seconds lastSeen;
    std::chrono::seconds now;
    bool write;
  };
  const std::vector<Case> cases = {
      {"same instant", 0s, 0s, false},
      {"just under the interval", 0s, kTouchWriteInterval - 1s, false},
      {"exactly the interval", 0s, kTouchWriteInterval, true},
      {"minutes later", 0s, 10min, true},
      {"clock set back", 10min, 5min, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(touchNeedsWrite(SessionTimes{kT0, kT0 + c.lastSeen}, kT0 + c.now), c.write) << c.name;
  }
  // Requests every 5 s with writes only every 10 s: the session never expires more than
  // kTouchWriteInterval before idle timeout after the last request.
  const SessionConfig cfg;
  SessionTimes stored{kT0, kT0};
  TimePoint last = kT0;
  for (TimePoint now = kT0; now < kT0 + 5min; now += 5s) {
    ASSERT_TRUE(sessionValid(stored, now, cfg));
    if (touchNeedsWrite(stored, now)) stored = touch(stored, now);
    last = now;
  }
  EXPECT_GE(expiresAt(stored, cfg), last + cfg.idleTimeout - kTouchWriteInterval);
  EXPECT_LE(expiresAt(stored, cfg), last + cfg.idleTimeout);
}

TEST(Session, CookieStringIsExact) {
  struct Case {
    std::string token;
    std::chrono::seconds maxAge;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"abc", 28800s,
       "__Host-berichtd_session=abc; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=28800"},
      {"A-_9", 1s,
       "__Host-berichtd_session=A-_9; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=1"},
      {"t", 0s, "__Host-berichtd_session=t; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"},
      {"t", -5s, "__Host-berichtd_session=t; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"},
  };
  for (const auto& c : cases) EXPECT_EQ(sessionCookie(c.token, c.maxAge), c.expected);
  EXPECT_EQ(clearSessionCookie(),
            "__Host-berichtd_session=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
  EXPECT_EQ(sessionCookie("x", 1s).find("Domain"), std::string::npos);  // __Host- forbids it
}

TEST(Session, CookieMaxAgeRunsToTheAbsoluteEnd) {
  struct Case {
    std::chrono::milliseconds now;  // since creation
    long long maxAge;
  };
  const std::vector<Case> cases = {
      {0ms, 28800}, {1ms, 28799},  // rounded down: the cookie never outlives the session
      {1h, 25200},  {8h - 1s, 1}, {8h - 1ms, 0}, {8h, 0}, {9h, 0},
  };
  const SessionConfig cfg;
  for (const auto& c : cases) {
    const SessionTimes t{kT0, kT0 + c.now};
    EXPECT_EQ(sessionCookieFor("tok", t, kT0 + c.now, cfg),
              "__Host-berichtd_session=tok; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=" +
                  std::to_string(c.maxAge))
        << c.now.count();
  }
}

TEST(Session, RealTokensAreCookieSafe) {
  auto token = randomToken();
  ASSERT_TRUE(token);
  const std::string cookie = sessionCookie(*token, 60s);
  EXPECT_EQ(cookie.substr(0, kSessionCookieName.size() + 1 + token->size()),
            std::string(kSessionCookieName) + "=" + *token);
  EXPECT_EQ(token->find_first_of(" ;,\"\\="), std::string::npos);
}

}  // namespace
}  // namespace berichtd::auth
