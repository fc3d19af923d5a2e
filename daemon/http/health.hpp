// Health answers in the `application/health+json` format (draft-inadarei-api-health-check-06),
// for /healthz and /readyz:
//   {"status":"pass","version":"0.1.0","checks":{"storage:reachable":[{"status":"pass"}]}}
// `checks` is an object keyed by "component:measurement", each an array of one result with
// `status`, and `output` / `time` when given. Pure functions: safe on any thread.
#pragma once

#include <string>
#include <vector>

namespace berichtd::http {

inline constexpr const char* kHealthContentType = "application/health+json";

struct HealthCheck {
  std::string key;     // "component:measurement", e.g. "storage:reachable", "service:echo"
  std::string status;  // "pass" | "warn" | "fail"
  std::string output;  // why it is not "pass"; empty: left out. Never a secret.
};

// The worst of the statuses ("fail" > "warn" > "pass"); "pass" for none. An unknown status
// counts as "fail" so a typo cannot report healthy.
std::string worstStatus(const std::vector<HealthCheck>& checks);

// The body. The top-level status is the worse of `overall` and worstStatus(checks). Checks
// sharing a key land in the same array. `time` (ISO 8601) is added to each check when not
// empty; callers pass the platform clock's time so tests stay deterministic.
std::string healthJson(const std::string& overall, const std::vector<HealthCheck>& checks,
                       const std::string& version, const std::string& time = {});

}  // namespace berichtd::http
