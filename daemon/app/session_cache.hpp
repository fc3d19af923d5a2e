// SessionCache: the daemon's short memory of sessions the auth plugin has just confirmed, so a
// client making many requests does not cost a bus round trip to the plugin on every one of them
// (four thread switches and a database read: on the message path the largest cost left after
// the storage work). docs/auth-plugin.md "Session checks".
//
// Contract (pure apart from its mutex; every time is passed in)
// - put(token, accountId, expiresAt, platformNow, steadyNow): remember the plugin's answer for
//   `token` (only its SHA-256 is kept).
// - find(token, platformNow, steadyNow): the account id while ALL of these hold, else nullopt:
//     steadyNow   - steady time of put  < ttl   (real time: bounds staleness)
//     platformNow - platform time of put < ttl (a manual rehearsal clock that jumps ahead asks
//                                               the plugin again, which also touches the idle
//                                               timer, AU8)
//     platformNow < expiresAt                  (never past the session's own end)
//   A platform clock set back keeps an entry valid no longer than the real-time bound.
// - forget(token): logout through this daemon ends the session here at once.
// - clear(): recovery ends all of an account's sessions in the plugin: forget everything.
// - At most kMaxEntries; when full, the expired are dropped, and if that is not enough, all.
// So a session ended elsewhere (another daemon on the same PostgreSQL database) may still be
// accepted here for at most ttl; the account's own state is read from the database on every
// request regardless.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"

namespace berichtd::app {

class SessionCache {
 public:
  static constexpr std::size_t kMaxEntries = 10000;
  using Steady = std::chrono::steady_clock::time_point;

  explicit SessionCache(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  void put(const std::string& token, int64_t accountId, TimePoint expiresAt, TimePoint platformNow,
           Steady steadyNow);
  std::optional<int64_t> find(const std::string& token, TimePoint platformNow,
                              Steady steadyNow) const;
  void forget(const std::string& token);
  void clear();
  std::size_t size() const;

 private:
  struct Entry {
    int64_t accountId;
    TimePoint expiresAt;
    TimePoint platformAt;
    Steady steadyAt;
  };
  bool fresh(const Entry& e, TimePoint platformNow, Steady steadyNow) const;

  std::chrono::milliseconds ttl_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // by SHA-256 of the token
};

}  // namespace berichtd::app
