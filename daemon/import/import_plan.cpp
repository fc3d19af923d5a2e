#include "import/import_plan.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <unordered_set>

#include "accounts/account_store.hpp"
#include "accounts/validation.hpp"
#include "import/closure_rule.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::import {

namespace {

// An imported account the platform has not taken over yet (`migrated` or `closed`), in the
// stored text form (the import writes the line's normalised text as is): what a later export
// refreshes (M1).
struct StoredAccount {
  std::string email, emailKey, agbCode, createdAt, state;
  std::optional<std::string> closedAt, paidThrough, lastActivityAt;
};

// What the database holds already.
struct Existing {
  std::unordered_map<std::string, int64_t> accountByOldId;
  // Tombstones (A4) that still carry their old_id: deleted by retention after an earlier import.
  std::unordered_set<std::string> deletedOldIds;
  std::unordered_map<std::uint32_t, std::pair<std::string, int64_t>> agbOwner;  // old_id, id
  std::unordered_map<std::string, std::string> emailOwner;                      // old_id or ""
  std::unordered_set<std::string> messageOldIds;
  std::unordered_map<std::string, StoredAccount> refreshable;  // by old_id
  std::unordered_set<std::string> invoiceOldIds;
  std::unordered_set<std::string> openMigratedInvoices;         // old ids: may still become paid
  std::unordered_map<std::string, std::string> invoiceNumbers;  // number -> old_id or ""
  std::unordered_set<std::string> invoicePeriods;               // "<account id>|<start>"
};

Status loadExisting(storage::Database& db, Existing& e) {
  return db.read([&](Poco::Data::Session& tx) {
    auto accounts = storage::runSql(db, tx,
                                    "SELECT id, old_id, agb_code, email_key, state, email, "
                                    "created_at, closed_at, paid_through, last_activity_at "
                                    "FROM accounts");
    for (const auto& r : accounts.rows) {
      const int64_t id = r[0].intOr(0);
      const std::string oldId = r[1].textOr("");
      if (r[4].textOr("") == accounts::kStateDeleted) {
        // Its e-mail key and AGB code are placeholders ("deleted:<id>"): nobody's, no conflict.
        if (!oldId.empty()) e.deletedOldIds.insert(oldId);
        continue;
      }
      if (!oldId.empty()) e.accountByOldId.emplace(oldId, id);
      const std::string state = r[4].textOr("");
      // An `active` account belongs to its user now: no export refreshes it.
      if (!oldId.empty() && (state == accounts::kStateMigrated || state == accounts::kStateClosed))
        e.refreshable.emplace(
            oldId, StoredAccount{r[5].textOr(""), r[3].textOr(""), r[2].textOr(""), r[6].textOr(""),
                                 state, r[7].asText(), r[8].asText(), r[9].asText()});
      e.agbOwner[agbKey(r[2].textOr(""))] = {oldId, id};
      e.emailOwner[r[3].textOr("")] = oldId;
    }
    auto messages = storage::runSql(db, tx, "SELECT old_id FROM messages WHERE old_id IS NOT NULL");
    for (const auto& r : messages.rows) e.messageOldIds.insert(r[0].textOr(""));
    auto invoices = storage::runSql(
        db, tx, "SELECT old_id, number, account_id, period_start, state, source FROM invoices");
    for (const auto& r : invoices.rows) {
      if (!r[0].isNull()) e.invoiceOldIds.insert(r[0].textOr(""));
      if (!r[0].isNull() && r[4].textOr("") == "open" && r[5].textOr("") == "migrated")
        e.openMigratedInvoices.insert(r[0].textOr(""));
      e.invoiceNumbers[r[1].textOr("")] = r[0].textOr("");
      e.invoicePeriods.insert(std::to_string(r[2].intOr(0)) + "|" + r[3].textOr(""));
    }
  });
}

struct MessageRef {
  int64_t line;
  std::uint32_t from, to;
};
struct InvoiceRef {
  int64_t line;
  std::string accountOldId;
  std::string periodStart;
};
struct AccountRef {
  int64_t line;
  AccountLine rec;
};

class Planner {
 public:
  Planner(const Existing& e, TimePoint cutoff, ImportPlan& plan)
      : e_(e), cutoff_(cutoff), plan_(plan) {}

