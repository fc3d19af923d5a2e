#include "app/retention_service.hpp"

#include "accounts/validation.hpp"
#include "core/logging.hpp"

namespace berichtd::app {

namespace {

std::optional<retention::Date> todayOn(const Clock& clock) {
  const std::string text = accounts::amsterdamDate(clock.now());
  const int y = std::stoi(text.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(text.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(text.substr(8, 2)));
  const retention::Date out{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
  if (!out.ok()) return std::nullopt;
  return out;
}

}  // namespace

Result<retention::SweepReport> RetentionService::sweep(std::optional<retention::Date> day,
                                                       const std::string& actor) {
  std::lock_guard lock(sweepMutex_);
  if (!day) day = todayOn(*deps_.clock);
  if (!day) return Status::error("DATE_INVALID", "the platform clock's date cannot be read");
  const auto cfg = deps_.config();
  retention::RetentionPolicy policy;
  policy.inactivityMonths = cfg->retention.inactivityMonths;
  policy.closedMonths = cfg->retention.closedMonths;
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
  std::string lastDay;
  while (!stopping_) {
    try {
      const TimePoint now = deps_.clock->now();
      const std::string today = accounts::amsterdamDate(now);
      if (today != lastDay && accounts::amsterdamHour(now) >= deps_.config()->retention.runHour) {
        auto done = deps_.store->runFinished(today);
        if (done && *done) {
          lastDay = today;
        } else if (done) {
          if (sweep(std::nullopt, "scheduler")) lastDay = today;
        }
      }
      settleCheckpoint();
    } catch (const std::exception& e) {
      logger("retention").error("retention scheduler pass failed: %s", std::string(e.what()));
    }
    std::unique_lock lock(wakeMutex_);
    wakeCv_.wait_for(lock, poll, [this] { return stopping_.load(); });
  }
}

}  // namespace berichtd::app
