// The HTTP error shape (API.md, docs/error-handling.md) and small JSON helpers for handlers.
// Every error answer of both listeners is exactly
//   {"error":{"code":"CODE","message":"…","help":"/kennisbank/CODE"}}
// with a fitting status. Codes are stable UPPER_SNAKE_CASE and each has a page in
// docs/kennisbank/. Messages are for humans and never carry secrets or request bodies.
// Free functions without shared state: safe on any thread.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "berichtd/status.hpp"
#include "http/http_types.hpp"

namespace berichtd::http {

// The error body alone, keys in the documented order.
std::string errorJson(const std::string& code, const std::string& message);
// The inner {"code", "message", "help"} object of that body, for an answer that carries more
// beside "error" (the import's refusal adds its "report").
Poco::JSON::Object errorObject(const std::string& code, const std::string& message);

// Sets status, the JSON content type and the error body. 401 also gets
// `WWW-Authenticate: Bearer` when the handler has not set one (RFC 6750).
void setError(HttpResponse& res, int status, std::string code, std::string message);

// Answers an error Status with the given HTTP status (its code and message travel as they are).
void setError(HttpResponse& res, int status, const Status& error);

// Compact JSON text of an object or array.
std::string toJson(const Poco::JSON::Object& object);
std::string toJson(const Poco::JSON::Object::Ptr& object);

// Sets status 200 (unless already set otherwise), the JSON content type and the body.
void setJson(HttpResponse& res, const Poco::JSON::Object& object);

// Parses a request body that must be a JSON object. Error BAD_REQUEST (message says why,
// without quoting the body) when it is not.
Result<Poco::JSON::Object::Ptr> parseJsonObject(const std::string& body);

}  // namespace berichtd::http
