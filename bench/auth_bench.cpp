// auth_bench: cost of the auth-totp crypto core (berichtd_auth_core), each against a raw OpenSSL
// baseline measured in the same run.
//
//   1. raw:    one HMAC-SHA1 (OpenSSL one-shot HMAC()) over an 8-byte counter, 20-byte key.
//   2. totp:   auth::totpCode (one HMAC-SHA1 + RFC 4226 truncation + formatting); ratio to 1.
//   3. verify: auth::verifyTotp with +-1 step skew; worst case (wrong code: all 3 steps are
//              computed and compared) and a matching code (also computes all 3 steps, by design,
//              so the time does not reveal which step matched); ratio to 3x raw HMAC.
//   4. session-path crypto: auth::randomToken + auth::tokenHash (256-bit token, SHA-256 hex), and
//              SecretBox::open of a sealed 20-byte TOTP secret (AES-256-GCM); each against its
//              raw OpenSSL counterpart (RAND_bytes + EVP_Digest; EVP AES-256-GCM decrypt).
//   5. password hash: auth::hashPassword / auth::verifyPassword with the production scrypt
//              parameters (ScryptParams defaults), p50/max over a few runs, against OpenSSL's
//              EVP_PBE_scrypt with the same N/r/p/salt/key sizes; the three are interleaved per
//              run so load changes hit all of them alike.
// Ratios are cost ratios: ns/op of ours divided by ns/op of the baseline (1.00x = no overhead).
// Bounded: about 14 s of fast phases plus 3 x runs scrypt calls (~0.3-0.5 s each).
//
//   auth_bench [seconds per fast phase, default 1.5] [scrypt runs, default 10]
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/password_hash.hpp"
#include "auth/tokens.hpp"
#include "auth/totp.hpp"
#include "core/crypto/secret_box.hpp"

namespace {

using SteadyClock = std::chrono::steady_clock;
namespace auth = berichtd::auth;

double gPhaseSeconds = 1.5;
int gScryptRuns = 10;

// Every measured result is folded into this, so the optimiser cannot drop the work.
volatile std::uint64_t gSink = 0;

void sink(std::uint64_t v) { gSink = gSink + v; }
void sink(std::string_view s) {
  sink(s.size() + (s.empty() ? 0U : static_cast<unsigned char>(s.front())));
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "auth_bench: %s\n", what);
  std::exit(1);
}

struct Rate {
  double opsPerSec = 0;
  double nsPerOp = 0;
  long ops = 0;
};

// Runs op(i) for i = 0, 1, ... in batches until gPhaseSeconds have passed (after a short warm-up).
template <typename Op>
Rate measure(Op&& op) {
  constexpr long kBatch = 64;
  const auto warmEnd = SteadyClock::now() + std::chrono::milliseconds(100);
  long i = 0;
  while (SteadyClock::now() < warmEnd) {
    for (long b = 0; b < kBatch; ++b) op(i++);
  }
  const auto begin = SteadyClock::now();
  const auto end = begin + std::chrono::duration_cast<SteadyClock::duration>(
                               std::chrono::duration<double>(gPhaseSeconds));
  long n = 0;
  auto now = begin;
  do {
    for (long b = 0; b < kBatch; ++b) op(n + b);
    n += kBatch;
    now = SteadyClock::now();
  } while (now < end);
  const double secs = std::chrono::duration<double>(now - begin).count();
  Rate r;
  r.ops = n;
  r.opsPerSec = static_cast<double>(n) / secs;
  r.nsPerOp = secs * 1e9 / static_cast<double>(n);
  return r;
}

// --- raw OpenSSL baselines -------------------------------------------------------------------

std::array<unsigned char, 8> counterBytes(std::uint64_t counter) {
  std::array<unsigned char, 8> m{};
  for (int i = 7; i >= 0; --i) {
    m[static_cast<std::size_t>(i)] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  return m;
}

std::uint64_t rawHmacSha1(const std::string& key, std::uint64_t counter) {
  const auto msg = counterBytes(counter);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  if (HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), msg.data(), msg.size(), mac.data(),
           &len) == nullptr) {
    die("HMAC failed");
  }
  return mac[len - 1];
}

std::uint64_t rawTokenAndSha256() {
  std::array<unsigned char, 32> token{};
  if (RAND_bytes(token.data(), static_cast<int>(token.size())) != 1) die("RAND_bytes failed");
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_Digest(token.data(), token.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1) {
    die("EVP_Digest failed");
  }
  return digest[0];
}

