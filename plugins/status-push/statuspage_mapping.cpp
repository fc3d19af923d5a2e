#include "statuspage_mapping.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

namespace berichtd::statuspage {

namespace {

using Poco::JSON::Object;

constexpr std::array<std::string_view, 5> kComponentStatuses = {
    "operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"};
constexpr std::array<std::string_view, 4> kIncidentStatuses = {"investigating", "identified",
                                                               "monitoring", "resolved"};
constexpr std::string_view kComponentsPrefix = "components.";

std::string stringify(const Object& o) {
  std::ostringstream s;
  o.stringify(s);
  return s.str();
}

// The request body's fields, read strictly: a missing field or one of the wrong type is a
// BAD_REQUEST naming the field (never its value).
class Fields {
 public:
  static Result<Fields> parse(const std::string& action, const std::string& body) {
    try {
      auto o = Poco::JSON::Parser().parse(body).extract<Object::Ptr>();
      if (o) return Fields(action, o);
    } catch (const std::exception&) {
    }
    return Status::error("BAD_REQUEST", action + " needs a JSON object");
  }
  Result<std::string> text(const std::string& key) const {
    if (!o_->has(key) || !o_->get(key).isString())
      return Status::error("BAD_REQUEST", action_ + " needs the text field '" + key + "'");
    return o_->getValue<std::string>(key);
  }
  Result<std::string> nonEmpty(const std::string& key) const {
    auto t = text(key);
    if (t && t->empty())
      return Status::error("BAD_REQUEST", action_ + " needs a non-empty '" + key + "'");
    return t;
  }
  Object::Ptr object(const std::string& key) const {
    if (!o_->has(key)) return nullptr;
    try {
      return o_->getObject(key);
    } catch (const std::exception&) {
      return nullptr;
    }
  }

 private:
  Fields(std::string action, Object::Ptr o) : action_(std::move(action)), o_(std::move(o)) {}
  std::string action_;
  Object::Ptr o_;
};

}  // namespace

bool isComponentStatus(std::string_view status) {
  return std::find(kComponentStatuses.begin(), kComponentStatuses.end(), status) !=
         kComponentStatuses.end();
}

bool isIncidentStatus(std::string_view status) {
  return std::find(kIncidentStatuses.begin(), kIncidentStatuses.end(), status) !=
         kIncidentStatuses.end();
}

bool isStatuspageId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
  });
}

Result<std::map<std::string, std::string>> componentMap(
    const std::map<std::string, std::string>& settings) {
  std::map<std::string, std::string> map;
  for (const auto& [key, value] : settings) {
    if (key.compare(0, kComponentsPrefix.size(), kComponentsPrefix) != 0) continue;
    const std::string name = key.substr(kComponentsPrefix.size());
    if (name.empty() || name.find('.') != std::string::npos)
      return Status::error("CONFIG_INVALID",
                           "plugin setting 'components' must map names to Statuspage ids");
    if (!isStatuspageId(value))
      return Status::error("CONFIG_INVALID", "plugin setting 'components." + name +
                                                 "' is not a Statuspage component id");
    map.emplace(name, value);
  }
  return map;
}

Result<ComponentStatus> parseComponentStatus(const std::string& body) {
  auto f = Fields::parse("component_status", body);
  if (!f) return f.status();
  auto component = f->nonEmpty("component");
  auto status = f->text("status");
  auto at = f->text("at");
  for (const Status* s : {&component.status(), &status.status(), &at.status()})
    if (!s->isOk()) return *s;
  if (!isComponentStatus(*status))
    return Status::error("BAD_REQUEST",
                         "component_status: 'status' is not a Statuspage component status");
  return ComponentStatus{*component, *status, *at};
}

