#include "app/status_reporter.hpp"

#include "core/logging.hpp"

namespace berichtd::app {

Result<int> StatusReporter::runOnce() {
  auto model = board_.build(thresholds_(), "", "");
  if (!model) return model.status();
  std::vector<std::pair<std::string, std::string>> states;
  for (const auto& c : model->components)
    states.emplace_back(c.id, std::string(status::toString(c.status)));
  auto queued = store_.pushComponentStates(states);
  if (queued && *queued > 0 && wakeOutbox_) wakeOutbox_();
  return queued;
}

void StatusReporter::start(std::chrono::milliseconds poll) {
  thread_ = std::thread([this, poll] {
    while (!stopping_) {
      auto r = runOnce();
      if (!r) logger("status").warning("status push pass failed: %s", r.status().code());
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, poll, [this] { return stopping_.load(); });
    }
  });
}

void StatusReporter::stop() {
  stopping_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace berichtd::app
