#include "billing/invoice_numbers.hpp"

#include <Poco/Data/DataException.h>

#include <cstdio>

#include "storage/database.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::billing {

int64_t nextInvoiceSequence(const storage::Database& db, Poco::Data::Session& tx, int year) {
  const auto r = storage::runSql(
      db, tx,
      "INSERT INTO invoice_counters (year, last_number) VALUES (?, 1) ON CONFLICT (year) DO "
      "UPDATE SET last_number = invoice_counters.last_number + 1 RETURNING last_number",
      {year});
  if (r.rows.empty() || !r.rows.front()[0].asInt())
    throw Poco::Data::DataException("the invoice counter returned no number");
  return *r.rows.front()[0].asInt();
}

std::string formatInvoiceNumber(int year, int64_t sequence) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%06lld", year, static_cast<long long>(sequence));
  return buf;
}

}  // namespace berichtd::billing
