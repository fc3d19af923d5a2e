// HttpServer and requireBearer against a real listener on 127.0.0.1, port 0.
#include "http/http_server.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/Net/NetException.h>
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http/bearer_auth.hpp"
#include "http/errors.hpp"
#include "http/health.hpp"
#include "http_test_client.hpp"

namespace berichtd::http {
namespace {

using testing::Answer;
using testing::Call;

// A client writing to a connection the server already closed must get an error, not SIGPIPE.
const bool kSigpipeIgnored = [] {
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}();

std::string errorBody(const std::string& code, const std::string& message) {
  return R"({"error":{"code":")" + code + R"(","message":")" + message +
         R"(","help":"/kennisbank/)" + code + R"("}})";
}

bool waitFor(const std::function<bool()>& cond, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return cond();
}

Router testRoutes() {
  Router r;
  r.add("GET", "/healthz", [](const HttpRequest&, HttpResponse& res) {
    res.contentType = kHealthContentType;
    res.body = healthJson("pass", {}, "0.1.0");
  });
  r.add("GET", "/api/v1/messages/{id}", [](const HttpRequest& req, HttpResponse& res) {
    Poco::JSON::Object o;
    o.set("id", req.params.at("id"));
    o.set("box", req.queryParam("box"));
    setJson(res, o);
  });
  r.add("POST", "/api/v1/messages", [](const HttpRequest& req, HttpResponse& res) {
    auto body = parseJsonObject(req.body);
    if (!body) {
      setError(res, 400, body.status());
      return;
    }
    res.status = 202;
    res.body = R"({"size":)" + std::to_string(req.body.size()) + "}";
  });
  r.add("PUT", "/echo", [](const HttpRequest& req, HttpResponse& res) {
    res.contentType = "application/octet-stream";
    res.body = req.body;
  });
  r.add("GET", "/throw", [](const HttpRequest&, HttpResponse& res) {
    res.body = "partial";
    throw std::runtime_error("database password is hunter2");
  });
  r.add("GET", "/slow", [](const HttpRequest&, HttpResponse& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    res.body = R"({"slow":true})";
  });
  r.add("GET", "/slower", [](const HttpRequest&, HttpResponse& res) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    res.body = R"({"slow":true})";
  });
  r.add("GET", "/admin/v1/secret",
        requireBearer(Secret("s3cret-token", "test"),
                      [](const HttpRequest&, HttpResponse& res) { res.body = R"({"ok":true})"; }));
  return r;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions o;
    o.listen = "127.0.0.1:0";
    o.maxBodyBytes = 1024;
    o.drainTimeout = std::chrono::milliseconds(5000);
    server_ = std::make_unique<HttpServer>(testRoutes(), o);
    ASSERT_TRUE(server_->start().isOk());
    ASSERT_NE(server_->port(), 0);
  }
  void TearDown() override { server_->stop(); }
  uint16_t port() const { return server_->port(); }

  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, RoutesWithPathParamsAndSecurityHeaders) {
  Answer a = testing::get(port(), "/api/v1/messages/42?box=sent");
  ASSERT_EQ(a.status, 200) << a.failure;
  EXPECT_EQ(a.body, R"({"box":"sent","id":"42"})");
  EXPECT_EQ(a.contentType, "application/json; charset=utf-8");
  EXPECT_EQ(a.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(a.header("Cache-Control"), "no-store");

  Answer h = testing::get(port(), "/healthz");
  ASSERT_EQ(h.status, 200);
  EXPECT_EQ(h.contentType, "application/health+json");
  EXPECT_EQ(h.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(h.header("Cache-Control"), "") << "only /api and /admin are no-store";
}

TEST_F(HttpServerTest, PercentEncodedApiPathsAreNotCacheableEither) {
  Answer a = testing::get(port(), "/%61pi/v1/messages/1");
  ASSERT_EQ(a.status, 200) << a.failure;
  EXPECT_EQ(a.header("Cache-Control"), "no-store");
}

std::string rawExchange(uint16_t port, const std::string& request) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(10, 0));
  socket.sendBytes(request.data(), static_cast<int>(request.size()));
  socket.shutdownSend();
  std::string answer;
  char buffer[1024];
  int n = 0;
  while ((n = socket.receiveBytes(buffer, sizeof buffer)) > 0) answer.append(buffer, n);
  return answer;
}

