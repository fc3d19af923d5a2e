// Secret: a value read from a `{file: PATH}` configuration entry (or a systemd credential).
// It never prints its value: streaming or describing it shows only where it came from, so a
// Secret cannot reach a log by accident. Compare with equalsConstantTime(), never with ==.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

namespace berichtd {

class Secret {
 public:
  Secret() = default;
  Secret(std::string value, std::string source) : value_(std::move(value)), source_(std::move(source)) {}

  const std::string& reveal() const { return value_; }
  const std::string& source() const { return source_; }
  bool empty() const { return value_.empty(); }
  std::string describe() const { return "<secret from " + source_ + ">"; }
  bool equalsConstantTime(std::string_view candidate) const;

 private:
  std::string value_;
  std::string source_;
};

inline std::ostream& operator<<(std::ostream& os, const Secret& s) { return os << s.describe(); }

// Constant-time comparison of two byte strings (length is not secret).
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace berichtd
