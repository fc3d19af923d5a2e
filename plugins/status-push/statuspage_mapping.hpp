// Pure translations between the bus contract of the service `status` (docs/status-plugin.md)
// and the Statuspage REST API (v1): request bodies read strictly, the configured component
// map, Statuspage's request documents, its answers and its error documents. No I/O here, so
// every rule is table-tested.
#pragma once

#include <berichtd/status.hpp>
#include <map>
#include <string>
#include <string_view>

namespace berichtd::statuspage {

// Statuspage's component statuses: operational, degraded_performance, partial_outage,
// major_outage, under_maintenance.
bool isComponentStatus(std::string_view status);
// Statuspage's incident statuses (realtime incidents): investigating, identified, monitoring,
// resolved.
bool isIncidentStatus(std::string_view status);

// Ids go into URL paths: only letters and digits (Statuspage's ids are lower-case base-36),
// 1-64 of them, so a configured or answered id can never walk to another path.
bool isStatuspageId(std::string_view id);

// The configured `components: {login: "<id>", …}` from the plugin's flattened settings
// (`components.login` → id). CONFIG_INVALID for an id that is not a Statuspage id, or for a
// nested value; an empty map is allowed (every component is then unknown).
Result<std::map<std::string, std::string>> componentMap(
    const std::map<std::string, std::string>& settings);

// `component_status` {component, status, at}.
struct ComponentStatus {
  std::string component, status, at;
};
Result<ComponentStatus> parseComponentStatus(const std::string& body);

// `incident` {incident_id, name, status, body, components: {name: status}, at}.
struct Incident {
  std::string incidentId, name, status, body, at;
  std::map<std::string, std::string> components;  // daemon's component name → status
};
Result<Incident> parseIncident(const std::string& body);

// The Statuspage id of a daemon component, or STATUS_COMPONENT_UNKNOWN naming it.
Result<std::string> componentId(const std::map<std::string, std::string>& map,
                                const std::string& component);

// PATCH /v1/pages/{page}/components/{id}: {"component": {"status": "…"}}.
std::string componentBody(const std::string& status);
// POST /v1/pages/{page}/incidents and PATCH …/incidents/{id}: {"incident": {"name", "status",
// "body", "component_ids": [...], "components": {"<id>": "<status>"}}}; the daemon's
// component names mapped through `map` (STATUS_COMPONENT_UNKNOWN for one without a mapping).
Result<std::string> incidentBody(const Incident& incident,
                                 const std::map<std::string, std::string>& map);

// The `id` of an incident Statuspage created (PROVIDER_REJECTED when it carries none).
Result<std::string> incidentId(const std::string& answer);

// An error answer as a short, secret-free text: Statuspage's {"error": "…"} (a text or a list
// of texts), else "HTTP <status>"; one line, at most 300 bytes.
std::string errorText(int httpStatus, const std::string& body);

// What a non-2xx answer means on the bus: 5xx, 429 (rate limit) and anything below 400 are
// PROVIDER_UNAVAILABLE (the outbox retries); any other 4xx is PROVIDER_REJECTED with the
// API's error text.
Status failureFor(int httpStatus, const std::string& body);

}  // namespace berichtd::statuspage
