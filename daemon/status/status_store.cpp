#include "status/status_store.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <sstream>

#include "status/component_health.hpp"
#include "storage/abort.hpp"
#include "storage/outbox.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::status {

namespace {

using storage::runSql;
using Tx = Poco::Data::Session;

bool isIncidentStatus(const std::string& s) {
  return s == "investigating" || s == "identified" || s == "monitoring" || s == "resolved";
}

std::string componentsJson(const std::map<std::string, std::string>& components) {
  Poco::JSON::Object o;
  for (const auto& [name, state] : components) o.set(name, state);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::map<std::string, std::string> componentsFrom(const std::string& json) {
  std::map<std::string, std::string> out;
  try {
    auto o = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
    for (const auto& name : o->getNames()) out[name] = o->getValue<std::string>(name);
  } catch (...) {
  }
  return out;
}

std::string listText(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

std::vector<std::string> listFrom(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string n; std::getline(in, n, ',');)
    if (!n.empty()) out.push_back(n);
  return out;
}

}  // namespace

void StatusStore::queueIncident(Tx& tx, int64_t id, const std::string& at) {
  if (!push_) return;
  auto r =
      runSql(db_, tx, "SELECT name, status, components FROM status_incidents WHERE id = ?", {id});
  auto u = runSql(db_, tx,
                  "SELECT body, (SELECT COUNT(*) FROM status_incident_updates WHERE incident_id = "
                  "?) FROM status_incident_updates WHERE incident_id = ? ORDER BY id DESC LIMIT 1",
                  {id, id});
  if (r.rows.empty() || u.rows.empty()) return;
  Poco::JSON::Object o;
  o.set("incident_id", std::to_string(id));
  o.set("name", r.rows[0][0].textOr(""));
  o.set("status", r.rows[0][1].textOr(""));
  o.set("body", u.rows[0][0].textOr(""));
  Poco::JSON::Object components;
  for (const auto& [c, state] : componentsFrom(r.rows[0][2].textOr("{}"))) components.set(c, state);
  o.set("components", components);
  o.set("at", at);
  std::ostringstream body;
  o.stringify(body);
  storage::enqueueOutboxJob(
      db_, tx, "status", "incident",
      "incident:" + std::to_string(id) + ":" + std::to_string(u.rows[0][1].intOr(0)), body.str(),
      at);
}

Result<int> StatusStore::pushComponentStates(
    const std::vector<std::pair<std::string, std::string>>& states) {
  if (!push_) return 0;
  const std::string now = formatIso8601(clock_.now());
  int queued = 0;
  Status s = db_.transact([&](Tx& tx) {
    queued = 0;
    for (const auto& [component, state] : states) {
      auto r = runSql(db_, tx, "SELECT state FROM status_pushed WHERE component = ?", {component});
      if (!r.rows.empty() && r.rows[0][0].textOr("") == state) continue;
      (void)runSql(db_, tx,
                   "INSERT INTO status_pushed (component, state, pushed_at) VALUES (?, ?, ?) ON "
                   "CONFLICT (component) DO UPDATE SET state = excluded.state, pushed_at = "
                   "excluded.pushed_at",
                   {component, state, now});
      Poco::JSON::Object o;
      o.set("component", component);
      o.set("status", state);
      o.set("at", now);
      std::ostringstream body;
      o.stringify(body);
      storage::enqueueOutboxJob(db_, tx, "status", "component_status",
                                "component:" + component + ":" + state + ":" + now, body.str(),
                                now);
      ++queued;
    }
  });
  if (!s) return s;
  return queued;
}

Status StatusStore::checkComponents(const std::map<std::string, std::string>& components) const {
  if (components.empty())
    return Status::error("BAD_REQUEST", "name at least one component the incident affects");
  for (const auto& [name, state] : components) {
    if (std::find(components_.begin(), components_.end(), name) == components_.end())
      return Status::error("STATUS_COMPONENT_UNKNOWN", "no component '" + name + "'");
    if (!parseComponentStatus(state))
      return Status::error("COMPONENT_STATUS_INVALID",
                           "'" + state +
                               "' is not one of operational, degraded_performance, "
                               "partial_outage, major_outage, under_maintenance");
  }
  return Status::ok();
}

Result<int64_t> StatusStore::openIncident(const std::string& name,
                                          const std::map<std::string, std::string>& components,
                                          const std::string& body) {
  if (name.empty()) return Status::error("BAD_REQUEST", "the incident needs a name");
  if (Status s = checkComponents(components); !s) return s;
  const std::string now = formatIso8601(clock_.now());
  int64_t id = 0;
  Status s = db_.transact([&](Tx& tx) {
    auto r = runSql(db_, tx,
                    "INSERT INTO status_incidents (name, status, components, created_at, "
                    "updated_at) VALUES (?, 'investigating', ?, ?, ?) RETURNING id",
                    {name, componentsJson(components), now, now});
    id = r.rows.at(0).at(0).intOr(0);
    (void)runSql(db_, tx,
                 "INSERT INTO status_incident_updates (incident_id, status, body, created_at) "
                 "VALUES (?, 'investigating', ?, ?)",
                 {id, body, now});
    queueIncident(tx, id, now);
  });
  if (!s) return s;
  return id;
}

Status StatusStore::updateIncident(
    int64_t id, const std::string& status, const std::string& body,
    const std::optional<std::map<std::string, std::string>>& components) {
  if (!isIncidentStatus(status))
    return Status::error(
        "INCIDENT_STATUS_INVALID",
        "'" + status + "' is not investigating, identified, monitoring or resolved");
  if (components) {
    if (Status s = checkComponents(*components); !s) return s;
  }
  const std::string now = formatIso8601(clock_.now());
  return storage::transactOrAbort(db_, [&](Tx& tx) {
    auto r = runSql(db_, tx, "SELECT status FROM status_incidents WHERE id = ?", {id});
    if (r.rows.empty()) throw storage::Abort(Status::error("NOT_FOUND", "no such incident"));
    if (r.rows[0][0].textOr("") == "resolved")
      throw storage::Abort(
          Status::error("INCIDENT_RESOLVED", "the incident is resolved; open a new one"));
    (void)runSql(db_, tx,
                 "UPDATE status_incidents SET status = ?, updated_at = ?, resolved_at = ? WHERE "
                 "id = ?",
                 {status, now, status == "resolved" ? SqlValue(now) : SqlValue(), id});
    if (components)
      (void)runSql(db_, tx, "UPDATE status_incidents SET components = ? WHERE id = ?",
                   {componentsJson(*components), id});
    (void)runSql(db_, tx,
                 "INSERT INTO status_incident_updates (incident_id, status, body, created_at) "
                 "VALUES (?, ?, ?, ?)",
                 {id, status, body, now});
    queueIncident(tx, id, now);
  });
}

Status StatusStore::resolveIncident(int64_t id, const std::string& body) {
  return updateIncident(id, "resolved", body, std::nullopt);
}

Result<std::vector<Incident>> StatusStore::incidents() {
  const std::string since = formatIso8601(clock_.now() - std::chrono::hours(24 * kHistoryDays));
  std::vector<Incident> out;
  Status s = db_.read([&](Tx& tx) {
    out.clear();
    auto r = runSql(db_, tx,
                    "SELECT id, name, status, components, created_at, updated_at, resolved_at "
                    "FROM status_incidents WHERE resolved_at IS NULL OR resolved_at >= ? ORDER "
                    "BY created_at DESC, id DESC",
                    {since});
    for (const auto& row : r.rows) {
      Incident i;
      i.id = row[0].intOr(0);
      i.name = row[1].textOr("");
      i.status = row[2].textOr("");
      i.components = componentsFrom(row[3].textOr("{}"));
      i.createdAt = row[4].textOr("");
      i.updatedAt = row[5].textOr("");
      if (!row[6].isNull()) i.resolvedAt = row[6].textOr("");
      auto u = runSql(db_, tx,
                      "SELECT status, body, created_at FROM status_incident_updates WHERE "
                      "incident_id = ? ORDER BY id",
                      {i.id});
      for (const auto& ur : u.rows)
        i.updates.push_back({ur[0].textOr(""), ur[1].textOr(""), ur[2].textOr("")});
      out.push_back(std::move(i));
    }
  });
  if (!s) return s;
  return out;
}

Result<int64_t> StatusStore::addMaintenance(const std::string& name, const std::string& startsAt,
                                            const std::string& endsAt,
                                            const std::vector<std::string>& components,
                                            const std::string& body) {
  if (name.empty()) return Status::error("BAD_REQUEST", "the maintenance needs a name");
  std::map<std::string, std::string> asMap;
  for (const auto& c : components) asMap[c] = "under_maintenance";
  if (Status s = checkComponents(asMap); !s) return s;
  auto starts = parseIso8601(startsAt);
  auto ends = parseIso8601(endsAt);
  if (!starts || !ends)
    return Status::error("TIME_INVALID",
                         "starts and ends must be ISO 8601 times, e.g. 2026-02-13T00:00:00+01:00");
  if (!(*starts < *ends))
    return Status::error("MAINTENANCE_WINDOW_INVALID", "the window must end after it starts");
  const std::string now = formatIso8601(clock_.now());
  int64_t id = 0;
  Status s = db_.transact([&](Tx& tx) {
    auto r = runSql(
        db_, tx,
        "INSERT INTO status_maintenances (name, body, components, starts_at, ends_at, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        {name, body, listText(components), formatIso8601(*starts), formatIso8601(*ends), now});
    id = r.rows.at(0).at(0).intOr(0);
  });
  if (!s) return s;
  return id;
}

Result<int64_t> StatusStore::ensureMaintenance(const std::string& name, const std::string& startsAt,
                                               const std::string& endsAt,
                                               const std::vector<std::string>& components,
                                               const std::string& body) {
  auto starts = parseIso8601(startsAt);
  auto ends = parseIso8601(endsAt);
  if (name.empty() || !starts || !ends || !(*starts < *ends))
    return Status::error("MAINTENANCE_WINDOW_INVALID", "the configured window is not a window");
  std::map<std::string, std::string> asMap;
  for (const auto& c : components) asMap[c] = "under_maintenance";
  if (Status s = checkComponents(asMap); !s) return s;
  const std::string list = listText(components);
  const std::string from = formatIso8601(*starts);
  const std::string until = formatIso8601(*ends);
  int64_t id = 0;
  Status s = db_.transact([&](Tx& tx) {
    auto found =
        runSql(db_, tx, "SELECT id FROM status_maintenances WHERE name = ? ORDER BY id", {name});
    if (found.rows.empty()) {
      auto r = runSql(db_, tx,
                      "INSERT INTO status_maintenances (name, body, components, starts_at, "
                      "ends_at, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                      {name, body, list, from, until, formatIso8601(clock_.now())});
      id = r.rows.at(0).at(0).intOr(0);
      return;
    }
    id = found.rows.at(0).at(0).intOr(0);
    (void)runSql(db_, tx,
                 "UPDATE status_maintenances SET body = ?, components = ?, starts_at = ?, "
                 "ends_at = ? WHERE id = ?",
                 {body, list, from, until, id});
  });
  if (!s) return s;
  return id;
}

Status StatusStore::removeMaintenance(int64_t id) {
  return storage::transactOrAbort(db_, [&](Tx& tx) {
    auto r = runSql(db_, tx, "DELETE FROM status_maintenances WHERE id = ?", {id});
    if (r.changed == 0)
      throw storage::Abort(Status::error("NOT_FOUND", "no such maintenance window"));
  });
}

Result<std::vector<Maintenance>> StatusStore::maintenances() {
  const std::string since = formatIso8601(clock_.now() - std::chrono::hours(24 * kHistoryDays));
  std::vector<Maintenance> out;
  Status s = db_.read([&](Tx& tx) {
    auto r = runSql(db_, tx,
                    "SELECT id, name, body, components, starts_at, ends_at, created_at FROM "
                    "status_maintenances WHERE ends_at >= ? ORDER BY starts_at, id",
                    {since});
    for (const auto& row : r.rows) {
      out.push_back({row[0].intOr(0), row[1].textOr(""), row[2].textOr(""),
                     listFrom(row[3].textOr("")), row[4].textOr(""), row[5].textOr(""),
                     row[6].textOr("")});
    }
  });
  if (!s) return s;
  return out;
}

Status StatusStore::prune() {
  const std::string before = formatIso8601(clock_.now() - std::chrono::hours(24 * kHistoryDays));
  return db_.transact([&](Tx& tx) {
    (void)runSql(db_, tx,
                 "DELETE FROM status_incidents WHERE resolved_at IS NOT NULL AND resolved_at < ?",
                 {before});
    (void)runSql(db_, tx, "DELETE FROM status_maintenances WHERE ends_at < ?", {before});
  });
}

}  // namespace berichtd::status
