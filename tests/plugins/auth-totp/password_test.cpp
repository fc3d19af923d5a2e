#include "auth/password_hash.hpp"
#include "auth/password_policy.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace berichtd::auth {
namespace {

// Cheap cost for the table tests; the default (OWASP) cost is exercised once below.
const ScryptParams kCheap{.logN = 10, .r = 8, .p = 1, .saltBytes = 16, .keyBytes = 32};

TEST(PasswordHash, DefaultCostRoundTripOnce) {  // AU5
  const auto start = std::chrono::steady_clock::now();
  auto h = hashPassword("correct horse battery staple");
  ASSERT_TRUE(h) << h.status().toString();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  EXPECT_EQ(h->rfind("$scrypt$ln=17,r=8,p=1$", 0), 0u) << *h;
  auto parsed = parseScryptHash(*h);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->salt.size(), 16u);
  EXPECT_EQ(parsed->key.size(), 32u);
  EXPECT_FALSE(needsRehash(*h));
  std::cout << "[ info ] default-cost scrypt hash took " << ms.count() << " ms\n";
}

TEST(PasswordHash, RoundTripAndWrongPasswordTable) {
  auto h = hashPassword("Zorgverlener-2026!", kCheap);
  ASSERT_TRUE(h);
  EXPECT_TRUE(verifyPassword("Zorgverlener-2026!", *h));
  for (const char* wrong : {"", "zorgverlener-2026!", "Zorgverlener-2026", "Zorgverlener-2026!!", " Zorgverlener-2026!"}) {
    EXPECT_FALSE(verifyPassword(wrong, *h)) << wrong;
  }
  auto h2 = hashPassword("Zorgverlener-2026!", kCheap);
  ASSERT_TRUE(h2);
  EXPECT_NE(*h, *h2) << "fresh salt per hash";
}

TEST(PasswordHash, ParsesParameters) {
  auto h = hashPassword("pw", {.logN = 11, .r = 4, .p = 2, .saltBytes = 24, .keyBytes = 48});
  ASSERT_TRUE(h);
  EXPECT_EQ(h->rfind("$scrypt$ln=11,r=4,p=2$", 0), 0u);
  auto parsed = parseScryptHash(*h);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->params.logN, 11);
  EXPECT_EQ(parsed->params.r, 4);
  EXPECT_EQ(parsed->params.p, 2);
  EXPECT_EQ(parsed->params.saltBytes, 24);
  EXPECT_EQ(parsed->params.keyBytes, 48);
  EXPECT_TRUE(verifyPassword("pw", *h));
}

TEST(PasswordHash, MalformedOrOutOfRangeRefusedTable) {
  auto h = hashPassword("pw", kCheap);
  ASSERT_TRUE(h);
  const std::string salt_hash = h->substr(h->find('$', 8));  // "$salt$key"
  const std::string bad[] = {
      "",
      "$argon2id$v=19$m=65536,t=3,p=4$abc$def",
      "$scrypt$ln=10,r=8$" + salt_hash.substr(1),
      "$scrypt$ln=10,r=8,p=1,x=1" + salt_hash,
      "$scrypt$ln=40,r=8,p=1" + salt_hash,  // would need 2^40 blocks
      "$scrypt$ln=9,r=8,p=1" + salt_hash,
      "$scrypt$ln=10,r=99,p=1" + salt_hash,
      "$scrypt$ln=10,r=8,p=0" + salt_hash,
      "$scrypt$ln=-1,r=8,p=1" + salt_hash,
      "$scrypt$ln=10,r=8,p=1$!!!$AAAA",
      "$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA",  // key too short
      *h + "$extra",
  };
  for (const auto& enc : bad) {
    auto parsed = parseScryptHash(enc);
    EXPECT_FALSE(parsed) << enc;
    if (!parsed) {
      EXPECT_EQ(parsed.status().code(), "PASSWORD_HASH_INVALID");
    }
    EXPECT_FALSE(verifyPassword("pw", enc)) << enc;
    EXPECT_TRUE(needsRehash(enc, kCheap)) << enc;
  }
}

