// CampaignService: sends the campaigns of the campaigns file when they are due (SPEC N1, M4;
// docs/campaigns.md), by itself and on the operator's word (berichtctl campaign list|send).
//
// Contract
// - runDue(): for every campaign, toQueue() (campaign_rules.hpp: the send time, send_until
//   and the waves on the PLATFORM clock, so clock.mode manual rehearses them) mails are queued
//   through the CampaignStore, then the outbox is woken. Returns how many were queued.
// - sendNow(name): queues every remaining mail of that campaign at once, send time and waves
//   regardless (the operator's override); CAMPAIGN_UNKNOWN for a name not in the file,
//   CAMPAIGN_CLOSED (nothing queued) once the platform clock is at or past its send_until.
// - list(): every campaign with its progress and the next wave.
// - start(poll)/stop(): a background thread calls runDue() every `poll` of real time.
// One queue pass at a time (a mutex): the scheduler and sendNow() never race each other, and
// even if they did, the UNIQUE (campaign, account) row keeps a second mail out.
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <berichtd/status.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "campaigns/campaign.hpp"
#include "campaigns/campaign_store.hpp"
#include "core/clock.hpp"

namespace berichtd::app {

struct CampaignServiceDeps {
  campaigns::CampaignStore* store = nullptr;
  std::vector<campaigns::Campaign> campaigns;
  const Clock* clock = nullptr;            // the platform clock
  std::function<std::string()> publicUrl;  // http.public_url, for the links
  std::function<void()> wakeOutbox;
};

struct CampaignStatus {
  campaigns::Campaign campaign;
  campaigns::CampaignProgress progress;
  std::optional<TimePoint> nextWaveAt;
};

class CampaignService {
 public:
  explicit CampaignService(CampaignServiceDeps deps) : deps_(std::move(deps)) {}
  ~CampaignService() { stop(); }

  Result<int64_t> runDue();
  Result<int64_t> sendNow(const std::string& name);
  Result<std::vector<CampaignStatus>> list();

  void start(std::chrono::milliseconds poll);
  void stop();

 private:
  CampaignServiceDeps deps_;
  std::mutex runMutex_;
  std::mutex wakeMutex_;
  std::condition_variable wakeCv_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace berichtd::app
