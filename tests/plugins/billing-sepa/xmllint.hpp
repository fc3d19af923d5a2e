// Schema validation of a written file by xmllint (libxml2), the tool docs/billing-sepa.md tells
// operators to use. The exit status is the verdict; xmllint's own words come back for the
// failure message.
#pragma once

#include <array>
#include <cstdio>
#include <string>

namespace berichtd::sepa::testing {

struct LintResult {
  int exitCode = -1;
  std::string output;
};

inline std::string shellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline LintResult xmllintSchema(const std::string& xsd, const std::string& file) {
  LintResult r;
  const std::string cmd =
      "xmllint --noout --schema " + shellQuote(xsd) + " " + shellQuote(file) + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), p) != nullptr) r.output += buf.data();
  const int status = pclose(p);
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace berichtd::sepa::testing
