// DaemonProcess: the real berichtd binary started as a child process on a configuration the
// test writes, with its stdout/stderr captured to files — for end-to-end tests of start-up,
// signals, plugin hosts, systemd notification and the HTTP listeners.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

namespace berichtd::testing {

struct HttpAnswer {
  int status = 0;
  std::string contentType;
  std::string body;
  std::map<std::string, std::string> headers;
};

// One request over a fresh connection; status 0 when the connection failed.
HttpAnswer httpRequest(const std::string& baseUrl, const std::string& method, const std::string& path,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});

bool waitUntil(const std::function<bool()>& cond, std::chrono::milliseconds limit);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

class DaemonProcess {
 public:
  // Writes config.yaml (and admin.token) into dir; the YAML may refer to {{DIR}} and
  // {{PLUGIN_DIR}}, which are replaced.
  DaemonProcess(const TempDir& dir, const std::string& yaml);
  ~DaemonProcess();

  // Runs the daemon on another configuration file instead of the one written.
  void useConfigFile(const std::string& path) { configPath_ = path; }
  // Starts the daemon and waits for its "serving" line (false if it exited first). May be called
  // again after the process ended (a restart on the same folder, database and log).
  bool start(const std::vector<std::string>& extraArgs = {},
             const std::map<std::string, std::string>& env = {});
  // Sends a signal; waitExit() returns the exit status (-1 if still running after limit).
  void signal(int sig) const;
  int waitExit(std::chrono::milliseconds limit);
  bool running() const;

  pid_t pid() const { return pid_; }
  const std::string& url() const { return url_; }
  const std::string& adminUrl() const { return adminUrl_; }
  const std::string& token() const { return token_; }
  const std::string& configPath() const { return configPath_; }
  std::string output() const;  // stdout + stderr so far
  std::map<std::string, std::string> adminHeaders() const;

 private:
  const TempDir& dir_;
  std::string configPath_;
  std::string token_;
  pid_t pid_ = 0;
  mutable bool exited_ = false;
  mutable int exitCode_ = -1;
  std::string url_;
  std::string adminUrl_;
};

std::string binaryPath(const std::string& name);  // build/bin/NAME
// Runs a command to completion; returns its exit status and fills output (stdout+stderr).
int runCommand(const std::vector<std::string>& argv, std::string& output,
               const std::map<std::string, std::string>& env = {});

}  // namespace berichtd::testing
