#include "accounts/migration_window.hpp"

#include <algorithm>

namespace berichtd::accounts {

bool inWindow(const MigrationTimes& t, TimePoint now) { return t.cutoff <= now && now < t.startup; }

int64_t retryAfterSeconds(const MigrationTimes& t, TimePoint now) {
  // Rounded up: a client that waits exactly this long finds the platform open.
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.startup - now).count();
  return std::max<int64_t>(1, (ms + 999) / 1000);
}

bool identityFrozen(const MigrationTimes& t, TimePoint now) {
  return t.identityFreezeFrom <= now && now < t.startupComplete;
}

namespace {

// `path` is `prefix` itself or continues it with '/' or '?': /api/v1x is not /api/v1.
bool under(std::string_view path, std::string_view prefix) {
  if (path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/' || path[prefix.size()] == '?';
}

}  // namespace

bool isUserPath(std::string_view path) {
  return under(path, "/api/v1") || under(path, "/activeren");
}

}  // namespace berichtd::accounts
