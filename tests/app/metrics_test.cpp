// GET /metrics of the real daemon (with the echo plugin): the series that requests leave
// behind, the counts read from the database, label hygiene (route patterns, never raw paths or
// tokens), and `promtool check metrics` accepting the body — and rejecting a broken one; and a
// scrape that answers at once while the plugin's only worker is busy, showing the queue.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "daemon_process.hpp"
#include "storage/database.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::testing {
namespace {

const char* kConfig = R"(
http: {listen: "127.0.0.1:0"}
admin: {listen: "127.0.0.1:0", token: {file: admin.token}}
storage: {url: "sqlite://{{DIR}}/berichtd.db"}
bus: {endpoint: "ipc://{{DIR}}/bus.sock", heartbeat_ms: 100, liveness: 3, request_timeout_ms: 3000}
plugins:
  dir: "{{PLUGIN_DIR}}"
  echo: {}
)";

// series text ("name{labels}") -> value, from the sample lines of an exposition.
std::map<std::string, double> parseSamples(const std::string& body) {
  std::map<std::string, double> out;
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

double valueOf(const std::map<std::string, double>& samples, const std::string& series) {
  auto it = samples.find(series);
  return it == samples.end() ? -1 : it->second;
}

// Exit status of `promtool check metrics` with text on its standard input.
int promtoolCheck(const TempDir& dir, const std::string& text, std::string& output) {
  const std::string file = dir.write("scrape.txt", text);
  return runCommand({"/bin/sh", "-c", "promtool check metrics < '" + file + "'"}, output);
}

// Rows the scrape must count: an account with three inbox copies (and a sent copy that must
// not count), outbox jobs and billing charges.
void seed(const std::string& dbPath) {
  config::StorageConfig cfg;
  cfg.url = "sqlite://" + dbPath;
  auto db = storage::Database::open(cfg);
  ASSERT_TRUE(db) << db.status().toString();
  const storage::Database& d = **db;
  Status s = (*db)->transact([&d](Poco::Data::Session& tx) {
    const char* t = "2026-01-01T00:00:00Z";
    storage::runSql(d, tx,
                    "INSERT INTO accounts (email, email_key, agb_code, state, created_at, "
                    "inserted_at) VALUES ('m@example.nl', 'm@example.nl', '01000001', 'active', "
                    "'2026-01-01', ?)",
                    {t});
    for (int i = 0; i < 3; ++i) {
      storage::runSql(d, tx,
                      "INSERT INTO messages (sender_id, sender_agb, type, created_at) "
                      "VALUES (1, '01000001', 'bericht', ?)",
                      {t});
    }
    const char* copy =
        "INSERT INTO message_copies (message_id, account_id, box, agb_code, sealed_subject, "
        "sealed_body, state) VALUES (?, 1, ?, '01000001', 's', 'b', ?)";
    storage::runSql(d, tx, copy, {1, "inbox", "delivered"});
    storage::runSql(d, tx, copy, {2, "inbox", "dead"});
    storage::runSql(d, tx, copy, {3, "inbox", "pending"});
    storage::runSql(d, tx, copy, {1, "sent", "delivered"});
    const char* job =
        "INSERT INTO outbox (service, action, idempotency_key, state, next_attempt_at, "
        "created_at) VALUES (?, 'a', ?, ?, ?, ?)";
    storage::runSql(d, tx, job, {"mail", "k1", "done", t, t});
    storage::runSql(d, tx, job, {"mail", "k2", "done", t, t});
    storage::runSql(d, tx, job, {"mail", "k3", "dead", t, t});
    storage::runSql(d, tx, job, {"delivery", "k4", "pending", t, t});
    const char* charge =
        "INSERT INTO billing_charges (account_id, kind, attempt, idempotency_key, amount_cents, "
        "status, created_at, updated_at) VALUES (1, ?, 1, ?, 500, ?, ?, ?)";
    storage::runSql(d, tx, charge, {"collection", "c1", "paid", t, t});
    storage::runSql(d, tx, charge, {"collection", "c2", "paid", t, t});
    storage::runSql(d, tx, charge, {"collection", "c3", "failed", t, t});
  });
  ASSERT_TRUE(s.isOk()) << s.toString();
}

TEST(DaemonMetrics, CountsRequestsBusCallsAndStoredRowsAndPassesPromtool) {
  TempDir dir;
  DaemonProcess d(dir, kConfig);
  ASSERT_TRUE(d.start()) << d.output();
  ASSERT_NO_FATAL_FAILURE(seed(dir.path() + "/berichtd.db"));

  // Before: the start-up may already have made requests, so the checks below use differences.
  auto first = httpRequest(d.url(), "GET", "/metrics");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.contentType, "text/plain; version=0.0.4; charset=utf-8");
  const auto before = parseSamples(first.body);
  auto count = [](const std::map<std::string, double>& m, const std::string& series) {
    const double v = valueOf(m, series);
    return v < 0 ? 0 : v;
  };

  const std::string healthz =
      R"(berichtd_http_requests_total{listener="public",route="/healthz",method="GET",status="200"})";
  const std::string notFound =
      R"(berichtd_http_requests_total{listener="public",route="unmatched",method="GET",status="404"})";
  const std::string adminBus =
      R"(berichtd_http_requests_total{listener="admin",route="/admin/v1/bus/{service}/{action}",method="POST",status="200"})";
  const std::string busOk = R"(berichtd_bus_requests_total{service="echo",outcome="ok"})";
  const std::string busMissing =
      R"(berichtd_bus_requests_total{service="other",outcome="SERVICE_UNAVAILABLE"})";
  const std::string busCount = R"(berichtd_bus_request_duration_seconds_count{service="echo"})";
  const std::string busInf =
      R"(berichtd_bus_request_duration_seconds_bucket{service="echo",le="+Inf"})";

  ASSERT_EQ(httpRequest(d.url(), "GET", "/healthz").status, 200);
  ASSERT_EQ(httpRequest(d.url(), "GET", "/no/such/secret-id-77").status, 404);
  auto echo =
      httpRequest(d.adminUrl(), "POST", "/admin/v1/bus/echo/echo", "hallo", d.adminHeaders());
  ASSERT_EQ(echo.status, 200) << echo.body;
  auto missing = httpRequest(d.adminUrl(), "POST", "/admin/v1/bus/nergens-service/echo", "x",
                             d.adminHeaders());
  ASSERT_EQ(missing.status, 503) << missing.body;
  ASSERT_NE(missing.body.find("SERVICE_UNAVAILABLE"), std::string::npos) << missing.body;

  // An answer is recorded just after it is sent: wait until the last one shows.
  std::string body;
  std::map<std::string, double> after;
  ASSERT_TRUE(waitUntil(
      [&] {
        body = httpRequest(d.url(), "GET", "/metrics").body;
        after = parseSamples(body);
        return count(after, busMissing) - count(before, busMissing) == 1 &&
               count(after, adminBus) - count(before, adminBus) == 1;
      },
      std::chrono::seconds(5)))
      << body;

  // (a) the series and values the requests above left.
  EXPECT_EQ(count(after, healthz) - count(before, healthz), 1) << body;
  EXPECT_EQ(count(after, notFound) - count(before, notFound), 1) << body;
  EXPECT_EQ(count(after, busOk) - count(before, busOk), 1) << body;
  EXPECT_EQ(count(after, busCount) - count(before, busCount), 1) << body;
  EXPECT_EQ(valueOf(after, busInf), valueOf(after, busCount)) << body;
  EXPECT_GE(
      valueOf(
          after,
          R"(berichtd_http_request_duration_seconds_count{listener="public",route="/metrics"})"),
      1)
      << body;
  EXPECT_GE(valueOf(after, R"(berichtd_bus_live_workers{service="echo"})"), 1) << body;
  EXPECT_EQ(valueOf(after, R"(berichtd_bus_queue_depth{service="echo"})"), 0) << body;
  EXPECT_EQ(valueOf(after, R"(berichtd_plugin_restarts_total{plugin="echo"})"), 0) << body;
  EXPECT_EQ(valueOf(after, "berichtd_storage_scrape_ok"), 1) << body;
  EXPECT_NE(body.find("berichtd_build_info{version=\""), std::string::npos) << body;
  // From the seeded rows.
  EXPECT_EQ(valueOf(after, R"(berichtd_messages{state="accepted"})"), 3) << body;
  EXPECT_EQ(valueOf(after, R"(berichtd_messages{state="delivered"})"), 1) << body;
  EXPECT_EQ(valueOf(after, R"(berichtd_messages{state="dead"})"), 1) << body;
  EXPECT_EQ(valueOf(after, R"(berichtd_messages{state="held"})"), 0) << body;
  EXPECT_EQ(valueOf(after, R"(berichtd_outbox_jobs{service="mail",state="done"})"), 2) << body;
  EXPECT_EQ(valueOf(after, R"(berichtd_outbox_jobs{service="mail",state="dead"})"), 1) << body;
  EXPECT_EQ(valueOf(after, R"(berichtd_outbox_jobs{service="delivery",state="pending"})"), 1)
      << body;
  EXPECT_EQ(valueOf(after, "berichtd_mails_sent_total"), 2) << body;
  EXPECT_EQ(valueOf(after, R"(berichtd_payments{kind="collection",status="paid"})"), 2) << body;
  EXPECT_EQ(valueOf(after, R"(berichtd_payments{kind="collection",status="failed"})"), 1) << body;
  // Never a raw path, an unknown service's name, an e-mail address or the admin token.
  EXPECT_EQ(body.find("secret-id-77"), std::string::npos);
  EXPECT_EQ(body.find("nergens-service"), std::string::npos);
  EXPECT_EQ(body.find("m@example.nl"), std::string::npos);
  EXPECT_EQ(body.find(d.token()), std::string::npos);

  // (b) promtool accepts the whole body.
  std::string output;
  EXPECT_EQ(promtoolCheck(dir, body, output), 0) << output << "\n" << body;
  // (c) ... and rejects a broken one, so the check above can fail: a sample line without a
  // value after the same body.
  std::string broken = body + "berichtd_broken{route=\"/x\"}\n";
  EXPECT_NE(promtoolCheck(dir, broken, output), 0) << output;
  // A counter whose name lacks _total is a lint error promtool reports too.
  std::string unlinted =
      "# HELP berichtd_things Things.\n# TYPE berichtd_things counter\n"
      "berichtd_things 1\n";
  EXPECT_NE(promtoolCheck(dir, unlinted, output), 0) << output;

  d.signal(SIGTERM);
  EXPECT_EQ(d.waitExit(std::chrono::seconds(15)), 0);
}

