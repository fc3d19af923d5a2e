// PluginManager: loads every plugin named under `plugins:` and puts it on the bus.
//
// isolation: thread  — the plugin is created in the daemon and served by `workers` bus worker
//                      threads connected over inproc://.
// isolation: process — the daemon only reads the library's metadata (so a wrong ABI or a
//                      missing file still stops the start-up with a clear error) and a
//                      HostSupervisor runs the plugin in a berichtd-plugin-host process that
//                      connects to the broker's ipc:// (or tcp://) endpoint.
// Either way the broker sees workers for a service and nothing else.
//
// Ownership: libraries outlive instances, instances outlive their workers (stop() tears down in
// that order). start()/stop() from one thread; status() from any thread.
#pragma once

#include "bus/worker.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "plugin/host_supervisor.hpp"
#include "plugin/plugin_instance.hpp"
#include "plugin/plugin_library.hpp"

#include <berichtd/status.hpp>

#include <memory>
#include <string>
#include <vector>

namespace zmq {
class context_t;
}

namespace berichtd::plugin {

struct PluginStatus {
  std::string name;
  std::string version;
  std::string service;
  std::string isolation;
  std::string file;
  std::string abi;
  int workers = 0;
  int restarts = 0;
  int pid = 0;  // 0 when in-process or not running
};

struct PluginManagerOptions {
  std::string inprocEndpoint;  // where in-process workers connect
  std::string hostEndpoint;    // where plugin hosts connect
  std::string hostExecutable;  // berichtd-plugin-host
  std::string configPath;      // passed to hosts, with the overrides
  std::vector<std::string> configOverrides;
  bus::WorkerOptions workerOptions;
};

class PluginManager {
 public:
  PluginManager(zmq::context_t& context, PluginManagerOptions options, HostServices services);
  ~PluginManager();

  // Loads and starts every plugin of cfg; on the first failure stops what it started and
  // returns that error.
  Status start(const config::PluginsConfig& cfg);
  void stop();
  std::vector<PluginStatus> status() const;
  std::vector<std::string> services() const;

 private:
  struct Running;
  Status startOne(const config::PluginsConfig& cfg, const config::PluginEntry& entry);

  zmq::context_t& context_;
  PluginManagerOptions options_;
  HostServices services_;
  std::vector<std::unique_ptr<Running>> running_;
};

// Runs a plugin instance behind `count` bus workers (used by the daemon and the plugin host).
std::vector<std::unique_ptr<bus::Worker>> startWorkers(zmq::context_t& context, const std::string& endpoint,
                                                       PluginInstance& instance, int count,
                                                       const bus::WorkerOptions& options,
                                                       bool requestClockScope);

}  // namespace berichtd::plugin
