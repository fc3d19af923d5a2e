#include "app/auth_routes.hpp"

#include <Poco/JSON/Parser.h>

#include <sstream>

#include "accounts/validation.hpp"
#include "app/account_http.hpp"
#include "billing/billing_rules.hpp"
#include "http/errors.hpp"

namespace berichtd::app {

namespace {

constexpr std::string_view kSessionCookie = "__Host-berichtd_session";
constexpr const char* kClearCookie =
    "__Host-berichtd_session=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0";

std::string field(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || !o->get(key).isString()) return "";
  return o->getValue<std::string>(key);
}

Poco::JSON::Object accountJson(const accounts::Account& a) {
  Poco::JSON::Object o;
  o.set("id", a.id);
  o.set("email", a.email);
  o.set("state", a.state);
  return o;
}

// B3: billing_day = min(day of month of created_at, 28); null for an unreadable date.
Poco::Dynamic::Var billingDay(const std::string& createdAt) {
  auto created = billing::parseDate(createdAt.substr(0, 10));
  if (!created) return Poco::Dynamic::Var();
  return billing::billingDay(*created);
}

}  // namespace

int AuthRoutes::httpStatusFor(const std::string& code) {
  if (code == "BAD_REQUEST" || code == "CODE_INVALID" || code.rfind("PASSWORD_TOO", 0) == 0 ||
      code == "PASSWORD_EQUALS_EMAIL")
    return 400;
  if (code == "LOGIN_FAILED" || code == "UNAUTHORIZED" || code == "ACTIVATION_TOKEN_INVALID")
    return 401;
  if (code == "ACCOUNT_NOT_ACTIVATED" || code == "ACCOUNT_CLOSED") return 403;
  if (code == "CONFLICT") return 409;
  if (code == "UNKNOWN_ACTION") return 502;
  if (code == "ACTIVATION_STEP_MISSING" || code == "ACTIVATION_STEP_DONE") return 409;
  if (code == "ACCESS_LINK_EXPIRED" || code == "ACCESS_LINK_USED") return 410;
  if (code == "LOGIN_LOCKED") return 429;
  if (code == "PLUGIN_ERROR") return 502;
  // Fail closed: an auth service that is absent, busy or slow refuses, it never waves through.
  if (code == "SERVICE_UNAVAILABLE" || code == "BUSY" || code == "TIMEOUT" ||
      code == "STORAGE_UNAVAILABLE")
    return 503;
  return 500;
}

void setAuthError(http::HttpResponse& res, const Status& error) {
  std::string code = error.code();
  std::string message = error.message();
  if (code == "BUSY" || code == "TIMEOUT") {
    code = "SERVICE_UNAVAILABLE";
    message = "login is not available right now; try again shortly";
  }
  const int status = AuthRoutes::httpStatusFor(code);
  if (code == "LOGIN_LOCKED") {
    const auto at = message.rfind("(retry after ");
    if (at != std::string::npos) {
      const std::string secs = message.substr(at + 13, message.find(' ', at + 13) - (at + 13));
      res.setHeader("Retry-After", secs);
    }
  }
  if (status == 503) res.setHeader("Retry-After", "5");
  http::setError(res, status, code, message);
}

std::string AuthRoutes::clientHost(const std::string& peer) {
  if (!peer.empty() && peer.front() == '[') {
    const auto close = peer.find(']');
    return close == std::string::npos ? peer : peer.substr(1, close - 1);
  }
  const auto colon = peer.rfind(':');
  return colon == std::string::npos ? peer : peer.substr(0, colon);
}

std::string AuthRoutes::sessionToken(const http::HttpRequest& req) {
  const std::string auth = req.header("Authorization");
  if (auth.size() > 7 && http::equalsIgnoreCase(auth.substr(0, 7), "Bearer "))
    return auth.substr(7);
  const std::string cookies = req.header("Cookie");
  size_t pos = 0;
  while (pos < cookies.size()) {
    size_t end = cookies.find(';', pos);
    if (end == std::string::npos) end = cookies.size();
    std::string part = cookies.substr(pos, end - pos);
    const auto first = part.find_first_not_of(' ');
    part = first == std::string::npos ? "" : part.substr(first);
    if (part.size() > kSessionCookie.size() &&
        part.compare(0, kSessionCookie.size(), kSessionCookie) == 0 &&
        part[kSessionCookie.size()] == '=') {
      return part.substr(kSessionCookie.size() + 1);
    }
    pos = end + 1;
  }
  return "";
}

