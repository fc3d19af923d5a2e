// auth-totp: the authentication plugin, serving the bus service `auth` (SPEC AU1-AU9, AC1-AC3;
// docs/auth-plugin.md). This file is the bus boundary only: it reads the JSON request, calls
// AuthService and writes the JSON reply. Request bodies carry passwords, codes and tokens:
// they are never logged, and error messages never quote them.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <berichtd/berichtd.hpp>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>

#include "auth/password_policy.hpp"
#include "auth_service.hpp"
#include "core/clock.hpp"
#include "core/crypto/secret_box.hpp"

namespace {

using berichtd::Message;
using berichtd::Result;
using berichtd::Status;
using berichtd::auth::AccountRef;
using berichtd::auth::AuthService;
using berichtd::auth::AuthSettings;

std::string stringify(const Poco::JSON::Object& o) {
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

Status badRequest(const std::string& what) { return Status::error("BAD_REQUEST", what); }

// Reads "seconds" settings: whole seconds > 0.
Result<std::chrono::seconds> seconds(const berichtd::PluginConfig& cfg, const std::string& key,
                                     int64_t fallback) {
  auto v = cfg.getInt(key, fallback);
  if (!v) return v.status();
  if (*v <= 0)
    return Status::error("CONFIG_INVALID",
                         "plugin setting '" + key + "' must be a positive number of seconds");
  return std::chrono::seconds(*v);
}

class AuthPlugin final : public berichtd::Plugin {
 public:
  static Result<std::unique_ptr<AuthPlugin>> create(berichtd::PluginContext ctx) {
    const auto& cfg = ctx.config();
    AuthSettings s;
    auto maxFailures = cfg.getInt("lockout.max_failures", 5);
    if (!maxFailures) return maxFailures.status();
    s.lockout.maxFailures = static_cast<int>(*maxFailures);
    auto duration = seconds(cfg, "lockout.duration", 900);
    if (!duration) return duration.status();
    s.lockout.baseDuration = *duration;
    auto maxDuration = seconds(cfg, "lockout.max_duration", 86400);
    if (!maxDuration) return maxDuration.status();
    s.lockout.maxDuration = *maxDuration;
    auto window = seconds(cfg, "lockout.window", 900);
    if (!window) return window.status();
    s.lockout.failureWindow = *window;
    if (Status v = berichtd::auth::validate(s.lockout); !v) return v;
    auto idle = seconds(cfg, "session.idle_timeout", 900);
    if (!idle) return idle.status();
    auto absolute = seconds(cfg, "session.absolute_timeout", 28800);
    if (!absolute) return absolute.status();
    s.session.idleTimeout = *idle;
    s.session.absoluteTimeout = *absolute;
    auto skew = cfg.getInt("totp.skew_steps", 1);
    if (!skew) return skew.status();
    if (*skew < 0 || *skew > 10)
      return Status::error("CONFIG_INVALID", "plugin setting 'totp.skew_steps' must be 0..10");
    s.totp.skewSteps = static_cast<int>(*skew);
    auto ttl = seconds(cfg, "activation_ttl", 3600);
    if (!ttl) return ttl.status();
    s.activationTtl = *ttl;
    s.mailService = cfg.getOr("mail_service", "mail");
    auto mailTimeout = cfg.getInt("mail_timeout_ms", 5000);
    if (!mailTimeout) return mailTimeout.status();
    s.mailTimeout = std::chrono::milliseconds(*mailTimeout);

    auto key = ctx.secret("secret_key");
    if (!key) {
      return Status::error("CONFIG_INVALID",
                           "plugin setting 'secret_key' must be a {file: PATH} secret holding the "
                           "TOTP encryption keys");
    }
    auto box = berichtd::crypto::SecretBox::fromKeyText(*key);
    if (!box) return box.status();
    auto policy = berichtd::auth::PasswordPolicy::fromFile(
        cfg.getOr("common_passwords", "conf/common-passwords.txt"));
    if (!policy) return policy.status();
    auto plugin = std::make_unique<AuthPlugin>(
        AuthService(ctx, s, std::move(box).value(), std::move(policy).value(), [] {
          // API.md: TOTP codes are checked against real time, whatever the platform clock says.
          return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
        }));
    if (Status m = plugin->service_.migrate(); !m) return m;
    return plugin;
  }

  explicit AuthPlugin(AuthService service) : service_(std::move(service)) {}

  Result<Message> handle(const Message& request) override {
    Poco::JSON::Object::Ptr in;
    try {
      in = Poco::JSON::Parser()
               .parse(request.body.empty() ? "{}" : request.body)
               .extract<Poco::JSON::Object::Ptr>();
    } catch (...) {
      return badRequest("the request body is not a JSON object");
    }
    auto out = dispatch(request.action, *in);
    if (!out) return out.status();
    Message reply = berichtd::replyTo(request, stringify(*out));
    reply.headers.emplace_back("content-type", "application/json");
    return reply;
  }

 private:
  static std::string text(const Poco::JSON::Object& in, const std::string& key) {
    return in.has(key) && in.get(key).isString() ? in.getValue<std::string>(key) : std::string();
  }
  static std::optional<AccountRef> account(const Poco::JSON::Object& in) {
    if (!in.has("account") || in.isNull("account")) return std::nullopt;
    auto a = in.getObject("account");
    if (!a) return std::nullopt;
    return AccountRef{a->getValue<int64_t>("id"), a->optValue<std::string>("email", ""),
                      a->optValue<std::string>("state", "")};
  }

  Result<Poco::JSON::Object> dispatch(const std::string& action, const Poco::JSON::Object& in) {
    Poco::JSON::Object out;
    const std::string client = text(in, "client");
    // Activation steps name their account in the reply, so the daemon can count the step as
    // activity (R1); looked up first because a recovery confirmation spends its token.
    if (action == "activation_password" || action == "activation_totp" ||
        action == "activation_totp_confirm") {
      if (auto info = service_.activationInfo(text(in, "activation_token")))
        out.set("account_id", info->accountId);
    }
    if (action == "request_link") {
      // An unknown request token arrives as account null: nothing to send, same answer (AC2).
      if (auto acc = account(in)) {
        if (Status s = service_.requestLink(*acc, text(in, "link_base"), client); !s) return s;
      }
    } else if (action == "activation_begin") {
      auto r = service_.beginActivation(text(in, "access_token"), client);
      if (!r) return r.status();
      out.set("activation_token", r->first);
      out.set("account_id", r->second);
    } else if (action == "activation_status") {
      auto r = service_.activationInfo(text(in, "activation_token"));
      if (!r) return r.status();
      out.set("account_id", r->accountId);
      out.set("purpose", r->purpose);
      out.set("step", r->step);
    } else if (action == "activation_password") {
      if (Status s =
              service_.setPassword(text(in, "activation_token"), text(in, "password"), client);
          !s)
        return s;
    } else if (action == "activation_totp") {
      auto r = service_.beginTotp(text(in, "activation_token"));
      if (!r) return r.status();
      out.set("secret", r->secretBase32);
      out.set("otpauth_uri", r->otpauthUri);
      out.set("qr_svg", r->qrSvg);
    } else if (action == "activation_totp_confirm") {
      auto r = service_.confirmTotp(text(in, "activation_token"), text(in, "code"), client);
      if (!r) return r.status();
      Poco::JSON::Array codes;
      for (const auto& c : *r) codes.add(c);
      out.set("recovery_codes", codes);
    } else if (action == "login") {
      auto r = service_.login(text(in, "email"), account(in), text(in, "password"),
                              text(in, "code"), client);
      if (!r) return r.status();
      out.set("token", r->token);
      out.set("account_id", r->accountId);
      out.set("expires_at", berichtd::formatIso8601(r->expiresAt));
      out.set("cookie", r->cookie);
    } else if (action == "session") {
      auto r = service_.session(text(in, "token"));
      if (!r) return r.status();
      out.set("account_id", r->accountId);
      out.set("expires_at", berichtd::formatIso8601(r->expiresAt));
    } else if (action == "logout") {
      if (Status s = service_.logout(text(in, "token"), client); !s) return s;
    } else if (action == "forget_account") {
      // Retention (R3): the account is deleted; nothing of it stays here.
      if (!in.has("account_id")) return badRequest("forget_account needs account_id");
      if (Status s = service_.forgetAccount(in.getValue<int64_t>("account_id")); !s) return s;
    } else if (action == "recovery") {
      auto r = service_.recovery(text(in, "email"), account(in), text(in, "password"),
                                 text(in, "recovery_code"), client);
      if (!r) return r.status();
      out.set("activation_token", r->activationToken);
      out.set("secret", r->secretBase32);
      out.set("otpauth_uri", r->otpauthUri);
      out.set("qr_svg", r->qrSvg);
    } else {
      return Status::error("UNKNOWN_ACTION", "the auth plugin has no action '" + action + "'");
    }
    return out;
  }

  AuthService service_;
};

}  // namespace

BERICHTD_PLUGIN(
    AuthPlugin, "auth-totp", "1.0.0", "auth",
    "Password + TOTP two-factor login, access links, sessions and recovery (SPEC AU1-AU9, AC1-AC3)")
