// The pure Statuspage mapping of status-push: statuses, ids, the configured component map, the
// bus request bodies read strictly, the documents sent to Statuspage and its error answers.
#include "statuspage_mapping.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace berichtd::statuspage {
namespace {

using Poco::JSON::Object;

Object::Ptr parse(const std::string& s) {
  return Poco::JSON::Parser().parse(s).extract<Object::Ptr>();
}

const std::map<std::string, std::string> kMap = {{"login", "8kbf7d35c070"},
                                                 {"berichten", "vtnh60py4yd7"}};

TEST(StatuspageMapping, OnlyStatuspagesComponentAndIncidentStatusesPass) {
  for (const char* s : {"operational", "degraded_performance", "partial_outage", "major_outage",
                        "under_maintenance"}) {
    EXPECT_TRUE(isComponentStatus(s)) << s;
    EXPECT_FALSE(isIncidentStatus(s)) << s;
  }
  for (const char* s : {"investigating", "identified", "monitoring", "resolved"}) {
    EXPECT_TRUE(isIncidentStatus(s)) << s;
    EXPECT_FALSE(isComponentStatus(s)) << s;
  }
  for (const char* s : {"", "Operational", "down", "major outage", "scheduled", "in_progress"}) {
    EXPECT_FALSE(isComponentStatus(s)) << s;
    EXPECT_FALSE(isIncidentStatus(s)) << s;
  }
}

TEST(StatuspageMapping, IdsAreLettersAndDigitsOnly) {
  EXPECT_TRUE(isStatuspageId("8kbf7d35c070"));
  EXPECT_TRUE(isStatuspageId("p31zjtct2jer"));
  EXPECT_FALSE(isStatuspageId(""));
  EXPECT_FALSE(isStatuspageId("../incidents"));
  EXPECT_FALSE(isStatuspageId("abc/def"));
  EXPECT_FALSE(isStatuspageId("abc?x=1"));
  EXPECT_FALSE(isStatuspageId(std::string(65, 'a')));
  EXPECT_TRUE(isStatuspageId(std::string(64, 'a')));
}

TEST(StatuspageMapping, TheComponentMapComesFromTheFlattenedSettings) {
  auto m = componentMap({{"api_url", "http://x"},
                         {"page_id", "p31zjtct2jer"},
                         {"components.login", "8kbf7d35c070"},
                         {"components.website", "ftgks51sfs2d"},
                         {"timeout_ms", "3000"}});
  ASSERT_TRUE(m) << m.status().toString();
  EXPECT_EQ(*m, (std::map<std::string, std::string>{{"login", "8kbf7d35c070"},
                                                    {"website", "ftgks51sfs2d"}}));
  auto empty = componentMap({{"page_id", "p"}});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  EXPECT_EQ(componentMap({{"components.login", "not/an/id"}}).status().code(), "CONFIG_INVALID");
  EXPECT_EQ(componentMap({{"components.login", ""}}).status().code(), "CONFIG_INVALID");
  EXPECT_EQ(componentMap({{"components.login.id", "abc"}}).status().code(), "CONFIG_INVALID");
  EXPECT_EQ(componentMap({{"components.0", "abc"}, {"components.1", "def"}})->size(), 2u)
      << "a list is read as names 0, 1: harmless, as the daemon never sends those names";
}

TEST(StatuspageMapping, AComponentStatusRequestIsReadStrictly) {
  auto c = parseComponentStatus(
      R"({"component":"login","status":"partial_outage","at":"2026-03-01T10:00:00Z"})");
  ASSERT_TRUE(c) << c.status().toString();
  EXPECT_EQ(c->component, "login");
  EXPECT_EQ(c->status, "partial_outage");
  EXPECT_EQ(c->at, "2026-03-01T10:00:00Z");
  for (const char* bad : {
           "not json",
           "[]",
           R"({"status":"operational","at":"t"})",
           R"({"component":"","status":"operational","at":"t"})",
           R"({"component":"login","status":"down","at":"t"})",
           R"({"component":"login","status":"resolved","at":"t"})",
           R"({"component":"login","status":"operational"})",
           R"({"component":7,"status":"operational","at":"t"})",
       }) {
    auto r = parseComponentStatus(bad);
    EXPECT_EQ(r.status().code(), "BAD_REQUEST") << bad;
  }
}

TEST(StatuspageMapping, AnIncidentRequestIsReadStrictly) {
  auto i =
      parseIncident(R"({"incident_id":"inc-1","name":"Inloggen traag","status":"investigating",)"
                    R"("body":"We onderzoeken het.","components":{"login":"degraded_performance",)"
                    R"("berichten":"operational"},"at":"2026-03-01T10:00:00Z"})");
  ASSERT_TRUE(i) << i.status().toString();
  EXPECT_EQ(i->incidentId, "inc-1");
  EXPECT_EQ(i->name, "Inloggen traag");
  EXPECT_EQ(i->status, "investigating");
  EXPECT_EQ(i->body, "We onderzoeken het.");
  EXPECT_EQ(i->components, (std::map<std::string, std::string>{{"login", "degraded_performance"},
                                                               {"berichten", "operational"}}));
  const std::string tail = R"(,"at":"t"})";
  for (const std::string& bad : {
           std::string(R"({"name":"n","status":"identified","body":"b","components":{})") + tail,
           std::string(R"({"incident_id":"i","status":"identified","body":"b","components":{})") +
               tail,
           std::string(R"({"incident_id":"i","name":"n","status":"major_outage","body":"b",)"
                       R"("components":{})") +
               tail,
           std::string(R"({"incident_id":"i","name":"n","status":"identified","components":{})") +
               tail,
           std::string(R"({"incident_id":"i","name":"n","status":"identified","body":"b"})") + tail,
           std::string(R"({"incident_id":"i","name":"n","status":"identified","body":"b",)"
                       R"("components":["login"])") +
               tail,
           std::string(R"({"incident_id":"i","name":"n","status":"identified","body":"b",)"
                       R"("components":{"login":"investigating"})") +
               tail,
           std::string(R"({"incident_id":"i","name":"n","status":"identified","body":"b",)"
                       R"("components":{"login":3})") +
               tail,
           std::string(R"({"incident_id":"i","name":"n","status":"identified","body":"b",)"
                       R"("components":{}})"),
       }) {
    EXPECT_EQ(parseIncident(bad).status().code(), "BAD_REQUEST") << bad;
  }
}

TEST(StatuspageMapping, ComponentsMapToTheirIdsOrAreUnknown) {
  EXPECT_EQ(*componentId(kMap, "login"), "8kbf7d35c070");
  auto unknown = componentId(kMap, "betalingen");
  EXPECT_EQ(unknown.status().code(), "STATUS_COMPONENT_UNKNOWN");
  EXPECT_NE(unknown.status().message().find("betalingen"), std::string::npos);
}

TEST(StatuspageMapping, TheComponentBodyIsStatuspagesShape) {
  auto o = parse(componentBody("major_outage"));
  EXPECT_EQ(o->size(), 1u);
  EXPECT_EQ(o->getObject("component")->getValue<std::string>("status"), "major_outage");
  EXPECT_EQ(o->getObject("component")->size(), 1u);
}

TEST(StatuspageMapping, TheIncidentBodyCarriesMappedComponentIds) {
  Incident i{"inc-1",      "Storing",
             "identified", "Oorzaak gevonden",
             "t",          {{"login", "major_outage"}, {"berichten", "partial_outage"}}};
  auto body = incidentBody(i, kMap);
  ASSERT_TRUE(body) << body.status().toString();
  auto inc = parse(*body)->getObject("incident");
  ASSERT_TRUE(inc);
  EXPECT_EQ(inc->getValue<std::string>("name"), "Storing");
  EXPECT_EQ(inc->getValue<std::string>("status"), "identified");
  EXPECT_EQ(inc->getValue<std::string>("body"), "Oorzaak gevonden");
  auto ids = inc->getArray("component_ids");
  ASSERT_EQ(ids->size(), 2u);
  // std::map order: berichten before login.
  EXPECT_EQ(ids->getElement<std::string>(0), "vtnh60py4yd7");
  EXPECT_EQ(ids->getElement<std::string>(1), "8kbf7d35c070");
  auto statuses = inc->getObject("components");
  EXPECT_EQ(statuses->size(), 2u);
  EXPECT_EQ(statuses->getValue<std::string>("8kbf7d35c070"), "major_outage");
  EXPECT_EQ(statuses->getValue<std::string>("vtnh60py4yd7"), "partial_outage");

  i.components = {{"login", "major_outage"}, {"website", "major_outage"}};
  EXPECT_EQ(incidentBody(i, kMap).status().code(), "STATUS_COMPONENT_UNKNOWN");
  i.components.clear();
  auto none = incidentBody(i, kMap);
  ASSERT_TRUE(none);
  EXPECT_EQ(parse(*none)->getObject("incident")->getArray("component_ids")->size(), 0u);
}

TEST(StatuspageMapping, TheCreatedIncidentsIdIsReadAndChecked) {
  EXPECT_EQ(*incidentId(R"({"id":"p31zjtct2jer","name":"x","status":"investigating"})"),
            "p31zjtct2jer");
  for (const char* bad : {"", "not json", "{}", R"({"id":7})", R"({"id":"../pages"})"})
    EXPECT_EQ(incidentId(bad).status().code(), "PROVIDER_REJECTED") << bad;
}

TEST(StatuspageMapping, FailuresMapToRetryOrRefusalWithTheApisText) {
  for (int http : {500, 502, 503, 504, 429, 302}) {
    EXPECT_EQ(failureFor(http, R"({"error":"Service unavailable"})").code(), "PROVIDER_UNAVAILABLE")
        << http;
  }
  for (int http : {400, 401, 403, 404, 409, 422}) {
    EXPECT_EQ(failureFor(http, R"({"error":"x"})").code(), "PROVIDER_REJECTED") << http;
  }
  auto denied = failureFor(401, R"({"error":"Could not authenticate"})");
  EXPECT_NE(denied.message().find("HTTP 401: Could not authenticate"), std::string::npos)
      << denied.message();
  EXPECT_EQ(errorText(422, R"({"error":["Name can't be blank","Status is invalid"]})"),
            "HTTP 422: Name can't be blank; Status is invalid");
  EXPECT_EQ(errorText(502, "<html>Bad gateway</html>"), "HTTP 502");
  EXPECT_EQ(errorText(400, R"({"error":"line one\nline two"})"), "HTTP 400: line one line two");
  EXPECT_EQ(errorText(400, R"({"error":")" + std::string(1000, 'x') + R"("})").size(), 300u);
}

}  // namespace
}  // namespace berichtd::statuspage
