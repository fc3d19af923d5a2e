#include "auth/password_hash.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <charconv>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/crypto/base64.hpp"
#include "core/crypto/random.hpp"
#include "core/secret.hpp"

namespace berichtd::auth {

using namespace berichtd::crypto;  // randomBytes, Base64, SecretBox
namespace {

constexpr std::string_view kPrefix = "$scrypt$";

bool inRange(const ScryptParams& p) {
  return p.logN >= 10 && p.logN <= 22 && p.r >= 1 && p.r <= 32 && p.p >= 1 && p.p <= 16 &&
         p.saltBytes >= 8 && p.saltBytes <= 64 && p.keyBytes >= 16 && p.keyBytes <= 64;
}

Status hashFailed() { return Status::error("PASSWORD_HASH_FAILED", "password hashing failed"); }

// scrypt(password, salt) -> keyBytes bytes.
Result<std::string> derive(std::string_view password, std::string_view salt, const ScryptParams& params) {
  std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr),
                                                        &EVP_KDF_free);
  if (!kdf) return hashFailed();
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf.get()),
                                                                &EVP_KDF_CTX_free);
  if (!ctx) return hashFailed();
  std::uint64_t n = std::uint64_t{1} << params.logN;
  std::uint32_t r = static_cast<std::uint32_t>(params.r);
  std::uint32_t p = static_cast<std::uint32_t>(params.p);
  // Memory scrypt needs is about 128*r*(N+p) bytes; allow that plus slack.
  std::uint64_t maxMem = 128ULL * r * (n + p + 2) + (1ULL << 20);
  std::string pw(password);  // OSSL_PARAM wants a non-const buffer
  std::string sl(salt);
  OSSL_PARAM ps[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, pw.data(), pw.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, sl.data(), sl.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxMem),
      OSSL_PARAM_construct_end()};
  std::string key(static_cast<std::size_t>(params.keyBytes), '\0');
  const int rc = EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(key.data()), key.size(), ps);
  OPENSSL_cleanse(pw.data(), pw.size());
  if (rc != 1) return hashFailed();
  return key;
}

bool parseInt(std::string_view text, int& out) {
  if (text.empty() || text.size() > 3) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = text.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, pos - start));
    start = pos + 1;
  }
}

}  // namespace

Result<ParsedScryptHash> parseScryptHash(std::string_view encoded) {
  const Status bad = Status::error("PASSWORD_HASH_INVALID", "stored password hash is not a valid scrypt hash");
  if (encoded.substr(0, kPrefix.size()) != kPrefix) return bad;
  const auto parts = split(encoded.substr(kPrefix.size()), '$');
  if (parts.size() != 3) return bad;
  const auto fields = split(parts[0], ',');
  if (fields.size() != 3) return bad;
  ParsedScryptHash out;
  if (fields[0].substr(0, 3) != "ln=" || !parseInt(fields[0].substr(3), out.params.logN)) return bad;
  if (fields[1].substr(0, 2) != "r=" || !parseInt(fields[1].substr(2), out.params.r)) return bad;
  if (fields[2].substr(0, 2) != "p=" || !parseInt(fields[2].substr(2), out.params.p)) return bad;
  auto salt = base64Decode(parts[1]);
  auto key = base64Decode(parts[2]);
  if (!salt || !key) return bad;
  out.salt = std::move(salt).value();
  out.key = std::move(key).value();
  out.params.saltBytes = static_cast<int>(out.salt.size());
  out.params.keyBytes = static_cast<int>(out.key.size());
  if (!inRange(out.params)) return bad;
  return out;
}

Result<std::string> hashPassword(std::string_view password, const ScryptParams& params) {
  if (!inRange(params)) return Status::error("PASSWORD_HASH_FAILED", "scrypt parameters out of range");
  auto salt = randomBytes(static_cast<std::size_t>(params.saltBytes));
  if (!salt) return salt.status();
  auto key = derive(password, *salt, params);
  if (!key) return key.status();
  return std::string(kPrefix) + "ln=" + std::to_string(params.logN) + ",r=" + std::to_string(params.r) +
         ",p=" + std::to_string(params.p) + "$" + base64Encode(*salt, Base64Alphabet::kStandard, false) +
         "$" + base64Encode(*key, Base64Alphabet::kStandard, false);
}

bool verifyPassword(std::string_view password, std::string_view encoded) {
  auto parsed = parseScryptHash(encoded);
  if (!parsed) return false;
  auto key = derive(password, parsed->salt, parsed->params);
  if (!key) return false;
  return constantTimeEquals(*key, parsed->key);  // AU5: constant-time comparison
}

bool needsRehash(std::string_view encoded, const ScryptParams& params) {
  auto parsed = parseScryptHash(encoded);
  if (!parsed) return true;
  const ScryptParams& have = parsed->params;
  return have.logN != params.logN || have.r != params.r || have.p != params.p ||
         have.saltBytes != params.saltBytes || have.keyBytes != params.keyBytes;
}

bool dummyVerify(std::string_view password, const ScryptParams& params) {
  // AU4: same work as verifyPassword() on a hash of these params, result discarded.
  static const std::string kFixedSalt(64, '\x5a');
  const ScryptParams effective = inRange(params) ? params : ScryptParams{};
  auto key = derive(password, std::string_view(kFixedSalt).substr(0, static_cast<std::size_t>(effective.saltBytes)),
                    effective);
  (void)constantTimeEquals(key ? *key : std::string(), std::string(static_cast<std::size_t>(effective.keyBytes), '\0'));
  return false;
}

}  // namespace berichtd::auth
