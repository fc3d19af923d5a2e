#include "core/crypto/secret_box.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "core/crypto/base64.hpp"
#include "core/crypto/random.hpp"

namespace berichtd::crypto {
namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::string_view kVersion = "v1";

bool validKeyId(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trim(std::string_view s) {
  const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

Status formatError() { return Status::error("SECRET_BOX_FORMAT", "sealed value is malformed"); }
Status openFailed() {
  return Status::error("SECRET_BOX_OPEN_FAILED",
                       "sealed value cannot be opened (wrong key, wrong context or tampered)");
}
Status boxFailed() { return Status::error("SECRET_BOX_FAILED", "encryption library failure"); }

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

}  // namespace

SecretBox::Ring::~Ring() {
  for (auto& k : keys) OPENSSL_cleanse(k.bytes.data(), k.bytes.size());
}

Result<SecretBox> SecretBox::fromKeyText(std::string_view text) {
  auto ring = std::make_shared<Ring>();
  std::size_t start = 0;
  int lineNo = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    ++lineNo;
    if (line.empty() || line.front() == '#') continue;
    const auto bad = [lineNo](const std::string& why) {
      return Status::error("SECRET_KEY_INVALID", "key line " + std::to_string(lineNo) + ": " + why);
    };
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return bad("expected keyid:key");
    const std::string_view id = trim(line.substr(0, colon));
    const std::string_view material = trim(line.substr(colon + 1));
    if (!validKeyId(id)) return bad("key id must be 1-32 characters of A-Z a-z 0-9 _ -");
    for (const auto& k : ring->keys) {
      if (k.id == id) return bad("duplicate key id");
    }
    Key key;
    key.id = std::string(id);
    if (material.size() == 2 * kSecretBoxKeyBytes) {
      for (std::size_t i = 0; i < kSecretBoxKeyBytes; ++i) {
        const int hi = hexValue(material[2 * i]);
        const int lo = hexValue(material[2 * i + 1]);
        if (hi < 0 || lo < 0) return bad("key is neither 64 hex digits nor Base64 of 32 bytes");
        key.bytes[i] = static_cast<unsigned char>(hi * 16 + lo);
      }
    } else {
      auto decoded = base64Decode(material);
      if (!decoded || decoded->size() != kSecretBoxKeyBytes) {
        if (decoded) OPENSSL_cleanse(decoded->data(), decoded->size());
        return bad("key is neither 64 hex digits nor Base64 of 32 bytes");
      }
      std::copy(decoded->begin(), decoded->end(), key.bytes.begin());
      OPENSSL_cleanse(decoded->data(), decoded->size());
    }
    ring->keys.push_back(std::move(key));
  }
  if (ring->keys.empty()) return Status::error("SECRET_KEY_INVALID", "no key in the key text");
  return SecretBox(std::move(ring));
}

Result<SecretBox> SecretBox::fromKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::error("SECRET_KEY_INVALID", "cannot read the key file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  auto box = fromKeyText(content);
  OPENSSL_cleanse(content.data(), content.size());
  return box;
}

Result<SecretBox> SecretBox::fromSecret(const Secret& secret) {
  return fromKeyText(secret.reveal());
}

const std::string& SecretBox::currentKeyId() const { return ring_->keys.back().id; }

std::vector<std::string> SecretBox::keyIds() const {
  std::vector<std::string> ids;
  for (const auto& k : ring_->keys) ids.push_back(k.id);
  return ids;
}

Result<std::string> SecretBox::seal(std::string_view plaintext, std::string_view aad) const {
  const Key& key = ring_->keys.back();  // newest key seals
  auto nonce = randomBytes(kNonceBytes);
  if (!nonce) return nonce.status();
  const std::string header = std::string(kVersion) + ":" + key.id + ":";
  const std::string fullAad = header + std::string(aad);

  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) return boxFailed();
  std::string out(plaintext.size() + kTagBytes, '\0');
  auto* outPtr = reinterpret_cast<unsigned char*>(out.data());
  int len = 0;
  int total = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes),
                          nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.bytes.data(),
                         reinterpret_cast<const unsigned char*>(nonce->data())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(fullAad.data()),
                        static_cast<int>(fullAad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), outPtr, &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1) {
    return boxFailed();
  }
  total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), outPtr + total, &len) != 1) return boxFailed();
  total += len;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          outPtr + total) != 1) {
    return boxFailed();
  }
  out.resize(static_cast<std::size_t>(total) + kTagBytes);
  return header + base64Encode(*nonce) + ":" + base64Encode(out);
}

Result<std::string> SecretBox::open(std::string_view sealed, std::string_view aad) const {
  // v1:<keyid>:<nonce>:<ciphertext+tag>
  std::array<std::string_view, 4> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t pos = i < 3 ? sealed.find(':', start) : sealed.size();
    if (pos == std::string_view::npos) return formatError();
    parts[i] = sealed.substr(start, pos - start);
    start = pos + 1;
  }
  if (parts[0] != kVersion || parts[3].find(':') != std::string_view::npos) return formatError();
  const Key* key = nullptr;
  for (const auto& k : ring_->keys) {
    if (k.id == parts[1]) key = &k;
  }
  if (key == nullptr) {
    return validKeyId(parts[1]) ? Status::error("SECRET_BOX_UNKNOWN_KEY",
                                                "sealed with key id '" + std::string(parts[1]) +
                                                    "', which is not in the key ring")
                                : formatError();
  }
  auto nonce = base64Decode(parts[2]);
  auto body = base64Decode(parts[3]);
  if (!nonce || !body || nonce->size() != kNonceBytes || body->size() < kTagBytes)
    return formatError();
  const std::string fullAad = std::string(kVersion) + ":" + key->id + ":" + std::string(aad);
  const std::size_t cipherLen = body->size() - kTagBytes;
  auto* bodyPtr = reinterpret_cast<unsigned char*>(body->data());

  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) return boxFailed();
  std::string plain(cipherLen, '\0');
  int len = 0;
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes),
                          nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key->bytes.data(),
                         reinterpret_cast<const unsigned char*>(nonce->data())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(fullAad.data()),
                        static_cast<int>(fullAad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, bodyPtr,
                        static_cast<int>(cipherLen)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          bodyPtr + cipherLen) != 1) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return boxFailed();
  }
  int finalLen = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len,
                          &finalLen) != 1) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return openFailed();  // AU5: tampering or wrong key is an error, never garbage
  }
  plain.resize(static_cast<std::size_t>(len + finalLen));
  return plain;
}

}  // namespace berichtd::crypto
