// PluginManager with a real broker: an in-process plugin answers over the bus; a wrong ABI
// stops the start-up with the loader's error. RequestClock gives a plugin host the daemon's time.
#include "plugin/plugin_manager.hpp"

#include <gtest/gtest.h>

#include <zmq.hpp>

#include "bus/broker.hpp"
#include "bus/client.hpp"
#include "plugin/request_clock.hpp"

namespace berichtd::plugin {
namespace {

constexpr const char* kEndpoint = "inproc://plugin-manager-test";

class PluginManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bus::BrokerOptions o;
    o.heartbeat = std::chrono::milliseconds(50);
    broker_ = std::make_unique<bus::Broker>(ctx_, o);
    broker_->bind(kEndpoint);
    broker_->start();
  }
  void TearDown() override {
    if (manager_) manager_->stop();
    manager_.reset();
    broker_->stop();
  }
  std::unique_ptr<PluginManager> manager(HostServices s = {}) {
    if (s.clock == nullptr) s.clock = &clock_;
    PluginManagerOptions o;
    o.inprocEndpoint = kEndpoint;
    o.workerOptions.heartbeat = std::chrono::milliseconds(50);
    return std::make_unique<PluginManager>(ctx_, o, s);
  }
  zmq::context_t ctx_{1};
  ManualClock clock_{TimePoint(std::chrono::seconds(1000))};
  std::unique_ptr<bus::Broker> broker_;
  std::unique_ptr<PluginManager> manager_;
};

TEST_F(PluginManagerTest, AnInProcessPluginAnswersOverTheBus) {
  manager_ = manager();
  config::PluginsConfig cfg;
  cfg.dir = BERICHTD_PLUGIN_DIR;
  config::PluginEntry e;
  e.name = "echo";
  e.workers = 2;
  e.values["prefix"] = "re: ";
  cfg.entries.push_back(e);
  ASSERT_TRUE(manager_->start(cfg).isOk());
  EXPECT_EQ(manager_->services(), std::vector<std::string>{"echo"});
  bus::BusClient client(ctx_, kEndpoint);
  Message m;
  m.service = "echo";
  m.action = "echo";
  m.body = "hallo";
  auto r = client.call(m, std::chrono::milliseconds(2000));
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->body, "re: hallo");
  auto st = manager_->status();
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].isolation, "thread");
  EXPECT_EQ(st[0].abi, "1.1");
  EXPECT_EQ(st[0].workers, 2);
}

TEST_F(PluginManagerTest, AWrongAbiStopsTheStartWithTheLoadersError) {
  manager_ = manager();
  config::PluginsConfig cfg;
  cfg.dir = BERICHTD_FIXTURE_DIR;
  config::PluginEntry e;
  e.name = "future-major";
  cfg.entries.push_back(e);
  Status s = manager_->start(cfg);
  ASSERT_FALSE(s.isOk());
  EXPECT_EQ(s.code(), "PLUGIN_ABI_UNSUPPORTED");
}

TEST_F(PluginManagerTest, AMissingPluginStopsTheStart) {
  manager_ = manager();
  config::PluginsConfig cfg;
  cfg.dir = BERICHTD_PLUGIN_DIR;
  config::PluginEntry e;
  e.name = "does-not-exist";
  cfg.entries.push_back(e);
  Status s = manager_->start(cfg);
  EXPECT_EQ(s.code(), "PLUGIN_LOAD_FAILED");
}

TEST(RequestClock, UsesTheStampedTimeWhileHandlingAndTheSystemClockOtherwise) {
  ManualClock daemonClock(TimePoint(std::chrono::hours(24 * 365 * 10)));
  Message m;
  stampNow(m, daemonClock);
  RequestClock clock;
  {
    RequestClock::Scope scope(m);
    EXPECT_EQ(clock.now(), daemonClock.now());
  }
  auto diff = clock.now() - std::chrono::system_clock::now();
  EXPECT_LT(std::chrono::abs(diff), std::chrono::seconds(5));
}

}  // namespace
}  // namespace berichtd::plugin
