#include "core/secret.hpp"

#include <openssl/crypto.h>

namespace berichtd {

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool Secret::equalsConstantTime(std::string_view candidate) const {
  return constantTimeEquals(value_, candidate);
}

}  // namespace berichtd
