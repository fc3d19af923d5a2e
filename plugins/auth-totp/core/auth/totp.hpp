// HOTP (RFC 4226) and TOTP (RFC 6238) for the second login factor (SPEC AU1, AU2, AU3, AU7).
//
// Contract:
// - Secrets are raw bytes (generateSecret() gives 20 bytes = 160 bits from RAND_bytes, AU2);
//   they are shown to users as Base32 (base32.hpp) and never logged.
// - totpCode() computes the code for a Unix time: T = floor((t - T0) / step), T0 = 0.
// - verifyTotp() accepts a code only if it has exactly params.digits ASCII digits and equals,
//   in constant time, the code of a step within +-params.skewSteps of the current one (AU2) that
//   is later than lastAcceptedStep (AU3 replay). It returns the matched step, which the caller
//   stores as the new lastAcceptedStep; std::nullopt on any refusal (no reason given, so that
//   callers cannot leak which check failed).
// - Production uses the defaults (SHA1, 6 digits, 30 s; AU7). SHA256/SHA512 and 8 digits exist
//   for the RFC 6238 test vectors and are never put in an otpauth URI.
// - otpauthUri() builds otpauth://totp/ZilliZ:<email>?secret=<BASE32>&issuer=ZilliZ with no
//   algorithm/digits/period parameters (AU7: apps ignore or mis-handle them; the RFC defaults
//   SHA1/6/30 are what every app assumes when they are absent).
// Thread-safety: pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "berichtd/status.hpp"

namespace berichtd::auth {

enum class TotpAlgorithm { kSha1, kSha256, kSha512 };

struct TotpParams {
  int digits = 6;        // AU2: 6 in production; 8 only for the RFC vectors. Range 6..9.
  int stepSeconds = 30;  // AU2
  int skewSteps = 1;     // AU2: +-1 step accepted by default (configurable)
  TotpAlgorithm algorithm = TotpAlgorithm::kSha1;  // AU7: SHA1 in production
};

inline constexpr std::size_t kTotpSecretBytes = 20;  // AU2: 160 bits
inline constexpr std::string_view kTotpIssuer = "ZilliZ";

// 20 random bytes from the CSPRNG (AU2).
Result<std::string> generateSecret();

// RFC 4226 HOTP value for a counter, zero-padded to `digits`.
std::string hotpCode(std::string_view secret, std::uint64_t counter, int digits,
                     TotpAlgorithm algorithm = TotpAlgorithm::kSha1);

// Time step of a Unix time (floor division, T0 = 0).
std::int64_t totpStep(std::int64_t unixSeconds, int stepSeconds = 30);

std::string totpCode(std::string_view secret, std::int64_t unixSeconds, const TotpParams& params = {});

// Returns the matched time step, or std::nullopt (wrong code, wrong format, replay).
std::optional<std::int64_t> verifyTotp(std::string_view secret, std::string_view code,
                                       std::int64_t unixSeconds, const TotpParams& params = {},
                                       std::optional<std::int64_t> lastAcceptedStep = std::nullopt);

// otpauth://totp/ZilliZ:<email percent-encoded>?secret=<base32, no padding>&issuer=ZilliZ (AU2,
// AU7). secretBase32 is upper-cased and stripped of "=" padding.
std::string otpauthUri(std::string_view email, std::string_view secretBase32);

// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string percentEncode(std::string_view text);

}  // namespace berichtd::auth
