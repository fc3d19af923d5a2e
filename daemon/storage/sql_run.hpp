// runSql: one SQL statement on a pooled Session of either backend — positional parameters in,
// rows of SqlValue out — and, on the SQLite writer thread, from a cache of prepared statements.
//
// Why: through Poco::Data every execution parses and plans its statement again
// (sqlite3_prepare_v2) and copies each cell through Poco::Dynamic::Var; on the message path that
// was a fifth of the daemon's CPU, most of it on the one writer thread that every SQLite write
// passes (GroupWriter). The hot statements go through runSql instead.
//
// Contract
// - sql uses '?' placeholders (translated by Database::sql() for PostgreSQL); params bind in
//   order: NULL, INTEGER (int64), TEXT, BLOB. A count that does not match the statement's throws.
// - Result: rows in order (INTEGER cells as integers, TEXT as text, BLOB as blob, REAL as text,
//   NULL as null); hasColumns when the statement returns columns (a SELECT, … RETURNING);
//   changed = rows changed by an INSERT/UPDATE/DELETE without RETURNING.
// - SQLite: when the calling thread has an active SqliteStatementCache for the session's
//   connection (the GroupWriter sets one around every work), the prepared statement is kept and
//   reused; otherwise it is prepared and finalized for this call.
// - Errors throw what Poco::Data would (Poco::Data::SQLite::… and PostgreSQL exceptions), so
//   Database::transact()/read() turn them into STORAGE_ERROR / STORAGE_UNAVAILABLE as before.
// Thread-safety: a Session is used by one thread at a time; a cache belongs to one thread.
#pragma once

#include <Poco/Data/Session.h>
#include <berichtd/abi.h>

#include <berichtd/storage.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace berichtd::storage {

class Database;

struct SqlResult {
  std::vector<std::vector<SqlValue>> rows;
  bool hasColumns = false;
  std::int64_t changed = 0;
};

SqlResult runSql(const Database& db, Poco::Data::Session& session, std::string_view sql,
                 const berichtd_sql_value* params, std::size_t count);
SqlResult runSql(const Database& db, Poco::Data::Session& session, std::string_view sql,
                 std::initializer_list<SqlValue> params = {});
// The SQLite half of runSql, for code that knows its session is SQLite (the writer's BEGIN,
// SAVEPOINT, RELEASE and COMMIT, a reader's BEGIN and COMMIT).
SqlResult runSqlite(Poco::Data::Session& session, std::string_view sql,
                    const berichtd_sql_value* params = nullptr, std::size_t count = 0);

// Prepared statements of one SQLite connection, by SQL text (at most kMaxStatements). The owner
// destroys it before the connection goes back to the pool; that finalizes every statement.
class SqliteStatementCache {
 public:
  static constexpr std::size_t kMaxStatements = 256;

  explicit SqliteStatementCache(sqlite3* handle) : handle_(handle) {}
  ~SqliteStatementCache();
  SqliteStatementCache(const SqliteStatementCache&) = delete;
  SqliteStatementCache& operator=(const SqliteStatementCache&) = delete;

  sqlite3* handle() const { return handle_; }
  // The prepared statement for sql, prepared now if new; throws like Poco on a bad statement.
  // nullptr when the cache is full (the caller prepares and finalizes its own).
  sqlite3_stmt* get(const std::string& sql);
  std::size_t size() const { return statements_.size(); }

  // The cache runSql may use on this thread; null when none.
  static SqliteStatementCache* active();
  // Makes a cache active on this thread for its lifetime (restores the previous one after).
  class Scope {
   public:
    explicit Scope(SqliteStatementCache* cache);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    SqliteStatementCache* previous_;
  };

 private:
  sqlite3* handle_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace berichtd::storage
