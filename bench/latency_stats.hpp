// Latency statistics shared by the end-to-end benchmarks: mean, p50, p99, min and max of a set
// of samples in microseconds (nearest-rank percentiles). Header-only, bench code.
#pragma once

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <vector>

namespace berichtd::bench {

struct Stats {
  double mean = 0, p50 = 0, p99 = 0, min = 0, max = 0;  // microseconds
  std::size_t n = 0;
};

inline Stats stats(std::vector<double> us) {
  Stats s;
  s.n = us.size();
  if (us.empty()) return s;
  std::sort(us.begin(), us.end());
  s.mean = std::accumulate(us.begin(), us.end(), 0.0) / static_cast<double>(us.size());
  auto pct = [&us](double q) {
    std::size_t i = static_cast<std::size_t>(q * static_cast<double>(us.size() - 1) + 0.5);
    return us[std::min(i, us.size() - 1)];
  };
  s.p50 = pct(0.50);
  s.p99 = pct(0.99);
  s.min = us.front();
  s.max = us.back();
  return s;
}

}  // namespace berichtd::bench
