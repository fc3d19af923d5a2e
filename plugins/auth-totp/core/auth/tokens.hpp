// Bearer tokens and recovery codes (SPEC AU5, AU6; AC1 access links; AU8 sessions).
//
// Contract:
// - randomToken(): 32 bytes (256 bits) from RAND_bytes, Base64url without padding (43 chars).
//   Only the user ever sees it; the database stores tokenHash(token) (AU5).
// - tokenHash(): lower-case hex SHA-256 of the token text (64 chars). Tokens carry 256 bits of
//   entropy, so a fast unsalted hash suffices (no offline guessing is feasible).
// - Recovery codes (AU6): generateRecoveryCodes() gives `count` (default 10) codes of 10
//   characters from Crockford's Base32 alphabet (0-9, A-Z without I, L, O, U; 50 bits each),
//   shown as XXXXX-XXXXX. normalizeRecoveryCode() maps user input to the canonical 10 characters:
//   case-insensitive, dashes and white space ignored, O->0 and I/L->1 (Crockford); std::nullopt
//   if the result is not exactly 10 valid characters. Store tokenHash(normalised) and delete it
//   once used.
// Thread-safety: safe from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berichtd/status.hpp"

namespace berichtd::auth {

inline constexpr std::size_t kTokenBytes = 32;
inline constexpr std::size_t kRecoveryCodeCount = 10;
inline constexpr std::size_t kRecoveryCodeChars = 10;

Result<std::string> randomToken();
std::string tokenHash(std::string_view token);

Result<std::vector<std::string>> generateRecoveryCodes(std::size_t count = kRecoveryCodeCount);
std::optional<std::string> normalizeRecoveryCode(std::string_view input);
// "ABCDE12345" -> "ABCDE-12345" (input must already be normalised).
std::string formatRecoveryCode(std::string_view normalised);

}  // namespace berichtd::auth
