#include "auth/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "core/crypto/random.hpp"
#include "core/secret.hpp"

namespace berichtd::auth {

using namespace berichtd::crypto;  // randomBytes, Base64, SecretBox
namespace {

const EVP_MD* digestFor(TotpAlgorithm algorithm) {
  switch (algorithm) {
    case TotpAlgorithm::kSha256:
      return EVP_sha256();
    case TotpAlgorithm::kSha512:
      return EVP_sha512();
    case TotpAlgorithm::kSha1:
      break;
  }
  return EVP_sha1();
}

bool validDigits(int digits) { return digits >= 6 && digits <= 9; }

}  // namespace

Result<std::string> generateSecret() { return randomBytes(kTotpSecretBytes); }

std::string hotpCode(std::string_view secret, std::uint64_t counter, int digits, TotpAlgorithm algorithm) {
  if (!validDigits(digits)) digits = 6;
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int macLen = 0;
  if (HMAC(digestFor(algorithm), secret.data(), static_cast<int>(secret.size()), message.data(),
           message.size(), mac.data(), &macLen) == nullptr ||
      macLen < 20) {
    return {};  // unreachable with OpenSSL's built-in digests; an empty code never verifies
  }
  // RFC 4226 section 5.3 dynamic truncation.
  const unsigned offset = mac[macLen - 1] & 0x0f;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                               static_cast<std::uint32_t>(mac[offset + 3]);
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::int64_t totpStep(std::int64_t unixSeconds, int stepSeconds) {
  if (stepSeconds <= 0) stepSeconds = 30;
  std::int64_t q = unixSeconds / stepSeconds;
  if (unixSeconds % stepSeconds != 0 && unixSeconds < 0) --q;  // floor
  return q;
}

std::string totpCode(std::string_view secret, std::int64_t unixSeconds, const TotpParams& params) {
  const std::int64_t step = totpStep(unixSeconds, params.stepSeconds);
  return hotpCode(secret, static_cast<std::uint64_t>(step), params.digits, params.algorithm);
}

std::optional<std::int64_t> verifyTotp(std::string_view secret, std::string_view code,
                                       std::int64_t unixSeconds, const TotpParams& params,
                                       std::optional<std::int64_t> lastAcceptedStep) {
  if (secret.empty() || !validDigits(params.digits)) return std::nullopt;
  // Format: exactly `digits` ASCII digits (length is not secret).
  if (code.size() != static_cast<std::size_t>(params.digits)) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const int skew = params.skewSteps < 0 ? 0 : params.skewSteps;
  const std::int64_t current = totpStep(unixSeconds, params.stepSeconds);
  std::optional<std::int64_t> matched;
  // Every candidate in the window is computed and compared, so the time taken does not depend
  // on which step (if any) matched. The earliest matching step wins.
  for (std::int64_t step = current - skew; step <= current + skew; ++step) {
    if (step < 0) continue;
    if (lastAcceptedStep && step <= *lastAcceptedStep) continue;  // AU3: replay refused
    const std::string expected =
        hotpCode(secret, static_cast<std::uint64_t>(step), params.digits, params.algorithm);
    const bool equal = constantTimeEquals(expected, code);  // AU2: constant-time comparison
    if (equal && !matched) matched = step;
  }
  return matched;
}

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

std::string otpauthUri(std::string_view email, std::string_view secretBase32) {
  std::string secret;
  secret.reserve(secretBase32.size());
  for (char c : secretBase32) {
    if (c == '=') continue;  // AU7: Base32 without padding in the URI
    secret.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
  }
  // AU7: no algorithm/digits/period parameters; the defaults SHA1/6/30 apply.
  return "otpauth://totp/" + std::string(kTotpIssuer) + ":" + percentEncode(email) +
         "?secret=" + percentEncode(secret) + "&issuer=" + std::string(kTotpIssuer);
}

}  // namespace berichtd::auth
