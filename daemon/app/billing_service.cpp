#include "app/billing_service.hpp"

#include <Poco/JSON/Parser.h>

#include <sstream>

#include "accounts/validation.hpp"
#include "app/daily_run.hpp"
#include "billing/iban.hpp"
#include "core/logging.hpp"
#include "http/errors.hpp"

namespace berichtd::app {

namespace {

std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o->has(key) || o->get(key).isEmpty()) return "";
  return o->get(key).convert<std::string>();
}

std::vector<std::string> lines(const std::string& t) {
  std::vector<std::string> out;
  std::istringstream in(t);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

billing::PaymentInfo paymentFrom(const Poco::JSON::Object::Ptr& o) {
  billing::PaymentInfo p;
  p.paymentId = text(o, "payment_id");
  p.status = text(o, "status");
  p.amountCents = o->optValue<int64_t>("amount_cents", 0);
  p.chargedBackCents = o->optValue<int64_t>("charged_back_cents", 0);
  if (auto m = text(o, "mandate_id"); !m.empty()) p.mandateId = m;
  if (auto f = text(o, "failure_reason"); !f.empty()) p.failureReason = f;
  return p;
}

}  // namespace

int billingHttpStatus(const std::string& code) {
  if (code == "BAD_REQUEST" || code == "IBAN_INVALID" || code == "CONSENT_MISSING") return 400;
  if (code == "ACTIVATION_TOKEN_INVALID" || code == "UNAUTHORIZED") return 401;
  if (code == "ACCOUNT_CLOSED") return 403;
  if (code == "NOT_FOUND" || code == "PAYMENT_NOT_FOUND") return 404;
  if (code == "ACTIVATION_STEP_MISSING" || code == "ACTIVATION_STEP_DONE") return 409;
  if (code == "MANDATE_MISSING") return 409;
  if (code == "PROVIDER_REJECTED" || code == "UNKNOWN_ACTION" || code == "PLUGIN_ERROR") return 502;
  if (code == "SERVICE_UNAVAILABLE" || code == "BUSY" || code == "TIMEOUT" ||
      code == "PROVIDER_UNAVAILABLE" || code == "STORAGE_UNAVAILABLE")
    return 503;
  return 500;
}

billing::BillingSettings BillingService::settings() const {
  auto cfg = deps_.config();
  billing::BillingSettings s;
  for (const auto& t : cfg->billing.tariffs) {
    auto from = billing::parseDate(t.from);  // checked when the configuration was loaded
    if (from) s.tariffs.push_back({*from, t.monthlyExclCents});
  }
  s.retryDays = cfg->billing.retryDays;
  s.supplier.name = cfg->billing.supplierName;
  s.supplier.address = lines(cfg->billing.supplierAddress);
  s.supplier.kvk = cfg->billing.supplierKvk;
  s.supplier.vatNumber = cfg->billing.supplierVatNumber;
  s.webhookUrl = cfg->http.publicUrl + "/api/v1/webhooks/" + cfg->billing.provider;
  s.loginUrl = cfg->http.publicUrl + "/";
  return s;
}

Result<Poco::JSON::Object::Ptr> BillingService::callProvider(
    const std::string& action, const Poco::JSON::Object& body,
    const std::string& idempotencyKey) const {
  if (!deps_.serviceLive("billing"))
    return Status::error("SERVICE_UNAVAILABLE",
                         "payments are not available right now; try again shortly");
  Message m;
  m.service = "billing";
  m.action = action;
  m.headers.emplace_back("content-type", "application/json");
  if (!idempotencyKey.empty()) m.headers.emplace_back("idempotency-key", idempotencyKey);
  m.body = http::toJson(body);
  auto reply =
      deps_.call(std::move(m), std::chrono::milliseconds(deps_.config()->bus.requestTimeoutMs));
  if (!reply) return reply.status();
  try {
    return Poco::JSON::Parser()
        .parse(reply->body.empty() ? "{}" : reply->body)
        .extract<Poco::JSON::Object::Ptr>();
  } catch (...) {
    return Status::error("PLUGIN_ERROR", "the billing service answered something that is not JSON");
  }
}

