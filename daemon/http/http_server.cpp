#include "http/http_server.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>
#include <cxxabi.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <typeinfo>

#include "core/logging.hpp"
#include "http/errors.hpp"

namespace berichtd::http {

namespace detail {

struct ServerState {
  ServerState(Router r, HttpServerOptions o)
      : router(std::move(r)),
        options(std::move(o)),
        maxBodyBytes(options.maxBodyBytes),
        log(logger(options.name)) {}

  const Router router;
  const HttpServerOptions options;
  std::atomic<std::size_t> maxBodyBytes;
  std::atomic<bool> draining{false};  // answers say Connection: close from now on
  std::atomic<uint16_t> port{0};      // the bound port, once started
  Poco::Logger& log;

  std::atomic<uint64_t> inFlight{0};
  std::mutex mutex;              // guards active and nextId; pairs with idle
  std::condition_variable idle;  // notified when inFlight drops to 0
  // The connections of requests being handled, so stop() can cut them after drainTimeout.
  std::map<uint64_t, Poco::Net::StreamSocket> active;
  uint64_t nextId = 0;

  uint64_t enter(const Poco::Net::StreamSocket& socket) {
    const std::lock_guard lock(mutex);
    inFlight.fetch_add(1);
    active.emplace(++nextId, socket);
    return nextId;
  }
  void leave(uint64_t id) {
    const std::lock_guard lock(mutex);
    active.erase(id);
    if (inFlight.fetch_sub(1) == 1) idle.notify_all();
  }
  void shutdownActive() {
    const std::lock_guard lock(mutex);
    for (auto& [id, socket] : active) {
      try {
        socket.shutdown();
      } catch (const Poco::Exception&) {
        // Already gone: nothing to cut.
      }
    }
  }
};

struct ServerRunning {
  Poco::Net::ServerSocket socket;  // shares its descriptor with the copy inside server
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;  // declared after pool: destroyed first
  bool stopped = false;
};

}  // namespace detail

namespace {

using detail::ServerState;

std::string typeName(const std::type_info& type) {
  int rc = 0;
  char* demangled = abi::__cxa_demangle(type.name(), nullptr, nullptr, &rc);
  std::string name = rc == 0 && demangled != nullptr ? demangled : type.name();
  std::free(demangled);  // __cxa_demangle allocates with malloc
  return name;
}

bool isUnder(const std::string& path, std::string_view prefix) {
  return path.compare(0, prefix.size(), prefix) == 0 &&
         (path.size() == prefix.size() || path[prefix.size()] == '/');
}

// Reads to the end of the stream but stops as soon as the body goes over the limit, so a huge
// body is never buffered. false when the body is over the limit.
bool readBounded(std::istream& in, std::size_t limit, std::string& body) {
  char buffer[16384];
  while (in) {
    in.read(buffer, sizeof buffer);
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    if (body.size() + got > limit) return false;
    body.append(buffer, got);
  }
  return true;
}

// The method as a metrics label: any other token a client sends would be a new series.
std::string_view methodLabel(const std::string& method) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

class InFlightGuard {
 public:
  InFlightGuard(ServerState& s, Poco::Net::HTTPServerRequest& req)
      : s_(s), id_(s.enter(static_cast<Poco::Net::HTTPServerRequestImpl&>(req).socket())) {}
  ~InFlightGuard() { s_.leave(id_); }
  InFlightGuard(const InFlightGuard&) = delete;
  InFlightGuard& operator=(const InFlightGuard&) = delete;

