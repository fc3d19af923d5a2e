#include "app/status_routes.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "app/status_config.hpp"
#include "http/errors.hpp"

namespace berichtd::app {

namespace {

int statusFor(const std::string& code) {
  if (code == "NOT_FOUND") return 404;
  if (code == "INCIDENT_RESOLVED") return 409;
  if (code.rfind("STORAGE_", 0) == 0) return 503;
  return 400;
}

void fail(http::HttpResponse& res, const Status& s) { http::setError(res, statusFor(s.code()), s); }

std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || !o->get(key).isString()) return "";
  return o->getValue<std::string>(key);
}

// {"login": "major_outage", …}; nullopt when absent, BAD_REQUEST text when malformed.
Result<std::optional<std::map<std::string, std::string>>> componentStates(
    const Poco::JSON::Object::Ptr& o) {
  if (!o->has("components")) return std::optional<std::map<std::string, std::string>>();
  auto c = o->getObject("components");
  if (!c) return Status::error("BAD_REQUEST", "'components' must be {component: state, …}");
  std::map<std::string, std::string> out;
  for (const auto& name : c->getNames()) {
    if (!c->get(name).isString())
      return Status::error("BAD_REQUEST", "'components' must be {component: state, …}");
    out[name] = c->getValue<std::string>(name);
  }
  return std::optional<std::map<std::string, std::string>>(std::move(out));
}

Poco::JSON::Object incidentJson(const status::Incident& i) {
  Poco::JSON::Object o;
  o.set("id", i.id);
  o.set("name", i.name);
  o.set("status", i.status);
  Poco::JSON::Object c;
  for (const auto& [name, state] : i.components) c.set(name, state);
  o.set("components", c);
  o.set("created_at", i.createdAt);
  o.set("resolved_at", i.resolvedAt ? Poco::Dynamic::Var(*i.resolvedAt) : Poco::Dynamic::Var());
  Poco::JSON::Array updates;
  for (const auto& u : i.updates) {
    Poco::JSON::Object uo;
    uo.set("status", u.status);
    uo.set("body", u.body);
    uo.set("created_at", u.createdAt);
    updates.add(uo);
  }
  o.set("updates", updates);
  return o;
}

}  // namespace

void StatusRoutes::addPublic(http::Router& r) const {
  const StatusRouteDeps* deps = &deps_;
  auto model = [deps](http::HttpResponse& res) -> std::optional<status::PageModel> {
    auto cfg = deps->config();
    auto m = deps->board->build(thresholdsOf(cfg->status), cfg->status.pageName,
                                cfg->http.publicUrl + "/status");
    if (!m) {
      res.setHeader("Retry-After", "5");
      http::setError(res, 503, m.status());
      return std::nullopt;
    }
    return *m;
  };
  r.add("GET", "/status.json", [model](const http::HttpRequest&, http::HttpResponse& res) {
    auto m = model(res);
    if (!m) return;
    res.setHeader("Cache-Control", "no-cache");
    res.body = status::statusJson(*m);
  });
  r.add("GET", "/status", [model](const http::HttpRequest&, http::HttpResponse& res) {
    auto m = model(res);
    if (!m) return;
    res.setHeader("Cache-Control", "no-cache");
    res.contentType = "text/html; charset=utf-8";
    res.body = status::statusHtml(*m);
  });
}

