#include "sepa_text.hpp"

#include <array>
#include <utility>

namespace berichtd::sepa {
namespace {

bool isEpcChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '/':
    case '-':
    case '?':
    case ':':
    case '(':
    case ')':
    case '.':
    case ',':
    case '\'':
    case '+':
    case ' ':
      return true;
    default:
      return false;
  }
}

// Latin letters with diacritics that Dutch, German, French and the other SEPA languages use,
// as their base letters. Code points not listed are dropped.
const char* transliterate(char32_t cp) {
  static constexpr std::array<std::pair<char32_t, const char*>, 86> kTable{{
      {U'À', "A"},  {U'Á', "A"},  {U'Â', "A"},  {U'Ã', "A"},  {U'Ä', "A"},  {U'Å', "A"},
      {U'Æ', "AE"}, {U'Ç', "C"},  {U'È', "E"},  {U'É', "E"},  {U'Ê', "E"},  {U'Ë', "E"},
      {U'Ì', "I"},  {U'Í', "I"},  {U'Î', "I"},  {U'Ï', "I"},  {U'Ñ', "N"},  {U'Ò', "O"},
      {U'Ó', "O"},  {U'Ô', "O"},  {U'Õ', "O"},  {U'Ö', "O"},  {U'Ø', "O"},  {U'Ù', "U"},
      {U'Ú', "U"},  {U'Û', "U"},  {U'Ü', "U"},  {U'Ý', "Y"},  {U'ß', "ss"}, {U'à', "a"},
      {U'á', "a"},  {U'â', "a"},  {U'ã', "a"},  {U'ä', "a"},  {U'å', "a"},  {U'æ', "ae"},
      {U'ç', "c"},  {U'è', "e"},  {U'é', "e"},  {U'ê', "e"},  {U'ë', "e"},  {U'ì', "i"},
      {U'í', "i"},  {U'î', "i"},  {U'ï', "i"},  {U'ñ', "n"},  {U'ò', "o"},  {U'ó', "o"},
      {U'ô', "o"},  {U'õ', "o"},  {U'ö', "o"},  {U'ø', "o"},  {U'ù', "u"},  {U'ú', "u"},
      {U'û', "u"},  {U'ü', "u"},  {U'ý', "y"},  {U'ÿ', "y"},  {U'Č', "C"},  {U'č', "c"},
      {U'Ć', "C"},  {U'ć', "c"},  {U'Ł', "L"},  {U'ł', "l"},  {U'Ń', "N"},  {U'ń', "n"},
      {U'Ś', "S"},  {U'ś', "s"},  {U'Š', "S"},  {U'š', "s"},  {U'Ž', "Z"},  {U'ž', "z"},
      {U'Ź', "Z"},  {U'ź', "z"},  {U'Ż', "Z"},  {U'ż', "z"},  {U'Ř', "R"},  {U'ř', "r"},
      {U'Ĳ', "IJ"}, {U'ĳ', "ij"}, {U'Œ', "OE"}, {U'œ', "oe"}, {U'‘', "'"},  {U'’', "'"},
      {U'–', "-"},  {U'—', "-"},
  }};
  for (const auto& [from, to] : kTable) {
    if (from == cp) return to;
  }
  return nullptr;
}

// Decodes one UTF-8 sequence at text[i]; advances i. Invalid bytes decode as U+FFFD (dropped).
char32_t nextCodePoint(std::string_view text, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(text[i++]);
  if (b0 < 0x80) return b0;
  int extra = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) {
    extra = 1;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3;
    cp = b0 & 0x07;
  } else {
    return 0xFFFD;
  }
  for (int k = 0; k < extra; ++k) {
    if (i >= text.size()) return 0xFFFD;
    const auto b = static_cast<unsigned char>(text[i]);
    if ((b & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (b & 0x3F);
    ++i;
  }
  return cp;
}

void trim(std::string& s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && s[start] == ' ') ++start;
  s.erase(0, start);
}

}  // namespace

std::string epcText(std::string_view utf8, std::size_t maxLength) {
  std::string out;
  auto append = [&out](std::string_view piece) {
    for (char c : piece) {
      if (c == ' ' && (out.empty() || out.back() == ' ')) continue;  // collapse and left-trim
      out.push_back(c);
    }
  };
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = nextCodePoint(utf8, i);
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if (c == '&') {
        append("+");
      } else if (c == '\t' || c == '\n' || c == '\r') {
        append(" ");
      } else if (isEpcChar(c)) {
        append(std::string_view(&c, 1));
      }
    } else if (cp == 0xA0) {  // no-break space
      append(" ");
    } else if (const char* t = transliterate(cp)) {
      append(t);
    }
  }
  if (out.size() > maxLength) out.resize(maxLength);
  trim(out);
  return out;
}

bool isEpcIdentifier(std::string_view id) {
  if (id.empty() || id.size() > kMaxId) return false;
  if (id.front() == '/' || id.back() == '/') return false;
  if (id.find("//") != std::string_view::npos) return false;
  for (char c : id) {
    if (!isEpcChar(c)) return false;
  }
  return true;
}

std::string xmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string formatCents(int64_t cents) {
  const int64_t euros = cents / 100;
  const int64_t rest = cents % 100;
  return std::to_string(euros) + (rest < 10 ? ".0" : ".") + std::to_string(rest);
}

}  // namespace berichtd::sepa