TEST(DaemonMetrics, AScrapeAnswersWhileThePluginIsBusyAndShowsTheQueue) {
  TempDir dir;
  std::string cfg = kConfig;
  cfg.replace(cfg.find("echo: {}"), 8, "echo: {workers: 1}");
  DaemonProcess d(dir, cfg);
  ASSERT_TRUE(d.start()) << d.output();
  // The one worker sleeps through the first call; the second waits in the broker's queue and
  // times out there (2.5 s + 2.5 s is over the 3 s request timeout).
  std::vector<std::thread> calls;
  std::vector<int> statuses(2, 0);
  for (int i = 0; i < 2; ++i) {
    calls.emplace_back([&, i] {
      statuses[i] =
          httpRequest(d.adminUrl(), "POST", "/admin/v1/bus/echo/sleep", "2500", d.adminHeaders())
              .status;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::string body;
  std::chrono::steady_clock::duration took{};
  const bool sawQueue = waitUntil(
      [&] {
        const auto started = std::chrono::steady_clock::now();
        auto r = httpRequest(d.url(), "GET", "/metrics");
        took = std::chrono::steady_clock::now() - started;
        body = r.body;
        auto m = parseSamples(body);
        return r.status == 200 && valueOf(m, R"(berichtd_bus_queue_depth{service="echo"})") == 1 &&
               valueOf(m, R"(berichtd_bus_in_flight{service="echo"})") == 1;
      },
      std::chrono::seconds(2));
  for (auto& t : calls) t.join();
  EXPECT_TRUE(sawQueue) << body;
  EXPECT_LT(took, std::chrono::milliseconds(1000)) << "a scrape must not wait for the plugin";

  // Each call's outcome is counted as its answer said: 200 ok, 504 TIMEOUT.
  int ok = 0;
  int timeouts = 0;
  for (int s : statuses) {
    ok += s == 200 ? 1 : 0;
    timeouts += s == 504 ? 1 : 0;
  }
  EXPECT_EQ(ok + timeouts, 2) << statuses[0] << " " << statuses[1];
  EXPECT_GE(timeouts, 1);
  std::map<std::string, double> after;
  EXPECT_TRUE(waitUntil(
      [&] {
        body = httpRequest(d.url(), "GET", "/metrics").body;
        after = parseSamples(body);
        return valueOf(after, R"(berichtd_bus_requests_total{service="echo",outcome="TIMEOUT"})") ==
                   timeouts &&
               std::max(
                   0.0,
                   valueOf(after, R"(berichtd_bus_requests_total{service="echo",outcome="ok"})")) ==
                   ok;
      },
      std::chrono::seconds(5)))
      << body;

  d.signal(SIGTERM);
  EXPECT_EQ(d.waitExit(std::chrono::seconds(15)), 0);
}

}  // namespace
}  // namespace berichtd::testing
