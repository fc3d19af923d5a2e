// Invoice numbers (SPEC B8): sequential per calendar year and gap-free.
//
// Contract
// - nextInvoiceSequence(db, tx, year): advances the year's counter row (table invoice_counters,
//   migration 5) inside the caller's transaction and returns the new value: 1 for the first
//   invoice of a year. Called in the transaction that stores the invoice, so a rollback takes
//   the number back and the next invoice gets it: no gaps, no duplicates. Concurrent callers
//   queue on the counter row (PostgreSQL row lock; SQLite has one writer). Throws what the
//   driver throws (transact() turns it into STORAGE_ERROR).
// - formatInvoiceNumber(year, sequence): "YYYY-NNNNNN" (at least six digits), e.g. 2026-000042.
//   Migrated invoices keep their old numbers (stored as they are, not from this counter).
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <string>

namespace berichtd::storage {
class Database;
}

namespace berichtd::billing {

int64_t nextInvoiceSequence(const storage::Database& db, Poco::Data::Session& tx, int year);
std::string formatInvoiceNumber(int year, int64_t sequence);

}  // namespace berichtd::billing
