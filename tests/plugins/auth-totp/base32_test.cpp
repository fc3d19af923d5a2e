#include "auth/base32.hpp"
#include "core/crypto/base64.hpp"

#include <gtest/gtest.h>

namespace berichtd::auth {
namespace {

using namespace berichtd::crypto;  // Base64

struct Vector {
  std::string plain;
  std::string padded;  // RFC 4648 section 10
};

const Vector kRfc4648[] = {
    {"", ""},
    {"f", "MY======"},
    {"fo", "MZXQ===="},
    {"foo", "MZXW6==="},
    {"foob", "MZXW6YQ="},
    {"fooba", "MZXW6YTB"},
    {"foobar", "MZXW6YTBOI======"},
};

std::string unpadded(const std::string& s) { return s.substr(0, s.find('=')); }

TEST(Base32, Rfc4648VectorsEncodeWithoutPadding) {
  for (const auto& v : kRfc4648) EXPECT_EQ(base32Encode(v.plain), unpadded(v.padded)) << v.plain;
}

TEST(Base32, Rfc4648VectorsDecodePaddedUnpaddedAndLowerCase) {
  for (const auto& v : kRfc4648) {
    for (const std::string& in : {v.padded, unpadded(v.padded)}) {
      auto d = base32Decode(in);
      ASSERT_TRUE(d) << in << " " << d.status().toString();
      EXPECT_EQ(*d, v.plain);
      std::string lower = in;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto dl = base32Decode(lower);
      ASSERT_TRUE(dl) << lower;
      EXPECT_EQ(*dl, v.plain);
    }
  }
}

TEST(Base32, RoundTripsAllByteValues) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= all.size(); n += 7) {
    auto d = base32Decode(base32Encode(all.substr(0, n)));
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, all.substr(0, n));
  }
}

TEST(Base32, RefusesInvalidInputTable) {
  const char* bad[] = {"M", "MZX", "MZXW6Y", "MZ1W6YTB", "MZXW6YT!", "MY=====", "MY=======",
                       "MZXQ======", "M=Y=====", "MZXW 6YTB", "MZXW6YQ=MZXW6YQ="};
  for (const char* in : bad) {
    auto d = base32Decode(in);
    EXPECT_FALSE(d) << in;
    if (!d) {
      EXPECT_EQ(d.status().code(), "BASE32_INVALID");
      EXPECT_EQ(d.status().message().find(in), std::string::npos) << "message echoes input";
    }
  }
}

TEST(Base64, Rfc4648VectorsBothAlphabets) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, enc] : vectors) {
    EXPECT_EQ(base64Encode(plain), enc);
    auto d = base64Decode(enc);
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, plain);
    auto d2 = base64Decode(enc.substr(0, enc.find('=')));
    ASSERT_TRUE(d2);
    EXPECT_EQ(*d2, plain);
  }
  EXPECT_EQ(base64Encode("\xfb\xff", Base64Alphabet::kUrl, false), "-_8");
  EXPECT_EQ(base64Encode("\xfb\xff"), "+/8=");
  EXPECT_FALSE(base64Decode("-_8"));
  EXPECT_FALSE(base64Decode("Z"));
  EXPECT_FALSE(base64Decode("Zg==="));
  EXPECT_FALSE(base64Decode("Zh=="));  // non-canonical: unused bits set
  EXPECT_FALSE(base64Decode("Zm9=")); 
}

}  // namespace
}  // namespace berichtd::auth
