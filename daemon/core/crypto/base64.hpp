// Base64 (RFC 4648 sections 4 and 5) helpers for the auth core's text formats.
//
// Contract: encode with the standard or the URL-safe alphabet, with or without "=" padding.
// Decode accepts exactly one alphabet, with or without correct padding, canonical encodings
// only (unused trailing bits must be zero); any other character (including whitespace) is
// refused with BASE64_INVALID, never echoing the input.
// Thread-safety: pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "berichtd/status.hpp"

namespace berichtd::crypto {

enum class Base64Alphabet { kStandard, kUrl };

std::string base64Encode(std::string_view bytes,
                         Base64Alphabet alphabet = Base64Alphabet::kStandard, bool pad = true);
Result<std::string> base64Decode(std::string_view text,
                                 Base64Alphabet alphabet = Base64Alphabet::kStandard);

}  // namespace berichtd::crypto
