// billing-mollie against fake_mollie.py: the plugin loaded in-process by the daemon's loader
// (PluginInstance) with its configuration and {file: …} API key read by the daemon's config
// loader, walking the contract of docs/billing-plugin.md over real HTTP — customer, iDEAL first
// payment, mandate, recurring debits with idempotency, failures, chargebacks, webhooks with
// retries — and every failure mapping. The plugin's log is captured and searched for secrets.
#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "config/config.hpp"
#include "fake_mollie.hpp"
#include "flaky_endpoint.hpp"
#include "plugin/plugin_instance.hpp"

namespace berichtd::mollie::testing {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;

const std::string kKey = "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM";

// Every line the plugin logs, kept for the privacy checks.
class CapturedLog : public Poco::Channel {
 public:
  void log(const Poco::Message& m) override {
    std::lock_guard<std::mutex> lock(mutex_);
    text_ += m.getText() + "\n";
  }
  std::string text() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return text_;
  }

 private:
  mutable std::mutex mutex_;
  std::string text_;
};

Object::Ptr parse(const std::string& s) {
  return Poco::JSON::Parser().parse(s).extract<Object::Ptr>();
}

class MollieFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GT(fake_.port(), 0) << "fake_mollie.py did not start";
    dir_ = fs::temp_directory_path() /
           ("berichtd-mollie-" + std::to_string(::getpid()) + "-" + std::to_string(++counter_));
    fs::create_directories(dir_);
    log_ = new CapturedLog;
    Poco::Logger::get("plugin.billing-mollie").setChannel(log_);
    Poco::Logger::get("plugin.billing-mollie").setLevel(Poco::Message::PRIO_DEBUG);
    plugin_ = make(fake_.url(), kKey + "\n");
    ASSERT_TRUE(plugin_);
  }
  void TearDown() override {
    plugin_.reset();
    fs::remove_all(dir_);
  }

  Result<std::unique_ptr<plugin::PluginInstance>> create(const std::string& url,
                                                         const std::string& key,
                                                         const std::string& timeoutMs = "3000",
                                                         const std::string& extraYaml = "") {
    const fs::path keyFile = dir_ / ("mollie-" + std::to_string(++counter_) + ".key");
    std::ofstream(keyFile) << key;
    const std::string yaml = "plugins:\n  billing-mollie:\n    api_url: \"" + url +
                             "\"\n    timeout_ms: " + timeoutMs + "\n    api_key: {file: \"" +
                             keyFile.string() + "\"}\n" + extraYaml;
    auto loaded = config::parseConfig(yaml, "t.yaml");
    if (!loaded.config) return Status::error("CONFIG_INVALID", loaded.errors.at(0).toString());
    auto lib =
        plugin::PluginLibrary::load(plugin::pluginFilePath(BERICHTD_PLUGIN_DIR, "billing-mollie"));
    if (!lib) return lib.status();
    plugin::HostServices s;
    s.clock = &clock_;
    return plugin::PluginInstance::create(*lib, loaded.config->plugins.entries.at(0), s);
  }
  std::unique_ptr<plugin::PluginInstance> make(const std::string& url, const std::string& key,
                                               const std::string& timeoutMs = "3000",
                                               const std::string& extraYaml = "") {
    auto p = create(url, key, timeoutMs, extraYaml);
    EXPECT_TRUE(p.isOk()) << p.status().toString();
    return p ? std::move(p).value() : nullptr;
  }

  static Result<Object::Ptr> callOn(plugin::PluginInstance& p, const std::string& action,
                                    const std::string& body, const std::string& key = {}) {
    Message m;
    m.service = "billing";
    m.action = action;
    m.correlationId = "c-" + action;
    if (!key.empty()) m.setHeader("idempotency-key", key);
    m.body = body;
    auto r = p.handle(m);
    if (!r) return r.status();
    return parse(r->body);
  }
  Result<Object::Ptr> call(const std::string& action, const std::string& body,
                           const std::string& key = {}) {
    return callOn(*plugin_, action, body, key);
  }

  std::string customer(const std::string& key = "customer-" + std::to_string(++counter_)) {
    auto r = call("create_customer",
                  R"({"account_id":7,"name":"Praktijk De Linde",)"
                  R"("email":"admin@delinde.nl"})",
                  key);
    EXPECT_TRUE(r.isOk()) << r.status().toString();
    return r ? (*r)->getValue<std::string>("customer_id") : "";
  }
  Object::Ptr firstPayment(const std::string& customerId, const std::string& webhook,
                           const std::string& key = "first-" + std::to_string(++counter_)) {
    auto r = call("create_first_payment",
                  R"({"account_id":7,"customer_id":")" + customerId +
                      R"(","amount_cents":1350,"description":"Abonnement maart",)"
                      R"("redirect_url":"https://berichtd.example.nl/betaald",)"
                      R"("webhook_url":")" +
                      webhook +
                      R"(","iban":"NL91ABNA0417164300","account_holder":"De Linde",)"
                      R"("consent_at":"2026-03-01T10:00:00Z","mandate_reference":"ZLZ-7"})",
                  key);
    EXPECT_TRUE(r.isOk()) << r.status().toString();
    return r ? *r : nullptr;
  }
  Result<Object::Ptr> recurring(const std::string& customerId, const std::string& key,
                                int64_t cents = 1350) {
    return call("create_recurring_payment",
                R"({"account_id":7,"customer_id":")" + customerId + R"(","amount_cents":)" +
                    std::to_string(cents) +
                    R"(,"description":"Abonnement april","webhook_url":"http://127.0.0.1:1/wh",)"
                    R"("invoice_number":"2026-000042"})",
                key);
  }
  Object::Ptr payment(const std::string& id) {
    auto r = call("get_payment", R"({"payment_id":")" + id + R"("})");
    EXPECT_TRUE(r.isOk()) << r.status().toString();
    return r ? *r : nullptr;
  }
  // A customer with a valid mandate: the first payment paid at the fake.
  std::string paidCustomer() {
    const std::string c = customer();
    auto first = firstPayment(c, "http://127.0.0.1:1/wh");
    fake_.control("payments/" + first->getValue<std::string>("payment_id"), R"({"status":"paid"})");
    return c;
  }
  int countRequests(const std::string& method, const std::string& path, const std::string& key) {
    int n = 0;
    auto list = fake_.list("requests");
    for (size_t i = 0; i < list->size(); ++i) {
      auto r = list->getObject(static_cast<unsigned>(i));
      if (r->getValue<std::string>("method") == method &&
          r->getValue<std::string>("path") == path &&
          (key.empty() || r->optValue<std::string>("idempotency_key", "") == key))
        ++n;
    }
    return n;
  }

  static inline int counter_ = 0;
  FakeMollie fake_{{"--api-key", kKey, "--webhook-retry-ms", "100", "--webhook-attempts", "5"}};
  ManualClock clock_{TimePoint(std::chrono::seconds(1772319600))};
  fs::path dir_;
  Poco::AutoPtr<CapturedLog> log_;
  std::unique_ptr<plugin::PluginInstance> plugin_;
};

