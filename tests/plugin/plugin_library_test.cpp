// The loader's refusals (issue: "refuses a plugin whose ABI version it does not support, with
// a message naming the file and both versions; a missing file or symbol is a clear error").
#include "plugin/plugin_library.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "plugin/plugin_instance.hpp"

namespace berichtd::plugin {
namespace {

std::string fixture(const std::string& name) {
  return std::string(BERICHTD_FIXTURE_DIR) + "/berichtd-" + name + ".so";
}

TEST(PluginLibrary, LoadsTheEchoPluginAndReadsItsMetadata) {
  auto lib = PluginLibrary::load(pluginFilePath(BERICHTD_PLUGIN_DIR, "echo"));
  ASSERT_TRUE(lib.isOk()) << lib.status().toString();
  const auto& m = (*lib)->meta();
  EXPECT_EQ(m.name, "echo");
  EXPECT_EQ(m.service, "echo");
  EXPECT_EQ(m.abiMajor, static_cast<uint32_t>(BERICHTD_ABI_MAJOR));
  EXPECT_EQ(m.abiMinor, static_cast<uint32_t>(BERICHTD_ABI_MINOR));
  EXPECT_NE(m.compilerId.find("gcc"), std::string::npos);
  EXPECT_NE((*lib)->createFn(), nullptr);
}

TEST(PluginLibrary, RefusesANewerMajorAbiNamingFileAndBothVersions) {
  const std::string path = fixture("future-major");
  auto lib = PluginLibrary::load(path);
  ASSERT_FALSE(lib.isOk());
  EXPECT_EQ(lib.status().code(), "PLUGIN_ABI_UNSUPPORTED");
  const std::string& msg = lib.status().message();
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("plugin ABI 2.0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("daemon (ABI 1.1"), std::string::npos) << msg;
}

TEST(PluginLibrary, RefusesANewerMinorAbi) {
  auto lib = PluginLibrary::load(fixture("future-minor"));
  ASSERT_FALSE(lib.isOk());
  EXPECT_EQ(lib.status().code(), "PLUGIN_ABI_UNSUPPORTED");
  EXPECT_NE(lib.status().message().find("plugin ABI 1.99"), std::string::npos);
}

TEST(PluginLibrary, AMissingFileIsAClearError) {
  auto lib = PluginLibrary::load("/nonexistent/berichtd-nothing.so");
  ASSERT_FALSE(lib.isOk());
  EXPECT_EQ(lib.status().code(), "PLUGIN_LOAD_FAILED");
  EXPECT_EQ(lib.status().message(), "/nonexistent/berichtd-nothing.so: no such plugin file");
}

TEST(PluginLibrary, AMissingSymbolIsAClearError) {
  const std::string path = fixture("no-symbols");
  auto lib = PluginLibrary::load(path);
  ASSERT_FALSE(lib.isOk());
  EXPECT_EQ(lib.status().code(), "PLUGIN_SYMBOL_MISSING");
  EXPECT_EQ(lib.status().message(),
            path + ": not a berichtd plugin: symbol 'berichtd_plugin_create' is missing");
}

TEST(PluginLibrary, AFileThatIsNoLibraryIsAClearError) {
  auto lib = PluginLibrary::load(std::string(BERICHTD_SOURCE_DIR) + "/CMakeLists.txt");
  ASSERT_FALSE(lib.isOk());
  EXPECT_EQ(lib.status().code(), "PLUGIN_LOAD_FAILED");
  EXPECT_NE(lib.status().message().find("cannot load"), std::string::npos);
}

TEST(PluginLibrary, AbiSupportTable) {
  struct Case {
    uint32_t major, minor;
    bool supported;
  };
  const Case cases[] = {{BERICHTD_ABI_MAJOR, 0, true},
                        {BERICHTD_ABI_MAJOR, BERICHTD_ABI_MINOR, true},
                        {BERICHTD_ABI_MAJOR, BERICHTD_ABI_MINOR + 1, false},
                        {BERICHTD_ABI_MAJOR + 1, 0, false},
                        {0, 0, false}};
  for (const auto& c : cases) {
    EXPECT_EQ(abiSupported(c.major, c.minor), c.supported) << c.major << "." << c.minor;
  }
}

}  // namespace
}  // namespace berichtd::plugin

namespace berichtd::plugin {
namespace {

// Run by sdk_out_of_tree_test.sh with the example plugin built against the installed SDK.
TEST(OutOfTree, DISABLED_TheExamplePluginBuiltOutOfTreeLoadsAndAnswers) {
  const char* dir = std::getenv("BERICHTD_EXAMPLE_PLUGIN_DIR");
  ASSERT_NE(dir, nullptr) << "run through sdk_out_of_tree_test.sh";
  auto lib = PluginLibrary::load(pluginFilePath(dir, "example-echo"));
  ASSERT_TRUE(lib.isOk()) << lib.status().toString();
  EXPECT_EQ((*lib)->meta().service, "example-echo");
  ManualClock clock(TimePoint{});
  HostServices s;
  s.clock = &clock;
  config::PluginEntry e;
  e.name = "example-echo";
  e.values["prefix"] = "echo: ";
  auto inst = PluginInstance::create(*lib, e, s);
  ASSERT_TRUE(inst.isOk()) << inst.status().toString();
  Message m;
  m.body = "out of tree";
  auto r = (*inst)->handle(m);
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->body, "echo: out of tree");
}

}  // namespace
}  // namespace berichtd::plugin
