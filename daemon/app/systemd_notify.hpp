// systemd integration (Type=notify): READY=1 once configuration, database, bus, plugins and
// listeners are up; STOPPING=1 at the start of a graceful stop; RELOADING=1/READY=1 around a
// SIGHUP reload; WATCHDOG=1 from a thread that pings at half of WatchdogSec, but only while the
// broker loop keeps making progress — a stuck broker stops the pings and systemd restarts us.
// Without $NOTIFY_SOCKET every call is a no-op.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace berichtd::app {

void notifySystemd(const std::string& state);

class Watchdog {
 public:
  // progress() must change between two pings for the ping to be sent.
  explicit Watchdog(std::function<uint64_t()> progress);
  ~Watchdog();
  void start();  // no-op unless systemd asked for a watchdog (WATCHDOG_USEC)
  void stop();

 private:
  void run(uint64_t intervalUs);
  std::function<uint64_t()> progress_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace berichtd::app