 private:
  ServerState& s_;
  uint64_t id_;
};

class RequestHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RequestHandler(std::shared_ptr<ServerState> state) : state_(std::move(state)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override;

 private:
  // Fills request.body; false with an error answer set when the body cannot be taken.
  // bodyComplete turns false when bytes of the body stay unread on the connection.
  bool readBody(Poco::Net::HTTPServerRequest& req, HttpRequest& request, HttpResponse& out,
                bool& bodyComplete) const;
  void callHandler(const HttpHandler& handler, const HttpRequest& request, HttpResponse& out) const;
  // Routes, reads the body, runs the handler: fills out and the path params of request.
  // routeLabel gets the matched pattern (left as is when nothing matched).
  void route(Poco::Net::HTTPServerRequest& req, HttpRequest& request,
             const std::string& decodedPath, HttpResponse& out, bool& bodyComplete, bool hasBody,
             std::string& routeLabel) const;
  void send(Poco::Net::HTTPServerResponse& resp, const HttpResponse& out,
            const HttpRequest& request, bool bodyComplete) const;
  // The access log line: no query, no headers, no body.
  void logAccess(const HttpRequest& request, const HttpResponse& out,
                 std::chrono::steady_clock::time_point started) const;

  std::shared_ptr<ServerState> state_;
};

bool RequestHandler::readBody(Poco::Net::HTTPServerRequest& req, HttpRequest& request,
                              HttpResponse& out, bool& bodyComplete) const {
  const std::size_t limit = state_->maxBodyBytes.load();
  const std::string tooLarge =
      "the request body is over the limit of " + std::to_string(limit) + " bytes";
  if (req.getChunkedTransferEncoding()) {
    if (!readBounded(req.stream(), limit, request.body)) {
      bodyComplete = false;
      request.body.clear();
      setError(out, 413, "PAYLOAD_TOO_LARGE", tooLarge);
      return false;
    }
    return true;
  }
  if (!req.hasContentLength()) return true;  // HTTP/1.1: no length, not chunked: no body
  const int64_t length = req.getContentLength64();
  if (length < 0) {
    bodyComplete = false;
    setError(out, 400, "BAD_REQUEST", "the Content-Length header is not a valid length");
    return false;
  }
  if (static_cast<uint64_t>(length) > limit) {
    // Refused before reading a byte of it: the client may not even have sent it yet.
    bodyComplete = false;
    setError(out, 413, "PAYLOAD_TOO_LARGE", tooLarge);
    return false;
  }
  request.body.resize(static_cast<std::size_t>(length));
  req.stream().read(request.body.data(), length);
  if (req.stream().gcount() != length) {
    bodyComplete = false;
    request.body.clear();
    setError(out, 400, "BAD_REQUEST", "the request body is shorter than its Content-Length");
    return false;
  }
  return true;
}

void RequestHandler::callHandler(const HttpHandler& handler, const HttpRequest& request,
                                 HttpResponse& out) const {
  std::string type;
  std::string what;
  try {
    handler(request, out);
    return;
  } catch (const Poco::Exception& e) {
    type = e.className();
    what = e.displayText();
  } catch (const std::exception& e) {
    type = typeName(typeid(e));
    what = e.what();
  } catch (...) {
    type = "unknown exception";
  }
  // The exception is the handler's bug, so it goes to the log; the client learns nothing of it.
  state_->log.error(request.method + " " + request.path + ": handler threw " + type +
                    (what.empty() ? std::string() : ": " + what));
  out = HttpResponse{};
  setError(out, 500, "INTERNAL", "an internal error occurred; it has been logged");
}

void RequestHandler::handleRequest(Poco::Net::HTTPServerRequest& req,
                                   Poco::Net::HTTPServerResponse& resp) {
  const auto started = std::chrono::steady_clock::now();
  const InFlightGuard guard(*state_, req);
  HttpRequest request;
  HttpResponse out;
  bool bodyComplete = true;
  std::string routeLabel = "unmatched";

  request.method = req.getMethod();
  const std::string& uri = req.getURI();
  const size_t q = uri.find('?');
  request.path = uri.substr(0, q);
  if (q != std::string::npos) request.query = uri.substr(q + 1);
  const size_t hash = request.query.find('#');
  if (hash != std::string::npos) request.query.resize(hash);
  request.clientAddress = req.clientAddress().toString();
  for (const auto& [name, value] : req) request.headers.emplace_back(name, value);
  const bool hasBody =
      req.getChunkedTransferEncoding() || (req.hasContentLength() && req.getContentLength64() != 0);

  // Decoded, as the router decodes it: "/%61pi/..." is /api/... for the gate and for caching.
  std::string decodedPath;
  try {
    Poco::URI::decode(request.path, decodedPath);
  } catch (const Poco::Exception&) {
    decodedPath = request.path;
  }
  try {
    route(req, request, decodedPath, out, bodyComplete, hasBody, routeLabel);
  } catch (const std::exception& e) {
    // Only reached when building an answer itself failed (say, a path that JSON cannot carry).
    state_->log.error(request.method + " " + request.path + ": request failed: " + e.what());
    out = HttpResponse{};
    bodyComplete = !hasBody;
    setError(out, 500, "INTERNAL", "an internal error occurred; it has been logged");
  }

  out.setHeader("X-Content-Type-Options", "nosniff");
  if (isUnder(decodedPath, "/api") || isUnder(decodedPath, "/admin")) {
    out.setHeader("Cache-Control", "no-store");
  }
  send(resp, out, request, bodyComplete);
  logAccess(request, out, started);
  if (state_->options.onRequest) {
    state_->options.onRequest({methodLabel(request.method), routeLabel, out.status,
                               std::chrono::steady_clock::now() - started});
  }
}

void RequestHandler::route(Poco::Net::HTTPServerRequest& req, HttpRequest& request,
                           const std::string& decodedPath, HttpResponse& out, bool& bodyComplete,
                           bool hasBody, std::string& routeLabel) const {
  if (state_->draining.load()) {
    // A new request on a kept-alive connection while stopping: only requests already being
    // handled may finish, so the drain ends; the client retries elsewhere or after the restart.
    bodyComplete = !hasBody;
    setError(out, 503, "SERVICE_UNAVAILABLE", "the server is shutting down");
    out.setHeader("Retry-After", "1");
  } else if (request.path.empty() || request.path[0] != '/') {
    bodyComplete = !hasBody;
    setError(out, 400, "BAD_REQUEST", "the request target must be an absolute path");
  } else if (state_->options.gate && state_->options.gate(decodedPath, request, out)) {
    bodyComplete = !hasBody;
  } else {
    RouteMatch match = state_->router.match(request.method, request.path);
    switch (match.outcome) {
      case RouteMatch::Outcome::kNotFound:
        bodyComplete = !hasBody;
        setError(out, 404, "NOT_FOUND", "no such path: " + request.path);
        break;
      case RouteMatch::Outcome::kMethodNotAllowed: {
        bodyComplete = !hasBody;
        std::string allow;
        for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
        setError(out, 405, "METHOD_NOT_ALLOWED",
                 request.method + " is not allowed on " + request.path + "; allowed: " + allow);
        out.setHeader("Allow", allow);
        break;
      }
      case RouteMatch::Outcome::kMatched:
        request.params = std::move(match.params);
        routeLabel = match.pattern;
        if (readBody(req, request, out, bodyComplete)) callHandler(*match.handler, request, out);
        break;
    }
  }
}

void RequestHandler::send(Poco::Net::HTTPServerResponse& resp, const HttpResponse& out,
                          const HttpRequest& request, bool bodyComplete) const {
  try {
    resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
    if (!out.body.empty() || !out.contentType.empty()) resp.setContentType(out.contentType);
    // Set-Cookie is the one header a response may carry several times (RFC 6265 section 3).
    for (const auto& [name, value] : out.headers) {
      if (equalsIgnoreCase(name, "Set-Cookie")) {
        resp.add(name, value);
      } else {
        resp.set(name, value);
      }
    }
    // Unread body bytes would be parsed as the next request; draining ends keep-alive so
    // clients reconnect to whoever takes over.
    if (!bodyComplete || state_->draining.load()) resp.setKeepAlive(false);
    resp.sendBuffer(out.body.data(), out.body.size());
  } catch (const Poco::Exception& e) {
    state_->log.debug(request.method + " " + request.path +
                      ": answer not sent: " + e.displayText());
  }
}

void RequestHandler::logAccess(const HttpRequest& request, const HttpResponse& out,
                               std::chrono::steady_clock::time_point started) const {
  if (state_->log.debug()) {
    const auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", ms.count());
    state_->log.debug(request.method + " " + request.path + " " + std::to_string(out.status) + " " +
                      text + "ms");
  }
}

class HandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit HandlerFactory(std::shared_ptr<ServerState> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new RequestHandler(state_);  // Poco owns it and deletes it after the request
  }

