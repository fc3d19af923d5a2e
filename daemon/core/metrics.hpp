// Metrics: counters and histograms with labels, and the Prometheus text exposition format
// (version 0.0.4) that GET /metrics answers with.
//
// Two halves:
//  - Family / exposition(): plain values and one pure function that renders them. Gauges that
//    are computed at scrape time (queue depths, table counts) are built as Families directly.
//  - CounterFamily / HistogramFamily / Registry: the live, thread-safe instruments that the
//    request paths update; collect() turns them into Families.
//
// Labels are given as values in the order of the family's label names. Label values must be
// of bounded cardinality and never personal data (no tokens, e-mail addresses, IBANs, bodies):
// a caller maps free text (a raw path, an unknown service) to a fixed word first.
//
// exposition() is deterministic: families sorted by name, series by label values, so two
// scrapes of the same state are byte-identical (and tests can compare text).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace berichtd::metrics {

enum class Type { kCounter, kGauge, kHistogram };

struct Sample {
  std::vector<std::string> labelValues;
  double value = 0;
};

struct HistogramSample {
  std::vector<std::string> labelValues;
  // Observations per bucket, not cumulative: counts[i] for bounds[i-1] < v <= bounds[i], and a
  // last entry for v > bounds.back() (the +Inf bucket). Size bounds.size() + 1.
  std::vector<std::uint64_t> counts;
  double sum = 0;
};

struct Family {
  std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*, berichtd_…, base units (seconds)
  std::string help;
  Type type = Type::kGauge;
  std::vector<std::string> labelNames;
  std::vector<double> bounds;               // histograms: upper bounds, strictly increasing
  std::vector<Sample> samples;              // counters and gauges
  std::vector<HistogramSample> histograms;  // histograms
};

// Request latencies in seconds, 1 ms to 10 s.
const std::vector<double>& latencyBuckets();

// A label value in the exposition: backslash, double quote and newline escaped.
std::string escapeLabelValue(std::string_view value);
// HELP text: backslash and newline escaped (quotes stay).
std::string escapeHelp(std::string_view help);
// A sample value: integers without a fraction, others shortest round-trip, +Inf/-Inf/NaN.
std::string formatValue(double value);

// The text format of all families, sorted; histogram buckets cumulative with le="+Inf" last,
// then _sum and _count. A family without series still gets its HELP and TYPE lines.
std::string exposition(std::vector<Family> families);

class CounterFamily {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> labelNames);
  // labelValues must have one value per label name (std::invalid_argument otherwise).
  void inc(const std::vector<std::string>& labelValues, double by = 1);
  Family collect() const;

 private:
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> labelNames_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, double> values_;  // guarded by mutex_
};

class HistogramFamily {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> labelNames,
                  std::vector<double> bounds);
  void observe(const std::vector<std::string>& labelValues, double value);
  Family collect() const;

 private:
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> labelNames_;
  const std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, HistogramSample> values_;  // guarded by mutex_
};

// Owns the live instruments. Families are declared during set-up (not thread-safe); the
// returned references stay valid for the Registry's lifetime and are safe to update from any
// thread; collect() is safe from any thread.
class Registry {
 public:
  CounterFamily& counter(std::string name, std::string help, std::vector<std::string> labelNames);
  HistogramFamily& histogram(std::string name, std::string help,
                             std::vector<std::string> labelNames, std::vector<double> bounds);
  std::vector<Family> collect() const;

 private:
  std::vector<std::unique_ptr<CounterFamily>> counters_;
  std::vector<std::unique_ptr<HistogramFamily>> histograms_;
};

}  // namespace berichtd::metrics
