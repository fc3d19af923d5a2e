// The EPC text rules as tables: transliteration, dropping, cutting, identifiers, amounts.
#include "sepa_text.hpp"

#include <gtest/gtest.h>

namespace berichtd::sepa {
namespace {

struct TextCase {
  const char* in;
  std::size_t max;
  const char* out;
};

TEST(SepaText, TransliteratesDropsCollapsesAndCuts) {
  const TextCase cases[] = {
      {"Jan de Vries", 70, "Jan de Vries"},
      {"Renée Zoë Çelik", 70, "Renee Zoe Celik"},
      {"Straße", 70, "Strasse"},
      {"Jansen & Zonen", 70, "Jansen + Zonen"},
      {"<b>Bakker</b>", 70, "bBakker/b"},  // < and > are not in the set: dropped
      {"IJsselmeer Ĳmuiden", 70, "IJsselmeer IJmuiden"},
      {"Œuvre Æsir", 70, "OEuvre AEsir"},
      {"mail@example.nl_x", 70, "mailexample.nlx"},
      {"  veel   spaties\t\nen tab  ", 70, "veel spaties en tab"},
      {"Factuur 2026-001 (maart)", 70, "Factuur 2026-001 (maart)"},
      {"O'Brien? Ja: /ok/, 1+1.", 70, "O'Brien? Ja: /ok/, 1+1."},
      {"€ 13,50 ✓ 😀", 70, "13,50"},
      {"abc\xff\xfe"
       "def",
       70, "abcdef"},    // invalid UTF-8 dropped
      {"\xc3", 70, ""},  // truncated sequence
      {"abcdef", 3, "abc"},
      {"ab cdef", 3, "ab"},  // no trailing space after the cut
      {"éééé", 2, "ee"},     // cut counts output characters
      {"", 70, ""},
      {"&&&", 70, "+++"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(epcText(c.in, c.max), c.out) << "input: " << c.in;
  }
}

TEST(SepaText, LongNamesAreCutToTheSchemaMaximum) {
  std::string name;
  for (int i = 0; i < 100; ++i) name += "é";
  EXPECT_EQ(epcText(name, kMaxName), std::string(70, 'e'));
  EXPECT_EQ(epcText(std::string(300, 'x'), kMaxRemittance).size(), 140u);
}

TEST(SepaText, IdentifiersFollowTheEpcRestrictedSet) {
  for (const char* ok : {"A", "sepa-0123abcd", "MNDT/2026/001", "a b", "x?:().,'+-",
                         "12345678901234567890123456789012345"}) {
    EXPECT_TRUE(isEpcIdentifier(ok)) << ok;
  }
  for (const char* bad : {"", "/leading", "trailing/", "double//slash", "under_score", "é", "amp&",
                          "123456789012345678901234567890123456", "tab\there"}) {
    EXPECT_FALSE(isEpcIdentifier(bad)) << bad;
  }
}

TEST(SepaText, XmlEscapesAllFiveSpecialCharacters) {
  EXPECT_EQ(xmlEscape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(xmlEscape("plain"), "plain");
}

TEST(SepaText, AmountsInCentsAreWrittenWithTwoDecimals) {
  const std::pair<int64_t, const char*> cases[] = {
      {0, "0.00"},         {1, "0.01"},
      {9, "0.09"},         {10, "0.10"},
      {99, "0.99"},        {100, "1.00"},
      {1350, "13.50"},     {1305, "13.05"},
      {123456, "1234.56"}, {99999999999, "999999999.99"},
  };
  for (const auto& [cents, text] : cases) EXPECT_EQ(formatCents(cents), text) << cents;
}

}  // namespace
}  // namespace berichtd::sepa
