// Test helper: fake_mollie.py (a fake Mollie v2 API, Python standard library only) run as a
// child process on a free loopback port, and a client for its /_test control endpoints.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

// Where fake_mollie.py lives: a test that also runs another helper script sets its own.
#ifndef BERICHTD_FAKE_MOLLIE_DIR
#define BERICHTD_FAKE_MOLLIE_DIR BERICHTD_TEST_DIR
#endif

namespace berichtd::mollie::testing {

class FakeMollie {
 public:
  explicit FakeMollie(std::vector<std::string> options = {}) {
    std::vector<std::string> argv{"/usr/bin/python3",
                                  std::string(BERICHTD_FAKE_MOLLIE_DIR) + "/fake_mollie.py"};
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
  ~FakeMollie() {
    ::kill(pid_, SIGTERM);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
  FakeMollie(const FakeMollie&) = delete;
  FakeMollie& operator=(const FakeMollie&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  struct Answer {
    int status = 0;
    std::string body;
    std::string location;
  };
  Answer send(const std::string& method, const std::string& path, const std::string& body = {},
              const std::string& contentType = "application/json") const {
    Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port_));
    s.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (method == "POST") {
      req.setContentType(contentType);
      req.setContentLength(static_cast<std::streamsize>(body.size()));
      s.sendRequest(req) << body;
    } else {
      s.sendRequest(req);
    }
    Poco::Net::HTTPResponse res;
    std::ostringstream out;
    Poco::StreamCopier::copyStream(s.receiveResponse(res), out);
    return {static_cast<int>(res.getStatus()), out.str(), res.get("Location", "")};
  }
  // POST /_test/…: fails the test unless the fake accepted the change.
  void control(const std::string& path, const std::string& json) const {
    auto a = send("POST", "/_test/" + path, json);
    EXPECT_LT(a.status, 300) << path << ": " << a.body;
  }
  Poco::JSON::Array::Ptr list(const std::string& what) const {
    auto a = send("GET", "/_test/" + what);
    return Poco::JSON::Parser().parse(a.body).extract<Poco::JSON::Array::Ptr>();
  }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
};

}  // namespace berichtd::mollie::testing
