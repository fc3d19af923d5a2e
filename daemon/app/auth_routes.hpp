// AuthRoutes: the public /api/v1 endpoints of login, sessions, recovery and activation (API.md;
// SPEC AU1-AU9, AC1-AC3), answered by asking the bus service `auth` (the auth-totp plugin). The
// daemon owns the account records: it resolves e-mail addresses, request tokens and account ids
// and passes the plugin an account snapshot; the plugin owns every credential.
//
// Contract
// - Fail closed (ARCHITECTURE "Fail closed"): when `auth` has no live worker, is busy or times
//   out, every one of these endpoints and every authenticated call answers 503
//   SERVICE_UNAVAILABLE, never lets a request through.
// - authenticate(): the session from `Authorization: Bearer TOKEN` or the
//   `__Host-berichtd_session` cookie; UNAUTHORIZED (401) without a valid one. A session the
//   plugin confirmed is remembered for kSessionCacheTtl (SessionCache: real and platform time,
//   never past its end); logout here forgets it at once, a confirmed authenticator (the
//   end of a recovery, AU6) forgets all. Still fails
//   closed: without a live `auth` worker even a remembered session answers 503. A session of an
//   account that no longer exists (deleted by retention, R3) is UNAUTHORIZED.
// - The client address the plugin's per-address limits use is the peer address of the TCP
//   connection (no proxy header is trusted; docs/auth-plugin.md).
// - Bodies carry passwords, codes and tokens: nothing of a body is logged or echoed.
// Thread-safety: handlers run on HTTP worker threads; everything they use is thread-safe.
#pragma once

#include <Poco/JSON/Object.h>

#include <berichtd/message.hpp>
#include <berichtd/status.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "accounts/account_store.hpp"
#include "app/session_cache.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"

namespace berichtd::app {

struct AuthRouteDeps {
  std::function<Result<Message>(Message, std::chrono::milliseconds)> call;  // the bus
  std::function<bool(const std::string&)> serviceLive;                      // broker liveness
  std::function<std::chrono::milliseconds()> timeout;
  std::function<std::string()> publicUrl;  // http.public_url: base of mailed links
  accounts::AccountStore* accounts = nullptr;
  const Clock* clock = nullptr;  // the platform clock (session cache); system time when null
  // The account's next billing date (YYYY-MM-DD) for /me; none before billing starts.
  std::function<std::optional<std::string>(int64_t)> nextCollection;
  // A2: whether e-mail and AGB code are frozen now (migration.identity_freeze_from ..
  // migration.startup_complete on the platform clock); never frozen when unset.
  std::function<bool()> identityFrozen;
};

class AuthRoutes {
 public:
  explicit AuthRoutes(AuthRouteDeps deps) : deps_(std::move(deps)) {}

  void addTo(http::Router& router) const;

  // The account id of the request's session, or the error to answer (status in .first).
  Result<int64_t> authenticate(const http::HttpRequest& req) const;
  // The same check, answering the account read for it (one read; a handler that needs the
  // account's fields reads it no second time).
  Result<accounts::Account> authenticatedAccount(const http::HttpRequest& req) const;

  // The account an activation token belongs to and its step (password | totp | done), from
  // the auth service; ACTIVATION_TOKEN_INVALID and the fail-closed codes otherwise.
  struct Activation {
    int64_t accountId = 0;
    std::string step;
  };
  Result<Activation> activation(const std::string& activationToken) const;
  // The HTTP status for an error code from the auth service.
  static int httpStatusFor(const std::string& code);
  // "host:port" / "[v6]:port" → "host" / "v6".
  static std::string clientHost(const std::string& peer);
  // The session token from the Bearer header or the session cookie; empty when none.
  static std::string sessionToken(const http::HttpRequest& req);

 private:
  Result<Poco::JSON::Object::Ptr> callAuth(const std::string& action,
                                           const Poco::JSON::Object& body) const;

  static Status authUnavailable();
  // The session's account id (the cache or the plugin), no account read.
  Result<int64_t> sessionAccountId(const http::HttpRequest& req) const;
  // The account, or UNAUTHORIZED when it is gone (retention's tombstone).
  Result<accounts::Account> existingAccount(int64_t accountId) const;

  static constexpr std::chrono::milliseconds kSessionCacheTtl{1000};
  AuthRouteDeps deps_;
  mutable SessionCache sessions_{kSessionCacheTtl};  // thread-safe
};

// Answers an auth error: status by code, Retry-After for LOGIN_LOCKED.
void setAuthError(http::HttpResponse& res, const Status& error);

}  // namespace berichtd::app
