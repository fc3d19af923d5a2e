// status-push against fake_statuspage.py: the plugin loaded in-process by the daemon's loader
// (PluginInstance) with its configuration and {file: …} API key read by the daemon's config
// loader and the SDK storage on a test database (SQLite, and PostgreSQL when
// BERICHTD_TEST_PG_URL is set), walking the contract of docs/status-plugin.md over real HTTP:
// component statuses, incidents created, updated and resolved across a restart, idempotency
// keys, the outbox's retries after 503s, and every failure mapping. The plugin's log is
// captured and searched for the key.
#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "config/config.hpp"
#include "fake_statuspage.hpp"
#include "plugin/plugin_instance.hpp"
#include "storage/database.hpp"
#include "test_database.hpp"

namespace berichtd::statuspage::testing {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;
using storage::Backend;

const std::string kKey = "2a7b9c1d-5e4f-4a3b-8c2d-statuspagekey01";
const std::string kPage = "kctbh9vrtdwd";
const std::string kLogin = "8kbf7d35c070";
const std::string kBerichten = "vtnh60py4yd7";
const std::string kWebsite = "ftgks51sfs2d";

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

std::string incidentJson(const std::string& id, const std::string& status,
                         const std::string& components, const std::string& body = "Zie update") {
  return R"({"incident_id":")" + id + R"(","name":"Inloggen lukt niet","status":")" + status +
         R"(","body":")" + body + R"(","components":)" + components +
         R"(,"at":"2026-03-01T10:00:00Z"})";
}

