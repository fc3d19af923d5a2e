#include "status/request_window.hpp"

#include <algorithm>

namespace berichtd::status {

namespace {

int64_t secondOf(RequestWindow::Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

void RequestWindow::record(const std::string& service, bool ok, std::chrono::milliseconds latency,
                           Clock::time_point now) {
  const int64_t second = secondOf(now);
  std::lock_guard lock(mutex_);
  auto& ring = slots_[service];
  if (ring.empty()) ring.resize(static_cast<std::size_t>(seconds_));
  Slot& slot = ring[static_cast<std::size_t>(second % seconds_)];
  if (slot.second != second) slot = Slot{second, 0, 0, {}};  // a second that left the window
  ++slot.requests;
  if (!ok) ++slot.errors;
  const auto bucket = std::lower_bound(kBucketsMs.begin(), kBucketsMs.end(), latency.count());
  const auto index = static_cast<std::size_t>(
      std::min<std::ptrdiff_t>(bucket - kBucketsMs.begin(), kBucketsMs.size() - 1));
  ++slot.latency[index];
}

WindowStats RequestWindow::stats(const std::string& service, Clock::time_point now) const {
  const int64_t second = secondOf(now);
  WindowStats out;
  std::array<int64_t, kBucketsMs.size()> latency{};
  std::lock_guard lock(mutex_);
  auto it = slots_.find(service);
  if (it == slots_.end()) return out;
  for (const Slot& slot : it->second) {
    if (slot.second < 0 || slot.second > second || second - slot.second >= seconds_) continue;
    out.requests += slot.requests;
    out.errors += slot.errors;
    for (std::size_t i = 0; i < latency.size(); ++i) latency[i] += slot.latency[i];
  }
  if (out.requests == 0) return out;
  // The bucket holding the 95th percentile request (rank ceil(0.95 n)).
  const int64_t rank = (out.requests * 95 + 99) / 100;
  int64_t seen = 0;
  for (std::size_t i = 0; i < latency.size(); ++i) {
    seen += latency[i];
    if (seen >= rank) {
      out.p95Ms = kBucketsMs[i];
      break;
    }
  }
  return out;
}

}  // namespace berichtd::status
