#include "plugin/host_supervisor.hpp"

#include "core/logging.hpp"

#include <Poco/Logger.h>

#include <csignal>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace berichtd::plugin {

namespace {
constexpr std::chrono::milliseconds kFirstBackoff{1000};
constexpr std::chrono::milliseconds kMaxBackoff{30000};
constexpr std::chrono::milliseconds kHealthyUptime{30000};
constexpr std::chrono::milliseconds kPollInterval{50};

std::string describeExit(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  return "stopped";
}
}  // namespace

HostSupervisor::HostSupervisor(std::string pluginName, HostCommand command)
    : name_(std::move(pluginName)), command_(std::move(command)) {}

HostSupervisor::~HostSupervisor() { stop(); }

void HostSupervisor::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

pid_t HostSupervisor::spawn() {
  std::vector<char*> argv;
  argv.push_back(command_.executable.data());
  for (auto& a : command_.args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  // The daemon blocks its termination signals in every thread (they are taken by sigwait);
  // the host must start with them unblocked and at their defaults.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int s : {SIGTERM, SIGINT, SIGHUP, SIGPIPE}) sigaddset(&defaults, s);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  int rc = posix_spawn(&child, command_.executable.c_str(), nullptr, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    logger("plugin.host").error("cannot start the host of plugin '%s' (%s): %s", name_,
                                command_.executable, std::string(strerror(rc)));
    return 0;
  }
  logger("plugin.host").information("started host of plugin '%s' as pid %d", name_, static_cast<int>(child));
  return child;
}

void HostSupervisor::run() {
  auto backoff = kFirstBackoff;
  bool first = true;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      if (stopping_) return;
      if (!first) {
        wake_.wait_for(lock, backoff, [this] { return stopping_; });
        if (stopping_) return;
      }
    }
    if (!first) restarts_.fetch_add(1);
    first = false;
    const auto startedAt = std::chrono::steady_clock::now();
    pid_t child = spawn();
    pid_.store(child);
    int status = 0;
    while (child != 0) {
      pid_t r = waitpid(child, &status, WNOHANG);
      if (r == child || (r < 0 && errno == ECHILD)) break;
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kPollInterval, [this] { return stopping_; });
      if (stopping_) return;  // stop() reaps the child
    }
    pid_.store(0);
    const auto uptime = std::chrono::steady_clock::now() - startedAt;
    backoff = uptime > kHealthyUptime ? kFirstBackoff : std::min(backoff * 2, kMaxBackoff);
    if (child != 0) {
      logger("plugin.host").warning("host of plugin '%s' %s; restarting in %d ms", name_,
                                    describeExit(status), static_cast<int>(backoff.count()));
    }
  }
}

void HostSupervisor::stop(std::chrono::milliseconds grace) {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  pid_t child = pid_.exchange(0);
  if (child == 0) return;
  ::kill(child, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  int status = 0;
  while (waitpid(child, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      logger("plugin.host").warning("host of plugin '%s' ignored SIGTERM; killing it", name_);
      ::kill(child, SIGKILL);
      waitpid(child, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace berichtd::plugin
