// status-push: the bus service `status` (docs/status-plugin.md) as a client of the Statuspage
// REST API: a component's status is PATCHed to its configured Statuspage component, an
// incident is created once (POST) and updated afterwards (PATCH of the same external id).
// The incident_id → external id mapping and the idempotency keys already answered live in the
// daemon's database (SDK storage), so a restart keeps updating the same external incident and
// the outbox's retries never repeat a call that succeeded. Never logs the API key or a body.
#include <Poco/DigestEngine.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/SHA2Engine.h>

#include <berichtd/berichtd.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>

#include "statuspage_http.hpp"
#include "statuspage_mapping.hpp"

namespace {

using berichtd::Message;
using berichtd::Result;
using berichtd::Status;
namespace sp = berichtd::statuspage;

const std::vector<std::string> kSteps = {
    R"sql(CREATE TABLE status_push_incidents (
  incident_id TEXT PRIMARY KEY,
  external_id TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL
))sql",
    R"sql(CREATE TABLE status_push_requests (
  idempotency_key TEXT PRIMARY KEY,
  action TEXT NOT NULL,
  body_sha256 TEXT NOT NULL,
  reply TEXT NOT NULL,
  done_at {{BIGINT}} NOT NULL
))sql"};

std::string sha256(const std::string& text) {
  Poco::SHA2Engine e(Poco::SHA2Engine::SHA_256);
  e.update(text);
  return Poco::DigestEngine::digestToHex(e.digest());
}

// OpenSSL through Poco, counted: initializeSSL() on construction, uninitializeSSL() on
// destruction, so the library's state is released when the last instance goes.
struct SslUse {
  SslUse() { Poco::Net::initializeSSL(); }
  ~SslUse() { Poco::Net::uninitializeSSL(); }
  SslUse(const SslUse&) = delete;
  SslUse& operator=(const SslUse&) = delete;
};

class StatusPush final : public berichtd::Plugin {
 public:
  static Result<std::unique_ptr<StatusPush>> create(berichtd::PluginContext ctx) {
    const SslUse ssl;  // OpenSSL ready while the TLS context is made (the instance keeps its own)
    const auto& cfg = ctx.config();
    sp::HttpSettings s;
    s.apiUrl = cfg.getOr("api_url", "https://api.statuspage.io");
    const std::string page = cfg.getOr("page_id", "");
    if (!sp::isStatuspageId(page))
      return Status::error("CONFIG_INVALID",
                           "plugin setting 'page_id' must be a Statuspage page id");
    auto key = ctx.secret("api_key");
    if (!key || key->empty()) {
      return Status::error("CONFIG_INVALID",
                           "plugin setting 'api_key' must be a secret ({file: PATH})");
    }
    // A key file usually ends in a newline, which would make every request unauthorised.
    s.apiKey = *key;
    while (!s.apiKey.empty() &&
           (s.apiKey.back() == '\n' || s.apiKey.back() == '\r' || s.apiKey.back() == ' '))
      s.apiKey.pop_back();
    if (s.apiKey.empty())
      return Status::error("CONFIG_INVALID", "plugin setting 'api_key' names an empty secret");
    auto timeout = cfg.getInt("timeout_ms", 10000);
    if (!timeout) return timeout.status();
    s.timeout = std::chrono::milliseconds(*timeout);
    s.caFile = cfg.getOr("ca_file", "");
    auto components = sp::componentMap(cfg.values());
    if (!components) return components.status();
    auto http = sp::StatuspageHttp::create(std::move(s));
    if (!http) return http.status();
    if (Status m = ctx.storage().migrate(kSteps); !m) return m;
    return std::make_unique<StatusPush>(std::move(ctx), std::move(http).value(), page,
                                        std::move(components).value());
  }

  StatusPush(berichtd::PluginContext ctx, sp::StatuspageHttp http, std::string page,
             std::map<std::string, std::string> components)
      : ctx_(std::move(ctx)),
        http_(std::move(http)),
        page_(std::move(page)),
        components_(std::move(components)) {}

