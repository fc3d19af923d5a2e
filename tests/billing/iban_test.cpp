// IBAN checks (issue 5 item 7): ISO 13616 mod-97, SEPA countries and their lengths, as a table;
// error messages never repeat the IBAN.
#include "billing/iban.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace berichtd::billing {
namespace {

TEST(Iban, ValidationTable) {
  struct Case {
    const char* input;
    const char* normalised;  // "" = IBAN_INVALID
  };
  for (const Case& c : std::vector<Case>{
           {"NL91ABNA0417164300", "NL91ABNA0417164300"},
           {"NL91 ABNA 0417 1643 00", "NL91ABNA0417164300"},  // the printed form
           {"nl91abna0417164300", "NL91ABNA0417164300"},      // lower case
           {"NL20INGB0001234567", "NL20INGB0001234567"},
           {"DE89370400440532013000", "DE89370400440532013000"},
           {"BE68539007547034", "BE68539007547034"},
           {"FR1420041010050500013M02606", "FR1420041010050500013M02606"},  // letters in the BBAN
           {"GB82WEST12345698765432", "GB82WEST12345698765432"},
           {"CH9300762011623852957", "CH9300762011623852957"},                      // SEPA, not EU
           {"NO9386011117947", "NO9386011117947"},                                  // the shortest
           {"MT84MALT011000012345MTLCAST001S", "MT84MALT011000012345MTLCAST001S"},  // the longest
           {"NL91ABNA0417164301", ""},                                              // one digit off
           {"NL19ABNA0417164300", ""},      // check digits off
           {"NL91ABNA041716430", ""},       // too short for NL
           {"NL91ABNA04171643000", ""},     // too long for NL
           {"US64SVBKUS6S3300958879", ""},  // not a SEPA country
           {"NL91-ABNA-0417-1643-00", ""},  // other separators
           {"91NLABNA0417164300", ""},      // country code not first
           {"", ""},
           {"NL", ""},
       }) {
    auto r = normaliseIban(c.input);
    if (std::string(c.normalised).empty()) {
      EXPECT_EQ(r.status().code(), "IBAN_INVALID") << c.input;
      const std::string digits =
          std::string(c.input).size() > 8 ? std::string(c.input).substr(4, 8) : "\x01";
      EXPECT_EQ(r.status().message().find(digits), std::string::npos)
          << "the message repeats the IBAN: " << r.status().message();
    } else {
      ASSERT_TRUE(r) << c.input << ": " << r.status().toString();
      EXPECT_EQ(*r, c.normalised);
    }
  }
}

TEST(Iban, MaskKeepsCountryAndLastFour) {
  EXPECT_EQ(maskIban("NL91ABNA0417164300"), "NL************4300");
  EXPECT_EQ(maskIban("NO9386011117947"), "NO*********7947");
  EXPECT_EQ(maskIban("NL9"), "***");
}

}  // namespace
}  // namespace berichtd::billing
