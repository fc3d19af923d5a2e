#include "storage/sql_run.hpp"

#include <Poco/Data/LOB.h>
#include <Poco/Data/MetaColumn.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>
#include <sqlite3.h>

#include <deque>
#include <memory>

#include "storage/database.hpp"

namespace berichtd::storage {

namespace {

using Poco::Data::Keywords::use;

thread_local SqliteStatementCache* tlsActive = nullptr;

std::string text(berichtd_bytes b) {
  return b.data == nullptr ? std::string() : std::string(b.data, b.size);
}

[[noreturn]] void throwSqlite(sqlite3* handle, int rc, const std::string& sql) {
  Poco::Data::SQLite::Utility::throwException(handle, rc, sql);
  throw Poco::Data::DataException("SQLite error " + std::to_string(rc) + ": " + sql);
}

sqlite3_stmt* prepare(sqlite3* handle, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v2(handle, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    if (stmt != nullptr) sqlite3_finalize(stmt);
    throwSqlite(handle, rc, sql);
  }
  if (stmt == nullptr) throw Poco::Data::DataException("empty SQL statement");
  return stmt;
}

SqlValue sqliteColumn(sqlite3_stmt* stmt, int col) {
  switch (sqlite3_column_type(stmt, col)) {
    case SQLITE_INTEGER:
      return SqlValue(static_cast<int64_t>(sqlite3_column_int64(stmt, col)));
    case SQLITE_BLOB: {
      const void* data = sqlite3_column_blob(stmt, col);
      const int n = sqlite3_column_bytes(stmt, col);
      return SqlValue::blob(std::string(static_cast<const char*>(data), static_cast<size_t>(n)));
    }
    case SQLITE_NULL:
      return SqlValue();
    default: {  // TEXT, REAL (as its text)
      const unsigned char* data = sqlite3_column_text(stmt, col);
      const int n = sqlite3_column_bytes(stmt, col);
      return SqlValue(std::string(reinterpret_cast<const char*>(data), static_cast<size_t>(n)));
    }
  }
}

SqlResult runSqliteText(Poco::Data::Session& session, const std::string& sql,
                        const berichtd_sql_value* params, std::size_t count) {
  sqlite3* handle = Poco::Data::SQLite::Utility::dbHandle(session);
  if (handle == nullptr) throw Poco::Data::NotConnectedException("SQLite session without a handle");
  SqliteStatementCache* cache = tlsActive;
  sqlite3_stmt* stmt = cache != nullptr && cache->handle() == handle ? cache->get(sql) : nullptr;
  const bool owned = stmt == nullptr;
  if (owned) stmt = prepare(handle, sql);
  struct Done {
    sqlite3_stmt* stmt;
    bool owned;
    ~Done() {
      if (owned) {
        sqlite3_finalize(stmt);
      } else {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
      }
    }
  } done{stmt, owned};

  if (sqlite3_bind_parameter_count(stmt) != static_cast<int>(count)) {
    throw Poco::Data::DataException("statement expects " +
                                    std::to_string(sqlite3_bind_parameter_count(stmt)) +
                                    " parameters, got " + std::to_string(count) + ": " + sql);
  }
  for (std::size_t i = 0; i < count; ++i) {
    const int pos = static_cast<int>(i) + 1;
    const berichtd_sql_value& v = params[i];
    int rc = SQLITE_OK;
    switch (v.type) {
      case BERICHTD_SQL_INTEGER:
        rc = sqlite3_bind_int64(stmt, pos, v.integer);
        break;
      case BERICHTD_SQL_TEXT:
        rc = sqlite3_bind_text64(stmt, pos, v.bytes.data == nullptr ? "" : v.bytes.data,
                                 v.bytes.size, SQLITE_STATIC, SQLITE_UTF8);
        break;
      case BERICHTD_SQL_BLOB:
        rc = sqlite3_bind_blob64(stmt, pos, v.bytes.data == nullptr ? "" : v.bytes.data,
                                 v.bytes.size, SQLITE_STATIC);
        break;
      default:
        rc = sqlite3_bind_null(stmt, pos);
    }
    if (rc != SQLITE_OK) throwSqlite(handle, rc, sql);
  }

  SqlResult out;
  const int columns = sqlite3_column_count(stmt);
  out.hasColumns = columns > 0;
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throwSqlite(handle, rc, sql);
    std::vector<SqlValue> row;
    row.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) row.push_back(sqliteColumn(stmt, c));
    out.rows.push_back(std::move(row));
  }
  if (!out.hasColumns) out.changed = sqlite3_changes64(handle);
  return out;
}