class StatusPushFlow : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ASSERT_GT(fake_.port(), 0) << "fake_statuspage.py did not start";
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_status_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    auto db = storage::Database::open(testDb_->config());
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate());
    dir_ = fs::temp_directory_path() /
           ("berichtd-status-" + std::to_string(::getpid()) + "-" + std::to_string(++counter_));
    fs::create_directories(dir_);
    log_ = new CapturedLog;
    Poco::Logger::get("plugin.status-push").setChannel(log_);
    Poco::Logger::get("plugin.status-push").setLevel(Poco::Message::PRIO_DEBUG);
    plugin_ = make(fake_.url(), kKey + "\n");
    ASSERT_TRUE(plugin_);
  }
  void TearDown() override {
    plugin_.reset();
    db_.reset();
    testDb_.reset();
    fs::remove_all(dir_);
  }

  // The plugin as the daemon configures it; `components` maps login, berichten and website
  // (betalingen deliberately not).
  Result<std::unique_ptr<plugin::PluginInstance>> create(
      const std::string& url, const std::string& key, const std::string& timeoutMs = "3000",
      const std::string& page = kPage,
      const std::string& components = "      login: \"" + kLogin + "\"\n      berichten: \"" +
                                      kBerichten + "\"\n      website: \"" + kWebsite + "\"\n") {
    const fs::path keyFile = dir_ / ("statuspage-" + std::to_string(++counter_) + ".key");
    std::ofstream(keyFile) << key;
    const std::string yaml = "plugins:\n  status-push:\n    api_url: \"" + url +
                             "\"\n    page_id: \"" + page + "\"\n    timeout_ms: " + timeoutMs +
                             "\n    api_key: {file: \"" + keyFile.string() +
                             "\"}\n    components:\n" + components;
    auto loaded = config::parseConfig(yaml, "t.yaml");
    if (!loaded.config) return Status::error("CONFIG_INVALID", loaded.errors.at(0).toString());
    auto lib =
        plugin::PluginLibrary::load(plugin::pluginFilePath(BERICHTD_PLUGIN_DIR, "status-push"));
    if (!lib) return lib.status();
    plugin::HostServices s;
    s.clock = &clock_;
    s.database = db_.get();
    return plugin::PluginInstance::create(*lib, loaded.config->plugins.entries.at(0), s);
  }
  std::unique_ptr<plugin::PluginInstance> make(const std::string& url, const std::string& key,
                                               const std::string& timeoutMs = "3000") {
    auto p = create(url, key, timeoutMs);
    EXPECT_TRUE(p.isOk()) << p.status().toString();
    if (p) {
      EXPECT_EQ((*p)->service(), "status");
    }
    return p ? std::move(p).value() : nullptr;
  }

  static Result<Object::Ptr> callOn(plugin::PluginInstance& p, const std::string& action,
                                    const std::string& body, const std::string& key) {
    Message m;
    m.service = "status";
    m.action = action;
    m.correlationId = "c-" + action;
    if (!key.empty()) m.setHeader("idempotency-key", key);
    m.body = body;
    auto r = p.handle(m);
    if (!r) return r.status();
    return parse(r->body);
  }
  Result<Object::Ptr> call(const std::string& action, const std::string& body,
                           const std::string& key = "key-" + std::to_string(++counter_)) {
    return callOn(*plugin_, action, body, key);
  }
  Result<Object::Ptr> component(const std::string& name, const std::string& status,
                                const std::string& key = "key-" + std::to_string(++counter_)) {
    return call("component_status",
                R"({"component":")" + name + R"(","status":")" + status +
                    R"(","at":"2026-03-01T10:00:00Z"})",
                key);
  }
  std::vector<Object::Ptr> requests(const std::string& method, const std::string& path) const {
    std::vector<Object::Ptr> out;
    auto list = fake_.requests();
    for (size_t i = 0; i < list->size(); ++i) {
      auto r = list->getObject(static_cast<unsigned>(i));
      if (r->getValue<std::string>("method") == method && r->getValue<std::string>("path") == path)
        out.push_back(r);
    }
    return out;
  }
  std::string componentStatusAtFake(const std::string& id) const {
    auto list = fake_.state()->getArray("components");
    for (size_t i = 0; i < list->size(); ++i) {
      auto c = list->getObject(static_cast<unsigned>(i));
      if (c->getValue<std::string>("id") == id) return c->getValue<std::string>("status");
    }
    return "";
  }

  static inline int counter_ = 0;
  FakeStatuspage fake_{{"--api-key", kKey, "--page-id", kPage}};
  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<storage::Database> db_;
  ManualClock clock_{TimePoint(std::chrono::seconds(1772359200))};
  fs::path dir_;
  Poco::AutoPtr<CapturedLog> log_;
  std::unique_ptr<plugin::PluginInstance> plugin_;
};

TEST_P(StatusPushFlow, AComponentStatusIsPatchedWithTheMappedIdAndStatus) {
  auto r = component("login", "partial_outage");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ((*r)->size(), 0u) << "the reply is {}";
  auto sent = requests("PATCH", "/v1/pages/" + kPage + "/components/" + kLogin);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]->getObject("body")->getObject("component")->getValue<std::string>("status"),
            "partial_outage");
  EXPECT_EQ(sent[0]->getValue<int>("status"), 200);
  EXPECT_EQ(componentStatusAtFake(kLogin), "partial_outage");
  EXPECT_EQ(componentStatusAtFake(kBerichten), "operational");

  ASSERT_TRUE(component("website", "under_maintenance").isOk());
  EXPECT_EQ(componentStatusAtFake(kWebsite), "under_maintenance");
  ASSERT_TRUE(component("login", "operational").isOk());
  EXPECT_EQ(componentStatusAtFake(kLogin), "operational");
  EXPECT_EQ(fake_.requests()->size(), 3u);
}

TEST_P(StatusPushFlow, AnUnknownComponentIsStatusComponentUnknownAndNothingIsSent) {
  auto r = component("betalingen", "major_outage");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), "STATUS_COMPONENT_UNKNOWN");
  EXPECT_NE(r.status().message().find("betalingen"), std::string::npos);
  auto i =
      call("incident", incidentJson("inc-x", "investigating",
                                    R"({"login":"major_outage","betalingen":"major_outage"})"));
  ASSERT_FALSE(i.isOk());
  EXPECT_EQ(i.status().code(), "STATUS_COMPONENT_UNKNOWN");
  EXPECT_EQ(fake_.requests()->size(), 0u) << "nothing reached Statuspage";
}

