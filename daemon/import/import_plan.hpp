// ImportPlan: the first pass of an import (docs/import.md "How it runs") — every line of the
// export read and judged against the file itself and the database, before anything is written.
//
// Contract
// - makePlan(db, path, cutoff): reads what the database already holds (imported old ids, the
//   e-mail keys, AGB codes and invoice numbers in use), then the file line by line (streamed;
//   a message's subject and body are not kept) and decides per line: import, excluded (M2),
//   already present (same old_id in the database, also on a tombstone: an account deleted by
//   retention is not re-created, nor are its messages and invoices), update, or invalid with a
//   LineProblem. Update (M1: the final export after an early import; docs/import.md "A later
//   export refreshes"): an account line whose account is still `migrated` or `closed` (not
//   taken over by the platform: never `active`, never a tombstone) and whose email, agb_code,
//   created_at, paid_through, last_activity_at, closed_at or the state closed_at implies
//   differs from the stored text; an invoice line with paid_at whose invoice is source
//   `migrated` and state `open`. An unchanged line, an `active` account, any other invoice
//   and every message stay already present.
//   * IMPORT_LINE_INVALID: the parser's verdict (import_line.hpp).
//   * IMPORT_CONFLICT: an old_id, e-mail address (any letter case), AGB code or invoice number
//     that an earlier line of the file already has, or that belongs to another record of the
//     platform (for an account to update: another than itself); a second invoice for the same
//     account and period start.
//   * IMPORT_REFERENCE_UNKNOWN: a message's from_agb/to_agb or an invoice's account_old_id
//     that is no valid account line of the file and no account imported earlier.
//   A message is excluded when both its sides are accounts left out by M2, an invoice when its
//   account is (already present instead when a side is such a tombstone). Only the accounts to
//   import or update are kept whole (they are few and small).
// - IMPORT_FILE_UNREADABLE when the file cannot be opened or read; STORAGE_* from the database.
// Thread-safety: a plan is built and used by one thread.
#pragma once

#include <berichtd/status.hpp>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "import/import_line.hpp"
#include "import/import_report.hpp"
#include "storage/database.hpp"

namespace berichtd::import {

inline constexpr const char* kFileUnreadable{"IMPORT_FILE_UNREADABLE"};

// kDeleted: an account imported before and deleted by retention since (a tombstone with its
// old_id), or a record of such accounts only; counted as already present, never written again.
enum class LineAction : std::uint8_t {
  kNone = 0,
  kImport,
  kExcluded,
  kPresent,
  kInvalid,
  kDeleted,
  kUpdate  // imported before, refreshed from this line (counted `updated`)
};

struct AccountSide {
  LineAction action = LineAction::kNone;  // kImport, kPresent, kUpdate, kExcluded or kDeleted
  std::string oldId;
  int64_t existingId = 0;  // the database id when kPresent or kUpdate
};

// An account imported before whose line differs: written over its row (importer.hpp).
struct AccountRefresh {
  int64_t id = 0;
  AccountLine line;
};

struct ImportPlan {
  ImportReport report;
  std::vector<LineAction> lineActions;            // index: line number (1-based; [0] unused)
  std::vector<AccountLine> newAccounts;           // the accounts to import, in file order
  std::vector<AccountRefresh> refreshedAccounts;  // the accounts to update, in file order
  // Every account a message or invoice may name: by AGB code and by old id.
  std::unordered_map<std::uint32_t, AccountSide> byAgb;
  std::unordered_map<std::string, AccountSide> byOldId;
  // E-mail addresses of the file's accounts by old id (the customer on migrated invoices).
  std::unordered_map<std::string, std::string> emailByOldId;
  std::unordered_map<std::string, std::string> agbByOldId;

  LineAction actionOf(int64_t line) const {
    return line > 0 && static_cast<std::size_t>(line) < lineActions.size()
               ? lineActions[static_cast<std::size_t>(line)]
               : LineAction::kNone;
  }
};

// "12345678" as a number (AGB codes are 8 digits), the key of byAgb.
std::uint32_t agbKey(const std::string& agb);

Result<ImportPlan> makePlan(storage::Database& db, const std::string& path, TimePoint cutoff);

}  // namespace berichtd::import
