#include "http/http_types.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <cctype>

namespace berichtd::http {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (equalsIgnoreCase(k, name)) return v;
  }
  return {};
}

namespace {

std::string decodeQueryPart(std::string part) {
  for (char& c : part) {
    if (c == '+') c = ' ';
  }
  std::string out;
  try {
    Poco::URI::decode(part, out);
  } catch (const Poco::Exception&) {
    // A malformed escape is taken literally rather than failing the whole request.
    return part;
  }
  return out;
}

}  // namespace

std::string HttpRequest::queryParam(std::string_view name) const {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string::npos) end = query.size();
    const std::string_view pair(query.data() + pos, end - pos);
    const size_t eq = pair.find('=');
    const std::string key = decodeQueryPart(std::string(pair.substr(0, eq)));
    if (key == name) {
      return eq == std::string_view::npos ? std::string()
                                          : decodeQueryPart(std::string(pair.substr(eq + 1)));
    }
    pos = end + 1;
  }
  return {};
}

void HttpResponse::setHeader(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (equalsIgnoreCase(k, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::optional<int64_t> parseWholeNumber(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace berichtd::http
