// The HTTP status of an AccountStore refusal (docs/error-handling.md), for every route that
// creates, finds or changes an account, so they answer the same code with the same status.
#pragma once

#include <string>

namespace berichtd::app {

inline int accountErrorStatus(const std::string& code) {
  if (code == "ACCOUNT_EXISTS" || code == "ACCOUNT_EXISTS_MIGRATED") return 409;  // A1, A3
  if (code == "EMAIL_INVALID" || code == "AGB_CODE_INVALID" || code == "BAD_REQUEST") return 400;
  if (code == "NOT_FOUND") return 404;
  if (code == "STORAGE_UNAVAILABLE") return 503;
  return 500;
}

}  // namespace berichtd::app
