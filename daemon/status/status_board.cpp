#include "status/status_board.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <array>
#include <sstream>

#include "accounts/validation.hpp"
#include "core/html.hpp"

namespace berichtd::status {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr const char* kPageId = "berichtd";

// How each state reads: on the page (Dutch), as the page's overall description, and as the
// Statuspage indicator. Indexed by the enum, which is ordered like this table.
struct Wording {
  ComponentStatus status;
  const char* label;
  const char* description;
  const char* indicator;
};
constexpr std::array<Wording, 5> kWording = {{
    {ComponentStatus::kOperational, "Werkt normaal", "Alle onderdelen werken normaal", "none"},
    {ComponentStatus::kUnderMaintenance, "Onderhoud", "Gepland onderhoud", "maintenance"},
    {ComponentStatus::kDegradedPerformance, "Trager dan normaal",
     "Sommige onderdelen zijn trager dan normaal", "minor"},
    {ComponentStatus::kPartialOutage, "Gedeeltelijke storing", "Gedeeltelijke storing", "major"},
    {ComponentStatus::kMajorOutage, "Storing", "Ernstige storing", "critical"},
}};

const Wording& wordingOf(ComponentStatus s) {
  const auto& w = kWording[static_cast<std::size_t>(s)];
  return w.status == s ? w : kWording.back();  // never show an unknown state as healthy
}

std::string dutchIncidentStatus(const std::string& s) {
  if (s == "investigating") return "We onderzoeken het probleem";
  if (s == "identified") return "Oorzaak gevonden";
  if (s == "monitoring") return "Opgelost, we houden het in de gaten";
  if (s == "resolved") return "Opgelost";
  return s;
}

// Statuspage's incident impact: the indicator of the worst state the incident sets
// (an incident has no "maintenance" impact).
std::string impactOf(const Incident& i) {
  ComponentStatus w = ComponentStatus::kOperational;
  for (const auto& [c, state] : i.components)
    w = worst(w, parseComponentStatus(state).value_or(ComponentStatus::kMajorOutage));
  const std::string indicator = wordingOf(w).indicator;
  return indicator == "maintenance" ? "none" : indicator;
}

bool covers(const Maintenance& m, const std::string& now) {
  return m.startsAt <= now && now < m.endsAt;  // same ISO 8601 UTC form: compares as text
}

std::string localTime(const std::string& iso) {
  auto t = parseIso8601(iso);
  return t ? accounts::amsterdamDateTime(*t) : iso;
}

Object componentJson(const ComponentView& c, const std::string& now) {
  Object o;
  o.set("id", c.id);
  o.set("name", c.name);
  o.set("status", std::string(toString(c.status)));
  o.set("created_at", now);
  o.set("updated_at", now);
  o.set("position", c.position);
  o.set("description", Poco::Dynamic::Var());
  o.set("showcase", true);
  o.set("start_date", Poco::Dynamic::Var());
  o.set("group_id", Poco::Dynamic::Var());
  o.set("page_id", kPageId);
  o.set("group", false);
  o.set("only_show_if_degraded", false);
  return o;
}

Array componentsOf(const PageModel& m, const std::vector<std::string>& ids) {
  Array a;
  for (const auto& c : m.components)
    if (std::find(ids.begin(), ids.end(), c.id) != ids.end()) a.add(componentJson(c, m.now));
  return a;
}

Object incidentJson(const PageModel& m, const Incident& i) {
  Object o;
  const std::string id = "inc-" + std::to_string(i.id);
  o.set("id", id);
  o.set("name", i.name);
  o.set("status", i.status);
  o.set("created_at", i.createdAt);
  o.set("updated_at", i.updatedAt);
  std::optional<std::string> monitoring;
  for (const auto& u : i.updates)
    if (u.status == "monitoring" && !monitoring) monitoring = u.createdAt;
  o.set("monitoring_at", monitoring ? Poco::Dynamic::Var(*monitoring) : Poco::Dynamic::Var());
  o.set("resolved_at", i.resolvedAt ? Poco::Dynamic::Var(*i.resolvedAt) : Poco::Dynamic::Var());
  o.set("impact", impactOf(i));
  o.set("shortlink", m.url);
  o.set("started_at", i.createdAt);
  o.set("page_id", kPageId);
  Array updates;
  for (std::size_t k = i.updates.size(); k-- > 0;) {  // newest first, like Statuspage
    const auto& u = i.updates[k];
    Object uo;
    uo.set("id", id + "-" + std::to_string(k + 1));
    uo.set("status", u.status);
    uo.set("body", u.body);
    uo.set("incident_id", id);
    uo.set("created_at", u.createdAt);
    uo.set("updated_at", u.createdAt);
    uo.set("display_at", u.createdAt);
    updates.add(uo);
  }
  o.set("incident_updates", updates);
  std::vector<std::string> ids;
  for (const auto& [c, state] : i.components) ids.push_back(c);
  o.set("components", componentsOf(m, ids));
  return o;
}

Object maintenanceJson(const PageModel& m, const Maintenance& w) {
  Object o;
  o.set("id", "mnt-" + std::to_string(w.id));
  o.set("name", w.name);
  o.set("status",
        covers(w, m.now) ? "in_progress" : (m.now < w.startsAt ? "scheduled" : "completed"));
  o.set("created_at", w.createdAt);
  o.set("updated_at", w.createdAt);
  o.set("monitoring_at", Poco::Dynamic::Var());
  o.set("resolved_at", m.now >= w.endsAt ? Poco::Dynamic::Var(w.endsAt) : Poco::Dynamic::Var());
  o.set("impact", "maintenance");
  o.set("shortlink", m.url);
  o.set("started_at", w.startsAt);
  o.set("page_id", kPageId);
  o.set("scheduled_for", w.startsAt);
  o.set("scheduled_until", w.endsAt);
  Array updates;
  if (!w.body.empty()) {
    Object uo;
    uo.set("id", "mnt-" + std::to_string(w.id) + "-1");
    uo.set("status", "scheduled");
    uo.set("body", w.body);
    uo.set("incident_id", "mnt-" + std::to_string(w.id));
    uo.set("created_at", w.createdAt);
    uo.set("updated_at", w.createdAt);
    uo.set("display_at", w.createdAt);
    updates.add(uo);
  }
  o.set("incident_updates", updates);
  o.set("components", componentsOf(m, w.components));
  return o;
}

}  // namespace

