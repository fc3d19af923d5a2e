// HostSupervisor restarts a killed host with back-off and stops it on request.
#include "plugin/host_supervisor.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

namespace berichtd::plugin {
namespace {

bool waitFor(const std::function<bool()>& cond, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

TEST(HostSupervisor, RestartsAKilledHostAndStopsItOnRequest) {
  HostSupervisor sup("sleeper", {"/bin/sleep", {"60"}});
  sup.start();
  ASSERT_TRUE(waitFor([&] { return sup.pid() != 0; }, std::chrono::seconds(5)));
  const pid_t first = sup.pid();
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  ASSERT_TRUE(
      waitFor([&] { return sup.pid() != 0 && sup.pid() != first; }, std::chrono::seconds(5)));
  EXPECT_EQ(sup.restarts(), 1);
  const pid_t second = sup.pid();
  sup.stop(std::chrono::milliseconds(2000));
  EXPECT_EQ(sup.pid(), 0);
  EXPECT_NE(::kill(second, 0), 0) << "the host must be gone after stop()";
}

TEST(HostSupervisor, AHostThatCannotStartDoesNotSpin) {
  HostSupervisor sup("missing", {"/nonexistent/berichtd-plugin-host", {}});
  sup.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  // First attempt, then back-off of 1 s: at most one restart in 1.5 s.
  EXPECT_LE(sup.restarts(), 1);
  sup.stop();
}

}  // namespace
}  // namespace berichtd::plugin
