#include "retention/retention_store.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

#include "accounts/validation.hpp"
#include "retention/wipe_steps.hpp"
#include "storage/abort.hpp"
#include "storage/outbox.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::retention {

namespace {

using storage::runSql;
using Tx = Poco::Data::Session;

// The calendar date a stored text begins with ("2026-03-01", "2026-03-01T10:00:00.000Z").
std::optional<Date> parseDay(const std::string& text) {
  if (text.size() < 10) return std::nullopt;
  return parseIsoDate(text.substr(0, 10));
}

// A stored time ("2026-03-01T10:00:00.000Z") as its calendar date in Europe/Amsterdam; a bare
// date (as an import may hold it) as itself.
std::optional<Date> amsterdamDay(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  if (text->size() > 10) {
    if (auto t = parseIso8601(*text)) return parseDay(accounts::amsterdamDate(*t));
  }
  return parseDay(*text);
}

std::optional<Date> day(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parseDay(*text);
}

constexpr const char* kAccountColumns =
    "SELECT id, state, created_at, closed_at, last_activity_at FROM accounts ";

AccountDates datesOf(const std::vector<SqlValue>& row) {
  AccountDates a;
  a.state = row[1].textOr("");
  a.createdOn = day(row[2].asText());
  a.closedOn = day(row[3].asText());
  a.lastActivity = amsterdamDay(row[4].asText());
  return a;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// True when a JSON value holds, at any depth, a string equal to one of `texts` (compared in
// lower case).
bool holdsText(const Poco::Dynamic::Var& v, const std::vector<std::string>& texts) {
  if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
    auto o = v.extract<Poco::JSON::Object::Ptr>();
    for (const auto& [k, child] : *o)
      if (holdsText(child, texts)) return true;
    return false;
  }
  if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
    auto a = v.extract<Poco::JSON::Array::Ptr>();
    for (const auto& child : *a)
      if (holdsText(child, texts)) return true;
    return false;
  }
  if (!v.isString()) return false;
  const std::string s = lower(v.convert<std::string>());
  return std::find(texts.begin(), texts.end(), s) != texts.end();
}

// Whether an outbox job's body is about the account: its account_id or recipient_id, or a
// string that is its e-mail address or AGB code (a notice naming it as sender).
bool jobIsAbout(const std::string& body, int64_t id, const std::vector<std::string>& texts) {
  try {
    auto v = Poco::JSON::Parser().parse(body);
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
      auto o = v.extract<Poco::JSON::Object::Ptr>();
      for (const char* field : {"account_id", "recipient_id"}) {
        if (o->has(field) && !o->isNull(field) && o->get(field).isInteger() &&
            o->getValue<int64_t>(field) == id)
          return true;
      }
    }
    return holdsText(v, texts);
  } catch (...) {
    // Not JSON: the text itself decides.
    const std::string l = lower(body);
    for (const auto& t : texts)
      if (!t.empty() && l.find(t) != std::string::npos) return true;
    return false;
  }
}

// The body as lower-case text, for a first cheap filter in SQL.
std::string bodyText(const storage::Database& db) {
  return db.backend() == storage::Backend::kSqlite ? "lower(CAST(body AS TEXT))"
                                                   : "lower(convert_from(body, 'UTF8'))";
}

std::string contains(const storage::Database& db) {
  return db.backend() == storage::Backend::kSqlite ? "instr(" + bodyText(db) + ", ?) > 0"
                                                   : "position(? in " + bodyText(db) + ") > 0";
}

// Deletes the outbox jobs about the account (see jobIsAbout); candidates found in SQL by a
// substring of the body, each confirmed on its parsed JSON.
void deleteJobsAbout(const storage::Database& db, Tx& tx, int64_t id, const std::string& email,
                     const std::string& agb) {
  const std::string c = contains(db);
  const std::string idText = std::to_string(id);
  auto r = runSql(db, tx,
                  "SELECT id, body FROM outbox WHERE " + c + " OR " + c + " OR " + c + " OR " + c,
                  {"\"account_id\":" + idText, "\"recipient_id\":" + idText,
                   email.empty() ? std::string("\x01") : lower(email),
                   agb.empty() ? std::string("\x01") : agb});
  const std::vector<std::string> texts{lower(email), agb};
  for (const auto& row : r.rows) {
    if (!jobIsAbout(row[1].textOr(""), id, texts)) continue;
    (void)runSql(db, tx, "DELETE FROM outbox WHERE id = ?", {row[0].intOr(0)});
  }
}

}  // namespace

Result<std::vector<DueAccount>> RetentionStore::dueAccounts(Date today,
                                                            const RetentionPolicy& policy) {
  std::vector<DueAccount> out;
  Status s = db_.read([&](Tx& tx) {
    out.clear();
    auto r = runSql(db_, tx, std::string(kAccountColumns) + "WHERE state <> 'deleted' ORDER BY id");
    for (const auto& row : r.rows) {
      const Reason reason = dueReason(datesOf(row), today, policy);
      if (reason != Reason::kNone) out.push_back({row[0].intOr(0), reason});
    }
  });
  if (!s) return s;
  return out;
}

