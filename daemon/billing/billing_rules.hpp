// Billing rules (SPEC B1-B5), pure functions on calendar dates in Europe/Amsterdam and integer
// cents. No storage, no clock of their own: the caller passes dates (accounts::amsterdamDate of
// the platform clock's now). docs/billing.md is the operator's view.
//
// Contract
// - Money is integer cents (int64_t), never floating point.
// - vatCents(excl, percent): VAT per invoice, rounded half up to the cent (B1: 1350 -> 284);
//   amounts(excl) gives {excl, vat, total} (1350 -> 284 -> 1634). Negative amounts are refused
//   (AMOUNT_INVALID): credit notes are not a billing rule here.
// - tariffAt(tariffs, day): the monthly price excl. VAT of the tariff with the latest `from` on or
//   before `day` (B1, a dated table); TARIFF_MISSING when none applies; TARIFF_INVALID for an
//   unsorted table, a repeated date or a negative price (validateTariffs).
// - billingDay(created): min(day of month of the account's creation date, 28) (B3).
// - billingDate(month, billingDay): that day in that month — always valid, billing days are 1-28.
// - periodContaining(day, billingDay): [start, end) with start the latest billing date on or
//   before `day` and end the billing date one month later (B2, B3). Computed from the stored
//   billing day, never from a previous period's end.
// - firstCollectionAfter(paidThrough, billingDay): the first billing date strictly after the
//   last paid day P (B4); the days between P and it are not charged (decision, SPEC B4).
// - chargeAtActivation(paidThrough, activationDay, billingDay): B5 — when P is absent or before
//   the activation day, the period containing the activation day (charged right after the
//   € 0.01 payment); otherwise nothing.
// - duePeriods(coveredFrom, runDay, billingDay): every period [s, e) with coveredFrom <= s <=
//   runDay, oldest first: what a billing run on runDay charges for an account whose periods
//   before coveredFrom are settled. coveredFrom must be a billing date (else DATE_INVALID).
// - parseDate("YYYY-MM-DD") / formatDate: ISO calendar dates.
// Thread-safety: pure functions.
#pragma once

#include <berichtd/status.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace berichtd::billing {

using Date = std::chrono::year_month_day;

inline constexpr int kVatPercent = 21;        // B1
inline constexpr int kLatestBillingDay = 28;  // B3

struct Tariff {
  Date from;
  int64_t monthlyExclCents = 0;
};

struct Amounts {
  int64_t exclCents = 0;
  int64_t vatCents = 0;
  int64_t totalCents = 0;
  bool operator==(const Amounts&) const = default;
};

struct Period {
  Date start;  // first day charged
  Date end;    // first day of the next period (exclusive)
  bool operator==(const Period&) const = default;
};

Result<Date> parseDate(const std::string& text);
std::string formatDate(Date d);

Result<int64_t> vatCents(int64_t exclCents, int percent = kVatPercent);
Result<Amounts> amounts(int64_t exclCents, int percent = kVatPercent);

Status validateTariffs(const std::vector<Tariff>& tariffs);
Result<int64_t> tariffAt(const std::vector<Tariff>& tariffs, Date day);

int billingDay(Date created);
Date billingDate(std::chrono::year_month month, int billingDay);
Period periodContaining(Date day, int billingDay);
Date firstCollectionAfter(Date paidThrough, int billingDay);
std::optional<Period> chargeAtActivation(std::optional<Date> paidThrough, Date activationDay,
                                         int billingDay);
Result<std::vector<Period>> duePeriods(Date coveredFrom, Date runDay, int billingDay);

}  // namespace berichtd::billing
