// End-to-end tests of the berichtd binary: start-up, health and readiness, the admin listener
// and berichtctl, signals (SIGTERM, SIGHUP), out-of-process plugin hosts surviving SIGKILL,
// systemd notification, the manual clock, PostgreSQL, and the systemd unit file.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "daemon_process.hpp"

namespace berichtd::testing {
namespace {

const char* kBaseConfig = R"(
http: {listen: "127.0.0.1:0"}
admin: {listen: "127.0.0.1:0", token: {file: admin.token}}
storage: {url: "sqlite://{{DIR}}/berichtd.db"}
bus: {endpoint: "ipc://{{DIR}}/bus.sock", heartbeat_ms: 100, liveness: 3, request_timeout_ms: 3000}
plugins:
  dir: "{{PLUGIN_DIR}}"
  echo: {}
)";

Poco::JSON::Object::Ptr json(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string withPlugins(const std::string& pluginsBlock) {
  std::string cfg = kBaseConfig;
  cfg = cfg.substr(0, cfg.find("  echo: {}"));
  return cfg + pluginsBlock;
}

TEST(Daemon, AnswersHealthAndReadinessAndErrorsInTheJsonShape) {
  TempDir dir;
  DaemonProcess d(dir, kBaseConfig);
  ASSERT_TRUE(d.start()) << d.output();

  auto health = httpRequest(d.url(), "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.contentType, "application/health+json");
  EXPECT_EQ(json(health.body)->getValue<std::string>("status"), "pass");

  auto ready = httpRequest(d.url(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  auto checks = json(ready.body)->getObject("checks");
  ASSERT_TRUE(checks);
  EXPECT_TRUE(checks->has("storage:reachable"));
  EXPECT_TRUE(checks->has("service:echo"));

  auto missing = httpRequest(d.url(), "GET", "/nope");
  EXPECT_EQ(missing.status, 404);
  auto err = json(missing.body)->getObject("error");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->getValue<std::string>("code"), "NOT_FOUND");
  EXPECT_EQ(err->getValue<std::string>("help"), "/kennisbank/NOT_FOUND");

  auto wrongMethod = httpRequest(d.url(), "DELETE", "/healthz");
  EXPECT_EQ(wrongMethod.status, 405);

  d.signal(SIGTERM);
  EXPECT_EQ(d.waitExit(std::chrono::seconds(15)), 0);
}

TEST(Daemon, EveryErrorsHelpLinkLeadsToAKnowledgeBasePage) {
  // SPEC D2: a refusal names its code and where to read about it; the link must work.
  TempDir dir;
  std::string cfg = kBaseConfig;
  const std::string httpLine = "http: {listen: \"127.0.0.1:0\"}";
  cfg.replace(cfg.find(httpLine), httpLine.size(),
              "http: {listen: \"127.0.0.1:0\", kennisbank_dir: \"" +
                  std::string(BERICHTD_SOURCE_DIR) + "/docs/kennisbank\"}");
  DaemonProcess d(dir, cfg);
  ASSERT_TRUE(d.start()) << d.output();

  auto missing = httpRequest(d.url(), "GET", "/nope");
  ASSERT_EQ(missing.status, 404);
  const std::string help = json(missing.body)->getObject("error")->getValue<std::string>("help");
  auto page = httpRequest(d.url(), "GET", help);
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.contentType, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<html lang=\"nl\">"), std::string::npos);
  EXPECT_NE(page.body.find("NOT_FOUND"), std::string::npos) << page.body;

  auto index = httpRequest(d.url(), "GET", "/kennisbank");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("href=\"/kennisbank/NOT_FOUND\""), std::string::npos) << index.body;

  for (const char* bad :
       {"/kennisbank/NO_SUCH_CODE", "/kennisbank/..%2Fconfig", "/kennisbank/README.md"}) {
    auto refused = httpRequest(d.url(), "GET", bad);
    EXPECT_EQ(refused.status, 404) << bad;
    EXPECT_EQ(json(refused.body)->getObject("error")->getValue<std::string>("code"), "NOT_FOUND")
        << bad;
  }
}

TEST(Daemon, TheShippedConfigurationStartsAndAnswersHealthz) {
  // conf/berichtd.yaml is what the README's run command uses; only paths and ports move here.
  TempDir dir;
  DaemonProcess d(dir, "");
  d.useConfigFile(std::string(BERICHTD_SOURCE_DIR) + "/conf/berichtd.yaml");
  ASSERT_TRUE(d.start({"--set", "http.listen=127.0.0.1:0", "--set", "admin.listen=127.0.0.1:0",
                       "--set", "admin.token={file: " + dir.path() + "/admin.token}", "--set",
                       "storage.url=sqlite://" + dir.path() + "/berichtd.db", "--set",
                       "bus.endpoint=ipc://" + dir.path() + "/bus.sock", "--set",
                       std::string("plugins.dir=") + BERICHTD_PLUGIN_DIR, "--set",
                       "plugins.auth-totp.secret_key={file: " +
                           dir.write("auth.key", "k1:" + std::string(64, 'b') + "\n") + "}",
                       "--set",
                       "plugins.auth-totp.common_passwords=" + std::string(BERICHTD_SOURCE_DIR) +
                           "/conf/common-passwords.txt",
                       "--set",
                       "messages.master_key={file: " +
                           dir.write("messages.key", "m1:" + std::string(64, 'b') + "\n") + "}"}))
      << d.output();
  EXPECT_EQ(httpRequest(d.url(), "GET", "/healthz").status, 200);
  auto ready = httpRequest(d.url(), "GET", "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_NE(ready.body.find("service:auth"), std::string::npos) << ready.body;
  EXPECT_NE(ready.body.find("service:delivery"), std::string::npos) << ready.body;
  d.signal(SIGTERM);
  EXPECT_EQ(d.waitExit(std::chrono::seconds(15)), 0);
}

TEST(Daemon, AdminNeedsTheTokenAndBerichtctlReadsStatusAndPlugins) {
  TempDir dir;
  DaemonProcess d(dir, kBaseConfig);
  ASSERT_TRUE(d.start()) << d.output();

  EXPECT_EQ(httpRequest(d.adminUrl(), "GET", "/admin/v1/status").status, 401);
  EXPECT_EQ(
      httpRequest(d.adminUrl(), "GET", "/admin/v1/status", "", {{"Authorization", "Bearer wrong"}})
          .status,
      401);
  auto st = httpRequest(d.adminUrl(), "GET", "/admin/v1/status", "", d.adminHeaders());
  ASSERT_EQ(st.status, 200) << st.body;
  auto status = json(st.body);
  EXPECT_EQ(status->getObject("storage")->getValue<std::string>("backend"), "sqlite");
  EXPECT_GE(status->getObject("storage")->getValue<int>("schema_version"), 1);

  std::string out;
  const std::string tokenFile = dir.path() + "/admin.token";
  int rc = runCommand({binaryPath("berichtctl"), "--admin", d.adminUrl(), "--token-file", tokenFile,
                       "--json", "plugins"},
                      out);
  ASSERT_EQ(rc, 0) << out;
  auto plugins = json(out)->getArray("plugins");
  ASSERT_EQ(plugins->size(), 1u);
  auto echo = plugins->getObject(0);
  EXPECT_EQ(echo->getValue<std::string>("name"), "echo");
  EXPECT_EQ(echo->getValue<std::string>("isolation"), "thread");
  EXPECT_TRUE(echo->getValue<bool>("live"));

  rc = runCommand(
      {binaryPath("berichtctl"), "--admin", d.adminUrl(), "--token-file", tokenFile, "status"},
      out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("echo"), std::string::npos) << out;

  // A request through the bus to the plugin, via the admin diagnostics endpoint.
  auto echoed =
      httpRequest(d.adminUrl(), "POST", "/admin/v1/bus/echo/echo", "hallo", d.adminHeaders());
  EXPECT_EQ(echoed.status, 200);
  EXPECT_EQ(echoed.body, "hallo");
  auto failed = httpRequest(d.adminUrl(), "POST", "/admin/v1/bus/echo/throw", "", d.adminHeaders());
  EXPECT_EQ(failed.status, 502);
  EXPECT_EQ(json(failed.body)->getObject("error")->getValue<std::string>("code"), "PLUGIN_ERROR");
}

TEST(Daemon, LogsNeverContainMessageBodiesOrTheAdminToken) {
  // Privacy: bodies and tokens never reach a log, not even at debug level.
  TempDir dir;
  DaemonProcess d(dir, std::string(kBaseConfig) + "log: {level: debug}\n");
  ASSERT_TRUE(d.start()) << d.output();
  const std::string marker = "PRIVACY-MARKER-7f3a9c";
  for (const char* action : {"echo", "throw", "fail", "nosuchaction"}) {
    httpRequest(d.adminUrl(), "POST", std::string("/admin/v1/bus/echo/") + action, marker,
                d.adminHeaders());
  }
  httpRequest(d.url(), "POST", "/healthz", marker);
  httpRequest(d.url(), "POST", "/nope", marker, {{"Authorization", "Bearer " + marker}});
  httpRequest(d.adminUrl(), "GET", "/admin/v1/status", "", {{"Authorization", "Bearer " + marker}});
  d.signal(SIGTERM);
  EXPECT_EQ(d.waitExit(std::chrono::seconds(15)), 0);
  const std::string log = d.output();
  EXPECT_NE(log.find("Debug"), std::string::npos)
      << "the test needs debug logging to mean anything";
  EXPECT_EQ(log.find(marker), std::string::npos) << log;
  EXPECT_EQ(log.find(d.token()), std::string::npos) << log;
}

TEST(Daemon, CheckConfigReportsEveryErrorWithFileLineAndColumn) {
  TempDir dir;
  const std::string bad =
      dir.write("bad.yaml", "http:\n  listen: 5\n  lsiten: x\nstorage:\n  url: ftp://x\n");
  std::string out;
  int rc = runCommand({binaryPath("berichtd"), "--check-config", bad}, out);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find(bad + ":2:"), std::string::npos) << out;
  EXPECT_NE(out.find(bad + ":3:3:"), std::string::npos) << out;
  EXPECT_NE(out.find(bad + ":5:"), std::string::npos) << out;

  DaemonProcess good(dir, kBaseConfig);
  rc = runCommand({binaryPath("berichtd"), "--check-config", good.configPath()}, out);
  EXPECT_EQ(rc, 0) << out;
  // The daemon refuses to start on the invalid file too.
  rc = runCommand({binaryPath("berichtd"), "--config", bad}, out);
  EXPECT_EQ(rc, 1);
}

TEST(Daemon, VersionNamesTheAbiAndLinkedLibraries) {
  std::string out;
  ASSERT_EQ(runCommand({binaryPath("berichtd"), "--version"}, out), 0);
  for (const char* part :
       {"berichtd ", "plugin SDK ABI 1.1", "Poco 1.", "ZeroMQ 4.", "OpenSSL 3", "SQLite 3."}) {
    EXPECT_NE(out.find(part), std::string::npos) << part << " in " << out;
  }
}

TEST(Daemon, APluginWithAnUnsupportedAbiStopsTheStartNamingTheFile) {
  TempDir dir;
  std::string cfg = withPlugins("  future-major: {}\n");
  cfg.replace(cfg.find("{{PLUGIN_DIR}}"), 14, BERICHTD_FIXTURE_DIR);
  DaemonProcess d(dir, cfg);
  EXPECT_FALSE(d.start());
  EXPECT_EQ(d.waitExit(std::chrono::seconds(10)), 1);
  EXPECT_NE(d.output().find("berichtd-future-major.so: plugin ABI 2.0 is not supported"),
            std::string::npos)
      << d.output();
}

TEST(Daemon, SigtermLetsInFlightRequestsFinishAndExitsZero) {
  TempDir dir;
  DaemonProcess d(dir, kBaseConfig);
  ASSERT_TRUE(d.start()) << d.output();
  HttpAnswer slow;
  std::thread client([&] {
    slow = httpRequest(d.adminUrl(), "POST", "/admin/v1/bus/echo/sleep", "800", d.adminHeaders());
  });
  // Let the request reach the plugin before the signal.
  ASSERT_TRUE(waitUntil(
      [&] {
        auto s = httpRequest(d.adminUrl(), "GET", "/admin/v1/status", "", d.adminHeaders());
        return s.status == 200 && json(s.body)->getObject("bus")->getValue<int>("requests") >= 1;
      },
      std::chrono::seconds(5)));
  d.signal(SIGTERM);
  client.join();
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(slow.body, "800");
  EXPECT_EQ(d.waitExit(std::chrono::seconds(15)), 0);
}

TEST(Daemon, SighupReloadsAValidFileAndKeepsTheOldOneOnErrors) {
  TempDir dir;
  DaemonProcess d(dir, kBaseConfig);
  ASSERT_TRUE(d.start()) << d.output();
  auto generation = [&] {
    auto s = httpRequest(d.adminUrl(), "GET", "/admin/v1/status", "", d.adminHeaders());
    return s.status == 200 ? json(s.body)->getValue<int>("config_generation") : -1;
  };
  ASSERT_EQ(generation(), 1);

  std::string original;
  {
    std::ifstream in(d.configPath());
    original.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(d.configPath()) << original << "bogus_key: 1\n";
  d.signal(SIGHUP);
  ASSERT_TRUE(waitUntil([&] { return d.output().find("reload of") != std::string::npos; },
                        std::chrono::seconds(5)));
  EXPECT_NE(d.output().find(d.configPath() + ":"), std::string::npos) << d.output();
  EXPECT_TRUE(d.running());
  EXPECT_EQ(generation(), 1);
  EXPECT_EQ(httpRequest(d.url(), "GET", "/healthz").status, 200);

  std::ofstream(d.configPath()) << original << "log: {level: debug}\n";
  d.signal(SIGHUP);
  EXPECT_TRUE(waitUntil([&] { return generation() == 2; }, std::chrono::seconds(5))) << d.output();
}

TEST(Daemon, AProcessIsolatedPluginSurvivesSigkillOfItsHost) {
  TempDir dir;
  DaemonProcess d(dir, withPlugins("  echo: {isolation: process, workers: 1}\n"));
  ASSERT_TRUE(d.start()) << d.output();
  auto call = [&](const std::string& action) {
    return httpRequest(d.adminUrl(), "POST", "/admin/v1/bus/echo/" + action, "x", d.adminHeaders());
  };
  ASSERT_TRUE(waitUntil([&] { return call("whoami").status == 200; }, std::chrono::seconds(10)))
      << d.output();
  const pid_t hostPid = std::stoi(call("whoami").body);
  ASSERT_NE(hostPid, d.pid()) << "the plugin must run in its own process";
  ASSERT_EQ(httpRequest(d.url(), "GET", "/readyz").status, 200);

  // Requests keep flowing while the host is killed; each ends (reply or a clean error).
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0}, failedCleanly{0}, other{0};
  std::thread traffic([&] {
    while (!stop) {
      auto r = call("echo");
      if (r.status == 200) {
        ++answered;
      } else if (r.status == 503 || r.status == 504) {
        ++failedCleanly;
      } else {
        ++other;
      }
    }
  });
  ASSERT_TRUE(waitUntil([&] { return answered > 0; }, std::chrono::seconds(5)));
  ASSERT_EQ(::kill(hostPid, SIGKILL), 0);

  bool sawUnready = waitUntil(
      [&] {
        auto r = httpRequest(d.url(), "GET", "/readyz");
        return r.status == 503 && r.body.find("service:echo") != std::string::npos;
      },
      std::chrono::seconds(5));
  EXPECT_TRUE(sawUnready) << "readyz never reported the service unavailable";
  EXPECT_EQ(httpRequest(d.url(), "GET", "/healthz").status, 200) << "the daemon keeps serving";

  EXPECT_TRUE(waitUntil([&] { return httpRequest(d.url(), "GET", "/readyz").status == 200; },
                        std::chrono::seconds(15)))
      << d.output();
  const int answeredBefore = answered;
  EXPECT_TRUE(waitUntil([&] { return answered > answeredBefore; }, std::chrono::seconds(5)));
  stop = true;
  traffic.join();
  EXPECT_EQ(other, 0) << "every request must end in a reply or a clean 503/504";
  auto newPid = std::stoi(call("whoami").body);
  EXPECT_NE(newPid, hostPid);
  auto plugins = httpRequest(d.adminUrl(), "GET", "/admin/v1/plugins", "", d.adminHeaders());
  EXPECT_EQ(json(plugins.body)->getArray("plugins")->getObject(0)->getValue<int>("restarts"), 1);

  d.signal(SIGTERM);
  EXPECT_EQ(d.waitExit(std::chrono::seconds(15)), 0);
  EXPECT_NE(::kill(newPid, 0), 0) << "the host must stop with the daemon";
}

TEST(Daemon, NotifiesSystemdReadyWatchdogAndStopping) {
  TempDir dir;
  const std::string socketPath = dir.path() + "/notify.sock";
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socketPath.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string received;
  auto drain = [&] {
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
      received += std::string(buf, n) + "\n";
  };

  DaemonProcess d(dir, kBaseConfig);
  ASSERT_TRUE(d.start({}, {{"NOTIFY_SOCKET", socketPath}, {"WATCHDOG_USEC", "400000"}}))
      << d.output();
  EXPECT_TRUE(waitUntil(
      [&] {
        drain();
        return received.find("READY=1") != std::string::npos &&
               received.find("WATCHDOG=1") != std::string::npos;
      },
      std::chrono::seconds(5)))
      << received;
  d.signal(SIGTERM);
  EXPECT_EQ(d.waitExit(std::chrono::seconds(15)), 0);
  drain();
  EXPECT_NE(received.find("STOPPING=1"), std::string::npos) << received;
  ::close(fd);
}

TEST(Daemon, TheManualClockIsShownAndSetThroughBerichtctl) {
  TempDir dir;
  std::string cfg = kBaseConfig;
  cfg += "clock: {mode: manual, start: \"2026-02-13T00:00:00+01:00\"}\n";
  DaemonProcess d(dir, cfg);
  ASSERT_TRUE(d.start()) << d.output();
  EXPECT_NE(d.output().find("clock.mode is manual"), std::string::npos);
  const std::string tokenFile = dir.path() + "/admin.token";
  std::string out;
  ASSERT_EQ(runCommand({binaryPath("berichtctl"), "--admin", d.adminUrl(), "--token-file",
                        tokenFile, "--json", "clock", "show"},
                       out),
            0)
      << out;
  EXPECT_EQ(json(out)->getValue<std::string>("now"), "2026-02-12T23:00:00.000Z");
  ASSERT_EQ(runCommand({binaryPath("berichtctl"), "--admin", d.adminUrl(), "--token-file",
                        tokenFile, "--json", "clock", "set", "2026-03-01T00:00:00+01:00"},
                       out),
            0)
      << out;
  EXPECT_EQ(json(out)->getValue<std::string>("now"), "2026-02-28T23:00:00.000Z");
  auto bad = httpRequest(d.adminUrl(), "PUT", "/admin/v1/clock", R"({"now":"gisteren"})",
                         d.adminHeaders());
  EXPECT_EQ(bad.status, 400);
}

// SPEC A1, A4, AC1, AU5; API.md `berichtctl accounts create|show`.
TEST(Daemon, BerichtctlCreatesAndShowsAccountsAndRefusesDuplicates) {
  TempDir dir;
  std::string cfg = kBaseConfig;
  cfg += "clock: {mode: manual, start: \"2026-02-17T00:30:00+01:00\"}\n";  // 23:30 UTC on the 16th
  DaemonProcess d(dir, cfg);
  ASSERT_TRUE(d.start()) << d.output();
  const std::string tokenFile = dir.path() + "/admin.token";
  auto ctl = [&](std::vector<std::string> args, std::string& out) {
    std::vector<std::string> argv = {binaryPath("berichtctl"), "--admin", d.adminUrl(),
                                     "--token-file", tokenFile};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, out);
  };
  std::string out;
  ASSERT_EQ(ctl({"accounts", "--help"}, out), 0) << out;
  EXPECT_NE(out.find("accounts create --email E --agb A"), std::string::npos) << out;