TEST_F(HttpServerTest, APathThatIsNotUtf8StillGetsTheErrorShape) {
  const std::string answer = rawExchange(port(), "GET /caf\xe9\xff HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 404", 0), 0u) << answer;
  EXPECT_NE(answer.find(R"("code":"NOT_FOUND")"), std::string::npos) << answer;
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port());
  session.setKeepAlive(true);
  for (int i = 0; i < 3; ++i) {
    Call c;
    c.path = "/api/v1/messages/" + std::to_string(i);
    Answer a = testing::call(session, c);
    ASSERT_EQ(a.status, 200) << a.failure;
    EXPECT_NE(a.header("Connection"), "close");
  }
}

TEST_F(HttpServerTest, UnknownPathIs404InTheErrorShape) {
  Answer a = testing::get(port(), "/nope?x=1");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.contentType, "application/json; charset=utf-8");
  EXPECT_EQ(a.body, errorBody("NOT_FOUND", "no such path: /nope"));
  EXPECT_EQ(a.header("X-Content-Type-Options"), "nosniff");
}

TEST_F(HttpServerTest, WrongMethodIs405ListingAllow) {
  Call c;
  c.method = "DELETE";
  c.path = "/api/v1/messages/7";
  Answer a = testing::call(port(), c);
  EXPECT_EQ(a.status, 405);
  EXPECT_EQ(a.header("Allow"), "GET, HEAD");
  EXPECT_EQ(a.body, errorBody("METHOD_NOT_ALLOWED",
                              "DELETE is not allowed on /api/v1/messages/7; allowed: GET, HEAD"));
}

TEST_F(HttpServerTest, ContentLengthOverTheLimitIs413WithoutReadingTheBody) {
  Call c;
  c.method = "PUT";
  c.path = "/echo";
  c.contentLength = 10'000'000;
  c.sendBody = false;  // the answer must come although no body byte was sent
  Answer a = testing::call(port(), c);
  EXPECT_EQ(a.status, 413) << a.failure;
  EXPECT_EQ(a.body,
            errorBody("PAYLOAD_TOO_LARGE", "the request body is over the limit of 1024 bytes"));
  EXPECT_TRUE(http::equalsIgnoreCase(a.header("Connection"), "close"));
}

TEST_F(HttpServerTest, ChunkedBodyOverTheLimitIs413) {
  Call c;
  c.method = "PUT";
  c.path = "/echo";
  c.chunked = true;
  c.body = std::string(4096, 'x');
  Answer a = testing::call(port(), c);
  EXPECT_EQ(a.status, 413) << a.failure;
  EXPECT_NE(a.body.find(R"("code":"PAYLOAD_TOO_LARGE")"), std::string::npos) << a.body;
  EXPECT_NE(a.body.find(R"("help":"/kennisbank/PAYLOAD_TOO_LARGE")"), std::string::npos);
}

TEST_F(HttpServerTest, BodiesWithinTheLimitArriveWhole) {
  Call c;
  c.method = "PUT";
  c.path = "/echo";
  c.chunked = true;
  c.body = std::string(1024, 'y');
  Answer a = testing::call(port(), c);
  ASSERT_EQ(a.status, 200) << a.failure;
  EXPECT_EQ(a.body, c.body);
  c.chunked = false;
  c.body = "plain";
  a = testing::call(port(), c);
  ASSERT_EQ(a.status, 200) << a.failure;
  EXPECT_EQ(a.body, "plain");
}

TEST_F(HttpServerTest, TheBodyLimitChangesLive) {
  server_->setMaxBodyBytes(10);
  Call c;
  c.method = "PUT";
  c.path = "/echo";
  c.body = std::string(11, 'z');
  EXPECT_EQ(testing::call(port(), c).status, 413);
  server_->setMaxBodyBytes(11);
  EXPECT_EQ(testing::call(port(), c).status, 200);
}

