// SPEC S3 end to end: the real daemon with the status-push plugin against the fake Statuspage
// API. The component states the status page derives, and every incident change, reach the
// external page through the outbox: at start each component once, later only changes; an
// incident opened and resolved with berichtctl's admin API is created once and then updated.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "daemon_process.hpp"
#include "fake_statuspage.hpp"

namespace berichtd::testing {
namespace {

using statuspage::testing::FakeStatuspage;

const std::string kKey = "2a7b9c1d-5e4f-4a3b-8c2d-statuspagekey01";
const std::string kPage = "kctbh9vrtdwd";

std::string componentStatus(const Poco::JSON::Object::Ptr& state, const std::string& id) {
  auto list = state->getArray("components");
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto c = list->getObject(static_cast<unsigned>(i));
    if (c->getValue<std::string>("id") == id) return c->getValue<std::string>("status");
  }
  return "?";
}

TEST(StatusPush, TheDaemonPushesComponentStatesAndIncidentsToTheExternalPage) {
  FakeStatuspage fake({"--api-key", kKey, "--page-id", kPage, "--component",
                       "lgn000000001=Inloggen", "--component", "brc000000001=Berichten",
                       "--component", "btl000000001=Betalingen", "--component",
                       "web000000001=Website"});
  ASSERT_GT(fake.port(), 0);
  TempDir dir;
  dir.write("statuspage.key", kKey + "\n");
  dir.write("messages.key", "m1:" + std::string(64, 'e') + "\n");
  const std::string cfg = R"(
http: {listen: "127.0.0.1:0"}
admin: {listen: "127.0.0.1:0", token: {file: admin.token}}
storage: {url: "sqlite://{{DIR}}/berichtd.db"}
bus: {endpoint: "ipc://{{DIR}}/bus.sock", heartbeat_ms: 100, liveness: 3}
messages: {master_key: {file: messages.key}, retry_base_ms: 50, retry_max_ms: 200}
status: {push_poll_ms: 200}
plugins:
  dir: "{{PLUGIN_DIR}}"
  status-push:
    api_url: "http://127.0.0.1:)" +
                          std::to_string(fake.port()) +
                          R"("
    page_id: ")" + kPage + R"("
    api_key: {file: statuspage.key}
    components: {login: lgn000000001, berichten: brc000000001, betalingen: btl000000001, website: web000000001}
)";
  DaemonProcess d(dir, cfg);
  ASSERT_TRUE(d.start()) << d.output();

  // No auth, delivery or billing plugin here: the checks say so, and the external page follows.
  ASSERT_TRUE(waitUntil(
      [&] {
        auto s = fake.state();
        return componentStatus(s, "lgn000000001") == "major_outage" &&
               componentStatus(s, "brc000000001") == "major_outage" &&
               componentStatus(s, "btl000000001") == "partial_outage";
      },
      std::chrono::seconds(15)))
      << d.output();
  EXPECT_EQ(componentStatus(fake.state(), "web000000001"), "operational");

  // An incident: created once at the external page, then updated to resolved.
  auto opened = httpRequest(d.adminUrl(), "POST", "/admin/v1/incidents",
                            R"({"name":"Inloggen lukt niet","components":{"login":"major_outage"},)"
                            R"("body":"We onderzoeken het."})",
                            d.adminHeaders());
  ASSERT_EQ(opened.status, 201) << opened.body;
  ASSERT_TRUE(waitUntil([&] { return fake.state()->getArray("incidents")->size() == 1; },
                        std::chrono::seconds(15)));
  auto incident = fake.state()->getArray("incidents")->getObject(0);
  EXPECT_EQ(incident->getValue<std::string>("name"), "Inloggen lukt niet");
  EXPECT_EQ(incident->getValue<std::string>("status"), "investigating");
  auto resolved = httpRequest(d.adminUrl(), "POST", "/admin/v1/incidents/1/resolve",
                              R"({"body":"Opgelost."})", d.adminHeaders());
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  ASSERT_TRUE(waitUntil(
      [&] {
        auto list = fake.state()->getArray("incidents");
        return list->size() == 1 &&
               list->getObject(0)->getValue<std::string>("status") == "resolved";
      },
      std::chrono::seconds(15)));

  // Each component was pushed once: no change, no new PATCH.
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  int patches = 0;
  auto requests = fake.requests();
  for (std::size_t i = 0; i < requests->size(); ++i) {
    auto r = requests->getObject(static_cast<unsigned>(i));
    if (r->optValue<std::string>("method", "") == "PATCH" &&
        r->optValue<std::string>("path", "").find("/components/") != std::string::npos)
      ++patches;
  }
  EXPECT_EQ(patches, 4);
  EXPECT_EQ(d.output().find(kKey), std::string::npos);  // the key never reaches the log
}

}  // namespace
}  // namespace berichtd::testing