  // Without --json the answer is still the {account_id, request_token} object (API.md).
  ASSERT_EQ(ctl({"accounts", "create", "--email", "Praktijk@Example.NL", "--agb", "12345678"}, out),
            0)
      << out;
  auto created = json(out);
  const auto accountId = created->getValue<Poco::Int64>("account_id");
  const std::string requestToken = created->getValue<std::string>("request_token");
  EXPECT_GT(accountId, 0);
  EXPECT_EQ(requestToken.size(), 43u);

  ASSERT_EQ(ctl({"--json", "accounts", "show", "praktijk@EXAMPLE.nl"}, out), 0) << out;
  auto shown = json(out);
  EXPECT_EQ(shown->getValue<Poco::Int64>("account_id"), accountId);
  EXPECT_EQ(shown->getValue<std::string>("email"), "Praktijk@Example.NL");
  EXPECT_EQ(shown->getValue<std::string>("agb_code"), "12345678");
  EXPECT_EQ(shown->getValue<std::string>("state"), "migrated");
  // Default created date: today in Europe/Amsterdam by the platform clock (UTC is still the 16th).
  EXPECT_EQ(shown->getValue<std::string>("created_at"), "2026-02-17");
  EXPECT_TRUE(shown->isNull("closed_at"));
  EXPECT_EQ(out.find(requestToken), std::string::npos);
  EXPECT_EQ(out.find("hash"), std::string::npos);

