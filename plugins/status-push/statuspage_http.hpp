// StatuspageHttp: one HTTP(S) request to the Statuspage REST API and its raw answer. Knows the
// transport only — the base URL's scheme picks HTTPSClientSession or HTTPClientSession, the API
// key goes in `Authorization: OAuth <key>` (Statuspage's form) — and nothing of what the
// documents mean (statuspage_mapping.hpp does that).
//
// Contract: request() answers {status, body} for any HTTP answer, or PROVIDER_UNAVAILABLE when
// no answer came (cannot connect, TLS failure, timeout). Messages name the host, never the key
// or a body. Thread-safe: every request opens its own session, so no state is shared.
#pragma once

#include <berichtd/status.hpp>
#include <chrono>
#include <string>

namespace berichtd::statuspage {

struct HttpSettings {
  std::string apiUrl = "https://api.statuspage.io";  // scheme://host[:port], no path
  std::string apiKey;
  std::chrono::milliseconds timeout{10000};
  std::string caFile;  // CA bundle for HTTPS (empty: the system's)
};

struct HttpAnswer {
  int status = 0;
  std::string body;
};

class StatuspageHttp {
 public:
  // CONFIG_INVALID for a URL that is not http(s)://host[:port] or a timeout that is not positive.
  static Result<StatuspageHttp> create(HttpSettings settings);

  // method is POST or PATCH (with a JSON body) or GET.
  Result<HttpAnswer> request(const std::string& method, const std::string& path,
                             const std::string& jsonBody = {}) const;

 private:
  StatuspageHttp(HttpSettings s, bool https, std::string host, unsigned short port)
      : s_(std::move(s)), https_(https), host_(std::move(host)), port_(port) {}

  HttpSettings s_;
  bool https_ = true;
  std::string host_;
  unsigned short port_ = 443;
};

}  // namespace berichtd::statuspage
