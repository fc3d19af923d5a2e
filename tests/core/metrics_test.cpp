#include "core/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>

namespace berichtd::metrics {
namespace {

TEST(Metrics, EscapesBackslashQuoteAndNewlineInLabelValuesTable) {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {"plain", "plain"},
      {R"(a\b)", R"(a\\b)"},
      {R"(say "hoi")", R"(say \"hoi\")"},
      {"two\nlines", R"(two\nlines)"},
      {"\\\"\n", R"(\\\"\n)"},
      {"tab\tstays", "tab\tstays"},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(escapeLabelValue(c.in), c.out) << c.in;
}

TEST(Metrics, HelpTextEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(escapeHelp("a \"b\" \\ c\nd"), "a \"b\" \\\\ c\\nd");
}

TEST(Metrics, FormatsValuesTable) {
  struct Case {
    double in;
    const char* out;
  };
  const Case cases[] = {
      {0, "0"},
      {3, "3"},
      {1234567, "1234567"},
      {0.001, "0.001"},
      {2.5, "2.5"},
      {-1.5, "-1.5"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::nan(""), "NaN"},
  };
  for (const auto& c : cases) EXPECT_EQ(formatValue(c.in), c.out) << c.in;
}

TEST(Metrics, RendersHelpTypeAndLabelledSamples) {
  Family f;
  f.name = "berichtd_test_total";
  f.help = "Things counted.";
  f.type = Type::kCounter;
  f.labelNames = {"route", "status"};
  f.samples = {{{"/b", "404"}, 1}, {{"/a \"q\"", "200"}, 2}};
  EXPECT_EQ(exposition({f}),
            "# HELP berichtd_test_total Things counted.\n"
            "# TYPE berichtd_test_total counter\n"
            "berichtd_test_total{route=\"/a \\\"q\\\"\",status=\"200\"} 2\n"
            "berichtd_test_total{route=\"/b\",status=\"404\"} 1\n");
}

TEST(Metrics, AFamilyWithoutLabelsOrSeries) {
  Family plain{"berichtd_up", "Up.", Type::kGauge, {}, {}, {{{}, 1}}, {}};
  Family empty{"berichtd_empty_total", "None yet.", Type::kCounter, {"x"}, {}, {}, {}};
  EXPECT_EQ(exposition({plain, empty}),
            "# HELP berichtd_empty_total None yet.\n"
            "# TYPE berichtd_empty_total counter\n"
            "# HELP berichtd_up Up.\n"
            "# TYPE berichtd_up gauge\n"
            "berichtd_up 1\n");
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  HistogramFamily h("berichtd_test_seconds", "Latency.", {"service"}, {0.25, 0.5, 1});
  // 0.25 lies on a bound: le is inclusive, so it counts in the first bucket. Values exact in
  // binary, so the sum is exact too.
  for (double v : {0.125, 0.25, 0.375, 0.75, 0.75, 32.0}) h.observe({"echo"}, v);
  h.observe({"echo"}, std::nan(""));  // ignored
  EXPECT_EQ(exposition({h.collect()}),
            "# HELP berichtd_test_seconds Latency.\n"
            "# TYPE berichtd_test_seconds histogram\n"
            "berichtd_test_seconds_bucket{service=\"echo\",le=\"0.25\"} 2\n"
            "berichtd_test_seconds_bucket{service=\"echo\",le=\"0.5\"} 3\n"
            "berichtd_test_seconds_bucket{service=\"echo\",le=\"1\"} 5\n"
            "berichtd_test_seconds_bucket{service=\"echo\",le=\"+Inf\"} 6\n"
            "berichtd_test_seconds_sum{service=\"echo\"} 34.25\n"
            "berichtd_test_seconds_count{service=\"echo\"} 6\n");
}

TEST(Metrics, OutputIsSortedAndIndependentOfInsertionOrder) {
  Registry a;
  auto& ac = a.counter("berichtd_z_total", "Z.", {"k"});
  auto& ah = a.histogram("berichtd_a_seconds", "A.", {"k"}, {1});
  Registry b;
  auto& bh = b.histogram("berichtd_a_seconds", "A.", {"k"}, {1});
  auto& bc = b.counter("berichtd_z_total", "Z.", {"k"});
  for (const char* k : {"y", "x", "z"}) ac.inc({k});
  for (const char* k : {"z", "y", "x"}) bc.inc({k});
  ah.observe({"q"}, 0.5);
  ah.observe({"p"}, 2);
  bh.observe({"p"}, 2);
  bh.observe({"q"}, 0.5);
  const std::string text = exposition(a.collect());
  EXPECT_EQ(text, exposition(b.collect()));
  EXPECT_LT(text.find("berichtd_a_seconds"), text.find("berichtd_z_total"));
  EXPECT_LT(text.find("k=\"x\""), text.find("k=\"y\""));
  EXPECT_LT(text.find("k=\"p\""), text.find("k=\"q\""));
}

TEST(Metrics, CountersAddUpAndRefuseTheWrongNumberOfLabels) {
  CounterFamily c("berichtd_test_total", "T.", {"a", "b"});
  c.inc({"1", "2"});
  c.inc({"1", "2"}, 2.5);
  EXPECT_THROW(c.inc({"1"}), std::invalid_argument);
  auto f = c.collect();
  ASSERT_EQ(f.samples.size(), 1U);
  EXPECT_DOUBLE_EQ(f.samples[0].value, 3.5);
  EXPECT_THROW(HistogramFamily("h", "H.", {}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(HistogramFamily("h", "H.", {}, {2, 1}), std::invalid_argument);
}

TEST(Metrics, ConcurrentUpdatesAreAllCounted) {
  Registry r;
  auto& c = r.counter("berichtd_test_total", "T.", {"t"});
  auto& h = r.histogram("berichtd_test_seconds", "T.", {}, latencyBuckets());
  constexpr int kThreads = 4;
  constexpr int kEach = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        c.inc({t % 2 == 0 ? "even" : "odd"});
        h.observe({}, 0.002);
      }
    });
  }
  for (auto& t : threads) t.join();
  auto families = r.collect();
  ASSERT_EQ(families.size(), 2U);
  double total = 0;
  for (const auto& s : families[0].samples) total += s.value;
  EXPECT_DOUBLE_EQ(total, kThreads * kEach);
  ASSERT_EQ(families[1].histograms.size(), 1U);
  EXPECT_EQ(families[1].histograms[0].counts[1], static_cast<uint64_t>(kThreads * kEach));
}

}  // namespace
}  // namespace berichtd::metrics
