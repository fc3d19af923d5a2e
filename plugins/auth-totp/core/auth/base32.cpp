#include "auth/base32.hpp"

#include <array>
#include <cstdint>

namespace berichtd::auth {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int decodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

Status invalid(const std::string& why) { return Status::error("BASE32_INVALID", "invalid Base32: " + why); }

}  // namespace

std::string base32Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 0x1f]);
      bits -= 5;
    }
    buffer &= (1u << bits) - 1;
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 0x1f]);
  return out;
}

Result<std::string> base32Decode(std::string_view text) {
  std::size_t dataLen = text.size();
  while (dataLen > 0 && text[dataLen - 1] == '=') --dataLen;
  const std::size_t padding = text.size() - dataLen;
  // Characters in the last (partial) group -> number of "=" that pad it to 8.
  static constexpr std::array<int, 8> kPadFor = {0, -1, 6, -1, 4, 3, -1, 1};
  const int expectedPad = kPadFor[dataLen % 8];
  if (expectedPad < 0) return invalid("impossible length");
  if (padding != 0 && (text.size() % 8 != 0 || static_cast<int>(padding) != expectedPad)) {
    return invalid("wrong padding");
  }
  std::string out;
  out.reserve(dataLen * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < dataLen; ++i) {
    const int v = decodeChar(text[i]);
    if (v < 0) return invalid("unexpected character at position " + std::to_string(i));
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
    buffer &= (1u << bits) - 1;
  }
  return out;
}

}  // namespace berichtd::auth
