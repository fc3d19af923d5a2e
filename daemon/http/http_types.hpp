// HttpRequest / HttpResponse: the plain values a route handler sees, independent of Poco so
// handlers can be unit-tested without a socket. HttpServer fills an HttpRequest (body already
// read and bounded by the body limit), calls the handler, and sends the HttpResponse.
// Value types; a handler gets its own copies on the connection's thread, so nothing here is
// shared between threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berichtd::http {

struct HttpRequest {
  std::string method;  // "GET", "POST", ... as sent (upper case by convention)
  std::string path;    // the URI path as sent (still percent-encoded), without the query
  std::string query;   // the raw query string after '?', without the '?'
  std::map<std::string, std::string> params;  // path parameters, percent-decoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string clientAddress;  // "host:port" of the peer

  // The first header of that name, compared case-insensitively; empty when absent.
  std::string header(std::string_view name) const;
  // The first query parameter of that name, percent-decoded ('+' is a space); empty when absent.
  std::string queryParam(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string contentType = "application/json; charset=utf-8";
  std::string body;
  // Extra headers; Content-Type and Content-Length are set from the fields above. Several
  // Set-Cookie headers are sent as they are (push them); any other name is sent once.
  std::vector<std::pair<std::string, std::string>> headers;

  // Replaces a header of that name (case-insensitive) or adds it.
  void setHeader(std::string name, std::string value);
};

// Called on one of the server's worker threads, possibly on several at once: a handler must
// be safe to call concurrently. Exceptions are caught by the server and answered with 500
// INTERNAL, but handlers should answer errors with setError() themselves.
using HttpHandler = std::function<void(const HttpRequest&, HttpResponse&)>;

// A path parameter that must be a whole number ("42"); nothing for "", "12x", "-", overflow.
std::optional<int64_t> parseWholeNumber(std::string_view text);

// ASCII case-insensitive equality (header names, auth schemes).
bool equalsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace berichtd::http
