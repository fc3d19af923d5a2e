// Shared end-to-end helpers for tests that need logged-in users: AuthDaemon (the real daemon
// with the auth plugin, the mail-capture double and any other plugins), activate() (accounts
// create → access link → password → authenticator confirmed with an oathtool code) and small
// HTTP/JSON helpers. Header-only, test code.
#pragma once

#include <Poco/Data/Session.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "daemon_process.hpp"
#include "storage/database.hpp"
#include "test_database.hpp"

namespace berichtd::testing {

namespace fs = std::filesystem;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

inline Poco::JSON::Object::Ptr json(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

inline std::string errorCode(const HttpAnswer& a) {
  try {
    return json(a.body)->getObject("error")->getValue<std::string>("code");
  } catch (...) {
    return "(no error: " + std::to_string(a.status) + " " + a.body + ")";
  }
}

inline std::string shell(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

inline int64_t unixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The code `oathtool --totp` gives for the secret at time step `step` (AU2: any RFC 6238 tool).
inline std::string oathtool(const std::string& secretBase32, int64_t step) {
  return shell("oathtool --totp -b " + secretBase32 + " -N @" + std::to_string(step * 30 + 1));
}

inline std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline constexpr const char* kConfig = R"(
http: {listen: "127.0.0.1:0", public_url: "https://berichten.example.nl"}
admin: {listen: "127.0.0.1:0", token: {file: admin.token}}
storage: {url: "sqlite://{{DIR}}/berichtd.db"}
bus: {endpoint: "ipc://{{DIR}}/bus.sock", heartbeat_ms: 100, liveness: 5, request_timeout_ms: 15000}
log: {level: debug}
{{CLOCK}}
plugins:
  dir: "{{DIR}}/plugins"
{{AUTH}}
  mail-capture: {capture_file: "{{DIR}}/mails.jsonl"}
)";

// skew_steps 3 lets one test use several consecutive oathtool codes (each login needs a later
// step than the last, AU3) without waiting 30 s per login; ±1 is the default and unit-tested.
inline constexpr const char* kAuthPlugin = R"(  auth-totp:
    secret_key: {file: auth.key}
    common_passwords: "{{SRC}}/conf/common-passwords.txt"
    lockout: {max_failures: {{MAX_FAILURES}}}
    totp: {skew_steps: 3})";

inline constexpr const char* kPassword = "Zorgvuldig-Wachtwoord-2026!";

// One daemon with the auth plugin (and, unless told otherwise, the mail-capture double).
class AuthDaemon {
 public:
  // extraPlugins: more in-tree plugins to load, e.g. {"delivery-inbox", "{}"} (name, YAML);
  // extraYaml: more top-level configuration (it may use {{DIR}}).
  explicit AuthDaemon(int maxFailures = 10, bool withAuth = true, bool manualClock = false,
                      bool processIsolation = false, const std::string& pgUrl = "",
                      const std::vector<std::pair<std::string, std::string>>& extraPlugins = {},
                      const std::string& extraYaml = "")
      : storageUrl(pgUrl) {
    fs::create_directories(fs::path(dir.path()) / "plugins");
    const fs::path plugins = fs::path(dir.path()) / "plugins";
    fs::create_symlink(fs::path(BERICHTD_PLUGIN_DIR) / "berichtd-auth-totp.so",
                       plugins / "berichtd-auth-totp.so");
    fs::create_symlink(fs::path(BERICHTD_FIXTURE_DIR) / "berichtd-mail-capture.so",
                       plugins / "berichtd-mail-capture.so");
    dir.write("auth.key", "# TOTP secret keys\nk1:" + std::string(64, 'a') + "\n");
    std::string cfg = kConfig;
    for (const auto& [name, yaml] : extraPlugins) {
      fs::create_symlink(fs::path(BERICHTD_PLUGIN_DIR) / ("berichtd-" + name + ".so"),
                         plugins / ("berichtd-" + name + ".so"));
      cfg += "  " + name + ": " + yaml + "\n";
    }
    cfg += extraYaml;
    for (const auto& [name, yaml] : extraPlugins) {
      if (name != "delivery-smtp") continue;  // the real mail plugin replaces the capture double
      const auto at = cfg.find("  mail-capture:");
      cfg.erase(at, cfg.find('\n', at) - at + 1);
    }
    cfg.replace(
        cfg.find("{{AUTH}}"), 8,
        withAuth ? std::string(kAuthPlugin) + (processIsolation ? "\n    isolation: process" : "")
                 : "");
    auto put = [&cfg](const std::string& key, const std::string& value) {
      for (auto at = cfg.find(key); at != std::string::npos; at = cfg.find(key))
        cfg.replace(at, key.size(), value);
    };
    if (!pgUrl.empty()) put("\"sqlite://{{DIR}}/berichtd.db\"", "\"" + pgUrl + "\"");
    put("{{SRC}}", BERICHTD_SOURCE_DIR);
    put("{{MAX_FAILURES}}", std::to_string(maxFailures));
    put("{{CLOCK}}",
        manualClock ? "clock: {mode: manual, start: \"2026-02-16T08:00:00+01:00\"}" : "");
    daemon = std::make_unique<DaemonProcess>(dir, cfg);
  }

