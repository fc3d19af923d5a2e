// Component health (SPEC S1, S2; issue 6 item 1): the status of one public component — `login`,
// `berichten`, `betalingen`, `website` — derived from real checks, as a pure function.
//
// Contract
// - Statuses are Statuspage's, worst last: operational < degraded_performance < partial_outage
//   < major_outage; under_maintenance stands apart (a planned window, not a failure).
// - deriveStatus(observation, thresholds):
//   * an operator incident naming the component overrides everything (S2: "can be overridden
//     by an operator incident");
//   * otherwise a maintenance window covering now → under_maintenance, whatever the checks say
//     (failures inside a planned window are expected and announced);
//   * otherwise the worst of: a required dependency down (the database, or a service without a
//     live worker) → major_outage; the error rate over the window ≥ outagePercent →
//     partial_outage, ≥ degradedPercent → degraded_performance; the window's p95 latency ≥
//     slowMs → degraded_performance; an optional dependency down (the payment provider for
//     `betalingen`) → partial_outage.
//   * Too few requests in the window (< minRequests) say nothing about the error rate: it is
//     not used then (a quiet night is not an outage).
// - worst(a, b): the worse of two statuses, for the page's overall indicator (maintenance ranks
//   above operational and below every failure).
// Pure: no clock, no I/O; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berichtd::status {

enum class ComponentStatus {
  kOperational,
  kUnderMaintenance,
  kDegradedPerformance,
  kPartialOutage,
  kMajorOutage,
};

std::string_view toString(ComponentStatus s);
std::optional<ComponentStatus> parseComponentStatus(std::string_view text);
ComponentStatus worst(ComponentStatus a, ComponentStatus b);

struct Thresholds {
  double degradedPercent = 5.0;  // error rate that degrades
  double outagePercent = 25.0;   // error rate that is a partial outage
  int64_t slowMs = 2000;         // p95 latency that degrades
  int64_t minRequests = 20;      // below this the error rate is not judged
};

struct Observation {
  bool databaseUp = true;
  bool servicesLive = true;          // every bus service the component needs has a live worker
  bool optionalDependencyUp = true;  // e.g. the payment provider for `betalingen`
  int64_t requests = 0;              // in the window
  int64_t errors = 0;                // of which failed (5xx / bus errors)
  int64_t p95Ms = 0;
  bool inMaintenance = false;
  std::optional<ComponentStatus> incidentOverride;
};

ComponentStatus deriveStatus(const Observation& o, const Thresholds& t);

}  // namespace berichtd::status
