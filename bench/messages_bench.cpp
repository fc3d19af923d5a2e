// messages_bench: accepted messages per second end to end (HTTP -> outbox commit -> bus ->
// delivery-inbox -> committed) with SQLite, beside a raw SQLite baseline measured in the same run.
//
// Starts the real berichtd (bin/berichtd) with auth-totp, the mail-capture double and
// delivery-inbox on a temporary directory, the same set-up as
// tests/plugins/delivery-inbox/messages_flow_test.cpp (AuthDaemon and activate() from
// tests/plugins/auth-totp/auth_flow_support.hpp): two care providers are activated through the
// real auth flow, set `active` with SQL, and the sender logs in. The daemon runs with
// `log.level information` (--set on the command line; the shared test config says debug) and
// `messages.notify_by_mail: "false"`, so that one accepted message writes exactly one messages
// row, two sealed copies (sent + inbox) and one outbox row (no mail-notice job).
//
//   0. warm-up: 20 messages through the whole path; their stored row sizes are read back.
//   1. raw baseline: a consistent copy of the daemon's database (VACUUM INTO: same schema,
//      indexes, foreign keys, accounts) opened as the daemon opens it (busy_timeout 5000,
//      journal_mode WAL, synchronous NORMAL, foreign_keys ON); N transactions
//      (BEGIN IMMEDIATE ... COMMIT), each inserting what one accepted message inserts, with the
//      same statements and values of the sizes measured in 0 -> messages/s.
//   2. end to end: K client threads POST /api/v1/messages (fresh connection per request,
//      berichtd::testing::httpRequest, unique Idempotency-Key each) until N are accepted (202);
//      per-request accept latency and accepted/s (N / first send .. last 202). Then the bench
//      polls (every 5 ms, one reader connection) until N more inbox copies are `delivered`;
//      delivered/s = N / (first send .. all delivered).
//   3. ratios accepted/s / baseline/s and delivered/s / baseline/s, against the 50 % target.
// CPU time of the daemon (all threads, /proc/PID/stat) and of the baseline is reported per
// message, to tell work per message from waiting (lock, I/O, other load).
// The last output line, MESSAGES_BENCH_JSON {...}, is a summary.
//
//   messages_bench [N messages, default 4000] [K client threads, default 8] [daemon args…]
// Arguments after K go to the daemon (e.g. --set messages.dispatch_concurrency=8).
#include <Poco/Data/LOB.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Nullable.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "auth_flow_support.hpp"
#include "core/clock.hpp"
#include "latency_stats.hpp"