  void onLine(int64_t line, std::string_view text) {
    plan_.lineActions.push_back(LineAction::kNone);
    if (isBlankLine(text)) return;
    auto parsed = parseImportLine(text);
    if (!parsed) {
      // The kind is unknown when the type is: count it where the line says, else as an account.
      problem(line, guessKind(text), parsed.status().code(), parsed.status().message());
      return;
    }
    if (auto* a = std::get_if<AccountLine>(&*parsed)) return onAccount(line, std::move(*a));
    if (auto* m = std::get_if<MessageLine>(&*parsed)) return onMessage(line, *m);
    onInvoice(line, std::get<InvoiceLine>(*parsed));
  }

  // After the last line: judge accounts, then what refers to them.
  void finish() {
    for (auto& a : accounts_) judgeAccount(a);
    for (const auto& m : messages_) judgeMessage(m);
    for (const auto& i : invoices_) judgeInvoice(i);
    std::sort(plan_.report.problems.begin(), plan_.report.problems.end(),
              [](const LineProblem& x, const LineProblem& y) { return x.line < y.line; });
    if (plan_.report.problems.size() > ImportReport::kMaxProblemsListed)
      plan_.report.problems.resize(ImportReport::kMaxProblemsListed);
  }

 private:
  static LineKind guessKind(std::string_view text) {
    if (text.find("\"message\"") != std::string_view::npos) return LineKind::kMessage;
    if (text.find("\"invoice\"") != std::string_view::npos) return LineKind::kInvoice;
    return LineKind::kAccount;
  }

  void set(int64_t line, LineAction a) { plan_.lineActions[static_cast<std::size_t>(line)] = a; }

  void count(int64_t line, LineKind kind, LineAction a) {
    set(line, a);
    auto& c = plan_.report.of(kind);
    switch (a) {
      case LineAction::kImport:
        ++c.toImport;
        break;
      case LineAction::kExcluded:
        ++c.excludedClosed;
        break;
      case LineAction::kPresent:
      case LineAction::kDeleted:
        ++c.alreadyPresent;
        break;
      case LineAction::kUpdate:
        ++c.updated;
        break;
      default:
        break;
    }
  }

  void problem(int64_t line, LineKind kind, const std::string& code, std::string message) {
    set(line, LineAction::kInvalid);
    ++plan_.report.of(kind).invalid;
    ++plan_.report.problemTotal;
    // Keep a bounded list; finish() sorts it (lines judged late come out of order).
    if (plan_.report.problems.size() < 2 * ImportReport::kMaxProblemsListed)
      plan_.report.problems.push_back({line, code, std::move(message)});
  }

  // The first line that used a key of the file, or 0 (and the key is now this line's).
  template <class Map, class Key>
  static int64_t seen(Map& map, const Key& key, int64_t line) {
    auto [it, inserted] = map.emplace(key, line);
    return inserted ? 0 : it->second;
  }

  void onAccount(int64_t line, AccountLine a) {
    if (int64_t first = seen(fileAccountIds_, a.oldId, line))
      return problem(line, LineKind::kAccount, kConflict,
                     "old_id already appears on line " + std::to_string(first));
    if (int64_t first = seen(fileAgbs_, agbKey(a.agbCode), line))
      return problem(line, LineKind::kAccount, kConflict,
                     "agb_code already appears on line " + std::to_string(first));
    if (int64_t first = seen(fileEmails_, accounts::normaliseEmail(a.email), line))
      return problem(line, LineKind::kAccount, kConflict,
                     "email (in any letter case) already appears on line " + std::to_string(first));
    accounts_.push_back({line, std::move(a)});
  }

  void onMessage(int64_t line, const MessageLine& m) {
    if (e_.messageOldIds.count(m.oldId))
      return count(line, LineKind::kMessage, LineAction::kPresent);
    if (int64_t first = seen(fileMessageIds_, m.oldId, line))
      return problem(line, LineKind::kMessage, kConflict,
                     "old_id already appears on line " + std::to_string(first));
    messages_.push_back({line, agbKey(m.fromAgb), agbKey(m.toAgb)});
  }

