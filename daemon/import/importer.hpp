// Importer: `berichtctl import` in the daemon (SPEC M1, M2; docs/import.md) — plans the whole
// export (import_plan.hpp), then writes it in chunks.
//
// Contract
// - run(path, options): the plan first; nothing is written for a dry run, nor when a line is
//   invalid and skipInvalid is off (report.written = false; the caller answers
//   IMPORT_FILE_INVALID). Otherwise, each chunk of options.chunkSize records in ONE
//   transaction:
//   1. accounts (from the plan, in file order): state `migrated`, or `closed` with closed_at
//      (A4); created_at, paid_through and last_activity_at (R1) as exported; the account's
//      data key made in the same transaction (never an account without its key).
//   1b. accounts imported before and changed since (the plan's refreshedAccounts, M1: the
//      final export after the early one): email, email_key, agb_code, created_at,
//      paid_through, last_activity_at, closed_at and the state (`closed` with closed_at, else
//      `migrated`) written over the row — only while it is `migrated` or `closed`, never over
//      an account activated meanwhile (A4). No data key is touched.
//   2. the file again, streamed: messages and invoices. A message is stored like one sent on
//      the platform (messages/message_store.hpp): the row (sender_agb, type, created_at =
//      sent_at, old_id), the sender's `sent` copy and the recipient's `inbox` copy in state
//      `delivered` (delivered_at = sent_at), each sealed with its account's data key under the
//      same AAD "msg:<id>:<account>:<box>:<field>"; a side whose account is not imported (M2)
//      gets no copy, and messages.sender_id is then the recipient (the row's owner). An invoice
//      keeps its old number, state paid (paid_at) or open, source `migrated`, old_id, the
//      exported PDF or none (rendered on first download from the stored fields with the
//      configured supplier, like the platform's own), customer name = the account's e-mail and
//      address "AGB-code <code>"; the year's gap-free counter (B8) is raised to the highest
//      imported number YYYY-NNNNNN of that year, so the platform's numbering continues after it.
//      An invoice to update (open, source `migrated`, paid since) becomes `paid` with the
//      line's paid_at; nothing else of it changes.
//   A crash leaves whole chunks: a re-run finds them by old_id and writes the rest (a refresh
//   already written compares equal and is counted already present).
// - Errors: IMPORT_FILE_UNREADABLE, STORAGE_*, DATA_KEY_* from sealing.
// Thread-safety: one run at a time per Importer (the admin route serialises them).
#pragma once

#include <berichtd/status.hpp>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "import/import_report.hpp"
#include "messages/data_keys.hpp"
#include "storage/database.hpp"

namespace berichtd::import {

struct Supplier {  // billing.supplier_*; an empty name stores none
  std::string name;
  std::string address;  // lines separated by "\n"
  std::string kvk;
  std::string vatNumber;
};

struct ImportOptions {
  bool dryRun = false;
  bool skipInvalid = false;
  TimePoint cutoff;  // migration.cutoff (M2)
  int chunkSize = 2000;
  Supplier supplier;
};

class Importer {
 public:
  Importer(storage::Database& db, const Clock& clock, const messages::DataKeys& keys)
      : db_(db), clock_(clock), keys_(keys) {}

  Result<ImportReport> run(const std::string& path, const ImportOptions& options);

 private:
  storage::Database& db_;
  const Clock& clock_;
  const messages::DataKeys& keys_;
};

}  // namespace berichtd::import