void StatusRoutes::addAdmin(
    http::Router& r, const std::function<http::HttpHandler(http::HttpHandler)>& guard) const {
  const StatusRouteDeps* deps = &deps_;
  auto body = [](const http::HttpRequest& req, http::HttpResponse& res) -> Poco::JSON::Object::Ptr {
    auto in = http::parseJsonObject(req.body.empty() ? "{}" : req.body);
    if (!in) {
      http::setError(res, 400, in.status());
      return nullptr;
    }
    return *in;
  };
  auto idOf = [](const http::HttpRequest& req, http::HttpResponse& res) -> std::optional<int64_t> {
    auto id = http::parseWholeNumber(req.params.at("id"));
    if (!id) http::setError(res, 404, "NOT_FOUND", "no such id");
    return id;
  };

  r.add("GET", "/admin/v1/incidents",
        guard([deps](const http::HttpRequest&, http::HttpResponse& res) {
          auto list = deps->store->incidents();
          if (!list) return fail(res, list.status());
          Poco::JSON::Array arr;
          for (const auto& i : *list) arr.add(incidentJson(i));
          Poco::JSON::Object o;
          o.set("incidents", arr);
          http::setJson(res, o);
        }));
  r.add("POST", "/admin/v1/incidents",
        guard([deps, body](const http::HttpRequest& req, http::HttpResponse& res) {
          auto in = body(req, res);
          if (!in) return;
          auto states = componentStates(in);
          if (!states) return fail(res, states.status());
          auto id = deps->store->openIncident(
              text(in, "name"), states->value_or(std::map<std::string, std::string>{}),
              text(in, "body"));
          if (!id) return fail(res, id.status());
          Poco::JSON::Object o;
          o.set("id", *id);
          o.set("status", "investigating");
          http::setJson(res, o);
          res.status = 201;
        }));
  r.add("POST", "/admin/v1/incidents/{id}/updates",
        guard([deps, body, idOf](const http::HttpRequest& req, http::HttpResponse& res) {
          auto id = idOf(req, res);
          if (!id) return;
          auto in = body(req, res);
          if (!in) return;
          auto states = componentStates(in);
          if (!states) return fail(res, states.status());
          const std::string status = text(in, "status");
          if (Status s = deps->store->updateIncident(*id, status, text(in, "body"), *states); !s)
            return fail(res, s);
          Poco::JSON::Object o;
          o.set("id", *id);
          o.set("status", status);
          http::setJson(res, o);
        }));
  r.add("POST", "/admin/v1/incidents/{id}/resolve",
        guard([deps, body, idOf](const http::HttpRequest& req, http::HttpResponse& res) {
          auto id = idOf(req, res);
          if (!id) return;
          auto in = body(req, res);
          if (!in) return;
          if (Status s = deps->store->resolveIncident(*id, text(in, "body")); !s)
            return fail(res, s);
          Poco::JSON::Object o;
          o.set("id", *id);
          o.set("status", "resolved");
          http::setJson(res, o);
        }));
  r.add("GET", "/admin/v1/maintenances",
        guard([deps](const http::HttpRequest&, http::HttpResponse& res) {
          auto list = deps->store->maintenances();
          if (!list) return fail(res, list.status());
          Poco::JSON::Array arr;
          for (const auto& m : *list) {
            Poco::JSON::Object o;
            o.set("id", m.id);
            o.set("name", m.name);
            o.set("body", m.body);
            Poco::JSON::Array c;
            for (const auto& n : m.components) c.add(n);
            o.set("components", c);
            o.set("starts_at", m.startsAt);
            o.set("ends_at", m.endsAt);
            arr.add(o);
          }
          Poco::JSON::Object o;
          o.set("maintenances", arr);
          http::setJson(res, o);
        }));
  r.add("POST", "/admin/v1/maintenances",
        guard([deps, body](const http::HttpRequest& req, http::HttpResponse& res) {
          auto in = body(req, res);
          if (!in) return;
          std::vector<std::string> components;
          if (auto arr = in->getArray("components")) {
            for (std::size_t i = 0; i < arr->size(); ++i)
              components.push_back(arr->get(static_cast<unsigned>(i)).toString());
          }
          if (components.empty()) {
            for (const auto& c : deps->store->components()) components.push_back(c);
          }
          auto id = deps->store->addMaintenance(text(in, "name"), text(in, "starts_at"),
                                                text(in, "ends_at"), components, text(in, "body"));
          if (!id) return fail(res, id.status());
          Poco::JSON::Object o;
          o.set("id", *id);
          http::setJson(res, o);
          res.status = 201;
        }));
  r.add("DELETE", "/admin/v1/maintenances/{id}",
        guard([deps, idOf](const http::HttpRequest& req, http::HttpResponse& res) {
          auto id = idOf(req, res);
          if (!id) return;
          if (Status s = deps->store->removeMaintenance(*id); !s) return fail(res, s);
          Poco::JSON::Object o;
          o.set("id", *id);
          o.set("removed", true);
          http::setJson(res, o);
        }));
}

}  // namespace berichtd::app
