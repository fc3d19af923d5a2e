// Billing rules (SPEC B1-B5) as tables: VAT in integer cents, dated tariffs, billing day,
// periods, carried-over credit, expired subscriptions, due periods — across billing days 1, 28,
// 29, 30 and 31, February in leap and other years, and the Amsterdam DST change days.
#include "billing/billing_rules.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "accounts/validation.hpp"

namespace berichtd::billing {
namespace {

Date d(const std::string& text) {
  auto r = parseDate(text);
  EXPECT_TRUE(r) << text;
  return r ? *r : Date{};
}

TEST(BillingRules, VatHalfUpInCentsTable) {
  struct Case {
    int64_t excl;
    int64_t vat;
    int64_t total;
  };
  for (const Case& c : std::vector<Case>{
           {1350, 284, 1634},  // B1: 283.5 rounds up
           {0, 0, 0},
           {1, 0, 1},       // 0.21
           {2, 0, 2},       // 0.42
           {3, 1, 4},       // 0.63
           {50, 11, 61},    // 10.5 rounds up
           {150, 32, 182},  // 31.5 rounds up
           {100, 21, 121},
           {1349, 283, 1632},  // 283.29
           {2700, 567, 3267},  // two months
       }) {
    auto a = amounts(c.excl);
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, (Amounts{c.excl, c.vat, c.total})) << c.excl;
  }
  EXPECT_EQ(amounts(-1).status().code(), "AMOUNT_INVALID");
  EXPECT_EQ(*vatCents(1000, 9), 90);
}

TEST(BillingRules, DatedTariffTable) {
  const std::vector<Tariff> table = {{d("2026-01-01"), 1350}, {d("2027-01-01"), 1425}};
  struct Case {
    const char* day;
    int64_t cents;  // -1: TARIFF_MISSING
  };
  for (const Case& c : std::vector<Case>{{"2025-12-31", -1},
                                         {"2026-01-01", 1350},
                                         {"2026-07-15", 1350},
                                         {"2026-12-31", 1350},
                                         {"2027-01-01", 1425},
                                         {"2030-02-28", 1425}}) {
    auto t = tariffAt(table, d(c.day));
    if (c.cents < 0) {
      EXPECT_EQ(t.status().code(), "TARIFF_MISSING") << c.day;
    } else {
      ASSERT_TRUE(t) << c.day;
      EXPECT_EQ(*t, c.cents) << c.day;
    }
  }
  EXPECT_EQ(tariffAt({{d("2027-01-01"), 1}, {d("2026-01-01"), 2}}, d("2027-06-01")).status().code(),
            "TARIFF_INVALID");
  EXPECT_EQ(tariffAt({{d("2026-01-01"), 1}, {d("2026-01-01"), 2}}, d("2027-06-01")).status().code(),
            "TARIFF_INVALID");
  EXPECT_EQ(tariffAt({{d("2026-01-01"), -5}}, d("2027-06-01")).status().code(), "TARIFF_INVALID");
}

TEST(BillingRules, BillingDayTable) {  // B3
  struct Case {
    const char* created;
    int day;
  };
  for (const Case& c : std::vector<Case>{{"2019-05-01", 1},
                                         {"2019-05-12", 12},
                                         {"2019-05-28", 28},
                                         {"2019-05-29", 28},
                                         {"2019-05-30", 28},
                                         {"2019-05-31", 28},
                                         {"2020-02-29", 28},
                                         {"2021-02-28", 28}}) {
    EXPECT_EQ(billingDay(d(c.created)), c.day) << c.created;
  }
}

TEST(BillingRules, PeriodContainingTable) {  // B2, B3
  struct Case {
    const char* day;
    int billingDay;
    const char* start;
    const char* end;
  };
  for (const Case& c : std::vector<Case>{
           {"2026-03-12", 12, "2026-03-12", "2026-04-12"},  // the SPEC's example
           {"2026-04-11", 12, "2026-03-12", "2026-04-12"},
           {"2026-03-11", 12, "2026-02-12", "2026-03-12"},
           {"2026-01-01", 1, "2026-01-01", "2026-02-01"},
           {"2026-01-31", 1, "2026-01-01", "2026-02-01"},
           {"2026-12-31", 1, "2026-12-01", "2027-01-01"},   // year end
           {"2026-01-27", 28, "2025-12-28", "2026-01-28"},  // year start
           {"2026-02-28", 28, "2026-02-28", "2026-03-28"},  // non-leap February
           {"2026-02-27", 28, "2026-01-28", "2026-02-28"},
           {"2028-02-28", 28, "2028-02-28", "2028-03-28"},  // leap year: the 28th still
           {"2028-02-29", 28, "2028-02-28", "2028-03-28"},  // the leap day is inside
           {"2026-03-31", 28, "2026-03-28", "2026-04-28"},  // created on a 31st: always the 28th
           {"2026-04-30", 28, "2026-04-28", "2026-05-28"},
           {"2026-05-01", 28, "2026-04-28", "2026-05-28"},
       }) {
    const Period p = periodContaining(d(c.day), c.billingDay);
    EXPECT_EQ(formatDate(p.start), c.start) << c.day << " day " << c.billingDay;
    EXPECT_EQ(formatDate(p.end), c.end) << c.day << " day " << c.billingDay;
  }
}

TEST(BillingRules, TwelvePeriodsFromTheStoredBillingDayNeverDrift) {
  // Created on the 31st: the billing day is the 28th in every month (not 31 -> 28 -> 28 by
  // accident of clamping, and never 30 days after the previous date).
  const int day = billingDay(d("2019-01-31"));
  Period p = periodContaining(d("2026-01-28"), day);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(static_cast<unsigned>(p.start.day()), 28u) << formatDate(p.start);
    p = periodContaining(p.end, day);
  }
  EXPECT_EQ(formatDate(p.start), "2027-01-28");
}

