// The pure campaign rules (SPEC N1, M4) as tables with an injected "now": who is in an
// audience, how many mails a campaign may have queued by a moment, and when the next wave is.
#include "campaigns/campaign_rules.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace berichtd::campaigns {
namespace {

TimePoint at(const std::string& iso) { return *parseIso8601(iso); }

TEST(CampaignRules, Audiences) {
  struct Row {
    Audience audience;
    const char* state;
    bool in;
  };
  const Row rows[] = {
      {Audience::kAll, "migrated", true},      {Audience::kAll, "active", true},
      {Audience::kAll, "closed", true},        {Audience::kAll, "deleted", false},
      {Audience::kMigrated, "migrated", true}, {Audience::kMigrated, "active", false},
      {Audience::kMigrated, "closed", false},  {Audience::kMigrated, "deleted", false},
      {Audience::kActive, "active", true},     {Audience::kActive, "migrated", false},
      {Audience::kActive, "closed", false},    {Audience::kActive, "deleted", false},
  };
  for (const auto& r : rows)
    EXPECT_EQ(inAudience(r.audience, r.state), r.in)
        << audienceName(r.audience) << " / " << r.state;
}

Campaign waves(int64_t size, std::chrono::seconds interval) {
  Campaign c;
  c.name = "activering";
  c.sendAt = at("2026-02-16T08:00:00+01:00");
  c.waveSize = size;
  c.waveInterval = interval;
  return c;
}

constexpr int64_t kAll = std::numeric_limits<int64_t>::max();

// M4: waves of 2000 an hour from 08:00 on 16 February (Amsterdam).
TEST(CampaignRules, AllowedByNowFollowsTheWaves) {
  const Campaign c = waves(2000, std::chrono::hours(1));
  struct Row {
    const char* now;
    int64_t allowed;
  };
  const Row rows[] = {
      {"2026-02-16T07:59:59+01:00", 0},     // before the send time: nothing
      {"2026-02-16T08:00:00+01:00", 2000},  // the first wave starts at the send time
      {"2026-02-16T08:59:59+01:00", 2000},
      {"2026-02-16T09:00:00+01:00", 4000},  // the second an interval later
      {"2026-02-16T11:30:00+01:00", 8000},
      {"2026-02-17T08:00:00+01:00", 50000},  // 24 h later: the 25th wave
  };
  for (const auto& r : rows) EXPECT_EQ(allowedByNow(c, at(r.now)), r.allowed) << r.now;

  const Campaign once = waves(0, std::chrono::seconds(0));  // no waves: all at once
  EXPECT_EQ(allowedByNow(once, at("2026-02-16T07:00:00Z")), kAll);
  EXPECT_EQ(allowedByNow(once, at("2026-02-16T06:59:59Z")), 0);
}

TEST(CampaignRules, ToQueueCountsWhatIsAlreadyQueuedAndWhoIsLeft) {
  const Campaign c = waves(100, std::chrono::minutes(30));
  struct Row {
    const char* now;
    int64_t queued;
    int64_t remaining;
    int64_t expected;
  };
  const Row rows[] = {
      {"2026-02-16T06:00:00Z", 0, 500, 0},      // not yet due
      {"2026-02-16T07:00:00Z", 0, 500, 100},    // first wave
      {"2026-02-16T07:10:00Z", 100, 400, 0},    // first wave done, second not yet started
      {"2026-02-16T07:10:00Z", 40, 460, 60},    // a restart mid-wave finishes the wave only
      {"2026-02-16T07:30:00Z", 100, 400, 100},  // second wave
      {"2026-02-16T09:00:00Z", 100, 400, 400},  // behind (daemon was down): catches up
      {"2026-02-16T09:00:00Z", 100, 30, 30},    // never more than the audience left
      {"2026-02-16T09:00:00Z", 500, 0, 0},      // everyone has one
      {"2026-02-16T07:00:00Z", 150, 10, 0},     // more queued than allowed (send now): none
  };
  for (const auto& r : rows)
    EXPECT_EQ(toQueue(c, at(r.now), r.queued, r.remaining), r.expected)
        << r.now << " queued " << r.queued << " remaining " << r.remaining;
}

TEST(CampaignRules, NextWave) {
  const Campaign c = waves(100, std::chrono::minutes(30));
  struct Row {
    const char* now;
    const char* next;  // nullptr: none
  };
  const Row rows[] = {
      {"2026-02-10T00:00:00Z", "2026-02-16T07:00:00.000Z"},
      {"2026-02-16T07:00:00Z", "2026-02-16T07:30:00.000Z"},
      {"2026-02-16T07:29:59Z", "2026-02-16T07:30:00.000Z"},
      {"2026-02-16T07:30:00Z", "2026-02-16T08:00:00.000Z"},
  };
  for (const auto& r : rows) {
    auto next = nextWaveAt(c, at(r.now));
    ASSERT_TRUE(next) << r.now;
    EXPECT_EQ(formatIso8601(*next), r.next) << r.now;
  }
  const Campaign once = waves(0, std::chrono::seconds(0));
  EXPECT_EQ(formatIso8601(*nextWaveAt(once, at("2026-02-16T06:00:00Z"))),
            "2026-02-16T07:00:00.000Z");
  EXPECT_FALSE(nextWaveAt(once, at("2026-02-16T07:00:00Z")));
}

// N1: from send_until on a campaign queues nothing more — not for late joiners, not in waves —
// whatever was queued before; without send_until it never closes.
TEST(CampaignRules, SendUntilClosesTheCampaign) {
  Campaign once = waves(0, std::chrono::seconds(0));  // 07:00Z
  once.sendUntil = at("2026-02-16T10:00:00Z");
  Campaign waved = waves(100, std::chrono::hours(1));  // 07:00Z, 08:00Z, 09:00Z, (10:00Z)
  waved.sendUntil = at("2026-02-16T09:30:00Z");
  struct Row {
    const Campaign* c;
    const char* now;
    bool closed;
    int64_t allowed;
    int64_t toQueue;  // with 50 queued and 400 of the audience without one
  };
  const Row rows[] = {
      {&once, "2026-02-16T06:59:59Z", false, 0, 0},       // before send_at
      {&once, "2026-02-16T07:00:00Z", false, kAll, 400},  // due
      {&once, "2026-02-16T09:59:59Z", false, kAll, 400},  // a late joiner just in time
      {&once, "2026-02-16T10:00:00Z", true, 0, 0},        // at send_until: closed
      {&once, "2026-03-01T00:00:00Z", true, 0, 0},        // and stays closed
      {&waved, "2026-02-16T07:00:00Z", false, 100, 50},   // first wave, 50 already queued
      {&waved, "2026-02-16T09:29:59Z", false, 300, 250},  // third wave
      {&waved, "2026-02-16T09:30:00Z", true, 0, 0},       // closed mid-wave: no catching up
      {&waved, "2026-02-16T12:00:00Z", true, 0, 0},       // later waves never start
  };
  for (const auto& r : rows) {
    EXPECT_EQ(closed(*r.c, at(r.now)), r.closed) << r.now;
    EXPECT_EQ(allowedByNow(*r.c, at(r.now)), r.allowed) << r.now;
    EXPECT_EQ(toQueue(*r.c, at(r.now), 50, 400), r.toQueue) << r.now;
  }
  const Campaign open = waves(0, std::chrono::seconds(0));
  EXPECT_FALSE(closed(open, at("2099-01-01T00:00:00Z")));
  EXPECT_EQ(allowedByNow(open, at("2099-01-01T00:00:00Z")), kAll);
}

// nextWaveAt never names a wave at or after send_until.
TEST(CampaignRules, NextWaveStopsAtSendUntil) {
  Campaign c = waves(100, std::chrono::hours(1));  // waves at 07:00Z, 08:00Z, 09:00Z, ...
  c.sendUntil = at("2026-02-16T09:00:00Z");        // the 09:00Z wave would start at send_until
  struct Row {
    const char* now;
    const char* next;  // nullptr: none
  };
  const Row rows[] = {
      {"2026-02-16T06:00:00Z", "2026-02-16T07:00:00.000Z"},  // before send_at
      {"2026-02-16T07:00:00Z", "2026-02-16T08:00:00.000Z"},
      {"2026-02-16T08:00:00Z", nullptr},  // the next (09:00Z) is at send_until
      {"2026-02-16T08:59:59Z", nullptr},
      {"2026-02-16T09:00:00Z", nullptr},  // closed
      {"2026-02-17T00:00:00Z", nullptr},
  };
  for (const auto& r : rows) {
    auto next = nextWaveAt(c, at(r.now));
    if (r.next == nullptr) {
      EXPECT_FALSE(next) << r.now << " → " << formatIso8601(*next);
    } else {
      ASSERT_TRUE(next) << r.now;
      EXPECT_EQ(formatIso8601(*next), r.next) << r.now;
    }
  }
  c.sendUntil = at("2026-02-16T09:00:01Z");  // one second later the 09:00Z wave still starts
  EXPECT_EQ(formatIso8601(*nextWaveAt(c, at("2026-02-16T08:00:00Z"))), "2026-02-16T09:00:00.000Z");
  EXPECT_FALSE(nextWaveAt(c, at("2026-02-16T09:00:00Z")));  // the 10:00Z one does not
}

}  // namespace
}  // namespace berichtd::campaigns
