#include "app/status_config.hpp"

namespace berichtd {

std::vector<status::ComponentDefinition> componentsOf(const config::StatusConfig& s) {
  std::vector<status::ComponentDefinition> out;
  out.reserve(s.components.size());
  for (const auto& c : s.components) out.push_back({c.id, c.name, c.services, c.optionalServices});
  return out;
}

std::vector<std::string> componentIdsOf(const config::StatusConfig& s) {
  std::vector<std::string> ids;
  ids.reserve(s.components.size());
  for (const auto& c : s.components) ids.push_back(c.id);
  return ids;
}

status::Thresholds thresholdsOf(const config::StatusConfig& s) {
  status::Thresholds t;
  t.degradedPercent = s.degradedPercent;
  t.outagePercent = s.outagePercent;
  t.slowMs = s.slowMs;
  t.minRequests = s.minRequests;
  return t;
}

}  // namespace berichtd
