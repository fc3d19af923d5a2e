#include "app/campaign_service.hpp"

#include <limits>

#include "campaigns/campaign_rules.hpp"
#include "core/logging.hpp"

namespace berichtd::app {

Result<int64_t> CampaignService::runDue() {
  std::lock_guard lock(runMutex_);
  int64_t total = 0;
  const TimePoint now = deps_.clock->now();
  for (const auto& c : deps_.campaigns) {
    if (campaigns::allowedByNow(c, now) == 0) continue;  // not yet due, or past send_until
    auto p = deps_.store->pending(c);                    // every poll: no outbox join
    if (!p) return p.status();
    const int64_t n = campaigns::toQueue(c, now, p->queued, p->remaining);
    if (n == 0) continue;
    auto queued = deps_.store->queue(c, n, deps_.publicUrl());
    if (!queued) return queued.status();
    if (*queued > 0) {
      logger("campaigns")
          .information("campaign %s: %s mails queued", c.name, std::to_string(*queued));
    }
    total += *queued;
  }
  if (total > 0 && deps_.wakeOutbox) deps_.wakeOutbox();
  return total;
}

Result<int64_t> CampaignService::sendNow(const std::string& name) {
  std::lock_guard lock(runMutex_);
  for (const auto& c : deps_.campaigns) {
    if (c.name != name) continue;
    // Past send_until the campaign is over for everyone: the override is about when and how
    // fast, not about mailing dates gone by (docs/campaigns.md "When mails go out").
    if (campaigns::closed(c, deps_.clock->now())) {
      return Status::error("CAMPAIGN_CLOSED",
                           "the campaign's send_until has passed: it queues no more mails");
    }
    auto queued = deps_.store->queue(c, std::numeric_limits<int64_t>::max(), deps_.publicUrl());
    if (!queued) return queued.status();
    logger("campaigns")
        .information("campaign %s sent now by the operator: %s mails queued", c.name,
                     std::to_string(*queued));
    if (*queued > 0 && deps_.wakeOutbox) deps_.wakeOutbox();
    return queued;
  }
  return Status::error("CAMPAIGN_UNKNOWN",
                       "there is no campaign of that name in the campaigns file");
}

Result<std::vector<CampaignStatus>> CampaignService::list() {
  std::vector<CampaignStatus> out;
  const TimePoint now = deps_.clock->now();
  for (const auto& c : deps_.campaigns) {
    auto p = deps_.store->progress(c);
    if (!p) return p.status();
    out.push_back({c, *p, campaigns::nextWaveAt(c, now)});
  }
  return out;
}

void CampaignService::start(std::chrono::milliseconds poll) {
  if (thread_.joinable() || deps_.campaigns.empty()) return;
  stopping_ = false;
  thread_ = std::thread([this, poll] {
    while (!stopping_) {
      auto r = runDue();
      if (!r) {
        logger("campaigns")
            .warning("queueing due campaign mails failed: %s", r.status().toString());
      }
      std::unique_lock lock(wakeMutex_);
      wakeCv_.wait_for(lock, poll, [this] { return stopping_.load(); });
    }
  });
}

void CampaignService::stop() {
  {
    std::lock_guard lock(wakeMutex_);
    stopping_ = true;
  }
  wakeCv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace berichtd::app