TEST_F(HttpServerTest, MalformedJsonIs400) {
  Call c;
  c.method = "POST";
  c.path = "/api/v1/messages";
  c.body = "{not json";
  Answer a = testing::call(port(), c);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body, errorBody("BAD_REQUEST", "the body is not valid JSON"));
  c.body = R"({"to":["12345678"]})";
  a = testing::call(port(), c);
  EXPECT_EQ(a.status, 202);
}

TEST_F(HttpServerTest, ABodyShorterThanItsContentLengthIs400) {
  const std::string answer =
      rawExchange(port(), "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort");
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << answer;
  EXPECT_NE(answer.find(R"("code":"BAD_REQUEST")"), std::string::npos) << answer;
}

TEST_F(HttpServerTest, AHandlerExceptionIs500WithoutDetailsForTheClient) {
  Answer a = testing::get(port(), "/throw");
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body, errorBody("INTERNAL", "an internal error occurred; it has been logged"));
  EXPECT_EQ(a.body.find("hunter2"), std::string::npos);
  // The server is still fine afterwards.
  EXPECT_EQ(testing::get(port(), "/healthz").status, 200);
}

TEST_F(HttpServerTest, BearerAuthNeedsTheRightToken) {
  Answer none = testing::get(port(), "/admin/v1/secret");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(none.body, errorBody("UNAUTHORIZED", "a valid bearer token is required"));
  EXPECT_EQ(none.header("Cache-Control"), "no-store");

  Call c;
  c.path = "/admin/v1/secret";
  for (const char* wrong : {"Bearer wrong", "Bearer s3cret-token2", "Bearer s3cret-toke",
                            "Basic czNjcmV0LXRva2Vu", "Bearer", "Bearer "}) {
    c.headers["Authorization"] = wrong;
    Answer a = testing::call(port(), c);
    EXPECT_EQ(a.status, 401) << wrong;
    EXPECT_EQ(a.header("WWW-Authenticate").rfind("Bearer", 0), 0u) << wrong;
    EXPECT_NE(a.body.find(R"("code":"UNAUTHORIZED")"), std::string::npos);
  }
  c.headers["Authorization"] = "Bearer s3cret-token";
  Answer ok = testing::call(port(), c);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"ok":true})");
  c.headers["Authorization"] = "bearer s3cret-token";  // the scheme is case-insensitive
  EXPECT_EQ(testing::call(port(), c).status, 200);
}

TEST(BearerAuth, AnEmptyConfiguredSecretLetsNothingThrough) {
  bool called = false;
  auto h =
      requireBearer(Secret("", "test"), [&](const HttpRequest&, HttpResponse&) { called = true; });
  HttpRequest req;
  req.headers = {{"Authorization", "Bearer "}};
  HttpResponse res;
  h(req, res);
  EXPECT_FALSE(called);
  EXPECT_EQ(res.status, 401);
}