Result<Checkout> BillingService::startMandate(const MandateRequest& in) {
  auto iban = billing::normaliseIban(in.iban);
  if (!iban) return iban.status();
  if (in.accountHolder.empty()) return Status::error("BAD_REQUEST", "'account_holder' is required");
  auto customer = deps_.store->customerOf(in.accountId);
  if (!customer) return customer.status();
  std::string customerId = customer->value_or("");
  if (customerId.empty()) {
    Poco::JSON::Object q;
    q.set("account_id", in.accountId);
    q.set("name", in.accountHolder);
    q.set("email", in.email);
    auto made = callProvider("create_customer", q, "customer:" + std::to_string(in.accountId));
    if (!made) return made.status();
    customerId = text(*made, "customer_id");
    if (customerId.empty())
      return Status::error("PLUGIN_ERROR", "create_customer answered no customer_id");
    if (Status s = deps_.store->saveCustomer(in.accountId, customerId); !s) return s;
  }
  billing::MandateInput m;
  m.accountId = in.accountId;
  m.iban = *iban;
  m.accountHolder = in.accountHolder;
  m.address = in.address;
  m.consentClient = in.client;
  m.consentTextVersion = kConsentTextVersion;
  auto charge = deps_.store->beginMandate(m);
  if (!charge) return charge.status();
  const auto cfg = deps_.config();
  Poco::JSON::Object q;
  q.set("account_id", in.accountId);
  q.set("customer_id", customerId);
  q.set("amount_cents", m.amountCents);
  q.set("description", "Bevestiging machtiging ZilliZ berichtenapp");
  q.set("redirect_url", cfg->http.publicUrl + "/activeren/betaald");
  q.set("webhook_url", settings().webhookUrl);
  q.set("iban", *iban);
  q.set("account_holder", in.accountHolder);
  q.set("consent_at", charge->consentAt);
  q.set("mandate_reference", charge->mandateReference);
  auto payment = callProvider("create_first_payment", q, charge->idempotencyKey);
  if (!payment) return payment.status();
  Checkout out;
  out.paymentId = text(*payment, "payment_id");
  if (out.paymentId.empty())
    return Status::error("PLUGIN_ERROR", "create_first_payment answered no payment_id");
  if (auto url = text(*payment, "checkout_url"); !url.empty()) out.checkoutUrl = url;
  if (Status s = deps_.store->recordPaymentId(charge->idempotencyKey, out.paymentId,
                                              text(*payment, "status"));
      !s)
    return s;
  return out;
}

Result<billing::PaymentOutcome> BillingService::syncPayment(const std::string& paymentId) {
  Poco::JSON::Object q;
  q.set("payment_id", paymentId);
  auto fetched = callProvider("get_payment", q, "");
  if (!fetched) return fetched.status();
  billing::PaymentInfo p = paymentFrom(*fetched);
  if (p.paymentId != paymentId)
    return Status::error("PLUGIN_ERROR", "get_payment answered another payment");
  auto out = deps_.store->applyPayment(p, settings());
  if (!out) return out;
  if (out->activatedAccount) {
    logger("billing").information("account %s is active (verification payment paid)",
                                  std::to_string(*out->activatedAccount));
    // AC4: messages held for the account until it activated are delivered now.
    if (deps_.messages) {
      auto released = deps_.messages->releaseHeld(*out->activatedAccount);
      if (!released)
        logger("billing").warning("cannot release held messages: %s", released.status().code());
    }
  }
  if (out->changed && deps_.wakeOutbox) deps_.wakeOutbox();
  return out;
}

Result<billing::PaymentOutcome> BillingService::notification(const std::string& contentType,
                                                             const std::string& body) {
  Poco::JSON::Object q;
  q.set("content_type", contentType);
  q.set("body", body);
  auto parsed = callProvider("parse_notification", q, "");
  if (!parsed) return parsed.status();
  const std::string id = text(*parsed, "payment_id");
  if (id.empty()) return Status::error("BAD_REQUEST", "the notification names no payment");
  auto out = syncPayment(id);
  // A payment the provider does not know is not ours either: answered, nothing changes.
  if (!out && out.status().code() == "PAYMENT_NOT_FOUND") return billing::PaymentOutcome{};
  return out;
}

void BillingService::recordReply(const std::string& action, const std::string& key,
                                 const std::string& reply) {
  if (action != "create_recurring_payment") return;
  try {
    auto o = Poco::JSON::Parser().parse(reply).extract<Poco::JSON::Object::Ptr>();
    const std::string id = text(o, "payment_id");
    if (!id.empty()) (void)deps_.store->recordPaymentId(key, id, text(o, "status"));
  } catch (...) {
    logger("billing").warning("a billing reply for job %s is not JSON; ignored", key);
  }
}

