// PluginLibrary: one plugin .so, loaded with Boost.DLL, its metadata read and its ABI checked
// before any other call into it (Boost.DLL itself checks nothing).
//
// Ownership: shared by every PluginInstance made from it, so the library stays loaded longer
// than every object it made; it is never unloaded while the daemon runs (boostorg/dll#68:
// nothing carrying plugin code may outlive its library). Thread-safe after load().
#pragma once

#include <berichtd/abi.h>
#include <berichtd/status.hpp>

#include <memory>
#include <string>

namespace berichtd::plugin {

struct PluginMeta {
  uint32_t abiMajor = 0;
  uint32_t abiMinor = 0;
  std::string name;
  std::string version;
  std::string service;
  std::string description;
  std::string compilerId;
  std::string stdlibId;
};

class PluginLibrary {
 public:
  // Loads the library at path, reads its metadata and checks the ABI (PLUGIN_LOAD_FAILED,
  // PLUGIN_SYMBOL_MISSING, PLUGIN_ABI_UNSUPPORTED; each message names the file).
  static Result<std::shared_ptr<PluginLibrary>> load(const std::string& path);
  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const std::string& path() const { return path_; }
  const PluginMeta& meta() const { return meta_; }
  berichtd_plugin_create_fn createFn() const { return create_; }
  berichtd_plugin_handle_fn handleFn() const { return handle_; }
  berichtd_plugin_destroy_fn destroyFn() const { return destroy_; }

 private:
  struct Impl;
  PluginLibrary(std::unique_ptr<Impl> impl, std::string path);
  std::unique_ptr<Impl> impl_;
  std::string path_;
  PluginMeta meta_;
  berichtd_plugin_create_fn create_ = nullptr;
  berichtd_plugin_handle_fn handle_ = nullptr;
  berichtd_plugin_destroy_fn destroy_ = nullptr;
};

// Whether a plugin built for ABI (major, minor) can be loaded by this daemon: same major,
// minor not newer than ours.
bool abiSupported(uint32_t major, uint32_t minor);
// The file the daemon loads for a plugin: DIR/berichtd-NAME.so.
std::string pluginFilePath(const std::string& dir, const std::string& name);

}  // namespace berichtd::plugin