TEST_P(StatusPushFlow, AnIncidentIsCreatedUpdatedAndResolvedAlsoAfterARestart) {
  auto created = call("incident", incidentJson("inc-1", "investigating",
                                               R"({"login":"major_outage"})", "We kijken ernaar"));
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  const std::string external = (*created)->getValue<std::string>("external_id");
  auto posts = requests("POST", "/v1/pages/" + kPage + "/incidents");
  ASSERT_EQ(posts.size(), 1u);
  auto sent = posts[0]->getObject("body")->getObject("incident");
  EXPECT_EQ(sent->getValue<std::string>("name"), "Inloggen lukt niet");
  EXPECT_EQ(sent->getValue<std::string>("status"), "investigating");
  EXPECT_EQ(sent->getValue<std::string>("body"), "We kijken ernaar");
  ASSERT_EQ(sent->getArray("component_ids")->size(), 1u);
  EXPECT_EQ(sent->getArray("component_ids")->getElement<std::string>(0), kLogin);
  EXPECT_EQ(sent->getObject("components")->getValue<std::string>(kLogin), "major_outage");
  EXPECT_EQ(componentStatusAtFake(kLogin), "major_outage");

  auto identified = call(
      "incident", incidentJson("inc-1", "identified",
                               R"({"login":"partial_outage","berichten":"degraded_performance"})"));
  ASSERT_TRUE(identified.isOk()) << identified.status().toString();
  EXPECT_EQ((*identified)->getValue<std::string>("external_id"), external);
  const std::string path = "/v1/pages/" + kPage + "/incidents/" + external;
  ASSERT_EQ(requests("PATCH", path).size(), 1u);
  EXPECT_EQ(componentStatusAtFake(kBerichten), "degraded_performance");

  // A restart: a new instance on the same database keeps updating the same incident.
  plugin_.reset();
  plugin_ = make(fake_.url(), kKey);
  ASSERT_TRUE(plugin_);
  auto resolved = call(
      "incident",
      incidentJson("inc-1", "resolved", R"({"login":"operational","berichten":"operational"})"));
  ASSERT_TRUE(resolved.isOk()) << resolved.status().toString();
  EXPECT_EQ((*resolved)->getValue<std::string>("external_id"), external);
  EXPECT_EQ(requests("PATCH", path).size(), 2u);
  EXPECT_EQ(requests("POST", "/v1/pages/" + kPage + "/incidents").size(), 1u);

  auto incidents = fake_.state()->getArray("incidents");
  ASSERT_EQ(incidents->size(), 1u);
  auto at = incidents->getObject(0);
  EXPECT_EQ(at->getValue<std::string>("id"), external);
  EXPECT_EQ(at->getValue<std::string>("status"), "resolved");
  EXPECT_FALSE(at->isNull("resolved_at"));
  EXPECT_EQ(at->getArray("incident_updates")->size(), 3u);
  EXPECT_EQ(componentStatusAtFake(kLogin), "operational");

  // Another incident is another external incident.
  auto other = call("incident", incidentJson("inc-2", "investigating", "{}"));
  ASSERT_TRUE(other.isOk()) << other.status().toString();
  EXPECT_NE((*other)->getValue<std::string>("external_id"), external);
  EXPECT_EQ(fake_.state()->getArray("incidents")->size(), 2u);
}

