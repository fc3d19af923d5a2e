// RequestWindow: recent bus request outcomes per service over a sliding window of whole seconds
// (SPEC S2: "health from reality" — the error rate and latency the status page judges).
//
// Contract
// - record(service, ok, latency, now): one request's outcome at steady time `now`.
// - stats(service, now): requests, errors and the p95 latency (upper bound of the latency
//   bucket holding the 95th percentile, in ms) of the last `window` seconds before now;
//   zeros for a service without requests. Older seconds fall out as time passes.
// - Memory is fixed: one slot per second of the window per service seen.
// Thread-safety: all methods lock; safe from any thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace berichtd::status {

struct WindowStats {
  int64_t requests = 0;
  int64_t errors = 0;
  int64_t p95Ms = 0;
};

class RequestWindow {
 public:
  using Clock = std::chrono::steady_clock;
  // Latency buckets (upper bounds, ms); the last catches everything slower.
  static constexpr std::array<int64_t, 12> kBucketsMs = {5,   10,   25,   50,   100,   250,
                                                         500, 1000, 2000, 5000, 10000, 60000};

  explicit RequestWindow(std::chrono::seconds window = std::chrono::seconds(300))
      : seconds_(window.count() > 0 ? window.count() : 1) {}

  void record(const std::string& service, bool ok, std::chrono::milliseconds latency,
              Clock::time_point now = Clock::now());
  WindowStats stats(const std::string& service, Clock::time_point now = Clock::now()) const;

 private:
  struct Slot {
    int64_t second = -1;  // which second since the clock's epoch this slot holds
    int64_t requests = 0;
    int64_t errors = 0;
    std::array<int64_t, kBucketsMs.size()> latency{};
  };
  int64_t seconds_;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Slot>> slots_;
};

}  // namespace berichtd::status