namespace {

using namespace berichtd::testing;  // AuthDaemon, activate, httpRequest, json, ...
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using Clock = std::chrono::steady_clock;

constexpr const char* kBody =
    "Graag beoordeling van de wond aan het linkeronderbeen, diabetes type 2.";
constexpr int kWarmup = 20;

[[noreturn]] void die(const std::string& what, const HttpAnswer* a = nullptr) {
  std::string m = what;
  if (a != nullptr) m += " (HTTP " + std::to_string(a->status) + ": " + a->body + ")";
  throw std::runtime_error(m);
}

using berichtd::bench::Stats;
using berichtd::bench::stats;

// CPU seconds (user + system) used so far by process pid, all its threads (/proc/PID/stat).
double processCpu(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {  // fields 14 and 15: utime, stime (ticks)
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// CPU seconds used so far by this process (the client threads and the polling reader).
double selfCpu() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string messageJson(int i) {
  Poco::JSON::Object o;
  Poco::JSON::Array to;
  to.add("22222222");
  o.set("to", to);
  o.set("subject", "Bericht " + std::to_string(i));
  o.set("body", kBody);
  o.set("type", "bericht");
  std::ostringstream s;
  o.stringify(s);
  return s.str();
}

// One reader connection on the daemon's database (WAL: never blocks the writer).
class Reader {
 public:
  explicit Reader(const std::string& path) : s_("SQLite", path) {
    s_ << "PRAGMA busy_timeout = 5000", now;
  }
  Poco::Int64 scalar(const std::string& q) {
    Poco::Int64 v = -1;
    s_ << q, into(v), now;
    return v;
  }
  Poco::Data::Session& session() { return s_; }

 private:
  Poco::Data::Session s_;
};

Poco::Int64 deliveredQuery(Reader& r) {
  return r.scalar(
      "SELECT COUNT(*) FROM message_copies WHERE box = 'inbox' AND state = 'delivered'");
}

// The rows of one accepted message (MessageStore::submit), as sized in the warm-up.
struct RowShape {
  Poco::Int64 senderId = 0, recipientId = 0;
  size_t subjectLen = 0, bodyLen = 0, hashLen = 0;
};

double baseline(const std::string& path, const RowShape& shape, int n) {
  Poco::Data::Session s("SQLite", path);
  // The daemon's per-connection settings (daemon/storage/database.cpp).
  int timeout = 0;
  s << "PRAGMA busy_timeout = 5000", into(timeout), now;
  s << "PRAGMA foreign_keys = ON", now;
  std::string mode;
  s << "PRAGMA journal_mode = WAL", into(mode), now;
  if (mode != "wal") die("baseline database is not in WAL mode: " + mode);
  s << "PRAGMA synchronous = NORMAL", now;

  auto filler = [](size_t len, char seed) {
    std::string t(len, 'A');
    for (size_t i = 0; i < len; ++i) t[i] = static_cast<char>('A' + (i * 7 + seed) % 26);
    return t;
  };
  const std::string subject = filler(shape.subjectLen, 1), body = filler(shape.bodyLen, 3);
  const std::string hash = filler(shape.hashLen, 5);
  const auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    s << "BEGIN IMMEDIATE", now;
    Poco::Int64 sender = shape.senderId, recipient = shape.recipientId;
    std::string senderAgb = "11111111", recipientAgb = "22222222", type = "bericht";
    std::string created = berichtd::formatIso8601(std::chrono::system_clock::now());
    Poco::Nullable<std::string> key = std::string("baseline-" + std::to_string(i));
    std::string h = hash;
    Poco::Int64 id = 0;
    s << "INSERT INTO messages (sender_id, sender_agb, type, created_at, idempotency_key, "
         "request_hash) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        use(sender), use(senderAgb), use(type), use(created), use(key), use(h), into(id), now;
    auto copy = [&](Poco::Int64 account, const std::string& box, const std::string& agb,
                    const std::string& state) {
      std::string b = box, a = agb, st = state, sub = subject, bod = body;
      Poco::Nullable<std::string> decl;
      s << "INSERT INTO message_copies (message_id, account_id, box, agb_code, sealed_subject, "
           "sealed_body, sealed_declaratie, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          use(id), use(account), use(b), use(a), use(sub), use(bod), use(decl), use(st), now;
    };
    copy(sender, "sent", senderAgb, "sent");
    copy(recipient, "inbox", recipientAgb, "pending");
    std::string service = "delivery", action = "deliver", headers = "{}", state = "pending";
    std::string jobKey = "deliver:" + std::to_string(id) + ":" + std::to_string(recipient);
    const std::string js = "{\"message_id\":" + std::to_string(id) +
                           ",\"recipient_id\":" + std::to_string(recipient) + "}";
    Poco::Data::BLOB blob(reinterpret_cast<const unsigned char*>(js.data()), js.size());
    int attempts = 0;
    std::string next = "1970-01-01T00:00:00.000Z", at = created;
    s << "INSERT INTO outbox (service, action, idempotency_key, headers, body, state, attempts, "
         "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        use(service), use(action), use(jobKey), use(headers), use(blob), use(state), use(attempts),
        use(next), use(at), now;
    s << "COMMIT", now;
  }
  return n / seconds(t0, Clock::now());
}

}  // namespace

int run(int argc, char** argv) {
  const int n = argc > 1 ? std::max(10, std::atoi(argv[1])) : 4000;
  const int k = argc > 2 ? std::clamp(std::atoi(argv[2]), 1, 64) : 8;
  Poco::Data::SQLite::Connector::registerConnector();

  AuthDaemon a(10, true, /*manualClock=*/false, false, "", {{"delivery-inbox", "{}"}},
               "messages: {master_key: {file: messages.key}, notify_by_mail: \"false\"}\n");
  a.dir.write("messages.key", "m1:" + std::string(64, 'e') + "\n");
  struct Stop {
    AuthDaemon& a;
    ~Stop() {
      if (a.daemon && a.daemon->running()) {
        a.daemon->signal(SIGTERM);
        (void)a.daemon->waitExit(std::chrono::seconds(15));
      }
    }
  } stop{a};
  std::vector<std::string> daemonArgs{"--set", "log.level=information"};
  for (int i = 3; i < argc; ++i) daemonArgs.emplace_back(argv[i]);  // e.g. --set KEY=VALUE
  if (!a.daemon->start(daemonArgs))
    die("daemon did not start:\n" + a.daemon->output());
  if (!waitUntil([&] { return a.get("/readyz").status == 200; }, std::chrono::seconds(20)))
    die("daemon not ready:\n" + a.daemon->output());
  Enrolled sender = activate(a, "huisarts@example.nl", "11111111");
  (void)activate(a, "wondverpleging@example.nl", "22222222");
  a.sql("UPDATE accounts SET state = 'active' WHERE agb_code IN ('11111111', '22222222')");
  auto li = a.post("/api/v1/login", loginBody("huisarts@example.nl", kPassword,
                                              oathtool(sender.secret, sender.lastStep + 1)));
  if (li.status != 200) die("login failed", &li);
  const std::string bearer = "Bearer " + json(li.body)->getValue<std::string>("token");
  const std::string dbPath = a.dir.path() + "/berichtd.db";
  Reader reader(dbPath);

  auto send = [&](int i, const std::string& keyPrefix) {
    return httpRequest(
        a.daemon->url(), "POST", "/api/v1/messages", messageJson(i),
        {{"Authorization", bearer}, {"Idempotency-Key", keyPrefix + std::to_string(i)}});
  };

  // 0. Warm-up through the whole path; then the sizes of what it stored.
  for (int i = 0; i < kWarmup; ++i) {
    auto r = send(i, "warmup-");
    if (r.status != 202) die("warm-up message refused", &r);
  }
  if (!waitUntil([&] { return deliveredQuery(reader) == kWarmup; }, std::chrono::seconds(30)))
    die("warm-up messages not delivered");
  if (reader.scalar("SELECT COUNT(*) FROM outbox") != kWarmup)
    die("expected exactly one outbox row per message");
  RowShape shape;
  shape.senderId = reader.scalar("SELECT id FROM accounts WHERE agb_code = '11111111'");
  shape.recipientId = reader.scalar("SELECT id FROM accounts WHERE agb_code = '22222222'");
  shape.subjectLen = static_cast<size_t>(
      reader.scalar("SELECT CAST(AVG(LENGTH(sealed_subject)) AS INTEGER) FROM message_copies"));
  shape.bodyLen = static_cast<size_t>(
      reader.scalar("SELECT CAST(AVG(LENGTH(sealed_body)) AS INTEGER) FROM message_copies"));
  shape.hashLen = static_cast<size_t>(
      reader.scalar("SELECT CAST(AVG(LENGTH(request_hash)) AS INTEGER) FROM messages"));

  // 1. Raw SQLite baseline on a consistent copy of the daemon's database.
  const std::string basePath = a.dir.path() + "/baseline.db";
  reader.session() << "VACUUM INTO '" + basePath + "'", now;
  const double baseCpu0 = selfCpu();
  const double baseRate = baseline(basePath, shape, n);
  const double baseCpuMs = 1000 * (selfCpu() - baseCpu0) / n;

  // 2. End to end.
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::string failure;
  std::vector<std::vector<double>> lat(static_cast<size_t>(k));
  std::vector<Clock::time_point> lastAccept(static_cast<size_t>(k));
  const double daemonCpu0 = processCpu(a.daemon->pid()), selfCpu0 = selfCpu();
  const auto t0 = Clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < k; ++c) {
    clients.emplace_back([&, c] {
      auto& mine = lat[static_cast<size_t>(c)];
      mine.reserve(static_cast<size_t>(n / k + 1));
      for (int i = next++; i < n && !failed; i = next++) {
        const auto s0 = Clock::now();
        auto r = send(i, "bench-");
        const auto s1 = Clock::now();
        if (r.status != 202) {
          std::lock_guard<std::mutex> l(mu);
          failure =
              "message " + std::to_string(i) + ": HTTP " + std::to_string(r.status) + " " + r.body;
          failed = true;
          return;
        }
        mine.push_back(std::chrono::duration<double, std::micro>(s1 - s0).count());
        lastAccept[static_cast<size_t>(c)] = s1;
      }
    });
  }
  for (auto& t : clients) t.join();
  if (failed) die(failure);
  const auto tAccepted = *std::max_element(lastAccept.begin(), lastAccept.end());
  const double daemonCpuAccept = processCpu(a.daemon->pid()) - daemonCpu0;
  const double selfCpuAccept = selfCpu() - selfCpu0;
  const Poco::Int64 backlogAtAccept = n + kWarmup - deliveredQuery(reader);
  Clock::time_point tDelivered;
  for (;;) {
    if (deliveredQuery(reader) >= n + kWarmup) {
      tDelivered = Clock::now();
      break;
    }
    if (seconds(tAccepted, Clock::now()) > 300) die("not all messages delivered within 300 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (reader.scalar("SELECT COUNT(*) FROM delivery_inbox_ledger") != n + kWarmup)
    die("delivery_inbox_ledger count differs from the number of messages");

  const double daemonCpuAll = processCpu(a.daemon->pid()) - daemonCpu0;
  // Failed delivery attempts (retried after their back-off): each one stalls its message.
  const Poco::Int64 retried =
      reader.scalar("SELECT COALESCE(SUM(attempts - 1), 0) FROM outbox WHERE state = 'done'");
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  const Stats acc = stats(all);
  const double acceptRate = n / seconds(t0, tAccepted);
  const double deliverRate = n / seconds(t0, tDelivered);
  const double accRatio = acceptRate / baseRate, delRatio = deliverRate / baseRate;
  const bool met = accRatio >= 0.5 && delRatio >= 0.5;

  std::printf(
      "messages_bench: N=%d messages, K=%d client threads, fresh connection each, SQLite "
      "WAL synchronous=NORMAL\n",
      n, k);
  std::printf("row sizes: sealed_subject %zu B, sealed_body %zu B, request_hash %zu B\n",
              shape.subjectLen, shape.bodyLen, shape.hashLen);
  std::printf("%-44s %10.1f msg/s\n", "raw SQLite baseline (1 tx per message)", baseRate);
  std::printf("%-44s %.3f ms per message\n", "  baseline CPU", baseCpuMs);
  std::printf("%-44s %10.1f msg/s  (%.1f %% of baseline)\n", "accepted (HTTP 202)", acceptRate,
              100 * accRatio);
  std::printf("%-44s %10.1f msg/s  (%.1f %% of baseline)\n", "delivered (inbox copy committed)",
              deliverRate, 100 * delRatio);
  std::printf("%-44s %10lld\n", "delivery backlog when the last 202 came",
              static_cast<long long>(backlogAtAccept));
  std::printf("%-44s %10lld\n", "failed delivery attempts (retried)",
              static_cast<long long>(retried));
  std::printf("%-44s mean %.1f  p50 %.1f  p99 %.1f  max %.1f\n", "accept latency (microseconds)",
              acc.mean, acc.p50, acc.p99, acc.max);
  std::printf("%-44s daemon %.2f s (%.0f %% of 2 CPUs), bench clients %.2f s\n",
              "CPU during accept phase", daemonCpuAccept,
              100 * daemonCpuAccept / (2 * seconds(t0, tAccepted)), selfCpuAccept);
  std::printf("%-44s %.2f ms per message (until all delivered)\n", "daemon CPU",
              1000 * daemonCpuAll / n);
  std::printf("50 %% target: %s\n", met ? "met" : "MISSED");
  std::printf(
      "MESSAGES_BENCH_JSON {\"n\":%d,\"k\":%d,\"baseline_per_s\":%.1f,\"accepted_per_s\":%.1f,"
      "\"delivered_per_s\":%.1f,\"accepted_ratio\":%.3f,\"delivered_ratio\":%.3f,"
      "\"accept_us\":{\"mean\":%.1f,\"p50\":%.1f,\"p99\":%.1f,\"max\":%.1f},"
      "\"backlog_at_last_accept\":%lld,\"retried_attempts\":%lld,\"daemon_cpu_ms_per_msg\":%.3f,\"target_met\":%s}\n",
      n, k, baseRate, acceptRate, deliverRate, accRatio, delRatio, acc.mean, acc.p50, acc.p99,
      acc.max, static_cast<long long>(backlogAtAccept), static_cast<long long>(retried),
      1000 * daemonCpuAll / n,
      met ? "true" : "false");
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "messages_bench: %s\n", e.what());
    return 1;
  }
}