Result<Poco::JSON::Object::Ptr> AuthRoutes::callAuth(const std::string& action,
                                                     const Poco::JSON::Object& body) const {
  if (!deps_.serviceLive("auth")) return authUnavailable();
  Message m;
  m.service = "auth";
  m.action = action;
  m.headers.emplace_back("content-type", "application/json");
  m.body = http::toJson(body);
  auto reply = deps_.call(std::move(m), deps_.timeout());
  if (!reply) return reply.status();
  try {
    return Poco::JSON::Parser()
        .parse(reply->body.empty() ? "{}" : reply->body)
        .extract<Poco::JSON::Object::Ptr>();
  } catch (...) {
    return Status::error("PLUGIN_ERROR", "the auth service answered something that is not JSON");
  }
}

Status AuthRoutes::authUnavailable() {
  return Status::error("SERVICE_UNAVAILABLE",
                       "login is not available right now; try again shortly");
}

Result<int64_t> AuthRoutes::sessionAccountId(const http::HttpRequest& req) const {
  const std::string token = sessionToken(req);
  if (token.empty()) return Status::error("UNAUTHORIZED", "log in first");
  const TimePoint platformNow =
      deps_.clock != nullptr ? deps_.clock->now() : std::chrono::system_clock::now();
  const auto steadyNow = std::chrono::steady_clock::now();
  if (auto known = sessions_.find(token, platformNow, steadyNow)) {
    // Fail closed even for a session confirmed a moment ago.
    if (!deps_.serviceLive("auth")) return authUnavailable();
    return *known;
  }
  Poco::JSON::Object body;
  body.set("token", token);
  auto r = callAuth("session", body);
  if (!r) return r.status();
  const int64_t accountId = (*r)->getValue<int64_t>("account_id");
  if (auto ends = parseIso8601((*r)->optValue<std::string>("expires_at", "")))
    sessions_.put(token, accountId, *ends, platformNow, steadyNow);
  return accountId;
}

Result<accounts::Account> AuthRoutes::existingAccount(int64_t accountId) const {
  // R3: the session of an account retention deleted — remembered here, or not yet forgotten by
  // the plugin (its forget_account is queued) — opens nothing: the store finds no tombstone.
  auto account = deps_.accounts->findById(accountId);
  if (!account && account.status().code() == "NOT_FOUND")
    return Status::error("UNAUTHORIZED", "log in first");
  return account;
}

Result<int64_t> AuthRoutes::authenticate(const http::HttpRequest& req) const {
  auto id = sessionAccountId(req);
  if (!id || deps_.accounts == nullptr) return id;
  if (auto account = existingAccount(*id); !account) return account.status();
  return id;
}

Result<accounts::Account> AuthRoutes::authenticatedAccount(const http::HttpRequest& req) const {
  auto id = sessionAccountId(req);
  if (!id) return id.status();
  if (deps_.accounts == nullptr)
    return Status::error("SERVICE_UNAVAILABLE", "accounts are not configured on this server");
  return existingAccount(*id);
}

Result<AuthRoutes::Activation> AuthRoutes::activation(const std::string& activationToken) const {
  Poco::JSON::Object q;
  q.set("activation_token", activationToken);
  auto out = callAuth("activation_status", q);
  if (!out) return out.status();
  return Activation{(*out)->getValue<int64_t>("account_id"), field(*out, "step")};
}

