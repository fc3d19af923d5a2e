#include "http/router.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace berichtd::http {

namespace {

// "/a/b" -> {"a", "b"}; "/" -> {""}; "/a/" -> {"a", ""}.
std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> out;
  size_t pos = path.empty() || path[0] != '/' ? 0 : 1;
  while (true) {
    const size_t slash = path.find('/', pos);
    if (slash == std::string::npos) {
      out.push_back(path.substr(pos));
      return out;
    }
    out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
}

bool decode(const std::string& raw, std::string& out) {
  out.clear();
  try {
    Poco::URI::decode(raw, out);
    return true;
  } catch (const Poco::Exception&) {
    return false;
  }
}

}  // namespace

std::vector<Router::Segment> Router::parsePattern(const std::string& pattern) {
  if (pattern.empty() || pattern[0] != '/') {
    throw std::logic_error("route pattern must start with '/': " + pattern);
  }
  std::vector<Segment> segments;
  const auto parts = splitPath(pattern);
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    if (p.size() >= 2 && p.front() == '{' && p.back() == '}') {
      std::string name = p.substr(1, p.size() - 2);
      SegmentKind kind = SegmentKind::kParam;
      if (name.size() > 3 && name.compare(name.size() - 3, 3, "...") == 0) {
        if (i + 1 != parts.size()) {
          throw std::logic_error("a catch-all must be the last segment: " + pattern);
        }
        name.resize(name.size() - 3);
        kind = SegmentKind::kCatchAll;
      }
      if (name.empty() || name.find_first_of("{}./") != std::string::npos) {
        throw std::logic_error("bad parameter name in route pattern: " + pattern);
      }
      segments.push_back({kind, std::move(name)});
    } else {
      if (p.find_first_of("{}") != std::string::npos) {
        throw std::logic_error("'{' or '}' inside a literal segment: " + pattern);
      }
      segments.push_back({SegmentKind::kLiteral, p});
    }
  }
  return segments;
}

void Router::add(std::string method, std::string pattern, HttpHandler handler) {
  if (method.empty()) throw std::logic_error("route without a method: " + pattern);
  if (!handler) throw std::logic_error("route without a handler: " + method + " " + pattern);
  auto segments = parsePattern(pattern);
  for (const auto& r : routes_) {
    if (r.method != method || r.segments.size() != segments.size()) continue;
    bool same = true;
    for (size_t i = 0; i < segments.size() && same; ++i) {
      same = r.segments[i].kind == segments[i].kind &&
             (segments[i].kind != SegmentKind::kLiteral || r.segments[i].text == segments[i].text);
    }
    if (same) {
      throw std::logic_error("route registered twice: " + method + " " + pattern + " (first as " +
                             r.pattern + ")");
    }
  }
  routes_.push_back(
      {std::move(method), std::move(pattern), std::move(segments), std::move(handler)});
}

bool Router::matches(const Route& route, const std::vector<std::string>& path,
                     std::map<std::string, std::string>* params) {
  const auto& segs = route.segments;
  const bool catchAll = !segs.empty() && segs.back().kind == SegmentKind::kCatchAll;
  if (catchAll ? path.size() < segs.size() : path.size() != segs.size()) return false;
  std::string decoded;
  for (size_t i = 0; i < segs.size(); ++i) {
    const Segment& s = segs[i];
    switch (s.kind) {
      case SegmentKind::kLiteral:
        if (!decode(path[i], decoded) || decoded != s.text) return false;
        break;
      case SegmentKind::kParam:
        if (path[i].empty() || !decode(path[i], decoded)) return false;
        if (params != nullptr) (*params)[s.text] = decoded;
        break;
      case SegmentKind::kCatchAll: {
        std::string rest;
        for (size_t j = i; j < path.size(); ++j) {
          if (j > i) rest += '/';
          rest += path[j];
        }
        if (!decode(rest, decoded)) return false;
        if (params != nullptr) (*params)[s.text] = decoded;
        break;
      }
    }
  }
  return true;
}

RouteMatch Router::match(const std::string& method, const std::string& path) const {
  RouteMatch result;
  const auto parts = splitPath(path);
  const Route* best = nullptr;
  std::set<std::string> allowed;
  // Lexicographic on segment kinds: a literal (0) is more specific than a parameter (1).
  auto moreSpecific = [](const Route& a, const Route& b) {
    const size_t n = std::min(a.segments.size(), b.segments.size());
    for (size_t i = 0; i < n; ++i) {
      if (a.segments[i].kind != b.segments[i].kind) return a.segments[i].kind < b.segments[i].kind;
    }
    return a.segments.size() > b.segments.size();
  };
  auto consider = [&](const std::string& wanted) {
    for (const auto& r : routes_) {
      if (!matches(r, parts, nullptr)) continue;
      allowed.insert(r.method);
      if (r.method == "GET") allowed.insert("HEAD");
      if (r.method == wanted && (best == nullptr || moreSpecific(r, *best))) best = &r;
    }
  };
  consider(method);
  if (best == nullptr && method == "HEAD") consider("GET");
  if (best != nullptr) {
    result.outcome = RouteMatch::Outcome::kMatched;
    result.handler = &best->handler;
    result.pattern = best->pattern;
    matches(*best, parts, &result.params);
    return result;
  }
  if (!allowed.empty()) {
    result.outcome = RouteMatch::Outcome::kMethodNotAllowed;
    result.allowed.assign(allowed.begin(), allowed.end());
  }
  return result;
}

}  // namespace berichtd::http
