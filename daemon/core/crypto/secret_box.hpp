// SecretBox: AES-256-GCM authenticated encryption of secrets at rest, e.g. TOTP secrets
// (SPEC AU5: encrypted with a key that is not in the database), with a key ring for rotation.
//
// Key text (a `{file: ...}` secret): one key per line `keyid:key`, key = 32 bytes as 64 hex
// digits or as Base64 (standard alphabet, 44 chars with padding); key id = 1..32 characters of
// [A-Za-z0-9_-]; blank lines and lines starting with "#" skipped. The LAST key in the text is
// the newest: seal() uses it, open() accepts any key of the ring (rotation: append a new key,
// re-seal at leisure, drop the old line once nothing uses it).
// Sealed format: v1:<keyid>:<Base64 12-byte nonce>:<Base64 ciphertext || 16-byte tag>
// (standard alphabet, padded). The AAD given by the caller (e.g. "totp:<account id>") binds the
// ciphertext to its row; the GCM AAD is "v1:<keyid>:" + aad, so the version and key id are
// authenticated too. Nonces are 96 random bits per seal (fine far below 2^32 seals per key).
// Errors: SECRET_KEY_INVALID (key text; the message names the line number only),
// SECRET_BOX_FORMAT, SECRET_BOX_UNKNOWN_KEY, SECRET_BOX_OPEN_FAILED (wrong key, wrong AAD or
// tampering), SECRET_BOX_FAILED (OpenSSL failure), RANDOM_FAILED. No message and no stream
// output ever contains key material or plaintext; keys are wiped when the last copy goes.
// Thread-safety: immutable after construction; seal()/open() are safe from any thread; copies
// share the key ring.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "berichtd/status.hpp"
#include "core/secret.hpp"

namespace berichtd::crypto {

inline constexpr std::size_t kSecretBoxKeyBytes = 32;

class SecretBox {
 public:
  static Result<SecretBox> fromKeyText(std::string_view text);
  static Result<SecretBox> fromKeyFile(const std::string& path);
  static Result<SecretBox> fromSecret(const Secret& secret);

  Result<std::string> seal(std::string_view plaintext, std::string_view aad) const;
  Result<std::string> open(std::string_view sealed, std::string_view aad) const;

  const std::string& currentKeyId() const;
  std::vector<std::string> keyIds() const;

 private:
  struct Key {
    std::string id;
    std::array<unsigned char, kSecretBoxKeyBytes> bytes{};
  };
  struct Ring {
    std::vector<Key> keys;  // last = newest
    ~Ring();
  };
  explicit SecretBox(std::shared_ptr<const Ring> ring) : ring_(std::move(ring)) {}

  std::shared_ptr<const Ring> ring_;
};

}  // namespace berichtd::crypto
