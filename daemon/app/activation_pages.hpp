// ActivationPages: the activation flow as server-rendered Dutch HTML at /activeren… (SPEC
// AC1-AC3; API.md "GET /activeren"; docs/activation-pages.md) over the JSON activation API.
// The API is not re-implemented: each page calls the same /api/v1/activation/* handlers
// (AuthRoutes, BillingRoutes) in-process, with the browser's peer address, and renders what
// they answer. No JavaScript anywhere.
//
// Contract
// - GET /activeren?token=R (AC1's request link) shows a button; POST /activeren asks for a
//   new access link. GET /activeren/start?token=A (AC2's access link) shows a button; POST
//   /activeren/start begins the activation. A GET never uses anything up, so a mail scanner
//   that opens links does not spend the single-use access link.
// - The activation token lives only in the cookie `berichtd_activation` (HttpOnly,
//   SameSite=Strict, Path=/activeren, Secure when http.public_url is https), never in a URL.
//   The payment id of the checkout goes into `berichtd_payment` alike.
// - CSRF: every form carries the value of the cookie `berichtd_csrf` (same attributes, a
//   random 256-bit token) in a hidden field; a POST whose field and cookie differ is refused
//   with 403 CSRF_TOKEN_INVALID before the API is called.
// - Errors of the API are shown in Dutch with the code and its /kennisbank/CODE link, with
//   the API's HTTP status; a refused form is shown again with the error.
// - Every page answers Cache-Control: no-store, Referrer-Policy: no-referrer and a CSP
//   without scripts.
// Thread-safety: set up once, then handlers run on HTTP threads; all they use is thread-safe.
#pragma once

#include <Poco/JSON/Object.h>

#include <functional>
#include <memory>
#include <string>

#include "app/auth_routes.hpp"
#include "app/billing_routes.hpp"
#include "app/pages/page_layout.hpp"
#include "billing/billing_store.hpp"
#include "config/config.hpp"
#include "http/router.hpp"

namespace berichtd::app {

struct ActivationPageDeps {
  const AuthRoutes* auth = nullptr;              // the activation API, called in-process
  const BillingRoutes* billingRoutes = nullptr;  // the mandate step of it
  billing::BillingStore* store = nullptr;        // the checkout's outcome; null: billing off
  std::function<std::shared_ptr<const config::Config>()> config;
};

class ActivationPages {
 public:
  explicit ActivationPages(ActivationPageDeps deps);
  void addTo(http::Router& router) const;

  // What an API handler answered: its status, its JSON (an empty object for none) and, for an
  // error, the code.
  struct ApiAnswer {
    int status = 0;
    Poco::JSON::Object::Ptr body;
    std::string code;
    bool ok() const { return status >= 200 && status < 300; }
  };
  // Calls the API handler for method+path in-process, as if `from` had sent it.
  ApiAnswer callApi(const std::string& method, const std::string& path, const std::string& query,
                    const Poco::JSON::Object& body, const http::HttpRequest& from) const;

 private:
  ActivationPageDeps deps_;
  http::Router api_;  // the /api/v1/activation routes; read-only after the constructor
};

// A page answered the way every /activeren page is: text/html, the page's status, and the
// headers above (no-store, no referrer, the CSP without scripts). Also for an answer made
// outside these routes, such as the migration window's 503 MAINTENANCE page.
void showActivationPage(http::HttpResponse& res, const pages::Page& page);

}  // namespace berichtd::app
