#include "auth/base32.hpp"
#include "auth/totp.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace berichtd::auth {
namespace {

struct Rfc6238Row {
  std::int64_t unixTime;
  std::string mode;
  int digits;
  std::string seed;
  std::string totp;
};

std::vector<Rfc6238Row> loadVectors() {
  std::ifstream in(BERICHTD_SOURCE_DIR "/tests/plugins/auth-totp/rfc6238.tsv");
  std::vector<Rfc6238Row> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    Rfc6238Row r;
    fields >> r.unixTime >> r.mode >> r.digits >> r.seed >> r.totp;
    rows.push_back(r);
  }
  return rows;
}

TotpAlgorithm algorithmOf(const std::string& mode) {
  if (mode == "sha256") return TotpAlgorithm::kSha256;
  if (mode == "sha512") return TotpAlgorithm::kSha512;
  EXPECT_EQ(mode, "sha1");
  return TotpAlgorithm::kSha1;
}

const std::string kSecret = "12345678901234567890";

TEST(Totp, Rfc6238AllVectors) {
  const auto rows = loadVectors();
  ASSERT_EQ(rows.size(), 18u) << "all RFC 6238 rows (6 times x 3 algorithms)";
  int perMode[3] = {0, 0, 0};
  for (const auto& r : rows) {
    TotpParams p;
    p.digits = r.digits;
    p.algorithm = algorithmOf(r.mode);
    perMode[static_cast<int>(p.algorithm)]++;
    EXPECT_EQ(totpCode(r.seed, r.unixTime, p), r.totp) << r.mode << " @" << r.unixTime;
    auto step = verifyTotp(r.seed, r.totp, r.unixTime, p);
    ASSERT_TRUE(step) << r.mode << " @" << r.unixTime;
    EXPECT_EQ(*step, r.unixTime / 30);
  }
  EXPECT_EQ(perMode[0], 6);
  EXPECT_EQ(perMode[1], 6);
  EXPECT_EQ(perMode[2], 6);
}

TEST(Totp, Rfc4226HotpVectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t i = 0; i < 10; ++i) EXPECT_EQ(hotpCode(kSecret, i, 6), expected[i]) << i;
}

TEST(Totp, SkewTable) {
  const std::int64_t now = 1'700'000'015;  // middle of a step
  const std::int64_t step = totpStep(now);
  struct Case {
    int offsetSteps;
    int skew;
    bool accepted;
  };
  const Case cases[] = {{0, 1, true},  {-1, 1, true},  {1, 1, true},  {-2, 1, false}, {2, 1, false},
                        {0, 0, true},  {1, 0, false},  {-1, 0, false}, {2, 2, true},  {-3, 2, false}};
  for (const auto& c : cases) {
    TotpParams p;
    p.skewSteps = c.skew;
    const std::string code = totpCode(kSecret, now + 30 * c.offsetSteps, {});
    auto got = verifyTotp(kSecret, code, now, p);
    EXPECT_EQ(got.has_value(), c.accepted) << "offset " << c.offsetSteps << " skew " << c.skew;
    if (got) {
      EXPECT_EQ(*got, step + c.offsetSteps);
    }
  }
}

TEST(Totp, ReplayOfSameOrEarlierStepRefused) {  // AU3
  const std::int64_t now = 1'700'000'015;
  const std::string code = totpCode(kSecret, now);
  auto first = verifyTotp(kSecret, code, now, {}, std::nullopt);
  ASSERT_TRUE(first);
  EXPECT_FALSE(verifyTotp(kSecret, code, now, {}, first));
  EXPECT_FALSE(verifyTotp(kSecret, code, now + 29, {}, first));
  // An earlier (skewed) code after a later one is refused too.
  const std::string previous = totpCode(kSecret, now - 30);
  EXPECT_FALSE(verifyTotp(kSecret, previous, now, {}, first));
  // The next step's code is fine.
  const std::string next = totpCode(kSecret, now + 30);
  auto second = verifyTotp(kSecret, next, now + 30, {}, first);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, *first + 1);
}

TEST(Totp, MalformedCodesRefused) {
  const std::int64_t now = 1'700'000'015;
  const std::string good = totpCode(kSecret, now);
  ASSERT_TRUE(verifyTotp(kSecret, good, now));
  const std::string bad[] = {"",
                             good.substr(0, 5),
                             good + "0",
                             " " + good.substr(1),
                             good.substr(0, 5) + "a",
                             "-" + good.substr(1),
                             "+" + good.substr(1),
                             std::string(good.substr(0, 3)) + std::string(1, '\0') + good.substr(4),
                             "\xd9\xa1" + good.substr(2)};
  for (const auto& code : bad) EXPECT_FALSE(verifyTotp(kSecret, code, now)) << code;
  EXPECT_FALSE(verifyTotp("", good, now));
}

TEST(Totp, GeneratedSecretIs160RandomBits) {
  auto a = generateSecret();
  auto b = generateSecret();
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->size(), 20u);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(base32Encode(*a).size(), 32u);  // 160 bits = 32 Base32 chars, no padding
}

TEST(Totp, OtpauthUriFormat) {  // AU2, AU7
  EXPECT_EQ(otpauthUri("jan.de-vries+zorg@example.nl", "jbswy3dpehpk3pxp"),
            "otpauth://totp/ZilliZ:jan.de-vries%2Bzorg%40example.nl?secret=JBSWY3DPEHPK3PXP&issuer=ZilliZ");
  EXPECT_EQ(otpauthUri("a b@x.nl", "MZXW6==="), "otpauth://totp/ZilliZ:a%20b%40x.nl?secret=MZXW6&issuer=ZilliZ");
  const std::string uri = otpauthUri("x@y.nl", "MZXW6YTB");
  for (const char* forbidden : {"algorithm=", "digits=", "period="}) {
    EXPECT_EQ(uri.find(forbidden), std::string::npos) << forbidden;
  }
}

}  // namespace
}  // namespace berichtd::auth
