// DailyRun: the "once a day from an hour" part shared by the daemon's daily schedulers (the
// billing run, BillingService; the retention sweep, RetentionService).
//
// Contract
// - pass(now, runHour, finished, run): once the platform clock's day (Europe/Amsterdam) has
//   reached runHour and that day is not done yet, finished(day) is asked first (the store
//   remembers finished days, so a restart does not run the day again); when it answers no,
//   run() runs the day. The day counts as done when finished() said yes or run() succeeded; a
//   failed run or an unreadable store is tried again on the next pass. Answers whether today
//   is done. The caller polls; the run itself may read the clock again.
// Not thread-safe: one scheduler thread owns it.
#pragma once

#include <berichtd/status.hpp>
#include <functional>
#include <string>

#include "accounts/validation.hpp"
#include "core/clock.hpp"

namespace berichtd::app {

class DailyRun {
 public:
  bool pass(TimePoint now, int runHour,
            const std::function<Result<bool>(const std::string& day)>& finished,
            const std::function<bool()>& run) {
    const std::string today = accounts::amsterdamDate(now);
    if (lastDay_ != today && accounts::amsterdamHour(now) >= runHour) {
      auto done = finished(today);
      if (done && (*done || run())) lastDay_ = today;
    }
    return lastDay_ == today;
  }

 private:
  std::string lastDay_;  // the last day known done
};

}  // namespace berichtd::app
