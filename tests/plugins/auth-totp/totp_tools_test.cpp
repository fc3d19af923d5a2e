// Interoperability with real tools (SPEC AU2): codes from `oathtool --totp` are accepted, and
// the QR SVG, rendered by rsvg-convert and read by zbarimg, gives back the exact otpauth URI.
// The tools come from scripts/install-deps.sh --test; a missing tool FAILS the test.
#include "auth/base32.hpp"
#include "auth/qr_svg.hpp"
#include "auth/totp.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace berichtd::auth {
namespace {

// Runs a shell command, returns {exit status, stdout}.
std::pair<int, std::string> run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, out};
  std::array<char, 512> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int rc = pclose(pipe);
  return {rc, out};
}

bool haveTool(const std::string& name) { return run("command -v " + name + " >/dev/null 2>&1").first == 0; }

std::string trimEol(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

TEST(TotpTools, OathtoolCodesAccepted) {
  ASSERT_TRUE(haveTool("oathtool")) << "oathtool missing: run scripts/install-deps.sh --test (package oathtool)";
  auto secret = generateSecret();
  ASSERT_TRUE(secret);
  const std::string b32 = base32Encode(*secret);
  const std::int64_t times[] = {59, 1111111109, 1234567890, 1'700'000'000, 2'000'000'000, 4'102'444'800};
  std::optional<std::int64_t> last;
  for (std::int64_t t : times) {
    auto [rc, out] = run("oathtool --totp -b " + b32 + " -N @" + std::to_string(t) + " 2>&1");
    ASSERT_EQ(rc, 0) << out;
    const std::string code = trimEol(out);
    ASSERT_EQ(code.size(), 6u) << out;
    EXPECT_EQ(code, totpCode(*secret, t)) << "@" << t;
    last = verifyTotp(*secret, code, t, {}, last);
    ASSERT_TRUE(last) << "oathtool code refused @" << t;
    EXPECT_EQ(*last, t / 30);
  }
  // A code from the previous 30 s window (an app a little behind) is accepted with skew 1.
  auto [rc, out] = run("oathtool --totp -b " + b32 + " -N @1699999990 2>&1");
  ASSERT_EQ(rc, 0) << out;
  EXPECT_TRUE(verifyTotp(*secret, trimEol(out), 1'700'000'005));
}

TEST(TotpTools, QrSvgDecodesToExactUri) {
  ASSERT_TRUE(haveTool("rsvg-convert")) << "rsvg-convert missing: run scripts/install-deps.sh --test (librsvg2-bin)";
  ASSERT_TRUE(haveTool("zbarimg")) << "zbarimg missing: run scripts/install-deps.sh --test (zbar-tools)";
  auto secret = generateSecret();
  ASSERT_TRUE(secret);
  const std::string uri = otpauthUri("zorgverlener.test+1@example.nl", base32Encode(*secret));
  auto svg = qrSvg(uri);
  ASSERT_TRUE(svg) << svg.status().toString();
  EXPECT_NE(svg->find("shape-rendering=\"crispEdges\""), std::string::npos);
  std::size_t paths = 0;
  for (std::size_t pos = svg->find("<path"); pos != std::string::npos; pos = svg->find("<path", pos + 1)) ++paths;
  EXPECT_EQ(paths, 1u);

  const auto dir = std::filesystem::temp_directory_path() / ("auth_core_qr_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto svgPath = dir / "code.svg";
  const auto pngPath = dir / "code.png";
  std::ofstream(svgPath) << *svg;
  auto [rc1, out1] = run("rsvg-convert -w 400 -h 400 -f png -o '" + pngPath.string() + "' '" +
                         svgPath.string() + "' 2>&1");
  ASSERT_EQ(rc1, 0) << out1;
  // zbarimg prints D-Bus noise on stderr in containers; keep it apart from the decoded text.
  const auto errPath = dir / "zbarimg.err";
  auto [rc2, out2] = run("zbarimg --quiet --raw '" + pngPath.string() + "' 2>'" + errPath.string() + "'");
  std::ifstream errIn(errPath);
  const std::string err((std::istreambuf_iterator<char>(errIn)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(dir);
  ASSERT_EQ(rc2, 0) << out2 << err;
  EXPECT_EQ(trimEol(out2), uri);
}

TEST(TotpTools, QrSvgRefusesEmptyAndOversizedText) {
  auto empty = qrSvg("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.status().code(), "QR_ENCODE_FAILED");
  const std::string huge(5000, 'x');
  auto tooBig = qrSvg(huge);
  ASSERT_FALSE(tooBig);
  EXPECT_EQ(tooBig.status().code(), "QR_ENCODE_FAILED");
  EXPECT_EQ(tooBig.status().message().find("xxx"), std::string::npos);
}

}  // namespace
}  // namespace berichtd::auth
