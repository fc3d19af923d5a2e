// The status section of the configuration in the status module's terms: the components the
// page shows (status.components, SPEC S1) and the thresholds of their checks (S2). The status
// module does not read configuration itself, so it stays testable with plain values.
#pragma once

#include <vector>

#include "config/config.hpp"
#include "status/component_health.hpp"
#include "status/status_board.hpp"

namespace berichtd {

std::vector<status::ComponentDefinition> componentsOf(const config::StatusConfig& s);
std::vector<std::string> componentIdsOf(const config::StatusConfig& s);
status::Thresholds thresholdsOf(const config::StatusConfig& s);

}  // namespace berichtd
