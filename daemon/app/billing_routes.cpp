#include "app/billing_routes.hpp"

#include <Poco/JSON/Array.h>

#include "http/errors.hpp"

namespace berichtd::app {

namespace {

std::string field(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || !o->get(key).isString()) return "";
  return o->getValue<std::string>(key);
}

void fail(http::HttpResponse& res, const Status& s) {
  const int status = billingHttpStatus(s.code());
  if (status == 503) res.setHeader("Retry-After", "5");
  http::setError(res, status, s);
}

void billingOff(http::HttpResponse& res) {
  res.setHeader("Retry-After", "60");
  http::setError(res, 503, "SERVICE_UNAVAILABLE", "payments are not configured on this server");
}

}  // namespace

void BillingRoutes::addTo(http::Router& r) const {
  const BillingRouteDeps* deps = &deps_;

  r.add("POST", "/api/v1/activation/mandate",
        [deps](const http::HttpRequest& req, http::HttpResponse& res) {
          res.setHeader("Cache-Control", "no-store");
          if (!deps->billing) return billingOff(res);
          auto in = http::parseJsonObject(req.body.empty() ? "{}" : req.body);
          if (!in) return http::setError(res, 400, in.status());
          const std::string token = field(*in, "activation_token");
          if (token.empty())
            return http::setError(res, 400, "BAD_REQUEST", "'activation_token' is required");
          if (!(*in)->has("consent") || !(*in)->get("consent").isBoolean() ||
              !(*in)->getValue<bool>("consent"))
            return http::setError(res, 400, "CONSENT_MISSING",
                                  "the SEPA direct-debit mandate needs your consent: "
                                  "'consent': true");
          auto activation = deps->auth->activation(token);
          if (!activation) return setAuthError(res, activation.status());
          if (activation->step != "done")
            return http::setError(res, 409, "ACTIVATION_STEP_MISSING",
                                  "set your password and your authenticator first");
          auto account = deps->accounts->findById(activation->accountId);
          if (!account) return fail(res, account.status());
          MandateRequest m;
          m.accountId = activation->accountId;
          m.iban = field(*in, "iban");
          m.accountHolder = field(*in, "account_holder");
          m.client = AuthRoutes::clientHost(req.clientAddress);
          m.email = account->email;
          if (auto lines = (*in)->getArray("billing_address")) {
            for (std::size_t i = 0; i < lines->size(); ++i)
              if (lines->get(static_cast<unsigned>(i)).isString())
                m.address.push_back(lines->getElement<std::string>(static_cast<unsigned>(i)));
          }
          auto checkout = deps->billing->startMandate(m);
          if (!checkout) return fail(res, checkout.status());
          Poco::JSON::Object o;
          o.set("payment_id", checkout->paymentId);
          o.set("checkout_url", checkout->checkoutUrl ? Poco::Dynamic::Var(*checkout->checkoutUrl)
                                                      : Poco::Dynamic::Var());
          http::setJson(res, o);
        });

  r.add("POST", "/api/v1/webhooks/{provider}",
        [deps](const http::HttpRequest& req, http::HttpResponse& res) {
          if (!deps->billing) return billingOff(res);
          if (req.params.at("provider") != deps->config()->billing.provider)
            return http::setError(res, 404, "NOT_FOUND", "no such payment provider");
          auto out = deps->billing->notification(req.header("Content-Type"), req.body);
          if (!out) {
            // The provider tries again later; a request it sent wrongly is answered as such.
            const int status = billingHttpStatus(out.status().code());
            if (status == 400 || status == 404) return http::setError(res, status, out.status());
            res.setHeader("Retry-After", "60");
            return http::setError(res, 503, out.status());
          }
          res.status = 200;
          res.contentType = "text/plain; charset=utf-8";
          res.body = "OK";
        });

  r.add("GET", "/api/v1/invoices", [deps](const http::HttpRequest& req, http::HttpResponse& res) {
    res.setHeader("Cache-Control", "no-store");
    auto id = deps->auth->authenticate(req);
    if (!id) return setAuthError(res, id.status());
    if (!deps->store) return billingOff(res);
    auto list = deps->store->invoices(*id);
    if (!list) return fail(res, list.status());
    Poco::JSON::Array arr;
    for (const auto& i : *list) {
      Poco::JSON::Object o;
      o.set("number", i.number);
      o.set("period_start", i.periodStart);
      o.set("period_end", i.periodEnd);
      o.set("amount_excl", i.amountExclCents);
      o.set("vat", i.vatCents);
      o.set("amount_incl", i.amountInclCents);
      o.set("state", i.state);
      arr.add(o);
    }
    Poco::JSON::Object out;
    out.set("invoices", arr);
    http::setJson(res, out);
  });

  r.add("GET", "/api/v1/invoices/{file}",
        [deps](const http::HttpRequest& req, http::HttpResponse& res) {
          res.setHeader("Cache-Control", "no-store");
          auto id = deps->auth->authenticate(req);
          if (!id) return setAuthError(res, id.status());
          if (!deps->store) return billingOff(res);
          const std::string file = req.params.at("file");
          const std::string suffix = ".pdf";
          if (file.size() <= suffix.size() ||
              file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
            return http::setError(res, 404, "NOT_FOUND", "no invoice with this number");
          const std::string number = file.substr(0, file.size() - suffix.size());
          auto pdf = deps->store->invoicePdf(*id, number, deps->config()->billing.invoiceFont);
          if (!pdf) return fail(res, pdf.status());
          res.contentType = "application/pdf";
          res.setHeader("Content-Disposition",
                        "attachment; filename=\"factuur-" + number + ".pdf\"");
          res.body = std::move(*pdf);
        });
}

}  // namespace berichtd::app
