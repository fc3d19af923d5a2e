// PluginInstance: configuration, secrets, clock and calls reach the plugin; a plugin that
// throws or returns garbage fails that request only.
#include "plugin/plugin_instance.hpp"

#include <gtest/gtest.h>

namespace berichtd::plugin {
namespace {

config::PluginEntry entryFor(const std::string& name) {
  config::PluginEntry e;
  e.name = name;
  return e;
}

class PluginInstanceTest : public ::testing::Test {
 protected:
  std::unique_ptr<PluginInstance> make(const std::string& dir, const config::PluginEntry& e) {
    auto lib = PluginLibrary::load(pluginFilePath(dir, e.name));
    EXPECT_TRUE(lib.isOk()) << lib.status().toString();
    if (!lib) return nullptr;
    HostServices s;
    s.clock = &clock_;
    s.maxReplyBytes = 1 << 20;
    auto inst = PluginInstance::create(*lib, e, s);
    EXPECT_TRUE(inst.isOk()) << inst.status().toString();
    return inst ? std::move(inst).value() : nullptr;
  }
  static Message request(const std::string& action, const std::string& body) {
    Message m;
    m.service = "echo";
    m.action = action;
    m.body = body;
    return m;
  }
  ManualClock clock_{TimePoint(std::chrono::seconds(1772319600))};
};

TEST_F(PluginInstanceTest, EchoesWithItsConfiguredPrefix) {
  auto e = entryFor("echo");
  e.values["prefix"] = ">> ";
  auto p = make(BERICHTD_PLUGIN_DIR, e);
  ASSERT_TRUE(p);
  auto r = p->handle(request("echo", "hallo"));
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->body, ">> hallo");
  EXPECT_EQ(p->service(), "echo");
}

TEST_F(PluginInstanceTest, ServiceCanBeOverriddenByConfiguration) {
  auto e = entryFor("echo");
  e.service = "echo-2";
  auto p = make(BERICHTD_PLUGIN_DIR, e);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->service(), "echo-2");
}

TEST_F(PluginInstanceTest, ABadSettingMakesCreateFailWithThePluginsReason) {
  auto e = entryFor("echo");
  e.values["max_sleep_ms"] = "soon";
  auto lib = PluginLibrary::load(pluginFilePath(BERICHTD_PLUGIN_DIR, "echo"));
  ASSERT_TRUE(lib.isOk());
  HostServices s;
  s.clock = &clock_;
  auto inst = PluginInstance::create(*lib, e, s);
  ASSERT_FALSE(inst.isOk());
  EXPECT_EQ(inst.status().code(), "PLUGIN_CREATE_FAILED");
  EXPECT_NE(inst.status().message().find("max_sleep_ms"), std::string::npos)
      << inst.status().message();
}

TEST_F(PluginInstanceTest, PluginErrorsKeepTheirCode) {
  auto p = make(BERICHTD_PLUGIN_DIR, entryFor("echo"));
  ASSERT_TRUE(p);
  auto r = p->handle(request("fail", "RECIPIENT_NOT_ACTIVATED"));
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), "RECIPIENT_NOT_ACTIVATED");
}

TEST_F(PluginInstanceTest, AThrowingPluginFailsThatRequestOnly) {
  auto p = make(BERICHTD_PLUGIN_DIR, entryFor("echo"));
  ASSERT_TRUE(p);
  auto bad = p->handle(request("throw", ""));
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), "PLUGIN_ERROR");
  auto good = p->handle(request("echo", "still here"));
  ASSERT_TRUE(good.isOk());
  EXPECT_EQ(good->body, "still here");
}

TEST_F(PluginInstanceTest, SecretsReachThePluginByName) {
  auto e = entryFor("echo");
  e.secrets["api_key"] = Secret("s3cr3t-value", "test");
  auto p = make(BERICHTD_PLUGIN_DIR, e);
  ASSERT_TRUE(p);
  auto r = p->handle(request("secret", "api_key"));
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->body, "12");
  auto missing = p->handle(request("secret", "nope"));
  EXPECT_EQ(missing.status().code(), "NOT_FOUND");
}

TEST(PluginInstanceGarbage, EveryKindOfGarbageFailsWithPluginErrorAndServingGoesOn) {
  ManualClock clock(TimePoint{});
  auto lib = PluginLibrary::load(std::string(BERICHTD_FIXTURE_DIR) + "/berichtd-garbage.so");
  ASSERT_TRUE(lib.isOk()) << lib.status().toString();
  HostServices s;
  s.clock = &clock;
  s.maxReplyBytes = 1 << 20;
  config::PluginEntry e;
  e.name = "garbage";
  auto p = PluginInstance::create(*lib, e, s);
  ASSERT_TRUE(p.isOk());
  for (const char* action : {"noreply", "twice", "badcode", "nocode", "okempty", "huge"}) {
    Message m;
    m.action = action;
    auto r = (*p)->handle(m);
    ASSERT_FALSE(r.isOk()) << action;
    EXPECT_EQ(r.status().code(), "PLUGIN_ERROR") << action;
    Message ok;
    ok.action = "ok";
    auto good = (*p)->handle(ok);
    ASSERT_TRUE(good.isOk()) << "after " << action;
    EXPECT_EQ(good->body, "fine");
  }
}

TEST(PluginInstanceCodes, ErrorCodeShapeTable) {
  EXPECT_TRUE(isValidErrorCode("BUSY"));
  EXPECT_TRUE(isValidErrorCode("ACCESS_LINK_EXPIRED"));
  EXPECT_TRUE(isValidErrorCode("E2"));
  EXPECT_FALSE(isValidErrorCode(""));
  EXPECT_FALSE(isValidErrorCode("busy"));
  EXPECT_FALSE(isValidErrorCode("NOT A CODE"));
  EXPECT_FALSE(isValidErrorCode(std::string(65, 'A')));
}

}  // namespace
}  // namespace berichtd::plugin
