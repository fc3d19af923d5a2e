// The platform clock: one injectable source of "now" for every calendar rule (deadlines,
// billing days, link expiry, sessions, retention). SystemClock reads the real time;
// ManualClock is set by tests and by operators rehearsing the migration timeline
// (`clock.mode: manual`, `berichtctl clock set`). Timeouts of the bus and HTTP use
// std::chrono::steady_clock instead: they measure durations, not calendar time.
// Both implementations are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

namespace berichtd {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  virtual bool isManual() const { return false; }
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : ms_(toMs(start)) {}
  TimePoint now() const override { return TimePoint(std::chrono::milliseconds(ms_.load())); }
  bool isManual() const override { return true; }
  void set(TimePoint t) { ms_.store(toMs(t)); }
  void advance(std::chrono::milliseconds d) { ms_.fetch_add(d.count()); }

 private:
  static int64_t toMs(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  }
  std::atomic<int64_t> ms_;
};

// ISO 8601 with offset ("2026-03-01T00:00:00+01:00", "2026-03-01T00:00:00Z") or a bare date
// (midnight UTC). nullopt when the text is not such a time.
std::optional<TimePoint> parseIso8601(const std::string& text);
// UTC, "2026-03-01T00:00:00.000Z".
std::string formatIso8601(TimePoint t);
// A calendar date written exactly "YYYY-MM-DD" that exists (no 2026-02-29); nullopt otherwise.
std::optional<std::chrono::year_month_day> parseIsoDate(const std::string& text);
// The SPEC's month arithmetic (R1, R2, M2): the same day `months` calendar months later, or the
// last day of that month when it is shorter (2026-08-31 + 6 = 2027-02-28).
std::chrono::year_month_day addCalendarMonths(std::chrono::year_month_day day, int months);

}  // namespace berichtd