  ASSERT_EQ(ctl({"accounts", "show", "12345678"}, out), 0) << out;
  EXPECT_NE(out.find("migrated"), std::string::npos) << out;
  EXPECT_NE(out.find("Praktijk@Example.NL"), std::string::npos) << out;

  EXPECT_EQ(ctl({"accounts", "create", "--email", "PRAKTIJK@example.nl", "--agb", "87654321",
                 "--created", "2019-05-31"},
                out),
            1);
  EXPECT_NE(out.find("ACCOUNT_EXISTS_MIGRATED"), std::string::npos) << out;  // A3
  EXPECT_EQ(ctl({"accounts", "create", "--email", "ander@example.nl", "--agb", "1234567"}, out), 1);
  EXPECT_NE(out.find("AGB_CODE_INVALID"), std::string::npos) << out;
  EXPECT_EQ(ctl({"accounts", "show", "niemand@example.nl"}, out), 1);
  EXPECT_NE(out.find("NOT_FOUND"), std::string::npos) << out;
  EXPECT_EQ(ctl({"accounts", "create", "--email", "x@example.nl"}, out), 2);

  auto dup = httpRequest(d.adminUrl(), "POST", "/admin/v1/accounts",
                         R"({"email":"ANDER@example.nl","agb_code":"12345678"})", d.adminHeaders());
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(json(dup.body)->getObject("error")->getValue<std::string>("help"),
            "/kennisbank/ACCOUNT_EXISTS_MIGRATED");
  auto unauth = httpRequest(d.adminUrl(), "GET", "/admin/v1/accounts/12345678");
  EXPECT_EQ(unauth.status, 401);
  // AU5: the daemon's log never holds the request token or the e-mail address.
  EXPECT_EQ(d.output().find(requestToken), std::string::npos);
  EXPECT_EQ(d.output().find("Praktijk@Example.NL"), std::string::npos);
}

