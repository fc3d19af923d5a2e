// BillingService: the daemon's side of the payment-provider conversation (bus service
// `billing`, docs/billing-plugin.md) over the BillingStore, and the daily billing run.
//
// Contract
// - startMandate(): AC3's mandate step for an account whose password and authenticator are
//   done — its provider customer (created once, idempotency key `customer:<id>`), the mandate
//   and verification charge recorded (BillingStore::beginMandate) BEFORE the provider is asked
//   for the € 0.01 first payment with that charge's key; answers the checkout URL.
// - notification(): a provider webhook. Only the payment id is taken from it (the plugin's
//   parse_notification); the payment is always fetched back (get_payment) and applied. A
//   payment that activates an account releases the messages held for it (AC4) and wakes the
//   outbox (B5's charge). PROVIDER_UNAVAILABLE and friends come back so the webhook answers 503
//   and the provider retries.
// - recordReply(): the outbox's reply hook — the payment id of a queued charge.
// - run(day): one billing run at a time (a mutex); wakes the outbox after it.
// - markFailed(): berichtctl billing fail — the plugin's mark_failed, then the payment fetched
//   and applied (B7). syncUnsettled(): get_payment for every open or pending charge.
// - start()/stop(): a background thread that, once a platform-clock day has reached
//   billing.run_hour (Europe/Amsterdam), runs that day's billing once (billing_runs remembers
//   finished days, so a restart does not run it again; a rerun is harmless anyway); once that
//   day's charges have all reached the provider (no pending `billing` outbox job) it asks for
//   the day's batch file (writeBatch; providers without files answer UNKNOWN_ACTION and are not
//   asked again); and it syncs unsettled payments every few minutes. It polls every `poll` of
//   real time.
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <Poco/JSON/Object.h>

#include <atomic>
#include <berichtd/message.hpp>
#include <berichtd/status.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "billing/billing_store.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "messages/message_store.hpp"

namespace berichtd::app {

struct BillingServiceDeps {
  std::function<Result<Message>(Message, std::chrono::milliseconds)> call;  // the bus
  std::function<bool(const std::string&)> serviceLive;
  std::function<std::shared_ptr<const config::Config>()> config;
  billing::BillingStore* store = nullptr;
  messages::MessageStore* messages = nullptr;  // releaseHeld on activation
  std::function<void()> wakeOutbox;
  const Clock* clock = nullptr;  // the platform clock
};

struct MandateRequest {
  int64_t accountId = 0;
  std::string iban;  // as typed; validated here
  std::string accountHolder;
  std::vector<std::string> address;
  std::string client;
  std::string email;
};

struct Checkout {
  std::string paymentId;
  std::optional<std::string> checkoutUrl;
};

class BillingService {
 public:
  explicit BillingService(BillingServiceDeps deps) : deps_(std::move(deps)) {}
  ~BillingService() { stop(); }

  billing::BillingSettings settings() const;
  Result<Checkout> startMandate(const MandateRequest& in);
  Result<billing::PaymentOutcome> notification(const std::string& contentType,
                                               const std::string& body);
  Result<billing::PaymentOutcome> syncPayment(const std::string& paymentId);
  void recordReply(const std::string& action, const std::string& key, const std::string& reply);
  Result<billing::RunReport> run(std::optional<billing::Date> day);
  Result<billing::PaymentOutcome> markFailed(const std::string& paymentId,
                                             const std::string& reason);
  struct SyncReport {
    int64_t checked = 0;
    int64_t changed = 0;
  };
  Result<SyncReport> syncUnsettled();
  // SEPA files: the provider's write_batch (collection date: the day given, or the earliest the
  // plugin accepts), then every unsettled payment synced (a collection in a file counts paid).
  // UNKNOWN_ACTION from a provider without batch files (Mollie).
  struct BatchReport {
    std::optional<std::string> file;
    std::string collectionDate;
    int64_t count = 0;
    int64_t totalCents = 0;
    SyncReport synced;
  };
  Result<BatchReport> writeBatch(std::optional<billing::Date> collectionDate);

  void start(std::chrono::milliseconds poll = std::chrono::seconds(30));
  void stop();

  // The consent text the user agrees to; its version is stored with each mandate.
  static constexpr const char* kConsentTextVersion = "sepa-machtiging-2026-01";

 private:
  Result<Poco::JSON::Object::Ptr> callProvider(const std::string& action,
                                               const Poco::JSON::Object& body,
                                               const std::string& idempotencyKey) const;
  void loop(std::chrono::milliseconds poll);

  BillingServiceDeps deps_;
  std::mutex runMutex_;
  std::mutex wakeMutex_;
  std::condition_variable wakeCv_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// The HTTP status for an error of the billing service or its provider.
int billingHttpStatus(const std::string& code);

}  // namespace berichtd::app