Result<billing::RunReport> BillingService::run(std::optional<billing::Date> day) {
  std::lock_guard lock(runMutex_);
  const billing::Date d =
      day ? *day : *billing::parseDate(accounts::amsterdamDate(deps_.clock->now()));
  auto report = deps_.store->run(d, settings(), deps_.config()->billing.runChunkSize);
  if (report) {
    logger("billing").information("billing run %s: %s invoices, %s charges queued (%s retries)",
                                  report->day, std::to_string(report->invoices),
                                  std::to_string(report->charges), std::to_string(report->retries));
    if (deps_.wakeOutbox) deps_.wakeOutbox();
  }
  return report;
}

Result<billing::PaymentOutcome> BillingService::markFailed(const std::string& paymentId,
                                                           const std::string& reason) {
  auto known = deps_.store->chargeByPaymentId(paymentId);
  if (!known) return known.status();
  if (!*known) return Status::error("PAYMENT_NOT_FOUND", "no charge has this payment id");
  Poco::JSON::Object q;
  q.set("payment_id", paymentId);
  q.set("reason", reason);
  auto marked = callProvider("mark_failed", q, "fail:" + paymentId);
  if (!marked) return marked.status();
  return syncPayment(paymentId);
}

Result<BillingService::SyncReport> BillingService::syncUnsettled() {
  auto open = deps_.store->unsettledCharges(500);
  if (!open) return open.status();
  SyncReport r;
  for (const auto& c : *open) {
    ++r.checked;
    auto out = syncPayment(c.paymentId);
    if (!out) return out.status();
    if (out->changed) ++r.changed;
  }
  return r;
}

Result<BillingService::BatchReport> BillingService::writeBatch(
    std::optional<billing::Date> collectionDate) {
  Poco::JSON::Object q;
  if (collectionDate) q.set("collection_date", billing::formatDate(*collectionDate));
  auto out = callProvider("write_batch", q, "");
  if (!out) return out.status();
  BatchReport r;
  if (auto f = text(*out, "file"); !f.empty()) r.file = f;
  r.collectionDate = text(*out, "collection_date");
  r.count = (*out)->optValue<int64_t>("count", 0);
  r.totalCents = (*out)->optValue<int64_t>("total_cents", 0);
  auto synced = syncUnsettled();
  if (!synced) return synced.status();
  r.synced = *synced;
  if (r.count > 0)
    logger("billing").information("batch file for %s: %s collections", r.collectionDate,
                                  std::to_string(r.count));
  return r;
}

void BillingService::start(std::chrono::milliseconds poll) {
  thread_ = std::thread([this, poll] { loop(poll); });
}

void BillingService::stop() {
  stopping_ = true;
  wakeCv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BillingService::loop(std::chrono::milliseconds poll) {
  DailyRun daily;
  std::string lastBatchDay;
  bool batchFiles = true;  // false once the provider said it has none (UNKNOWN_ACTION)
  auto lastSync = std::chrono::steady_clock::now();
  while (!stopping_) {
    try {
      const TimePoint now = deps_.clock->now();
      const std::string today = accounts::amsterdamDate(now);
      // The run only writes invoices and queues requests: it needs no live provider.
      const bool ranToday = daily.pass(
          now, deps_.config()->billing.runHour,
          [this](const std::string& day) { return deps_.store->runFinished(day); },
          [this] { return static_cast<bool>(run(std::nullopt)); });
      if (batchFiles && ranToday && lastBatchDay != today && deps_.serviceLive("billing")) {
        auto pending = deps_.store->pendingProviderRequests();
        if (pending && *pending == 0) {
          auto batch = writeBatch(std::nullopt);
          if (batch) {
            lastBatchDay = today;
          } else if (batch.status().code() == "UNKNOWN_ACTION") {
            batchFiles = false;
          } else {
            logger("billing").warning("batch file not written: %s", batch.status().code());
          }
        }
      }
      if (std::chrono::steady_clock::now() - lastSync > std::chrono::minutes(5) &&
          deps_.serviceLive("billing")) {
        lastSync = std::chrono::steady_clock::now();
        (void)syncUnsettled();
      }
    } catch (const std::exception& e) {
      logger("billing").error("billing scheduler pass failed: %s", std::string(e.what()));
    }
    std::unique_lock lock(wakeMutex_);
    wakeCv_.wait_for(lock, poll, [this] { return stopping_.load(); });
  }
}

}  // namespace berichtd::app