  void onInvoice(int64_t line, const InvoiceLine& i) {
    // M1: paid on the old platform since an earlier import. Only the payment is taken over
    // (number, amounts and PDF are immutable), whoever holds the account now: the platform
    // never collects a migrated invoice, so the old platform's word is the only one.
    if (e_.invoiceOldIds.count(i.oldId))
      return count(line, LineKind::kInvoice,
                   i.paidAt && e_.openMigratedInvoices.count(i.oldId) ? LineAction::kUpdate
                                                                      : LineAction::kPresent);
    if (int64_t first = seen(fileInvoiceIds_, i.oldId, line))
      return problem(line, LineKind::kInvoice, kConflict,
                     "old_id already appears on line " + std::to_string(first));
    if (e_.invoiceNumbers.count(i.number))
      return problem(line, LineKind::kInvoice, kConflict,
                     "number is already used by another invoice on the platform");
    if (int64_t first = seen(fileNumbers_, i.number, line))
      return problem(line, LineKind::kInvoice, kConflict,
                     "number already appears on line " + std::to_string(first));
    invoices_.push_back({line, i.accountOldId, i.periodStart});
  }

  void judgeAccount(AccountRef& a) {
    AccountSide side;
    side.oldId = a.rec.oldId;
    if (e_.deletedOldIds.count(a.rec.oldId)) {
      side.action = LineAction::kDeleted;  // R1-R3 deleted it since: never re-created
    } else if (auto it = e_.accountByOldId.find(a.rec.oldId); it != e_.accountByOldId.end()) {
      side.existingId = it->second;
      side.action = LineAction::kPresent;
      if (auto stored = e_.refreshable.find(a.rec.oldId);
          stored != e_.refreshable.end() && differs(stored->second, a.rec)) {
        if (!mayTake(a, side.existingId)) return;
        side.action = LineAction::kUpdate;
      }
    } else if (auto agb = e_.agbOwner.find(agbKey(a.rec.agbCode)); agb != e_.agbOwner.end()) {
      return problem(a.line, LineKind::kAccount, kConflict,
                     "agb_code belongs to another account on the platform");
    } else if (e_.emailOwner.count(accounts::normaliseEmail(a.rec.email))) {
      return problem(a.line, LineKind::kAccount, kConflict,
                     "email belongs to another account on the platform (in any letter case)");
    } else if (!importable(a.rec.closedAt, cutoff_)) {
      side.action = LineAction::kExcluded;  // M2
    } else {
      side.action = LineAction::kImport;
    }
    count(a.line, LineKind::kAccount, side.action);
    plan_.emailByOldId[a.rec.oldId] = a.rec.email;
    plan_.agbByOldId[a.rec.oldId] = a.rec.agbCode;
    plan_.byAgb[agbKey(a.rec.agbCode)] = side;
    plan_.byOldId[a.rec.oldId] = side;
    if (side.action == LineAction::kImport) plan_.newAccounts.push_back(std::move(a.rec));
    if (side.action == LineAction::kUpdate)
      plan_.refreshedAccounts.push_back({side.existingId, std::move(a.rec)});
  }

  // A4: an account closed on the old platform is `closed`, else (still or again) `migrated`.
  static const char* stateOf(const AccountLine& a) {
    return a.closedAt ? accounts::kStateClosed : accounts::kStateMigrated;
  }

  // Whether the line says anything else than the row holds (text against stored text, so an
  // unchanged line is never counted as updated).
  static bool differs(const StoredAccount& s, const AccountLine& a) {
    return s.email != a.email || s.emailKey != accounts::normaliseEmail(a.email) ||
           s.agbCode != a.agbCode || s.createdAt != a.createdAt || s.closedAt != a.closedAt ||
           s.paidThrough != a.paidThrough || s.lastActivityAt != a.lastActivityAt ||
           s.state != stateOf(a);
  }

  // The rules of a new account for a changed e-mail or AGB code: not another account's of the
  // platform (the file's are refused by onAccount). Reports the line when it is.
  bool mayTake(const AccountRef& a, int64_t id) {
    if (auto agb = e_.agbOwner.find(agbKey(a.rec.agbCode));
        agb != e_.agbOwner.end() && agb->second.second != id) {
      problem(a.line, LineKind::kAccount, kConflict,
              "agb_code belongs to another account on the platform");
      return false;
    }
    if (auto email = e_.emailOwner.find(accounts::normaliseEmail(a.rec.email));
        email != e_.emailOwner.end() && email->second != a.rec.oldId) {
      problem(a.line, LineKind::kAccount, kConflict,
              "email belongs to another account on the platform (in any letter case)");
      return false;
    }
    return true;
  }