TEST(BillingRules, CarriedOverPaidThroughTable) {  // B4
  struct Case {
    const char* paidThrough;
    int billingDay;
    const char* firstCollection;
  };
  for (const Case& c : std::vector<Case>{
           {"2026-03-11", 12, "2026-03-12"},  // the day before a billing day
           {"2026-03-12", 12, "2026-04-12"},  // on a billing day: that day is paid
           {"2026-03-13", 12, "2026-04-12"},  // after it
           {"2026-03-05", 12, "2026-03-12"},
           {"2026-02-27", 28, "2026-02-28"},
           {"2026-02-28", 28, "2026-03-28"},
           {"2028-02-29", 28, "2028-03-28"},  // a leap day paid through
           {"2026-12-31", 1, "2027-01-01"},
           {"2026-12-01", 1, "2027-01-01"},
       }) {
    EXPECT_EQ(formatDate(firstCollectionAfter(d(c.paidThrough), c.billingDay)), c.firstCollection)
        << c.paidThrough << " day " << c.billingDay;
  }
}

TEST(BillingRules, ExpiredSubscriptionAtActivationTable) {  // B5
  struct Case {
    const char* paidThrough;  // "" = none
    const char* activation;
    int billingDay;
    const char* chargeStart;  // "" = nothing charged at activation
  };
  for (const Case& c : std::vector<Case>{
           {"2026-01-31", "2026-02-16", 12, "2026-02-12"},  // expired: this period now
           {"2026-02-15", "2026-02-16", 12, "2026-02-12"},  // expired the day before
           {"2026-02-16", "2026-02-16", 12, ""},            // paid through activation day
           {"2026-05-01", "2026-02-16", 12, ""},            // paid months ahead (B4 applies)
           {"", "2026-02-16", 12, "2026-02-12"},            // never paid
           {"2026-01-31", "2026-02-28", 28, "2026-02-28"},  // activated on the billing day
           {"2026-01-31", "2026-02-27", 28, "2026-01-28"},
       }) {
    const std::optional<Date> p =
        std::string(c.paidThrough).empty() ? std::nullopt : std::optional<Date>(d(c.paidThrough));
    const auto charge = chargeAtActivation(p, d(c.activation), c.billingDay);
    if (std::string(c.chargeStart).empty()) {
      EXPECT_FALSE(charge.has_value()) << c.paidThrough << " / " << c.activation;
    } else {
      ASSERT_TRUE(charge.has_value()) << c.paidThrough << " / " << c.activation;
      EXPECT_EQ(formatDate(charge->start), c.chargeStart);
    }
  }
}