TEST_P(StatusPushFlow, TheSameIdempotencyKeyTwiceCallsTheApiOnce) {
  ASSERT_TRUE(component("login", "major_outage", "outbox-17").isOk());
  ASSERT_TRUE(component("login", "major_outage", "outbox-17").isOk());
  EXPECT_EQ(requests("PATCH", "/v1/pages/" + kPage + "/components/" + kLogin).size(), 1u);

  const std::string body = incidentJson("inc-7", "investigating", R"({"login":"major_outage"})");
  auto one = call("incident", body, "outbox-18");
  ASSERT_TRUE(one.isOk()) << one.status().toString();
  plugin_.reset();  // the done keys survive a restart too
  plugin_ = make(fake_.url(), kKey);
  ASSERT_TRUE(plugin_);
  auto two = call("incident", body, "outbox-18");
  ASSERT_TRUE(two.isOk()) << two.status().toString();
  EXPECT_EQ((*one)->getValue<std::string>("external_id"),
            (*two)->getValue<std::string>("external_id"));
  EXPECT_EQ(fake_.requests()->size(), 2u) << "one PATCH and one POST";

  // A key names one request: reused for another body it is refused, and nothing is sent.
  EXPECT_EQ(component("login", "operational", "outbox-17").status().code(), "BAD_REQUEST");
  EXPECT_EQ(fake_.requests()->size(), 2u);
}

TEST_P(StatusPushFlow, TwoFailuresAreProviderUnavailableAndTheOutboxsThirdTrySucceeds) {
  fake_.control("fail-next", R"({"count":2,"status":503})");
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto r = component("berichten", "partial_outage", "outbox-retry");
    ASSERT_FALSE(r.isOk()) << attempt;
    EXPECT_EQ(r.status().code(), "PROVIDER_UNAVAILABLE") << attempt;
    EXPECT_NE(r.status().message().find("HTTP 503"), std::string::npos) << r.status().message();
  }
  EXPECT_EQ(componentStatusAtFake(kBerichten), "operational");
  auto third = component("berichten", "partial_outage", "outbox-retry");
  ASSERT_TRUE(third.isOk()) << third.status().toString();
  EXPECT_EQ(componentStatusAtFake(kBerichten), "partial_outage");
  EXPECT_EQ(requests("PATCH", "/v1/pages/" + kPage + "/components/" + kBerichten).size(), 3u);

  // An incident whose creation failed is created by the retry, once.
  fake_.control("fail-next", R"({"count":1,"status":429})");
  const std::string body = incidentJson("inc-retry", "investigating", "{}");
  EXPECT_EQ(call("incident", body, "outbox-inc").status().code(), "PROVIDER_UNAVAILABLE");
  auto created = call("incident", body, "outbox-inc");
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  EXPECT_EQ(fake_.state()->getArray("incidents")->size(), 1u);
}

