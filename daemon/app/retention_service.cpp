#include "app/retention_service.hpp"

#include "accounts/validation.hpp"
#include "app/daily_run.hpp"
#include "core/logging.hpp"

namespace berichtd::app {

Result<retention::SweepReport> RetentionService::sweep(std::optional<retention::Date> day,
                                                       const std::string& actor) {
  std::lock_guard lock(sweepMutex_);
  if (!day) day = parseIsoDate(accounts::amsterdamDate(deps_.clock->now()));
  if (!day) return Status::error("DATE_INVALID", "the platform clock's date cannot be read");
  const auto cfg = deps_.config();
  retention::RetentionPolicy policy;
  policy.inactivityMonths = cfg->retention.inactivityMonths;
  policy.closedMonths = cfg->retention.closedMonths;
  // Nothing is due before the migration's start-up (due_rule.hpp): the configuration loader
  // checked the time, so it parses.
  if (auto startup = parseIso8601(cfg->migration.startup))
    policy.notBefore = parseIsoDate(accounts::amsterdamDate(*startup));
  auto report = deps_.store->sweep(*day, policy, actor);
  if (!report) {
    logger("retention")
        .error("retention sweep failed (a rerun finishes it): %s", report.status().code());
    return report;
  }
  // Ids only: never an e-mail address or AGB code in the log.
  logger("retention")
      .information(
          "retention sweep %s: %s accounts deleted (%s inactive, %s "
          "closed)",
          report->day, std::to_string(report->deleted), std::to_string(report->inactive),
          std::to_string(report->closed));
  if (report->deleted > 0) {
    checkpointOwed_ = true;
    if (deps_.wakeOutbox) deps_.wakeOutbox();
  }
  settleCheckpoint();
  return report;
}

void RetentionService::settleCheckpoint() {
  if (!checkpointOwed_) return;
  auto pending = deps_.store->pendingForgetJobs();
  if (!pending || *pending > 0) return;
  auto done = deps_.store->checkpoint();
  if (done && *done) {
    checkpointOwed_ = false;
  } else if (!done) {
    logger("retention").warning("checkpoint after the sweep failed: %s", done.status().code());
  }
}

void RetentionService::start(std::chrono::milliseconds poll) {
  thread_ = std::thread([this, poll] { loop(poll); });
}

void RetentionService::stop() {
  stopping_ = true;
  wakeCv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RetentionService::loop(std::chrono::milliseconds poll) {
  DailyRun daily;
  while (!stopping_) {
    try {
      (void)daily.pass(
          deps_.clock->now(), deps_.config()->retention.runHour,
          [this](const std::string& day) { return deps_.store->runFinished(day); },
          [this] { return static_cast<bool>(sweep(std::nullopt, "scheduler")); });
      settleCheckpoint();
    } catch (const std::exception& e) {
      logger("retention").error("retention scheduler pass failed: %s", std::string(e.what()));
    }
    std::unique_lock lock(wakeMutex_);
    wakeCv_.wait_for(lock, poll, [this] { return stopping_.load(); });
  }
}

}  // namespace berichtd::app