struct RawGcm {
  std::array<unsigned char, 32> key{};
  std::array<unsigned char, 12> nonce{};
  std::string aad;
  std::string cipher;  // ciphertext
  std::array<unsigned char, 16> tag{};
};

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

RawGcm rawGcmSeal(std::string_view plaintext, std::string aad) {
  RawGcm g;
  g.aad = std::move(aad);
  if (RAND_bytes(g.key.data(), static_cast<int>(g.key.size())) != 1 ||
      RAND_bytes(g.nonce.data(), static_cast<int>(g.nonce.size())) != 1) {
    die("RAND_bytes failed");
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  g.cipher.assign(plaintext.size(), '\0');
  int len = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(g.nonce.size()),
                          nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, g.key.data(), g.nonce.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(g.aad.data()),
                        static_cast<int>(g.aad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(g.cipher.data()), &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(g.cipher.data()) + len,
                          &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(g.tag.size()),
                          g.tag.data()) != 1) {
    die("raw AES-256-GCM seal failed");
  }
  return g;
}

// Same EVP calls SecretBox::open makes, without the parsing and Base64 decoding.
std::uint64_t rawGcmOpen(RawGcm& g) {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string plain(g.cipher.size(), '\0');
  int len = 0;
  int finalLen = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(g.nonce.size()),
                          nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, g.key.data(), g.nonce.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(g.aad.data()),
                        static_cast<int>(g.aad.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                        reinterpret_cast<const unsigned char*>(g.cipher.data()),
                        static_cast<int>(g.cipher.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(g.tag.size()),
                          g.tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len,
                          &finalLen) != 1) {
    die("raw AES-256-GCM open failed");
  }
  return static_cast<unsigned char>(plain[0]);
}

// OpenSSL's scrypt directly, same N/r/p, salt and key length as the wrapper; maxmem as the
// wrapper sets it (OpenSSL's default cap of 32 MiB is below the 128 MiB N=2^17, r=8 needs).
std::uint64_t rawScrypt(std::string_view password, const std::string& salt,
                        const auth::ScryptParams& p) {
  const std::uint64_t n = std::uint64_t{1} << p.logN;
  const auto r = static_cast<std::uint64_t>(p.r);
  const auto par = static_cast<std::uint64_t>(p.p);
  const std::uint64_t maxMem = 128ULL * r * (n + par + 2) + (1ULL << 20);
  std::string key(static_cast<std::size_t>(p.keyBytes), '\0');
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), n, r, par,
                     maxMem, reinterpret_cast<unsigned char*>(key.data()), key.size()) != 1) {
    die("EVP_PBE_scrypt failed");
  }
  return static_cast<unsigned char>(key[0]);
}

// --- scrypt timing ---------------------------------------------------------------------------

struct Millis {
  double p50 = 0;
  double max = 0;
};

Millis summarise(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Millis m;
  if (ms.empty()) return m;
  // p50 = median (mean of the two middle values for an even count).
  const std::size_t mid = ms.size() / 2;
  m.p50 = ms.size() % 2 == 1 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
  m.max = ms.back();
  return m;
}

