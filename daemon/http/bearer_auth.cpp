#include "http/bearer_auth.hpp"

#include "core/logging.hpp"
#include "http/errors.hpp"

namespace berichtd::http {

bool hasBearerToken(const HttpRequest& request, const Secret& token) {
  // An unset secret must not let "Authorization: Bearer " through.
  if (token.empty()) return false;
  const std::string header = request.header("Authorization");
  constexpr std::string_view kScheme = "Bearer";
  if (header.size() <= kScheme.size() ||
      !equalsIgnoreCase(std::string_view(header).substr(0, kScheme.size()), kScheme) ||
      header[kScheme.size()] != ' ') {
    return false;
  }
  std::string_view candidate = std::string_view(header).substr(kScheme.size());
  while (!candidate.empty() && candidate.front() == ' ') candidate.remove_prefix(1);
  while (!candidate.empty() && candidate.back() == ' ') candidate.remove_suffix(1);
  return token.equalsConstantTime(candidate);
}

HttpHandler requireBearer(Secret token, HttpHandler inner) {
  return [token = std::move(token), inner = std::move(inner)](const HttpRequest& req,
                                                              HttpResponse& res) {
    if (hasBearerToken(req, token)) {
      inner(req, res);
      return;
    }
    const bool presented = !req.header("Authorization").empty();
    logger("auth").information(std::string(presented ? "wrong" : "no") + " bearer token for " +
                               req.method + " " + req.path + " from " + req.clientAddress);
    // RFC 6750 section 3: a presented but wrong token is "invalid_token".
    res.headers.emplace_back("WWW-Authenticate",
                             presented ? "Bearer error=\"invalid_token\"" : "Bearer");
    setError(res, 401, "UNAUTHORIZED", "a valid bearer token is required");
  };
}

}  // namespace berichtd::http