TEST_F(MollieFlow, FirstPaymentOpensACheckoutAndBeingPaidGivesAMandate) {
  const std::string c = customer("customer-7");
  EXPECT_EQ(c.rfind("cst_", 0), 0u) << c;
  auto first = firstPayment(c, "http://127.0.0.1:1/wh", "first-7");
  ASSERT_TRUE(first);
  const std::string id = first->getValue<std::string>("payment_id");
  EXPECT_EQ(id.rfind("tr_", 0), 0u);
  EXPECT_EQ(first->getValue<std::string>("status"), "open");
  EXPECT_EQ(first->getValue<std::string>("checkout_url"), fake_.url() + "/checkout/" + id);

  auto open = payment(id);
  EXPECT_EQ(open->getValue<std::string>("status"), "open");
  EXPECT_EQ(open->getValue<int64_t>("amount_cents"), 1350);
  EXPECT_EQ(open->getValue<std::string>("sequence_type"), "first");
  EXPECT_EQ(open->getValue<std::string>("customer_id"), c);
  EXPECT_TRUE(open->isNull("mandate_id"));

  fake_.control("payments/" + id, R"({"status":"paid"})");
  auto paid = payment(id);
  EXPECT_EQ(paid->getValue<std::string>("status"), "paid");
  EXPECT_EQ(paid->getValue<std::string>("mandate_id").rfind("mdt_", 0), 0u);
  EXPECT_EQ(paid->getValue<int64_t>("charged_back_cents"), 0);
  // Both creating calls carried the bus request's idempotency key to Mollie.
  EXPECT_EQ(countRequests("POST", "/v2/customers", "customer-7"), 1);
  EXPECT_EQ(countRequests("POST", "/v2/payments", "first-7"), 1);
}

