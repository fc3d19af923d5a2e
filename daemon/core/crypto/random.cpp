#include "core/crypto/random.hpp"

#include <openssl/rand.h>

#include <climits>

namespace berichtd::crypto {

Result<std::string> randomBytes(std::size_t count) {
  std::string out(count, '\0');
  if (count == 0) return out;
  if (count > static_cast<std::size_t>(INT_MAX) ||
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    return Status::error("RANDOM_FAILED", "the random number generator failed");
  }
  return out;
}

}  // namespace berichtd::crypto
