// Access-link and request-link rules (SPEC AC1, AC2): tables of cases on an injected time.
#include "auth/access_link_policy.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace berichtd::auth {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(24 * 20000);

TEST(AccessLink, ValidityIs24Hours) {
  EXPECT_EQ(kAccessLinkValidity, 24h);
  EXPECT_EQ(accessLinkExpiresAt(AccessLink{kT0, false, false}), kT0 + 24h);
}

TEST(AccessLink, CheckTable) {
  struct Case {
    const char* name;
    bool used;
    bool superseded;
    std::chrono::milliseconds now;  // since issue
    const char* code;               // "" = ok
  };
  const std::vector<Case> cases = {
      {"fresh", false, false, 0ms, ""},
      {"clock set back before issue", false, false, -1h, ""},
      {"23:59:59.999", false, false, 24h - 1ms, ""},
      {"exactly 24 h: expired", false, false, 24h, "ACCESS_LINK_EXPIRED"},
      {"25 h", false, false, 25h, "ACCESS_LINK_EXPIRED"},
      {"used, fresh", true, false, 1min, "ACCESS_LINK_USED"},
      {"used, since expired", true, false, 48h, "ACCESS_LINK_USED"},
      {"used and superseded", true, true, 1min, "ACCESS_LINK_USED"},
      {"superseded, fresh: answered as expired", false, true, 1min, "ACCESS_LINK_EXPIRED"},
      {"superseded and expired", false, true, 48h, "ACCESS_LINK_EXPIRED"},
  };
  for (const auto& c : cases) {
    const Status s = checkAccessLink(AccessLink{kT0, c.used, c.superseded}, kT0 + c.now);
    EXPECT_EQ(s.code(), c.code) << c.name;
    EXPECT_EQ(s.isOk(), std::string(c.code).empty()) << c.name;
  }
}

TEST(AccessLink, SupersededIsIndistinguishableFromExpired) {
  const Status superseded = checkAccessLink(AccessLink{kT0, false, true}, kT0 + 1min);
  const Status expired = checkAccessLink(AccessLink{kT0, false, false}, kT0 + 25h);
  EXPECT_EQ(superseded.code(), expired.code());
  EXPECT_EQ(superseded.message(), expired.message());
}

TEST(AccessLink, RequestLinkUsableTable) {
  struct Case {
    const char* state;
    bool usable;
  };
  const std::vector<Case> cases = {
      {"migrated", true}, {"active", false}, {"closed", false},
      {"deleted", false}, {"", false},       {"MIGRATED", false},
  };
  for (const auto& c : cases) EXPECT_EQ(requestLinkUsable(c.state), c.usable) << c.state;
}

}  // namespace
}  // namespace berichtd::auth
