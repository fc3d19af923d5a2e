#include "auth/tokens.hpp"

#include <openssl/evp.h>

#include <array>

#include "auth/base64.hpp"
#include "auth/random.hpp"

namespace berichtd::auth {
namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // 32 symbols

}  // namespace

Result<std::string> randomToken() {
  auto bytes = randomBytes(kTokenBytes);
  if (!bytes) return bytes.status();
  return base64Encode(*bytes, Base64Alphabet::kUrl, false);
}

std::string tokenHash(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_Digest(token.data(), token.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

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
