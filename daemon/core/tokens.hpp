// Random bearer tokens and their SHA-256 fingerprints.
//
// Contract
// - randomToken(): 256 bits from OpenSSL's CSPRNG (RAND_bytes), base64url without padding
//   (43 characters of [A-Za-z0-9_-]). Throws std::runtime_error only when the CSPRNG fails,
//   which OpenSSL reports as unrecoverable.
// - sha256Hex(): the lower-case hex SHA-256 of the bytes (64 characters).
// - hmacSha256Hex(key, data): the lower-case hex HMAC-SHA256 (RFC 2104; 64 characters) — a
//   fingerprint only the key holder can compute (e.g. D3 request hashes).
// - toHex(): lower-case hex of raw bytes.
// - SPEC AU5: request-link, access-link, session and similar tokens are stored only as
//   sha256Hex(token); the plain token is shown once to its owner and never logged.
// Free functions without shared state: safe on any thread.
#pragma once

#include <string>
#include <string_view>

namespace berichtd {

inline constexpr std::size_t kTokenBytes = 32;  // 256 bits

std::string randomToken();
std::string sha256Hex(std::string_view data);
std::string hmacSha256Hex(std::string_view key, std::string_view data);
std::string toHex(std::string_view bytes);

}  // namespace berichtd
