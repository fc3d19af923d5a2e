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

TEST(CoreTokens, HmacSha256HexAndToHexKnownVectors) {
  // RFC 4231 test cases 1 and 2 (the D3 request hash is this HMAC keyed with the master key).
  EXPECT_EQ(hmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_NE(hmacSha256Hex("other key", "Hi There"),
            hmacSha256Hex(std::string(20, '\x0b'), "Hi There"));
  EXPECT_EQ(toHex(std::string("\x00\x01\xab\xff", 4)), "0001abff");
  EXPECT_EQ(toHex(""), "");
}

}  // namespace
}  // namespace berichtd