SqlValue pocoColumn(const Poco::Data::RecordSet& rs, std::size_t col, std::size_t row) {
  const Poco::Dynamic::Var& var = rs.value(col, row);
  if (var.isEmpty()) return SqlValue();
  using MC = Poco::Data::MetaColumn;
  switch (rs.columnType(col)) {
    case MC::FDT_BOOL:
    case MC::FDT_INT8:
    case MC::FDT_UINT8:
    case MC::FDT_INT16:
    case MC::FDT_UINT16:
    case MC::FDT_INT32:
    case MC::FDT_UINT32:
    case MC::FDT_INT64:
    case MC::FDT_UINT64:
      return SqlValue(static_cast<int64_t>(var.convert<Poco::Int64>()));
    case MC::FDT_BLOB: {
      const auto& blob = var.extract<Poco::Data::BLOB>();
      return SqlValue::blob(
          std::string(reinterpret_cast<const char*>(blob.rawContent()), blob.size()));
    }
    case MC::FDT_CLOB: {  // PostgreSQL reports TEXT columns as character LOBs
      const auto& clob = var.extract<Poco::Data::CLOB>();
      return SqlValue(std::string(clob.rawContent(), clob.size()));
    }
    default:
      return SqlValue(var.convert<std::string>());
  }
}

SqlResult runPoco(Poco::Data::Session& session, const std::string& sql,
                  const berichtd_sql_value* params, std::size_t count) {
  // Poco binds by reference: owned copies that stay put (deque) until the statement ran.
  std::deque<Poco::Int64> ints;
  std::deque<std::string> texts;
  std::deque<Poco::Data::BLOB> blobs;
  std::deque<Poco::Nullable<std::string>> nulls;
  Poco::Data::Statement stmt(session);
  stmt << sql;
  for (std::size_t p = 0; p < count; ++p) {
    const berichtd_sql_value& v = params[p];
    switch (v.type) {
      case BERICHTD_SQL_INTEGER:
        stmt.addBind(use(ints.emplace_back(v.integer)));
        break;
      case BERICHTD_SQL_TEXT:
        stmt.addBind(use(texts.emplace_back(text(v.bytes))));
        break;
      case BERICHTD_SQL_BLOB:
        stmt.addBind(use(blobs.emplace_back(reinterpret_cast<const unsigned char*>(v.bytes.data),
                                            v.bytes.size)));
        break;
      default:
        stmt.addBind(use(nulls.emplace_back()));
    }
  }
  const std::size_t changed = stmt.execute();
  Poco::Data::RecordSet rs(stmt);
  SqlResult out;
  out.hasColumns = rs.columnCount() > 0;
  if (!out.hasColumns) {
    out.changed = static_cast<int64_t>(changed);
    return out;
  }
  const std::size_t n = rs.rowCount();
  for (std::size_t r = 0; r < n; ++r) {
    std::vector<SqlValue> row;
    for (std::size_t c = 0; c < rs.columnCount(); ++c) row.push_back(pocoColumn(rs, c, r));
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace

SqlResult runSql(const Database& db, Poco::Data::Session& session, std::string_view sql,
                 const berichtd_sql_value* params, std::size_t count) {
  if (db.backend() == Backend::kSqlite)
    return runSqliteText(session, std::string(sql), params, count);
  return runPoco(session, db.sql(sql), params, count);
}

SqlResult runSql(const Database& db, Poco::Data::Session& session, std::string_view sql,
                 std::initializer_list<SqlValue> params) {
  std::vector<berichtd_sql_value> views;
  views.reserve(params.size());
  for (const SqlValue& v : params) views.push_back(v.view());
  return runSql(db, session, sql, views.data(), views.size());
}

SqlResult runSqlite(Poco::Data::Session& session, std::string_view sql,
                    const berichtd_sql_value* params, std::size_t count) {
  return runSqliteText(session, std::string(sql), params, count);
}

SqliteStatementCache::~SqliteStatementCache() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
}

sqlite3_stmt* SqliteStatementCache::get(const std::string& sql) {
  if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
  if (statements_.size() >= kMaxStatements) return nullptr;
  sqlite3_stmt* stmt = prepare(handle_, sql);
  statements_.emplace(sql, stmt);
  return stmt;
}

SqliteStatementCache* SqliteStatementCache::active() { return tlsActive; }

SqliteStatementCache::Scope::Scope(SqliteStatementCache* cache) : previous_(tlsActive) {
  tlsActive = cache;
}

SqliteStatementCache::Scope::~Scope() { tlsActive = previous_; }

}  // namespace berichtd::storage
