// billing-mollie: the bus service `billing` (docs/billing-plugin.md) as a client of Mollie's v2
// REST API (docs/billing-mollie.md): a customer per account, an iDEAL first payment that
// creates a SEPA direct-debit mandate, recurring debits on that mandate, and the webhook's form
// body read back to a payment id. Mollie is the source of truth for a payment's status, so
// get_payment always asks it and nothing is stored here; Mollie's own Idempotency-Key makes
// the outbox's retries safe. Never logs the API key, a body, an IBAN or a checkout URL.
#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/SSLManager.h>

#include <berichtd/berichtd.hpp>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "mollie_http.hpp"
#include "mollie_mapping.hpp"

namespace {

using berichtd::Message;
using berichtd::Result;
using berichtd::Status;
using berichtd::mollie::Call;
using Poco::JSON::Object;

// The request body's fields, read strictly: a missing field or one of the wrong type is a
// BAD_REQUEST naming the field (never its value).
class Fields {
 public:
  static Result<Fields> parse(const std::string& action, const std::string& body) {
    try {
      return Fields(action, Poco::JSON::Parser().parse(body).extract<Object::Ptr>());
    } catch (const std::exception&) {
      return Status::error("BAD_REQUEST", action + " needs a JSON object");
    }
  }
  Result<std::string> text(const std::string& key) const {
    if (!o_ || !o_->has(key) || !o_->get(key).isString())
      return Status::error("BAD_REQUEST", action_ + " needs the text field '" + key + "'");
    return o_->getValue<std::string>(key);
  }
  Result<int64_t> number(const std::string& key) const {
    if (!o_ || !o_->has(key) || !o_->get(key).isInteger())
      return Status::error("BAD_REQUEST", action_ + " needs the whole-number field '" + key + "'");
    return o_->getValue<int64_t>(key);
  }

 private:
  Fields(std::string action, Object::Ptr o) : action_(std::move(action)), o_(std::move(o)) {}
  std::string action_;
  Object::Ptr o_;
};

std::string json(const Object& o) {
  std::ostringstream s;
  o.stringify(s);
  return s.str();
}

// OpenSSL through Poco, counted: initializeSSL() on construction, uninitializeSSL() on
// destruction, so the library's state is released when the last instance goes (an unpaired
// initialize leaks it, and the daemon's leak check at exit fails).
struct SslUse {
  SslUse() { Poco::Net::initializeSSL(); }
  ~SslUse() { Poco::Net::uninitializeSSL(); }
  SslUse(const SslUse&) = delete;
  SslUse& operator=(const SslUse&) = delete;
};

class BillingMollie final : public berichtd::Plugin {
 public:
  static Result<std::unique_ptr<BillingMollie>> create(berichtd::PluginContext ctx) {
    const SslUse ssl;  // OpenSSL ready while the TLS context is made (the instance keeps its own)
    const auto& cfg = ctx.config();
    berichtd::mollie::HttpSettings s;
    s.apiUrl = cfg.getOr("api_url", "https://api.mollie.com");
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
    auto timeout = cfg.getInt("timeout_ms", 10000);
    if (!timeout) return timeout.status();
    s.timeout = std::chrono::milliseconds(*timeout);
    s.caFile = cfg.getOr("ca_file", "");
    auto http = berichtd::mollie::MollieHttp::create(std::move(s));
    if (!http) return http.status();
    return std::make_unique<BillingMollie>(std::move(ctx), std::move(http).value());
  }

  BillingMollie(berichtd::PluginContext ctx, berichtd::mollie::MollieHttp http)
      : ctx_(std::move(ctx)), http_(std::move(http)) {}

  Result<Message> handle(const Message& request) override {
    Result<std::string> body = Status::error("UNKNOWN_ACTION", "");
    const std::string& a = request.action;
    if (a == "create_customer") {
      body = createCustomer(request);
    } else if (a == "create_first_payment") {
      body = createFirstPayment(request);
    } else if (a == "create_recurring_payment") {
      body = createRecurringPayment(request);
    } else if (a == "get_payment") {
      body = getPayment(request);
    } else if (a == "parse_notification") {
      body = parseNotification(request);
    } else if (a == "ping") {
      body = ping();
    } else if (a == "mark_failed" || a == "write_batch") {
      return Status::error("UNKNOWN_ACTION", "billing-mollie has no action '" + a +
                                                 "': Mollie reports failures and collects itself");
    } else {
      return Status::error("UNKNOWN_ACTION", "billing-mollie has no action '" + a + "'");
    }
    if (!body) {
      ctx_.warning(a + " failed: " + body.status().code());
      return body.status();
    }
    return berichtd::replyTo(request, *body);
  }

