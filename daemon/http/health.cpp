#include "http/health.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "http/errors.hpp"

namespace berichtd::http {

namespace {

int severity(const std::string& status) {
  if (status == "pass") return 0;
  if (status == "warn") return 1;
  return 2;
}

const char* statusName(int severity) {
  switch (severity) {
    case 0:
      return "pass";
    case 1:
      return "warn";
    default:
      return "fail";
  }
}

}  // namespace

std::string worstStatus(const std::vector<HealthCheck>& checks) {
  int worst = 0;
  for (const auto& c : checks) worst = std::max(worst, severity(c.status));
  return statusName(worst);
}

std::string healthJson(const std::string& overall, const std::vector<HealthCheck>& checks,
                       const std::string& version, const std::string& time) {
  const int worst = std::max(severity(overall), severity(worstStatus(checks)));
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("status", std::string(statusName(worst)));
  body.set("version", version);
  Poco::JSON::Object byKey(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& c : checks) {
    Poco::JSON::Object result(Poco::JSON_PRESERVE_KEY_ORDER);
    result.set("status", std::string(statusName(severity(c.status))));
    if (!c.output.empty()) result.set("output", c.output);
    if (!time.empty()) result.set("time", time);
    Poco::JSON::Array::Ptr list = byKey.getArray(c.key);
    if (list.isNull()) {
      list = new Poco::JSON::Array;
      byKey.set(c.key, list);
    }
    list->add(result);
  }
  body.set("checks", byKey);
  return toJson(body);
}

}  // namespace berichtd::http
