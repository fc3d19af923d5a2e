// Validation of account identity fields (SPEC A1) and dates, as tables.
#include "accounts/validation.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berichtd::accounts {
namespace {

TEST(AccountValidation, EmailTable) {
  struct Row {
    std::string email;
    bool ok;
  };
  for (const Row& r : std::vector<Row>{
           {"praktijk@example.nl", true},
           {"Praktijk.De-Vries+post@Zorg.Example.NL", true},
           {"a@b.nl", true},
           {"o'brien@example.com", true},
           {"", false},
           {"praktijk", false},
           {"@example.nl", false},
           {"praktijk@", false},
           {"praktijk@@example.nl", false},
           {"a@b@example.nl", false},
           {"praktijk@localhost", false},
           {"praktijk@example..nl", false},
           {"praktijk@-example.nl", false},
           {"praktijk@example.nl.", false},
           {".praktijk@example.nl", false},
           {"prak..tijk@example.nl", false},
           {"prak tijk@example.nl", false},
           {"praktijk@exa mple.nl", false},
           {"praktijk@example.nl\n", false},
           {"praktijk@exämple.nl", false},
           {std::string(65, 'a') + "@example.nl", false},
           {"a@" + std::string(250, 'b') + ".nl", false},
       }) {
    Status s = validateEmail(r.email);
    EXPECT_EQ(s.isOk(), r.ok) << "'" << r.email << "'";
    if (!r.ok) {
      EXPECT_EQ(s.code(), "EMAIL_INVALID") << r.email;
      // Messages never quote the (personal) input.
      if (r.email.size() > 3) {
        EXPECT_EQ(s.message().find(r.email), std::string::npos);
      }
    }
  }
}

TEST(AccountValidation, AgbCodeIsExactlyEightDigits) {  // SPEC A1
  struct Row {
    std::string agb;
    bool ok;
  };
  for (const Row& r : std::vector<Row>{
           {"12345678", true},
           {"00000000", true},
           {"1234567", false},
           {"123456789", false},
           {"", false},
           {"1234567a", false},
           {" 12345678", false},
           {"12345678 ", false},
           {"1234-678", false},
           {"١٢٣٤٥٦٧٨", false},  // Arabic-Indic digits are not ASCII digits
       }) {
    Status s = validateAgbCode(r.agb);
    EXPECT_EQ(s.isOk(), r.ok) << "'" << r.agb << "'";
    if (!r.ok) {
      EXPECT_EQ(s.code(), "AGB_CODE_INVALID") << r.agb;
    }
  }
}

TEST(AccountValidation, NormaliseEmailLowerCasesAndTrims) {  // SPEC A1
  EXPECT_EQ(normaliseEmail("Praktijk@Example.NL"), "praktijk@example.nl");
  EXPECT_EQ(normaliseEmail("  praktijk@example.nl\t"), "praktijk@example.nl");
  EXPECT_EQ(normaliseEmail("praktijk@example.nl"), "praktijk@example.nl");
}

TEST(AccountValidation, DateTable) {
  struct Row {
    std::string date;
    bool ok;
  };
  for (const Row& r : std::vector<Row>{
           {"2019-05-31", true},
           {"2024-02-29", true},
           {"2025-02-29", false},
           {"2025-13-01", false},
           {"2025-00-10", false},
           {"2025-04-31", false},
           {"2025-4-01", false},
           {"20250401", false},
           {"2025-04-01T00:00:00Z", false},
           {"", false},
       }) {
    Status s = validateDate(r.date);
    EXPECT_EQ(s.isOk(), r.ok) << "'" << r.date << "'";
    if (!r.ok) {
      EXPECT_EQ(s.code(), "BAD_REQUEST") << r.date;
    }
  }
}

TEST(AccountValidation, AmsterdamDateFollowsCetAndCest) {
  struct Row {
    std::string utc;
    std::string date;
  };
  for (const Row& r : std::vector<Row>{
           {"2026-02-12T22:59:59Z", "2026-02-12"},  // 23:59:59 CET
           {"2026-02-12T23:00:00Z", "2026-02-13"},  // 00:00 CET
           {"2026-07-01T21:59:59Z", "2026-07-01"},  // 23:59:59 CEST
           {"2026-07-01T22:00:00Z", "2026-07-02"},  // 00:00 CEST
           {"2026-03-28T23:00:00Z", "2026-03-29"},  // CET on the night before the switch
           {"2026-10-24T22:00:00Z", "2026-10-25"},  // still CEST before the switch back
           {"2026-10-25T22:59:00Z", "2026-10-25"},  // CET again after 01:00 UTC
           {"2026-10-25T23:00:00Z", "2026-10-26"},
       }) {
    auto t = parseIso8601(r.utc);
    ASSERT_TRUE(t) << r.utc;
    EXPECT_EQ(amsterdamDate(*t), r.date) << r.utc;
  }
}

TEST(AccountValidation, AmsterdamHourFollowsCetAndCest) {
  struct Row {
    std::string utc;
    int hour;
  };
  for (const Row& r : std::vector<Row>{
           {"2026-02-12T22:59:59Z", 23},
           {"2026-02-12T23:00:00Z", 0},
           {"2026-03-29T00:59:59Z", 1},  // CET, just before the switch
           {"2026-03-29T01:00:00Z", 3},  // CEST: 02:00 does not exist
           {"2026-07-01T04:00:00Z", 6},
           {"2026-10-25T00:30:00Z", 2},  // CEST, the first 02:30
           {"2026-10-25T01:30:00Z", 2},  // CET, the second 02:30
       }) {
    auto t = parseIso8601(r.utc);
    ASSERT_TRUE(t) << r.utc;
    EXPECT_EQ(amsterdamHour(*t), r.hour) << r.utc;
  }
}

TEST(AccountValidation, AmsterdamDateTimeForPeople) {
  EXPECT_EQ(amsterdamDateTime(*parseIso8601("2026-02-12T23:00:00Z")), "13-02-2026 00:00");
  EXPECT_EQ(amsterdamDateTime(*parseIso8601("2026-07-01T21:59:00Z")), "01-07-2026 23:59");
  EXPECT_EQ(amsterdamDateTime(*parseIso8601("2026-10-25T01:30:00Z")), "25-10-2026 02:30");
}

}  // namespace
}  // namespace berichtd::accounts