 private:
  static Result<std::string> idempotencyKey(const Message& request) {
    auto key = request.header("idempotency-key");
    if (key.empty() || key.size() > 200)
      return Status::error("BAD_REQUEST",
                           request.action + " needs the header idempotency-key (1-200 bytes)");
    return key;
  }

  Result<std::string> post(Call call, const std::string& path, const std::string& body,
                           const std::string& key) const {
    auto r = http_.request("POST", path, body, key);
    if (!r) return r.status();
    if (r->status != 200 && r->status != 201)
      return berichtd::mollie::failureFor(call, r->status, r->body);
    return r->body;
  }

  Result<std::string> get(Call call, const std::string& path) const {
    auto r = http_.request("GET", path);
    if (!r) return r.status();
    if (r->status != 200) return berichtd::mollie::failureFor(call, r->status, r->body);
    return r->body;
  }

  // The status page's reachability probe (docs/status.md, docs/billing-plugin.md): one cheap
  // authenticated read, so a revoked key shows as well as an outage.
  Result<std::string> ping() const {
    auto r = get(Call::kListMethods, "/v2/methods");
    if (!r) return r.status();
    return std::string("{}");
  }

  Result<std::string> createCustomer(const Message& request) {
    auto f = Fields::parse(request.action, request.body);
    if (!f) return f.status();
    auto account = f->number("account_id");
    auto name = f->text("name");
    auto email = f->text("email");
    auto key = idempotencyKey(request);
    for (const Status* s : {&account.status(), &name.status(), &email.status(), &key.status()})
      if (!s->isOk()) return *s;
    auto body = berichtd::mollie::customerBody(*account, *name, *email);
    if (!body) return body.status();
    auto answer = post(Call::kCreateCustomer, "/v2/customers", *body, *key);
    if (!answer) return answer.status();
    auto id = berichtd::mollie::createdId(*answer);
    if (!id) return id.status();
    ctx_.info("customer " + *id + " created for account " + std::to_string(*account));
    Object o;
    o.set("customer_id", *id);
    return json(o);
  }

  Result<std::string> createFirstPayment(const Message& request) {
    auto f = Fields::parse(request.action, request.body);
    if (!f) return f.status();
    berichtd::mollie::FirstPayment p;
    auto account = f->number("account_id");
    auto customer = f->text("customer_id");
    auto amount = f->number("amount_cents");
    auto description = f->text("description");
    auto redirect = f->text("redirect_url");
    auto webhook = f->text("webhook_url");
    auto key = idempotencyKey(request);
    for (const Status* s :
         {&account.status(), &customer.status(), &amount.status(), &description.status(),
          &redirect.status(), &webhook.status(), &key.status()})
      if (!s->isOk()) return *s;
    if (!berichtd::mollie::isMollieId(*customer, "cst_"))
      return Status::error("BAD_REQUEST", "customer_id is not a Mollie customer id (cst_…)");
    p.accountId = *account;
    p.customerId = *customer;
    p.amountCents = *amount;
    p.description = *description;
    p.redirectUrl = *redirect;
    p.webhookUrl = *webhook;
    auto body = berichtd::mollie::firstPaymentBody(p);
    if (!body) return body.status();
    auto answer = post(Call::kCreatePayment, "/v2/payments", *body, *key);
    if (!answer) return answer.status();
    auto payment = berichtd::mollie::parsePayment(*answer);
    if (!payment) return payment.status();
    ctx_.info("first payment " + payment->id + " created for account " + std::to_string(*account) +
              ": " + payment->status);
    Object o;
    o.set("payment_id", payment->id);
    o.set("status", payment->status);
    o.set("checkout_url",
          payment->checkoutUrl ? Poco::Dynamic::Var(*payment->checkoutUrl) : Poco::Dynamic::Var());
    return json(o);
  }

