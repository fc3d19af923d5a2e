#include "campaigns/campaign_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace berichtd::campaigns {

namespace {

using config::ConfigError;

class Errors {
 public:
  explicit Errors(std::string file) : file_(std::move(file)) {}
  // yaml-cpp marks are 0-based; the errors are 1-based like the main configuration's.
  void add(const YAML::Mark& m, std::string message) {
    list_.push_back(ConfigError{file_, m.is_null() ? 1 : m.line + 1, m.is_null() ? 1 : m.column + 1,
                                std::move(message)});
  }
  std::vector<ConfigError> sorted() {
    std::stable_sort(list_.begin(), list_.end(), [](const auto& a, const auto& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    return std::move(list_);
  }
  bool empty() const { return list_.empty(); }

 private:
  std::string file_;
  std::vector<ConfigError> list_;
};

bool validName(const std::string& s, bool dash) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [dash](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (dash && c == '-');
  });
}

const std::vector<std::string>& knownKeys() {
  static const std::vector<std::string> kKeys = {"name",      "template",     "audience",
                                                 "send_at",   "send_until",   "request_link",
                                                 "wave_size", "wave_interval"};
  return kKeys;
}

std::optional<Campaign> parseItem(const YAML::Node& item, const std::string& path, Errors& e,
                                  std::set<std::string>& names) {
  if (!item.IsMap()) {
    e.add(item.Mark(), path + ": expected a map with name, template, audience and send_at");
    return std::nullopt;
  }
  Campaign c;
  bool ok = true;
  std::set<std::string> seen;
  // Where wave_size and wave_interval were written (YAML::Node assignment would alias nodes).
  std::optional<YAML::Mark> waveSizeAt, waveIntervalAt;
  std::optional<YAML::Mark> sendUntilAt;  // where a valid send_until was written
  std::string sendUntilText;
  for (const auto& kv : item) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    const YAML::Node& v = kv.second;
    const std::string at = path + "." + key;
    if (std::find(knownKeys().begin(), knownKeys().end(), key) == knownKeys().end()) {
      e.add(kv.first.Mark(), path + ": unknown key '" + key +
                                 "' (known: name, template, audience, send_at, send_until, "
                                 "request_link, wave_size, wave_interval)");
      ok = false;
      continue;
    }
    if (!seen.insert(key).second) {
      e.add(kv.first.Mark(), "duplicate key '" + at + "'");
      ok = false;
      continue;
    }
    if (!v.IsScalar()) {
      e.add(v.Mark(), at + ": expected a value");
      ok = false;
      continue;
    }
    const std::string text = v.Scalar();
    if (key == "name") {
      if (!validName(text, true)) {
        e.add(v.Mark(), at + ": '" + text + "' is not a campaign name ([a-z0-9_-], 1-64)");
        ok = false;
      } else if (!names.insert(text).second) {
        e.add(v.Mark(), at + ": a campaign named '" + text + "' is already defined");
        ok = false;
      }
      c.name = text;
    } else if (key == "template") {
      if (!validName(text, false)) {
        e.add(v.Mark(), at + ": '" + text + "' is not a template name ([a-z0-9_], 1-64)");
        ok = false;
      }
      c.templateName = text;
    } else if (key == "audience") {
      auto a = parseAudience(text);
      if (!a) {
        e.add(v.Mark(), at + ": '" + text + "' is not one of all, migrated, active");
        ok = false;
      } else {
        c.audience = *a;
      }
    } else if (key == "send_at") {
      auto t = parseIso8601(text);
      if (!t) {
        e.add(v.Mark(),
              at + ": '" + text + "' is not an ISO 8601 time (e.g. 2026-02-16T08:00:00+01:00)");
        ok = false;
      } else {
        c.sendAt = *t;
        c.sendAtText = text;
      }
    } else if (key == "send_until") {
      auto t = parseIso8601(text);
      if (!t) {
        e.add(v.Mark(),
              at + ": '" + text + "' is not an ISO 8601 time (e.g. 2026-02-13T00:00:00+01:00)");
        ok = false;
      } else {
        c.sendUntil = *t;
        sendUntilAt = v.Mark();
        sendUntilText = text;
      }
    } else if (key == "request_link") {
      if (text != "true" && text != "false") {
        e.add(v.Mark(), at + ": expected true or false, got '" + text + "'");
        ok = false;
      }
      c.requestLink = text == "true";
    } else if (key == "wave_size") {
      waveSizeAt = v.Mark();
      long long n = 0;
      std::size_t used = 0;
      try {
        n = std::stoll(text, &used);
      } catch (...) {
        used = 0;
      }
      if (used != text.size() || text.empty() || n < 1 || n > 10000000) {
        e.add(v.Mark(), at + ": expected a whole number 1-10000000, got '" + text + "'");
        ok = false;
      }
      c.waveSize = n;
    } else if (key == "wave_interval") {
      waveIntervalAt = v.Mark();
      auto d = parseInterval(text);
      if (!d) {
        e.add(v.Mark(), at + ": '" + text + "' is not an interval (e.g. 90s, 15m, 1h, 1d)");
        ok = false;
      } else {
        c.waveInterval = *d;
      }
    }
  }
  for (const char* required : {"name", "template", "audience", "send_at"}) {
    if (!seen.count(required)) {
      e.add(item.Mark(), path + ": '" + required + "' is missing");
      ok = false;
    }
  }
  // M4: a wave needs both its size and its interval.
  if (waveSizeAt && !waveIntervalAt) {
    e.add(*waveSizeAt, path + ".wave_size: needs wave_interval too");
    ok = false;
  }
  if (waveIntervalAt && !waveSizeAt) {
    e.add(*waveIntervalAt, path + ".wave_interval: needs wave_size too");
    ok = false;
  }
  // A campaign that stops before it starts would send nothing: surely a typo.
  if (sendUntilAt && !c.sendAtText.empty() && *c.sendUntil <= c.sendAt) {
    e.add(*sendUntilAt, path + ".send_until: '" + sendUntilText + "' is not after send_at '" +
                            c.sendAtText + "'");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return c;
}

}  // namespace

