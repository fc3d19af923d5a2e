#include "plugin/request_clock.hpp"

#include <string>

namespace berichtd::plugin {

namespace {
thread_local std::optional<TimePoint> tlsNow;
}

void stampNow(Message& request, const Clock& clock) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock.now().time_since_epoch());
  request.setHeader(kNowHeader, std::to_string(ms.count()));
}

TimePoint RequestClock::now() const {
  return tlsNow ? *tlsNow : std::chrono::system_clock::now();
}

RequestClock::Scope::Scope(const Message& request) {
  const std::string v = request.header(kNowHeader);
  if (v.empty()) return;
  try {
    tlsNow = TimePoint(std::chrono::milliseconds(std::stoll(v)));
  } catch (...) {
    tlsNow.reset();
  }
}

RequestClock::Scope::~Scope() { tlsNow.reset(); }

}  // namespace berichtd::plugin