TEST(PasswordHash, NeedsRehashWhenParametersDiffer) {
  auto h = hashPassword("pw", kCheap);
  ASSERT_TRUE(h);
  EXPECT_FALSE(needsRehash(*h, kCheap));
  EXPECT_TRUE(needsRehash(*h, {.logN = 11, .r = 8, .p = 1}));
  EXPECT_TRUE(needsRehash(*h, {.logN = 10, .r = 16, .p = 1}));
  EXPECT_TRUE(needsRehash(*h, {.logN = 10, .r = 8, .p = 2}));
  EXPECT_TRUE(needsRehash(*h, {.logN = 10, .r = 8, .p = 1, .saltBytes = 32}));
  EXPECT_TRUE(needsRehash(*h));  // default OWASP cost is higher
}

TEST(PasswordHash, OutOfRangeParamsRefusedWhenHashing) {
  auto h = hashPassword("pw", {.logN = 30});
  ASSERT_FALSE(h);
  EXPECT_EQ(h.status().code(), "PASSWORD_HASH_FAILED");
}

TEST(PasswordHash, DummyVerifyCostsAboutTheSame) {  // AU4 timing
  auto h = hashPassword("pw", {.logN = 14});
  ASSERT_TRUE(h);
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  EXPECT_FALSE(verifyPassword("wrong", *h));
  auto t1 = Clock::now();
  EXPECT_FALSE(dummyVerify("wrong", {.logN = 14}));
  auto t2 = Clock::now();
  const double real = std::chrono::duration<double>(t1 - t0).count();
  const double dummy = std::chrono::duration<double>(t2 - t1).count();
  // Same KDF work; generous bounds so a loaded CI machine does not flake.
  EXPECT_GT(dummy, real * 0.3) << real << " vs " << dummy;
  EXPECT_LT(dummy, real * 3.0 + 0.05) << real << " vs " << dummy;
}

TEST(PasswordPolicy, Table) {
  auto policy = PasswordPolicy::fromFile(BERICHTD_SOURCE_DIR "/conf/common-passwords.txt");
  ASSERT_TRUE(policy) << policy.status().toString();
  EXPECT_GE(policy->commonCount(), 900u);
  EXPECT_EQ(policy->minLength(), 12u);
  struct Case {
    std::string password;
    std::string email;
    std::string code;  // empty: accepted
  };
  const Case cases[] = {
      {"", "a@b.nl", "PASSWORD_TOO_SHORT"},
      {"kort", "a@b.nl", "PASSWORD_TOO_SHORT"},
      {"elf-tekens!", "a@b.nl", "PASSWORD_TOO_SHORT"},          // 11
      {"twaalf-tekns", "a@b.nl", ""},                            // 12
      {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", "a@b.nl", "PASSWORD_TOO_SHORT"},  // 6 code points, 12 bytes
      {"password1234", "a@b.nl", "PASSWORD_TOO_COMMON"},
      {"PASSWORD1234", "a@b.nl", "PASSWORD_TOO_COMMON"},
      {"123456789012", "a@b.nl", "PASSWORD_TOO_COMMON"},
      {"qwertyuiop123", "a@b.nl", "PASSWORD_TOO_COMMON"},
      {"wachtwoord123", "a@b.nl", "PASSWORD_TOO_COMMON"},
      {"jan.jansen@zorg.nl", "Jan.Jansen@Zorg.nl", "PASSWORD_EQUALS_EMAIL"},
      {"vier paarden eten hooi", "jan@zorg.nl", ""},
      {"Zorgverlener-2026!", "jan@zorg.nl", ""},
  };
  for (const auto& c : cases) {
    const Status s = policy->check(c.password, c.email);
    EXPECT_EQ(s.code(), c.code) << c.password;
    if (!s.isOk() && !c.password.empty()) {
      EXPECT_EQ(s.message().find(c.password), std::string::npos) << "message echoes the password";
    }
  }
}

TEST(PasswordPolicy, ConfigurableMinimumAndListText) {
  const auto policy = PasswordPolicy::fromText("# comment\n\n  Geheim1234567 \nabc\n", 16);
  EXPECT_EQ(policy.commonCount(), 2u);
  EXPECT_EQ(policy.check("fifteen-chars!!", "").code(), "PASSWORD_TOO_SHORT");
  EXPECT_TRUE(policy.check("sixteen-chars!!!", "").isOk());
  const auto shortPolicy = PasswordPolicy::fromText("Geheim1234567\n", 12);
  EXPECT_EQ(shortPolicy.check("geheim1234567", "").code(), "PASSWORD_TOO_COMMON");
  EXPECT_EQ(PasswordPolicy::fromFile("/nonexistent/list.txt").status().code(), "PASSWORD_LIST_UNREADABLE");
}

}  // namespace
}  // namespace berichtd::auth
