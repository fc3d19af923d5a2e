#include "app/daemon_routes.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/URI.h>

#include <sstream>

#include "accounts/validation.hpp"
#include "app/account_http.hpp"
#include "app/auth_routes.hpp"
#include "app/daemon.hpp"
#include "app/import_routes.hpp"
#include "app/status_config.hpp"
#include "http/bearer_auth.hpp"
#include "http/errors.hpp"
#include "http/health.hpp"
#include "http/knowledge_base.hpp"

namespace berichtd::app {

namespace {

std::string stringify(const Poco::JSON::Object& o) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(o, out);
  return out.str();
}

std::string abiText() {
  return std::to_string(BERICHTD_ABI_MAJOR) + "." + std::to_string(BERICHTD_ABI_MINOR);
}

}  // namespace

http::Router DaemonRoutes::publicRouter() {
  http::Router r;
  Daemon& d = daemon_;
  r.add("GET", "/healthz", [](const http::HttpRequest&, http::HttpResponse& res) {
    // Liveness: the process answers. Readiness is /readyz.
    res.contentType = "application/health+json";
    res.body = http::healthJson("pass", {}, BERICHTD_VERSION);
  });
  r.add("GET", "/readyz", [&d](const http::HttpRequest&, http::HttpResponse& res) {
    std::vector<http::HealthCheck> checks;
    Status db = d.database_->ping();
    checks.push_back(
        {"storage:reachable", db.isOk() ? "pass" : "fail", db.isOk() ? std::string() : db.code()});
    for (const auto& service : d.plugins_->services()) {
      bool live = d.broker_->hasLiveWorker(service);
      checks.push_back(
          {"service:" + service, live ? "pass" : "fail", live ? "" : "no live worker"});
    }
    bool ready = true;
    for (const auto& c : checks) ready = ready && c.status == "pass";
    // Readiness (the 503) stays about this process's own storage and loaded plugins: what
    // follows only warns. A provider or component that is out must not pull every instance out
    // of the load balancer (docs/operations.md).
    // The outside parties behind probed services (status.probe_services, S2).
    for (const auto& service : d.reachability_->services()) {
      const std::string failure = d.reachability_->lastFailure(service);
      checks.push_back({service + ":reachable", failure.empty() ? "pass" : "warn", failure});
    }
    // One check per status component (status.components, as on /status; S1, S2).
    if (db.isOk()) {
      auto model = d.statusBoard_->build(thresholdsOf(d.currentConfig()->status), "", "");
      if (model) {
        for (const auto& comp : model->components) {
          const bool up = comp.status == status::ComponentStatus::kOperational;
          checks.push_back({comp.id + ":status", up ? "pass" : "warn",
                            up ? std::string() : std::string(status::toString(comp.status))});
        }
      }
    }
    res.status = ready ? 200 : 503;
    res.contentType = "application/health+json";
    res.body = http::healthJson(ready ? "pass" : "fail", checks, BERICHTD_VERSION);
  });
  // Prometheus text format (docs/operations.md "Metrics"); reads snapshots and the database
  // only, so a hung plugin cannot hang a scrape.
  r.add("GET", "/metrics", [&d](const http::HttpRequest&, http::HttpResponse& res) {
    res.contentType = "text/plain; version=0.0.4; charset=utf-8";
    res.body = d.scrapeMetrics();
  });
  // Login, sessions, recovery and activation (API.md; the `auth` service).
  d.authRoutes_->addTo(r);
  d.messageRoutes_->addTo(r);
  d.billingRoutes_->addTo(r);
  // The sent-mail archive, /api/v1/mails (N2).
  d.campaignRoutes_->addPublic(r);
  d.statusRoutes_->addPublic(r);  // /status, /status.json
  d.activationPages_->addTo(r);   // /activeren… (HTML over the activation API)
  // The knowledge base every error's `help` link points at (D2).
  auto kennisbank = [&d](const std::string& code, http::HttpResponse& res) {
    auto page = http::knowledgePage(d.currentConfig()->http.kennisbankDir, code);
    if (!page) {
      http::setError(res, 404, "NOT_FOUND", "there is no knowledge-base page for this code");
      return;
    }
    res.contentType = "text/html; charset=utf-8";
    res.body = std::move(page).value();
  };
  r.add("GET", "/kennisbank",
        [kennisbank](const http::HttpRequest&, http::HttpResponse& res) { kennisbank("", res); });
  r.add("GET", "/kennisbank/{code}",
        [kennisbank](const http::HttpRequest& req, http::HttpResponse& res) {
          kennisbank(req.params.at("code"), res);
        });
  return r;
}

