#include "app/systemd_notify.hpp"

#include <Poco/Logger.h>
#include <systemd/sd-daemon.h>

#include <chrono>

#include "core/logging.hpp"

namespace berichtd::app {

void notifySystemd(const std::string& state) { sd_notify(0, state.c_str()); }

Watchdog::Watchdog(std::function<uint64_t()> progress) : progress_(std::move(progress)) {}

Watchdog::~Watchdog() { stop(); }

void Watchdog::start() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  thread_ = std::thread([this, usec] { run(usec / 2); });
}

void Watchdog::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Watchdog::run(uint64_t intervalUs) {
  uint64_t last = progress_();
  notifySystemd("WATCHDOG=1");
  std::unique_lock lock(mutex_);
  while (
      !wake_.wait_for(lock, std::chrono::microseconds(intervalUs), [this] { return stopping_; })) {
    uint64_t now = progress_();
    if (now != last) {
      notifySystemd("WATCHDOG=1");
      last = now;
    } else {
      logger("daemon").error("the bus broker made no progress; withholding the watchdog ping");
    }
  }
}

}  // namespace berichtd::app
