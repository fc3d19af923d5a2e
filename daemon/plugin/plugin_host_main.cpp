// berichtd-plugin-host: runs one plugin .so in its own process and connects its workers to
// the daemon's broker over ipc:// or tcp://. The daemon's HostSupervisor starts it; it can
// also be started by hand (or on another machine) for the same effect.
//
//   berichtd-plugin-host --config FILE --plugin NAME --endpoint ENDPOINT [--set KEY=VALUE]...
//
// Exits 0 on SIGTERM/SIGINT, 2 on bad arguments or configuration, 1 when the plugin cannot
// be loaded or created. Dies with the daemon that started it (PR_SET_PDEATHSIG).
#include "bus/client.hpp"
#include "bus/worker.hpp"
#include "config/config.hpp"
#include "core/logging.hpp"
#include "plugin/plugin_instance.hpp"
#include "plugin/plugin_library.hpp"
#include "plugin/plugin_manager.hpp"
#include "plugin/request_clock.hpp"
#include "storage/database.hpp"

#include <Poco/Logger.h>

#include <csignal>
#include <iostream>
#include <sys/prctl.h>
#include <unistd.h>
#include <zmq.hpp>

namespace {

int usage() {
  std::cerr << "usage: berichtd-plugin-host --config FILE --plugin NAME --endpoint ENDPOINT "
               "[--set KEY=VALUE]...\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace berichtd;
  std::string configPath, pluginName, endpoint;
  std::vector<std::string> overrides;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
    if (a == "--config") configPath = next();
    else if (a == "--plugin") pluginName = next();
    else if (a == "--endpoint") endpoint = next();
    else if (a == "--set") overrides.push_back(next());
    else return usage();
  }
  if (configPath.empty() || pluginName.empty() || endpoint.empty()) return usage();

  // The host must not outlive the daemon that started it.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto loaded = config::loadConfigFile(configPath, overrides);
  if (!loaded.config) {
    for (const auto& e : loaded.errors) std::cerr << e.toString() << "\n";
    return 2;
  }
  const config::Config& cfg = *loaded.config;
  setupLogging(cfg.log.level);
  auto& log = logger("plugin-host");
  const config::PluginEntry* entry = nullptr;
  for (const auto& e : cfg.plugins.entries) {
    if (e.name == pluginName) entry = &e;
  }
  if (entry == nullptr) {
    std::cerr << configPath << ": no plugin '" << pluginName << "' under plugins:\n";
    return 2;
  }

  auto lib = plugin::PluginLibrary::load(plugin::pluginFilePath(cfg.plugins.dir, entry->name));
  if (!lib) {
    log.error(lib.status().toString());
    return 1;
  }
  // The plugin's storage (SDK ABI 1.1) is the daemon's database, on this process's own pool;
  // the daemon has applied its own migrations, the plugin applies its steps itself.
  auto database = storage::Database::open(cfg.storage);
  if (!database) {
    log.error(database.status().toString());
    return 1;
  }
  zmq::context_t context(1);
  bus::BusClient client(context, endpoint, cfg.bus.maxMessageBytes);
  plugin::RequestClock clock;
  plugin::HostServices services;
  services.clock = &clock;
  services.maxReplyBytes = cfg.bus.maxMessageBytes;
  services.database = database->get();
  services.publish = [&client](const Message& m) { return client.publish(m); };
  services.call = [&client, &clock](const Message& m, std::chrono::milliseconds t) {
    Message stamped = m;
    plugin::stampNow(stamped, clock);
    return client.call(stamped, t);
  };
  auto instance = plugin::PluginInstance::create(*lib, *entry, services);
  if (!instance) {
    log.error(instance.status().toString());
    return 1;
  }
  bus::WorkerOptions wopts;
  wopts.heartbeat = std::chrono::milliseconds(cfg.bus.heartbeatMs);
  wopts.liveness = cfg.bus.liveness;
  wopts.maxMessageBytes = cfg.bus.maxMessageBytes;
  auto workers = plugin::startWorkers(context, endpoint, **instance, entry->workers, wopts, true);
  log.information("plugin '%s' serving '%s' on %s (pid %d)", entry->name, (*instance)->service(),
                  endpoint, static_cast<int>(::getpid()));

  int sig = 0;
  sigwait(&signals, &sig);
  log.information("stopping on signal %d", sig);
  for (auto& w : workers) w->stop();
  workers.clear();
  instance->reset();
  database->reset();
  return 0;
}
