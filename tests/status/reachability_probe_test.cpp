// ReachabilityProbe (SPEC S2; issue 6 item 1, "the payment provider's reachability"): the
// verdict of a `ping` answer as a table, and the remembered verdicts per service.
#include "status/reachability_probe.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace berichtd::status {
namespace {

struct VerdictCase {
  const char* code;  // "" for a reply
  Reachability want;
};

TEST(ReachabilityVerdict, EachAnswerMeansWhatTheTableSays) {
  const VerdictCase cases[] = {
      {"", Reachability::kReachable},
      {"UNKNOWN_ACTION", Reachability::kUnknown},  // a plugin without `ping`: nothing learnt
      {"PROVIDER_UNAVAILABLE", Reachability::kUnreachable},
      {"PROVIDER_REJECTED", Reachability::kUnreachable},  // a revoked key serves nobody
      {"TIMEOUT", Reachability::kUnreachable},
      {"SERVICE_UNAVAILABLE", Reachability::kUnreachable},
      {"BUSY", Reachability::kUnreachable},
      {"PLUGIN_ERROR", Reachability::kUnreachable},
      {"INTERNAL", Reachability::kUnreachable},
  };
  for (const auto& c : cases) {
    const Status s = *c.code ? Status::error(c.code, "m") : Status::ok();
    EXPECT_EQ(verdictOf(s), c.want) << c.code;
  }
}

TEST(ReachabilityProbe, RemembersTheLastVerdictPerService) {
  std::deque<std::string> answers;  // per ping in order; "" is a reply
  std::vector<Message> asked;
  ReachabilityProbe probe(
      {"billing", "archive"},
      [&](Message m, std::chrono::milliseconds timeout) -> Result<Message> {
        EXPECT_EQ(timeout, std::chrono::milliseconds(250));
        asked.push_back(m);
        const std::string code = answers.front();
        answers.pop_front();
        if (code.empty()) return Message{m.service, m.action, m.correlationId, {}, "{}"};
        return Status::error(code, "from the test");
      },
      std::chrono::milliseconds(250));
  // Not probed yet: no evidence is not an outage.
  EXPECT_TRUE(probe.reachable("billing"));
  EXPECT_EQ(probe.lastFailure("billing"), "");

  answers = {"PROVIDER_UNAVAILABLE", "UNKNOWN_ACTION"};
  probe.probeOnce();
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_EQ(asked[0].service, "billing");
  EXPECT_EQ(asked[0].action, "ping");
  EXPECT_EQ(asked[1].service, "archive");
  EXPECT_FALSE(probe.reachable("billing"));
  EXPECT_EQ(probe.lastFailure("billing"), "PROVIDER_UNAVAILABLE");
  EXPECT_TRUE(probe.reachable("archive"));
  EXPECT_EQ(probe.lastFailure("archive"), "");
  EXPECT_TRUE(probe.reachable("mail"));  // not probed at all

  answers = {"", "TIMEOUT"};
  probe.probeOnce();
  EXPECT_TRUE(probe.reachable("billing"));
  EXPECT_EQ(probe.lastFailure("billing"), "");
  EXPECT_FALSE(probe.reachable("archive"));
  EXPECT_EQ(probe.lastFailure("archive"), "TIMEOUT");
}

TEST(ReachabilityProbe, TheThreadProbesAtOnceAndStopsPromptly) {
  std::mutex m;
  std::condition_variable cv;
  int pings = 0;
  ReachabilityProbe probe(
      {"billing"},
      [&](Message, std::chrono::milliseconds) -> Result<Message> {
        std::lock_guard lock(m);
        ++pings;
        cv.notify_all();
        return Status::error("PROVIDER_UNAVAILABLE", "down");
      },
      std::chrono::milliseconds(100));
  probe.start(std::chrono::hours(1));  // only the first pass can happen in this test
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return pings >= 1; }));
  }
  probe.stop();  // does not wait out the hour
  EXPECT_EQ(pings, 1);
  EXPECT_FALSE(probe.reachable("billing"));
}

}  // namespace
}  // namespace berichtd::status
