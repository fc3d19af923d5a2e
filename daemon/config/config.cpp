#include "config/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <utility>

#include "core/clock.hpp"

namespace berichtd::config {

std::string ConfigError::toString() const {
  // Errors without a position (unreadable file) print as "FILE: message" (docs/configuration.md).
  if (line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {

// Where a node came from. order 0 is the configuration file, order i is the i-th --set
// argument; errors sort by (order, line, column) so they come out in file order.
struct Pos {
  std::string file;
  int line = 0;
  int column = 0;
  int order = 0;
};

// Our own copy of the YAML tree: yaml-cpp nodes cannot say which --set argument they came
// from, and errors must point there.
struct Value {
  enum class Kind { Null, Scalar, Sequence, Map };
  Kind kind = Kind::Null;
  std::string scalar;
  std::vector<Value> items;
  std::vector<std::pair<std::string, Value>> entries;  // in file order
  std::vector<Pos> keyPos;                             // parallel to entries
  Pos pos;

  Value* find(const std::string& key) {
    for (auto& [k, v] : entries)
      if (k == key) return &v;
    return nullptr;
  }
};

class Errors {
 public:
  void add(const Pos& p, std::string message) {
    list_.push_back({p.order, ConfigError{p.file, p.line, p.column, std::move(message)}});
  }
  void addNoPos(const std::string& file, std::string message) {
    list_.push_back({-1, ConfigError{file, 0, 0, std::move(message)}});
  }
  bool empty() const { return list_.empty(); }
  std::vector<ConfigError> sorted() {
    std::stable_sort(list_.begin(), list_.end(), [](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      if (a.second.line != b.second.line) return a.second.line < b.second.line;
      return a.second.column < b.second.column;
    });
    std::vector<ConfigError> out;
    for (auto& [order, e] : list_) out.push_back(std::move(e));
    return out;
  }

 private:
  std::vector<std::pair<int, ConfigError>> list_;
};

Pos markPos(const YAML::Mark& m, const Pos& base, const Pos& fallback) {
  if (m.is_null() || m.line < 0) return fallback;
  Pos p = base;
  // yaml-cpp marks are 0-based; an override value sits on one line after "KEY=".
  p.line = base.line + m.line;
  p.column = (m.line == 0 ? base.column : 1) + m.column;
  return p;
}

Value convert(const YAML::Node& n, const Pos& base, const Pos& fallback, Errors& errors,
              const std::string& path) {
  Value v;
  v.pos = markPos(n.Mark(), base, fallback);
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      v.kind = Value::Kind::Scalar;
      v.scalar = n.Scalar();
      break;
    case YAML::NodeType::Sequence: {
      v.kind = Value::Kind::Sequence;
      std::size_t i = 0;
      for (const auto& item : n)
        v.items.push_back(convert(item, base, v.pos, errors, path + "." + std::to_string(i++)));
      break;
    }
    case YAML::NodeType::Map:
      v.kind = Value::Kind::Map;
      for (const auto& kv : n) {
        Pos kp = markPos(kv.first.Mark(), base, v.pos);
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        std::string keyPath = path.empty() ? key : path + "." + key;
        if (!kv.first.IsScalar()) {
          errors.add(kp,
                     (path.empty() ? std::string("") : path + ": ") + "keys must be plain strings");
          continue;
        }
        if (v.find(key) != nullptr) {
          errors.add(kp, "duplicate key '" + keyPath + "'");
          continue;
        }
        v.entries.emplace_back(key, convert(kv.second, base, kp, errors, keyPath));
        v.keyPos.push_back(kp);
      }
      break;
    default:
      v.kind = Value::Kind::Null;
      break;
  }
  return v;
}

std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

std::string kindName(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Null:
      return "nothing";
    case Value::Kind::Scalar:
      return "'" + v.scalar + "'";
    case Value::Kind::Sequence:
      return "a sequence";
    case Value::Kind::Map:
      return "a map";
  }
  return "?";
}

std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string unknownKeyMessage(const std::string& section, const std::string& key,
                              const std::vector<std::string>& known) {
  std::string msg = "unknown key '" + join(section, key) + "'";
  std::string best;
  std::size_t bestD = 3;  // farther than 2 edits is a different word, not a typo
  for (const auto& k : known) {
    std::size_t d = editDistance(key, k);
    if (d < bestD && d * 3 <= std::max<std::size_t>(k.size(), 3)) {
      bestD = d;
      best = k;
    }
  }
  if (!best.empty()) msg += " (did you mean '" + join(section, best) + "'?)";
  return msg;
}

// ---- typed field parsing ------------------------------------------------------------------

struct Ctx {
  Errors& errors;
  std::string baseDir;
};

std::optional<long long> parseWhole(const std::string& s) {
  long long out = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return out;
}

bool validListen(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return false;
  std::string host = s.substr(0, colon);
  if (host.front() == '[' && host.back() != ']') return false;
  if (host.front() != '[' && host.find(':') != std::string::npos) return false;
  auto port = parseWhole(s.substr(colon + 1));
  return port && *port >= 0 && *port <= 65535 && s[colon + 1] != '-' && s[colon + 1] != '+';
}

std::optional<std::string> scalarOf(Ctx& c, const std::string& path, const Value& v,
                                    const char* expected) {
  if (v.kind == Value::Kind::Scalar) return v.scalar;
  c.errors.add(v.pos, path + ": expected " + expected + ", got " + kindName(v));
  return std::nullopt;
}

// Reads a {file: PATH} / {credential: NAME} secret. Messages name the path, never the value.
std::optional<Secret> readSecret(Ctx& c, const std::string& path, const Value& v) {
  const std::string& key = v.entries.front().first;
  const Value& arg = v.entries.front().second;
  if (arg.kind != Value::Kind::Scalar || arg.scalar.empty()) {
    c.errors.add(arg.pos, path + ": {" + key + ": ...} needs a non-empty string");
    return std::nullopt;
  }
  std::filesystem::path file;
  std::string source;
  if (key == "file") {
    file = arg.scalar;
    if (file.is_relative()) file = std::filesystem::path(c.baseDir) / file;
    source = arg.scalar;
  } else {
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (dir == nullptr || *dir == '\0') {
      c.errors.add(arg.pos, path + ": {credential: " + arg.scalar +
                                "} needs $CREDENTIALS_DIRECTORY (systemd LoadCredential=)");
      return std::nullopt;
    }
    if (arg.scalar.find('/') != std::string::npos || arg.scalar == "." || arg.scalar == "..") {
      c.errors.add(arg.pos, path + ": credential name '" + arg.scalar + "' must not contain '/'");
      return std::nullopt;
    }
    file = std::filesystem::path(dir) / arg.scalar;
    source = "credential " + arg.scalar;
  }
  std::ifstream in(file, std::ios::binary);
  std::error_code ec;
  if (!in || std::filesystem::is_directory(file, ec)) {
    c.errors.add(arg.pos, path + ": cannot read secret file '" + file.string() + "'");
    return std::nullopt;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  if (text.empty()) {
    c.errors.add(arg.pos, path + ": secret file '" + file.string() + "' is empty");
    return std::nullopt;
  }
  return Secret(std::move(text), source);
}

bool isSecretForm(const Value& v) {
  return v.kind == Value::Kind::Map && v.entries.size() == 1 &&
         (v.entries.front().first == "file" || v.entries.front().first == "credential");
}

// What a schema row accepts; the parsed result of a row is a Parsed.
enum class Type {
  String,
  Whole,
  Enum,
  Listen,
  HttpUrl,
  StorageUrl,
  Iso8601,
  SecretRef,
  KvkNumber,
  VatNumber
};

// Empty means "not set"; otherwise 8 digits (Kamer van Koophandel).
bool validKvk(const std::string& s) {
  return s.empty() || (s.size() == 8 && std::all_of(s.begin(), s.end(), [](char ch) {
                         return ch >= '0' && ch <= '9';
                       }));
}

// Empty means "not set"; otherwise a Dutch VAT identification number: NL, 9 digits, B, 2 digits.
bool validVatNumber(const std::string& s) {
  if (s.empty()) return true;
  if (s.size() != 14 || s.rfind("NL", 0) != 0 || s[11] != 'B') return false;
  for (std::size_t i : {2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u, 12u, 13u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

struct Parsed {
  std::string text;
  long long number = 0;
  std::optional<Secret> secret;
};

struct Field {
  std::string key;  // within its section
  Type type;
  long long min = 0;
  long long max = 0;
  std::vector<std::string> choices;
  std::function<void(Config&, Parsed&)> set;
  std::function<std::string(const Config&)> show;
};

std::optional<Parsed> parseField(Ctx& c, const std::string& path, const Field& f, const Value& v) {
  Parsed out;
  if (f.type == Type::SecretRef) {
    if (!isSecretForm(v)) {
      // Deliberately no "got ..." here: the value might be the secret itself.
      c.errors.add(
          v.pos, path + ": expected {file: PATH} or {credential: NAME}; secrets are never inline");
      return std::nullopt;
    }
    out.secret = readSecret(c, path, v);
    if (!out.secret) return std::nullopt;
    return out;
  }
  const char* expected = f.type == Type::Whole ? "a whole number" : "a string";
  auto text = scalarOf(c, path, v, expected);
  if (!text) return std::nullopt;
  out.text = *text;
  switch (f.type) {
    case Type::Whole: {
      auto n = parseWhole(out.text);
      if (!n) {
        c.errors.add(v.pos, path + ": expected a whole number, got '" + out.text + "'");
        return std::nullopt;
      }
      if (*n < f.min || *n > f.max) {
        c.errors.add(v.pos, path + ": " + out.text + " is out of range (" + std::to_string(f.min) +
                                "-" + std::to_string(f.max) + ")");
        return std::nullopt;
      }
      out.number = *n;
      break;
    }
    case Type::Enum:
      if (std::find(f.choices.begin(), f.choices.end(), out.text) == f.choices.end()) {
        std::string allowed;
        for (const auto& ch : f.choices) allowed += (allowed.empty() ? "" : ", ") + ch;
        c.errors.add(v.pos, path + ": '" + out.text + "' is not one of " + allowed);
        return std::nullopt;
      }
      break;
    case Type::Listen:
      if (!validListen(out.text)) {
        c.errors.add(v.pos,
                     path + ": expected host:port with a port 0-65535, got '" + out.text + "'");
        return std::nullopt;
      }
      break;
    case Type::HttpUrl:
      if (!(out.text.rfind("http://", 0) == 0 && out.text.size() > 7) &&
          !(out.text.rfind("https://", 0) == 0 && out.text.size() > 8)) {
        c.errors.add(v.pos, path + ": expected an http:// or https:// URL, got '" + out.text + "'");
        return std::nullopt;
      }
      break;
    case Type::StorageUrl:
      if (!(out.text.rfind("sqlite://", 0) == 0 && out.text.size() > 9) &&
          !(out.text.rfind("postgresql://", 0) == 0 && out.text.size() > 13)) {
        // Only the scheme is quoted: a postgresql URL may carry a password.
        auto sep = out.text.find("://");
        std::string scheme = sep == std::string::npos ? "" : out.text.substr(0, sep);
        c.errors.add(v.pos,
                     path + ": must start with sqlite:// or postgresql:// (got " +
                         (scheme.empty() ? std::string("no scheme") : "scheme '" + scheme + "'") +
                         ")");
        return std::nullopt;
      }
      break;
    case Type::KvkNumber:
      if (!validKvk(out.text)) {
        c.errors.add(v.pos, path + ": expected a KvK number of 8 digits, got '" + out.text + "'");
        return std::nullopt;
      }
      break;
    case Type::VatNumber:
      if (!validVatNumber(out.text)) {
        c.errors.add(v.pos, path + ": expected a Dutch VAT number like NL123456789B01, got '" +
                                out.text + "'");
        return std::nullopt;
      }
      break;
    case Type::Iso8601:
      if (!parseIso8601(out.text)) {
        c.errors.add(v.pos, path + ": expected an ISO 8601 time, got '" + out.text + "'");
        return std::nullopt;
      }
      break;
    default:
      break;
  }
  return out;
}

// ---- the schema -----------------------------------------------------------------------------
// Adding a key = adding a row here (and a field in config.hpp, and a line in
// conf/berichtd.yaml and docs/configuration.md).

template <class S, class F>
Field row(std::string key, Type type, S Config::*section, F S::*member, long long min = 0,
          long long max = 0, std::vector<std::string> choices = {}) {
  Field f{std::move(key), type, min, max, std::move(choices), {}, {}};
  f.set = [section, member](Config& c, Parsed& p) {
    F& target = c.*section.*member;
    if constexpr (std::is_same_v<F, std::string> || std::is_same_v<F, std::optional<std::string>>)
      target = p.text;
    else if constexpr (std::is_same_v<F, std::optional<Secret>>)
      target = std::move(p.secret);
    else
      target = static_cast<F>(p.number);
  };
  f.show = [section, member](const Config& c) -> std::string {
    const F& v = c.*section.*member;
    if constexpr (std::is_same_v<F, std::string>)
      return v;
    else if constexpr (std::is_same_v<F, std::optional<std::string>> ||
                       std::is_same_v<F, std::optional<Secret>>)
      return "";
    else
      return std::to_string(v);
  };
  return f;
}

struct Section {
  std::string name;
  std::vector<Field> fields;
};

const std::vector<Section>& sections() {
  static const std::vector<Section> kSections = [] {
    constexpr long long kGiB = 1024LL * 1024 * 1024;
    using C = Config;
    std::vector<Section> s;
    s.push_back(
        {"http",
         {row("listen", Type::Listen, &C::http, &HttpConfig::listen),
          row("public_url", Type::HttpUrl, &C::http, &HttpConfig::publicUrl),
          row("max_body_bytes", Type::Whole, &C::http, &HttpConfig::maxBodyBytes, 1, kGiB),
          row("max_threads", Type::Whole, &C::http, &HttpConfig::maxThreads, 1, 1024),
          row("max_queued", Type::Whole, &C::http, &HttpConfig::maxQueued, 0, 65536),
          row("drain_timeout_ms", Type::Whole, &C::http, &HttpConfig::drainTimeoutMs, 0, 600000),
          row("kennisbank_dir", Type::String, &C::http, &HttpConfig::kennisbankDir)}});
    s.push_back({"admin",
                 {row("listen", Type::Listen, &C::admin, &AdminConfig::listen),
                  row("token", Type::SecretRef, &C::admin, &AdminConfig::token)}});
    s.push_back({"storage",
                 {row("url", Type::StorageUrl, &C::storage, &StorageConfig::url),
                  row("pool_min", Type::Whole, &C::storage, &StorageConfig::poolMin, 1, 256),
                  row("pool_max", Type::Whole, &C::storage, &StorageConfig::poolMax, 1, 256),
                  row("busy_timeout_ms", Type::Whole, &C::storage, &StorageConfig::busyTimeoutMs, 0,
                      600000)}});
    s.push_back(
        {"clock",
         {row("mode", Type::Enum, &C::clock, &ClockConfig::mode, 0, 0, {"system", "manual"}),
          row("start", Type::Iso8601, &C::clock, &ClockConfig::start)}});
    s.push_back(
        {"bus",
         {row("endpoint", Type::String, &C::bus, &BusConfig::endpoint),
          row("heartbeat_ms", Type::Whole, &C::bus, &BusConfig::heartbeatMs, 10, 600000),
          row("liveness", Type::Whole, &C::bus, &BusConfig::liveness, 1, 100),
          row("request_timeout_ms", Type::Whole, &C::bus, &BusConfig::requestTimeoutMs, 1, 3600000),
          row("queue_limit", Type::Whole, &C::bus, &BusConfig::queueLimit, 1, 10000000),
          row("max_message_bytes", Type::Whole, &C::bus, &BusConfig::maxMessageBytes, 1024, kGiB),
          row("max_retries", Type::Whole, &C::bus, &BusConfig::maxRetries, 0, 100)}});
    s.push_back(
        {"messages",
         {row("max_body_bytes", Type::Whole, &C::messages, &MessagesConfig::maxBodyBytes, 1, kGiB),
          row("max_recipients", Type::Whole, &C::messages, &MessagesConfig::maxRecipients, 1,
              10000),
          row("master_key", Type::SecretRef, &C::messages, &MessagesConfig::masterKey),
          row("idempotency_hours", Type::Whole, &C::messages, &MessagesConfig::idempotencyHours, 1,
              24 * 365),
          row("max_attempts", Type::Whole, &C::messages, &MessagesConfig::maxAttempts, 1, 1000),
          row("retry_base_ms", Type::Whole, &C::messages, &MessagesConfig::retryBaseMs, 1, 3600000),
          row("retry_max_ms", Type::Whole, &C::messages, &MessagesConfig::retryMaxMs, 1, 86400000),
          row("dispatch_concurrency", Type::Whole, &C::messages,
              &MessagesConfig::dispatchConcurrency, 1, 64),
          row("notify_by_mail", Type::Enum, &C::messages, &MessagesConfig::notifyByMail, 0, 0,
              {"true", "false"})}});
    s.push_back({"activation",
                 {row("deadline", Type::Iso8601, &C::activation, &ActivationConfig::deadline)}});
    s.push_back({"migration",
                 {row("cutoff", Type::Iso8601, &C::migration, &MigrationConfig::cutoff),
                  row("startup", Type::Iso8601, &C::migration, &MigrationConfig::startup),
                  row("identity_freeze_from", Type::Iso8601, &C::migration,
                      &MigrationConfig::identityFreezeFrom),
                  row("startup_complete", Type::Iso8601, &C::migration,
                      &MigrationConfig::startupComplete)}});
    // billing.tariffs and billing.retry_days are lists: parseTariffs(), parseRetryDays();
    // status.components too: parseStatusComponents().
    s.push_back(
        {"billing",
         {row("supplier_name", Type::String, &C::billing, &BillingConfig::supplierName),
          row("supplier_address", Type::String, &C::billing, &BillingConfig::supplierAddress),
          row("supplier_kvk", Type::KvkNumber, &C::billing, &BillingConfig::supplierKvk),
          row("supplier_vat_number", Type::VatNumber, &C::billing,
              &BillingConfig::supplierVatNumber),
          row("invoice_font", Type::String, &C::billing, &BillingConfig::invoiceFont),
          row("provider", Type::String, &C::billing, &BillingConfig::provider),
          row("run_hour", Type::Whole, &C::billing, &BillingConfig::runHour, 0, 23),
          row("run_chunk_size", Type::Whole, &C::billing, &BillingConfig::runChunkSize, 1, 100000),
          row("scheduler_poll_ms", Type::Whole, &C::billing, &BillingConfig::schedulerPollMs, 100,
              3600000)}});
    s.push_back(
        {"status",
         {row("page_name", Type::String, &C::status, &StatusConfig::pageName),
          row("degraded_percent", Type::Whole, &C::status, &StatusConfig::degradedPercent, 1, 100),
          row("outage_percent", Type::Whole, &C::status, &StatusConfig::outagePercent, 1, 100),
          row("slow_ms", Type::Whole, &C::status, &StatusConfig::slowMs, 1, 600000),
          row("min_requests", Type::Whole, &C::status, &StatusConfig::minRequests, 1, 1000000),
          row("window_seconds", Type::Whole, &C::status, &StatusConfig::windowSeconds, 10, 3600),
          row("push_poll_ms", Type::Whole, &C::status, &StatusConfig::pushPollMs, 100, 3600000),
          row("probe_interval_ms", Type::Whole, &C::status, &StatusConfig::probeIntervalMs, 100,
              3600000),
          row("probe_timeout_ms", Type::Whole, &C::status, &StatusConfig::probeTimeoutMs, 100,
              60000)}});
    s.push_back({"campaigns",
                 {row("file", Type::String, &C::campaigns, &CampaignsConfig::file),
                  row("scheduler_poll_ms", Type::Whole, &C::campaigns,
                      &CampaignsConfig::schedulerPollMs, 100, 3600000)}});
    s.push_back(
        {"retention",
         {row("run_hour", Type::Whole, &C::retention, &RetentionConfig::runHour, 0, 23),
          row("inactivity_months", Type::Whole, &C::retention, &RetentionConfig::inactivityMonths,
              1, 120),
          row("closed_months", Type::Whole, &C::retention, &RetentionConfig::closedMonths, 1, 120),
          row("scheduler_poll_ms", Type::Whole, &C::retention, &RetentionConfig::schedulerPollMs,
              100, 3600000)}});
    s.push_back({"log",
                 {row("level", Type::Enum, &C::log, &LogConfig::level, 0, 0,
                      {"debug", "information", "warning", "error"})}});
    s.push_back({"plugins", {row("dir", Type::String, &C::plugins, &PluginsConfig::dir)}});
    return s;
  }();
  return kSections;
}

// ---- billing ------------------------------------------------------------------------------

// billing.tariffs: [{from: YYYY-MM-DD, monthly_excl_cents: N}, …], dates increasing (SPEC B1).
// Every error points at the item or value it is about; the defaults stay unless all is right.
void parseTariffs(Ctx& c, const Value& v, Config& cfg) {
  const std::string path = "billing.tariffs";
  if (v.kind != Value::Kind::Sequence || v.items.empty()) {
    c.errors.add(v.pos, path +
                            ": expected a list of {from: YYYY-MM-DD, monthly_excl_cents: N}, got " +
                            kindName(v));
    return;
  }
  std::vector<BillingConfig::Tariff> out;
  bool ok = true;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const Value& item = v.items[i];
    const std::string itemPath = path + "[" + std::to_string(i) + "]";
    if (item.kind != Value::Kind::Map) {
      c.errors.add(
          item.pos,
          itemPath + ": expected {from: YYYY-MM-DD, monthly_excl_cents: N}, got " + kindName(item));
      ok = false;
      continue;
    }
    std::optional<std::string> from;
    std::optional<long long> cents;
    const Value* fromValue = nullptr;
    for (std::size_t j = 0; j < item.entries.size(); ++j) {
      const auto& [key, child] = item.entries[j];
      if (key == "from") {
        fromValue = &child;
        auto text = scalarOf(c, itemPath + ".from", child, "a date YYYY-MM-DD");
        if (text && !parseIsoDate(*text)) {
          c.errors.add(child.pos, itemPath + ".from: '" + *text +
                                      "' is not an existing date written YYYY-MM-DD");
        } else if (text) {
          from = *text;
        }
      } else if (key == "monthly_excl_cents") {
        Field f{key, Type::Whole, 0, 1000000000, {}, {}, {}};
        if (auto p = parseField(c, itemPath + "." + key, f, child)) cents = p->number;
      } else {
        c.errors.add(item.keyPos[j],
                     unknownKeyMessage(itemPath, key, {"from", "monthly_excl_cents"}));
        ok = false;
      }
    }
    if (fromValue == nullptr) c.errors.add(item.pos, itemPath + ": 'from' is required");
    const bool hasCents = std::any_of(item.entries.begin(), item.entries.end(), [](const auto& kv) {
      return kv.first == "monthly_excl_cents";
    });
    if (!hasCents) c.errors.add(item.pos, itemPath + ": 'monthly_excl_cents' is required");
    if (!from || !cents) {
      ok = false;
      continue;
    }
    if (!out.empty() && !(out.back().from < *from)) {  // same-width ISO dates sort as text
      c.errors.add(fromValue->pos, itemPath + ".from: " + *from + " must come after " +
                                       out.back().from + " (tariffs in increasing date order)");
      ok = false;
    }
    out.push_back({*from, *cents});
  }
  if (ok) cfg.billing.tariffs = std::move(out);
}

// billing.retry_days: [N, …] (B7), each 1-60 days; an empty list means no automatic retry.
void parseRetryDays(Ctx& c, const Value& v, Config& cfg) {
  const std::string path = "billing.retry_days";
  if (v.kind != Value::Kind::Sequence) {
    c.errors.add(v.pos, path + ": expected a list of whole numbers of days, got " + kindName(v));
    return;
  }
  std::vector<int> out;
  bool ok = true;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    Field f{"retry_days", Type::Whole, 1, 60, {}, {}, {}};
    if (auto p = parseField(c, path + "[" + std::to_string(i) + "]", f, v.items[i])) {
      out.push_back(static_cast<int>(p->number));
    } else {
      ok = false;
    }
  }
  if (ok) cfg.billing.retryDays = std::move(out);
}

// ---- status -------------------------------------------------------------------------------

// An id or a bus service name: lower-case letters, digits, '-' and '_', starting with a letter.
bool validName(const std::string& s) {
  if (s.empty() || s.size() > 40 || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
  });
}

// A list of bus service names (status.components[i].services / optional_services).
std::optional<std::vector<std::string>> parseServiceList(Ctx& c, const std::string& path,
                                                         const Value& v) {
  if (v.kind == Value::Kind::Null) return std::vector<std::string>{};
  if (v.kind != Value::Kind::Sequence) {
    c.errors.add(v.pos, path + ": expected a list of bus service names, got " + kindName(v));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const std::string itemPath = path + "[" + std::to_string(i) + "]";
    auto text = scalarOf(c, itemPath, v.items[i], "a bus service name");
    if (!text) {
      ok = false;
    } else if (!validName(*text)) {
      c.errors.add(v.items[i].pos,
                   itemPath + ": '" + *text + "' is not a bus service name (a-z, 0-9, '-', '_')");
      ok = false;
    } else if (std::find(out.begin(), out.end(), *text) != out.end()) {
      c.errors.add(v.items[i].pos, itemPath + ": '" + *text + "' is listed twice");
      ok = false;
    } else {
      out.push_back(*text);
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

// status.components: [{id, name, services: [...], optional_services: [...]}, …] (SPEC S1; the
// four of S1 by default). Ids unique, a service not both needed and optional. Every error
// points at the item or value it is about; the defaults stay unless all is right.
void parseStatusComponents(Ctx& c, const Value& v, Config& cfg) {
  const std::string path = "status.components";
  const char* shape = "{id, name, services, optional_services}";
  if (v.kind != Value::Kind::Sequence || v.items.empty()) {
    c.errors.add(v.pos, path + ": expected a non-empty list of " + shape + ", got " +
                            (v.kind == Value::Kind::Sequence ? "an empty list" : kindName(v)));
    return;
  }
  std::vector<StatusConfig::Component> out;
  bool ok = true;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const Value& item = v.items[i];
    const std::string itemPath = path + "[" + std::to_string(i) + "]";
    if (item.kind != Value::Kind::Map) {
      c.errors.add(item.pos, itemPath + ": expected " + shape + ", got " + kindName(item));
      ok = false;
      continue;
    }
    StatusConfig::Component comp;
    bool itemOk = true;
    bool hasId = false;
    bool hasName = false;
    for (std::size_t j = 0; j < item.entries.size(); ++j) {
      const auto& [key, child] = item.entries[j];
      const std::string keyPath = itemPath + "." + key;
      if (key == "id") {
        hasId = true;
        auto text = scalarOf(c, keyPath, child, "a component id");
        if (!text) {
          itemOk = false;
        } else if (!validName(*text)) {
          c.errors.add(child.pos, keyPath + ": '" + *text +
                                      "' is not a component id (a-z, 0-9, '-', '_'; at most 40)");
          itemOk = false;
        } else {
          auto same =
              std::find_if(out.begin(), out.end(), [&](const auto& o) { return o.id == *text; });
          if (same != out.end()) {
            c.errors.add(child.pos, keyPath + ": '" + *text + "' is already the id of " + path +
                                        "[" + std::to_string(same - out.begin()) + "]");
            itemOk = false;
          }
          comp.id = *text;
        }
      } else if (key == "name") {
        hasName = true;
        auto text = scalarOf(c, keyPath, child, "the name shown on the page");
        if (!text || text->empty() || text->size() > 100) {
          if (text) c.errors.add(child.pos, keyPath + ": expected 1-100 characters");
          itemOk = false;
        } else {
          comp.name = *text;
        }
      } else if (key == "services" || key == "optional_services") {
        auto list = parseServiceList(c, keyPath, child);
        if (!list) {
          itemOk = false;
        } else {
          (key == "services" ? comp.services : comp.optionalServices) = std::move(*list);
        }
      } else {
        c.errors.add(
            item.keyPos[j],
            unknownKeyMessage(itemPath, key, {"id", "name", "services", "optional_services"}));
        itemOk = false;
      }
    }
    if (!hasId) c.errors.add(item.pos, itemPath + ": 'id' is required");
    if (!hasName) c.errors.add(item.pos, itemPath + ": 'name' is required");
    for (const auto& s : comp.optionalServices) {
      if (std::find(comp.services.begin(), comp.services.end(), s) != comp.services.end()) {
        c.errors.add(item.pos,
                     itemPath + ": '" + s + "' is in both services and optional_services");
        itemOk = false;
      }
    }
    if (!hasId || !hasName || !itemOk) {
      ok = false;
      continue;
    }
    out.push_back(std::move(comp));
  }
  if (ok) cfg.status.components = std::move(out);
}

// ---- plugins ------------------------------------------------------------------------------

void emitValue(YAML::Emitter& out, const Value& v, bool secretForm = false) {
  switch (v.kind) {
    case Value::Kind::Null:
      out << YAML::Null;
      break;
    case Value::Kind::Scalar:
      out << v.scalar;
      break;
    case Value::Kind::Sequence:
      out << YAML::BeginSeq;
      for (const auto& i : v.items) emitValue(out, i);
      out << YAML::EndSeq;
      break;
    case Value::Kind::Map:
      // A secret is written back as the reference the operator wrote, in flow style.
      if (secretForm || isSecretForm(v)) out << YAML::Flow;
      out << YAML::BeginMap;
      for (const auto& [k, child] : v.entries)
        out << YAML::Key << k << YAML::Value, emitValue(out, child);
      out << YAML::EndMap;
      break;
  }
}

void flatten(Ctx& c, const std::string& pluginPath, const std::string& prefix, const Value& v,
             PluginEntry& e) {
  const std::string path = pluginPath + "." + prefix;
  switch (v.kind) {
    case Value::Kind::Null:
      e.values[prefix] = "";
      break;
    case Value::Kind::Scalar:
      e.values[prefix] = v.scalar;
      break;
    case Value::Kind::Sequence:
      for (std::size_t i = 0; i < v.items.size(); ++i)
        flatten(c, pluginPath, prefix + "." + std::to_string(i), v.items[i], e);
      break;
    case Value::Kind::Map:
      if (isSecretForm(v)) {
        if (auto s = readSecret(c, path, v)) e.secrets.emplace(prefix, std::move(*s));
        break;
      }
      for (const auto& [k, child] : v.entries) flatten(c, pluginPath, prefix + "." + k, child, e);
      break;
  }
}

void parsePlugin(Ctx& c, const std::string& name, const Value& v, Config& cfg) {
  const std::string path = "plugins." + name;
  PluginEntry e;
  e.name = name;
  if (v.kind != Value::Kind::Null && v.kind != Value::Kind::Map) {
    c.errors.add(v.pos, path + ": expected a map of the plugin's settings, got " + kindName(v));
    return;
  }
  for (const auto& [k, child] : v.entries) {
    const std::string keyPath = path + "." + k;
    if (k == "isolation") {
      Field f{k, Type::Enum, 0, 0, {"thread", "process"}, {}, {}};
      if (auto p = parseField(c, keyPath, f, child)) e.isolation = p->text;
    } else if (k == "service") {
      Field f{k, Type::String, 0, 0, {}, {}, {}};
      if (auto p = parseField(c, keyPath, f, child)) e.service = p->text;
    } else if (k == "workers") {
      Field f{k, Type::Whole, 1, 64, {}, {}, {}};
      if (auto p = parseField(c, keyPath, f, child)) e.workers = static_cast<int>(p->number);
    } else {
      flatten(c, path, k, child, e);
    }
  }
  YAML::Emitter out;
  if (v.kind == Value::Kind::Null) {
    out << YAML::BeginMap << YAML::EndMap;
  } else {
    emitValue(out, v);
  }
  e.yaml = out.c_str();
  cfg.plugins.entries.push_back(std::move(e));
}

// ---- overrides ----------------------------------------------------------------------------

void applyOverride(const std::string& arg, int order, Value& root, Errors& errors) {
  Pos argPos{"--set", 1, 1, order};
  auto eq = arg.find('=');
  if (eq == std::string::npos || eq == 0) {
    // Only the key part is quoted; a value could be a secret.
    errors.add(argPos, "malformed override '" + arg.substr(0, eq) + "' (expected KEY=VALUE)");
    return;
  }
  std::string key = arg.substr(0, eq);
  std::vector<std::pair<std::string, int>> segments;  // name, 1-based column in arg
  std::size_t start = 0;
  while (true) {
    auto dot = key.find('.', start);
    std::string seg = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (seg.empty()) {
      errors.add(Pos{"--set", 1, static_cast<int>(start) + 1, order},
                 "malformed override key '" + key + "' (empty segment)");
      return;
    }
    segments.emplace_back(seg, static_cast<int>(start) + 1);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }

  Pos valuePos{"--set", 1, static_cast<int>(eq) + 2, order};
  Value parsed;
  try {
    YAML::Node n = YAML::Load(arg.substr(eq + 1));
    parsed = convert(n, valuePos, valuePos, errors, key);
  } catch (const YAML::ParserException& ex) {
    errors.add(markPos(ex.mark, valuePos, valuePos), key + ": invalid YAML value: " + ex.msg);
    return;
  } catch (const std::exception& ex) {
    errors.add(valuePos, key + ": invalid YAML value");
    return;
  }

  Value* cur = &root;
  std::string walked;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& [seg, col] = segments[i];
    Pos segPos{"--set", 1, col, order};
    if (cur->kind == Value::Kind::Null) {
      cur->kind = Value::Kind::Map;
    } else if (cur->kind != Value::Kind::Map) {
      errors.add(segPos, "cannot set '" + key + "': '" + walked + "' is not a map");
      return;
    }
    walked = join(walked, seg);
    Value* next = cur->find(seg);
    bool last = i + 1 == segments.size();
    if (next == nullptr) {
      Value fresh;
      fresh.pos = segPos;
      if (!last) fresh.kind = Value::Kind::Map;
      cur->entries.emplace_back(seg, std::move(fresh));
      cur->keyPos.push_back(segPos);
      next = &cur->entries.back().second;
    }
    if (last) {
      *next = std::move(parsed);
    }
    cur = next;
  }
}

// ---- top level ----------------------------------------------------------------------------

void validate(Ctx& c, const Value& root, Config& cfg) {
  std::vector<std::string> sectionNames;
  for (const auto& s : sections()) sectionNames.push_back(s.name);
  for (std::size_t i = 0; i < root.entries.size(); ++i) {
    const auto& [name, v] = root.entries[i];
    auto sec = std::find_if(sections().begin(), sections().end(),
                            [&](const Section& s) { return s.name == name; });
    if (sec == sections().end()) {
      c.errors.add(root.keyPos[i], unknownKeyMessage("", name, sectionNames));
      continue;
    }
    if (v.kind == Value::Kind::Null) continue;  // "http:" alone keeps the defaults
    if (v.kind != Value::Kind::Map) {
      c.errors.add(v.pos, name + ": expected a map, got " + kindName(v));
      continue;
    }
    std::vector<std::string> known;
    for (const auto& f : sec->fields) known.push_back(f.key);
    if (name == "billing") {
      known.push_back("tariffs");
      known.push_back("retry_days");
    }
    if (name == "status") {
      known.push_back("components");
      known.push_back("probe_services");
    }
    for (std::size_t j = 0; j < v.entries.size(); ++j) {
      const auto& [key, child] = v.entries[j];
      auto f = std::find_if(sec->fields.begin(), sec->fields.end(),
                            [&](const Field& fl) { return fl.key == key; });
      if (f != sec->fields.end()) {
        if (child.kind == Value::Kind::Null && f->type == Type::SecretRef) continue;
        if (auto p = parseField(c, name + "." + key, *f, child)) f->set(cfg, *p);
      } else if (name == "plugins") {
        parsePlugin(c, key, child, cfg);
      } else if (name == "billing" && key == "tariffs") {
        parseTariffs(c, child, cfg);
      } else if (name == "billing" && key == "retry_days") {
        parseRetryDays(c, child, cfg);
      } else if (name == "status" && key == "components") {
        parseStatusComponents(c, child, cfg);
      } else if (name == "status" && key == "probe_services") {
        if (auto list = parseServiceList(c, "status.probe_services", child))
          cfg.status.probeServices = std::move(*list);
      } else {
        c.errors.add(v.keyPos[j], unknownKeyMessage(name, key, known));
      }
    }
  }
}

LoadResult run(const std::string& text, const std::string& fileName,
               const std::vector<std::string>& overrides, const std::string& baseDir) {
  Errors errors;
  Pos filePos{fileName, 1, 1, 0};
  Value root;
  try {
    YAML::Node doc = YAML::Load(text);
    root = convert(doc, filePos, filePos, errors, "");
  } catch (const YAML::ParserException& ex) {
    errors.add(markPos(ex.mark, filePos, filePos), "YAML syntax error: " + ex.msg);
  } catch (const std::exception& ex) {
    errors.add(filePos, std::string("YAML error: ") + ex.what());
  }
  LoadResult result;
  if (!errors.empty()) {
    result.errors = errors.sorted();
    return result;
  }
  if (root.kind != Value::Kind::Map && root.kind != Value::Kind::Null) {
    errors.add(root.pos,
               "the top level must be a map of sections, got " +
                   std::string(root.kind == Value::Kind::Scalar ? "a scalar" : "a sequence"));
    result.errors = errors.sorted();
    return result;
  }
  for (std::size_t i = 0; i < overrides.size(); ++i)
    applyOverride(overrides[i], static_cast<int>(i) + 1, root, errors);

  Ctx c{errors, baseDir};
  Config cfg;
  cfg.path = fileName;
  validate(c, root, cfg);

  // Cross-field check, reported at storage.pool_min when both were given.
  if (cfg.storage.poolMin > cfg.storage.poolMax) {
    Pos p = filePos;
    if (Value* s = root.find("storage")) {
      if (Value* m = s->find("pool_min")) p = m->pos;
    }
    errors.add(p, "storage.pool_min: " + std::to_string(cfg.storage.poolMin) +
                      " is greater than storage.pool_max (" + std::to_string(cfg.storage.poolMax) +
                      ")");
  }
  // The migration's calendar in order (M3, A2), each complaint at the later key when given.
  {
    const MigrationConfig& m = cfg.migration;
    auto posOf = [&](const char* key, const char* otherwise) {
      if (Value* s = root.find("migration")) {
        if (Value* k = s->find(key)) return k->pos;
        if (Value* k = s->find(otherwise)) return k->pos;
      }
      return filePos;
    };
    auto before = [&](const std::string& a, const char* aKey, const std::string& b,
                      const char* bKey, bool strict) {
      auto ta = parseIso8601(a);
      auto tb = parseIso8601(b);
      if (!ta || !tb || (strict ? *ta < *tb : *ta <= *tb)) return;
      errors.add(posOf(bKey, aKey), std::string("migration.") + bKey + ": " + b + " must come " +
                                  (strict ? "after" : "no earlier than") + " migration." + aKey +
                                  " (" + a + ")");
    };
    before(m.cutoff, "cutoff", m.startup, "startup", true);
    before(m.startup, "startup", m.startupComplete, "startup_complete", false);
    before(m.identityFreezeFrom, "identity_freeze_from", m.startupComplete, "startup_complete",
           true);
  }
  if (errors.empty()) {
    result.config = std::move(cfg);
  } else {
    result.errors = errors.sorted();
  }
  return result;
}

}  // namespace

LoadResult parseConfig(const std::string& yamlText, const std::string& fileName,
                       const std::vector<std::string>& overrides, const std::string& baseDir) {
  try {
    return run(yamlText, fileName, overrides, baseDir);
  } catch (const std::exception& ex) {
    // yaml-cpp and the standard library may throw; nothing escapes the loader.
    LoadResult r;
    r.errors.push_back(ConfigError{fileName, 0, 0, std::string("internal error: ") + ex.what()});
    return r;
  }
}

LoadResult loadConfigFile(const std::string& path, const std::vector<std::string>& overrides) {
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  if (!in || std::filesystem::is_directory(path, ec)) {
    LoadResult r;
    r.errors.push_back(ConfigError{path, 0, 0, "cannot read the configuration file"});
    return r;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string base = std::filesystem::path(path).parent_path().string();
  if (base.empty()) base = ".";
  LoadResult r = parseConfig(buf.str(), path, overrides, base);
  return r;
}

std::vector<SchemaRow> schema() {
  static const char* const kTypeNames[] = {"string",
                                           "whole number",
                                           "enum",
                                           "host:port",
                                           "http(s) URL",
                                           "storage URL",
                                           "ISO 8601",
                                           "secret reference",
                                           "KvK number (8 digits)",
                                           "Dutch VAT number (NL123456789B01)"};
  Config defaults;
  std::vector<SchemaRow> rows;
  for (const auto& s : sections()) {
    for (const auto& f : s.fields) {
      std::string type = kTypeNames[static_cast<int>(f.type)];
      if (f.type == Type::Whole) type += " " + std::to_string(f.min) + "-" + std::to_string(f.max);
      if (f.type == Type::Enum) {
        type.clear();
        for (const auto& ch : f.choices) type += (type.empty() ? "" : "|") + ch;
      }
      rows.push_back({s.name + "." + f.key, type, f.show(defaults)});
    }
  }
  rows.push_back({"billing.tariffs", "list of {from: YYYY-MM-DD, monthly_excl_cents: 0-1000000000}",
                  "[{from: 2026-01-01, monthly_excl_cents: 1350}]"});
  rows.push_back({"billing.retry_days", "list of whole numbers 1-60", "[8, 8, 8]"});
  rows.push_back({"status.components",
                  "list of {id, name, services: [service], optional_services: [service]}",
                  "login (auth), berichten (delivery), betalingen (billing optional), website"});
  rows.push_back({"status.probe_services", "list of bus service names", "[billing]"});
  rows.push_back({"plugins.NAME.isolation", "thread|process", "thread"});
  rows.push_back({"plugins.NAME.service", "string", ""});
  rows.push_back({"plugins.NAME.workers", "whole number 1-64", "2"});
  return rows;
}

}  // namespace berichtd::config
