#include "app/session_cache.hpp"

#include "core/tokens.hpp"

namespace berichtd::app {

bool SessionCache::fresh(const Entry& e, TimePoint platformNow, Steady steadyNow) const {
  return steadyNow - e.steadyAt < ttl_ && platformNow - e.platformAt < ttl_ &&
         platformNow < e.expiresAt;
}

void SessionCache::put(const std::string& token, int64_t accountId, TimePoint expiresAt,
                       TimePoint platformNow, Steady steadyNow) {
  const std::string key = sha256Hex(token);
  std::lock_guard lock(mu_);
  if (entries_.size() >= kMaxEntries) {
    std::erase_if(entries_,
                  [&](const auto& kv) { return !fresh(kv.second, platformNow, steadyNow); });
    if (entries_.size() >= kMaxEntries) entries_.clear();
  }
  entries_[key] = Entry{accountId, expiresAt, platformNow, steadyNow};
}

std::optional<int64_t> SessionCache::find(const std::string& token, TimePoint platformNow,
                                          Steady steadyNow) const {
  const std::string key = sha256Hex(token);
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || !fresh(it->second, platformNow, steadyNow)) return std::nullopt;
  return it->second.accountId;
}

void SessionCache::forget(const std::string& token) {
  const std::string key = sha256Hex(token);
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

void SessionCache::clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
}

std::size_t SessionCache::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace berichtd::app
