// DaemonMetrics: the daemon's live instruments — HTTP requests per listener and route, and
// every bus request the daemon makes (Daemon::callService) per service and outcome — and the
// label hygiene that keeps their cardinality bounded:
//  - a service the daemon has no plugin for (an admin typing a wrong name) counts as "other";
//  - an outcome is "ok" or an error code; anything that is not an upper-case code word (a
//    plugin's free text) counts as "other".
// Gauges computed at scrape time are in scrape_gauges.hpp.
//
// Thread-safe: record*() from any request thread, setKnownServices() once the plugins run,
// collect() from the scrape.
#pragma once

#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics.hpp"
#include "http/http_server.hpp"

namespace berichtd::app {

class DaemonMetrics {
 public:
  DaemonMetrics();

  // listener: "public" or "admin".
  void recordHttp(std::string_view listener, const http::RequestRecord& r);
  // outcome: "ok" or the error code of the failed call.
  void recordBus(const std::string& service, const std::string& outcome,
                 std::chrono::steady_clock::duration duration);
  void setKnownServices(const std::vector<std::string>& services);

  std::vector<metrics::Family> collect() const;

  // The label an outcome gets: "ok", or the code when it is [A-Z0-9_]{1,64}, otherwise "other".
  static std::string outcomeLabel(const std::string& code);

 private:
  std::string serviceLabel(const std::string& service) const;

  metrics::Registry registry_;
  metrics::CounterFamily& httpRequests_;
  metrics::HistogramFamily& httpDuration_;
  metrics::CounterFamily& busRequests_;
  metrics::HistogramFamily& busDuration_;
  mutable std::mutex mutex_;
  std::set<std::string> knownServices_;  // guarded by mutex_
};

}  // namespace berichtd::app