std::string_view audienceName(Audience a) {
  switch (a) {
    case Audience::kMigrated:
      return "migrated";
    case Audience::kActive:
      return "active";
    case Audience::kAll:
    default:
      return "all";
  }
}

std::optional<Audience> parseAudience(std::string_view text) {
  if (text == "all") return Audience::kAll;
  if (text == "migrated") return Audience::kMigrated;
  if (text == "active") return Audience::kActive;
  return std::nullopt;
}

std::optional<std::chrono::seconds> parseInterval(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  const char unit = text.back();
  const std::string digits = text.substr(0, text.size() - 1);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      digits.size() > 7)
    return std::nullopt;
  const long long n = std::stoll(digits);
  long long factor = 0;
  switch (unit) {
    case 's':
      factor = 1;
      break;
    case 'm':
      factor = 60;
      break;
    case 'h':
      factor = 3600;
      break;
    case 'd':
      factor = 86400;
      break;
    default:
      return std::nullopt;
  }
  if (n <= 0) return std::nullopt;
  return std::chrono::seconds(n * factor);
}

CampaignFile parseCampaigns(const std::string& yamlText, const std::string& fileName) {
  CampaignFile out;
  Errors e(fileName);
  YAML::Node root;
  try {
    root = YAML::Load(yamlText);
  } catch (const YAML::ParserException& ex) {
    e.add(ex.mark, "YAML syntax error: " + ex.msg);
    out.errors = e.sorted();
    return out;
  }
  if (!root || root.IsNull()) return out;  // an empty file: no campaigns
  if (!root.IsMap()) {
    e.add(root.Mark(), "the top level must be a map with the key 'campaigns'");
    out.errors = e.sorted();
    return out;
  }
  std::set<std::string> names;
  std::vector<Campaign> found;
  for (const auto& kv : root) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    if (key != "campaigns") {
      e.add(kv.first.Mark(), "unknown key '" + key + "' (known: campaigns)");
      continue;
    }
    const YAML::Node& list = kv.second;
    if (list.IsNull()) continue;
    if (!list.IsSequence()) {
      e.add(list.Mark(), "campaigns: expected a list of campaigns");
      continue;
    }
    std::size_t i = 0;
    for (const auto& item : list) {
      auto c = parseItem(item, "campaigns." + std::to_string(i++), e, names);
      if (c) found.push_back(std::move(*c));
    }
  }
  if (e.empty()) {
    out.campaigns = std::move(found);
  } else {
    out.errors = e.sorted();
  }
  return out;
}

CampaignFile loadCampaignsFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    CampaignFile out;
    out.errors.push_back(ConfigError{path, 0, 0, "cannot read the campaigns file"});
    return out;
  }
  std::ostringstream s;
  s << in.rdbuf();
  return parseCampaigns(s.str(), path);
}

}  // namespace berichtd::campaigns
