// MollieHttp: one HTTP(S) request to the Mollie API and its raw answer. Knows the transport
// only — the base URL's scheme picks HTTPSClientSession or HTTPClientSession, the API key goes
// in `Authorization: Bearer`, an idempotency key in `Idempotency-Key` — and nothing of what the
// documents mean (mollie_mapping.hpp does that).
//
// Contract: request() answers {status, body} for any HTTP answer, or PROVIDER_UNAVAILABLE when
// no answer came (cannot connect, TLS failure, timeout). Messages name the host, never the key
// or a body. Thread-safe: every request opens its own session, so no state is shared.
#pragma once

#include <berichtd/status.hpp>
#include <chrono>
#include <string>

namespace berichtd::mollie {

struct HttpSettings {
  std::string apiUrl = "https://api.mollie.com";  // scheme://host[:port], no path
  std::string apiKey;
  std::chrono::milliseconds timeout{10000};
  std::string caFile;  // CA bundle for HTTPS (empty: the system's)
};

struct HttpAnswer {
  int status = 0;
  std::string body;
};

class MollieHttp {
 public:
  // CONFIG_INVALID for a URL that is not http(s)://host[:port].
  static Result<MollieHttp> create(HttpSettings settings);

  Result<HttpAnswer> request(const std::string& method, const std::string& path,
                             const std::string& jsonBody = {},
                             const std::string& idempotencyKey = {}) const;

 private:
  MollieHttp(HttpSettings s, bool https, std::string host, unsigned short port)
      : s_(std::move(s)), https_(https), host_(std::move(host)), port_(port) {}

  HttpSettings s_;
  bool https_ = true;
  std::string host_;
  unsigned short port_ = 443;
};

}  // namespace berichtd::mollie
