// Cryptographically secure random bytes from OpenSSL's CSPRNG (RAND_bytes).
//
// Contract: randomBytes(n) returns exactly n bytes or RANDOM_FAILED when the CSPRNG cannot
// deliver (never falls back to a weaker source).
// Thread-safety: safe from any thread (OpenSSL 3's DRBG is thread-safe).
#pragma once

#include <cstddef>
#include <string>

#include "berichtd/status.hpp"

namespace berichtd::crypto {

Result<std::string> randomBytes(std::size_t count);

}  // namespace berichtd::crypto
