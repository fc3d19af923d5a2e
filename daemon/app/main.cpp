// berichtd — the daemon's command line (API.md "Command line"):
//   berichtd --config FILE [--set KEY=VALUE]...        run in the foreground (systemd Type=notify)
//   berichtd --check-config FILE [--set KEY=VALUE]...  validate; exit 0 valid, 1 invalid
//   berichtd --version
// Exit codes: 0 clean stop, 1 start-up failure or invalid configuration, 2 bad arguments.
#include <Poco/Logger.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "app/daemon.hpp"
#include "app/signals.hpp"
#include "app/version.hpp"
#include "campaigns/campaign_file.hpp"
#include "config/config.hpp"
#include "core/logging.hpp"

namespace {

constexpr const char* kUsage =
    "usage: berichtd --config FILE [--set KEY=VALUE]...\n"
    "       berichtd --check-config FILE [--set KEY=VALUE]...\n"
    "       berichtd --version\n";

std::string siblingExecutable(const char* argv0, const std::string& name) {
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) self = std::filesystem::absolute(argv0);
  return (self.parent_path() / name).string();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace berichtd;
  std::string configPath;
  bool checkOnly = false;
  std::vector<std::string> overrides;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--version") {
      std::cout << app::versionText();
      return 0;
    } else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--config" || a == "--check-config") {
      const char* v = value();
      if (v == nullptr) {
        std::cerr << a << " needs a file\n" << kUsage;
        return 2;
      }
      configPath = v;
      checkOnly = checkOnly || a == "--check-config";
    } else if (a == "--set") {
      const char* v = value();
      if (v == nullptr) {
        std::cerr << "--set needs KEY=VALUE\n" << kUsage;
        return 2;
      }
      overrides.emplace_back(v);
    } else {
      std::cerr << "unknown argument '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  if (configPath.empty()) {
    std::cerr << kUsage;
    return 2;
  }

  auto loaded = config::loadConfigFile(configPath, overrides);
  if (!loaded.config) {
    for (const auto& e : loaded.errors) std::cerr << e.toString() << "\n";
    return 1;
  }
  // The campaigns file is part of the configuration: refused the same way (FILE:LINE:COL).
  if (!loaded.config->campaigns.file.empty()) {
    auto file = campaigns::loadCampaignsFile(loaded.config->campaigns.file);
    if (!file.errors.empty()) {
      for (const auto& e : file.errors) std::cerr << e.toString() << "\n";
      return 1;
    }
  }
  if (checkOnly) {
    std::cout << configPath << ": valid\n";
    return 0;
  }

  // Before any thread exists, so that every thread inherits the blocked signals.
  app::blockDaemonSignals();
  setupLogging(loaded.config->log.level);
  app::Daemon daemon({configPath, overrides, siblingExecutable(argv[0], "berichtd-plugin-host")});
  Status started = daemon.start(std::move(*loaded.config));
  if (!started.isOk()) {
    logger("daemon").fatal("cannot start: %s", started.toString());
    daemon.stop();
    return 1;
  }
  std::cout << "berichtd serving " << daemon.publicUrl() << std::endl;
  if (!daemon.adminUrl().empty()) std::cout << "berichtd admin " << daemon.adminUrl() << std::endl;
  return daemon.run();
}
