// AdminClient: one HTTP/1.1 request at a time to the admin listener, with the bearer token.
// Used by berichtctl only. Not thread-safe; cheap to create, one per command.
#pragma once

#include <chrono>
#include <string>

namespace berichtd::ctl {

struct AdminAnswer {
  // Empty when an answer arrived (whatever its status); otherwise why none did, for humans
  // ("connection refused", "timed out").
  std::string failure;
  int status = 0;
  std::string body;
  std::string contentType;
};

class AdminClient {
 public:
  // baseUrl: "http://host:port" with an optional path prefix. token may be empty (no
  // Authorization header is sent then). The token is never printed.
  AdminClient(std::string baseUrl, std::string token,
              std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Empty when baseUrl is usable, otherwise why not.
  std::string checkUrl() const;
  AdminAnswer request(const std::string& method, const std::string& path,
                      const std::string& jsonBody = {}) const;
  const std::string& baseUrl() const { return baseUrl_; }

 private:
  std::string baseUrl_;
  std::string token_;
  std::chrono::milliseconds timeout_;
};

}  // namespace berichtd::ctl
