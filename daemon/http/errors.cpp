#include "http/errors.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace berichtd::http {

Poco::JSON::Object errorObject(const std::string& code, const std::string& message) {
  // Insertion order keeps "code, message, help" as documented; Poco sorts keys otherwise.
  Poco::JSON::Object inner(Poco::JSON_PRESERVE_KEY_ORDER);
  inner.set("code", code);
  inner.set("message", message);
  inner.set("help", "/kennisbank/" + code);
  return inner;
}

std::string errorJson(const std::string& code, const std::string& message) {
  Poco::JSON::Object outer(Poco::JSON_PRESERVE_KEY_ORDER);
  outer.set("error", errorObject(code, message));
  return toJson(outer);
}

void setError(HttpResponse& res, int status, std::string code, std::string message) {
  res.status = status;
  res.contentType = "application/json; charset=utf-8";
  res.body = errorJson(code, message);
  if (status == 401) {
    bool has = false;
    for (const auto& [k, v] : res.headers) has = has || equalsIgnoreCase(k, "WWW-Authenticate");
    if (!has) res.headers.emplace_back("WWW-Authenticate", "Bearer");
  }
}

void setError(HttpResponse& res, int status, const Status& error) {
  setError(res, status, error.code(), error.message());
}

std::string toJson(const Poco::JSON::Object& object) {
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

std::string toJson(const Poco::JSON::Object::Ptr& object) {
  return object.isNull() ? std::string("null") : toJson(*object);
}

void setJson(HttpResponse& res, const Poco::JSON::Object& object) {
  res.contentType = "application/json; charset=utf-8";
  res.body = toJson(object);
}

Result<Poco::JSON::Object::Ptr> parseJsonObject(const std::string& body) {
  Poco::Dynamic::Var parsed;
  try {
    parsed = Poco::JSON::Parser().parse(body);
  } catch (const Poco::Exception&) {
    return Status::error("BAD_REQUEST", "the body is not valid JSON");
  } catch (const std::exception&) {
    return Status::error("BAD_REQUEST", "the body is not valid JSON");
  }
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
    return Status::error("BAD_REQUEST", "the body must be a JSON object");
  }
  return parsed.extract<Poco::JSON::Object::Ptr>();
}

}  // namespace berichtd::http
