#include "plugin/plugin_storage.hpp"

#include <cctype>
#include <optional>
#include <string_view>
#include <vector>

#include "storage/database.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::plugin {

namespace {

std::string text(berichtd_bytes b) {
  return b.data == nullptr ? std::string() : std::string(b.data, b.size);
}

// True when sql is one SELECT: it can only read. Anything else (WITH … DELETE, PRAGMA, INSERT
// … RETURNING) goes through a write transaction.
bool isPlainSelect(const std::string& sql) {
  std::size_t i = 0;
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  static constexpr std::string_view kSelect = "select";
  if (sql.size() - i <= kSelect.size()) return false;
  for (std::size_t k = 0; k < kSelect.size(); ++k) {
    if (std::tolower(static_cast<unsigned char>(sql[i + k])) != kSelect[k]) return false;
  }
  const unsigned char next = static_cast<unsigned char>(sql[i + kSelect.size()]);
  return std::isspace(next) || next == '(' || next == '*';
}

// Drivers quote values in their messages (PostgreSQL: "DETAIL: Key (x)=(value) already
// exists"). Plugins bind secrets and personal data, so a message keeps only the driver's first
// sentence and loses every bound text value that still appears in it.
std::string scrubbed(std::string message, const berichtd_sql_statement* statements, size_t count) {
  for (const char* cut : {" DETAIL:", " Detail:"}) {
    if (auto at = message.find(cut); at != std::string::npos) message.erase(at);
  }
  for (size_t i = 0; i < count; ++i) {
    for (size_t p = 0; p < statements[i].param_count; ++p) {
      const berichtd_sql_value& v = statements[i].params[p];
      if (v.type == BERICHTD_SQL_NULL || v.type == BERICHTD_SQL_INTEGER || v.bytes.size == 0)
        continue;
      const std::string value = text(v.bytes);
      for (auto at = message.find(value); at != std::string::npos; at = message.find(value, at)) {
        message.replace(at, value.size(), "(value)");
        at += 7;
      }
    }
  }
  return message;
}

void finish(const berichtd_sql_sink* sink, const Status& status) {
  berichtd_status st{};
  st.struct_size = sizeof(st);
  st.ok = status.isOk() ? 1 : 0;
  st.code = {status.code().data(), status.code().size()};
  st.message = {status.message().data(), status.message().size()};
  sink->status(sink->ctx, &st);
}

}  // namespace

void runSqlBatch(storage::Database& db, const berichtd_sql_statement* statements, size_t count,
                 const berichtd_sql_sink* sink) {
  std::vector<std::vector<std::vector<SqlValue>>> rows(count);
  std::vector<int64_t> counts(count, 0);
  std::optional<size_t> conflictAt;
  struct Conflict : std::runtime_error {
    Conflict() : std::runtime_error("a statement required rows and found none") {}
  };
  bool readOnly = true;
  for (size_t i = 0; i < count && readOnly; ++i) readOnly = isPlainSelect(text(statements[i].sql));
  auto work = [&](Poco::Data::Session& session) {
    for (size_t i = 0; i < count; ++i) {
      const berichtd_sql_statement& st = statements[i];
      storage::SqlResult r = storage::runSql(db, session, text(st.sql), st.params, st.param_count);
      counts[i] = r.hasColumns ? static_cast<int64_t>(r.rows.size()) : r.changed;
      rows[i] = std::move(r.rows);
      if ((st.flags & BERICHTD_SQL_REQUIRE_ROWS) != 0 && counts[i] == 0) {
        conflictAt = i;
        throw Conflict();
      }
    }
  };
  // A batch of plain SELECTs needs no write lock (SQLite WAL readers never wait for it).
  Status s = readOnly ? db.read(work) : db.transact(work);
  if (conflictAt) {
    finish(sink, Status::error("CONFLICT", "statement " + std::to_string(*conflictAt + 1) +
                                               " of the batch found no row; nothing was changed"));
    return;
  }
  if (!s) {
    finish(sink, Status::error(s.code(), scrubbed(s.message(), statements, count)));
    return;
  }
  for (size_t i = 0; i < count; ++i) {
    for (const auto& row : rows[i]) {
      std::vector<berichtd_sql_value> views;
      views.reserve(row.size());
      for (const auto& v : row) views.push_back(v.view());
      if (sink->row != nullptr) sink->row(sink->ctx, i, views.data(), views.size());
    }
    if (sink->done != nullptr) sink->done(sink->ctx, i, counts[i]);
  }
  finish(sink, Status::ok());
}

Status migratePluginSchema(storage::Database& db, const std::string& plugin,
                           const berichtd_bytes* steps, size_t count) {
  std::vector<storage::Migration> list;
  for (size_t i = 0; i < count; ++i) {
    const int version = static_cast<int>(i) + 1;
    list.push_back({version, "step " + std::to_string(version), text(steps[i])});
  }
  return db.migratePlugin(plugin, list);
}

}  // namespace berichtd::plugin
