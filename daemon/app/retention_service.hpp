// RetentionService: the daily retention sweep (SPEC R1-R3; docs/retention.md) over the
// RetentionStore, and its scheduler.
//
// Contract
// - sweep(day, actor): one sweep at a time (a mutex): RetentionStore::sweep for `day` (default:
//   today in Europe/Amsterdam on the platform clock) with the policy of the current
//   configuration (retention.inactivity_months, retention.closed_months); wakes the outbox (the
//   plugins' forget_account jobs) and owes a checkpoint, which it tries at once.
// - start(poll)/stop(): a background thread that, once a platform-clock day has reached
//   retention.run_hour (Europe/Amsterdam), sweeps that day once (retention_runs remembers
//   finished days, so a restart does not sweep it again; a rerun is harmless anyway). While a
//   checkpoint is owed it checkpoints as soon as no forget_account job is pending any more, so
//   the SQLite write-ahead log stops holding the plugins' deleted rows too. It polls every
//   `poll` of real time.
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <berichtd/status.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "retention/retention_store.hpp"

namespace berichtd::app {

struct RetentionServiceDeps {
  retention::RetentionStore* store = nullptr;
  std::function<std::shared_ptr<const config::Config>()> config;
  std::function<void()> wakeOutbox;
  const Clock* clock = nullptr;  // the platform clock
};

class RetentionService {
 public:
  explicit RetentionService(RetentionServiceDeps deps) : deps_(std::move(deps)) {}
  ~RetentionService() { stop(); }

  Result<retention::SweepReport> sweep(std::optional<retention::Date> day,
                                       const std::string& actor);
  void start(std::chrono::milliseconds poll);
  void stop();

 private:
  void loop(std::chrono::milliseconds poll);
  // Checkpoints when one is owed and no forget_account job is pending.
  void settleCheckpoint();

  RetentionServiceDeps deps_;
  std::mutex sweepMutex_;
  std::atomic<bool> checkpointOwed_{false};
  std::mutex wakeMutex_;
  std::condition_variable wakeCv_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace berichtd::app
