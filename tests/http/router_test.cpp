#include "http/router.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "http/errors.hpp"
#include "http/health.hpp"

namespace berichtd::http {
namespace {

HttpHandler tagged(std::string tag) {
  return [tag = std::move(tag)](const HttpRequest&, HttpResponse& res) { res.body = tag; };
}

std::string run(const RouteMatch& m) {
  HttpResponse res;
  (*m.handler)(HttpRequest{}, res);
  return res.body;
}

TEST(Router, MatchesLiteralsAndPathParams) {
  Router r;
  r.add("GET", "/api/v1/messages", tagged("list"));
  r.add("GET", "/api/v1/messages/{id}", tagged("one"));
  r.add("POST", "/api/v1/webhooks/{provider}", tagged("hook"));
  auto m = r.match("GET", "/api/v1/messages/42");
  ASSERT_EQ(m.outcome, RouteMatch::Outcome::kMatched);
  EXPECT_EQ(run(m), "one");
  EXPECT_EQ(m.params.at("id"), "42");
  EXPECT_EQ(m.pattern, "/api/v1/messages/{id}");
  EXPECT_EQ(run(r.match("GET", "/api/v1/messages")), "list");
  auto hook = r.match("POST", "/api/v1/webhooks/mollie");
  ASSERT_EQ(hook.outcome, RouteMatch::Outcome::kMatched);
  EXPECT_EQ(hook.params.at("provider"), "mollie");
  // A parameter is one non-empty segment.
  EXPECT_EQ(r.match("GET", "/api/v1/messages/").outcome, RouteMatch::Outcome::kNotFound);
  EXPECT_EQ(r.match("GET", "/api/v1/messages/1/2").outcome, RouteMatch::Outcome::kNotFound);
}

TEST(Router, ParametersArePercentDecodedAfterSplitting) {
  Router r;
  r.add("GET", "/files/{name}", tagged("f"));
  auto m = r.match("GET", "/files/a%2Fb%20c");
  ASSERT_EQ(m.outcome, RouteMatch::Outcome::kMatched);
  EXPECT_EQ(m.params.at("name"), "a/b c");
}

TEST(Router, LiteralBeatsParameterWhateverTheOrder) {
  Router r;
  r.add("GET", "/a/{id}", tagged("param"));
  r.add("GET", "/a/special", tagged("literal"));
  EXPECT_EQ(run(r.match("GET", "/a/special")), "literal");
  EXPECT_EQ(run(r.match("GET", "/a/other")), "param");
}

TEST(Router, CatchAllTakesTheRestOfThePath) {
  Router r;
  r.add("GET", "/activeren/{rest...}", tagged("pages"));
  r.add("GET", "/activeren", tagged("root"));
  auto m = r.match("GET", "/activeren/stap/2");
  ASSERT_EQ(m.outcome, RouteMatch::Outcome::kMatched);
  EXPECT_EQ(m.params.at("rest"), "stap/2");
  EXPECT_EQ(run(r.match("GET", "/activeren")), "root");
  EXPECT_EQ(r.match("GET", "/activeren/").params.at("rest"), "");
}

TEST(Router, TellsNotFoundFromMethodNotAllowed) {
  Router r;
  r.add("GET", "/admin/v1/clock", tagged("get"));
  r.add("PUT", "/admin/v1/clock", tagged("put"));
  EXPECT_EQ(r.match("GET", "/admin/v1/nope").outcome, RouteMatch::Outcome::kNotFound);
  auto m = r.match("DELETE", "/admin/v1/clock");
  ASSERT_EQ(m.outcome, RouteMatch::Outcome::kMethodNotAllowed);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "HEAD", "PUT"}));
  EXPECT_EQ(m.handler, nullptr);
}

TEST(Router, HeadIsAnsweredByGet) {
  Router r;
  r.add("GET", "/healthz", tagged("get"));
  EXPECT_EQ(run(r.match("HEAD", "/healthz")), "get");
}

TEST(Router, DuplicateRegistrationIsAProgrammingError) {
  Router r;
  r.add("GET", "/a/{id}", tagged("1"));
  EXPECT_THROW(r.add("GET", "/a/{id}", tagged("2")), std::logic_error);
  // Same shape with another parameter name could never be reached either.
  EXPECT_THROW(r.add("GET", "/a/{other}", tagged("3")), std::logic_error);
  EXPECT_NO_THROW(r.add("POST", "/a/{id}", tagged("4")));
}

TEST(Router, MalformedPatternsAreProgrammingErrors) {
  Router r;
  EXPECT_THROW(r.add("GET", "no-slash", tagged("x")), std::logic_error);
  EXPECT_THROW(r.add("GET", "/a/{rest...}/b", tagged("x")), std::logic_error);
  EXPECT_THROW(r.add("GET", "/a/{}", tagged("x")), std::logic_error);
  EXPECT_THROW(r.add("GET", "/a/x{y}", tagged("x")), std::logic_error);
  EXPECT_THROW(r.add("GET", "/a", HttpHandler()), std::logic_error);
}

