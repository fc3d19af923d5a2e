// RequestClock: the platform clock as seen by a plugin in a berichtd-plugin-host process.
//
// The daemon's clock may be a manual one (rehearsals), which another process cannot read. So
// every request the daemon sends carries its "now" in the header kNowHeader, and while a
// plugin host handles that request, now() on the handling thread returns exactly that time.
// Outside a request (a plugin's own thread) it falls back to the system clock.
#pragma once

#include "core/clock.hpp"

#include <berichtd/message.hpp>

#include <optional>

namespace berichtd::plugin {

inline constexpr const char* kNowHeader = "x-berichtd-now-ms";

// Stamps the platform time on a request before it goes on the bus.
void stampNow(Message& request, const Clock& clock);

class RequestClock final : public Clock {
 public:
  TimePoint now() const override;
  // Sets this thread's time from a request's header for the lifetime of the scope.
  class Scope {
   public:
    explicit Scope(const Message& request);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
  };
};

}  // namespace berichtd::plugin
