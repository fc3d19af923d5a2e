// SessionCache (the daemon's short memory of confirmed sessions) as a table on injected times.
#include "app/session_cache.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace berichtd::app {
namespace {

using namespace std::chrono_literals;
using Steady = SessionCache::Steady;

TEST(SessionCache, FreshOnlyWithinTtlOnBothClocksAndBeforeTheSessionEnds) {
  const TimePoint p0 = *parseIso8601("2026-03-02T09:00:00.000Z");
  const Steady s0{};
  struct Case {
    const char* name;
    std::chrono::milliseconds platformLater;
    std::chrono::milliseconds steadyLater;
    std::chrono::milliseconds sessionLeft;  // expires_at - now at put()
    bool found;
  };
  const std::vector<Case> cases = {
      {"at once", 0ms, 0ms, 900000ms, true},
      {"just within the ttl", 999ms, 999ms, 900000ms, true},
      {"real time past the ttl", 0ms, 1000ms, 900000ms, false},
      {"platform clock jumped ahead", 1000ms, 0ms, 900000ms, false},
      {"platform clock set back", -60000ms, 10ms, 900000ms, true},
      {"platform clock set back, real time past", -60000ms, 1000ms, 900000ms, false},
      {"session ends within the ttl: before", 499ms, 0ms, 500ms, true},
      {"session ends within the ttl: at the end", 500ms, 0ms, 500ms, false},
  };
  for (const auto& c : cases) {
    SessionCache cache(1000ms);
    cache.put("tok", 7, p0 + c.sessionLeft, p0, s0);
    auto found = cache.find("tok", p0 + c.platformLater, s0 + c.steadyLater);
    EXPECT_EQ(found.has_value(), c.found) << c.name;
    if (found) {
      EXPECT_EQ(*found, 7) << c.name;
    }
  }
}

TEST(SessionCache, ForgetClearAndOtherTokens) {
  const TimePoint p0 = *parseIso8601("2026-03-02T09:00:00.000Z");
  const Steady s0{};
  SessionCache cache(1000ms);
  cache.put("a", 1, p0 + 1h, p0, s0);
  cache.put("b", 2, p0 + 1h, p0, s0);
  EXPECT_FALSE(cache.find("c", p0, s0).has_value());
  cache.forget("a");  // logout through this daemon
  EXPECT_FALSE(cache.find("a", p0, s0).has_value());
  EXPECT_EQ(cache.find("b", p0, s0), 2);
  cache.clear();  // recovery
  EXPECT_FALSE(cache.find("b", p0, s0).has_value());
  EXPECT_EQ(cache.size(), 0u);
}

TEST(SessionCache, BoundedSize) {
  const TimePoint p0 = *parseIso8601("2026-03-02T09:00:00.000Z");
  const Steady s0{};
  SessionCache cache(1000ms);
  for (std::size_t i = 0; i < SessionCache::kMaxEntries; ++i)
    cache.put("t" + std::to_string(i), 1, p0 + 1h, p0, s0);
  EXPECT_EQ(cache.size(), SessionCache::kMaxEntries);
  // All still fresh: a new one when full drops everything rather than grow.
  cache.put("one more", 2, p0 + 1h, p0, s0);
  EXPECT_EQ(cache.size(), 1u);
  // Expired ones go first: later, only the newest survives a full cache.
  for (std::size_t i = 0; i < SessionCache::kMaxEntries - 1; ++i)
    cache.put("u" + std::to_string(i), 1, p0 + 1h, p0, s0);
  cache.put("late", 3, p0 + 1h, p0, s0 + 5s);  // everything before is past the ttl now
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.find("late", p0, s0 + 5s), 3);
}

}  // namespace
}  // namespace berichtd::app