http::Router DaemonRoutes::adminRouter() {
  http::Router r;
  Daemon& d = daemon_;
  const Secret token = *d.currentConfig()->admin.token;
  auto guarded = [token](http::HttpHandler h) { return http::requireBearer(token, std::move(h)); };

  r.add("GET", "/admin/v1/status", guarded([&d](const http::HttpRequest&, http::HttpResponse& res) {
          auto cfg = d.currentConfig();
          Poco::JSON::Object o;
          o.set("version", std::string(BERICHTD_VERSION));
          o.set("abi", abiText());
          o.set("uptime_s", std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::steady_clock::now() - d.startedAt_)
                                .count());
          o.set("config_generation", d.configGeneration_.load());
          Poco::JSON::Object storage;
          storage.set("backend", d.database_->backendName());
          storage.set("reachable", d.database_->ping().isOk());
          storage.set("schema_version", d.database_->schemaVersion());
          o.set("storage", storage);
          Poco::JSON::Object clock;
          clock.set("mode", cfg->clock.mode);
          clock.set("now", formatIso8601(d.clock_->now()));
          o.set("clock", clock);
          auto snap = d.broker_->snapshot();
          Poco::JSON::Object bus;
          bus.set("requests", snap.counters.requests);
          bus.set("replies", snap.counters.replies);
          bus.set("events", snap.counters.events);
          bus.set("busy", snap.counters.busy);
          bus.set("timeouts", snap.counters.timeouts);
          bus.set("unavailable", snap.counters.unavailable);
          bus.set("retried", snap.counters.retried);
          bus.set("malformed_dropped", snap.counters.malformedDropped);
          bus.set("workers_expired", snap.counters.workersExpired);
          o.set("bus", bus);
          Poco::JSON::Array services;
          for (const auto& s : snap.services) {
            Poco::JSON::Object so;
            so.set("name", s.name);
            so.set("live_workers", s.liveWorkers);
            so.set("queued", s.queued);
            so.set("in_flight", s.inFlight);
            services.add(so);
          }
          o.set("services", services);
          res.body = stringify(o);
        }));

  r.add("GET", "/admin/v1/plugins",
        guarded([&d](const http::HttpRequest&, http::HttpResponse& res) {
          Poco::JSON::Array list;
          for (const auto& p : d.plugins_->status()) {
            Poco::JSON::Object o;
            o.set("name", p.name);
            o.set("version", p.version);
            o.set("service", p.service);
            o.set("isolation", p.isolation);
            o.set("file", p.file);
            o.set("abi", p.abi);
            o.set("workers", p.workers);
            o.set("live", d.broker_->hasLiveWorker(p.service));
            o.set("restarts", p.restarts);
            if (p.pid != 0) {
              o.set("pid", p.pid);
            } else {
              o.set("pid", Poco::Dynamic::Var());
            }
            list.add(o);
          }
          Poco::JSON::Object out;
          out.set("plugins", list);
          res.body = stringify(out);
        }));

  auto clockJson = [&d]() {
    Poco::JSON::Object o;
    o.set("mode", d.manualClock_ != nullptr ? "manual" : "system");
    o.set("now", formatIso8601(d.clock_->now()));
    return stringify(o);
  };
  r.add("GET", "/admin/v1/clock",
        guarded([clockJson](const http::HttpRequest&, http::HttpResponse& res) {
          res.body = clockJson();
        }));
  r.add("PUT", "/admin/v1/clock",
        guarded([&d, clockJson](const http::HttpRequest& req, http::HttpResponse& res) {
          if (d.manualClock_ == nullptr) {
            http::setError(res, 409, "CLOCK_NOT_MANUAL",
                           "the clock can only be set with clock.mode: manual");
            return;
          }
          std::string now;
          try {
            auto obj = Poco::JSON::Parser().parse(req.body).extract<Poco::JSON::Object::Ptr>();
            now = obj->optValue<std::string>("now", "");
          } catch (const std::exception&) {
            http::setError(res, 400, "BAD_REQUEST",
                           "the body must be {\"now\": \"ISO 8601 time\"}");
            return;
          }
          auto t = parseIso8601(now);
          if (!t) {
            http::setError(res, 400, "BAD_REQUEST", "'now' must be an ISO 8601 time with offset");
            return;
          }
          d.manualClock_->set(*t);
          res.body = clockJson();
        }));

  // Accounts (SPEC A1, A4; API.md `berichtctl accounts create|show`). The answer carries the
  // plain request token once (AC1); only its SHA-256 is stored (AU5). Neither e-mail addresses
  // nor tokens are logged.
  r.add("POST", "/admin/v1/accounts",
        guarded([&d](const http::HttpRequest& req, http::HttpResponse& res) {
          auto body = http::parseJsonObject(req.body);
          if (!body) {
            http::setError(res, 400, body.status());
            return;
          }
          std::string email, agb, created;
          try {
            email = (*body)->optValue<std::string>("email", "");
            agb = (*body)->optValue<std::string>("agb_code", "");
            // Default: today in Europe/Amsterdam per the platform clock (SPEC calendar rule).
            created =
                (*body)->optValue<std::string>("created", accounts::amsterdamDate(d.clock_->now()));
          } catch (const Poco::Exception&) {
            http::setError(res, 400, "BAD_REQUEST", "email, agb_code and created must be strings");
            return;
          }
          auto made = d.accounts_->create(email, agb, created);
          if (!made) {
            http::setError(res, accountErrorStatus(made.status().code()), made.status());
            return;
          }
          Poco::JSON::Object o;
          o.set("account_id", static_cast<Poco::Int64>(made->accountId));
          o.set("request_token", made->requestToken);
          res.status = 201;
          http::setJson(res, o);
        }));

  r.add("GET", "/admin/v1/accounts/{key}",
        guarded([&d](const http::HttpRequest& req, http::HttpResponse& res) {
          auto found = d.accounts_->findByEmailOrAgb(req.params.at("key"));
          if (!found) {
            http::setError(res, accountErrorStatus(found.status().code()), found.status());
            return;
          }
          auto optional = [](const std::optional<std::string>& v) {
            return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
          };
          Poco::JSON::Object o;
          o.set("account_id", static_cast<Poco::Int64>(found->id));
          o.set("email", found->email);
          o.set("agb_code", found->agbCode);
          o.set("state", found->state);
          o.set("created_at", found->createdAt);
          o.set("closed_at", optional(found->closedAt));
          o.set("paid_through", optional(found->paidThrough));
          o.set("last_activity_at", optional(found->lastActivityAt));
          http::setJson(res, o);
        }));

  // Diagnostics: one request to a bus service, its reply body returned as is. Lets an operator
  // (and the tests) see a plugin answer without any product endpoint in between.
  // Dead letters (SPEC D3; berichtctl deadletter list|replay ID).
  r.add("GET", "/admin/v1/deadletters",
        guarded([&d](const http::HttpRequest&, http::HttpResponse& res) {
          if (!d.dispatcher_) {
            http::setError(res, 503, "SERVICE_UNAVAILABLE",
                           "messages are not configured on this server");
            return;
          }
          auto list = d.dispatcher_->deadLetters();
          if (!list) {
            http::setError(res, 500, list.status());
            return;
          }
          Poco::JSON::Array arr;
          for (const auto& dl : *list) {
            Poco::JSON::Object o;
            o.set("id", dl.id);
            o.set("service", dl.service);
            o.set("action", dl.action);
            o.set("attempts", dl.attempts);
            o.set("last_error", dl.lastError);
            o.set("created_at", dl.createdAt);
            arr.add(o);
          }
          Poco::JSON::Object out;
          out.set("deadletters", arr);
          res.body = stringify(out);
        }));
  r.add("POST", "/admin/v1/deadletters/{id}/replay",
        guarded([&d](const http::HttpRequest& req, http::HttpResponse& res) {
          if (!d.dispatcher_) {
            http::setError(res, 503, "SERVICE_UNAVAILABLE",
                           "messages are not configured on this server");
            return;
          }
          const auto id = http::parseWholeNumber(req.params.at("id"));
          if (!id) {
            http::setError(res, 404, "NOT_FOUND", "no dead letter with this id");
            return;
          }
          if (Status s = d.dispatcher_->replay(*id); !s) {
            http::setError(res, s.code() == "NOT_FOUND" ? 404 : 500, s);
            return;
          }
          Poco::JSON::Object out;
          out.set("id", *id);
          out.set("state", "pending");
          res.body = stringify(out);
        }));
  d.statusRoutes_->addAdmin(r, guarded);  // incidents and maintenance windows
  // berichtctl campaign list|send.
  d.campaignRoutes_->addAdmin(r, guarded);
  // berichtctl import: the old platform's export (SPEC M1, M2; docs/import.md).
  addImportRoute(r, guarded, {d.database_.get(), d.clock_.get(), d.dataKeys_.get(), [&d] {
                                return d.currentConfig();
                              }});
  // Billing (berichtctl billing run|fail|sync|batch).
  // The optional {"date": "YYYY-MM-DD"} of a body: nullopt after answering 400 itself; an empty
  // inner optional when no date was given.
  auto optionalDate = [](const http::HttpRequest& req,
                         http::HttpResponse& res) -> std::optional<std::optional<billing::Date>> {
    auto in = http::parseJsonObject(req.body.empty() ? "{}" : req.body);
    if (!in) {
      http::setError(res, 400, in.status());
      return std::nullopt;
    }
    if (!(*in)->has("date")) return std::optional<billing::Date>();
    auto parsed = billing::parseDate((*in)->optValue<std::string>("date", ""));
    if (!parsed) {
      http::setError(res, 400, parsed.status());
      return std::nullopt;
    }
    return std::optional<billing::Date>(*parsed);
  };
  auto billingOff = [](http::HttpResponse& res) {
    http::setError(res, 503, "SERVICE_UNAVAILABLE", "billing is not configured on this server");
  };
  auto billingFailed = [](http::HttpResponse& res, const Status& s) {
    http::setError(res, billingHttpStatus(s.code()), s);
  };
  r.add("POST", "/admin/v1/billing/run",
        guarded([&d, billingOff, billingFailed, optionalDate](const http::HttpRequest& req,
                                                              http::HttpResponse& res) {
          if (!d.billing_) return billingOff(res);
          auto day = optionalDate(req, res);
          if (!day) return;
          auto report = d.billing_->run(*day);
          if (!report) return billingFailed(res, report.status());
          Poco::JSON::Object o;
          o.set("day", report->day);
          o.set("invoices", report->invoices);
          o.set("charges", report->charges);
          o.set("retries", report->retries);
          res.body = stringify(o);
        }));
  r.add("POST", "/admin/v1/billing/payments/{id}/fail",
        guarded(
            [&d, billingOff, billingFailed](const http::HttpRequest& req, http::HttpResponse& res) {
              if (!d.billing_) return billingOff(res);
              auto in = http::parseJsonObject(req.body.empty() ? "{}" : req.body);
              if (!in) return http::setError(res, 400, in.status());
              const std::string reason = (*in)->optValue<std::string>("reason", "");
              if (reason.empty())
                return http::setError(res, 400, "BAD_REQUEST", "'reason' is required");
              std::string id;
              Poco::URI::decode(req.params.at("id"), id);
              auto out = d.billing_->markFailed(id, reason);
              if (!out) return billingFailed(res, out.status());
              auto charge = d.billingStore_->chargeByPaymentId(id);
              Poco::JSON::Object o;
              o.set("payment_id", id);
              o.set("status", charge && *charge ? (*charge)->status : std::string("unknown"));
              res.body = stringify(o);
            }));
  r.add("POST", "/admin/v1/billing/batch",
        guarded([&d, billingOff, billingFailed, optionalDate](const http::HttpRequest& req,
                                                              http::HttpResponse& res) {
          if (!d.billing_) return billingOff(res);
          auto day = optionalDate(req, res);
          if (!day) return;
          auto out = d.billing_->writeBatch(*day);
          if (!out) return billingFailed(res, out.status());
          Poco::JSON::Object o;
          o.set("file", out->file ? Poco::Dynamic::Var(*out->file) : Poco::Dynamic::Var());
          o.set("collection_date", out->collectionDate);
          o.set("count", out->count);
          o.set("total_cents", out->totalCents);
          o.set("checked", out->synced.checked);
          o.set("changed", out->synced.changed);
          res.body = stringify(o);
        }));
  r.add("POST", "/admin/v1/billing/sync",
        guarded([&d, billingOff, billingFailed](const http::HttpRequest&, http::HttpResponse& res) {
          if (!d.billing_) return billingOff(res);
          auto out = d.billing_->syncUnsettled();
          if (!out) return billingFailed(res, out.status());
          Poco::JSON::Object o;
          o.set("checked", out->checked);
          o.set("changed", out->changed);
          res.body = stringify(o);
        }));
  // Retention (berichtctl retention sweep; SPEC R1-R3, docs/retention.md).
  r.add("POST", "/admin/v1/retention/sweep",
        guarded([&d, optionalDate](const http::HttpRequest& req, http::HttpResponse& res) {
          auto day = optionalDate(req, res);
          if (!day) return;
          auto report = d.retention_->sweep(*day, "admin");
          if (!report) {
            http::setError(res, report.status().code() == "STORAGE_UNAVAILABLE" ? 503 : 500,
                           report.status());
            return;
          }
          Poco::JSON::Object o;
          o.set("day", report->day);
          o.set("due", report->due);
          o.set("deleted", report->deleted);
          o.set("inactive", report->inactive);
          o.set("closed", report->closed);
          Poco::JSON::Array ids;
          for (int64_t id : report->accountIds) ids.add(id);
          o.set("account_ids", ids);
          res.body = stringify(o);
        }));
  r.add("POST", "/admin/v1/bus/{service}/{action}",
        guarded([&d](const http::HttpRequest& req, http::HttpResponse& res) {
          Message m;
          m.service = req.params.at("service");
          m.action = req.params.at("action");
          m.body = req.body;
          auto timeout = std::chrono::milliseconds(d.currentConfig()->bus.requestTimeoutMs);
          auto reply = d.callService(std::move(m), timeout);
          if (!reply) {
            const std::string& code = reply.status().code();
            int status = code == "BUSY" || code == "SERVICE_UNAVAILABLE" ? 503
                         : code == "TIMEOUT"                             ? 504
                                                                         : 502;
            http::setError(res, status, code, reply.status().message());
            return;
          }
          res.contentType = "application/octet-stream";
          res.body = reply->body;
        }));
  return r;
}

}  // namespace berichtd::app