Result<bool> RetentionStore::deleteAccount(int64_t id, Date today, const RetentionPolicy& policy,
                                           const std::string& actor) {
  bool deleted = false;
  const std::string nowText = formatIso8601(clock_.now());
  Status s = storage::transactOrAbort(db_, [&](Tx& tx) {
    deleted = false;
    auto acc = runSql(db_, tx,
                      "SELECT id, state, created_at, closed_at, last_activity_at, email, agb_code "
                      "FROM accounts WHERE id = ?",
                      {id});
    if (acc.rows.empty()) return;
    const Reason reason = dueReason(datesOf(acc.rows[0]), today, policy);
    if (reason == Reason::kNone) return;  // a tombstone already, or active again since
    const std::string email = acc.rows[0][5].textOr("");
    const std::string agb = acc.rows[0][6].textOr("");

    deleteJobsAbout(db_, tx, id, email, agb);
    // The plugins' own data (credentials, sessions, SEPA ledger): each deletes it on this
    // request, retried by the outbox until done (docs/plugin-sdk.md "forget_account").
    for (const auto& service : forgetServices_) {
      storage::enqueueOutboxJob(db_, tx, service, "forget_account",
                                "forget:" + service + ":" + std::to_string(id),
                                "{\"account_id\":" + std::to_string(id) + "}", nowText);
    }
    for (const WipeStep& step : kWipeSteps) (void)runSql(db_, tx, step.sql, {id});

    // A4: the tombstone — id, deletion time, reason; nothing that names the account. old_id
    // stays: the old platform's opaque key, so a later import of the same export knows the
    // account was deleted and does not bring it back (docs/import.md, docs/retention.md).
    const std::string placeholder = "deleted:" + std::to_string(id);
    (void)runSql(db_, tx,
                 "UPDATE accounts SET email = '', email_key = ?, agb_code = ?, state = 'deleted', "
                 "created_at = '', closed_at = NULL, paid_through = NULL, last_activity_at = NULL, "
                 "inserted_at = ?, deleted_at = ?, deletion_reason = ? WHERE id = ?",
                 {placeholder, placeholder, nowText, nowText, reasonName(reason), id});
    (void)runSql(
        db_, tx,
        "INSERT INTO audit_log (at, actor, action, subject, outcome, detail) VALUES (?, ?, "
        "'account_deleted', ?, 'ok', ?)",
        {nowText, actor, "account:" + std::to_string(id), reasonName(reason)});
    deleted = true;
  });
  if (!s) return s;
  return deleted;
}

Result<SweepReport> RetentionStore::sweep(Date today, const RetentionPolicy& policy,
                                          const std::string& actor) {
  SweepReport report;
  {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(today.year()),
                  static_cast<unsigned>(today.month()), static_cast<unsigned>(today.day()));
    report.day = text;
  }
  const std::string startedAt = formatIso8601(clock_.now());
  Status s = db_.transact([&](Tx& tx) {
    (void)runSql(db_, tx,
                 "INSERT INTO retention_runs (day, started_at) VALUES (?, ?) ON CONFLICT (day) DO "
                 "NOTHING",
                 {report.day, startedAt});
  });
  if (!s) return s;
  auto due = dueAccounts(today, policy);
  if (!due) return due.status();
  report.due = static_cast<int64_t>(due->size());
  for (const DueAccount& a : *due) {
    auto done = deleteAccount(a.id, today, policy, actor);
    if (!done) return done.status();  // a rerun finishes the rest
    if (!*done) continue;
    ++report.deleted;
    ++(a.reason == Reason::kClosed ? report.closed : report.inactive);
    report.accountIds.push_back(a.id);
  }
  s = db_.transact([&](Tx& tx) {
    (void)runSql(db_, tx,
                 "UPDATE retention_runs SET finished_at = ?, deleted = deleted + ? WHERE day = ?",
                 {formatIso8601(clock_.now()), report.deleted, report.day});
  });
  if (!s) return s;
  return report;
}

Result<bool> RetentionStore::runFinished(const std::string& dayText) {
  bool done = false;
  Status s = db_.read([&](Tx& tx) {
    auto r = runSql(db_, tx,
                    "SELECT COUNT(*) FROM retention_runs WHERE day = ? AND finished_at IS NOT NULL",
                    {dayText});
    done = !r.rows.empty() && r.rows[0][0].intOr(0) > 0;
  });
  if (!s) return s;
  return done;
}

Result<int64_t> RetentionStore::pendingForgetJobs() {
  int64_t n = 0;
  Status s = db_.read([&](Tx& tx) {
    auto r = runSql(db_, tx,
                    "SELECT COUNT(*) FROM outbox WHERE action = 'forget_account' AND state = "
                    "'pending'");
    n = r.rows.empty() ? 0 : r.rows[0][0].intOr(0);
  });
  if (!s) return s;
  return n;
}

Result<bool> RetentionStore::checkpoint() {
  if (db_.backend() != storage::Backend::kSqlite) return true;
  try {
    Poco::Data::Session session = db_.session();
    auto r = storage::runSqlite(session, "PRAGMA wal_checkpoint(TRUNCATE)");
    // Columns: busy (1 when a reader or writer kept it from finishing), log frames, copied.
    return r.rows.empty() || r.rows[0][0].intOr(1) == 0;
  } catch (const std::exception& e) {
    return Status::error("STORAGE_ERROR", std::string("checkpoint failed: ") + e.what());
  }
}

}  // namespace berichtd::retention