template <typename Op>
double timeMs(Op&& op) {
  const auto begin = SteadyClock::now();
  op();
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - begin).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) gPhaseSeconds = std::clamp(std::atof(argv[1]), 0.1, 30.0);
  if (argc > 2) gScryptRuns = std::clamp(std::atoi(argv[2]), 1, 100);

  auto secretResult = auth::generateSecret();
  if (!secretResult) die("generateSecret failed");
  const std::string secret = *secretResult;
  const std::int64_t baseTime = 1'795'000'000;  // a fixed Unix time (late 2026)
  const auth::TotpParams params;                // production: SHA1, 6 digits, 30 s, +-1 step

  // 1. raw HMAC-SHA1 over an 8-byte counter.
  const std::uint64_t baseStep = static_cast<std::uint64_t>(auth::totpStep(baseTime));
  const Rate raw =
      measure([&](long i) { sink(rawHmacSha1(secret, baseStep + static_cast<std::uint64_t>(i))); });

  // 2. totpCode, a new step every call.
  const Rate totp =
      measure([&](long i) { sink(auth::totpCode(secret, baseTime + 30 * i, params)); });

  // 3. verifyTotp, +-1 step. Wrong code: one that matches none of the three steps.
  std::string wrong = "000000";
  {
    const std::int64_t step = auth::totpStep(baseTime);
    for (int c = 0; c < 1000000; ++c) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "%06d", c);
      bool hit = false;
      for (std::int64_t s = step - 1; s <= step + 1; ++s) {
        hit = hit || auth::hotpCode(secret, static_cast<std::uint64_t>(s), 6) == buf;
      }
      if (!hit) {
        wrong = buf;
        break;
      }
    }
  }
  long wrongAccepted = 0;
  const Rate verifyWrong = measure([&](long) {
    const auto r = auth::verifyTotp(secret, wrong, baseTime, params);
    if (r) ++wrongAccepted;
    sink(r ? static_cast<std::uint64_t>(*r) : 1U);
  });
  const std::string right = auth::totpCode(secret, baseTime, params);
  long rightRefused = 0;
  const Rate verifyRight = measure([&](long) {
    const auto r = auth::verifyTotp(secret, right, baseTime, params);
    if (!r) ++rightRefused;
    sink(r ? static_cast<std::uint64_t>(*r) : 1U);
  });
  if (wrongAccepted != 0 || rightRefused != 0) die("verifyTotp gave an unexpected answer");

  // 4. session-path crypto.
  const Rate token = measure([&](long) {
    auto t = auth::randomToken();
    if (!t) die("randomToken failed");
    sink(auth::tokenHash(*t));
  });
  const Rate rawToken = measure([&](long) { sink(rawTokenAndSha256()); });

  auto box = berichtd::crypto::SecretBox::fromKeyText(
      "k1:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
  if (!box) die("SecretBox::fromKeyText failed");
  const std::string aad = "totp:42";
  auto sealed = box->seal(secret, aad);
  if (!sealed) die("SecretBox::seal failed");
  const Rate open = measure([&](long) {
    auto p = box->open(*sealed, aad);
    if (!p || p->size() != auth::kTotpSecretBytes) die("SecretBox::open failed");
    sink(*p);
  });
  RawGcm rawGcm = rawGcmSeal(secret, "v1:k1:" + aad);  // the same AAD bytes SecretBox feeds GCM
  const Rate rawOpen = measure([&](long) { sink(rawGcmOpen(rawGcm)); });

  // 5. scrypt at the production cost; raw, hash and verify interleaved per run.
  const auth::ScryptParams scrypt;  // production defaults
  const std::string password = "correct horse battery staple";
  auto stored = auth::hashPassword(password, scrypt);
  if (!stored) die("hashPassword failed");
  auto parsed = auth::parseScryptHash(*stored);
  if (!parsed) die("parseScryptHash failed");
  std::vector<double> rawMs;
  std::vector<double> hashMs;
  std::vector<double> verifyMs;
  for (int run = 0; run < gScryptRuns; ++run) {
    rawMs.push_back(timeMs([&] { sink(rawScrypt(password, parsed->salt, scrypt)); }));
    hashMs.push_back(timeMs([&] {
      auto h = auth::hashPassword(password, scrypt);
      if (!h) die("hashPassword failed");
      sink(*h);
    }));
    verifyMs.push_back(timeMs([&] {
      if (!auth::verifyPassword(password, *stored))
        die("verifyPassword refused the right password");
      sink(1U);
    }));
  }
  const Millis rawS = summarise(rawMs);
  const Millis hashS = summarise(hashMs);
  const Millis verifyS = summarise(verifyMs);

  // --- report ---------------------------------------------------------------------------------
  const double totpRatio = totp.nsPerOp / raw.nsPerOp;
  const double wrongRatio = verifyWrong.nsPerOp / (3 * raw.nsPerOp);
  const double rightRatio = verifyRight.nsPerOp / (3 * raw.nsPerOp);
  const double tokenRatio = token.nsPerOp / rawToken.nsPerOp;
  const double openRatio = open.nsPerOp / rawOpen.nsPerOp;
  const double hashRatio = hashS.p50 / rawS.p50;
  const double verifyRatio = verifyS.p50 / rawS.p50;
  const long long n = 1LL << scrypt.logN;

  std::printf("auth_bench: %.1f s per fast phase, %d scrypt runs, OpenSSL %s\n", gPhaseSeconds,
              gScryptRuns, OpenSSL_version(OPENSSL_VERSION_STRING));
  std::printf("ratio = our ns/op / baseline ns/op (1.00x = no overhead)\n\n");
  std::printf("| measurement | ops/s | ns/op | ratio |\n|---|---|---|---|\n");
  std::printf("| raw HMAC-SHA1, 8-byte counter (OpenSSL HMAC()) | %.0f | %.0f | baseline |\n",
              raw.opsPerSec, raw.nsPerOp);
  std::printf("| totpCode | %.0f | %.0f | %.2fx raw |\n", totp.opsPerSec, totp.nsPerOp, totpRatio);
  std::printf("| verifyTotp +-1, wrong code (worst case, 3 steps) | %.0f | %.0f | %.2fx 3x raw |\n",
              verifyWrong.opsPerSec, verifyWrong.nsPerOp, wrongRatio);
  std::printf("| verifyTotp +-1, matching code | %.0f | %.0f | %.2fx 3x raw |\n",
              verifyRight.opsPerSec, verifyRight.nsPerOp, rightRatio);
  std::printf("| raw RAND_bytes(32) + SHA-256 | %.0f | %.0f | baseline |\n", rawToken.opsPerSec,
              rawToken.nsPerOp);
  std::printf("| randomToken + tokenHash | %.0f | %.0f | %.2fx raw |\n", token.opsPerSec,
              token.nsPerOp, tokenRatio);
  std::printf("| raw EVP AES-256-GCM open, 20 bytes | %.0f | %.0f | baseline |\n",
              rawOpen.opsPerSec, rawOpen.nsPerOp);
  std::printf("| SecretBox::open, sealed 20-byte TOTP secret | %.0f | %.0f | %.2fx raw |\n",
              open.opsPerSec, open.nsPerOp, openRatio);
  std::printf("\nscrypt N=2^%d (%lld), r=%d, p=%d, %d-byte salt, %d-byte key, %d runs:\n\n",
              scrypt.logN, n, scrypt.r, scrypt.p, scrypt.saltBytes, scrypt.keyBytes, gScryptRuns);
  std::printf("| measurement | p50 | max | ratio (p50) |\n|---|---|---|---|\n");
  std::printf("| raw EVP_PBE_scrypt | %.1f ms | %.1f ms | baseline |\n", rawS.p50, rawS.max);
  std::printf("| hashPassword | %.1f ms | %.1f ms | %.2fx raw |\n", hashS.p50, hashS.max,
              hashRatio);
  std::printf("| verifyPassword | %.1f ms | %.1f ms | %.2fx raw |\n", verifyS.p50, verifyS.max,
              verifyRatio);

  // Machine-readable: one JSON object on one line.
  std::printf(
      "\nAUTH_BENCH_JSON {\"phase_seconds\":%.2f,\"scrypt_runs\":%d,"
      "\"raw_hmac_sha1_ns\":%.1f,\"totp_code_ns\":%.1f,\"totp_code_ratio\":%.3f,"
      "\"verify_totp_wrong_ns\":%.1f,\"verify_totp_wrong_ratio_3raw\":%.3f,"
      "\"verify_totp_match_ns\":%.1f,\"verify_totp_match_ratio_3raw\":%.3f,"
      "\"raw_token_sha256_ns\":%.1f,\"token_hash_ns\":%.1f,\"token_hash_ratio\":%.3f,"
      "\"raw_gcm_open_ns\":%.1f,\"secret_box_open_ns\":%.1f,\"secret_box_open_ratio\":%.3f,"
      "\"scrypt_log_n\":%d,\"scrypt_r\":%d,\"scrypt_p\":%d,"
      "\"raw_scrypt_p50_ms\":%.2f,\"raw_scrypt_max_ms\":%.2f,"
      "\"hash_password_p50_ms\":%.2f,\"hash_password_max_ms\":%.2f,\"hash_password_ratio\":%.3f,"
      "\"verify_password_p50_ms\":%.2f,\"verify_password_max_ms\":%.2f,\"verify_password_ratio\":%."
      "3f}\n",
      gPhaseSeconds, gScryptRuns, raw.nsPerOp, totp.nsPerOp, totpRatio, verifyWrong.nsPerOp,
      wrongRatio, verifyRight.nsPerOp, rightRatio, rawToken.nsPerOp, token.nsPerOp, tokenRatio,
      rawOpen.nsPerOp, open.nsPerOp, openRatio, scrypt.logN, scrypt.r, scrypt.p, rawS.p50, rawS.max,
      hashS.p50, hashS.max, hashRatio, verifyS.p50, verifyS.max, verifyRatio);
  return 0;
}
