#include "core/clock.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

namespace berichtd {

std::optional<TimePoint> parseIso8601(const std::string& text) {
  Poco::DateTime dt;
  int tzd = 0;
  const std::string formats[] = {Poco::DateTimeFormat::ISO8601_FRAC_FORMAT,
                                 Poco::DateTimeFormat::ISO8601_FORMAT, "%Y-%m-%d"};
  for (const auto& f : formats) {
    if (Poco::DateTimeParser::tryParse(f, text, dt, tzd)) {
      dt.makeUTC(tzd);
      auto us = dt.timestamp().epochMicroseconds();
      return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(us)));
    }
  }
  return std::nullopt;
}

std::string formatIso8601(TimePoint t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  return Poco::DateTimeFormatter::format(Poco::Timestamp(us), "%Y-%m-%dT%H:%M:%S.%iZ");
}

}  // namespace berichtd
