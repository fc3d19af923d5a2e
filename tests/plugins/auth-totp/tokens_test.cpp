#include "auth/tokens.hpp"

#include <gtest/gtest.h>

#include <set>

namespace berichtd::auth {
namespace {

TEST(Tokens, RandomTokenIs256BitBase64Url) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto t = randomToken();
    ASSERT_TRUE(t);
    EXPECT_EQ(t->size(), 43u);
    EXPECT_EQ(t->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    seen.insert(*t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Tokens, TokenHashIsHexSha256) {
  EXPECT_EQ(tokenHash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(tokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto t = randomToken();
  ASSERT_TRUE(t);
  EXPECT_EQ(tokenHash(*t).size(), 64u);
  EXPECT_EQ(tokenHash(*t).find(*t), std::string::npos);
}

TEST(Tokens, RecoveryCodesShapeAndUniqueness) {
  auto codes = generateRecoveryCodes();
  ASSERT_TRUE(codes);
  ASSERT_EQ(codes->size(), 10u);
  std::set<std::string> unique;
  for (const auto& c : *codes) {
    ASSERT_EQ(c.size(), 11u) << c;
    EXPECT_EQ(c[5], '-');
    auto n = normalizeRecoveryCode(c);
    ASSERT_TRUE(n) << c;
    EXPECT_EQ(n->size(), 10u);
    EXPECT_EQ(formatRecoveryCode(*n), c);
    EXPECT_EQ(n->find_first_of("ILOU"), std::string::npos);
    unique.insert(*n);
  }
  EXPECT_EQ(unique.size(), 10u);
}

TEST(Tokens, RecoveryCodeNormalisationTable) {
  struct Case {
    std::string input;
    std::optional<std::string> expected;
  };
  const Case cases[] = {
      {"ABCDE-12345", "ABCDE12345"},
      {"abcde-12345", "ABCDE12345"},
      {"  abcde 12345 ", "ABCDE12345"},
      {"ab-cd-e1-23-45", "ABCDE12345"},
      {"ABCDE12345", "ABCDE12345"},
      {"oOiIl-LABCD", "001111ABCD"},  // Crockford: O->0, I/L->1
      {"ABCD-12345", std::nullopt},
      {"ABCDE-123456", std::nullopt},
      {"ABCDE-1234U", std::nullopt},
      {"ABCDE_12345", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(normalizeRecoveryCode(c.input), c.expected) << c.input;
  }
}

}  // namespace
}  // namespace berichtd::auth