TEST_F(MollieFlow, TheCheckoutPagePaysOrCancelsAndRedirectsBack) {
  const std::string c = customer();
  auto first = firstPayment(c, "http://127.0.0.1:1/wh");
  const std::string id = first->getValue<std::string>("payment_id");
  const std::string path = "/checkout/" + id;
  auto page = fake_.send("GET", path);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Betalen"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("Annuleren"), std::string::npos);
  EXPECT_NE(page.body.find("action=\"" + path + "\""), std::string::npos);
  EXPECT_NE(page.body.find("13,50"), std::string::npos);
  auto pay = fake_.send("POST", path, "action=paid", "application/x-www-form-urlencoded");
  EXPECT_EQ(pay.status, 303);
  EXPECT_EQ(pay.location, "https://berichtd.example.nl/betaald");
  auto paid = payment(id);
  EXPECT_EQ(paid->getValue<std::string>("status"), "paid");
  EXPECT_FALSE(paid->isNull("mandate_id"));
  EXPECT_TRUE(recurring(c, "after-checkout").isOk());

  const std::string other = customer();
  auto second = firstPayment(other, "http://127.0.0.1:1/wh");
  const std::string id2 = second->getValue<std::string>("payment_id");
  auto cancel = fake_.send("POST", "/checkout/" + id2, "action=canceled",
                           "application/x-www-form-urlencoded");
  EXPECT_EQ(cancel.status, 303);
  auto canceled = payment(id2);
  EXPECT_EQ(canceled->getValue<std::string>("status"), "canceled");
  EXPECT_TRUE(canceled->isNull("mandate_id"));
  EXPECT_EQ(recurring(other, "after-cancel").status().code(), "MANDATE_MISSING");
}

TEST_F(MollieFlow, AnIdempotencyKeyReusedForAnotherRequestIsRejected) {
  const std::string c = customer("same-key");
  auto again =
      call("create_customer", R"({"account_id":8,"name":"Ander","email":"a@b.nl"})", "same-key");
  ASSERT_FALSE(again.isOk());
  EXPECT_EQ(again.status().code(), "PROVIDER_REJECTED");
  EXPECT_EQ(customer("same-key"), c) << "the same request with the same key answers the same";
}

TEST_F(MollieFlow, ARepeatedRecurringRequestCreatesOnePayment) {
  const std::string c = paidCustomer();
  auto one = recurring(c, "invoice-2026-000042");
  auto two = recurring(c, "invoice-2026-000042");
  ASSERT_TRUE(one.isOk()) << one.status().toString();
  ASSERT_TRUE(two.isOk()) << two.status().toString();
  EXPECT_EQ((*one)->getValue<std::string>("status"), "pending");
  EXPECT_EQ((*one)->getValue<std::string>("payment_id"),
            (*two)->getValue<std::string>("payment_id"));
  EXPECT_EQ(countRequests("POST", "/v2/payments", "invoice-2026-000042"), 2);
  auto other = recurring(c, "invoice-2026-000043");
  ASSERT_TRUE(other.isOk());
  EXPECT_NE((*other)->getValue<std::string>("payment_id"),
            (*one)->getValue<std::string>("payment_id"));
  auto p = payment((*one)->getValue<std::string>("payment_id"));
  EXPECT_EQ(p->getValue<std::string>("sequence_type"), "recurring");
  EXPECT_EQ(p->getValue<std::string>("mandate_id").rfind("mdt_", 0), 0u);
}

TEST_F(MollieFlow, AFailedDebitIsFailedWithTheBanksReason) {
  const std::string c = paidCustomer();
  auto r = recurring(c, "invoice-fail");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  const std::string id = (*r)->getValue<std::string>("payment_id");
  fake_.control("payments/" + id, R"({"status":"failed"})");
  auto p = payment(id);
  EXPECT_EQ(p->getValue<std::string>("status"), "failed");
  EXPECT_EQ(p->getValue<std::string>("failure_reason"), "Insufficient funds");
}

