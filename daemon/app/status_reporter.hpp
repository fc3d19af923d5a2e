// StatusReporter (SPEC S3): hands the status page's component states to the `status` service
// (e.g. the status-push plugin) — every `poll` it builds the board and queues, through the
// outbox, each component whose state changed since the last one queued
// (StatusStore::pushComponentStates), then wakes the outbox. Incidents are queued by the
// StatusStore itself when they change. Runs only when a `status` service is configured and the
// outbox exists (docs/status.md).
// Thread-safety: start()/stop() from the daemon's thread; the loop uses thread-safe parts.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "status/status_board.hpp"

namespace berichtd::app {

class StatusReporter {
 public:
  StatusReporter(const status::StatusBoard& board, status::StatusStore& store,
                 std::function<status::Thresholds()> thresholds, std::function<void()> wakeOutbox)
      : board_(board),
        store_(store),
        thresholds_(std::move(thresholds)),
        wakeOutbox_(std::move(wakeOutbox)) {}
  ~StatusReporter() { stop(); }

  // One pass: the states now, the changed ones queued. Answers how many were queued.
  Result<int> runOnce();
  void start(std::chrono::milliseconds poll);
  void stop();

 private:
  const status::StatusBoard& board_;
  status::StatusStore& store_;
  std::function<status::Thresholds()> thresholds_;
  std::function<void()> wakeOutbox_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace berichtd::app
