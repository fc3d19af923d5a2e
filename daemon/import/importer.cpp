#include "import/importer.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <unordered_map>

#include "accounts/account_store.hpp"
#include "accounts/validation.hpp"
#include "billing/billing_rules.hpp"
#include "import/import_plan.hpp"
#include "messages/message_store.hpp"
#include "storage/abort.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::import {

namespace {

using berichtd::SqlValue;
using storage::orAbort;
using storage::runSql;
using storage::SqlResult;
using Tx = Poco::Data::Session;

// "2025-004711" -> {2025, 4711}: a number of the platform's own form YYYY-NNNNNN (B8).
std::optional<std::pair<int, int64_t>> platformNumber(const std::string& number) {
  if (number.size() < 11 || number.size() > 17 || number[4] != '-') return std::nullopt;
  int year = 0;
  int64_t seq = 0;
  for (std::size_t i = 0; i < number.size(); ++i) {
    if (i == 4) continue;
    if (number[i] < '0' || number[i] > '9') return std::nullopt;
    if (i < 4)
      year = year * 10 + (number[i] - '0');
    else
      seq = seq * 10 + (number[i] - '0');
  }
  return std::make_pair(year, seq);
}

// The VAT rate printed on a rendered PDF: the one the amounts show (21 % for the old tariff).
int vatPercentOf(int64_t excl, int64_t vat) {
  if (excl <= 0) return billing::kVatPercent;
  return static_cast<int>(
      std::llround(static_cast<double>(vat) * 100.0 / static_cast<double>(excl)));
}

class Writer {
 public:
  Writer(storage::Database& db, const Clock& clock, const messages::DataKeys& keys,
         const ImportPlan& plan, const ImportOptions& options)
      : db_(db), clock_(clock), keys_(keys), plan_(plan), options_(options) {
    for (const auto& [agb, side] : plan.byAgb)
      if (existing(side)) idByAgb_[agb] = side.existingId;
    for (const auto& [oldId, side] : plan.byOldId)
      if (existing(side)) idByOldId_[oldId] = side.existingId;
  }

  // M1: accounts imported before and changed on the old platform since (the final export after
  // the early one), in chunks like the new ones. Only a row the platform has not taken over is
  // written: `AND state IN (migrated, closed)` also holds when the account was activated after
  // the plan read it, so an active account is never touched (A4).
  Status refreshAccounts() {
    const auto& all = plan_.refreshedAccounts;
    for (std::size_t from = 0; from < all.size(); from += chunk()) {
      const std::size_t to = std::min(all.size(), from + chunk());
      Status s = commit([&](Tx& tx) {
        for (std::size_t i = from; i < to; ++i) {
          const AccountLine& a = all[i].line;
          // A4: closed on the old platform = `closed` with its date (R2), else `migrated`.
          const char* state = a.closedAt ? accounts::kStateClosed : accounts::kStateMigrated;
          (void)runSql(db_, tx,
                       "UPDATE accounts SET email = ?, email_key = ?, agb_code = ?, state = ?, "
                       "created_at = ?, closed_at = ?, paid_through = ?, last_activity_at = ? "
                       "WHERE id = ? AND state IN ('migrated', 'closed')",
                       {a.email, accounts::normaliseEmail(a.email), a.agbCode, state, a.createdAt,
                        a.closedAt, a.paidThrough, a.lastActivityAt, all[i].id});
        }
      });
      if (!s) return s;
    }
    return Status::ok();
  }

