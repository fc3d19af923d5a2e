// R1 activity stamps: when an activity must be written, as a table.
#include "accounts/activity.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace berichtd::accounts {
namespace {

using namespace std::chrono_literals;

TEST(Activity, WriteTable) {
  const TimePoint t0 = *parseIso8601("2026-03-02T09:00:00.000Z");
  struct Row {
    const char* name;
    std::optional<std::string> last;
    std::chrono::seconds after;
    bool write;
  };
  for (const Row& r : std::vector<Row>{
           {"never active", std::nullopt, 0s, true},
           {"unreadable stamp", std::string("gisteren"), 0s, true},
           {"same instant", std::string("2026-03-02T09:00:00.000Z"), 0s, false},
           {"59 s later", std::string("2026-03-02T09:00:00.000Z"), 59s, false},
           {"a minute later", std::string("2026-03-02T09:00:00.000Z"), 60s, true},
           {"months later", std::string("2026-03-02T09:00:00.000Z"), 24h * 90, true},
           {"clock set back", std::string("2026-03-02T10:00:00.000Z"), 0s, false},
       }) {
    EXPECT_EQ(activityNeedsWrite(r.last, t0 + r.after), r.write) << r.name;
  }
}

}  // namespace
}  // namespace berichtd::accounts