  // Whether records of this account are written (it is imported now or was before and lives).
  static bool writesTo(const AccountSide& side) {
    return side.action == LineAction::kImport || side.action == LineAction::kPresent ||
           side.action == LineAction::kUpdate;
  }

  // An account a message names by AGB code: one of the file, else one imported earlier.
  const AccountSide* sideOf(std::uint32_t agb) {
    if (auto it = plan_.byAgb.find(agb); it != plan_.byAgb.end()) return &it->second;
    auto owner = e_.agbOwner.find(agb);
    if (owner == e_.agbOwner.end() || owner->second.first.empty()) return nullptr;
    AccountSide side{LineAction::kPresent, owner->second.first, owner->second.second};
    return &(plan_.byAgb[agb] = side);
  }

  void judgeMessage(const MessageRef& m) {
    const AccountSide* from = sideOf(m.from);
    if (!from)
      return problem(m.line, LineKind::kMessage, kReferenceUnknown,
                     "from_agb names no account of the export");
    const AccountSide* to = sideOf(m.to);
    if (!to)
      return problem(m.line, LineKind::kMessage, kReferenceUnknown,
                     "to_agb names no account of the export");
    if (writesTo(*from) || writesTo(*to))
      return count(m.line, LineKind::kMessage, LineAction::kImport);
    // No side to hold a copy: imported before with an account deleted since, or M2.
    const bool deleted = from->action == LineAction::kDeleted || to->action == LineAction::kDeleted;
    count(m.line, LineKind::kMessage, deleted ? LineAction::kDeleted : LineAction::kExcluded);
  }

  void judgeInvoice(const InvoiceRef& i) {
    const AccountSide* account = nullptr;
    if (auto it = plan_.byOldId.find(i.accountOldId); it != plan_.byOldId.end()) {
      account = &it->second;
    } else if (auto db = e_.accountByOldId.find(i.accountOldId); db != e_.accountByOldId.end()) {
      AccountSide side{LineAction::kPresent, i.accountOldId, db->second};
      account = &(plan_.byOldId[i.accountOldId] = side);
    }
    if (!account)
      return problem(i.line, LineKind::kInvoice, kReferenceUnknown,
                     "account_old_id names no account of the export");
    if (!writesTo(*account)) return count(i.line, LineKind::kInvoice, account->action);
    // invoices are UNIQUE per (account, period start): the platform's own and the file's.
    if ((account->action == LineAction::kPresent || account->action == LineAction::kUpdate) &&
        e_.invoicePeriods.count(std::to_string(account->existingId) + "|" + i.periodStart))
      return problem(i.line, LineKind::kInvoice, kConflict,
                     "the account already has an invoice for this period_start");
    if (int64_t first = seen(filePeriods_, i.accountOldId + "|" + i.periodStart, i.line))
      return problem(i.line, LineKind::kInvoice, kConflict,
                     "the account's invoice for this period_start is already on line " +
                         std::to_string(first));
    count(i.line, LineKind::kInvoice, LineAction::kImport);
  }

  const Existing& e_;
  TimePoint cutoff_;
  ImportPlan& plan_;
  std::vector<AccountRef> accounts_;
  std::vector<MessageRef> messages_;
  std::vector<InvoiceRef> invoices_;
  std::unordered_map<std::string, int64_t> fileAccountIds_, fileEmails_, fileMessageIds_,
      fileInvoiceIds_, fileNumbers_, filePeriods_;
  std::unordered_map<std::uint32_t, int64_t> fileAgbs_;
};

}  // namespace

std::uint32_t agbKey(const std::string& agb) {
  std::uint32_t n = 0;
  for (char c : agb) n = n * 10 + static_cast<std::uint32_t>(c - '0');
  return n;
}

Result<ImportPlan> makePlan(storage::Database& db, const std::string& path, TimePoint cutoff) {
  Existing existing;
  if (Status s = loadExisting(db, existing); !s) return s;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::error(kFileUnreadable, "cannot open the export file " + path);
  ImportPlan plan;
  plan.lineActions.push_back(LineAction::kNone);  // line numbers start at 1
  Planner planner(existing, cutoff, plan);
  std::string line;
  int64_t number = 0;
  while (std::getline(in, line)) planner.onLine(++number, line);
  if (in.bad())
    return Status::error(kFileUnreadable, "reading the export file " + path + " failed");
  plan.report.lines = number;
  planner.finish();
  return plan;
}

}  // namespace berichtd::import
