#include "plugin/plugin_library.hpp"

#define BOOST_DLL_USE_STD_FS
#include <boost/dll/shared_library.hpp>

#include <filesystem>

namespace berichtd::plugin {

struct PluginLibrary::Impl {
  boost::dll::shared_library lib;
};

bool abiSupported(uint32_t major, uint32_t minor) {
  return major == BERICHTD_ABI_MAJOR && minor <= BERICHTD_ABI_MINOR;
}

std::string pluginFilePath(const std::string& dir, const std::string& name) {
  return (std::filesystem::path(dir) / ("berichtd-" + name + ".so")).string();
}

PluginLibrary::PluginLibrary(std::unique_ptr<Impl> impl, std::string path)
    : impl_(std::move(impl)), path_(std::move(path)) {}

PluginLibrary::~PluginLibrary() = default;

namespace {
std::string str(const char* s) { return s == nullptr ? std::string() : std::string(s); }
std::string abiText(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}
}  // namespace

Result<std::shared_ptr<PluginLibrary>> PluginLibrary::load(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return Status::error("PLUGIN_LOAD_FAILED", path + ": no such plugin file");
  }
  auto impl = std::make_unique<Impl>();
  try {
    // rtld_local keeps each plugin's symbols to itself; rtld_now fails at load, not mid-call.
    impl->lib.load(boost::dll::fs::path(path),
                   boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return Status::error("PLUGIN_LOAD_FAILED", path + ": cannot load: " + e.what());
  }
  std::shared_ptr<PluginLibrary> lib(new PluginLibrary(std::move(impl), path));
  auto& dll = lib->impl_->lib;
  for (const char* symbol : {BERICHTD_SYMBOL_META, BERICHTD_SYMBOL_CREATE, BERICHTD_SYMBOL_HANDLE,
                             BERICHTD_SYMBOL_DESTROY}) {
    if (!dll.has(symbol)) {
      return Status::error("PLUGIN_SYMBOL_MISSING",
                           path + ": not a berichtd plugin: symbol '" + symbol + "' is missing");
    }
  }
  auto metaFn = dll.get<const berichtd_plugin_meta*()>(BERICHTD_SYMBOL_META);
  const berichtd_plugin_meta* meta = metaFn();
  if (meta == nullptr || meta->struct_size < offsetof(berichtd_plugin_meta, compiler_id)) {
    return Status::error("PLUGIN_ABI_UNSUPPORTED", path + ": plugin metadata is missing or truncated");
  }
  if (!abiSupported(meta->abi_major, meta->abi_minor)) {
    return Status::error("PLUGIN_ABI_UNSUPPORTED",
                         path + ": plugin ABI " + abiText(meta->abi_major, meta->abi_minor) +
                             " is not supported by this daemon (ABI " +
                             abiText(BERICHTD_ABI_MAJOR, BERICHTD_ABI_MINOR) +
                             "; needs the same major and a minor not newer)");
  }
  lib->meta_.abiMajor = meta->abi_major;
  lib->meta_.abiMinor = meta->abi_minor;
  lib->meta_.name = str(meta->name);
  lib->meta_.version = str(meta->version);
  lib->meta_.service = str(meta->service);
  lib->meta_.description = str(meta->description);
  if (meta->struct_size >= offsetof(berichtd_plugin_meta, reserved)) {
    lib->meta_.compilerId = str(meta->compiler_id);
    lib->meta_.stdlibId = str(meta->stdlib_id);
  }
  if (lib->meta_.name.empty() || lib->meta_.service.empty()) {
    return Status::error("PLUGIN_ABI_UNSUPPORTED", path + ": plugin metadata lacks a name or service");
  }
  lib->create_ = &dll.get<berichtd_plugin*(const berichtd_plugin_init*, berichtd_bytes_fn, void*)>(
      BERICHTD_SYMBOL_CREATE);
  lib->handle_ = &dll.get<void(berichtd_plugin*, const berichtd_envelope*, berichtd_reply_fn, void*)>(
      BERICHTD_SYMBOL_HANDLE);
  lib->destroy_ = &dll.get<void(berichtd_plugin*)>(BERICHTD_SYMBOL_DESTROY);
  return lib;
}

}  // namespace berichtd::plugin