  Status accounts() {
    const auto& all = plan_.newAccounts;
    for (std::size_t from = 0; from < all.size(); from += chunk()) {
      const std::size_t to = std::min(all.size(), from + chunk());
      std::vector<std::pair<std::size_t, int64_t>> made;
      Status s = commit([&](Tx& tx) {
        made.clear();
        const std::string insertedAt = formatIso8601(clock_.now());
        for (std::size_t i = from; i < to; ++i) {
          const AccountLine& a = all[i];
          // A4: imported = `migrated`; one closed on the old platform stays `closed` (R2 needs
          // its closed_at).
          const char* state = a.closedAt ? accounts::kStateClosed : accounts::kStateMigrated;
          auto r =
              runSql(db_, tx,
                     "INSERT INTO accounts (email, email_key, agb_code, state, created_at, "
                     "closed_at, paid_through, last_activity_at, old_id, inserted_at) VALUES "
                     "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                     {a.email, accounts::normaliseEmail(a.email), a.agbCode, state, a.createdAt,
                      a.closedAt, a.paidThrough, a.lastActivityAt, a.oldId, insertedAt});
          const int64_t id = r.rows.at(0).at(0).intOr(0);
          boxOf(tx, id);  // the data key commits with the account
          made.emplace_back(i, id);
        }
      });
      if (!s) return s;
      for (const auto& [i, id] : made) {
        idByAgb_[agbKey(all[i].agbCode)] = id;
        idByOldId_[all[i].oldId] = id;
      }
    }
    return Status::ok();
  }

  Status rest(const std::string& path) {
    if (Status s = resolveSupplier(); !s) return s;
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::error(kFileUnreadable, "cannot open the export file " + path);
    std::string text;
    int64_t line = 0;
    while (std::getline(in, text)) {
      const LineAction action = plan_.actionOf(++line);
      if (action != LineAction::kImport && action != LineAction::kUpdate) continue;
      auto parsed = parseImportLine(text);
      if (!parsed)
        return Status::error(kFileUnreadable, "the export file changed during the import");
      if (std::holds_alternative<AccountLine>(*parsed)) continue;  // written before
      if (action == LineAction::kUpdate) {
        // Only invoices are updated here (messages are immutable: never kUpdate).
        if (auto* i = std::get_if<InvoiceLine>(&*parsed)) paid_.push_back(std::move(*i));
      } else {
        pending_.push_back(std::move(parsed).value());
      }
      if (pending_.size() + paid_.size() >= chunk()) {
        if (Status s = flush(); !s) return s;
      }
    }
    if (in.bad())
      return Status::error(kFileUnreadable, "reading the export file " + path + " failed");
    return flush();
  }

 private:
  static bool existing(const AccountSide& side) {
    return side.action == LineAction::kPresent || side.action == LineAction::kUpdate;
  }

  std::size_t chunk() const { return static_cast<std::size_t>(std::max(1, options_.chunkSize)); }

  // One transaction; data keys made inside it are remembered only once it committed.
  Status commit(const std::function<void(Tx&)>& work) {
    newBoxes_.clear();
    Status s = storage::transactOrAbort(db_, work);
    if (!s) return s;
    for (auto& [id, box] : newBoxes_) boxes_.insert_or_assign(id, std::move(box));
    newBoxes_.clear();
    return s;
  }

  const crypto::SecretBox& boxOf(Tx& tx, int64_t accountId) {
    if (auto it = boxes_.find(accountId); it != boxes_.end()) return it->second;
    if (auto it = newBoxes_.find(accountId); it != newBoxes_.end()) return it->second;
    return newBoxes_.emplace(accountId, orAbort(keys_.forAccount(tx, accountId))).first->second;
  }

  // Multi-row statements: one round trip for up to kRowsPerStatement rows (PostgreSQL pays
  // one per statement; SQLite parses fewer texts).
  static constexpr std::size_t kRowsPerStatement = 200;

  SqlResult run(Tx& tx, const std::string& sql, const std::vector<SqlValue>& params) {
    std::vector<berichtd_sql_value> views;
    views.reserve(params.size());
    for (const auto& p : params) views.push_back(p.view());
    return runSql(db_, tx, sql, views.data(), views.size());
  }

  static std::string rows(const char* head, const char* row, std::size_t n, const char* tail) {
    std::string sql = head;
    for (std::size_t i = 0; i < n; ++i) sql += (i == 0 ? " " : ", ") + std::string(row);
    return sql + tail;
  }