void AuthRoutes::addTo(http::Router& router) const {
  // Every answer of these paths (errors too) carries credentials or says something about them:
  // never cached.
  struct NoStore {
    http::Router& router;
    void add(const std::string& method, const std::string& path, http::HttpHandler h) const {
      router.add(method, path,
                 [h = std::move(h)](const http::HttpRequest& req, http::HttpResponse& res) {
                   res.setHeader("Cache-Control", "no-store");
                   h(req, res);
                 });
    }
  } r{router};
  const AuthRoutes* self = this;
  // Parses the JSON body or answers 400.
  auto bodyOf = [](const http::HttpRequest& req,
                   http::HttpResponse& res) -> Poco::JSON::Object::Ptr {
    auto body = http::parseJsonObject(req.body.empty() ? "{}" : req.body);
    if (!body) {
      http::setError(res, 400, body.status());
      return nullptr;
    }
    return *body;
  };
  // Login and recovery: e-mail, password and a second factor (`factor`), all required (AU1);
  // the account is looked up by e-mail and sent as a snapshot, or null for an address that is
  // not one (the plugin still runs the same work for it, AU4). Answers errors itself.
  auto credentialCall = [self, bodyOf](const http::HttpRequest& req, http::HttpResponse& res,
                                       const std::string& action,
                                       const std::string& factor) -> Poco::JSON::Object::Ptr {
    auto in = bodyOf(req, res);
    if (!in) return nullptr;
    const std::string email = field(in, "email"), password = field(in, "password"),
                      second = field(in, factor);
    if (email.empty() || password.empty() || second.empty()) {
      http::setError(res, 400, "BAD_REQUEST",
                     "email, password and " + factor + " are all required");
      return nullptr;
    }
    Poco::JSON::Object q;
    q.set("email", email);
    q.set("password", password);
    q.set(factor, second);
    q.set("client", clientHost(req.clientAddress));
    q.set("account", Poco::Dynamic::Var());
    if (accounts::validateEmail(email)) {
      if (auto a = self->deps_.accounts->findByEmailOrAgb(email)) q.set("account", accountJson(*a));
    }
    auto out = self->callAuth(action, q);
    if (!out) {
      setAuthError(res, out.status());
      return nullptr;
    }
    return *out;
  };

  r.add("POST", "/api/v1/login", [=](const http::HttpRequest& req, http::HttpResponse& res) {
    auto out = credentialCall(req, res, "login", "code");
    if (!out) return;
    (void)self->deps_.accounts->recordActivity(out->getValue<int64_t>("account_id"));  // R1
    res.setHeader("Set-Cookie", field(out, "cookie"));
    Poco::JSON::Object o;
    o.set("token", field(out, "token"));
    o.set("expires_at", field(out, "expires_at"));
    http::setJson(res, o);
  });

  r.add("POST", "/api/v1/logout", [=](const http::HttpRequest& req, http::HttpResponse& res) {
    const std::string token = sessionToken(req);
    if (token.empty()) {
      http::setError(res, 401, "UNAUTHORIZED", "log in first");
      return;
    }
    self->sessions_.forget(token);  // ended here at once, whatever the plugin answers
    Poco::JSON::Object q;
    q.set("token", token);
    q.set("client", clientHost(req.clientAddress));
    if (auto out = self->callAuth("logout", q); !out) {
      setAuthError(res, out.status());
      return;
    }
    res.setHeader("Set-Cookie", kClearCookie);
    res.status = 204;
    res.body.clear();
  });

  r.add("GET", "/api/v1/me", [=](const http::HttpRequest& req, http::HttpResponse& res) {
    auto a = self->authenticatedAccount(req);
    if (!a) {
      setAuthError(res, a.status());
      return;
    }
    Poco::JSON::Object o;
    o.set("email", a->email);
    o.set("agb_code", a->agbCode);
    o.set("state", a->state);
    o.set("billing_day", billingDay(a->createdAt));
    o.set("paid_through",
          a->paidThrough ? Poco::Dynamic::Var(*a->paidThrough) : Poco::Dynamic::Var());
    // B3-B6: the first day of the next period to be charged; null until the account is active.
    std::optional<std::string> next;
    if (self->deps_.nextCollection) next = self->deps_.nextCollection(a->id);
    o.set("next_collection", next ? Poco::Dynamic::Var(*next) : Poco::Dynamic::Var());
    http::setJson(res, o);
  });

  // A1/A2: the user changes their e-mail address and/or AGB code — refused with ACCOUNT_FROZEN
  // from migration.identity_freeze_from until the phased start-up completes ("Wijzig geen
  // e-mailadres of AGB-code van je account tot na de migratie").
  r.add("PATCH", "/api/v1/me", [=](const http::HttpRequest& req, http::HttpResponse& res) {
    auto id = self->authenticate(req);
    if (!id) {
      setAuthError(res, id.status());
      return;
    }
    auto in = bodyOf(req, res);
    if (!in) return;
    std::optional<std::string> email, agb;
    try {
      if (in->has("email")) email = in->getValue<std::string>("email");
      if (in->has("agb_code")) agb = in->getValue<std::string>("agb_code");
    } catch (const Poco::Exception&) {
      http::setError(res, 400, "BAD_REQUEST", "email and agb_code must be strings");
      return;
    }
    if (!email && !agb) {
      http::setError(res, 400, "BAD_REQUEST", "give email, agb_code or both");
      return;
    }
    if (self->deps_.identityFrozen && self->deps_.identityFrozen()) {
      http::setError(res, 409, "ACCOUNT_FROZEN",
                     "the e-mail address and AGB code cannot change until the migration to the "
                     "new platform is complete");
      return;
    }
    auto changed = self->deps_.accounts->changeIdentity(*id, email, agb);
    if (!changed) {
      const std::string& code = changed.status().code();
      // The session's account is gone: the session is what is wrong.
      http::setError(res, code == "NOT_FOUND" ? 401 : accountErrorStatus(code), changed.status());
      return;
    }
    Poco::JSON::Object o;
    o.set("email", changed->email);
    o.set("agb_code", changed->agbCode);
    o.set("state", changed->state);
    http::setJson(res, o);
  });

  r.add("POST", "/api/v1/recovery", [=](const http::HttpRequest& req, http::HttpResponse& res) {
    auto out = credentialCall(req, res, "recovery", "recovery_code");
    if (!out) return;
    http::setJson(res, *out);
  });

  r.add("POST", "/api/v1/activation/request-link",
        [=](const http::HttpRequest& req, http::HttpResponse& res) {
          auto in = bodyOf(req, res);
          if (!in) return;
          // Known token or not, the same call goes to `auth` (an unknown one with account null), so
          // neither the answer nor a 503 depends on the token.
          const std::string token = field(in, "request_token");
          std::optional<accounts::Account> account;
          if (!token.empty()) {
            if (auto found = self->deps_.accounts->findByRequestToken(token)) account = *found;
          }
          Poco::JSON::Object q;
          if (account) {
            q.set("account", accountJson(*account));
          } else {
            q.set("account", Poco::Dynamic::Var());
          }
          q.set("link_base", self->deps_.publicUrl());
          q.set("client", clientHost(req.clientAddress));
          if (auto out = self->callAuth("request_link", q); !out) {
            setAuthError(res, out.status());
            return;
          }
          // AC2: 202 whatever the token, so the answer reveals nothing.
          res.status = 202;
          res.body = "{}";
        });

  // The activation steps: each forwards the activation token (and its own fields) to `auth`.
  struct Step {
    const char* path;
    const char* action;
    std::vector<const char*> fields;
  };
  const std::vector<Step> steps = {
      {"/api/v1/activation/begin", "activation_begin", {"access_token"}},
      {"/api/v1/activation/password", "activation_password", {"activation_token", "password"}},
      {"/api/v1/activation/totp", "activation_totp", {"activation_token"}},
      {"/api/v1/activation/totp/confirm", "activation_totp_confirm", {"activation_token", "code"}},
  };
  for (const Step& step : steps) {
    r.add("POST", step.path, [=](const http::HttpRequest& req, http::HttpResponse& res) {
      auto in = bodyOf(req, res);
      if (!in) return;
      Poco::JSON::Object q;
      for (const char* f : step.fields) {
        const std::string v = field(in, f);
        if (v.empty()) {
          http::setError(res, 400, "BAD_REQUEST", std::string("'") + f + "' is required");
          return;
        }
        q.set(f, v);
      }
      q.set("client", clientHost(req.clientAddress));
      auto out = self->callAuth(step.action, q);
      if (!out) {
        setAuthError(res, out.status());
        return;
      }
      // A confirmed (new) authenticator ends the account's sessions in the plugin (AU6).
      if (std::string_view(step.action) == "activation_totp_confirm") self->sessions_.clear();
      // R1: an activation step counts as activity; the account id is not part of the answer.
      if ((*out)->has("account_id")) {
        (void)self->deps_.accounts->recordActivity((*out)->getValue<int64_t>("account_id"));
        (*out)->remove("account_id");
      }
      http::setJson(res, **out);
    });
  }

  r.add("GET", "/api/v1/activation/status",
        [=](const http::HttpRequest& req, http::HttpResponse& res) {
          const std::string token = req.queryParam("activation_token");
          if (token.empty()) {
            http::setError(res, 400, "BAD_REQUEST", "'activation_token' is required");
            return;
          }
          Poco::JSON::Object q;
          q.set("activation_token", token);
          auto out = self->callAuth("activation_status", q);
          if (!out) {
            setAuthError(res, out.status());
            return;
          }
          auto account = self->deps_.accounts->findById((*out)->getValue<int64_t>("account_id"));
          const std::string state = account ? account->state : "deleted";
          std::string step = field(*out, "step");
          // After password and authenticator the mandate and the € 0.01 payment follow (AC3,
          // billing).
          if (step == "done") step = state == accounts::kStateActive ? "active" : "mandate";
          Poco::JSON::Object o;
          o.set("step", step);
          o.set("account_state", state);
          http::setJson(res, o);
        });
}

}  // namespace berichtd::app