 private:
  std::shared_ptr<ServerState> state_;
};

}  // namespace

HttpServer::HttpServer(Router router, HttpServerOptions options)
    : state_(std::make_shared<ServerState>(std::move(router), std::move(options))) {}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::start() {
  const HttpServerOptions& o = state_->options;
  if (running_)
    return Status::error("HTTP_BIND_FAILED", o.name + " listener already started on " + o.listen);
  auto running = std::make_unique<detail::ServerRunning>();
  try {
    const Poco::Net::SocketAddress address(o.listen);
    // SO_REUSEADDR for restarts over TIME_WAIT; never SO_REUSEPORT, which would let a second
    // daemon bind the same port silently.
    running->socket.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
    running->socket.listen(std::max(o.maxQueued, 16));
    state_->port.store(running->socket.address().port());
  } catch (const Poco::Exception& e) {
    return Status::error("HTTP_BIND_FAILED",
                         "cannot listen on " + o.listen + " (" + o.name + "): " + e.displayText());
  }
  auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
  params->setMaxThreads(o.maxThreads);
  params->setMaxQueued(o.maxQueued);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(5, 0));
  params->setTimeout(Poco::Timespan(30, 0));
  running->pool = std::make_unique<Poco::ThreadPool>(1, std::max(o.maxThreads, 1));
  running->server = std::make_unique<Poco::Net::HTTPServer>(
      Poco::Net::HTTPRequestHandlerFactory::Ptr(new HandlerFactory(state_)), *running->pool,
      running->socket, params);
  running->server->start();
  state_->log.information(o.name + " listening on " + running->socket.address().toString());
  running_ = std::move(running);
  return Status::ok();
}