TEST_F(MollieFlow, AChargebackLeavesThePaymentPaidWithTheChargedBackSum) {
  const std::string c = paidCustomer();
  auto r = recurring(c, "invoice-chargeback", 2000);
  ASSERT_TRUE(r.isOk());
  const std::string id = (*r)->getValue<std::string>("payment_id");
  fake_.control("payments/" + id, R"({"status":"paid"})");
  fake_.control("payments/" + id + "/chargeback", R"({"amount_cents":1250})");
  auto p = payment(id);
  EXPECT_EQ(p->getValue<std::string>("status"), "paid");
  EXPECT_EQ(p->getValue<int64_t>("charged_back_cents"), 1250);
  fake_.control("payments/" + id + "/chargeback", R"({"amount_cents":1})");
  EXPECT_EQ(payment(id)->getValue<int64_t>("charged_back_cents"), 1251);
  EXPECT_EQ(countRequests("GET", "/v2/payments/" + id + "/chargebacks", ""), 2);
}

TEST_F(MollieFlow, ARecurringPaymentWithoutAValidMandateIsRefusedBeforeMollieIsAsked) {
  const std::string c = customer();
  auto none = recurring(c, "invoice-no-mandate");
  ASSERT_FALSE(none.isOk());
  EXPECT_EQ(none.status().code(), "MANDATE_MISSING");
  EXPECT_EQ(countRequests("POST", "/v2/payments", ""), 0);

  // A mandate revoked at the bank counts as none.
  const std::string paid = paidCustomer();
  auto ok = recurring(paid, "invoice-before-revoke");
  ASSERT_TRUE(ok.isOk());
  auto p = payment((*ok)->getValue<std::string>("payment_id"));
  fake_.control("mandates/" + p->getValue<std::string>("mandate_id"), R"({"status":"invalid"})");
  auto revoked = recurring(paid, "invoice-after-revoke");
  ASSERT_FALSE(revoked.isOk());
  EXPECT_EQ(revoked.status().code(), "MANDATE_MISSING");
}

TEST_F(MollieFlow, TheWebhookIsAFormPostTheNotificationParserReads) {
  auto r =
      call("parse_notification",
           R"({"content_type":"application/x-www-form-urlencoded","body":"id=tr_d0b0E3EA3v"})");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ((*r)->getValue<std::string>("payment_id"), "tr_d0b0E3EA3v");
  auto json = call("parse_notification",
                   R"({"content_type":"application/json","body":"{\"id\":\"tr_x\"}"})");
  EXPECT_EQ(json.status().code(), "BAD_REQUEST");
  EXPECT_EQ(call("parse_notification", R"({"body":"id=tr_x"})").status().code(), "BAD_REQUEST");
}