  Result<std::string> createRecurringPayment(const Message& request) {
    auto f = Fields::parse(request.action, request.body);
    if (!f) return f.status();
    auto account = f->number("account_id");
    auto customer = f->text("customer_id");
    auto amount = f->number("amount_cents");
    auto description = f->text("description");
    auto webhook = f->text("webhook_url");
    auto invoice = f->text("invoice_number");
    auto key = idempotencyKey(request);
    for (const Status* s :
         {&account.status(), &customer.status(), &amount.status(), &description.status(),
          &webhook.status(), &invoice.status(), &key.status()})
      if (!s->isOk()) return *s;
    if (!berichtd::mollie::isMollieId(*customer, "cst_"))
      return Status::error("BAD_REQUEST", "customer_id is not a Mollie customer id (cst_…)");
    // Asking first gives MANDATE_MISSING a clear cause instead of reading Mollie's 422 prose.
    auto mandates = get(Call::kListMandates, "/v2/customers/" + *customer + "/mandates");
    if (!mandates) return mandates.status();
    auto mandate = berichtd::mollie::validMandate(*mandates);
    if (!mandate) return mandate.status();
    if (!*mandate)
      return Status::error("MANDATE_MISSING", "customer " + *customer + " has no valid mandate");
    berichtd::mollie::RecurringPayment p;
    p.accountId = *account;
    p.customerId = *customer;
    p.mandateId = **mandate;
    p.amountCents = *amount;
    p.description = *description;
    p.webhookUrl = *webhook;
    p.invoiceNumber = *invoice;
    auto body = berichtd::mollie::recurringPaymentBody(p);
    if (!body) return body.status();
    auto answer = post(Call::kCreateRecurring, "/v2/payments", *body, *key);
    if (!answer) return answer.status();
    auto payment = berichtd::mollie::parsePayment(*answer);
    if (!payment) return payment.status();
    ctx_.info("recurring payment " + payment->id + " created for account " +
              std::to_string(*account) + " (invoice " + *invoice + "): " + payment->status);
    Object o;
    o.set("payment_id", payment->id);
    o.set("status", payment->status);
    return json(o);
  }

  Result<std::string> getPayment(const Message& request) {
    auto f = Fields::parse(request.action, request.body);
    if (!f) return f.status();
    auto id = f->text("payment_id");
    if (!id) return id.status();
    if (!berichtd::mollie::isMollieId(*id, "tr_"))
      return Status::error("PAYMENT_NOT_FOUND", "not a Mollie payment id (tr_…)");
    auto answer = get(Call::kGetPayment, "/v2/payments/" + *id);
    if (!answer) return answer.status();
    auto payment = berichtd::mollie::parsePayment(*answer);
    if (!payment) return payment.status();
    if (payment->hasChargebacks) {
      // The chargebacks themselves are the record; amountChargedBack is Mollie's summary.
      auto list = get(Call::kGetPayment, "/v2/payments/" + *id + "/chargebacks");
      if (!list) return list.status();
      auto sum = berichtd::mollie::sumChargebacks(*list);
      if (!sum) return sum.status();
      payment->chargedBackCents = *sum;
    }
    return berichtd::mollie::paymentReply(*payment);
  }

  static Result<std::string> parseNotification(const Message& request) {
    auto f = Fields::parse(request.action, request.body);
    if (!f) return f.status();
    auto type = f->text("content_type");
    auto body = f->text("body");
    if (!type) return type.status();
    if (!body) return body.status();
    auto id = berichtd::mollie::notificationPaymentId(*type, *body);
    if (!id) return id.status();
    Object o;
    o.set("payment_id", *id);
    return json(o);
  }

  SslUse ssl_;  // first in, last out: outlives the TLS objects below
  berichtd::PluginContext ctx_;
  berichtd::mollie::MollieHttp http_;
};

}  // namespace

BERICHTD_PLUGIN(BillingMollie, "billing-mollie", "1.0.0", "billing",
                "Payments through Mollie: iDEAL first payment, SEPA direct-debit mandate, "
                "recurring debits, webhooks")
