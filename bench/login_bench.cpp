// login_bench: the login path end to end, excluding the deliberate scrypt cost, against a raw
// HTTP baseline measured in the same run.
//
// Starts the real berichtd (bin/berichtd) with the auth-totp plugin and the mail-capture test
// double on a temporary directory (the same set-up as tests/plugins/auth-totp/auth_flow_test.cpp),
// creates an account over the admin API, reads the access link from the captured mail and
// activates it (password, TOTP enrolment confirmed with an in-process code), sets the account
// `active` with SQL (stands in for the payment), and then replaces the stored production-cost
// scrypt hash with a cheap one (ln=10, the minimum verifyPassword accepts; r=8, p=1). The
// parameters live in the hash string, so the plugin verifies with them: the login still runs a
// (≈1 MiB) scrypt, whose in-process cost is measured separately and reported, so the login
// without any scrypt can be read off as well.
//
// Every request is one fresh HTTP/1.1 connection through the same client code
// (berichtd::testing::httpRequest), from this single thread:
//   1. raw:   GET /healthz (answered by the daemon itself: no bus, no plugin, no SQL).
//   2. me:    GET /api/v1/me with "Authorization: Bearer <token>": HTTP -> daemon -> bus -> auth
//             plugin session lookup in SQLite -> account lookup -> answer. 1 and 2 are interleaved
//             (one of each per iteration) so load changes hit both alike.
//   3. login: POST /api/v1/login (e-mail, password, TOTP code) with the cheap hash. Each login
//             needs a later TOTP step than the previous one (AU3 replay), so the plugin runs with
//             totp.skew_steps 10 and enrolment is confirmed with the code of an early step of the
//             window: about 19 logins fit in the +-10 step window (10 at least). Codes are
//             computed in-process with auth::totpCode (no oathtool process is spawned).
//   4. scrypt: auth::verifyPassword of the cheap hash in-process (the part of 3 that is scrypt).
// Ratios are mean / raw mean. The last output line, LOGIN_BENCH_JSON {...}, is a summary.
//
//   login_bench [requests per HTTP phase, default 2000]
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "auth/base32.hpp"
#include "auth/password_hash.hpp"
#include "auth/totp.hpp"
#include "daemon_process.hpp"
#include "latency_stats.hpp"

namespace {

namespace fs = std::filesystem;
using berichtd::testing::DaemonProcess;
using berichtd::testing::HttpAnswer;
using berichtd::testing::httpRequest;
using berichtd::testing::TempDir;
using Clock = std::chrono::steady_clock;

constexpr const char* kPassword = "Zorgvuldig-Wachtwoord-2026!";
constexpr const char* kEmail = "bench@example.nl";

const char* kConfig = R"(
http: {listen: "127.0.0.1:0", public_url: "https://berichten.example.nl"}
admin: {listen: "127.0.0.1:0", token: {file: admin.token}}
storage: {url: "sqlite://{{DIR}}/berichtd.db"}
bus: {endpoint: "ipc://{{DIR}}/bus.sock", heartbeat_ms: 100, liveness: 5, request_timeout_ms: 15000}
log: {level: information}
plugins:
  dir: "{{DIR}}/plugins"
  auth-totp:
    secret_key: {file: auth.key}
    common_passwords: "{{SRC}}/conf/common-passwords.txt"
    lockout: {max_failures: 10}
    totp: {skew_steps: 10}
  mail-capture: {capture_file: "{{DIR}}/mails.jsonl"}
)";

// Thrown (not exit()) so that the daemon is stopped and the temporary directory removed.
[[noreturn]] void die(const std::string& what, const HttpAnswer* a = nullptr) {
  std::string m = what;
  if (a != nullptr) m += " (HTTP " + std::to_string(a->status) + ": " + a->body + ")";
  throw std::runtime_error(m);
}

