// MessageRoutes: POST/GET /api/v1/messages and GET /api/v1/messages/{id} (API.md; SPEC D1-D3,
// AC4, R1). Authenticated through the `auth` service (AuthRoutes::authenticate: fail closed).
//
// Contract
// - POST: the sender must be `active`; the draft is validated (message_rules.hpp, 400/413
//   codes); each distinct recipient is looked up by AGB code (RECIPIENT_UNKNOWN) and decided
//   against activation.deadline on the platform clock (RECIPIENT_NOT_ACTIVATED, or held) —
//   one refused recipient refuses the whole message (422), so nothing is half sent. Then ONE
//   transaction stores it with its delivery jobs and the answer is 202 {id}. `Idempotency-Key`
//   (optional, 1-255 visible ASCII characters): a retry within messages.idempotency_hours
//   answers 202 with the first id and `Idempotent-Replayed: true`; the same key for another
//   message is 422 IDEMPOTENCY_KEY_REUSED. Sending counts as activity (R1).
// - GET ?box=inbox|sent (default inbox): newest first, subjects decrypted, no bodies.
// - GET /{id}: one message with its body (and declaratie), for its sender or a recipient it
//   was delivered to; NOT_FOUND otherwise.
// - Without messages.master_key the endpoints answer 503 SERVICE_UNAVAILABLE.
// Bodies and subjects are never logged. Thread-safety: handlers may run concurrently.
#pragma once

#include <functional>
#include <memory>

#include "accounts/account_store.hpp"
#include "app/auth_routes.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "messages/message_store.hpp"

namespace berichtd::app {

struct MessageRouteDeps {
  const AuthRoutes* auth = nullptr;
  accounts::AccountStore* accounts = nullptr;
  messages::MessageStore* store = nullptr;  // null: messages not configured
  const Clock* clock = nullptr;
  std::function<std::shared_ptr<const config::Config>()> config;
  std::function<void()> wakeDispatcher;  // new jobs are in the outbox
};

class MessageRoutes {
 public:
  explicit MessageRoutes(MessageRouteDeps deps) : deps_(std::move(deps)) {}
  void addTo(http::Router& router) const;

 private:
  MessageRouteDeps deps_;
};

}  // namespace berichtd::app