  Result<Message> handle(const Message& request) override {
    const std::string& a = request.action;
    if (a != "component_status" && a != "incident")
      return Status::error("UNKNOWN_ACTION", "status-push has no action '" + a + "'");
    auto key = request.header("idempotency-key");
    if (key.empty() || key.size() > 200)
      return Status::error("BAD_REQUEST", a + " needs the header idempotency-key (1-200 bytes)");
    const std::string digest = sha256(request.body);
    // One request at a time: status changes are rare, and serialising them keeps an incident
    // from being created twice by two workers and keeps the updates in the bus's order.
    std::lock_guard<std::mutex> lock(mutex_);
    auto done = answered(a, key, digest);
    if (!done) return fail(a, done.status());
    if (*done) return berichtd::replyTo(request, **done);
    auto reply = a == "component_status" ? componentStatus(request) : incident(request);
    if (!reply) return fail(a, reply.status());
    auto stored = ctx_.storage().run(
        "INSERT INTO status_push_requests (idempotency_key, action, body_sha256, reply, done_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
        {key, a, digest, *reply, nowMs()});
    // The call succeeded; a lost record only means a repeat would call Statuspage again, which
    // sets the same status.
    if (!stored)
      ctx_.warning(a + ": the idempotency key was not recorded: " + stored.status().code());
    return berichtd::replyTo(request, *reply);
  }

 private:
  Status fail(const std::string& action, Status s) const {
    ctx_.warning(action + " failed: " + s.code());
    return s;
  }

  int64_t nowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.now().time_since_epoch())
        .count();
  }

  // The stored reply of a request already done with this key, or nothing. The same key with
  // another action or body is a BAD_REQUEST: the daemon's keys name one request each.
  Result<std::optional<std::string>> answered(const std::string& action, const std::string& key,
                                              const std::string& digest) const {
    auto r = ctx_.storage().run(
        "SELECT action, body_sha256, reply FROM status_push_requests WHERE idempotency_key = ?",
        {key});
    if (!r) return r.status();
    if (r->rows.empty()) return std::optional<std::string>();
    const auto& row = r->rows[0];
    if (row[0].textOr("") != action || row[1].textOr("") != digest)
      return Status::error("BAD_REQUEST", "the idempotency-key was used for another request");
    return std::optional<std::string>(row[2].textOr("{}"));
  }

  Result<std::string> send(const std::string& method, const std::string& path,
                           const std::string& body) const {
    auto r = http_.request(method, path, body);
    if (!r) return r.status();
    if (r->status < 200 || r->status > 299) return sp::failureFor(r->status, r->body);
    return r->body;
  }

  Result<std::string> componentStatus(const Message& request) {
    auto c = sp::parseComponentStatus(request.body);
    if (!c) return c.status();
    auto id = sp::componentId(components_, c->component);
    if (!id) return id.status();
    auto answer =
        send("PATCH", "/v1/pages/" + page_ + "/components/" + *id, sp::componentBody(c->status));
    if (!answer) return answer.status();
    ctx_.info("component " + c->component + " (" + *id + "): " + c->status);
    return std::string("{}");
  }

  Result<std::string> incident(const Message& request) {
    auto i = sp::parseIncident(request.body);
    if (!i) return i.status();
    auto body = sp::incidentBody(*i, components_);
    if (!body) return body.status();
    auto known = ctx_.storage().run(
        "SELECT external_id FROM status_push_incidents WHERE incident_id = ?", {i->incidentId});
    if (!known) return known.status();
    std::string external;
    if (known->rows.empty()) {
      auto answer = send("POST", "/v1/pages/" + page_ + "/incidents", *body);
      if (!answer) return answer.status();
      auto id = sp::incidentId(*answer);
      if (!id) return id.status();
      external = *id;
      auto saved = ctx_.storage().run(
          "INSERT INTO status_push_incidents (incident_id, external_id, status, created_at, "
          "updated_at) VALUES (?, ?, ?, ?, ?)",
          {i->incidentId, external, i->status, nowMs(), nowMs()});
      if (!saved) return saved.status();
      ctx_.info("incident " + i->incidentId + " created as " + external + ": " + i->status);
    } else {
      external = known->rows[0][0].textOr("");
      if (!sp::isStatuspageId(external))
        return Status::error("STORAGE_ERROR", "the stored external incident id is not valid");
      auto answer = send("PATCH", "/v1/pages/" + page_ + "/incidents/" + external, *body);
      if (!answer) return answer.status();
      auto saved = ctx_.storage().run(
          "UPDATE status_push_incidents SET status = ?, updated_at = ? WHERE incident_id = ?",
          {i->status, nowMs(), i->incidentId});
      if (!saved) return saved.status();
      ctx_.info("incident " + i->incidentId + " (" + external + ") updated: " + i->status);
    }
    Poco::JSON::Object o;
    o.set("external_id", external);
    std::ostringstream s;
    o.stringify(s);
    return s.str();
  }

  SslUse ssl_;  // first in, last out: outlives the TLS objects below
  berichtd::PluginContext ctx_;
  sp::StatuspageHttp http_;
  std::string page_;
  std::map<std::string, std::string> components_;
  std::mutex mutex_;
};

}  // namespace

BERICHTD_PLUGIN(StatusPush, "status-push", "1.0.0", "status",
                "Component statuses and incidents pushed to a Statuspage page")
