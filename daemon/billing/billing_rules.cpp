#include "billing/billing_rules.hpp"

#include <algorithm>
#include <cstdio>

#include "core/clock.hpp"

namespace berichtd::billing {

using namespace std::chrono;

Result<Date> parseDate(const std::string& text) {
  if (auto out = parseIsoDate(text)) return *out;
  return Status::error("DATE_INVALID", "a date must exist and be written YYYY-MM-DD, got '" +
                                           text + "'");
}

std::string formatDate(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

Result<int64_t> vatCents(int64_t exclCents, int percent) {
  if (exclCents < 0 || percent < 0) {
    return Status::error("AMOUNT_INVALID", "amounts and VAT rates must not be negative");
  }
  // Half up: x.5 cent and more rounds to the next cent (B1: 1350 * 21 % = 283.5 -> 284).
  return (exclCents * percent + 50) / 100;
}

Result<Amounts> amounts(int64_t exclCents, int percent) {
  auto vat = vatCents(exclCents, percent);
  if (!vat) return vat.status();
  return Amounts{exclCents, *vat, exclCents + *vat};
}

Status validateTariffs(const std::vector<Tariff>& tariffs) {
  for (std::size_t i = 0; i < tariffs.size(); ++i) {
    if (!tariffs[i].from.ok())
      return Status::error("TARIFF_INVALID",
                           "tariff " + std::to_string(i + 1) + " has no valid date");
    if (tariffs[i].monthlyExclCents < 0)
      return Status::error("TARIFF_INVALID",
                           "tariff from " + formatDate(tariffs[i].from) + " has a negative price");
    if (i > 0 && !(tariffs[i - 1].from < tariffs[i].from))
      return Status::error("TARIFF_INVALID",
                           "tariffs must be in increasing order of date, each date once; " +
                               formatDate(tariffs[i].from) + " follows " +
                               formatDate(tariffs[i - 1].from));
  }
  return Status::ok();
}

Result<int64_t> tariffAt(const std::vector<Tariff>& tariffs, Date day) {
  if (Status s = validateTariffs(tariffs); !s) return s;
  const Tariff* found = nullptr;
  for (const Tariff& t : tariffs) {
    if (t.from <= day) found = &t;
  }
  if (found == nullptr)
    return Status::error("TARIFF_MISSING", "no tariff applies on " + formatDate(day));
  return found->monthlyExclCents;
}

int billingDay(Date created) {
  return std::min(static_cast<int>(static_cast<unsigned>(created.day())), kLatestBillingDay);
}

Date billingDate(year_month month, int billingDay) {
  return Date{month.year(), month.month(), day{static_cast<unsigned>(billingDay)}};
}

Period periodContaining(Date d, int billingDay) {
  year_month ym{d.year(), d.month()};
  if (static_cast<int>(static_cast<unsigned>(d.day())) < billingDay) ym -= months{1};
  return Period{billingDate(ym, billingDay), billingDate(ym + months{1}, billingDay)};
}

Date firstCollectionAfter(Date paidThrough, int billingDay) {
  // The period containing the day after P starts on or before it; the first billing date
  // strictly after P is that period's start when it is exactly P + 1, else its end.
  const Date next{sys_days{paidThrough} + days{1}};
  const Period p = periodContaining(next, billingDay);
  return p.start == next ? p.start : p.end;
}

std::optional<Period> chargeAtActivation(std::optional<Date> paidThrough, Date activationDay,
                                         int billingDay) {
  if (paidThrough && !(*paidThrough < activationDay)) return std::nullopt;
  return periodContaining(activationDay, billingDay);
}

Result<std::vector<Period>> duePeriods(Date coveredFrom, Date runDay, int billingDay) {
  if (periodContaining(coveredFrom, billingDay).start != coveredFrom) {
    return Status::error("DATE_INVALID", formatDate(coveredFrom) +
                                             " is not a billing date for billing day " +
                                             std::to_string(billingDay));
  }
  std::vector<Period> out;
  for (Period p = periodContaining(coveredFrom, billingDay); p.start <= runDay;
       p = periodContaining(p.end, billingDay)) {
    out.push_back(p);
  }
  return out;
}

}  // namespace berichtd::billing
