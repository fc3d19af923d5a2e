#include "auth/tokens.hpp"

#include "core/tokens.hpp"

#include <openssl/evp.h>

#include <array>

#include "core/crypto/base64.hpp"
#include "core/crypto/random.hpp"

namespace berichtd::auth {

using namespace berichtd::crypto;  // randomBytes, Base64, SecretBox
namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // 32 symbols

}  // namespace

// Both delegate to the daemon core's token functions, so the daemon (request tokens) and the
// auth plugin (access links, sessions) mint and fingerprint tokens the same way.
Result<std::string> randomToken() {
  try {
    return berichtd::randomToken();
  } catch (const std::exception&) {
    return Status::error("RANDOM_FAILED", "the random number generator failed");
  }
}

std::string tokenHash(std::string_view token) { return berichtd::sha256Hex(token); }

Result<std::vector<std::string>> generateRecoveryCodes(std::size_t count) {
  auto bytes = randomBytes(count * kRecoveryCodeChars);
  if (!bytes) return bytes.status();
  std::vector<std::string> codes;
  codes.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::string code;
    for (std::size_t j = 0; j < kRecoveryCodeChars; ++j) {
      // 256 is a multiple of 32, so the low five bits are uniform.
      code.push_back(kCrockford[static_cast<unsigned char>((*bytes)[i * kRecoveryCodeChars + j]) & 31]);
    }
    codes.push_back(formatRecoveryCode(code));
  }
  return codes;
}

std::optional<std::string> normalizeRecoveryCode(std::string_view input) {
  std::string out;
  for (char c : input) {
    if (c == '-' || c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (kCrockford.find(c) == std::string_view::npos) return std::nullopt;
    out.push_back(c);
    if (out.size() > kRecoveryCodeChars) return std::nullopt;
  }
  if (out.size() != kRecoveryCodeChars) return std::nullopt;
  return out;
}

std::string formatRecoveryCode(std::string_view normalised) {
  if (normalised.size() != kRecoveryCodeChars) return std::string(normalised);
  return std::string(normalised.substr(0, 5)) + "-" + std::string(normalised.substr(5));
}

}  // namespace berichtd::auth
