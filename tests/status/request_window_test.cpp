// RequestWindow: counts, errors and p95 over a sliding window of seconds (SPEC S2).
#include "status/request_window.hpp"

#include <gtest/gtest.h>

namespace berichtd::status {
namespace {

using namespace std::chrono;
using T = RequestWindow::Clock::time_point;

TEST(RequestWindow, CountsErrorsAndP95InTheWindow) {
  RequestWindow w(seconds(60));
  const T t0{seconds(1000)};
  for (int i = 0; i < 90; ++i) w.record("auth", true, milliseconds(8), t0);
  for (int i = 0; i < 10; ++i) w.record("auth", false, milliseconds(400), t0 + seconds(30));
  auto s = w.stats("auth", t0 + seconds(30));
  EXPECT_EQ(s.requests, 100);
  EXPECT_EQ(s.errors, 10);
  EXPECT_EQ(s.p95Ms, 500);  // the 95th request is one of the slow ones (≤ 500 ms bucket)
  auto other = w.stats("billing", t0);
  EXPECT_EQ(other.requests, 0);
  EXPECT_EQ(other.p95Ms, 0);
}

TEST(RequestWindow, P95IsTheBucketOfThe95thRequest) {
  RequestWindow w(seconds(10));
  const T t0{seconds(5000)};
  for (int i = 0; i < 95; ++i) w.record("s", true, milliseconds(3), t0);
  for (int i = 0; i < 5; ++i) w.record("s", true, milliseconds(9000), t0);
  EXPECT_EQ(w.stats("s", t0).p95Ms, 5);  // 95 of 100 are fast
  w.record("s", true, milliseconds(9000), t0);
  EXPECT_EQ(w.stats("s", t0).p95Ms, 10000);  // now the 96th of 101 is slow
  w.record("s", true, milliseconds(120000), t0);
  EXPECT_EQ(w.stats("s", t0).p95Ms, 10000);
}

TEST(RequestWindow, OldSecondsLeaveTheWindow) {
  RequestWindow w(seconds(60));
  const T t0{seconds(2000)};
  w.record("s", false, milliseconds(1), t0);
  EXPECT_EQ(w.stats("s", t0 + seconds(59)).requests, 1);
  EXPECT_EQ(w.stats("s", t0 + seconds(60)).requests, 0);
  // The slot is reused for a later second: the old count does not come back.
  w.record("s", true, milliseconds(1), t0 + seconds(120));
  auto s = w.stats("s", t0 + seconds(120));
  EXPECT_EQ(s.requests, 1);
  EXPECT_EQ(s.errors, 0);
}

}  // namespace
}  // namespace berichtd::status