Result<PageModel> StatusBoard::build(const Thresholds& thresholds, const std::string& pageName,
                                     const std::string& url) const {
  PageModel m;
  m.pageName = pageName;
  m.url = url;
  m.now = formatIso8601(clock_.now());
  auto incidents = store_.incidents();
  if (!incidents) return incidents.status();
  auto maintenances = store_.maintenances();
  if (!maintenances) return maintenances.status();
  m.incidents = std::move(*incidents);
  m.maintenances = std::move(*maintenances);
  const bool dbUp = probes_.databaseUp ? probes_.databaseUp() : true;
  int position = 0;
  for (const auto& def : components_) {
    Observation o;
    o.databaseUp = dbUp;
    for (const auto& s : def.services) {
      if (probes_.serviceLive && !probes_.serviceLive(s)) o.servicesLive = false;
      const WindowStats w = window_.stats(s);
      o.requests += w.requests;
      o.errors += w.errors;
      o.p95Ms = std::max(o.p95Ms, w.p95Ms);
    }
    for (const auto& s : def.optionalServices) {
      if (probes_.serviceLive && !probes_.serviceLive(s)) o.optionalDependencyUp = false;
      const WindowStats w = window_.stats(s);
      o.requests += w.requests;
      o.errors += w.errors;
      o.p95Ms = std::max(o.p95Ms, w.p95Ms);
    }
    for (const auto& i : m.incidents) {
      if (i.resolvedAt) continue;
      auto it = i.components.find(def.id);
      if (it == i.components.end()) continue;
      const ComponentStatus set =
          parseComponentStatus(it->second).value_or(ComponentStatus::kMajorOutage);
      o.incidentOverride = o.incidentOverride ? worst(*o.incidentOverride, set) : set;
    }
    for (const auto& w : m.maintenances)
      if (covers(w, m.now) &&
          std::find(w.components.begin(), w.components.end(), def.id) != w.components.end())
        o.inMaintenance = true;
    ComponentView v{def.id, def.name, deriveStatus(o, thresholds), ++position};
    m.overall = worst(m.overall, v.status);
    m.components.push_back(std::move(v));
  }
  return m;
}