TEST(HttpRequest, HeadersAreCaseInsensitiveAndQueryParamsDecoded) {
  HttpRequest req;
  req.headers = {{"Content-Type", "text/plain"}, {"X-Thing", "1"}};
  req.query = "box=sent&q=a%20b+c&empty=&flag";
  EXPECT_EQ(req.header("content-type"), "text/plain");
  EXPECT_EQ(req.header("X-THING"), "1");
  EXPECT_EQ(req.header("missing"), "");
  EXPECT_EQ(req.queryParam("box"), "sent");
  EXPECT_EQ(req.queryParam("q"), "a b c");
  EXPECT_EQ(req.queryParam("empty"), "");
  EXPECT_EQ(req.queryParam("nope"), "");
}

TEST(Errors, TheShapeIsExactlyTheDocumentedOne) {
  EXPECT_EQ(
      errorJson("NOT_FOUND", "no such path: /x"),
      R"({"error":{"code":"NOT_FOUND","message":"no such path: /x","help":"/kennisbank/NOT_FOUND"}})");
  HttpResponse res;
  setError(res, 401, "UNAUTHORIZED", "token");
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(res.contentType, "application/json; charset=utf-8");
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].first, "WWW-Authenticate");
  EXPECT_EQ(res.headers[0].second, "Bearer");
  // Quotes and control characters in a message stay valid JSON.
  auto parsed = Poco::JSON::Parser().parse(errorJson("BAD_REQUEST", "a \"b\"\n\\c"));
  EXPECT_EQ(parsed.extract<Poco::JSON::Object::Ptr>()->getObject("error")->getValue<std::string>(
                "message"),
            "a \"b\"\n\\c");
}

TEST(Errors, ParseJsonObjectRefusesWhatIsNotAnObject) {
  EXPECT_TRUE(parseJsonObject(R"({"now":"x"})").isOk());
  auto bad = parseJsonObject("{nope");
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), "BAD_REQUEST");
  auto array = parseJsonObject("[1]");
  ASSERT_FALSE(array.isOk());
  EXPECT_EQ(array.status().code(), "BAD_REQUEST");
}

TEST(Health, BodyFollowsTheHealthCheckDraft) {
  const std::string body = healthJson(
      "pass", {{"storage:reachable", "pass", ""}, {"service:echo", "fail", "no live worker"}},
      "0.1.0", "2026-03-01T00:00:00.000Z");
  auto o = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(o->getValue<std::string>("status"), "fail") << "the worst check wins";
  EXPECT_EQ(o->getValue<std::string>("version"), "0.1.0");
  auto checks = o->getObject("checks");
  ASSERT_TRUE(checks);
  auto storage = checks->getArray("storage:reachable");
  ASSERT_TRUE(storage);
  ASSERT_EQ(storage->size(), 1u);
  EXPECT_EQ(storage->getObject(0)->getValue<std::string>("status"), "pass");
  EXPECT_FALSE(storage->getObject(0)->has("output"));
  EXPECT_EQ(storage->getObject(0)->getValue<std::string>("time"), "2026-03-01T00:00:00.000Z");
  auto echo = checks->getArray("service:echo")->getObject(0);
  EXPECT_EQ(echo->getValue<std::string>("status"), "fail");
  EXPECT_EQ(echo->getValue<std::string>("output"), "no live worker");
}

TEST(Health, WithoutChecksTheOverallStatusStands) {
  EXPECT_EQ(healthJson("pass", {}, "0.1.0"), R"({"status":"pass","version":"0.1.0","checks":{}})");
  EXPECT_EQ(worstStatus({{"a:b", "warn", ""}, {"c:d", "pass", ""}}), "warn");
  EXPECT_EQ(worstStatus({{"a:b", "typo", ""}}), "fail");
  EXPECT_EQ(worstStatus({}), "pass");
}

TEST(PathParameters, WholeNumbersOnlyTable) {
  struct Case {
    const char* text;
    std::optional<int64_t> value;
  };
  const Case cases[] = {{"0", 0},
                        {"42", 42},
                        {"000123", 123},
                        {"", std::nullopt},
                        {"12x", std::nullopt},
                        {"-1", std::nullopt},
                        {"+1", std::nullopt},
                        {" 1", std::nullopt},
                        {"1.5", std::nullopt},
                        {"123456789012345678", 123456789012345678},
                        {"1234567890123456789", std::nullopt}};
  for (const auto& c : cases) EXPECT_EQ(parseWholeNumber(c.text), c.value) << c.text;
}

}  // namespace
}  // namespace berichtd::http
