// Test helpers: a temporary folder and smtp_sink.py (a real SMTP server on loopback, Debian's
// python3-aiosmtpd) run as a child process, with what it received read back.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

// Where smtp_sink.py lives: a test that also runs another helper script sets its own.
#ifndef BERICHTD_SMTP_SINK_DIR
#define BERICHTD_SMTP_SINK_DIR BERICHTD_TEST_DIR
#endif

namespace berichtd::mail {

namespace fs = std::filesystem;

class TempFolder {
 public:
  TempFolder() {
    path_ = fs::temp_directory_path() /
            ("berichtd-smtp-" + std::to_string(::getpid()) + "-" + std::to_string(++n_));
    fs::create_directories(path_);
  }
  ~TempFolder() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  static inline int n_ = 0;
  fs::path path_;
};

// The sink as a child process; port() once it listens.
class SmtpSink {
 public:
  SmtpSink(const fs::path& out, std::vector<std::string> options = {}) : out_(out / "mail") {
    std::vector<std::string> argv{"/usr/bin/python3",
                                  std::string(BERICHTD_SMTP_SINK_DIR) + "/smtp_sink.py", out_.string()};
    argv.insert(argv.end(), options.begin(), options.end());
    int pipefd[2];
    EXPECT_EQ(::pipe(pipefd), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, argv[0].c_str(), &fa, nullptr, cargv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    ::close(pipefd[1]);
    FILE* f = ::fdopen(pipefd[0], "r");
    char line[64] = {0};
    if (f != nullptr && std::fgets(line, sizeof(line), f) != nullptr)
      std::sscanf(line, "PORT %d", &port_);
    if (f != nullptr) std::fclose(f);
  }
  ~SmtpSink() {
    ::kill(pid_, SIGTERM);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
  int port() const { return port_; }
  Poco::JSON::Object::Ptr mail(int n) const {
    std::ifstream in(out_ / (std::to_string(n) + ".json"));
    std::ostringstream s;
    s << in.rdbuf();
    return Poco::JSON::Parser().parse(s.str()).extract<Poco::JSON::Object::Ptr>();
  }
  int count() const {
    int n = 0;
    while (fs::exists(out_ / (std::to_string(n + 1) + ".json"))) ++n;
    return n;
  }
  int sessions() const {
    std::ifstream in(out_ / "sessions");
    int n = 0;
    in >> n;
    return n;
  }
  std::string raw(int n) const {
    std::ifstream in(out_ / (std::to_string(n) + ".eml"), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  fs::path out_;
  pid_t pid_ = 0;
  int port_ = 0;
};

// A throw-away certificate for 127.0.0.1.
inline void makeCertificate(const fs::path& dir) {
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " +
      (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
}

}  // namespace berichtd::mail
