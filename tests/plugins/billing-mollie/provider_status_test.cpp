// The payment provider's reachability on the status page (SPEC S2; issue 6 item 1): the real
// daemon with billing-mollie against the fake Mollie, no payment made at all — the `ping`
// probe alone turns `betalingen` into a partial outage while Mollie answers 503, shows it on
// /readyz without making the instance unready, and turns it back when Mollie recovers.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "daemon_process.hpp"
#include "fake_mollie.hpp"
#include "status_json.hpp"

namespace berichtd::testing {
namespace {

using mollie::testing::FakeMollie;

const std::string kKey = "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM";

TEST(ProviderStatus, AnUnreachableProviderIsAPartialOutageOfBetalingenUntilItAnswers) {
  FakeMollie fake({"--api-key", kKey});
  ASSERT_GT(fake.port(), 0);
  TempDir dir;
  dir.write("mollie.key", kKey + "\n");
  DaemonProcess d(dir, R"(
http: {listen: "127.0.0.1:0"}
admin: {listen: "127.0.0.1:0", token: {file: admin.token}}
storage: {url: "sqlite://{{DIR}}/berichtd.db"}
bus: {endpoint: "ipc://{{DIR}}/bus.sock", heartbeat_ms: 100, liveness: 3}
status: {probe_interval_ms: 200, probe_timeout_ms: 2000}
plugins:
  dir: "{{PLUGIN_DIR}}"
  billing-mollie: {api_url: ")" +
                           fake.url() + R"(", api_key: {file: mollie.key}, timeout_ms: 1000}
)");
  ASSERT_TRUE(d.start()) << d.output();
  auto status = [&] { return httpRequest(d.url(), "GET", "/status.json").body; };
  ASSERT_TRUE(waitUntil(
      [&] {
        return componentState(status(), "betalingen") == "operational" &&
               readyCheck(httpRequest(d.url(), "GET", "/readyz").body, "billing:reachable").first ==
                   "pass";
      },
      std::chrono::seconds(20)))
      << status() << d.output();

  fake.control("outage", R"({"status":503})");
  ASSERT_TRUE(waitUntil([&] { return componentState(status(), "betalingen") == "partial_outage"; },
                        std::chrono::seconds(20)))
      << status();
  auto ready = httpRequest(d.url(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;  // the provider's outage is not this instance's
  EXPECT_EQ(readyCheck(ready.body, "billing:reachable"),
            std::make_pair(std::string("warn"), std::string("PROVIDER_UNAVAILABLE")));
  EXPECT_EQ(readyCheck(ready.body, "betalingen:status"),
            std::make_pair(std::string("warn"), std::string("partial_outage")));
  EXPECT_EQ(readyCheck(ready.body, "service:billing").first, "pass");  // the plugin is fine
  // Only pings reached Mollie: the page saw the outage without a single payment.
  auto requests = fake.list("requests");
  for (std::size_t i = 0; i < requests->size(); ++i)
    EXPECT_EQ(requests->getObject(static_cast<unsigned>(i))->getValue<std::string>("path"),
              "/v2/methods");

  fake.control("outage", R"({"status":0})");
  EXPECT_TRUE(waitUntil([&] { return componentState(status(), "betalingen") == "operational"; },
                        std::chrono::seconds(20)))
      << status();
  EXPECT_EQ(readyCheck(httpRequest(d.url(), "GET", "/readyz").body, "billing:reachable").first,
            "pass");
}

}  // namespace
}  // namespace berichtd::testing
