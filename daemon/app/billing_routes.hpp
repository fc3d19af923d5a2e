// BillingRoutes: the public billing endpoints of API.md — the activation mandate (AC3), the
// payment provider's webhook, and the logged-in user's invoices (B8) — over BillingService.
//
// Contract
// - POST /api/v1/activation/mandate {activation_token, iban, account_holder, consent: true,
//   billing_address?: [lines]}: the activation token's password and authenticator steps must be
//   done (ACTIVATION_STEP_MISSING otherwise); IBAN_INVALID for a bad IBAN; CONSENT_MISSING
//   unless consent is true. Answers {checkout_url, payment_id}. The body holds an IBAN: nothing
//   of it is logged.
// - POST /api/v1/webhooks/{provider}: 200 once the payment was fetched back and applied (also
//   for a payment that is not ours); 503 while the provider or the plugin cannot be reached, so
//   the provider retries; 404 for a provider name other than billing.provider.
// - GET /api/v1/invoices: {invoices: [{number, period_start, period_end, amount_excl, vat,
//   amount_incl, state}]} (amounts in cents, period_end the last day covered), newest first.
// - GET /api/v1/invoices/{number}.pdf: the stored PDF (application/pdf); NOT_FOUND for a
//   number that is not the session's account's.
// - Without billing (no messages.master_key) every one answers 503 SERVICE_UNAVAILABLE.
#pragma once

#include <functional>

#include "app/auth_routes.hpp"
#include "app/billing_service.hpp"
#include "http/router.hpp"

namespace berichtd::app {

struct BillingRouteDeps {
  const AuthRoutes* auth = nullptr;
  accounts::AccountStore* accounts = nullptr;
  BillingService* billing = nullptr;  // null: billing is off
  billing::BillingStore* store = nullptr;
  std::function<std::shared_ptr<const config::Config>()> config;
};

class BillingRoutes {
 public:
  explicit BillingRoutes(BillingRouteDeps deps) : deps_(std::move(deps)) {}
  void addTo(http::Router& router) const;

 private:
  BillingRouteDeps deps_;
};

}  // namespace berichtd::app