TEST(BillingRules, DuePeriodsTable) {  // what one billing run charges
  struct Case {
    const char* coveredFrom;
    const char* run;
    int billingDay;
    std::vector<std::string> starts;
  };
  for (const Case& c : std::vector<Case>{
           {"2026-03-12", "2026-03-11", 12, {}},              // not yet due
           {"2026-03-12", "2026-03-12", 12, {"2026-03-12"}},  // due on the day
           {"2026-03-12", "2026-04-11", 12, {"2026-03-12"}},
           {"2026-03-12",
            "2026-05-12",
            12,
            {"2026-03-12", "2026-04-12", "2026-05-12"}},  // missed runs
           {"2026-01-28", "2026-03-01", 28, {"2026-01-28", "2026-02-28"}},
           {"2028-01-28", "2028-02-29", 28, {"2028-01-28", "2028-02-28"}},
       }) {
    auto due = duePeriods(d(c.coveredFrom), d(c.run), c.billingDay);
    ASSERT_TRUE(due) << due.status().toString();
    std::vector<std::string> starts;
    for (const Period& p : *due) starts.push_back(formatDate(p.start));
    EXPECT_EQ(starts, c.starts) << c.coveredFrom << " run " << c.run;
  }
  EXPECT_EQ(duePeriods(d("2026-03-13"), d("2026-06-01"), 12).status().code(), "DATE_INVALID");
}

TEST(BillingRules, AmsterdamDatesOnTheDstChangeDays) {
  // The billing date is the calendar date in Europe/Amsterdam (accounts::amsterdamDate of the
  // platform clock): around the DST changes of 2026 (29 March, 25 October at 01:00 UTC).
  struct Case {
    const char* instant;
    const char* date;
    const char* periodStart;  // billing day 25
  };
  for (const Case& c : std::vector<Case>{
           {"2026-03-28T22:59:59Z", "2026-03-28", "2026-03-25"},  // 23:59:59 CET
           {"2026-03-28T23:00:00Z", "2026-03-29", "2026-03-25"},  // 00:00 CET
           {"2026-03-29T00:59:59Z", "2026-03-29", "2026-03-25"},  // 01:59:59 CET
           {"2026-03-29T01:00:00Z", "2026-03-29", "2026-03-25"},  // 03:00 CEST
           {"2026-10-24T21:59:59Z", "2026-10-24", "2026-09-25"},  // 23:59:59 CEST
           {"2026-10-24T22:00:00Z", "2026-10-25", "2026-10-25"},  // 00:00 CEST: billing day
           {"2026-10-25T00:30:00Z", "2026-10-25", "2026-10-25"},  // 02:30 CEST, before the change
           {"2026-10-25T01:30:00Z", "2026-10-25", "2026-10-25"},  // 02:30 CET, after it
           {"2026-10-25T22:59:59Z", "2026-10-25", "2026-10-25"},  // 23:59:59 CET
           {"2026-10-25T23:00:00Z", "2026-10-26", "2026-10-25"},
       }) {
    const auto at = parseIso8601(c.instant);
    ASSERT_TRUE(at) << c.instant;
    const std::string local = accounts::amsterdamDate(*at);
    EXPECT_EQ(local, c.date) << c.instant;
    EXPECT_EQ(formatDate(periodContaining(d(local), 25).start), c.periodStart) << c.instant;
  }
}

TEST(BillingRules, DatesParseStrictly) {
  EXPECT_EQ(formatDate(d("2028-02-29")), "2028-02-29");
  for (const char* bad :
       {"2026-02-29", "2026-13-01", "2026-1-01", "26-01-01", "2026-01-01x", "", "2026/01/01"}) {
    EXPECT_EQ(parseDate(bad).status().code(), "DATE_INVALID") << bad;
  }
}

}  // namespace
}  // namespace berichtd::billing