TEST(HttpServerGate, TheGateAnswersBeforeAnyRouteAndOthersPassThrough) {
  // The migration window's 503 (SPEC M3) is such a gate: it answers /api/v1 paths, a POST
  // body included, and lets everything else reach its route.
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  o.maxBodyBytes = 1024;
  std::atomic<int> gated{0};
  o.gate = [&gated](const std::string& path, const HttpRequest&, HttpResponse& res) {
    if (path.rfind("/api/", 0) != 0) return false;
    ++gated;
    setError(res, 503, "MAINTENANCE", "closed");
    res.setHeader("Retry-After", "60");
    return true;
  };
  HttpServer server(testRoutes(), o);
  ASSERT_TRUE(server.start().isOk());
  Answer a = testing::get(server.port(), "/api/v1/messages/42");
  EXPECT_EQ(a.status, 503);
  EXPECT_EQ(a.header("Retry-After"), "60");
  EXPECT_NE(a.body.find("MAINTENANCE"), std::string::npos) << a.body;
  Answer missing = testing::get(server.port(), "/api/v1/nothing-here");
  EXPECT_EQ(missing.status, 503);  // closed is closed, known path or not
  // Percent-encoded, as the router would decode it: gated too.
  Answer encoded = testing::get(server.port(), "/%61pi/v1/messages/42");
  EXPECT_EQ(encoded.status, 503) << encoded.body;
  Answer h = testing::get(server.port(), "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(gated.load(), 3);
  server.stop();
}

TEST(HttpServerHeaders, EverySetCookieIsSentAndOtherNamesOnce) {
  // The activation pages set two or three cookies in one answer (RFC 6265 section 3 allows
  // only one cookie per Set-Cookie header); any other header pushed twice is sent once.
  Router r;
  r.add("GET", "/cookies", [](const HttpRequest&, HttpResponse& res) {
    res.headers.emplace_back("Set-Cookie", "a=1; Path=/");
    res.headers.emplace_back("set-cookie", "b=; Path=/; Max-Age=0");
    res.headers.emplace_back("X-Note", "first");
    res.headers.emplace_back("X-Note", "second");
    res.body = "{}";
  });
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  HttpServer server(std::move(r), o);
  ASSERT_TRUE(server.start().isOk());
  Poco::Net::HTTPClientSession session("127.0.0.1", server.port());
  Poco::Net::HTTPRequest req("GET", "/cookies", Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(req);
  Poco::Net::HTTPResponse res;
  std::ostringstream body;
  Poco::StreamCopier::copyStream(session.receiveResponse(res), body);
  EXPECT_EQ(res.getStatus(), Poco::Net::HTTPResponse::HTTP_OK);
  std::vector<std::string> cookies;
  std::vector<std::string> notes;
  for (const auto& [name, value] : res) {
    if (equalsIgnoreCase(name, "Set-Cookie")) cookies.push_back(value);
    if (equalsIgnoreCase(name, "X-Note")) notes.push_back(value);
  }
  EXPECT_EQ(cookies, (std::vector<std::string>{"a=1; Path=/", "b=; Path=/; Max-Age=0"}));
  EXPECT_EQ(notes, std::vector<std::string>{"second"});
  server.stop();
}

TEST_F(HttpServerTest, BindFailureNamesTheAddress) {
  HttpServerOptions o;
  o.listen = "127.0.0.1:" + std::to_string(port());
  HttpServer second(testRoutes(), o);
  Status s = second.start();
  ASSERT_FALSE(s.isOk());
  EXPECT_EQ(s.code(), "HTTP_BIND_FAILED");
  EXPECT_NE(s.message().find(o.listen), std::string::npos) << s.message();

  o.listen = "not an address";
  HttpServer third(testRoutes(), o);
  s = third.start();
  EXPECT_EQ(s.code(), "HTTP_BIND_FAILED");
  EXPECT_NE(s.message().find("not an address"), std::string::npos) << s.message();
}

TEST_F(HttpServerTest, GracefulStopFinishesInFlightRequestsAndRefusesNewConnections) {
  Answer slow;
  std::thread client([&] { slow = testing::get(port(), "/slow"); });
  ASSERT_TRUE(waitFor([&] { return server_->inFlight() == 1; }, std::chrono::seconds(5)));
  const uint16_t p = port();
  const auto before = std::chrono::steady_clock::now();
  server_->stop();
  const auto took = std::chrono::steady_clock::now() - before;
  client.join();
  EXPECT_EQ(slow.status, 200) << slow.failure;
  EXPECT_EQ(slow.body, R"({"slow":true})");
  EXPECT_TRUE(http::equalsIgnoreCase(slow.header("Connection"), "close"));
  EXPECT_GE(took, std::chrono::milliseconds(100)) << "stop() must wait for the request";
  EXPECT_EQ(server_->inFlight(), 0u);

  Answer late = testing::get(p, "/healthz");
  EXPECT_EQ(late.status, 0);
  EXPECT_NE(late.failure.find("ConnectionRefused"), std::string::npos) << late.failure;
  server_->stop();  // idempotent
}

TEST_F(HttpServerTest, WhileStoppingANewRequestOnAKeptAliveConnectionIs503) {
  Poco::Net::HTTPClientSession idle("127.0.0.1", port());
  idle.setKeepAlive(true);
  idle.setTimeout(Poco::Timespan(10, 0));
  Call c;
  c.path = "/healthz";
  ASSERT_EQ(testing::call(idle, c).status, 200);

  Answer slow;
  std::thread client([&] { slow = testing::get(port(), "/slow"); });
  ASSERT_TRUE(waitFor([&] { return server_->inFlight() == 1; }, std::chrono::seconds(5)));
  std::thread stopper([&] { server_->stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // stop() has begun draining
  Answer late = testing::call(idle, c);
  stopper.join();
  client.join();
  EXPECT_EQ(slow.status, 200) << slow.failure;
  EXPECT_EQ(late.status, 503) << late.failure;
  EXPECT_EQ(late.body, errorBody("SERVICE_UNAVAILABLE", "the server is shutting down"));
  EXPECT_EQ(late.header("Retry-After"), "1");
}

TEST(HttpServer, OnRequestGetsTheRoutePatternNeverThePath) {
  struct Seen {
    std::string method, route;
    int status;
    std::chrono::steady_clock::duration duration;
  };
  std::mutex mutex;
  std::vector<Seen> seen;
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  o.onRequest = [&](const RequestRecord& r) {
    const std::lock_guard lock(mutex);
    seen.push_back({std::string(r.method), std::string(r.route), r.status, r.duration});
  };
  HttpServer server(testRoutes(), o);
  ASSERT_TRUE(server.start().isOk());
  ASSERT_EQ(testing::get(server.port(), "/api/v1/messages/secret-id-77?box=sent").status, 200);
  ASSERT_EQ(testing::get(server.port(), "/no/such/token-abc").status, 404);
  Call wrong;
  wrong.method = "DELETE";
  wrong.path = "/healthz";
  ASSERT_EQ(testing::call(server.port(), wrong).status, 405);
  Call odd;
  odd.method = "BREW";
  odd.path = "/healthz";
  ASSERT_EQ(testing::call(server.port(), odd).status, 405);
  ASSERT_EQ(testing::get(server.port(), "/slow").status, 200);
  // The hook runs after the answer is sent, so the client may be a little ahead of it.
  ASSERT_TRUE(waitFor(
      [&] {
        const std::lock_guard lock(mutex);
        return seen.size() == 5;
      },
      std::chrono::seconds(5)));
  server.stop();
  const std::lock_guard lock(mutex);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].route, "/api/v1/messages/{id}");
  EXPECT_EQ(seen[0].status, 200);
  EXPECT_EQ(seen[1].route, "unmatched");
  EXPECT_EQ(seen[1].status, 404);
  EXPECT_EQ(seen[2].method, "DELETE");
  EXPECT_EQ(seen[2].route, "unmatched");
  EXPECT_EQ(seen[2].status, 405);
  EXPECT_EQ(seen[3].method, "other");
  EXPECT_EQ(seen[4].route, "/slow");
  EXPECT_GE(seen[4].duration, std::chrono::milliseconds(300));
  for (const auto& s : seen) {
    EXPECT_EQ(s.route.find("secret-id"), std::string::npos);
    EXPECT_EQ(s.route.find("token"), std::string::npos);
  }
}

TEST(HttpServer, StopAfterTheDrainTimeoutCutsTheRemainingConnections) {
  HttpServerOptions o;
  o.listen = "127.0.0.1:0";
  o.drainTimeout = std::chrono::milliseconds(50);
  HttpServer server(testRoutes(), o);
  ASSERT_TRUE(server.start().isOk());
  Answer slow;
  std::chrono::steady_clock::time_point answered;
  std::thread client([&] {
    slow = testing::get(server.port(), "/slower");
    answered = std::chrono::steady_clock::now();
  });
  ASSERT_TRUE(waitFor([&] { return server.inFlight() == 1; }, std::chrono::seconds(5)));
  const auto before = std::chrono::steady_clock::now();
  server.stop();
  client.join();
  EXPECT_EQ(server.inFlight(), 0u) << "stop() returns only when no handler runs";
  EXPECT_EQ(slow.status, 0) << "the connection was cut before the answer";
  EXPECT_LT(answered - before, std::chrono::milliseconds(1000))
      << "the client learns at the drain timeout, not when the handler ends";
}

}  // namespace
}  // namespace berichtd::http
