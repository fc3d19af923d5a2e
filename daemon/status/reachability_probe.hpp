// ReachabilityProbe (SPEC S2; issue 6 item 1, "the payment provider's reachability"): asks each
// probed bus service `ping` every interval — the plugin answers whether the outside party
// behind it (Mollie's API, the bank's batch folder) can be reached — and remembers the last
// verdict, so the status page sees a provider that is down even on a quiet night with no
// payment in the request window.
//
// Contract
// - verdictOf(reply status): kReachable for a reply; kUnknown for UNKNOWN_ACTION (the plugin has
//   no `ping`: nothing learnt); kUnreachable for every other failure (PROVIDER_UNAVAILABLE,
//   PROVIDER_REJECTED — a revoked key serves nobody either —, TIMEOUT, SERVICE_UNAVAILABLE, …).
// - probeOnce(): one `ping` per service, each with the timeout, the verdicts kept.
// - reachable(service): false only when the last verdict was kUnreachable; not probed yet or
//   unknown is true (no evidence is not an outage, as with status.min_requests).
// - lastFailure(service): the failure code of the last kUnreachable verdict, else "".
// - start(interval)/stop(): a thread that probes at once and then every interval.
// Thread-safety: reachable()/lastFailure()/probeOnce() from any thread; start()/stop() from one.
#pragma once

#include <atomic>
#include <berichtd/message.hpp>
#include <berichtd/status.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace berichtd::status {

enum class Reachability { kUnknown, kReachable, kUnreachable };

Reachability verdictOf(const Status& reply);

class ReachabilityProbe {
 public:
  using Call = std::function<Result<Message>(Message, std::chrono::milliseconds)>;

  ReachabilityProbe(std::vector<std::string> services, Call call, std::chrono::milliseconds timeout)
      : services_(std::move(services)), call_(std::move(call)), timeout_(timeout) {}
  ~ReachabilityProbe() { stop(); }
  ReachabilityProbe(const ReachabilityProbe&) = delete;
  ReachabilityProbe& operator=(const ReachabilityProbe&) = delete;

  void probeOnce();
  bool reachable(const std::string& service) const;
  std::string lastFailure(const std::string& service) const;
  const std::vector<std::string>& services() const { return services_; }

  void start(std::chrono::milliseconds interval);
  void stop();

 private:
  struct Verdict {
    Reachability reachability = Reachability::kUnknown;
    std::string failure;
  };
  const std::vector<std::string> services_;
  const Call call_;
  const std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;
  std::map<std::string, Verdict> verdicts_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace berichtd::status
