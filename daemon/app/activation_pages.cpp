#include "app/activation_pages.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "app/pages/activation_views.hpp"
#include "app/pages/form_input.hpp"
#include "core/tokens.hpp"
#include "http/errors.hpp"

namespace berichtd::app {

using namespace pages;  // NOLINT: this file renders their pages

namespace {

constexpr const char* kActivationCookie = "berichtd_activation";
constexpr const char* kCsrfCookie = "berichtd_csrf";
constexpr const char* kPaymentCookie = "berichtd_payment";

std::string field(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key) || !o->get(key).isString()) return "";
  return o->getValue<std::string>(key);
}

bool isHttps(const ActivationPageDeps& deps) {
  return deps.config()->http.publicUrl.rfind("https://", 0) == 0;
}

// HttpOnly: no script can read it; SameSite=Strict: no other site's page can make the browser
// send it (the CSRF defence for the activation token); Path=/activeren: the API never sees it.
void setCookie(http::HttpResponse& res, const ActivationPageDeps& deps, const std::string& name,
               const std::string& value) {
  std::string c = name + "=" + value + "; Path=/activeren; HttpOnly; SameSite=Strict";
  if (isHttps(deps)) c += "; Secure";
  if (value.empty()) c += "; Max-Age=0";
  res.headers.emplace_back("Set-Cookie", std::move(c));
}

std::string cookie(const http::HttpRequest& req, const char* name) {
  return cookieValue(req.header("Cookie"), name);
}

// A form field's value; empty when the form lacks it (the API then refuses the empty value).
std::string valueOf(const std::map<std::string, std::string>& form, const std::string& name) {
  const auto it = form.find(name);
  return it == form.end() ? "" : it->second;
}

void setPageHeaders(http::HttpResponse& res) {
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  // No script may run; images only as data URIs (the QR code); forms post to this origin (the
  // mandate's answer then redirects to the provider, which form-action would also govern).
  res.setHeader("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                "frame-ancestors 'none'");
}

void show(http::HttpResponse& res, const Page& page) {
  setPageHeaders(res);
  res.status = page.status;
  res.contentType = "text/html; charset=utf-8";
  res.body = renderPage(page);
}

void redirect(http::HttpResponse& res, const std::string& location) {
  setPageHeaders(res);
  res.status = 303;
  res.contentType = "text/plain; charset=utf-8";
  res.setHeader("Location", location);
  res.body = "Zie " + location + "\n";
}

bool wellFormedToken(const std::string& t) {
  return t.size() == 43 && std::all_of(t.begin(), t.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
         });
}

// The CSRF token of this browser: the cookie's, or a new one set with this answer.
std::string csrfFor(const http::HttpRequest& req, http::HttpResponse& res,
                    const ActivationPageDeps& deps) {
  std::string token = cookie(req, kCsrfCookie);
  if (!wellFormedToken(token)) {
    token = randomToken();
    setCookie(res, deps, kCsrfCookie, token);
  }
  return token;
}

// A form from one of our pages: the hidden field equals the cookie. Answers the refusal itself.
bool formTrusted(const http::HttpRequest& req, const std::map<std::string, std::string>& form,
                 http::HttpResponse& res) {
  const std::string fromCookie = cookie(req, kCsrfCookie);
  const auto it = form.find("csrf");
  if (wellFormedToken(fromCookie) && it != form.end() && sameSecret(it->second, fromCookie))
    return true;
  show(res, errorPage(403, "CSRF_TOKEN_INVALID"));
  return false;
}

std::string pathOfStep(const std::string& step) {
  if (step == "password") return kPasswordPath;
  if (step == "totp") return kAuthenticatorPath;
  if (step == "mandate") return kMandatePath;
  return kResultPath;  // active
}

}  // namespace

ActivationPages::ActivationPages(ActivationPageDeps deps) : deps_(std::move(deps)) {
  deps_.auth->addTo(api_);
  deps_.billingRoutes->addTo(api_);
}

ActivationPages::ApiAnswer ActivationPages::callApi(const std::string& method,
                                                    const std::string& path,
                                                    const std::string& query,
                                                    const Poco::JSON::Object& body,
                                                    const http::HttpRequest& from) const {
  ApiAnswer out;
  auto match = api_.match(method, path);
  if (match.outcome != http::RouteMatch::Outcome::kMatched) {
    out.status = 500;
    out.code = "INTERNAL";
    return out;
  }
  http::HttpRequest req;
  req.method = method;
  req.path = path;
  req.query = query;
  req.params = std::move(match.params);
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = method == "POST" ? http::toJson(body) : "";
  req.clientAddress = from.clientAddress;  // the plugin's per-address limits see the browser
  http::HttpResponse res;
  (*match.handler)(req, res);
  out.status = res.status;
  try {
    out.body = Poco::JSON::Parser()
                   .parse(res.body.empty() ? "{}" : res.body)
                   .extract<Poco::JSON::Object::Ptr>();
  } catch (...) {
    out.body = new Poco::JSON::Object;
  }
  if (!out.ok()) {
    auto error = out.body->getObject("error");
    out.code = error ? field(error, "code") : "INTERNAL";
    if (out.code.empty()) out.code = "INTERNAL";
  }
  return out;
}

