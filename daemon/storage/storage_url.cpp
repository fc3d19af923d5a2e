#include "storage/storage_url.hpp"

#include <cctype>
#include <charconv>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace berichtd::storage {
namespace {

constexpr std::string_view kCode = "STORAGE_URL_INVALID";
constexpr std::string_view kMask = "***";
// libpq waits this long for a connection unless the URL says otherwise; Poco's own default
// (60 s) would keep the daemon's start hanging on an unreachable server.
constexpr std::string_view kDefaultConnectTimeoutSeconds = "10";

Status invalid(const std::string& masked, const std::string& why) {
  return Status::error(std::string(kCode), "storage URL '" + masked + "': " + why);
}

// Masks the userinfo password and any password= query value, also in malformed URLs, so that
// even error messages about a broken URL cannot leak it.
std::string maskUrl(std::string_view url) {
  std::string out(url);
  const auto schemeEnd = out.find("://");
  if (schemeEnd != std::string::npos) {
    const auto authStart = schemeEnd + 3;
    auto authEnd = out.find_first_of("/?#", authStart);
    if (authEnd == std::string::npos) authEnd = out.size();
    const auto at = out.rfind('@', authEnd == 0 ? 0 : authEnd - 1);
    if (at != std::string::npos && at >= authStart) {
      const auto colon = out.find(':', authStart);
      if (colon != std::string::npos && colon < at) {
        out.replace(colon + 1, at - colon - 1, kMask);
      }
    }
  }
  const auto query = out.find('?');
  if (query != std::string::npos) {
    std::size_t pos = query + 1;
    while (pos < out.size()) {
      auto end = out.find('&', pos);
      if (end == std::string::npos) end = out.size();
      const std::string_view pair(out.data() + pos, end - pos);
      if (pair.rfind("password=", 0) == 0) {
        out.replace(pos + 9, end - pos - 9, kMask);
        end = pos + 9 + kMask.size();
      }
      pos = end + 1;
    }
  }
  return out;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    const int hi = hexValue(in[i + 1]);
    const int lo = hexValue(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

bool hasWhitespace(std::string_view s) {
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

// A libpq keyword=value pair. Values are quoted when libpq needs it; whitespace is impossible
// here (checked by the caller) because Poco splits the connection string on spaces.
std::string pgPair(std::string_view key, std::string_view value) {
  std::string out(key);
  out += '=';
  const bool needsQuotes = value.empty() || value.find_first_of("'\\") != std::string_view::npos;
  if (!needsQuotes) return out.append(value);
  out += '\'';
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

Result<StorageUrl> parseSqlite(std::string_view rest, const std::string& masked) {
  StorageUrl url;
  url.backend = Backend::kSqlite;
  url.masked = masked;
  if (rest.empty()) return invalid(masked, "no database path after sqlite://");
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return invalid(masked, "query parameters are not supported for sqlite URLs");
  }
  // sqlite:///abs → rest "/abs"; sqlite://rel → rest "rel". Both are the path as written.
  if (rest == "/") return invalid(masked, "no database path after sqlite:///");
  if (rest.back() == '/') return invalid(masked, "the path names a directory, not a file");
  url.sqlitePath = std::string(rest);
  return url;
}

Result<StorageUrl> parsePostgres(std::string_view rest, const std::string& masked) {
  StorageUrl url;
  url.backend = Backend::kPostgres;
  url.masked = masked;

  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (rest.find('#') != std::string_view::npos) return invalid(masked, "fragments are not allowed");

  std::string_view authority = rest;
  std::string_view path;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash + 1);
  }

  std::string_view userinfo;
  std::string_view hostport = authority;
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    userinfo = authority.substr(0, at);
    hostport = authority.substr(at + 1);
  }

  std::vector<std::pair<std::string, std::string>> pairs;
  std::set<std::string> keys;
  auto add = [&](std::string key, std::string value) -> Status {
    if (hasWhitespace(value)) {
      return invalid(masked, "the value of '" + key +
                                 "' contains whitespace, which Poco's PostgreSQL connector "
                                 "cannot pass on");
    }
    if (!keys.insert(key).second) return invalid(masked, "'" + key + "' is given twice");
    pairs.emplace_back(std::move(key), std::move(value));
    return Status::ok();
  };

  if (!userinfo.empty()) {
    std::string_view user = userinfo;
    std::optional<std::string_view> password;
    if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      password = userinfo.substr(colon + 1);
    }
    auto decodedUser = percentDecode(user);
    if (!decodedUser) return invalid(masked, "bad percent-encoding in the user name");
    if (decodedUser->empty()) return invalid(masked, "empty user name before '@'");
    if (Status s = add("user", *decodedUser); !s) return s;
    if (password) {
      auto decoded = percentDecode(*password);
      if (!decoded) return invalid(masked, "bad percent-encoding in the password");
      url.pgPassword = *decoded;
      if (Status s = add("password", *decoded); !s) return s;
    }
  }

