// berichtctl via runCtl() against a test admin server with the documented shapes
// (docs/http-api.md, "Admin listener").
#include "ctl/ctl.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/clock.hpp"
#include "http/bearer_auth.hpp"
#include "http/errors.hpp"
#include "http/http_server.hpp"

namespace berichtd::ctl {
namespace {

using http::HttpRequest;
using http::HttpResponse;

constexpr const char* kToken = "admin-test-token";

constexpr const char* kStatusJson =
    R"({"version":"0.1.0","abi":"1.0","uptime_s":3723,"config_generation":1,)"
    R"("storage":{"backend":"sqlite","reachable":true,"schema_version":2},)"
    R"("clock":{"mode":"system","now":"2026-02-10T12:00:00.000Z"},)"
    R"("bus":{"requests":5,"replies":4,"busy":0,"timeouts":1,"unavailable":0,"retried":0,"malformed_dropped":0,"workers_expired":0},)"
    R"("services":[{"name":"echo","live_workers":2,"queued":0,"in_flight":1}]})";

constexpr const char* kPluginsJson =
    R"({"plugins":[{"name":"echo","version":"1.0.0","service":"echo","isolation":"thread",)"
    R"("file":"/usr/lib/berichtd/plugins/berichtd-echo.so","abi":"1.0","workers":2,"live":true,"restarts":0,"pid":null}]})";

// The admin API as the daemon implements it, with a clock whose mode the test picks.
class TestAdmin {
 public:
  explicit TestAdmin(bool manual) : manual_(manual) {
    http::Router r;
    auto guarded = [](http::HttpHandler h) {
      return http::requireBearer(Secret(kToken, "test"), std::move(h));
    };
    r.add("GET", "/admin/v1/status",
          guarded([](const HttpRequest&, HttpResponse& res) { res.body = kStatusJson; }));
    r.add("GET", "/admin/v1/plugins",
          guarded([](const HttpRequest&, HttpResponse& res) { res.body = kPluginsJson; }));
    r.add("GET", "/admin/v1/clock",
          guarded([this](const HttpRequest&, HttpResponse& res) { res.body = clockJson(); }));
    r.add("PUT", "/admin/v1/clock", guarded([this](const HttpRequest& req, HttpResponse& res) {
            if (!manual_) {
              http::setError(res, 409, "CLOCK_NOT_MANUAL",
                             "the clock can only be set with clock.mode: manual");
              return;
            }
            auto body = http::parseJsonObject(req.body);
            if (!body) {
              http::setError(res, 400, body.status());
              return;
            }
            auto t = parseIso8601((*body)->optValue<std::string>("now", ""));
            if (!t) {
              http::setError(res, 400, "BAD_REQUEST", "'now' must be an ISO 8601 time with offset");
              return;
            }
            const std::lock_guard lock(mutex_);
            now_ = formatIso8601(*t);
            res.body = clockJsonLocked();
          }));
    http::HttpServerOptions o;
    o.listen = "127.0.0.1:0";
    o.name = "admin";
    server_ = std::make_unique<http::HttpServer>(std::move(r), o);
    EXPECT_TRUE(server_->start().isOk());
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

 private:
  std::string clockJson() {
    const std::lock_guard lock(mutex_);
    return clockJsonLocked();
  }
  std::string clockJsonLocked() const {
    return std::string(R"({"mode":")") + (manual_ ? "manual" : "system") + R"(","now":")" + now_ +
           "\"}";
  }

  const bool manual_;
  std::mutex mutex_;
  std::string now_ = "2026-03-01T00:00:00.000Z";  // guarded by mutex_
  std::unique_ptr<http::HttpServer> server_;
};

struct CtlRun {
  int rc = -1;
  std::string out;
  std::string err;
};

class CtlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv(kTokenFileEnv);
    dir_ = std::filesystem::temp_directory_path() /
           ("berichtctl-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    tokenFile_ = write("admin.token", std::string(kToken) + "\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    const auto path = (dir_ / name).string();
    std::ofstream(path) << content;
    return path;
  }

