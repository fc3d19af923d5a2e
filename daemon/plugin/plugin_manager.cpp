#include "plugin/plugin_manager.hpp"

#include "core/logging.hpp"
#include "plugin/request_clock.hpp"

#include <Poco/Logger.h>

namespace berichtd::plugin {

struct PluginManager::Running {
  // Declaration order is destruction order reversed: workers go first, then the instance,
  // then the library.
  std::shared_ptr<PluginLibrary> library;
  std::unique_ptr<PluginInstance> instance;
  std::vector<std::unique_ptr<bus::Worker>> workers;
  std::unique_ptr<HostSupervisor> supervisor;
  config::PluginEntry entry;
  std::string service;
};

PluginManager::PluginManager(zmq::context_t& context, PluginManagerOptions options, HostServices services)
    : context_(context), options_(std::move(options)), services_(std::move(services)) {}

PluginManager::~PluginManager() { stop(); }

std::vector<std::unique_ptr<bus::Worker>> startWorkers(zmq::context_t& context, const std::string& endpoint,
                                                       PluginInstance& instance, int count,
                                                       const bus::WorkerOptions& options,
                                                       bool requestClockScope) {
  std::vector<std::unique_ptr<bus::Worker>> workers;
  for (int i = 0; i < count; ++i) {
    auto handler = [&instance, requestClockScope](const Message& request) -> Result<Message> {
      if (requestClockScope) {
        RequestClock::Scope scope(request);
        return instance.handle(request);
      }
      return instance.handle(request);
    };
    workers.push_back(std::make_unique<bus::Worker>(context, endpoint, instance.service(), handler, options));
    workers.back()->start();
  }
  return workers;
}

Status PluginManager::startOne(const config::PluginsConfig& cfg, const config::PluginEntry& entry) {
  auto run = std::make_unique<Running>();
  run->entry = entry;
  auto lib = PluginLibrary::load(pluginFilePath(cfg.dir, entry.name));
  if (!lib) return lib.status();
  run->library = *lib;
  run->service = entry.service.value_or(run->library->meta().service);
  auto& log = logger("plugin");
  if (entry.isolation == "process") {
    HostCommand cmd{options_.hostExecutable,
                    {"--config", options_.configPath, "--plugin", entry.name, "--endpoint",
                     options_.hostEndpoint}};
    for (const auto& o : options_.configOverrides) {
      cmd.args.push_back("--set");
      cmd.args.push_back(o);
    }
    run->supervisor = std::make_unique<HostSupervisor>(entry.name, std::move(cmd));
    run->supervisor->start();
  } else {
    auto instance = PluginInstance::create(run->library, entry, services_);
    if (!instance) return instance.status();
    run->instance = std::move(instance).value();
    run->workers = startWorkers(context_, options_.inprocEndpoint, *run->instance, entry.workers,
                                options_.workerOptions, false);
  }
  log.information("plugin '%s' %s (ABI %u.%u) serves '%s' (%s, %d workers)", entry.name,
                  run->library->meta().version, run->library->meta().abiMajor,
                  run->library->meta().abiMinor, run->service, entry.isolation, entry.workers);
  running_.push_back(std::move(run));
  return Status::ok();
}

Status PluginManager::start(const config::PluginsConfig& cfg) {
  for (const auto& entry : cfg.entries) {
    Status s = startOne(cfg, entry);
    if (!s.isOk()) {
      stop();
      return s;
    }
  }
  return Status::ok();
}

void PluginManager::stop() {
  for (auto& r : running_) {
    if (r->supervisor) r->supervisor->stop();
    for (auto& w : r->workers) w->stop();
    r->workers.clear();
    r->instance.reset();
  }
  // Libraries stay loaded until the manager itself goes (never hot-unloaded).
}

std::vector<PluginStatus> PluginManager::status() const {
  std::vector<PluginStatus> out;
  for (const auto& r : running_) {
    const auto& m = r->library->meta();
    PluginStatus s;
    s.name = r->entry.name;
    s.version = m.version;
    s.service = r->service;
    s.isolation = r->entry.isolation;
    s.file = r->library->path();
    s.abi = std::to_string(m.abiMajor) + "." + std::to_string(m.abiMinor);
    s.workers = r->entry.workers;
    if (r->supervisor) {
      s.restarts = r->supervisor->restarts();
      s.pid = r->supervisor->pid();
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> PluginManager::services() const {
  std::vector<std::string> out;
  for (const auto& r : running_) out.push_back(r->service);
  return out;
}

}  // namespace berichtd::plugin
