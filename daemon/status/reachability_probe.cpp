#include "status/reachability_probe.hpp"

namespace berichtd::status {

Reachability verdictOf(const Status& reply) {
  if (reply.isOk()) return Reachability::kReachable;
  if (reply.code() == "UNKNOWN_ACTION") return Reachability::kUnknown;
  return Reachability::kUnreachable;
}

void ReachabilityProbe::probeOnce() {
  for (const auto& service : services_) {
    Message ping;
    ping.service = service;
    ping.action = "ping";
    ping.body = "{}";
    auto reply = call_(std::move(ping), timeout_);
    const Status status = reply ? Status::ok() : reply.status();
    Verdict v;
    v.reachability = verdictOf(status);
    if (v.reachability == Reachability::kUnreachable) v.failure = status.code();
    std::lock_guard lock(mutex_);
    verdicts_[service] = std::move(v);
  }
}

bool ReachabilityProbe::reachable(const std::string& service) const {
  std::lock_guard lock(mutex_);
  auto it = verdicts_.find(service);
  return it == verdicts_.end() || it->second.reachability != Reachability::kUnreachable;
}

std::string ReachabilityProbe::lastFailure(const std::string& service) const {
  std::lock_guard lock(mutex_);
  auto it = verdicts_.find(service);
  return it == verdicts_.end() ? std::string() : it->second.failure;
}

void ReachabilityProbe::start(std::chrono::milliseconds interval) {
  thread_ = std::thread([this, interval] {
    while (!stopping_) {
      probeOnce();
      std::unique_lock lock(mutex_);
      cv_.wait_for(lock, interval, [this] { return stopping_.load(); });
    }
  });
}

void ReachabilityProbe::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace berichtd::status