uint16_t HttpServer::port() const { return state_->port.load(); }

uint64_t HttpServer::inFlight() const { return state_->inFlight.load(); }

void HttpServer::setMaxBodyBytes(std::size_t bytes) { state_->maxBodyBytes.store(bytes); }

void HttpServer::stop() {
  if (!running_ || running_->stopped) return;
  running_->stopped = true;
  auto& s = *state_;
  const auto deadline = std::chrono::steady_clock::now() + s.options.drainTimeout;
  s.draining.store(true);
  // Ends the accept loop; connections accepted but not yet given a thread are dropped.
  running_->server->stop();
  try {
    running_->socket.close();  // from here on a connect is refused, not left in the backlog
  } catch (const Poco::Exception&) {
  }
  bool drained = false;
  {
    std::unique_lock lock(s.mutex);
    drained = s.idle.wait_until(lock, deadline, [&] { return s.inFlight.load() == 0; });
  }
  if (!drained) {
    s.log.warning(s.options.name + ": " + std::to_string(s.inFlight.load()) +
                  " request(s) still running after the drain timeout; closing their connections");
  }
  if (!drained) s.shutdownActive();
  // Closes idle keep-alive connections (and waits for each connection's current request).
  running_->server->stopAll(/*abortCurrent=*/!drained);
  // Handlers use the Router this object owns: none may outlive stop().
  running_->pool->joinAll();
  s.log.information(s.options.name + " listener stopped");
}

}  // namespace berichtd::http