  Status flush() {
    if (pending_.empty() && paid_.empty()) return Status::ok();
    std::vector<const MessageLine*> messages;
    std::vector<const InvoiceLine*> invoices;
    for (const auto& record : pending_) {
      if (const auto* m = std::get_if<MessageLine>(&record))
        messages.push_back(m);
      else
        invoices.push_back(&std::get<InvoiceLine>(record));
    }
    Status s = commit([&](Tx& tx) {
      for (std::size_t i = 0; i < messages.size(); i += kRowsPerStatement)
        insertMessages(tx, &messages[i], std::min(kRowsPerStatement, messages.size() - i));
      for (std::size_t i = 0; i < invoices.size(); i += kRowsPerStatement)
        insertInvoices(tx, &invoices[i], std::min(kRowsPerStatement, invoices.size() - i));
      raiseCounters(tx, invoices);
      markPaid(tx);
    });
    pending_.clear();
    paid_.clear();
    return s;
  }

  // M1: a migrated invoice paid on the old platform since the earlier import. Nothing else of
  // it changes (number, amounts, PDF are immutable); the WHERE makes a re-run a no-op.
  void markPaid(Tx& tx) {
    for (const InvoiceLine& i : paid_)
      (void)runSql(db_, tx,
                   "UPDATE invoices SET state = 'paid', paid_at = ? WHERE old_id = ? AND source = "
                   "'migrated' AND state = 'open'",
                   {i.paidAt, i.oldId});
  }

  std::optional<int64_t> idOfAgb(const std::string& agb) const {
    auto it = idByAgb_.find(agbKey(agb));
    return it == idByAgb_.end() ? std::nullopt : std::optional<int64_t>(it->second);
  }

