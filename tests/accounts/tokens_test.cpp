// Random tokens and SHA-256 (SPEC AU5: tokens are stored only as their hash).
#include "core/tokens.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace berichtd {
namespace {

TEST(CoreTokens, RandomTokenIs256BitsOfBase64UrlWithoutPadding) {
  for (int i = 0; i < 100; ++i) {
    const std::string t = randomToken();
    EXPECT_EQ(t.size(), 43u) << t;  // ceil(32 * 4 / 3) without '='
    for (char c : t) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
      EXPECT_TRUE(ok) << "character '" << c << "' in " << t;
    }
  }
}

TEST(CoreTokens, RandomTokensAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) EXPECT_TRUE(seen.insert(randomToken()).second);
}

TEST(CoreTokens, Sha256HexKnownVectors) {
  // FIPS 180-2 examples.
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

}  // namespace
}  // namespace berichtd