std::string indicatorOf(ComponentStatus overall) { return wordingOf(overall).indicator; }

std::string statusJson(const PageModel& m) {
  Object root;
  Object page;
  page.set("id", kPageId);
  page.set("name", m.pageName);
  page.set("url", m.url);
  page.set("time_zone", "Europe/Amsterdam");
  page.set("updated_at", m.now);
  root.set("page", page);
  Object status;
  status.set("indicator", indicatorOf(m.overall));
  status.set("description", std::string(wordingOf(m.overall).description));
  root.set("status", status);
  Array components;
  for (const auto& c : m.components) components.add(componentJson(c, m.now));
  root.set("components", components);
  Array open, resolved, scheduled, ended;
  for (const auto& i : m.incidents) (i.resolvedAt ? resolved : open).add(incidentJson(m, i));
  for (const auto& w : m.maintenances)
    (m.now < w.endsAt ? scheduled : ended).add(maintenanceJson(m, w));
  root.set("incidents", open);
  root.set("scheduled_maintenances", scheduled);
  Object history;
  history.set("days", kHistoryDays);
  history.set("incidents", resolved);
  history.set("maintenances", ended);
  root.set("history", history);
  std::ostringstream out;
  root.stringify(out);
  return out.str();
}

std::string statusHtml(const PageModel& m) {
  std::ostringstream h;
  const std::string indicator = indicatorOf(m.overall);
  h << "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<title>Status — " << core::escapeHtml(m.pageName) << "</title>\n"
    << "<style>\n"
    << "body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:42rem;"
       "margin-inline:auto;color:#1a1a1a;line-height:1.5}\n"
    << "h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}\n"
    << ".banner{padding:1rem;border-radius:.5rem;font-weight:bold;color:#fff;background:#1f7a3a}\n"
    << ".banner.minor{background:#a15c00}.banner.major{background:#b34700}"
       ".banner.critical{background:#b00020}.banner.maintenance{background:#1f4e9c}\n"
    << "ul{list-style:none;padding:0}li{padding:.6rem 0;border-bottom:1px solid #ddd}\n"
    << ".component{display:flex;justify-content:space-between;gap:1rem}\n"
    << ".state{font-weight:bold}.operational{color:#1f7a3a}"
       ".degraded_performance{color:#a15c00}.partial_outage{color:#b34700}"
       ".major_outage{color:#b00020}.under_maintenance{color:#1f4e9c}\n"
    << "article{border:1px solid #ccc;border-radius:.5rem;padding:.5rem 1rem;margin:.5rem 0}\n"
    << "time{color:#555;font-size:.9rem}\n"
    << "</style>\n</head>\n<body>\n<main>\n"
    << "<h1>Status van " << core::escapeHtml(m.pageName) << "</h1>\n"
    << "<p class=\"banner " << indicator << "\" id=\"overall\" data-indicator=\"" << indicator
    << "\">" << core::escapeHtml(std::string(wordingOf(m.overall).description)) << "</p>\n";

  h << "<h2>Onderdelen</h2>\n<ul id=\"components\">\n";
  for (const auto& c : m.components) {
    const std::string state(toString(c.status));
    h << "<li class=\"component\" id=\"component-" << core::escapeHtml(c.id) << "\" data-status=\""
      << state << "\"><span>" << core::escapeHtml(c.name) << "</span><span class=\"state " << state
      << "\">" << core::escapeHtml(std::string(wordingOf(c.status).label)) << "</span></li>\n";
  }
  h << "</ul>\n";

  auto incidentArticle = [&](const Incident& i) {
    h << "<article class=\"incident\" id=\"incident-" << i.id << "\">\n<h3>"
      << core::escapeHtml(i.name) << "</h3>\n<p><strong>"
      << core::escapeHtml(dutchIncidentStatus(i.status)) << "</strong></p>\n";
    for (std::size_t k = i.updates.size(); k-- > 0;) {
      const auto& u = i.updates[k];
      h << "<p><time datetime=\"" << core::escapeHtml(u.createdAt) << "\">"
        << core::escapeHtml(localTime(u.createdAt)) << "</time> — "
        << core::escapeHtml(dutchIncidentStatus(u.status)) << (u.body.empty() ? "" : ": ")
        << core::escapeHtml(u.body) << "</p>\n";
    }
    h << "</article>\n";
  };
  h << "<h2>Actuele storingen</h2>\n<section id=\"incidents\">\n";
  bool anyOpen = false;
  for (const auto& i : m.incidents) {
    if (i.resolvedAt) continue;
    anyOpen = true;
    incidentArticle(i);
  }
  if (!anyOpen) h << "<p>Er zijn op dit moment geen storingen.</p>\n";
  h << "</section>\n";

  h << "<h2>Gepland onderhoud</h2>\n<section id=\"maintenance\">\n";
  bool anyPlanned = false;
  for (const auto& w : m.maintenances) {
    if (!(m.now < w.endsAt)) continue;
    anyPlanned = true;
    h << "<article class=\"maintenance\" id=\"maintenance-" << w.id << "\">\n<h3>"
      << core::escapeHtml(w.name) << "</h3>\n<p><time datetime=\"" << core::escapeHtml(w.startsAt)
      << "\">" << core::escapeHtml(localTime(w.startsAt)) << "</time> tot <time datetime=\""
      << core::escapeHtml(w.endsAt) << "\">" << core::escapeHtml(localTime(w.endsAt)) << "</time>"
      << (covers(w, m.now) ? " <strong>(nu bezig)</strong>" : "") << "</p>\n";
    if (!w.body.empty()) h << "<p>" << core::escapeHtml(w.body) << "</p>\n";
    h << "</article>\n";
  }
  if (!anyPlanned) h << "<p>Er is geen onderhoud gepland.</p>\n";
  h << "</section>\n";

  h << "<h2>Afgelopen " << kHistoryDays << " dagen</h2>\n<section id=\"history\">\n";
  bool anyPast = false;
  for (const auto& i : m.incidents) {
    if (!i.resolvedAt) continue;
    anyPast = true;
    incidentArticle(i);
  }
  for (const auto& w : m.maintenances) {
    if (m.now < w.endsAt) continue;
    anyPast = true;
    h << "<article class=\"maintenance\" id=\"maintenance-" << w.id << "\">\n<h3>"
      << core::escapeHtml(w.name) << "</h3>\n<p>Onderhoud van <time datetime=\""
      << core::escapeHtml(w.startsAt) << "\">" << core::escapeHtml(localTime(w.startsAt))
      << "</time> tot <time datetime=\"" << core::escapeHtml(w.endsAt) << "\">"
      << core::escapeHtml(localTime(w.endsAt)) << "</time></p>\n</article>\n";
  }
  if (!anyPast) h << "<p>Geen storingen of onderhoud in deze periode.</p>\n";
  h << "</section>\n";
  h << "<p><small>Bijgewerkt " << core::escapeHtml(localTime(m.now))
    << " (Nederlandse tijd). Dezelfde gegevens als JSON: <a href=\"/status.json\">"
       "/status.json</a>.</small></p>\n"
    << "</main>\n</body>\n</html>\n";
  return h.str();
}

}  // namespace berichtd::status