  HttpAnswer post(const std::string& path, const Poco::JSON::Object& body,
                  const std::map<std::string, std::string>& headers = {}) {
    std::ostringstream s;
    body.stringify(s);
    return httpRequest(daemon->url(), "POST", path, s.str(), headers);
  }
  HttpAnswer get(const std::string& path, const std::map<std::string, std::string>& headers = {}) {
    return httpRequest(daemon->url(), "GET", path, "", headers);
  }

  // berichtctl accounts create (over the admin API): {account_id, request_token}.
  Poco::JSON::Object::Ptr createAccount(const std::string& email, const std::string& agb) {
    Poco::JSON::Object b;
    b.set("email", email);
    b.set("agb_code", agb);
    std::ostringstream s;
    b.stringify(s);
    auto a = httpRequest(daemon->adminUrl(), "POST", "/admin/v1/accounts", s.str(),
                         daemon->adminHeaders());
    EXPECT_EQ(a.status, 201) << a.body;
    return json(a.body);
  }

  std::vector<Poco::JSON::Object::Ptr> mails() const {
    std::vector<Poco::JSON::Object::Ptr> out;
    std::istringstream in(readFile(fs::path(dir.path()) / "mails.jsonl"));
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) out.push_back(json(line));
    }
    return out;
  }

  // Asks for an access link with the request token and reads it from the captured mail.
  std::string requestAccessToken(const std::string& requestToken) {
    const size_t before = mails().size();
    Poco::JSON::Object b;
    b.set("request_token", requestToken);
    auto a = post("/api/v1/activation/request-link", b);
    EXPECT_EQ(a.status, 202) << a.body;
    auto all = mails();
    if (all.size() != before + 1) {
      ADD_FAILURE() << "expected one new mail, got " << all.size() - before;
      return "";
    }
    auto mail = all.back();
    EXPECT_EQ(mail->getValue<std::string>("template"), "access_link");
    const std::string link = mail->getObject("variables")->getValue<std::string>("link");
    const std::string prefix = "https://berichten.example.nl/activeren/start?token=";
    EXPECT_EQ(link.rfind(prefix, 0), 0u) << link;
    return link.substr(prefix.size());
  }

  // SQL on the daemon's database, whichever backend it runs on.
  void sql(const std::string& statement) {
    auto db = open();
    Status st = db->transact([&](Poco::Data::Session& s) { s << statement, now; });
    ASSERT_TRUE(st) << st.toString();
  }
  int64_t count(const std::string& query) {
    auto db = open();
    Poco::Int64 n = -1;
    Status st = db->transact([&](Poco::Data::Session& s) { s << query, into(n), now; });
    EXPECT_TRUE(st) << st.toString();
    return n;
  }
  std::unique_ptr<storage::Database> open() {
    config::StorageConfig cfg;
    cfg.url = storageUrl.empty() ? "sqlite://" + dir.path() + "/berichtd.db" : storageUrl;
    cfg.poolMin = 1;
    cfg.poolMax = 1;
    auto db = storage::Database::open(cfg);
    if (!db) throw std::runtime_error(db.status().toString());
    return std::move(db).value();
  }

  std::string storageUrl;  // empty: SQLite in dir
  TempDir dir;
  std::unique_ptr<DaemonProcess> daemon;
};

