#include "core/clock.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

namespace berichtd {

namespace {

// Reads exactly n digits at text[pos]; -1 when they are not all digits.
int digits(const std::string& text, size_t pos, size_t n) {
  if (pos + n > text.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}

}  // namespace

// Strict on purpose: Poco's DateTimeParser accepts almost anything ("gisteren" included).
// Forms: YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM).
std::optional<TimePoint> parseIso8601(const std::string& text) {
  const int y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
  if (y < 0 || mo < 0 || d < 0 || text.size() < 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  int h = 0, mi = 0, s = 0;
  int64_t micros = 0;
  int64_t offsetMinutes = 0;
  if (text.size() > 10) {
    if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':')
      return std::nullopt;
    h = digits(text, 11, 2);
    mi = digits(text, 14, 2);
    s = digits(text, 17, 2);
    if (h < 0 || mi < 0 || s < 0) return std::nullopt;
    size_t pos = 19;
    if (text[pos] == '.') {
      size_t start = ++pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
      if (pos == start || pos - start > 9) return std::nullopt;
      std::string frac = text.substr(start, pos - start);
      frac.resize(6, '0');
      micros = digits(frac, 0, 6);
    }
    if (pos >= text.size()) return std::nullopt;
    if (text[pos] == 'Z' && pos + 1 == text.size()) {
      offsetMinutes = 0;
    } else if ((text[pos] == '+' || text[pos] == '-') && pos + 6 == text.size() &&
               text[pos + 3] == ':') {
      const int oh = digits(text, pos + 1, 2), om = digits(text, pos + 4, 2);
      if (oh < 0 || om < 0 || oh > 23 || om > 59) return std::nullopt;
      offsetMinutes = (text[pos] == '-' ? -1 : 1) * (oh * 60 + om);
    } else {
      return std::nullopt;
    }
  }
  if (!Poco::DateTime::isValid(y, mo, d, h, mi, s)) return std::nullopt;
  Poco::DateTime dt(y, mo, d, h, mi, s);
  micros += dt.timestamp().epochMicroseconds() - offsetMinutes * 60 * 1000000;
  return TimePoint(
      std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(micros)));
}

std::string formatIso8601(TimePoint t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  return Poco::DateTimeFormatter::format(Poco::Timestamp(us), "%Y-%m-%dT%H:%M:%S.%iZ");
}

std::chrono::year_month_day addCalendarMonths(std::chrono::year_month_day day, int months) {
  using namespace std::chrono;
  const year_month target = year_month(day.year(), day.month()) + std::chrono::months(months);
  const auto last = year_month_day_last(target.year(), month_day_last(target.month())).day();
  return year_month_day(target.year(), target.month(), day.day() > last ? last : day.day());
}

std::optional<std::chrono::year_month_day> parseIsoDate(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int y = std::stoi(text.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(text.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(text.substr(8, 2)));
  const std::chrono::year_month_day out{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!out.ok()) return std::nullopt;
  return out;
}

}  // namespace berichtd
