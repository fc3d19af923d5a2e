// Test helper: fake_statuspage.py (a fake Statuspage REST API, Python standard library only)
// run as a child process on a free loopback port, and a client for its /_test control
// endpoints.
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

namespace berichtd::statuspage::testing {

class FakeStatuspage {
 public:
  explicit FakeStatuspage(std::vector<std::string> options = {}) {
    std::vector<std::string> argv{"/usr/bin/python3",
                                  std::string(BERICHTD_TEST_DIR) + "/fake_statuspage.py"};
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
  ~FakeStatuspage() {
    ::kill(pid_, SIGTERM);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
  FakeStatuspage(const FakeStatuspage&) = delete;
  FakeStatuspage& operator=(const FakeStatuspage&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  struct Answer {
    int status = 0;
    std::string body;
  };
  Answer send(const std::string& method, const std::string& path,
              const std::string& body = {}) const {
    Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port_));
    s.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (method != "GET") {
      req.setContentType("application/json");
      req.setContentLength(static_cast<std::streamsize>(body.size()));
      s.sendRequest(req) << body;
    } else {
      s.sendRequest(req);
    }
    Poco::Net::HTTPResponse res;
    std::ostringstream out;
    Poco::StreamCopier::copyStream(s.receiveResponse(res), out);
    return {static_cast<int>(res.getStatus()), out.str()};
  }
  // POST /_test/…: fails the test unless the fake accepted the change.
  void control(const std::string& path, const std::string& json) const {
    auto a = send("POST", "/_test/" + path, json);
    EXPECT_LT(a.status, 300) << path << ": " << a.body;
  }
  // Every /v1 request the fake saw: method, path, body, status.
  Poco::JSON::Array::Ptr requests() const {
    return Poco::JSON::Parser()
        .parse(send("GET", "/_test/requests").body)
        .extract<Poco::JSON::Array::Ptr>();
  }
  // {components: [...], incidents: [...]} as the API shows them.
  Poco::JSON::Object::Ptr state() const {
    return Poco::JSON::Parser()
        .parse(send("GET", "/_test/state").body)
        .extract<Poco::JSON::Object::Ptr>();
  }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
};

}  // namespace berichtd::statuspage::testing
