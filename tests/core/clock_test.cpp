#include "core/clock.hpp"

#include <gtest/gtest.h>

namespace berichtd {
namespace {

TEST(Iso8601, ParsesOffsetsDatesAndFractionsTable) {
  struct Case {
    const char* text;
    const char* utc;  // nullptr: must not parse
  };
  const Case cases[] = {
      {"2026-03-01T00:00:00+01:00", "2026-02-28T23:00:00.000Z"},
      {"2026-08-31T12:30:00Z", "2026-08-31T12:30:00.000Z"},
      {"2026-02-13T00:00:00.250+01:00", "2026-02-12T23:00:00.250Z"},
      {"2026-03-01", "2026-03-01T00:00:00.000Z"},
      {"gisteren", nullptr},
      {"", nullptr},
      {"2026-13-01", nullptr},
      {"2026-02-29", nullptr},
      {"2026-03-01T00:00:00", nullptr},
      {"2026-03-01T24:00:00Z", nullptr},
      {"2026-03-01T00:00:00+25:00", nullptr},
      {"2026-03-01T00:00:00-05:30", "2026-03-01T05:30:00.000Z"},
      {"2028-02-29T12:00:00.123456789Z", "2028-02-29T12:00:00.123Z"},
  };
  for (const auto& c : cases) {
    auto t = parseIso8601(c.text);
    if (c.utc == nullptr) {
      EXPECT_FALSE(t.has_value()) << c.text;
    } else {
      ASSERT_TRUE(t.has_value()) << c.text;
      EXPECT_EQ(formatIso8601(*t), c.utc) << c.text;
    }
  }
}

TEST(ManualClock, StandsStillUntilSetOrAdvanced) {
  auto start = *parseIso8601("2026-02-16T08:00:00+01:00");
  ManualClock clock(start);
  EXPECT_TRUE(clock.isManual());
  EXPECT_EQ(clock.now(), start);
  clock.advance(std::chrono::hours(24));
  EXPECT_EQ(formatIso8601(clock.now()), "2026-02-17T07:00:00.000Z");
  clock.set(*parseIso8601("2026-03-01T00:00:00+01:00"));
  EXPECT_EQ(formatIso8601(clock.now()), "2026-02-28T23:00:00.000Z");
}

TEST(SystemClock, FollowsTheRealTime) {
  SystemClock clock;
  EXPECT_FALSE(clock.isManual());
  auto diff = clock.now() - std::chrono::system_clock::now();
  EXPECT_LT(std::chrono::abs(diff), std::chrono::seconds(1));
}

}  // namespace
}  // namespace berichtd