  CtlRun ctl(std::vector<std::string> args) {
    CtlRun r;
    std::ostringstream out;
    std::ostringstream err;
    r.rc = runCtl(args, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
  }
  CtlRun ctlAt(const std::string& url, std::vector<std::string> args) {
    args.insert(args.begin(), {"--admin", url, "--token-file", tokenFile_});
    return ctl(std::move(args));
  }

  std::filesystem::path dir_;
  std::string tokenFile_;
};

TEST_F(CtlTest, StatusPrintsReadableLines) {
  TestAdmin admin(false);
  CtlRun r = ctlAt(admin.url(), {"status"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.err, "");
  for (const char* part :
       {"0.1.0 (plugin ABI 1.0)", "1h 2m 3s", "sqlite, reachable, schema version 2",
        "system, 2026-02-10T12:00:00.000Z", "requests 5, replies 4", "timeouts 1",
        "malformed dropped 0", "SERVICE", "LIVE WORKERS", "echo"}) {
    EXPECT_NE(r.out.find(part), std::string::npos) << part << " in\n" << r.out;
  }
}

TEST_F(CtlTest, JsonPrintsTheServersJsonAsIs) {
  TestAdmin admin(false);
  CtlRun r = ctlAt(admin.url(), {"--json", "status"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, std::string(kStatusJson) + "\n");
  // --json is accepted after the command too.
  r = ctlAt(admin.url(), {"plugins", "--json"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, std::string(kPluginsJson) + "\n");
}

TEST_F(CtlTest, PluginsPrintsATable) {
  TestAdmin admin(false);
  CtlRun r = ctlAt(admin.url(), {"plugins"});
  ASSERT_EQ(r.rc, 0) << r.err;
  std::istringstream lines(r.out);
  std::string header, row;
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_EQ(header.rfind("NAME", 0), 0u) << r.out;
  EXPECT_NE(header.find("ISOLATION"), std::string::npos);
  EXPECT_EQ(row.rfind("echo ", 0), 0u) << r.out;
  for (const char* part :
       {"1.0.0", "thread", "yes", "/usr/lib/berichtd/plugins/berichtd-echo.so", " - "}) {
    EXPECT_NE(row.find(part), std::string::npos) << part << " in " << row;
  }
}

TEST_F(CtlTest, ClockShowAndSetOnAManualClock) {
  TestAdmin admin(true);
  CtlRun r = ctlAt(admin.url(), {"clock", "show"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "mode  manual\nnow   2026-03-01T00:00:00.000Z\n");
  r = ctlAt(admin.url(), {"clock", "set", "2026-06-01T10:00:00+02:00"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "mode  manual\nnow   2026-06-01T08:00:00.000Z\n");
  r = ctlAt(admin.url(), {"--json", "clock", "show"});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "{\"mode\":\"manual\",\"now\":\"2026-06-01T08:00:00.000Z\"}\n");
}

TEST_F(CtlTest, ClockSetPrintsTheErrorCodeAndMessage) {
  TestAdmin system(false);
  CtlRun r = ctlAt(system.url(), {"clock", "set", "2026-06-01T10:00:00Z"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "berichtctl: CLOCK_NOT_MANUAL: the clock can only be set with clock.mode: manual (HTTP "
            "409)\n");

  TestAdmin manual(true);
  r = ctlAt(manual.url(), {"clock", "set", "next tuesday"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("BAD_REQUEST"), std::string::npos) << r.err;
  // With --json the error body goes to stdout as is, for scripts.
  r = ctlAt(manual.url(), {"--json", "clock", "set", "next tuesday"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.out.find(R"({"error":{"code":"BAD_REQUEST")"), std::string::npos) << r.out;
}

TEST_F(CtlTest, AWrongOrMissingTokenIsUnauthorized) {
  TestAdmin admin(false);
  const std::string wrong = write("wrong.token", "not-the-token\n");
  CtlRun r = ctl({"--admin", admin.url(), "--token-file", wrong, "status"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("UNAUTHORIZED: a valid bearer token is required (HTTP 401)"),
            std::string::npos)
      << r.err;

  r = ctl({"--admin", admin.url(), "--token-file", (dir_ / "missing.token").string(), "status"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("cannot read the token file"), std::string::npos) << r.err;

  // The environment names the token file when --token-file does not.
  ::setenv(kTokenFileEnv, tokenFile_.c_str(), 1);
  r = ctl({"--admin", admin.url(), "status"});
  ::unsetenv(kTokenFileEnv);
  EXPECT_EQ(r.rc, 0) << r.err;
}

TEST_F(CtlTest, UnknownCommandsAndOptionsAreUsageErrors) {
  CtlRun r = ctl({"frobnicate"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos);
  EXPECT_NE(r.err.find("usage: berichtctl"), std::string::npos);

  EXPECT_EQ(ctl({}).rc, 2);
  EXPECT_EQ(ctl({"--bogus", "status"}).rc, 2);
  EXPECT_EQ(ctl({"status", "extra"}).rc, 2);
  EXPECT_EQ(ctl({"clock"}).rc, 2);
  EXPECT_EQ(ctl({"clock", "set"}).rc, 2);
  EXPECT_EQ(ctl({"--admin"}).rc, 2);
  EXPECT_EQ(ctl({"--admin", "ftp://x", "status"}).rc, 2);
  // billing: each sub-command's arguments, and --date only with run.
  EXPECT_EQ(ctl({"billing"}).rc, 2);
  EXPECT_EQ(ctl({"billing", "fail", "tr_1"}).rc, 2);
  EXPECT_EQ(ctl({"billing", "sync", "--date", "2026-03-01"}).rc, 2);
  EXPECT_EQ(ctl({"status", "--date", "2026-03-01"}).rc, 2);
  EXPECT_NE(ctl({"billing", "fail"}).err.find("billing fail needs PAYMENT_ID and REASON"),
            std::string::npos);
  // retention: only `sweep`, with --date.
  EXPECT_EQ(ctl({"retention"}).rc, 2);
  EXPECT_EQ(ctl({"retention", "sweep", "now"}).rc, 2);
  EXPECT_NE(ctl({"retention", "purge"}).err.find("retention needs 'sweep'"), std::string::npos);
  // incident / maintenance: required options, COMPONENT=STATE, and their options elsewhere.
  EXPECT_EQ(ctl({"incident", "open", "--name", "x"}).rc, 2);
  EXPECT_EQ(ctl({"incident", "open", "--name", "x", "--component", "login"}).rc, 2);
  EXPECT_EQ(ctl({"incident", "update", "1"}).rc, 2);
  EXPECT_EQ(ctl({"incident", "update", "een", "--status", "identified"}).rc, 2);
  EXPECT_EQ(ctl({"maintenance", "add", "--name", "x"}).rc, 2);
  EXPECT_EQ(ctl({"maintenance", "remove", "x"}).rc, 2);
  EXPECT_EQ(ctl({"status", "--name", "x"}).rc, 2);
}

TEST_F(CtlTest, EveryCommandHasHelp) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--help"},
                                                                {"status", "--help"},
                                                                {"plugins", "--help"},
                                                                {"clock", "--help"},
                                                                {"clock", "set", "--help"},
                                                                {"billing", "--help"},
                                                                {"retention", "--help"},
                                                                {"incident", "--help"},
                                                                {"maintenance", "--help"},
                                                                {"campaign", "--help"}}) {
    CtlRun r = ctl(args);
    EXPECT_EQ(r.rc, 0) << args[0];
    EXPECT_NE(r.out.find("usage: berichtctl"), std::string::npos) << args[0];
    EXPECT_EQ(r.err, "");
  }
  EXPECT_NE(ctl({"clock", "--help"}).out.find("CLOCK_NOT_MANUAL"), std::string::npos);
  EXPECT_NE(ctl({"campaign", "--help"}).out.find("CAMPAIGN_UNKNOWN"), std::string::npos);
}

TEST_F(CtlTest, ConnectionRefusedIsAClearFailure) {
  std::string url;
  {
    TestAdmin gone(false);
    url = gone.url();
  }  // stopped: the port now refuses connections
  CtlRun r = ctlAt(url, {"status"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("cannot reach the admin listener at " + url + ": connection refused"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace berichtd::ctl
