// Base32 (RFC 4648 section 6, alphabet A-Z2-7), used for TOTP secrets (SPEC AU2, AU7).
//
// Contract: base32Encode() never emits padding ("=") because otpauth URIs and authenticator
// apps expect none (AU7). base32Decode() is case-insensitive and accepts the canonical padding
// when present (then the length must be a multiple of 8 with the right number of "="); it
// refuses any other character, a misplaced "=", and impossible lengths (1, 3 or 6 characters in
// the last group). Unused trailing bits are ignored. Errors carry code BASE32_INVALID and never
// echo the input (it may be a secret).
// Thread-safety: pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "berichtd/status.hpp"

namespace berichtd::auth {

std::string base32Encode(std::string_view bytes);
Result<std::string> base32Decode(std::string_view text);

}  // namespace berichtd::auth
