#include "daemon_process.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

extern char** environ;

namespace berichtd::testing {

namespace fs = std::filesystem;

HttpAnswer httpRequest(const std::string& baseUrl, const std::string& method,
                       const std::string& path, const std::string& body,
                       const std::map<std::string, std::string>& headers) {
  HttpAnswer a;
  try {
    Poco::URI uri(baseUrl);
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST" || method == "PUT")
      req.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    std::ostringstream out;
    Poco::StreamCopier::copyStream(in, out);
    a.status = res.getStatus();
    a.contentType = res.getContentType();
    a.body = out.str();
    for (const auto& [k, v] : res) a.headers[k] = v;
  } catch (const std::exception&) {
    a.status = 0;
  }
  return a;
}

bool waitUntil(const std::function<bool()>& cond, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "berichtd-test.XXXXXX").string();
  path_ = ::mkdtemp(tmpl.data());
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  const std::string p = path_ + "/" + name;
  std::ofstream(p) << content;
  return p;
}

std::string binaryPath(const std::string& name) {
  return std::string(BERICHTD_BUILD_DIR) + "/bin/" + name;
}

namespace {

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

std::string readFile(const std::string& p) {
  std::ifstream in(p);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

pid_t spawnWithOutput(const std::vector<std::string>& argv, const std::string& outFile,
                      const std::map<std::string, std::string>& env) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> envStrings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    if (env.count(kv.substr(0, kv.find('='))) == 0) envStrings.push_back(kv);
  }
  for (const auto& [k, v] : env) envStrings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : envStrings) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, outFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : 0;
}

}  // namespace

int runCommand(const std::vector<std::string>& argv, std::string& output,
               const std::map<std::string, std::string>& env) {
  TempDir dir;
  const std::string out = dir.path() + "/out";
  pid_t pid = spawnWithOutput(argv, out, env);
  if (pid == 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  output = readFile(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

DaemonProcess::DaemonProcess(const TempDir& dir, const std::string& yaml) : dir_(dir) {
  std::random_device rd;
  std::ostringstream t;
  for (int i = 0; i < 4; ++i) t << std::hex << rd();
  token_ = t.str();
  dir_.write("admin.token", token_ + "\n");
  std::string text = replaceAll(yaml, "{{DIR}}", dir_.path());
  text = replaceAll(text, "{{PLUGIN_DIR}}", BERICHTD_PLUGIN_DIR);
  configPath_ = dir_.write("config.yaml", text);
}

DaemonProcess::~DaemonProcess() {
  if (pid_ != 0 && !exited_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string DaemonProcess::output() const { return readFile(dir_.path() + "/daemon.log"); }

std::map<std::string, std::string> DaemonProcess::adminHeaders() const {
  return {{"Authorization", "Bearer " + token_}};
}

bool DaemonProcess::start(const std::vector<std::string>& extraArgs,
                          const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv{binaryPath("berichtd"), "--config", configPath_};
  argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
  // A restart (start() after an exit or SIGKILL) appends to the same log: read only its own lines.
  const std::size_t logOffset = output().size();
  exited_ = false;
  exitCode_ = -1;
  url_.clear();
  adminUrl_.clear();
  pid_ = spawnWithOutput(argv, dir_.path() + "/daemon.log", env);
  if (pid_ == 0) return false;
  return waitUntil(
             [this, logOffset] {
               if (!running()) return true;
               const std::string mine = output().substr(std::min(logOffset, output().size()));
               std::istringstream in(mine);
               std::string line;
               bool wantAdmin = mine.find("admin.token is not set") == std::string::npos;
               // stdout and stderr share the file: a log line written at the same moment can
               // end up in front of the daemon's own line, so look inside every line.
               while (std::getline(in, line)) {
                 if (auto at = line.find("berichtd serving http"); at != std::string::npos)
                   url_ = line.substr(at + 17);
                 if (auto at = line.find("berichtd admin http"); at != std::string::npos)
                   adminUrl_ = line.substr(at + 15);
               }
               return !url_.empty() && (!wantAdmin || !adminUrl_.empty());
             },
             std::chrono::seconds(30)) &&
         running();
}

void DaemonProcess::signal(int sig) const { ::kill(pid_, sig); }

bool DaemonProcess::running() const {
  if (exited_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
  exited_ = true;
  exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

int DaemonProcess::waitExit(std::chrono::milliseconds limit) {
  if (waitUntil([this] { return !running(); }, limit)) return exitCode_;
  return -1;
}

}  // namespace berichtd::testing
