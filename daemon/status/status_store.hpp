// StatusStore: operator incidents and maintenance windows (SPEC S1, S2; issue 6 item 2) in the
// daemon's database (migration 7), for the status page and for overriding derived states.
//
// Contract
// - openIncident(name, components, body): a new incident in state `investigating` with its
//   first update; `components` maps each affected component to the state it is shown in
//   (e.g. {"login": "major_outage"}) — that state overrides the derived one while the incident
//   is open (S2). updateIncident() adds an update with a new status (`investigating`,
//   `identified`, `monitoring`) and, when given, new component states; resolveIncident() adds
//   the `resolved` update and ends the override. A resolved incident cannot be updated
//   (INCIDENT_RESOLVED).
// - addMaintenance(name, starts, ends, components, body): a window [starts, ends); the
//   components are `under_maintenance` inside it. removeMaintenance(id) deletes it.
// - incidents(now) / maintenances(now): what the page shows — open incidents and those resolved
//   in the last kHistoryDays days, newest first, each with its updates (oldest first); windows
//   not ended and those ended in the last kHistoryDays days, by start. prune(now) deletes older
//   ones.
// - Pushing (SPEC S3), when enablePush() was called: every incident change queues a
//   `status.incident` request {incident_id, name, status, body, components, at} in the outbox in
//   the same transaction (key `incident:<id>:<update number>`), and pushComponentStates(states)
//   queues `status.component_status` {component, status, at} for each component whose state
//   differs from the last one queued (table status_pushed), once per change.
// - Refusals: STATUS_COMPONENT_UNKNOWN (a component not configured), COMPONENT_STATUS_INVALID
//   (not a Statuspage state), INCIDENT_STATUS_INVALID, TIME_INVALID (not ISO 8601),
//   MAINTENANCE_WINDOW_INVALID (ends not after starts), BAD_REQUEST (empty name or no
//   component), NOT_FOUND; STORAGE_* from the database.
// Thread-safety: each call is its own transaction; safe from any thread.
#pragma once

#include <berichtd/status.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "storage/database.hpp"

namespace berichtd::status {

inline constexpr int kHistoryDays = 90;

struct IncidentUpdate {
  std::string status;
  std::string body;
  std::string createdAt;
};

struct Incident {
  int64_t id = 0;
  std::string name;
  std::string status;  // investigating | identified | monitoring | resolved
  std::map<std::string, std::string> components;  // component → state while open
  std::string createdAt, updatedAt;
  std::optional<std::string> resolvedAt;
  std::vector<IncidentUpdate> updates;  // oldest first
};

struct Maintenance {
  int64_t id = 0;
  std::string name;
  std::string body;
  std::vector<std::string> components;
  std::string startsAt, endsAt;  // ISO 8601 UTC
  std::string createdAt;
};

class StatusStore {
 public:
  StatusStore(storage::Database& db, const Clock& clock, std::vector<std::string> components)
      : db_(db), clock_(clock), components_(std::move(components)) {}

  Result<int64_t> openIncident(const std::string& name,
                               const std::map<std::string, std::string>& components,
                               const std::string& body);
  Status updateIncident(int64_t id, const std::string& status, const std::string& body,
                        const std::optional<std::map<std::string, std::string>>& components);
  Status resolveIncident(int64_t id, const std::string& body);
  Result<std::vector<Incident>> incidents();

  Result<int64_t> addMaintenance(const std::string& name, const std::string& startsAt,
                                 const std::string& endsAt,
                                 const std::vector<std::string>& components,
                                 const std::string& body);
  Status removeMaintenance(int64_t id);
  // The window a configuration announces (the migration window, SPEC M3): the row named `name`
  // gets these times, components and body — inserted when there is none, updated when the
  // configuration moved it. Answers its id.
  Result<int64_t> ensureMaintenance(const std::string& name, const std::string& startsAt,
                                    const std::string& endsAt,
                                    const std::vector<std::string>& components,
                                    const std::string& body);
  Result<std::vector<Maintenance>> maintenances();
  Status prune();

  void enablePush() { push_ = true; }
  // Queues the components whose state changed since the last push; answers how many.
  Result<int> pushComponentStates(const std::vector<std::pair<std::string, std::string>>& states);

  const std::vector<std::string>& components() const { return components_; }

 private:
  Status checkComponents(const std::map<std::string, std::string>& components) const;
  void queueIncident(Poco::Data::Session& tx, int64_t id, const std::string& at);

  storage::Database& db_;
  const Clock& clock_;
  std::vector<std::string> components_;
  bool push_ = false;
};

}  // namespace berichtd::status