struct Enrolled {
  std::string activationToken;  // the activation's token (the mandate step needs it)
  std::string secret;
  std::vector<std::string> recoveryCodes;
  int64_t lastStep = 0;
  std::vector<std::string> seenSecrets;  // every token, code and secret the flow saw
};

// accounts create → request link → begin → password → totp → confirm (oathtool).
inline Enrolled activate(AuthDaemon& a, const std::string& email, const std::string& agb) {
  Enrolled e;
  auto created = a.createAccount(email, agb);
  const std::string requestToken = created->getValue<std::string>("request_token");
  const std::string access = a.requestAccessToken(requestToken);
  e.seenSecrets = {requestToken, access};

  Poco::JSON::Object begin;
  begin.set("access_token", access);
  auto b = a.post("/api/v1/activation/begin", begin);
  EXPECT_EQ(b.status, 200) << b.body;
  const std::string act = json(b.body)->getValue<std::string>("activation_token");
  e.seenSecrets.push_back(act);
  e.activationToken = act;

  Poco::JSON::Object weak;
  weak.set("activation_token", act);
  weak.set("password", "kort");
  auto w = a.post("/api/v1/activation/password", weak);
  EXPECT_EQ(w.status, 400);
  EXPECT_EQ(errorCode(w), "PASSWORD_TOO_SHORT");

  Poco::JSON::Object early;
  early.set("activation_token", act);
  auto tooEarly = a.post("/api/v1/activation/totp", early);
  EXPECT_EQ(tooEarly.status, 409);
  EXPECT_EQ(errorCode(tooEarly), "ACTIVATION_STEP_MISSING");

  Poco::JSON::Object pw;
  pw.set("activation_token", act);
  pw.set("password", kPassword);
  auto p = a.post("/api/v1/activation/password", pw);
  EXPECT_EQ(p.status, 200) << p.body;

  auto t = a.post("/api/v1/activation/totp", early);
  EXPECT_EQ(t.status, 200) << t.body;
  auto enrol = json(t.body);
  e.secret = enrol->getValue<std::string>("secret");
  e.seenSecrets.push_back(e.secret);
  EXPECT_EQ(enrol->getValue<std::string>("otpauth_uri").rfind("otpauth://totp/ZilliZ:", 0), 0u);
  EXPECT_NE(enrol->getValue<std::string>("otpauth_uri").find("secret=" + e.secret),
            std::string::npos);
  // AU2: the QR code in the answer, read by a real QR reader, is the same URI.
  a.dir.write("qr.svg", enrol->getValue<std::string>("qr_svg"));
  const std::string decoded =
      shell("rsvg-convert -z 4 " + a.dir.path() + "/qr.svg | zbarimg --raw -q -");
  EXPECT_EQ(decoded, enrol->getValue<std::string>("otpauth_uri"));

  Poco::JSON::Object wrong;
  wrong.set("activation_token", act);
  const int64_t step = unixNow() / 30;
  wrong.set("code", oathtool(e.secret, step + 20));  // a real code, far outside the window
  auto bad = a.post("/api/v1/activation/totp/confirm", wrong);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(errorCode(bad), "CODE_INVALID");

  Poco::JSON::Object confirm;
  confirm.set("activation_token", act);
  confirm.set("code", oathtool(e.secret, step));
  auto c = a.post("/api/v1/activation/totp/confirm", confirm);
  EXPECT_EQ(c.status, 200) << c.body;
  auto codes = json(c.body)->getArray("recovery_codes");
  EXPECT_TRUE(codes);
  if (codes) {
    for (size_t i = 0; i < codes->size(); ++i)
      e.recoveryCodes.push_back(codes->getElement<std::string>(i));
  }
  EXPECT_EQ(e.recoveryCodes.size(), 10u);
  for (const auto& rc : e.recoveryCodes) e.seenSecrets.push_back(rc);
  e.lastStep = step;

  auto status = a.get("/api/v1/activation/status?activation_token=" + act);
  EXPECT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(json(status.body)->getValue<std::string>("step"), "mandate");
  EXPECT_EQ(json(status.body)->getValue<std::string>("account_state"), "migrated");
  return e;
}

inline Poco::JSON::Object loginBody(const std::string& email, const std::string& password,
                                    const std::string& code) {
  Poco::JSON::Object o;
  o.set("email", email);
  o.set("password", password);
  o.set("code", code);
  return o;
}

}  // namespace berichtd::testing
