// Password policy for new passwords (issue 3 item 1; OWASP ASVS V2.1 / NIST SP 800-63B 5.1.1).
//
// Contract: check() refuses, in this order,
//   PASSWORD_TOO_SHORT   fewer than minLength characters (Unicode code points of the UTF-8
//                        text; default 12, configurable);
//   PASSWORD_EQUALS_EMAIL equal to the account's e-mail address (case-insensitive, surrounding
//                        whitespace ignored);
//   PASSWORD_TOO_COMMON  on the common-password list (conf/common-passwords.txt), compared
//                        case-insensitively (ASCII) after trimming surrounding whitespace.
// No composition rules (NIST 800-63B). Messages never contain the password.
// List file: one password per line; blank lines and lines starting with "#" are skipped.
// Errors of fromFile(): PASSWORD_LIST_UNREADABLE.
// Thread-safety: immutable after construction; check() is safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>

#include "berichtd/status.hpp"

namespace berichtd::auth {

inline constexpr std::size_t kDefaultMinPasswordLength = 12;

class PasswordPolicy {
 public:
  explicit PasswordPolicy(std::size_t minLength = kDefaultMinPasswordLength) : minLength_(minLength) {}

  static Result<PasswordPolicy> fromFile(const std::string& commonListPath,
                                         std::size_t minLength = kDefaultMinPasswordLength);
  static PasswordPolicy fromText(std::string_view commonList,
                                 std::size_t minLength = kDefaultMinPasswordLength);

  Status check(std::string_view password, std::string_view email) const;

  std::size_t minLength() const { return minLength_; }
  std::size_t commonCount() const { return common_.size(); }

 private:
  std::size_t minLength_;
  std::unordered_set<std::string> common_;  // normalised (trimmed, ASCII lower case)
};

}  // namespace berichtd::auth
