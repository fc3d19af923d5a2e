// IBAN, BIC, creditor identifier and date checks as tables, with published examples.
#include "sepa_checks.hpp"

#include <gtest/gtest.h>

namespace berichtd::sepa {
namespace {

TEST(SepaChecks, IbansNeedTheirShapeAndMod97) {
  EXPECT_EQ(normaliseIban("NL91ABNA0417164300"), "NL91ABNA0417164300");
  EXPECT_EQ(normaliseIban("nl91 abna 0417 1643 00"), "NL91ABNA0417164300");
  EXPECT_EQ(normaliseIban("DE89 3704 0044 0532 0130 00"), "DE89370400440532013000");
  EXPECT_EQ(normaliseIban("BE68539007547034"), "BE68539007547034");
  for (const char* bad : {"NL92ABNA0417164300",    // check digits
                          "NL91ABNA0417164301",    // one digit changed
                          "NL91ABNA041716430",     // NL needs 18
                          "NL91-ABNA-0417164300",  // other characters
                          "9191ABNA0417164300", "NLAAABNA0417164300", "", "NL91"}) {
    EXPECT_FALSE(normaliseIban(bad)) << bad;
  }
}

TEST(SepaChecks, BicsAreEightOrElevenAsIso9362) {
  for (const char* ok : {"ABNANL2A", "RABONL2U", "INGBNL2A", "DEUTDEFF500", "COBADEFFXXX"}) {
    EXPECT_TRUE(isBic(ok)) << ok;
  }
  for (const char* bad : {"ABNANL2", "ABNANL2AX", "ABNANL2AXXXX", "abnanl2a", "ABN1NL2A",
                          "ABNANL1A", "ABNANL2O", "ABNANL2A-XX", ""}) {
    EXPECT_FALSE(isBic(bad)) << bad;
  }
}

TEST(SepaChecks, CreditorIdentifiersCheckDigitsSkipTheBusinessCode) {
  // Published examples (Bundesbank, Febelfin, EPC); the business code (ZZZ, ABC) is skipped.
  for (const char* ok : {"DE98ZZZ09999999999", "BE69ZZZ050D000000008", "ES50ZZZM23456789",
                         "IT66ZZZA1B2C3D4E5F6G7H8", "NL57ZZZ999999999999", "NL57ABC999999999999"}) {
    EXPECT_TRUE(isCreditorId(ok)) << ok;
  }
  // NL98ZZZ999999999999 is an often quoted placeholder whose check digits do not hold (57 do).
  for (const char* bad : {"NL98ZZZ999999999999", "NL56ZZZ999999999999",
                          "NL57ZZZ999999999998",  // national id changed
                          "nl57ZZZ999999999999", "NL57ZZZ99999-999999", "NL57ZZZ",
                          "5757ZZZ999999999999", "NL57ZZZ9999999999999999999999999999999"}) {
    EXPECT_FALSE(isCreditorId(bad)) << bad;
  }
}

TEST(SepaChecks, Mod97ReadsLettersAsTwoDigitNumbers) {
  EXPECT_EQ(mod97("97"), 0);
  EXPECT_EQ(mod97("98"), 1);
  EXPECT_EQ(mod97("A"), 10);  // A = 10
  EXPECT_EQ(mod97("Z"), 35);
  EXPECT_EQ(mod97("AB"), 1011 % 97);
  EXPECT_EQ(mod97("a"), -1);
}

TEST(SepaChecks, DatesMustExist) {
  for (const char* ok : {"2026-03-01", "2024-02-29", "2000-02-29", "1999-12-31"}) {
    EXPECT_TRUE(isIsoDate(ok)) << ok;
  }
  for (const char* bad : {"2026-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
                          "2026-3-01", "26-03-01", "2026/03/01", "2026-03-01T10:00:00", ""}) {
    EXPECT_FALSE(isIsoDate(bad)) << bad;
  }
}

}  // namespace
}  // namespace berichtd::sepa
