#include "core/crypto/secret_box.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/crypto/base64.hpp"

namespace berichtd::crypto {
namespace {

const std::string kHexKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
std::string b64Key(char fill) { return base64Encode(std::string(32, fill)); }

TEST(SecretBox, RoundTripFormatAndFreshNonces) {
  auto box = SecretBox::fromKeyText("k2026:" + kHexKey + "\n");
  ASSERT_TRUE(box) << box.status().toString();
  const std::string plain("\x01\x02totp-secret-bytes\x00\xff", 22);
  auto sealed = box->seal(plain, "totp:42");
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->rfind("v1:k2026:", 0), 0u) << *sealed;
  EXPECT_EQ(std::count(sealed->begin(), sealed->end(), ':'), 3);
  auto opened = box->open(*sealed, "totp:42");
  ASSERT_TRUE(opened) << opened.status().toString();
  EXPECT_EQ(*opened, plain);
  auto again = box->seal(plain, "totp:42");
  ASSERT_TRUE(again);
  EXPECT_NE(*sealed, *again);
  auto empty = box->seal("", "");
  ASSERT_TRUE(empty);
  EXPECT_EQ(*box->open(*empty, ""), "");
}

TEST(SecretBox, TamperingAndWrongContextDetected) {
  auto box = SecretBox::fromKeyText("a:" + b64Key('A'));
  ASSERT_TRUE(box);
  auto sealed = box->seal("JBSWY3DPEHPK3PXP", "totp:1");
  ASSERT_TRUE(sealed);
  EXPECT_EQ(box->open(*sealed, "totp:2").status().code(), "SECRET_BOX_OPEN_FAILED");
  // Flip every character of the body in turn (within the Base64 alphabet).
  const std::size_t bodyStart = sealed->rfind(':') + 1;
  for (std::size_t i = sealed->find(':', 5) + 1; i < sealed->size(); ++i) {
    if ((*sealed)[i] == ':' || (*sealed)[i] == '=') continue;
    std::string t = *sealed;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    auto r = box->open(t, "totp:1");
    EXPECT_FALSE(r) << "position " << i;
    if (!r && i >= bodyStart) {
      EXPECT_TRUE(r.status().code() == "SECRET_BOX_OPEN_FAILED" ||
                  r.status().code() == "SECRET_BOX_FORMAT");
    }
  }
  // Truncated / malformed.
  for (const std::string& bad :
       {std::string(""), std::string("v1:a"), std::string("v2:a:AAAA:AAAA"),
        sealed->substr(0, sealed->size() - 4), *sealed + ":x"}) {
    EXPECT_FALSE(box->open(bad, "totp:1")) << bad;
  }
  // Wrong key with the same id.
  auto other = SecretBox::fromKeyText("a:" + b64Key('B'));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->open(*sealed, "totp:1").status().code(), "SECRET_BOX_OPEN_FAILED");
}

TEST(SecretBox, KeyRotationSealsWithNewestOpensWithAny) {
  auto oldBox = SecretBox::fromKeyText("old:" + b64Key('o'));
  ASSERT_TRUE(oldBox);
  auto sealedOld = oldBox->seal("secret-1", "ctx");
  ASSERT_TRUE(sealedOld);
  auto ring = SecretBox::fromKeyText("# keys\nold:" + b64Key('o') + "\n\nnew:" + kHexKey + "\n");
  ASSERT_TRUE(ring);
  EXPECT_EQ(ring->currentKeyId(), "new");
  EXPECT_EQ(ring->keyIds(), (std::vector<std::string>{"old", "new"}));
  EXPECT_EQ(*ring->open(*sealedOld, "ctx"), "secret-1");
  auto sealedNew = ring->seal("secret-2", "ctx");
  ASSERT_TRUE(sealedNew);
  EXPECT_EQ(sealedNew->rfind("v1:new:", 0), 0u);
  auto unknown = oldBox->open(*sealedNew, "ctx");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.status().code(), "SECRET_BOX_UNKNOWN_KEY");
}

TEST(SecretBox, KeyTextErrorsNeverShowKeyMaterial) {
  const std::string secretish = "c2VjcmV0LWtleS1tYXRlcmlhbC10b28tc2hvcnQ";
  const std::string bad[] = {"",
                             "# only a comment\n",
                             "nokeyid",
                             "bad id:" + kHexKey,
                             ":" + kHexKey,
                             "k:" + secretish,
                             "k:" + kHexKey.substr(0, 62) + "zz",
                             "k:" + kHexKey + "\nk:" + b64Key('x')};
  for (const auto& text : bad) {
    auto box = SecretBox::fromKeyText(text);
    ASSERT_FALSE(box) << text;
    EXPECT_EQ(box.status().code(), "SECRET_KEY_INVALID");
    EXPECT_EQ(box.status().message().find(secretish), std::string::npos);
    EXPECT_EQ(box.status().message().find(kHexKey.substr(0, 16)), std::string::npos);
  }
}

TEST(SecretBox, FromKeyFileAndSecret) {
  const auto path =
      std::filesystem::temp_directory_path() / ("auth_core_keys_" + std::to_string(getpid()));
  std::ofstream(path) << "k1:" << kHexKey << "\n";
  auto box = SecretBox::fromKeyFile(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(box) << box.status().toString();
  auto viaSecret = SecretBox::fromSecret(Secret("k1:" + kHexKey, "test"));
  ASSERT_TRUE(viaSecret);
  auto sealed = box->seal("x", "y");
  ASSERT_TRUE(sealed);
  EXPECT_EQ(*viaSecret->open(*sealed, "y"), "x");
  EXPECT_EQ(SecretBox::fromKeyFile("/nonexistent/keys").status().code(), "SECRET_KEY_INVALID");
}

}  // namespace
}  // namespace berichtd::crypto
