// Component health derivation (SPEC S1, S2; issue 6 item 1) as a table.
#include "status/component_health.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace berichtd::status {
namespace {

using S = ComponentStatus;

struct Case {
  const char* why;
  Observation o;
  S want;
};

Observation healthy(int64_t requests = 100, int64_t errors = 0, int64_t p95 = 50) {
  Observation o;
  o.requests = requests;
  o.errors = errors;
  o.p95Ms = p95;
  return o;
}

TEST(ComponentHealth, DerivedFromTheChecks) {
  const Thresholds t;  // 5 % degraded, 25 % partial, p95 2000 ms, at least 20 requests
  auto with = [](Observation o, auto change) {
    change(o);
    return o;
  };
  const std::vector<Case> cases = {
      {"all well", healthy(), S::kOperational},
      {"no traffic at all", healthy(0, 0, 0), S::kOperational},
      {"4.9 % errors", healthy(1000, 49), S::kOperational},
      {"5 % errors", healthy(1000, 50), S::kDegradedPerformance},
      {"24.9 % errors", healthy(1000, 249), S::kDegradedPerformance},
      {"25 % errors", healthy(1000, 250), S::kPartialOutage},
      {"100 % errors", healthy(40, 40), S::kPartialOutage},
      {"errors in too few requests say nothing", healthy(19, 19), S::kOperational},
      {"exactly the minimum counts", healthy(20, 5), S::kPartialOutage},
      {"p95 just under slow", healthy(100, 0, 1999), S::kOperational},
      {"p95 at slow", healthy(100, 0, 2000), S::kDegradedPerformance},
      {"slow and failing: the worse", healthy(100, 30, 5000), S::kPartialOutage},
      {"database down", with(healthy(), [](Observation& o) { o.databaseUp = false; }),
       S::kMajorOutage},
      {"no live worker", with(healthy(), [](Observation& o) { o.servicesLive = false; }),
       S::kMajorOutage},
      {"provider unreachable",
       with(healthy(), [](Observation& o) { o.optionalDependencyUp = false; }), S::kPartialOutage},
      {"provider unreachable and slow",
       with(healthy(100, 0, 3000), [](Observation& o) { o.optionalDependencyUp = false; }),
       S::kPartialOutage},
      {"maintenance hides failures",
       with(healthy(100, 100),
            [](Observation& o) {
              o.inMaintenance = true;
              o.databaseUp = false;
            }),
       S::kUnderMaintenance},
      {"an incident overrides healthy checks",
       with(healthy(), [](Observation& o) { o.incidentOverride = S::kMajorOutage; }),
       S::kMajorOutage},
      {"an incident overrides an outage (operator says it is fine)",
       with(healthy(),
            [](Observation& o) {
              o.databaseUp = false;
              o.incidentOverride = S::kDegradedPerformance;
            }),
       S::kDegradedPerformance},
      {"an incident overrides maintenance",
       with(healthy(),
            [](Observation& o) {
              o.inMaintenance = true;
              o.incidentOverride = S::kPartialOutage;
            }),
       S::kPartialOutage},
  };
  for (const auto& c : cases) EXPECT_EQ(toString(deriveStatus(c.o, t)), toString(c.want)) << c.why;
}

TEST(ComponentHealth, ThresholdsComeFromTheCaller) {
  Thresholds strict;
  strict.degradedPercent = 1;
  strict.outagePercent = 2;
  strict.minRequests = 1;
  strict.slowMs = 100;
  EXPECT_EQ(deriveStatus(healthy(100, 1), strict), S::kDegradedPerformance);
  EXPECT_EQ(deriveStatus(healthy(100, 2), strict), S::kPartialOutage);
  EXPECT_EQ(deriveStatus(healthy(1, 1), strict), S::kPartialOutage);
  EXPECT_EQ(deriveStatus(healthy(100, 0, 100), strict), S::kDegradedPerformance);
}

TEST(ComponentHealth, NamesAndOrder) {
  for (S s : {S::kOperational, S::kUnderMaintenance, S::kDegradedPerformance, S::kPartialOutage,
              S::kMajorOutage})
    EXPECT_EQ(parseComponentStatus(toString(s)), s);
  EXPECT_FALSE(parseComponentStatus("down"));
  EXPECT_FALSE(parseComponentStatus(""));
  EXPECT_EQ(worst(S::kOperational, S::kUnderMaintenance), S::kUnderMaintenance);
  EXPECT_EQ(worst(S::kUnderMaintenance, S::kDegradedPerformance), S::kDegradedPerformance);
  EXPECT_EQ(worst(S::kMajorOutage, S::kPartialOutage), S::kMajorOutage);
  EXPECT_EQ(worst(S::kOperational, S::kOperational), S::kOperational);
}

}  // namespace
}  // namespace berichtd::status
