// Test helper: reading the daemon's /status.json and /readyz answers (SPEC S1, S2).
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <string>
#include <utility>

namespace berichtd::testing {

inline Poco::JSON::Object::Ptr statusJsonOf(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// The state of component `id` on a /status.json page, "?" when the page does not show it.
inline std::string componentState(const Poco::JSON::Object::Ptr& page, const std::string& id) {
  auto list = page->getArray("components");
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto c = list->getObject(static_cast<unsigned>(i));
    if (c->getValue<std::string>("id") == id) return c->getValue<std::string>("status");
  }
  return "?";
}
inline std::string componentState(const std::string& page, const std::string& id) {
  return componentState(statusJsonOf(page), id);
}

// The checks of /readyz under one key ("component:measurement"): its first entry's status and
// output ("" when absent); {"absent", ""} when the key is not there.
inline std::pair<std::string, std::string> readyCheck(const Poco::JSON::Object::Ptr& ready,
                                                      const std::string& key) {
  auto checks = ready->getObject("checks");
  if (!checks || !checks->has(key)) return {"absent", ""};
  auto first = checks->getArray(key)->getObject(0);
  return {first->getValue<std::string>("status"),
          first->has("output") ? first->getValue<std::string>("output") : ""};
}
inline std::pair<std::string, std::string> readyCheck(const std::string& ready,
                                                      const std::string& key) {
  return readyCheck(statusJsonOf(ready), key);
}

}  // namespace berichtd::testing