TEST_F(MollieFlow, WebhooksAreRetriedUntilAnsweredWith200) {
  FlakyEndpoint endpoint(2);
  const std::string c = customer();
  auto first = firstPayment(c, endpoint.url());
  const std::string id = first->getValue<std::string>("payment_id");
  fake_.control("payments/" + id, R"({"status":"paid"})");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (endpoint.requests() < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // Long enough for a fourth attempt (100 ms apart) that must not come.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(endpoint.requests(), 3);
  auto attempts = fake_.list("webhooks");
  ASSERT_EQ(attempts->size(), 3u);
  for (unsigned i = 0; i < 3; ++i) {
    auto a = attempts->getObject(i);
    EXPECT_EQ(a->getValue<std::string>("payment_id"), id);
    EXPECT_EQ(a->getValue<int>("attempt"), static_cast<int>(i) + 1);
    EXPECT_EQ(a->getValue<int>("status"), i < 2 ? 500 : 200);
  }
  // What the receiver got is what the daemon hands to parse_notification.
  Object req;
  req.set("content_type", endpoint.lastContentType());
  req.set("body", endpoint.lastBody());
  std::ostringstream s;
  req.stringify(s);
  auto parsed = call("parse_notification", s.str());
  ASSERT_TRUE(parsed.isOk()) << parsed.status().toString();
  EXPECT_EQ((*parsed)->getValue<std::string>("payment_id"), id);
}

TEST_F(MollieFlow, A5xxOrNoAnswerIsProviderUnavailable) {
  const std::string c = customer();
  auto first = firstPayment(c, "http://127.0.0.1:1/wh");
  const std::string id = first->getValue<std::string>("payment_id");
  fake_.control("fail-next", R"({"count":1,"status":503})");
  auto down = call("get_payment", R"({"payment_id":")" + id + R"("})");
  ASSERT_FALSE(down.isOk());
  EXPECT_EQ(down.status().code(), "PROVIDER_UNAVAILABLE");
  EXPECT_TRUE(call("get_payment", R"({"payment_id":")" + id + R"("})").isOk());

  fake_.control("fail-next", R"({"count":1,"status":500})");
  auto created = recurring(c, "k-500");
  EXPECT_EQ(created.status().code(), "PROVIDER_UNAVAILABLE");

  // Nobody listening, and a listener that never answers (timeout_ms: 300).
  int closedPort = 0;
  {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    closedPort = probe.address().port();
  }
  auto refused = make("http://127.0.0.1:" + std::to_string(closedPort), kKey);
  ASSERT_TRUE(refused);
  EXPECT_EQ(callOn(*refused, "get_payment", R"({"payment_id":"tr_abc"})").status().code(),
            "PROVIDER_UNAVAILABLE");
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto slow = make("http://127.0.0.1:" + std::to_string(silent.address().port()), kKey, "300");
  ASSERT_TRUE(slow);
  const auto start = std::chrono::steady_clock::now();
  auto timedOut = callOn(*slow, "get_payment", R"({"payment_id":"tr_abc"})");
  EXPECT_EQ(timedOut.status().code(), "PROVIDER_UNAVAILABLE");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(MollieFlow, PingReadsThePaymentMethodsAndFailsLikeAnyCall) {
  // The status page's reachability probe (docs/status.md): GET /v2/methods, authenticated.
  auto up = call("ping", "{}");
  ASSERT_TRUE(up.isOk()) << up.status().toString();
  EXPECT_EQ((*up)->size(), 0u);
  auto requests = fake_.list("requests");
  ASSERT_GT(requests->size(), 0u);
  auto last = requests->getObject(static_cast<unsigned>(requests->size() - 1));
  EXPECT_EQ(last->getValue<std::string>("method"), "GET");
  EXPECT_EQ(last->getValue<std::string>("path"), "/v2/methods");
  EXPECT_EQ(last->getValue<int>("status"), 200);

  fake_.control("outage", R"({"status":503})");
  EXPECT_EQ(call("ping", "{}").status().code(), "PROVIDER_UNAVAILABLE");
  EXPECT_EQ(call("ping", "{}").status().code(), "PROVIDER_UNAVAILABLE");  // until it ends
  fake_.control("outage", R"({"status":0})");
  EXPECT_TRUE(call("ping", "{}").isOk());

  auto revoked = make(fake_.url(), "live_revokedkey0000000000000000000000");
  ASSERT_TRUE(revoked);
  EXPECT_EQ(callOn(*revoked, "ping", "{}").status().code(), "PROVIDER_REJECTED");
}

TEST_F(MollieFlow, HttpsIsUsedForHttpsUrlsAndTheCertificateIsVerified) {
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " +
      (dir_ / "key.pem").string() + " -out " + (dir_ / "cert.pem").string() + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  FakeMollie tls(
      {"--api-key", kKey, "--tls", (dir_ / "cert.pem").string(), (dir_ / "key.pem").string()});
  ASSERT_GT(tls.port(), 0);
  const std::string url = "https://localhost:" + std::to_string(tls.port());
  const std::string body = R"({"account_id":1,"name":"x","email":"x@y.nl"})";
  auto trusted = make(url, kKey, "3000", "    ca_file: \"" + (dir_ / "cert.pem").string() + "\"\n");
  ASSERT_TRUE(trusted);
  auto r = callOn(*trusted, "create_customer", body, "tls-1");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ((*r)->getValue<std::string>("customer_id").rfind("cst_", 0), 0u);
  // A certificate no configured CA signed is no Mollie: nothing is sent to it.
  auto untrusted = make(url, kKey);
  ASSERT_TRUE(untrusted);
  EXPECT_EQ(callOn(*untrusted, "create_customer", body, "tls-2").status().code(),
            "PROVIDER_UNAVAILABLE");
  // Plain HTTP to a TLS port gets no HTTP answer either.
  auto plain = make("http://localhost:" + std::to_string(tls.port()), kKey);
  ASSERT_TRUE(plain);
  EXPECT_EQ(callOn(*plain, "create_customer", body, "tls-3").status().code(),
            "PROVIDER_UNAVAILABLE");
}

TEST_F(MollieFlow, AWrongKeyIsRejectedWithMolliesTitleAndNoSecret) {
  const std::string wrong = "test_WrongWrongWrongWrongWrongWrong1";
  auto p = make(fake_.url(), wrong);
  ASSERT_TRUE(p);
  auto r = callOn(*p, "create_customer", R"({"account_id":1,"name":"x","email":"x@y.nl"})", "k");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), "PROVIDER_REJECTED");
  EXPECT_NE(r.status().message().find("Unauthorized Request"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(r.status().message().find(wrong), std::string::npos);
}

TEST_F(MollieFlow, AnUnknownPaymentIsPaymentNotFound) {
  EXPECT_EQ(call("get_payment", R"({"payment_id":"tr_NoSuchPay1"})").status().code(),
            "PAYMENT_NOT_FOUND");
  // An id that is not Mollie's never reaches a URL.
  EXPECT_EQ(call("get_payment", R"({"payment_id":"tr_../v2/customers"})").status().code(),
            "PAYMENT_NOT_FOUND");
  EXPECT_EQ(countRequests("GET", "/v2/customers", ""), 0);
}

TEST_F(MollieFlow, RequestsThatBreakTheContractAreRefused) {
  EXPECT_EQ(
      call("create_customer", R"({"account_id":1,"name":"x","email":"x@y.nl"})").status().code(),
      "BAD_REQUEST")
      << "a creating request needs an idempotency-key";
  EXPECT_EQ(call("create_customer", R"({"account_id":"1","name":"x","email":"x@y.nl"})", "k")
                .status()
                .code(),
            "BAD_REQUEST");
  EXPECT_EQ(call("create_recurring_payment",
                 R"({"account_id":1,"customer_id":"cst_a",)"
                 R"("amount_cents":13.5,"description":"d",)"
                 R"("webhook_url":"w","invoice_number":"i"})",
                 "k")
                .status()
                .code(),
            "BAD_REQUEST");
  EXPECT_EQ(call("get_payment", "not json").status().code(), "BAD_REQUEST");
  EXPECT_EQ(call("mark_failed", R"({"payment_id":"tr_a","reason":"AM04"})").status().code(),
            "UNKNOWN_ACTION");
  EXPECT_EQ(call("write_batch", R"({"collection_date":"2026-04-01"})").status().code(),
            "UNKNOWN_ACTION");
  EXPECT_EQ(call("refund", "{}").status().code(), "UNKNOWN_ACTION");
  EXPECT_EQ(fake_.list("requests")->size(), 0u) << "nothing reached Mollie";
}

TEST_F(MollieFlow, ConfigurationWithoutAKeyOrWithABadUrlIsRefused) {
  auto noKey = create(fake_.url(), "");
  ASSERT_FALSE(noKey.isOk());
  EXPECT_NE(noKey.status().message().find("api_key"), std::string::npos);
  auto badUrl = create("ftp://127.0.0.1:1", kKey);
  ASSERT_FALSE(badUrl.isOk());
  EXPECT_NE(badUrl.status().message().find("api_url"), std::string::npos);
}

TEST_F(MollieFlow, TheLogNeverHoldsTheKeyAnIbanACheckoutUrlOrABody) {
  FlakyEndpoint endpoint(0);
  const std::string c = customer();
  auto first = firstPayment(c, endpoint.url());
  const std::string checkout = first->getValue<std::string>("checkout_url");
  fake_.control("payments/" + first->getValue<std::string>("payment_id"), R"({"status":"paid"})");
  auto r = recurring(c, "invoice-log");
  ASSERT_TRUE(r.isOk());
  (void)payment((*r)->getValue<std::string>("payment_id"));
  fake_.control("fail-next", R"({"count":1})");
  (void)recurring(c, "invoice-log-2");
  auto wrong = make(fake_.url(), "test_AnotherWrongKeyAnotherWrongKey1");
  ASSERT_TRUE(wrong);
  (void)callOn(*wrong, "get_payment", R"({"payment_id":"tr_abc"})");

  const std::string log = log_->text();
  EXPECT_NE(log.find("customer " + c + " created"), std::string::npos) << log;
  EXPECT_NE(log.find("PROVIDER_UNAVAILABLE"), std::string::npos) << log;
  for (const std::string& secret :
       {kKey, std::string("test_AnotherWrongKey"), std::string("NL91ABNA"), std::string("NL55INGB"),
        checkout, std::string("Praktijk De Linde"), std::string("admin@delinde.nl"),
        std::string("Abonnement")}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "the log holds " << secret << ":\n" << log;
  }
}

}  // namespace
}  // namespace berichtd::mollie::testing