  std::string_view host = hostport;
  std::string_view port;
  if (!hostport.empty() && hostport.front() == '[') {
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) return invalid(masked, "unterminated '[' in the host");
    host = hostport.substr(1, close - 1);
    const auto after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return invalid(masked, "unexpected text after ']'");
      port = after.substr(1);
    }
  } else if (const auto colon = hostport.rfind(':'); colon != std::string_view::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
    if (port.empty()) return invalid(masked, "empty port after ':'");
  }
  if (!host.empty()) {
    auto decodedHost = percentDecode(host);
    if (!decodedHost) return invalid(masked, "bad percent-encoding in the host");
    if (Status s = add("host", *decodedHost); !s) return s;
  }
  if (!port.empty()) {
    int value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value < 1 || value > 65535) {
      return invalid(masked, "port '" + std::string(port) + "' is not a number in 1..65535");
    }
    if (Status s = add("port", std::to_string(value)); !s) return s;
  }
  if (!path.empty()) {
    if (path.find('/') != std::string_view::npos) {
      return invalid(masked, "the database name may not contain '/'");
    }
    auto decodedDb = percentDecode(path);
    if (!decodedDb) return invalid(masked, "bad percent-encoding in the database name");
    if (Status s = add("dbname", *decodedDb); !s) return s;
  }

  while (!query.empty()) {
    auto amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return invalid(masked, "query parameter '" + maskUrl("?" + std::string(item)).substr(1) +
                                 "' is not key=value");
    }
    const std::string key(item.substr(0, eq));
    for (char c : key) {
      if (!(std::islower(static_cast<unsigned char>(c)) || c == '_')) {
        return invalid(masked, "'" + key + "' is not a libpq parameter name");
      }
    }
    auto value = percentDecode(item.substr(eq + 1));
    if (!value) return invalid(masked, "bad percent-encoding in '" + key + "'");
    if (key == "password") url.pgPassword = *value;
    if (Status s = add(key, *value); !s) return s;
  }

  if (!keys.count("connect_timeout")) {
    pairs.emplace_back("connect_timeout", std::string(kDefaultConnectTimeoutSeconds));
  }
  if (!keys.count("application_name")) pairs.emplace_back("application_name", "berichtd");

  for (const auto& [key, value] : pairs) {
    if (!url.pgConnectionString.empty()) url.pgConnectionString += ' ';
    url.pgConnectionString += pgPair(key, value);
  }
  return url;
}

}  // namespace

std::string backendName(Backend backend) {
  return backend == Backend::kSqlite ? "sqlite" : "postgresql";
}

Result<StorageUrl> StorageUrl::parse(std::string_view text) {
  const std::string masked = maskUrl(text);
  if (text.empty()) return invalid(masked, "empty; expected sqlite://PATH or postgresql://...");
  if (hasWhitespace(text)) return invalid(masked, "contains whitespace");
  const auto schemeEnd = text.find("://");
  if (schemeEnd == std::string_view::npos) {
    return invalid(masked, "no scheme; expected sqlite://PATH or postgresql://...");
  }
  const std::string_view scheme = text.substr(0, schemeEnd);
  const std::string_view rest = text.substr(schemeEnd + 3);
  if (scheme == "sqlite") return parseSqlite(rest, masked);
  if (scheme == "postgresql" || scheme == "postgres") return parsePostgres(rest, masked);
  return invalid(masked,
                 "unknown scheme '" + std::string(scheme) + "'; expected sqlite or postgresql");
}

}  // namespace berichtd::storage
