// HttpServer: one HTTP/1.1 listener (Poco::Net::HTTPServer) dispatching through a Router.
// The daemon runs two: the public one and the admin one (bearer-protected, see bearer_auth.hpp).
//
// What every answer gets, whatever the handler does:
//  - errors before or around the handler (404, 405 with Allow, 413, 400, 500) in the JSON
//    error shape (errors.hpp);
//  - `X-Content-Type-Options: nosniff`, and `Cache-Control: no-store` under /api and /admin;
//  - the body limit: a Content-Length over maxBodyBytes is refused with 413 without reading
//    the body; a chunked body is read in 16 KiB steps and refused with 413 as soon as it goes
//    over (never more than maxBodyBytes is kept in memory).
//    Either way the connection is closed afterwards, since the rest of the body is unread;
//  - a handler exception becomes 500 INTERNAL; the log gets the exception type and text, never
//    the request body or the Authorization header.
// One access log line per request at debug level on logger(options.name): method, path
// without query, status, milliseconds; and options.onRequest, if set, with the route pattern
// instead of the path (404, 405 and answers before routing count as route "unmatched").
//
// Not covered: a request Poco cannot parse at all (bad request line or header syntax) is
// answered by Poco itself with a bare 400 before any routing happens.
//
// Threading: start(), stop() and the destructor from one owning thread. port(), inFlight() and
// setMaxBodyBytes() from any thread. Handlers run on the server's own pool of up to maxThreads
// threads; the Router is moved in and owned by the server, read-only while it runs.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "berichtd/status.hpp"
#include "http/router.hpp"

namespace berichtd::http {

namespace detail {
struct ServerState;
struct ServerRunning;
}  // namespace detail

// What the server tells onRequest about each answered request: only bounded values, never
// the raw path (it carries ids and tokens).
struct RequestRecord {
  std::string_view method;  // GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, or "other"
  std::string_view route;   // the matched route pattern ("/api/v1/messages/{id}"), or "unmatched"
  int status = 0;
  std::chrono::steady_clock::duration duration{};  // from the request line to the answer sent
};

struct HttpServerOptions {
  std::string listen;  // "host:port" or "[v6]:port"; port 0 binds any free port (tests)
  std::size_t maxBodyBytes = 1 << 20;
  int maxThreads = 16;  // one per open connection, idle keep-alive ones included
  int maxQueued = 64;   // accepted connections waiting for a thread; more are closed
  std::chrono::milliseconds drainTimeout{10000};
  std::string name = "http";  // logger name and log prefix
  // Called after every answer on the handling thread (metrics); must be cheap and thread-safe.
  std::function<void(const RequestRecord&)> onRequest;
  // Called before routing for every request with an absolute path, with that path
  // percent-decoded as the router sees it (so "/%61pi/…" is "/api/…"); when it returns true it
  // has filled the answer and no route runs (the migration window's 503, SPEC M3). Must be
  // cheap and thread-safe.
  std::function<bool(const std::string& decodedPath, const HttpRequest&, HttpResponse&)> gate;
};

class HttpServer {
 public:
  HttpServer(Router router, HttpServerOptions options);
  ~HttpServer();  // stop()s if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. Error HTTP_BIND_FAILED (the message names the address) when
  // the address is malformed or cannot be bound. Call once.
  Status start();
  // The bound port (the real one when listen asked for port 0); 0 before a successful
  // start(), still the old port after stop().
  uint16_t port() const;
  // Graceful: closes the listening socket (new connections are refused), lets requests being
  // handled finish and get their answer, for up to drainTimeout (a new request arriving on a
  // kept-alive connection meanwhile gets 503 SERVICE_UNAVAILABLE); then shuts down the
  // connections that remain. Returns once no handler runs any more (a handler still running
  // after drainTimeout is waited for, since it uses the Router this server owns). Idempotent.
  void stop();
  // Requests currently inside the server (body reading, handler, sending).
  uint64_t inFlight() const;
  // The body limit for requests that start from now on (config reload). Thread-safe.
  void setMaxBodyBytes(std::size_t bytes);

 private:
  std::shared_ptr<detail::ServerState> state_;      // shared with the request handlers
  std::unique_ptr<detail::ServerRunning> running_;  // set by a successful start()
};

}  // namespace berichtd::http
