// Bearer-token protection for a handler (the admin listener). requireBearer() wraps a handler
// so that it runs only for requests carrying `Authorization: Bearer TOKEN` where TOKEN equals
// the configured Secret, compared in constant time. Anything else (no header, another scheme,
// a wrong token, an empty configured secret) answers 401 UNAUTHORIZED in the JSON error shape
// with `WWW-Authenticate: Bearer`, and the wrapped handler is not called. The token is never
// logged. The returned handler owns a copy of the Secret and is safe to call concurrently.
#pragma once

#include "core/secret.hpp"
#include "http/http_types.hpp"

namespace berichtd::http {

HttpHandler requireBearer(Secret token, HttpHandler inner);

// Whether the request carries `Authorization: Bearer <token>` with this token. The scheme is
// case-insensitive (RFC 7235); the token is compared in constant time.
bool hasBearerToken(const HttpRequest& request, const Secret& token);

}  // namespace berichtd::http
