#include "core/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace berichtd::metrics {

namespace {

void checkArity(const std::string& name, const std::vector<std::string>& labelNames,
                const std::vector<std::string>& labelValues) {
  if (labelNames.size() != labelValues.size())
    throw std::invalid_argument(name + ": " + std::to_string(labelValues.size()) +
                                " label values for " + std::to_string(labelNames.size()) +
                                " labels");
}

// `{a="x",b="y"}`, with an extra label appended (le for buckets); empty when there are none.
std::string labelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     std::string_view extraName = {}, std::string_view extraValue = {}) {
  std::string out;
  auto add = [&out](std::string_view n, std::string_view v) {
    out += out.empty() ? "{" : ",";
    out.append(n);
    out += "=\"";
    out += escapeLabelValue(v);
    out += '"';
  };
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) add(names[i], values[i]);
  if (!extraName.empty()) add(extraName, extraValue);
  if (!out.empty()) out += '}';
  return out;
}

const char* typeWord(Type type) {
  switch (type) {
    case Type::kCounter:
      return "counter";
    case Type::kHistogram:
      return "histogram";
    case Type::kGauge:
      break;
  }
  return "gauge";
}

void renderHistogram(const Family& f, const HistogramSample& h, std::string& out) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= f.bounds.size(); ++i) {
    cumulative += i < h.counts.size() ? h.counts[i] : 0;
    const std::string le = i < f.bounds.size() ? formatValue(f.bounds[i]) : "+Inf";
    out += f.name + "_bucket" + labelSet(f.labelNames, h.labelValues, "le", le) + " " +
           std::to_string(cumulative) + "\n";
  }
  const std::string labels = labelSet(f.labelNames, h.labelValues);
  out += f.name + "_sum" + labels + " " + formatValue(h.sum) + "\n";
  out += f.name + "_count" + labels + " " + std::to_string(cumulative) + "\n";
}

}  // namespace

const std::vector<double>& latencyBuckets() {
  static const std::vector<double> buckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                              0.25,  0.5,    1,     2.5,  5,     10};
  return buckets;
}

std::string escapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string formatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc()) return "NaN";  // cannot happen with 64 bytes; never a broken line
  return std::string(buffer, end);
}

std::string exposition(std::vector<Family> families) {
  std::sort(families.begin(), families.end(),
            [](const Family& a, const Family& b) { return a.name < b.name; });
  std::string out;
  for (Family& f : families) {
    out += "# HELP " + f.name + " " + escapeHelp(f.help) + "\n";
    out += "# TYPE " + f.name + " " + typeWord(f.type) + "\n";
    if (f.type == Type::kHistogram) {
      std::sort(f.histograms.begin(), f.histograms.end(),
                [](const auto& a, const auto& b) { return a.labelValues < b.labelValues; });
      for (const auto& h : f.histograms) renderHistogram(f, h, out);
    } else {
      std::sort(f.samples.begin(), f.samples.end(),
                [](const auto& a, const auto& b) { return a.labelValues < b.labelValues; });
      for (const auto& s : f.samples)
        out += f.name + labelSet(f.labelNames, s.labelValues) + " " + formatValue(s.value) + "\n";
    }
  }
  return out;
}

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> labelNames)
    : name_(std::move(name)), help_(std::move(help)), labelNames_(std::move(labelNames)) {}

void CounterFamily::inc(const std::vector<std::string>& labelValues, double by) {
  checkArity(name_, labelNames_, labelValues);
  const std::lock_guard lock(mutex_);
  values_[labelValues] += by;
}

Family CounterFamily::collect() const {
  Family f{name_, help_, Type::kCounter, labelNames_, {}, {}, {}};
  const std::lock_guard lock(mutex_);
  for (const auto& [labels, value] : values_) f.samples.push_back({labels, value});
  return f;
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> labelNames, std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      labelNames_(std::move(labelNames)),
      bounds_(std::move(bounds)) {
  if (!std::is_sorted(bounds_.begin(), bounds_.end()) ||
      std::adjacent_find(bounds_.begin(), bounds_.end()) != bounds_.end())
    throw std::invalid_argument(name_ + ": bucket bounds must be strictly increasing");
}

void HistogramFamily::observe(const std::vector<std::string>& labelValues, double value) {
  checkArity(name_, labelNames_, labelValues);
  if (std::isnan(value)) return;  // belongs in no bucket and would poison _sum
  // The first bucket whose upper bound is >= value (le is inclusive); past the end is +Inf.
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  const std::lock_guard lock(mutex_);
  auto [it, fresh] = values_.try_emplace(labelValues);
  HistogramSample& h = it->second;
  if (fresh) {
    h.labelValues = labelValues;
    h.counts.assign(bounds_.size() + 1, 0);
  }
  ++h.counts[bucket];
  h.sum += value;
}

Family HistogramFamily::collect() const {
  Family f{name_, help_, Type::kHistogram, labelNames_, bounds_, {}, {}};
  const std::lock_guard lock(mutex_);
  for (const auto& [labels, h] : values_) f.histograms.push_back(h);
  return f;
}

CounterFamily& Registry::counter(std::string name, std::string help,
                                 std::vector<std::string> labelNames) {
  counters_.push_back(
      std::make_unique<CounterFamily>(std::move(name), std::move(help), std::move(labelNames)));
  return *counters_.back();
}

HistogramFamily& Registry::histogram(std::string name, std::string help,
                                     std::vector<std::string> labelNames,
                                     std::vector<double> bounds) {
  histograms_.push_back(std::make_unique<HistogramFamily>(
      std::move(name), std::move(help), std::move(labelNames), std::move(bounds)));
  return *histograms_.back();
}

std::vector<Family> Registry::collect() const {
  std::vector<Family> out;
  for (const auto& c : counters_) out.push_back(c->collect());
  for (const auto& h : histograms_) out.push_back(h->collect());
  return out;
}

}  // namespace berichtd::metrics
