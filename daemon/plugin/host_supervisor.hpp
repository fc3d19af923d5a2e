// HostSupervisor: runs one plugin out of process in a berichtd-plugin-host child and keeps it
// running. A host that exits or is killed is restarted with back-off (doubling from 1 s up
// to 30 s, reset after 30 s of uptime), so a crashing plugin never takes the daemon down and
// never spins. Meanwhile the broker notices the missing worker and /readyz reports the
// service unavailable.
//
// Thread-safe: start/stop from the daemon's main thread; pid()/restarts() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace berichtd::plugin {

struct HostCommand {
  std::string executable;          // path of berichtd-plugin-host
  std::vector<std::string> args;   // without argv[0]
};

class HostSupervisor {
 public:
  HostSupervisor(std::string pluginName, HostCommand command);
  ~HostSupervisor();
  HostSupervisor(const HostSupervisor&) = delete;
  HostSupervisor& operator=(const HostSupervisor&) = delete;

  void start();
  // Stops the host: SIGTERM, then SIGKILL after the grace period.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));

  pid_t pid() const { return pid_.load(); }
  int restarts() const { return restarts_.load(); }

 private:
  void run();
  pid_t spawn();

  std::string name_;
  HostCommand command_;
  std::atomic<pid_t> pid_{0};
  std::atomic<int> restarts_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace berichtd::plugin