TEST(Daemon, TheSystemClockCannotBeSet) {
  TempDir dir;
  DaemonProcess d(dir, kBaseConfig);
  ASSERT_TRUE(d.start()) << d.output();
  auto r = httpRequest(d.adminUrl(), "PUT", "/admin/v1/clock", R"({"now":"2026-03-01T00:00:00Z"})",
                       d.adminHeaders());
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(json(r.body)->getObject("error")->getValue<std::string>("code"), "CLOCK_NOT_MANUAL");
}

TEST(Daemon, RunsOnPostgreSQL) {
  const char* pg = std::getenv("BERICHTD_TEST_PG_URL");
  if (pg == nullptr) {
    if (std::getenv("BERICHTD_REQUIRE_PG") != nullptr) FAIL() << "BERICHTD_TEST_PG_URL is not set";
    GTEST_SKIP() << "BERICHTD_TEST_PG_URL is not set";
  }
  TempDir dir;
  DaemonProcess d(dir, kBaseConfig);
  ASSERT_TRUE(d.start({"--set", std::string("storage.url=") + pg})) << d.output();
  auto st = httpRequest(d.adminUrl(), "GET", "/admin/v1/status", "", d.adminHeaders());
  ASSERT_EQ(st.status, 200);
  EXPECT_EQ(json(st.body)->getObject("storage")->getValue<std::string>("backend"), "postgresql");
  EXPECT_EQ(httpRequest(d.url(), "GET", "/readyz").status, 200);
}

TEST(SystemdUnit, VerifiesCleanly) {
  std::string out;
  if (runCommand({"/usr/bin/systemd-analyze", "--version"}, out) != 0) {
    GTEST_SKIP() << "systemd-analyze is not installed";
  }
  // verify checks that ExecStart exists: point it at the built binary.
  TempDir dir;
  std::ifstream in(std::string(BERICHTD_SOURCE_DIR) + "/systemd/berichtd.service");
  std::string unit((std::istreambuf_iterator<char>(in)), {});
  ASSERT_NE(unit.find("Type=notify"), std::string::npos);
  ASSERT_NE(unit.find("WatchdogSec="), std::string::npos);
  ASSERT_NE(unit.find("ExecReload=/bin/kill -HUP $MAINPID"), std::string::npos);
  for (size_t p; (p = unit.find("/usr/bin/berichtd")) != std::string::npos;) {
    unit.replace(p, 17, binaryPath("berichtd"));
  }
  const std::string path = dir.write("berichtd.service", unit);
  int rc = runCommand({"/usr/bin/systemd-analyze", "verify", path}, out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "") << "systemd-analyze verify must print nothing";
}

}  // namespace
}  // namespace berichtd::testing
