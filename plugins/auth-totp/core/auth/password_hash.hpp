// Password hashing with scrypt (SPEC AU5) through OpenSSL 3's EVP_KDF "SCRYPT".
//
// Format (self-describing, so the cost can be raised later and old hashes still verify):
//   $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt, Base64 without padding>$<key, Base64 without padding>
// Default cost = OWASP Password Storage Cheat Sheet: N=2^17, r=8, p=1 (128 MiB, roughly
// 0.2-0.5 s on one core), 16-byte random salt, 32-byte derived key.
//
// Contract:
// - hashPassword() draws a fresh salt from RAND_bytes; errors PASSWORD_HASH_FAILED,
//   RANDOM_FAILED.
// - verifyPassword() recomputes with the stored parameters and compares in constant time; it
//   returns false for a wrong password and for any malformed or out-of-range encoding (stored
//   parameters are capped: ln 10..22, r 1..32, p 1..16, salt 8..64 B, key 16..64 B, so a
//   tampered row cannot make the server burn unbounded memory or CPU).
// - needsRehash(): true when the stored hash is unparseable or any of ln/r/p/salt/key length
//   differs from the wanted params (call after a successful verify and store a new hash).
// - dummyVerify() (AU4 timing): runs one scrypt of the same cost with a fixed salt and returns
//   false, so the unknown-e-mail path spends the same time as a wrong password.
// - Nothing here logs; error messages never contain the password or the hash.
// Thread-safety: all functions are safe from any thread; each call needs 128*r*N bytes of
// memory while it runs (128 MiB at the default), so callers bound concurrent verifications.
#pragma once

#include <string>
#include <string_view>

#include "berichtd/status.hpp"

namespace berichtd::auth {

struct ScryptParams {
  int logN = 17;       // N = 2^17 (OWASP)
  int r = 8;           // block size (OWASP)
  int p = 1;           // parallelism (OWASP)
  int saltBytes = 16;  // 128-bit salt
  int keyBytes = 32;   // 256-bit derived key
};

struct ParsedScryptHash {
  ScryptParams params;
  std::string salt;  // raw bytes
  std::string key;   // raw bytes
};

Result<std::string> hashPassword(std::string_view password, const ScryptParams& params = {});
bool verifyPassword(std::string_view password, std::string_view encoded);
bool needsRehash(std::string_view encoded, const ScryptParams& params = {});
bool dummyVerify(std::string_view password, const ScryptParams& params = {});

// Parses the encoded form; PASSWORD_HASH_INVALID when malformed or out of the accepted ranges.
Result<ParsedScryptHash> parseScryptHash(std::string_view encoded);

}  // namespace berichtd::auth
