#include "auth/password_policy.hpp"

#include <fstream>
#include <sstream>

namespace berichtd::auth {
namespace {

std::string normalise(std::string_view text) {
  const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::size_t codePoints(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) {
    if ((c & 0xc0) != 0x80) ++n;  // count every byte that is not a UTF-8 continuation byte
  }
  return n;
}

}  // namespace

PasswordPolicy PasswordPolicy::fromText(std::string_view commonList, std::size_t minLength) {
  PasswordPolicy policy(minLength);
  std::size_t start = 0;
  while (start <= commonList.size()) {
    std::size_t end = commonList.find('\n', start);
    if (end == std::string_view::npos) end = commonList.size();
    const std::string_view line = commonList.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.front() == '#') continue;
    std::string item = normalise(line);
    if (!item.empty()) policy.common_.insert(std::move(item));
  }
  return policy;
}

Result<PasswordPolicy> PasswordPolicy::fromFile(const std::string& commonListPath, std::size_t minLength) {
  std::ifstream in(commonListPath, std::ios::binary);
  if (!in) {
    return Status::error("PASSWORD_LIST_UNREADABLE", "cannot read the common-password list " + commonListPath);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return fromText(text.str(), minLength);
}

Status PasswordPolicy::check(std::string_view password, std::string_view email) const {
  if (codePoints(password) < minLength_) {
    return Status::error("PASSWORD_TOO_SHORT",
                         "the password needs at least " + std::to_string(minLength_) + " characters");
  }
  const std::string normalised = normalise(password);
  if (!email.empty() && normalised == normalise(email)) {
    return Status::error("PASSWORD_EQUALS_EMAIL", "the password must not be the e-mail address");
  }
  if (common_.count(normalised) != 0) {
    return Status::error("PASSWORD_TOO_COMMON", "the password is on the list of common passwords");
  }
  return Status::ok();
}

}  // namespace berichtd::auth