TEST_P(StatusPushFlow, AWrongKeyIsRejectedWithoutTheKeyInTheMessage) {
  const std::string wrong = "0f0f0f0f-wrong-wrong-wrong-statuspage99";
  auto p = make(fake_.url(), wrong);
  ASSERT_TRUE(p);
  auto r = callOn(*p, "component_status",
                  R"({"component":"login","status":"major_outage","at":"t"})", "k-wrong");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), "PROVIDER_REJECTED");
  EXPECT_NE(r.status().message().find("Could not authenticate"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(r.status().message().find(wrong), std::string::npos);
  EXPECT_EQ(r.status().message().find(kKey), std::string::npos);
  EXPECT_EQ(componentStatusAtFake(kLogin), "operational");
  // A refusal is not recorded as done: with the right key the same request goes through.
  EXPECT_TRUE(callOn(*plugin_, "component_status",
                     R"({"component":"login","status":"major_outage","at":"t"})", "k-wrong")
                  .isOk());
  EXPECT_EQ(componentStatusAtFake(kLogin), "major_outage");
}

TEST_P(StatusPushFlow, NoAnswerOrATimeoutIsProviderUnavailable) {
  int closedPort = 0;
  {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    closedPort = s.address().port();
  }
  auto refused = make("http://127.0.0.1:" + std::to_string(closedPort), kKey);
  ASSERT_TRUE(refused);
  const std::string body = R"({"component":"login","status":"major_outage","at":"t"})";
  EXPECT_EQ(callOn(*refused, "component_status", body, "k1").status().code(),
            "PROVIDER_UNAVAILABLE");
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto slow = make("http://127.0.0.1:" + std::to_string(silent.address().port()), kKey, "300");
  ASSERT_TRUE(slow);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(callOn(*slow, "component_status", body, "k2").status().code(), "PROVIDER_UNAVAILABLE");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_P(StatusPushFlow, RequestsThatBreakTheContractAreRefused) {
  EXPECT_EQ(
      call("component_status", R"({"component":"login","status":"major_outage","at":"t"})", "")
          .status()
          .code(),
      "BAD_REQUEST")
      << "every request needs an idempotency-key";
  EXPECT_EQ(component("login", "down").status().code(), "BAD_REQUEST");
  EXPECT_EQ(call("component_status", "not json").status().code(), "BAD_REQUEST");
  EXPECT_EQ(call("incident", incidentJson("i", "major_outage", "{}")).status().code(),
            "BAD_REQUEST");
  EXPECT_EQ(call("incident", incidentJson("i", "resolved", R"({"login":"fine"})")).status().code(),
            "BAD_REQUEST");
  EXPECT_EQ(call("maintenance", "{}").status().code(), "UNKNOWN_ACTION");
  EXPECT_EQ(fake_.requests()->size(), 0u) << "nothing reached Statuspage";
}

TEST_P(StatusPushFlow, ConfigurationWithoutAKeyOrWithBadSettingsIsRefused) {
  auto noKey = create(fake_.url(), "\n");
  ASSERT_FALSE(noKey.isOk());
  EXPECT_NE(noKey.status().message().find("api_key"), std::string::npos);
  auto badUrl = create("ftp://127.0.0.1:1", kKey);
  ASSERT_FALSE(badUrl.isOk());
  EXPECT_NE(badUrl.status().message().find("api_url"), std::string::npos);
  auto badPage = create(fake_.url(), kKey, "3000", "../pages");
  ASSERT_FALSE(badPage.isOk());
  EXPECT_NE(badPage.status().message().find("page_id"), std::string::npos);
  auto badComponent = create(fake_.url(), kKey, "3000", kPage, "      login: \"a/b\"\n");
  ASSERT_FALSE(badComponent.isOk());
  EXPECT_NE(badComponent.status().message().find("components.login"), std::string::npos);
}

TEST_P(StatusPushFlow, TheLogNeverHoldsTheKey) {
  ASSERT_TRUE(component("login", "degraded_performance").isOk());
  ASSERT_TRUE(call("incident", incidentJson("inc-log", "identified", R"({"login":"major_outage"})",
                                            "Geheime-details-uit-de-body"))
                  .isOk());
  fake_.control("fail-next", R"({"count":1})");
  (void)component("login", "operational");
  const std::string wrong = "0f0f0f0f-another-wrong-statuspage-key";
  auto p = make(fake_.url(), wrong);
  ASSERT_TRUE(p);
  (void)callOn(*p, "component_status", R"({"component":"login","status":"operational","at":"t"})",
               "k-log");

  const std::string log = log_->text();
  EXPECT_NE(log.find("component login (" + kLogin + "): degraded_performance"), std::string::npos)
      << log;
  EXPECT_NE(log.find("incident inc-log created as "), std::string::npos) << log;
  EXPECT_NE(log.find("PROVIDER_UNAVAILABLE"), std::string::npos) << log;
  EXPECT_NE(log.find("PROVIDER_REJECTED"), std::string::npos) << log;
  for (const std::string& secret : {kKey, wrong, std::string("Geheime-details")})
    EXPECT_EQ(log.find(secret), std::string::npos) << "the log holds " << secret << ":\n" << log;
}

INSTANTIATE_TEST_SUITE_P(Backends, StatusPushFlow,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::statuspage::testing
