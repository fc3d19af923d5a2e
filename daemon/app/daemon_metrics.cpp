#include "app/daemon_metrics.hpp"

namespace berichtd::app {

namespace {

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

DaemonMetrics::DaemonMetrics()
    : httpRequests_(registry_.counter("berichtd_http_requests_total",
                                      "HTTP requests answered, by listener, route pattern, "
                                      "method and status.",
                                      {"listener", "route", "method", "status"})),
      httpDuration_(registry_.histogram(
          "berichtd_http_request_duration_seconds",
          "Time from the request line to the answer sent, by listener and route pattern.",
          {"listener", "route"}, metrics::latencyBuckets())),
      busRequests_(registry_.counter("berichtd_bus_requests_total",
                                     "Bus requests made by the daemon, by service and outcome "
                                     "(ok or the error code).",
                                     {"service", "outcome"})),
      busDuration_(registry_.histogram("berichtd_bus_request_duration_seconds",
                                       "Time a bus request took until its reply or error, by "
                                       "service.",
                                       {"service"}, metrics::latencyBuckets())) {}

void DaemonMetrics::recordHttp(std::string_view listener, const http::RequestRecord& r) {
  std::string l(listener);
  std::string route(r.route);
  httpRequests_.inc({l, route, std::string(r.method), std::to_string(r.status)});
  httpDuration_.observe({l, route}, seconds(r.duration));
}

void DaemonMetrics::recordBus(const std::string& service, const std::string& outcome,
                              std::chrono::steady_clock::duration duration) {
  const std::string s = serviceLabel(service);
  busRequests_.inc({s, outcomeLabel(outcome)});
  busDuration_.observe({s}, seconds(duration));
}

void DaemonMetrics::setKnownServices(const std::vector<std::string>& services) {
  const std::lock_guard lock(mutex_);
  knownServices_ = {services.begin(), services.end()};
}

std::vector<metrics::Family> DaemonMetrics::collect() const { return registry_.collect(); }

std::string DaemonMetrics::outcomeLabel(const std::string& code) {
  if (code == "ok") return code;
  if (code.empty() || code.size() > 64) return "other";
  for (char c : code) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return "other";
  }
  return code;
}

std::string DaemonMetrics::serviceLabel(const std::string& service) const {
  const std::lock_guard lock(mutex_);
  return knownServices_.count(service) != 0 ? service : "other";
}

}  // namespace berichtd::app