void ActivationPages::addTo(http::Router& r) const {
  const ActivationPages* self = this;
  const ActivationPageDeps* deps = &deps_;
  auto post = [self](const std::string& path, const Poco::JSON::Object& body,
                     const http::HttpRequest& req) {
    return self->callApi("POST", path, "", body, req);
  };
  // Where the activation stands (GET /api/v1/activation/status).
  auto statusOf = [self](const std::string& token, const http::HttpRequest& req) {
    return self->callApi("GET", "/api/v1/activation/status", "activation_token=" + token,
                         Poco::JSON::Object(), req);
  };
  // The step pages need the activation cookie; without it the session is gone (or never was).
  auto activationOf = [](const http::HttpRequest& req, http::HttpResponse& res) -> std::string {
    std::string token = cookie(req, kActivationCookie);
    if (token.empty()) show(res, errorPage(401, "ACTIVATION_TOKEN_INVALID"));
    return token;
  };

  // AC1: the request link of the activation mail.
  r.add("GET", kRequestPath, [deps](const http::HttpRequest& req, http::HttpResponse& res) {
    const std::string token = req.queryParam("token");
    if (token.empty()) return show(res, noTokenPage());
    show(res, requestLinkPage(token, csrfFor(req, res, *deps)));
  });
  r.add("POST", kRequestPath, [post](const http::HttpRequest& req, http::HttpResponse& res) {
    const auto form = parseForm(req.body);
    if (!formTrusted(req, form, res)) return;
    Poco::JSON::Object q;
    q.set("request_token", valueOf(form, "token"));
    auto a = post("/api/v1/activation/request-link", q, req);
    if (!a.ok()) return show(res, errorPage(a.status, a.code));
    show(res, linkSentPage());
  });

  // AC2: the access link of the access_link mail.
  r.add("GET", kStartPath, [deps](const http::HttpRequest& req, http::HttpResponse& res) {
    const std::string token = req.queryParam("token");
    if (token.empty()) return show(res, noTokenPage());
    show(res, startPage(token, csrfFor(req, res, *deps)));
  });
  r.add("POST", kStartPath, [post, deps](const http::HttpRequest& req, http::HttpResponse& res) {
    const auto form = parseForm(req.body);
    if (!formTrusted(req, form, res)) return;
    Poco::JSON::Object q;
    q.set("access_token", valueOf(form, "token"));
    auto a = post("/api/v1/activation/begin", q, req);
    if (!a.ok()) return show(res, errorPage(a.status, a.code));
    setCookie(res, *deps, kActivationCookie, field(a.body, "activation_token"));
    setCookie(res, *deps, kPaymentCookie, "");
    redirect(res, kNextPath);
  });

  // Wherever the activation stands: its page.
  r.add("GET", kNextPath,
        [statusOf, activationOf](const http::HttpRequest& req, http::HttpResponse& res) {
          const std::string token = activationOf(req, res);
          if (token.empty()) return;
          auto a = statusOf(token, req);
          if (!a.ok()) return show(res, errorPage(a.status, a.code));
          redirect(res, pathOfStep(field(a.body, "step")));
        });

  // AC3 step 1: the password.
  r.add("GET", kPasswordPath,
        [deps, activationOf](const http::HttpRequest& req, http::HttpResponse& res) {
          if (activationOf(req, res).empty()) return;
          show(res, passwordPage(csrfFor(req, res, *deps), ""));
        });
  r.add("POST", kPasswordPath,
        [post, activationOf](const http::HttpRequest& req, http::HttpResponse& res) {
          const auto form = parseForm(req.body);
          if (!formTrusted(req, form, res)) return;
          const std::string token = activationOf(req, res);
          if (token.empty()) return;
          Poco::JSON::Object q;
          q.set("activation_token", token);
          q.set("password", valueOf(form, "password"));
          auto a = post("/api/v1/activation/password", q, req);
          if (a.ok()) return redirect(res, kAuthenticatorPath);
          if (a.code == "ACTIVATION_STEP_DONE") return redirect(res, kNextPath);
          if (a.status == 400) return show(res, passwordPage(valueOf(form, "csrf"), a.code));
          show(res, errorPage(a.status, a.code));
        });

  // AC3 step 2: the authenticator. Each GET enrols a new pending secret (API.md: the last one
  // asked for is the one a code confirms).
  r.add("GET", kAuthenticatorPath,
        [deps, post, activationOf](const http::HttpRequest& req, http::HttpResponse& res) {
          const std::string token = activationOf(req, res);
          if (token.empty()) return;
          Poco::JSON::Object q;
          q.set("activation_token", token);
          auto a = post("/api/v1/activation/totp", q, req);
          if (a.code == "ACTIVATION_STEP_MISSING" || a.code == "ACTIVATION_STEP_DONE")
            return redirect(res, kNextPath);
          if (!a.ok()) return show(res, errorPage(a.status, a.code));
          show(res, authenticatorPage({field(a.body, "secret"), field(a.body, "qr_svg")},
                                      csrfFor(req, res, *deps), ""));
        });
  r.add("POST", kAuthenticatorPath,
        [post, activationOf](const http::HttpRequest& req, http::HttpResponse& res) {
          const auto form = parseForm(req.body);
          if (!formTrusted(req, form, res)) return;
          const std::string token = activationOf(req, res);
          if (token.empty()) return;
          Poco::JSON::Object q;
          q.set("activation_token", token);
          q.set("code", valueOf(form, "code"));
          auto a = post("/api/v1/activation/totp/confirm", q, req);
          if (a.code == "ACTIVATION_STEP_MISSING") return redirect(res, kNextPath);
          if (a.status == 400)
            return show(res, authenticatorPage({valueOf(form, "secret"), valueOf(form, "qr")},
                                               valueOf(form, "csrf"), a.code));
          if (!a.ok()) return show(res, errorPage(a.status, a.code));
          std::vector<std::string> codes;
          if (auto list = a.body->getArray("recovery_codes")) {
            for (std::size_t i = 0; i < list->size(); ++i)
              codes.push_back(list->getElement<std::string>(static_cast<unsigned>(i)));
          }
          show(res, recoveryCodesPage(codes));  // the only time they are shown
        });

  // AC3 step 3: the mandate, then the provider's checkout.
  r.add("GET", kMandatePath,
        [statusOf, deps, activationOf](const http::HttpRequest& req, http::HttpResponse& res) {
          const std::string token = activationOf(req, res);
          if (token.empty()) return;
          auto a = statusOf(token, req);
          if (!a.ok()) return show(res, errorPage(a.status, a.code));
          if (field(a.body, "step") != "mandate") return redirect(res, kNextPath);
          show(res, mandatePage({}, csrfFor(req, res, *deps), ""));
        });
  r.add("POST", kMandatePath,
        [post, deps, activationOf](const http::HttpRequest& req, http::HttpResponse& res) {
          const auto form = parseForm(req.body);
          if (!formTrusted(req, form, res)) return;
          const std::string token = activationOf(req, res);
          if (token.empty()) return;
          MandateForm typed{valueOf(form, "iban"), valueOf(form, "account_holder"),
                            valueOf(form, "consent") == "ja"};
          Poco::JSON::Object q;
          q.set("activation_token", token);
          q.set("iban", typed.iban);
          q.set("account_holder", typed.accountHolder);
          q.set("consent", typed.consent);
          auto a = post("/api/v1/activation/mandate", q, req);
          if (a.code == "ACTIVATION_STEP_MISSING") return redirect(res, kNextPath);
          if (a.code == "ACTIVATION_TOKEN_INVALID") return show(res, errorPage(a.status, a.code));
          if (!a.ok()) {
            Page again = mandatePage(typed, valueOf(form, "csrf"), a.code);
            again.status = a.status;
            return show(res, again);
          }
          setCookie(res, *deps, kPaymentCookie, field(a.body, "payment_id"));
          const std::string checkout = field(a.body, "checkout_url");
          redirect(res, checkout.empty() ? kResultPath : checkout);
        });

  // Back from the provider (its redirect_url): paid, still pending, or failed.
  r.add("GET", kResultPath,
        [statusOf, deps](const http::HttpRequest& req, http::HttpResponse& res) {
          const std::string token = cookie(req, kActivationCookie);
          if (token.empty()) {
            // A cross-site redirect brings no SameSite=Strict cookie; once more from our own page.
            if (req.queryParam("terug").empty())
              return show(res, returnBouncePage(std::string(kResultPath) + "?terug=1"));
            return show(res, errorPage(401, "ACTIVATION_TOKEN_INVALID"));
          }
          auto a = statusOf(token, req);
          if (!a.ok()) return show(res, errorPage(a.status, a.code));
          if (field(a.body, "account_state") == "active") {
            setCookie(res, *deps, kActivationCookie, "");  // done: the session is of no more use
            setCookie(res, *deps, kPaymentCookie, "");
            return show(res, resultPage(PaymentOutcomeView::kActive));
          }
          const std::string step = field(a.body, "step");
          if (step != "mandate") return redirect(res, pathOfStep(step));
          // AC3: only a paid payment activates; a failed one is shown so the user can try again.
          const std::string paymentId = cookie(req, kPaymentCookie);
          if (paymentId.empty()) return redirect(res, kMandatePath);  // no checkout started here
          if (deps->store != nullptr) {
            auto charge = deps->store->chargeByPaymentId(paymentId);
            if (charge && *charge) {
              const std::string& s = (*charge)->status;
              if (s == "failed" || s == "canceled" || s == "expired")
                return show(res, resultPage(PaymentOutcomeView::kFailed));
            }
          }
          show(res, resultPage(PaymentOutcomeView::kPending));
        });
}

void showActivationPage(http::HttpResponse& res, const Page& page) { show(res, page); }

}  // namespace berichtd::app