Poco::JSON::Object::Ptr json(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string stringify(const Poco::JSON::Object& o) {
  std::ostringstream s;
  o.stringify(s);
  return s.str();
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int64_t unixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

using berichtd::bench::Stats;
using berichtd::bench::stats;

double micros(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

class Bench {
 public:
  Bench() {
    const fs::path plugins = fs::path(dir_.path()) / "plugins";
    fs::create_directories(plugins);
    fs::create_symlink(fs::path(BERICHTD_PLUGIN_DIR) / "berichtd-auth-totp.so",
                       plugins / "berichtd-auth-totp.so");
    fs::create_symlink(fs::path(BERICHTD_FIXTURE_DIR) / "berichtd-mail-capture.so",
                       plugins / "berichtd-mail-capture.so");
    dir_.write("auth.key", "# TOTP secret keys\nk1:" + std::string(64, 'a') + "\n");
    std::string cfg = kConfig;
    const std::string key = "{{SRC}}";
    cfg.replace(cfg.find(key), key.size(), BERICHTD_SOURCE_DIR);
    daemon_ = std::make_unique<DaemonProcess>(dir_, cfg);
  }
  ~Bench() {
    if (daemon_ && daemon_->running()) {
      daemon_->signal(SIGTERM);
      (void)daemon_->waitExit(std::chrono::seconds(15));
    }
  }

  void start() {
    if (!daemon_->start()) die("daemon did not start:\n" + daemon_->output());
    bool ready = berichtd::testing::waitUntil([this] { return get("/readyz").status == 200; },
                                              std::chrono::seconds(20));
    if (!ready) die("daemon not ready:\n" + daemon_->output());
  }

  HttpAnswer get(const std::string& path, const std::map<std::string, std::string>& h = {}) {
    return httpRequest(daemon_->url(), "GET", path, "", h);
  }
  HttpAnswer post(const std::string& path, const std::string& body) {
    return httpRequest(daemon_->url(), "POST", path, body);
  }

  // accounts create -> mailed access link -> begin -> password -> totp -> confirm -> active.
  // Returns the last accepted TOTP step.
  int64_t activate() {
    Poco::JSON::Object create;
    create.set("email", kEmail);
    create.set("agb_code", "01234567");
    auto c = httpRequest(daemon_->adminUrl(), "POST", "/admin/v1/accounts", stringify(create),
                         daemon_->adminHeaders());
    if (c.status != 201) die("accounts create failed", &c);
    Poco::JSON::Object link;
    link.set("request_token", json(c.body)->getValue<std::string>("request_token"));
    auto l = post("/api/v1/activation/request-link", stringify(link));
    if (l.status != 202) die("request-link failed", &l);
    std::istringstream mails(readFile(fs::path(dir_.path()) / "mails.jsonl"));
    std::string last;
    for (std::string line; std::getline(mails, line);)
      if (!line.empty()) last = line;
    if (last.empty()) die("no access-link mail captured");
    const std::string url = json(last)->getObject("variables")->getValue<std::string>("link");
    const std::string prefix = "https://berichten.example.nl/activeren/start?token=";
    if (url.rfind(prefix, 0) != 0) die("unexpected access link");

    Poco::JSON::Object begin;
    begin.set("access_token", url.substr(prefix.size()));
    auto b = post("/api/v1/activation/begin", stringify(begin));
    if (b.status != 200) die("activation/begin failed", &b);
    const std::string act = json(b.body)->getValue<std::string>("activation_token");

    Poco::JSON::Object pw;
    pw.set("activation_token", act);
    pw.set("password", kPassword);
    auto p = post("/api/v1/activation/password", stringify(pw));  // one production scrypt
    if (p.status != 200) die("activation/password failed", &p);

    Poco::JSON::Object tok;
    tok.set("activation_token", act);
    auto t = post("/api/v1/activation/totp", stringify(tok));
    if (t.status != 200) die("activation/totp failed", &t);
    auto raw = berichtd::auth::base32Decode(json(t.body)->getValue<std::string>("secret"));
    if (!raw) die("enrolment secret is not Base32");
    secret_ = *raw;

    // Confirm with the code of an early step of the +-10 window (one step of margin for a step
    // boundary passing), so that the later steps of the window are left for the logins; fall back
    // to the current step.
    int64_t confirmed = 0;
    for (int64_t back : {9, 0}) {
      const int64_t step = unixNow() / 30 - back;
      Poco::JSON::Object conf;
      conf.set("activation_token", act);
      conf.set("code", berichtd::auth::totpCode(secret_, step * 30 + 1));
      auto r = post("/api/v1/activation/totp/confirm", stringify(conf));
      if (r.status == 200) {
        confirmed = step;
        break;
      }
      if (back == 0) die("activation/totp/confirm failed", &r);
    }
    sql("UPDATE accounts SET state = 'active' WHERE email_key = 'bench@example.nl'");
    return confirmed;
  }

  // Replaces the stored production-cost hash with one of the given (cheap) parameters.
  std::string cheapenHash(const berichtd::auth::ScryptParams& params) {
    auto h = berichtd::auth::hashPassword(kPassword, params);
    if (!h) die("hashPassword failed: " + h.status().code());
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session s("SQLite", dir_.path() + "/berichtd.db");
    std::string hash = *h;
    s << "UPDATE auth_credentials SET password_hash = ?", Poco::Data::Keywords::use(hash),
        Poco::Data::Keywords::now;
    return hash;
  }

  HttpAnswer login(int64_t step) {
    Poco::JSON::Object o;
    o.set("email", kEmail);
    o.set("password", kPassword);
    o.set("code", berichtd::auth::totpCode(secret_, step * 30 + 1));
    return post("/api/v1/login", stringify(o));
  }

 private:
  void sql(const std::string& statement) {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session s("SQLite", dir_.path() + "/berichtd.db");
    s << statement, Poco::Data::Keywords::now;
  }

  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string secret_;  // raw TOTP secret bytes
};

void row(const char* name, const Stats& s, double base) {
  std::printf("%-36s %6zu %10.1f %10.1f %10.1f %10.1f %8.2fx\n", name, s.n, s.mean, s.p50, s.p99,
              s.max, base > 0 ? s.mean / base : 0.0);
}

}  // namespace

int run(int argc, char** argv) {
  const int n = argc > 1 ? std::max(10, std::atoi(argv[1])) : 2000;
  const berichtd::auth::ScryptParams cheap{.logN = 10, .r = 8, .p = 1};

  Bench bench;
  bench.start();
  int64_t lastStep = bench.activate();
  const std::string cheapHash = bench.cheapenHash(cheap);

  // The first login also proves the cheap hash is accepted; it mints the session for /me.
  auto first = bench.login(++lastStep);
  if (first.status != 200) die("login with the cheap hash failed", &first);
  const std::string token = json(first.body)->getValue<std::string>("token");
  const std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + token}};
  if (bench.get("/api/v1/me", auth).status != 200) die("/api/v1/me refused the session");

  // Warm-up (connections, statement caches, page cache).
  for (int i = 0; i < 100; ++i) {
    (void)bench.get("/healthz");
    (void)bench.get("/api/v1/me", auth);
  }

  // 1 + 2, interleaved.
  std::vector<double> raw, me;
  raw.reserve(n);
  me.reserve(n);
  for (int i = 0; i < n; ++i) {
    auto t0 = Clock::now();
    auto h = bench.get("/healthz");
    auto t1 = Clock::now();
    auto m = bench.get("/api/v1/me", auth);
    auto t2 = Clock::now();
    if (h.status != 200) die("/healthz failed", &h);
    if (m.status != 200) die("/api/v1/me failed", &m);
    raw.push_back(micros(t0, t1));
    me.push_back(micros(t1, t2));
  }

  // 3: every step still inside the +-10 window that is later than the last accepted one.
  std::vector<double> logins;
  for (;;) {
    const int64_t nowStep = unixNow() / 30;
    // Steps that fell out of the back of the window meanwhile are skipped (one step of margin).
    const int64_t step = std::max(lastStep + 1, nowStep - 9);
    if (step > nowStep + 10) break;
    auto t0 = Clock::now();
    auto a = bench.login(step);
    auto t1 = Clock::now();
    if (a.status != 200) die("login failed", &a);
    lastStep = step;
    logins.push_back(micros(t0, t1));
  }

  // 4: the cheap scrypt alone, in-process (the part of 3 that is still password hashing).
  std::vector<double> kdf;
  for (int i = 0; i < 50; ++i) {
    auto t0 = Clock::now();
    bool ok = berichtd::auth::verifyPassword(kPassword, cheapHash);
    auto t1 = Clock::now();
    if (!ok) die("verifyPassword of the cheap hash failed");
    kdf.push_back(micros(t0, t1));
  }

  const Stats sRaw = stats(raw), sMe = stats(me), sLogin = stats(logins), sKdf = stats(kdf);
  const double loginNoKdf = sLogin.mean - sKdf.mean;
  std::printf(
      "login_bench: %d requests per HTTP phase, fresh connection each, cheap scrypt ln=%d r=%d "
      "p=%d\n",
      n, cheap.logN, cheap.r, cheap.p);
  std::printf("%-36s %6s %10s %10s %10s %10s %9s\n", "phase (microseconds)", "n", "mean", "p50",
              "p99", "max", "ratio");
  row("raw GET /healthz", sRaw, sRaw.mean);
  row("GET /api/v1/me (Bearer)", sMe, sRaw.mean);
  row("POST /api/v1/login (cheap hash)", sLogin, sRaw.mean);
  row("  of which verifyPassword ln=10", sKdf, sRaw.mean);
  std::printf("%-36s %6s %10.1f %10s %10s %10s %8.2fx\n", "login minus cheap scrypt", "",
              loginNoKdf, "", "", "", loginNoKdf / sRaw.mean);
  std::printf(
      "LOGIN_BENCH_JSON {\"n\":%d,\"raw_us\":{\"mean\":%.1f,\"p50\":%.1f,\"p99\":%.1f},"
      "\"me_us\":{\"mean\":%.1f,\"p50\":%.1f,\"p99\":%.1f},\"me_ratio\":%.2f,"
      "\"login_us\":{\"n\":%zu,\"mean\":%.1f,\"p50\":%.1f,\"max\":%.1f},\"login_ratio\":%.2f,"
      "\"cheap_scrypt_us\":{\"mean\":%.1f,\"p50\":%.1f},\"login_minus_scrypt_us\":%.1f,"
      "\"login_minus_scrypt_ratio\":%.2f}\n",
      n, sRaw.mean, sRaw.p50, sRaw.p99, sMe.mean, sMe.p50, sMe.p99, sMe.mean / sRaw.mean, sLogin.n,
      sLogin.mean, sLogin.p50, sLogin.max, sLogin.mean / sRaw.mean, sKdf.mean, sKdf.p50, loginNoKdf,
      loginNoKdf / sRaw.mean);
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "login_bench: %s\n", e.what());
    return 1;
  }
}
