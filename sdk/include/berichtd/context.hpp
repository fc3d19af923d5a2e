// PluginContext: what a plugin receives from the daemon — its configuration subtree, a logger,
// the platform clock, a way to publish events and call other services, its secrets and storage.
//
// A thin, copyable wrapper around the host's C function table; every method is thread-safe
// because the host's functions are. Valid from the plugin's create() until it is destroyed.
#pragma once

#include <berichtd/abi.h>
#include <berichtd/message.hpp>
#include <berichtd/status.hpp>
#include <berichtd/storage.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace berichtd {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

// The plugin's configuration, flattened to dotted keys ("tls.mode", "recipients.0").
class PluginConfig {
 public:
  PluginConfig() = default;
  PluginConfig(std::map<std::string, std::string> values, std::string yaml)
      : values_(std::move(values)), yaml_(std::move(yaml)) {}

  std::optional<std::string> get(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  std::string getOr(const std::string& key, std::string fallback) const {
    auto v = get(key);
    return v ? *v : std::move(fallback);
  }
  // Whole-number value; fallback when absent, an error when present but not a number.
  Result<int64_t> getInt(const std::string& key, int64_t fallback) const {
    auto v = get(key);
    if (!v) return fallback;
    try {
      size_t used = 0;
      int64_t n = std::stoll(*v, &used);
      if (used == v->size()) return n;
    } catch (...) {
    }
    return Status::error("CONFIG_INVALID", "plugin setting '" + key + "' must be a whole number");
  }
  const std::map<std::string, std::string>& values() const { return values_; }
  // The subtree as YAML text, for plugins with structured configuration.
  const std::string& yaml() const { return yaml_; }

 private:
  std::map<std::string, std::string> values_;
  std::string yaml_;
};

class PluginContext {
 public:
  explicit PluginContext(const berichtd_plugin_init* init) : host_(init->host) {
    name_ = toString(init->instance_name);
    std::map<std::string, std::string> values;
    for (size_t i = 0; i < init->config_count; ++i) {
      values[toString(init->config[i].key)] = toString(init->config[i].value);
    }
    config_ = PluginConfig(std::move(values), toString(init->config_yaml));
  }

  const std::string& instanceName() const { return name_; }
  const PluginConfig& config() const { return config_; }

  void log(LogLevel level, std::string_view text) const {
    host_->log(host_->host, static_cast<int32_t>(level), toBytes(text));
  }
  void info(std::string_view text) const { log(LogLevel::kInfo, text); }
  void warning(std::string_view text) const { log(LogLevel::kWarning, text); }
  void error(std::string_view text) const { log(LogLevel::kError, text); }

  std::chrono::system_clock::time_point now() const {
    return std::chrono::system_clock::time_point(
        std::chrono::milliseconds(host_->now_unix_ms(host_->host)));
  }

  bool publish(const Message& event) const {
    EnvelopeView view(event);
    return host_->publish(host_->host, view.get()) != 0;
  }

  Result<Message> call(const Message& request, std::chrono::milliseconds timeout) const {
    struct Out {
      Status status = Status::error("INTERNAL", "no reply");
      Message reply;
    } out;
    EnvelopeView view(request);
    host_->call(
        host_->host, view.get(), static_cast<int32_t>(timeout.count()),
        [](void* ctx, const berichtd_status* st, const berichtd_envelope* rep) {
          auto* o = static_cast<Out*>(ctx);
          o->status = st->ok ? Status::ok()
                             : Status::error(toString(st->code), toString(st->message));
          if (rep != nullptr) o->reply = fromEnvelope(rep);
        },
        &out);
    if (!out.status.isOk()) return out.status;
    return out.reply;
  }

  // The daemon's database (ABI 1.1): see <berichtd/storage.hpp>.
  PluginStorage storage() const { return PluginStorage(host_); }

  std::optional<std::string> secret(std::string_view name) const {
    std::optional<std::string> out;
    host_->secret(
        host_->host, toBytes(name),
        [](void* ctx, berichtd_bytes v) { *static_cast<std::optional<std::string>*>(ctx) = toString(v); },
        &out);
    return out;
  }

 private:
  const berichtd_host_api* host_;
  std::string name_;
  PluginConfig config_;
};

}  // namespace berichtd
