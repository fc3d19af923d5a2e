#include "status/component_health.hpp"

#include <array>

namespace berichtd::status {

namespace {

struct Name {
  ComponentStatus status;
  std::string_view text;
};

constexpr std::array<Name, 5> kNames = {{
    {ComponentStatus::kOperational, "operational"},
    {ComponentStatus::kUnderMaintenance, "under_maintenance"},
    {ComponentStatus::kDegradedPerformance, "degraded_performance"},
    {ComponentStatus::kPartialOutage, "partial_outage"},
    {ComponentStatus::kMajorOutage, "major_outage"},
}};

}  // namespace

std::string_view toString(ComponentStatus s) {
  for (const auto& n : kNames)
    if (n.status == s) return n.text;
  return "major_outage";  // unreachable; never report an unknown state as healthy
}

std::optional<ComponentStatus> parseComponentStatus(std::string_view text) {
  for (const auto& n : kNames)
    if (n.text == text) return n.status;
  return std::nullopt;
}

// The enum is ordered by severity, maintenance between operational and the failures.
ComponentStatus worst(ComponentStatus a, ComponentStatus b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

ComponentStatus deriveStatus(const Observation& o, const Thresholds& t) {
  if (o.incidentOverride) return *o.incidentOverride;
  if (o.inMaintenance) return ComponentStatus::kUnderMaintenance;
  ComponentStatus s = ComponentStatus::kOperational;
  if (!o.databaseUp || !o.servicesLive) return ComponentStatus::kMajorOutage;
  if (o.requests >= t.minRequests && o.requests > 0) {
    const double percent = 100.0 * static_cast<double>(o.errors) / static_cast<double>(o.requests);
    if (percent >= t.outagePercent) {
      s = worst(s, ComponentStatus::kPartialOutage);
    } else if (percent >= t.degradedPercent) {
      s = worst(s, ComponentStatus::kDegradedPerformance);
    }
  }
  if (o.requests > 0 && o.p95Ms >= t.slowMs) s = worst(s, ComponentStatus::kDegradedPerformance);
  if (!o.optionalDependencyUp) s = worst(s, ComponentStatus::kPartialOutage);
  return s;
}

}  // namespace berichtd::status