  void insertMessages(Tx& tx, const MessageLine* const* batch, std::size_t n) {
    std::vector<SqlValue> params;
    params.reserve(n * 5);
    for (std::size_t i = 0; i < n; ++i) {
      const MessageLine& m = *batch[i];
      const auto sender = idOfAgb(m.fromAgb);
      // The row's owner: the sender, or the recipient when the sender was left out (M2).
      params.insert(params.end(),
                    {sender ? *sender : *idOfAgb(m.toAgb), m.fromAgb, m.type, m.sentAt, m.oldId});
    }
    // RETURNING's row order is not promised: the ids are matched by old_id.
    const auto inserted = run(tx,
                              rows("INSERT INTO messages (sender_id, sender_agb, type, "
                                   "created_at, old_id) VALUES",
                                   "(?, ?, ?, ?, ?)", n, " RETURNING id, old_id"),
                              params);
    std::unordered_map<std::string, int64_t> idOf;
    for (const auto& row : inserted.rows) idOf.emplace(row.at(1).textOr(""), row.at(0).intOr(0));
    std::vector<SqlValue> copies;
    std::size_t count = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const MessageLine& m = *batch[i];
      const int64_t id = idOf.at(m.oldId);
      auto copy = [&](int64_t account, const char* box, const std::string& agb, const char* state,
                      const SqlValue& deliveredAt) {
        // MessageStore's own AAD (copyAad), so its list() and get() open them.
        const crypto::SecretBox& key = boxOf(tx, account);
        copies.insert(copies.end(),
                      {id, account, box, agb,
                       orAbort(key.seal(m.subject, messages::copyAad(id, account, box, "subject"))),
                       orAbort(key.seal(m.body, messages::copyAad(id, account, box, "body"))),
                       state, deliveredAt});
        ++count;
      };
      if (const auto sender = idOfAgb(m.fromAgb)) copy(*sender, "sent", m.fromAgb, "sent", {});
      if (const auto recipient = idOfAgb(m.toAgb))
        copy(*recipient, "inbox", m.toAgb, "delivered", SqlValue(m.sentAt));
    }
    (void)run(tx,
              rows("INSERT INTO message_copies (message_id, account_id, box, agb_code, "
                   "sealed_subject, sealed_body, state, delivered_at) VALUES",
                   "(?, ?, ?, ?, ?, ?, ?, ?)", count, ""),
              copies);
  }

  void insertInvoices(Tx& tx, const InvoiceLine* const* batch, std::size_t n) {
    std::vector<SqlValue> params;
    params.reserve(n * 15);
    for (std::size_t k = 0; k < n; ++k) {
      const InvoiceLine& i = *batch[k];
      std::string email;
      if (auto it = plan_.emailByOldId.find(i.accountOldId); it != plan_.emailByOldId.end())
        email = it->second;
      params.insert(
          params.end(),
          {idByOldId_.at(i.accountOldId), i.number, i.issuedAt, i.periodStart, i.periodEnd,
           i.amountExclCents, vatPercentOf(i.amountExclCents, i.vatCents), i.vatCents, supplierId_,
           email, customerAddress(i.accountOldId), i.paidAt ? "paid" : "open", i.paidAt,
           i.pdf ? SqlValue::blob(*i.pdf) : SqlValue(), i.oldId});
    }
    (void)run(tx,
              rows("INSERT INTO invoices (account_id, number, issued_on, period_start, "
                   "period_last_day, amount_excl_cents, vat_percent, vat_cents, supplier_id, "
                   "customer_name, customer_address, state, paid_at, pdf, old_id, source) VALUES",
                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'migrated')", n, ""),
              params);
  }

  // B8: the platform's own numbers of a year continue after the highest imported one.
  void raiseCounters(Tx& tx, const std::vector<const InvoiceLine*>& invoices) {
    std::map<int, int64_t> highest;
    for (const auto* i : invoices) {
      if (auto n = platformNumber(i->number)) {
        auto& h = highest[n->first];
        h = std::max(h, n->second);
      }
    }
    for (const auto& [year, number] : highest) {
      (void)runSql(db_, tx,
                   "INSERT INTO invoice_counters (year, last_number) VALUES (?, ?) ON CONFLICT "
                   "(year) DO UPDATE SET last_number = CASE WHEN invoice_counters.last_number < "
                   "excluded.last_number THEN excluded.last_number ELSE "
                   "invoice_counters.last_number END",
                   {year, number});
    }
  }

  std::string customerAddress(const std::string& accountOldId) const {
    auto it = plan_.agbByOldId.find(accountOldId);
    return it == plan_.agbByOldId.end() ? std::string() : "AGB-code " + it->second;
  }

  // The configured supplier's snapshot row (as the billing run stores it), or none; in a
  // transaction of its own before the first invoice.
  Status resolveSupplier() {
    const Supplier& s = options_.supplier;
    if (s.name.empty()) return Status::ok();
    return db_.transact([&](Tx& tx) {
      (void)runSql(db_, tx,
                   "INSERT INTO billing_suppliers (name, address, kvk, vat_number) VALUES (?, ?, "
                   "?, ?) ON CONFLICT (name, address, kvk, vat_number) DO NOTHING",
                   {s.name, s.address, s.kvk, s.vatNumber});
      auto r = runSql(db_, tx,
                      "SELECT id FROM billing_suppliers WHERE name = ? AND address = ? AND kvk = "
                      "? AND vat_number = ?",
                      {s.name, s.address, s.kvk, s.vatNumber});
      supplierId_ = SqlValue(r.rows.at(0).at(0).intOr(0));
    });
  }

  storage::Database& db_;
  const Clock& clock_;
  const messages::DataKeys& keys_;
  const ImportPlan& plan_;
  const ImportOptions& options_;
  std::unordered_map<std::uint32_t, int64_t> idByAgb_;
  std::unordered_map<std::string, int64_t> idByOldId_;
  SqlValue supplierId_;                                   // NULL until resolveSupplier() found one
  std::unordered_map<int64_t, crypto::SecretBox> boxes_;  // committed keys
  std::unordered_map<int64_t, crypto::SecretBox> newBoxes_;  // made in the open transaction
  std::vector<ImportLine> pending_;
  std::vector<InvoiceLine> paid_;  // migrated invoices to mark paid (kUpdate)
};

}  // namespace

Result<ImportReport> Importer::run(const std::string& path, const ImportOptions& options) {
  auto plan = makePlan(db_, path, options.cutoff);
  if (!plan) return plan.status();
  ImportReport report = plan->report;
  report.dryRun = options.dryRun;
  if (options.dryRun || (report.problemTotal > 0 && !options.skipInvalid)) return report;
  Writer writer(db_, clock_, keys_, *plan, options);
  if (Status s = writer.accounts(); !s) return s;
  if (Status s = writer.refreshAccounts(); !s) return s;
  if (Status s = writer.rest(path); !s) return s;
  report.written = true;
  return report;
}

}  // namespace berichtd::import
