// PluginInstance: one created plugin object plus the host function table it was given.
//
// handle() calls into the plugin and defends the daemon against a misbehaving one: an
// exception, no reply, a second reply, an error without a valid code or an oversized reply all
// fail that one request with PLUGIN_ERROR and are logged; nothing else is affected.
//
// Ownership: holds a shared_ptr to its PluginLibrary, declared first so the library is
// released last. handle() is thread-safe as far as the daemon is concerned; the plugin
// guards its own state (SDK contract).
#pragma once

#include "config/config.hpp"
#include "core/clock.hpp"
#include "plugin/plugin_library.hpp"

#include <berichtd/abi.h>
#include <berichtd/message.hpp>
#include <berichtd/status.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace Poco {
class Logger;
}
namespace berichtd::storage {
class Database;
}

namespace berichtd::plugin {

// What the daemon (or a plugin host) offers a plugin through the host API.
struct HostServices {
  const Clock* clock = nullptr;  // required
  std::function<Status(const Message&)> publish;
  std::function<Result<Message>(const Message&, std::chrono::milliseconds)> call;
  std::size_t maxReplyBytes = 4 * 1024 * 1024;
  storage::Database* database = nullptr;  // the plugins' storage (SDK ABI 1.1); not owned
};

class PluginInstance {
 public:
  // Creates the plugin from its configuration entry (PLUGIN_CREATE_FAILED with the plugin's
  // own reason on failure).
  static Result<std::unique_ptr<PluginInstance>> create(std::shared_ptr<PluginLibrary> library,
                                                        const config::PluginEntry& entry,
                                                        HostServices services);
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  Result<Message> handle(const Message& request);

  const std::string& instanceName() const { return name_; }
  // The bus service this instance serves: the entry's `service`, else the plugin's own.
  const std::string& service() const { return service_; }
  const PluginLibrary& library() const { return *library_; }

 private:
  PluginInstance(std::shared_ptr<PluginLibrary> library, const config::PluginEntry& entry,
                 HostServices services);
  static void hostLog(void* host, int32_t level, berichtd_bytes message);
  static int64_t hostNow(void* host);
  static int32_t hostPublish(void* host, const berichtd_envelope* event);
  static void hostCall(void* host, const berichtd_envelope* request, int32_t timeoutMs,
                       berichtd_reply_fn fn, void* fnCtx);
  static int32_t hostSecret(void* host, berichtd_bytes name, berichtd_bytes_fn fn, void* fnCtx);
  static void hostSqlBatch(void* host, const berichtd_sql_statement* statements, size_t count,
                           const berichtd_sql_sink* sink);
  static void hostSqlMigrate(void* host, const berichtd_bytes* steps, size_t count,
                             void (*fn)(void*, const berichtd_status*), void* fnCtx);

  std::shared_ptr<PluginLibrary> library_;  // first: destroyed last
  std::string name_;
  std::string service_;
  HostServices services_;
  std::map<std::string, Secret> secrets_;
  Poco::Logger& log_;
  berichtd_host_api api_{};
  berichtd_plugin* plugin_ = nullptr;
};

// Error codes are UPPER_SNAKE_CASE ASCII; anything else from a plugin is garbage.
bool isValidErrorCode(const std::string& code);

}  // namespace berichtd::plugin
