// StatusBoard: what the public status page shows right now (SPEC S1, S2; issue 6 items 1-3) —
// every component's state derived from real checks, the incidents and the maintenance windows
// — and its two renderings: /status.json in the shape of the Atlassian Statuspage public API
// (v2 summary) and /status as a Dutch HTML page that needs no JavaScript.
//
// Contract
// - build(): for each configured component: its bus services' live workers (heartbeats) and
//   their RequestWindow stats summed, the database probe, open incidents naming it (the worst
//   state among them overrides, S2) and maintenance windows covering now
//   (`under_maintenance`), through deriveStatus(). The probes must answer fast (the daemon
//   passes cached or in-memory checks); build() does one read of the StatusStore.
// - statusJson(model): {page, status{indicator, description}, components[], incidents[],
//   scheduled_maintenances[]} with Statuspage's field names; `incidents` are the open ones,
//   `scheduled_maintenances` the windows not yet ended (status scheduled | in_progress); the 90
//   days of history are under `history` (an addition: resolved incidents and ended windows).
//   indicator: none | minor | major | critical | maintenance from the worst component.
// - statusHtml(model): the same in Dutch for people, every text HTML-escaped, readable on a
//   phone (viewport meta, one column), no scripts.
// Thread-safety: build() is safe from any thread (its parts are); rendering is pure.
#pragma once

#include <berichtd/status.hpp>
#include <functional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "status/component_health.hpp"
#include "status/request_window.hpp"
#include "status/status_store.hpp"

namespace berichtd::status {

struct ComponentDefinition {
  std::string id;                             // e.g. login (status.components; S1's four by default)
  std::string name;                           // shown on the page, Dutch
  std::vector<std::string> services;          // bus services it needs
  std::vector<std::string> optionalServices;  // degrade it to partial_outage when down
};

struct ComponentView {
  std::string id;
  std::string name;
  ComponentStatus status = ComponentStatus::kOperational;
  int position = 0;
};

struct PageModel {
  std::string pageName;
  std::string url;  // of the page itself
  std::string now;  // ISO 8601 UTC
  std::vector<ComponentView> components;
  std::vector<Incident> incidents;        // open and the last 90 days, newest first
  std::vector<Maintenance> maintenances;  // not ended and the last 90 days, by start
  ComponentStatus overall = ComponentStatus::kOperational;
};

struct BoardProbes {
  std::function<bool()> databaseUp;
  std::function<bool(const std::string&)> serviceLive;
};

class StatusBoard {
 public:
  StatusBoard(std::vector<ComponentDefinition> components, StatusStore& store,
              const RequestWindow& window, BoardProbes probes, const Clock& clock)
      : components_(std::move(components)),
        store_(store),
        window_(window),
        probes_(std::move(probes)),
        clock_(clock) {}

  Result<PageModel> build(const Thresholds& thresholds, const std::string& pageName,
                          const std::string& url) const;

 private:
  std::vector<ComponentDefinition> components_;
  StatusStore& store_;
  const RequestWindow& window_;
  BoardProbes probes_;
  const Clock& clock_;
};

// "none" | "minor" | "major" | "critical" | "maintenance" and a Dutch description.
std::string indicatorOf(ComponentStatus overall);
std::string statusJson(const PageModel& model);
std::string statusHtml(const PageModel& model);

}  // namespace berichtd::status