Result<Incident> parseIncident(const std::string& body) {
  auto f = Fields::parse("incident", body);
  if (!f) return f.status();
  auto id = f->nonEmpty("incident_id");
  auto name = f->nonEmpty("name");
  auto status = f->text("status");
  auto text = f->text("body");
  auto at = f->text("at");
  for (const Status* s :
       {&id.status(), &name.status(), &status.status(), &text.status(), &at.status()})
    if (!s->isOk()) return *s;
  if (!isIncidentStatus(*status))
    return Status::error("BAD_REQUEST", "incident: 'status' is not a Statuspage incident status");
  Incident i{*id, *name, *status, *text, *at, {}};
  auto components = f->object("components");
  if (!components)
    return Status::error("BAD_REQUEST", "incident needs the object field 'components'");
  for (const auto& [component, value] : *components) {
    if (!value.isString() || !isComponentStatus(value.extract<std::string>()))
      return Status::error("BAD_REQUEST", "incident: the status of component '" + component +
                                              "' is not a Statuspage component status");
    i.components.emplace(component, value.extract<std::string>());
  }
  return i;
}

Result<std::string> componentId(const std::map<std::string, std::string>& map,
                                const std::string& component) {
  auto it = map.find(component);
  if (it == map.end())
    return Status::error("STATUS_COMPONENT_UNKNOWN",
                         "component '" + component + "' has no Statuspage id in 'components'");
  return it->second;
}

std::string componentBody(const std::string& status) {
  Object::Ptr c = new Object;
  c->set("status", status);
  Object o;
  o.set("component", c);
  return stringify(o);
}

Result<std::string> incidentBody(const Incident& incident,
                                 const std::map<std::string, std::string>& map) {
  Poco::JSON::Array::Ptr ids = new Poco::JSON::Array;
  Object::Ptr statuses = new Object;
  for (const auto& [component, status] : incident.components) {
    auto id = componentId(map, component);
    if (!id) return id.status();
    ids->add(*id);
    statuses->set(*id, status);
  }
  Object::Ptr i = new Object;
  i->set("name", incident.name);
  i->set("status", incident.status);
  i->set("body", incident.body);
  i->set("component_ids", ids);
  i->set("components", statuses);
  Object o;
  o.set("incident", i);
  return stringify(o);
}

Result<std::string> incidentId(const std::string& answer) {
  try {
    auto o = Poco::JSON::Parser().parse(answer).extract<Object::Ptr>();
    if (o && o->has("id") && o->get("id").isString()) {
      auto id = o->getValue<std::string>("id");
      if (isStatuspageId(id)) return id;
    }
  } catch (const std::exception&) {
  }
  return Status::error("PROVIDER_REJECTED", "Statuspage's answer carries no incident id");
}

std::string errorText(int httpStatus, const std::string& body) {
  std::string t;
  try {
    auto o = Poco::JSON::Parser().parse(body).extract<Object::Ptr>();
    if (o && o->has("error")) {
      const auto e = o->get("error");
      if (e.isString()) {
        t = e.extract<std::string>();
      } else if (auto list = o->getArray("error")) {
        for (size_t n = 0; n < list->size(); ++n) {
          if (!list->get(static_cast<unsigned>(n)).isString()) continue;
          if (!t.empty()) t += "; ";
          t += list->getElement<std::string>(static_cast<unsigned>(n));
        }
      }
    }
  } catch (const std::exception&) {
    // Not JSON (a proxy's HTML page): the HTTP status alone says enough.
  }
  t = "HTTP " + std::to_string(httpStatus) + (t.empty() ? "" : ": " + t);
  std::replace_if(
      t.begin(), t.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return t.size() > 300 ? t.substr(0, 300) : t;
}

Status failureFor(int httpStatus, const std::string& body) {
  if (httpStatus >= 500 || httpStatus == 429 || httpStatus < 400)
    return Status::error("PROVIDER_UNAVAILABLE",
                         "Statuspage answered " + errorText(httpStatus, body));
  return Status::error("PROVIDER_REJECTED",
                       "Statuspage refused the request: " + errorText(httpStatus, body));
}

}  // namespace berichtd::statuspage
