// Router: maps (method, path) to an HttpHandler. Patterns are literal segments, `{name}`
// parameters (one non-empty segment) and, as the last segment only, a `{name...}` catch-all
// (one or more remaining segments, joined with '/'). When several patterns match a path the
// most specific wins, segment by segment: literal before `{name}` before `{name...}`.
//
// match() tells 404 (no pattern matches the path) from 405 (a pattern matches, not for this
// method; `allowed` lists the methods for the Allow header). A GET route also answers HEAD.
//
// Set up on one thread, then read-only: add() is not thread-safe, match() is safe to call
// from any number of threads once setup is done. Registering the same method and pattern
// shape twice, or a malformed pattern, is a programming error: add() throws std::logic_error.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "http/http_types.hpp"

namespace berichtd::http {

struct RouteMatch {
  enum class Outcome { kMatched, kNotFound, kMethodNotAllowed };
  Outcome outcome = Outcome::kNotFound;
  // kMatched: the handler, owned by the Router; valid as long as the Router lives.
  const HttpHandler* handler = nullptr;
  // kMatched: path parameters, percent-decoded.
  std::map<std::string, std::string> params;
  // kMethodNotAllowed: the methods that path accepts, sorted, for the Allow header.
  std::vector<std::string> allowed;
  // The pattern that matched (kMatched), for logs and metrics.
  std::string pattern;
};

class Router {
 public:
  void add(std::string method, std::string pattern, HttpHandler handler);
  RouteMatch match(const std::string& method, const std::string& path) const;
  bool empty() const { return routes_.empty(); }

 private:
  enum class SegmentKind { kLiteral = 0, kParam = 1, kCatchAll = 2 };
  struct Segment {
    SegmentKind kind;
    std::string text;  // literal text or parameter name
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    HttpHandler handler;
  };

  static std::vector<Segment> parsePattern(const std::string& pattern);
  static bool matches(const Route& route, const std::vector<std::string>& path,
                      std::map<std::string, std::string>* params);

  std::vector<Route> routes_;
};

}  // namespace berichtd::http
