#include "core/crypto/base64.hpp"

#include <cstdint>

namespace berichtd::crypto {
namespace {

constexpr std::string_view kStd =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int decodeChar(char c, Base64Alphabet alphabet) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (alphabet == Base64Alphabet::kStandard) {
    if (c == '+') return 62;
    if (c == '/') return 63;
  } else {
    if (c == '-') return 62;
    if (c == '_') return 63;
  }
  return -1;
}

Status invalid(const std::string& why) {
  return Status::error("BASE64_INVALID", "invalid Base64: " + why);
}

}  // namespace

std::string base64Encode(std::string_view bytes, Base64Alphabet alphabet, bool pad) {
  const std::string_view table = alphabet == Base64Alphabet::kStandard ? kStd : kUrl;
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n =
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
        static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(table[(n >> 18) & 63]);
    out.push_back(table[(n >> 12) & 63]);
    out.push_back(table[(n >> 6) & 63]);
    out.push_back(table[n & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    out.push_back(table[(n >> 18) & 63]);
    out.push_back(table[(n >> 12) & 63]);
    if (pad) out += "==";
  } else if (rest == 2) {
    const std::uint32_t n =
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8);
    out.push_back(table[(n >> 18) & 63]);
    out.push_back(table[(n >> 12) & 63]);
    out.push_back(table[(n >> 6) & 63]);
    if (pad) out += "=";
  }
  return out;
}

Result<std::string> base64Decode(std::string_view text, Base64Alphabet alphabet) {
  std::size_t dataLen = text.size();
  while (dataLen > 0 && text[dataLen - 1] == '=') --dataLen;
  const std::size_t padding = text.size() - dataLen;
  if (dataLen % 4 == 1) return invalid("impossible length");
  if (padding != 0 && (text.size() % 4 != 0 || padding > 2)) return invalid("wrong padding");
  std::string out;
  out.reserve(dataLen * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < dataLen; ++i) {
    const int v = decodeChar(text[i], alphabet);
    if (v < 0) return invalid("unexpected character at position " + std::to_string(i));
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
    buffer &= (1u << bits) - 1;
  }
  // Canonical encodings only: the unused low bits of the last character must be zero, so a
  // value has exactly one textual form (no silent malleability of sealed values or hashes).
  if (buffer != 0) return invalid("non-zero trailing bits");
  return out;
}

}  // namespace berichtd::crypto
