// The label hygiene of the daemon's metrics: unknown services, free-text outcomes and broker
// entries for names nobody serves never become series of their own.
#include <gtest/gtest.h>

#include "app/daemon_metrics.hpp"
#include "app/scrape_gauges.hpp"

namespace berichtd::app {
namespace {

TEST(MetricsLabels, OutcomesAreOkOrAnErrorCodeOtherwiseOtherTable) {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case cases[] = {
      {"ok", "ok"},
      {"TIMEOUT", "TIMEOUT"},
      {"SERVICE_UNAVAILABLE", "SERVICE_UNAVAILABLE"},
      {"SMTP_450", "SMTP_450"},
      {"", "other"},
      {"mailbox a@b.nl full", "other"},
      {"Timeout", "other"},
      {std::string(65, 'A'), "other"},
      {std::string(64, 'A'), std::string(64, 'A')},
  };
  for (const auto& c : cases) EXPECT_EQ(DaemonMetrics::outcomeLabel(c.in), c.out) << c.in;
}

TEST(MetricsLabels, BusRequestsOfUnknownServicesCountAsOther) {
  DaemonMetrics m;
  m.setKnownServices({"echo"});
  m.recordBus("echo", "ok", std::chrono::milliseconds(2));
  m.recordBus("typo-service", "SERVICE_UNAVAILABLE", std::chrono::milliseconds(1));
  m.recordBus("echo", "the plugin said: no", std::chrono::milliseconds(1));
  const std::string text = metrics::exposition(m.collect());
  EXPECT_NE(text.find(R"(berichtd_bus_requests_total{service="echo",outcome="ok"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(R"(berichtd_bus_requests_total{service="other",outcome="SERVICE_UNAVAILABLE"} 1)"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(berichtd_bus_requests_total{service="echo",outcome="other"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(berichtd_bus_request_duration_seconds_count{service="echo"} 2)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("typo-service"), std::string::npos) << text;
}

TEST(MetricsLabels, HttpRequestsAreCountedPerListenerRouteMethodAndStatus) {
  DaemonMetrics m;
  http::RequestRecord r{"GET", "/api/v1/messages/{id}", 200, std::chrono::milliseconds(30)};
  m.recordHttp("public", r);
  m.recordHttp("public", r);
  m.recordHttp("admin", {"POST", "unmatched", 404, std::chrono::milliseconds(1)});
  const std::string text = metrics::exposition(m.collect());
  EXPECT_NE(
      text.find(
          R"(berichtd_http_requests_total{listener="public",route="/api/v1/messages/{id}",method="GET",status="200"} 2)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          R"(berichtd_http_requests_total{listener="admin",route="unmatched",method="POST",status="404"} 1)"),
      std::string::npos)
      << text;
  // 30 ms lies above the 0.025 bound and within 0.05.
  EXPECT_NE(
      text.find(
          R"(berichtd_http_request_duration_seconds_bucket{listener="public",route="/api/v1/messages/{id}",le="0.025"} 0)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          R"(berichtd_http_request_duration_seconds_bucket{listener="public",route="/api/v1/messages/{id}",le="0.05"} 2)"),
      std::string::npos)
      << text;
}

TEST(MetricsLabels, BusGaugesShowOnlyTheDaemonsServices) {
  bus::BrokerSnapshot snap;
  snap.services.push_back({"echo", 2, 1, 3, 1});
  snap.services.push_back({"asked-for-by-a-typo", 0, 0, 0, 0});
  const std::string text = metrics::exposition(busGauges(snap, {"echo"}));
  EXPECT_NE(text.find(R"(berichtd_bus_live_workers{service="echo"} 2)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(berichtd_bus_queue_depth{service="echo"} 3)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(berichtd_bus_in_flight{service="echo"} 1)"), std::string::npos) << text;
  EXPECT_EQ(text.find("typo"), std::string::npos) << text;
}

}  // namespace
}  // namespace berichtd::app
