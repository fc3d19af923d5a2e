// PluginStorage: a plugin's handle on the daemon's database (ABI 1.1), SQLite or PostgreSQL —
// whichever the operator configured. The same calls work in-process and in a
// berichtd-plugin-host process (the host opens the same database).
//
// - migrate({"CREATE TABLE …", "ALTER …"}) applies the plugin's schema steps once each, in
//   order; step i is version i + 1, recorded per plugin name. Never edit a shipped step.
// - batch({…}) runs statements in ONE transaction; with requireRows a statement that changes or
//   returns no row rolls the whole batch back with CONFLICT (compare-and-set).
// - Write '?' placeholders and SQL both databases accept (docs/plugin-sdk.md "Storage"); the
//   host turns '?' into $1… for PostgreSQL. Times as ISO 8601 TEXT, ids as INTEGER.
// Errors: STORAGE_ERROR (a statement failed), STORAGE_UNAVAILABLE, CONFLICT (requireRows),
// STORAGE_MIGRATION_FAILED. Thread-safe: every call is independent.
#pragma once

#include <berichtd/abi.h>

#include <berichtd/message.hpp>
#include <berichtd/status.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace berichtd {

// A SQL value: null, integer, text or blob.
class SqlValue {
 public:
  struct Blob {
    std::string bytes;
  };
  SqlValue() = default;  // NULL
  SqlValue(std::nullopt_t) {}
  SqlValue(int v) : v_(static_cast<int64_t>(v)) {}
  SqlValue(int64_t v) : v_(v) {}
  SqlValue(std::string v) : v_(std::move(v)) {}
  SqlValue(const char* v) : v_(std::string(v)) {}
  SqlValue(Blob b) : v_(std::move(b)) {}
  template <typename T>
  SqlValue(const std::optional<T>& v) {
    if (v) *this = SqlValue(*v);
  }
  static SqlValue blob(std::string bytes) { return SqlValue(Blob{std::move(bytes)}); }

  bool isNull() const { return std::holds_alternative<std::monostate>(v_); }
  // Integers come back as INTEGER, but some expressions (COUNT(*) on SQLite) as TEXT: both read.
  std::optional<int64_t> asInt() const {
    if (auto* i = std::get_if<int64_t>(&v_)) return *i;
    if (auto* s = std::get_if<std::string>(&v_)) {
      try {
        size_t used = 0;
        int64_t n = std::stoll(*s, &used);
        if (used == s->size()) return n;
      } catch (...) {
      }
    }
    return std::nullopt;
  }
  int64_t intOr(int64_t fallback) const { return asInt().value_or(fallback); }
  // Text and blob bytes; an integer as its decimal text; NULL as nullopt.
  std::optional<std::string> asText() const {
    if (auto* s = std::get_if<std::string>(&v_)) return *s;
    if (auto* b = std::get_if<Blob>(&v_)) return b->bytes;
    if (auto* i = std::get_if<int64_t>(&v_)) return std::to_string(*i);
    return std::nullopt;
  }
  std::string textOr(std::string fallback) const {
    auto t = asText();
    return t ? *t : std::move(fallback);
  }

  berichtd_sql_value view() const {
    berichtd_sql_value out{BERICHTD_SQL_NULL, 0, {nullptr, 0}};
    if (auto* i = std::get_if<int64_t>(&v_)) {
      out.type = BERICHTD_SQL_INTEGER;
      out.integer = *i;
    } else if (auto* s = std::get_if<std::string>(&v_)) {
      out.type = BERICHTD_SQL_TEXT;
      out.bytes = toBytes(*s);
    } else if (auto* b = std::get_if<Blob>(&v_)) {
      out.type = BERICHTD_SQL_BLOB;
      out.bytes = toBytes(b->bytes);
    }
    return out;
  }
  static SqlValue from(const berichtd_sql_value& v) {
    switch (v.type) {
      case BERICHTD_SQL_INTEGER:
        return SqlValue(v.integer);
      case BERICHTD_SQL_TEXT:
        return SqlValue(toString(v.bytes));
      case BERICHTD_SQL_BLOB:
        return SqlValue::blob(toString(v.bytes));
      default:
        return SqlValue();
    }
  }

 private:
  std::variant<std::monostate, int64_t, std::string, Blob> v_;
};

using SqlRow = std::vector<SqlValue>;

struct SqlStatement {
  std::string sql;
  std::vector<SqlValue> params;
  bool requireRows = false;
};

struct SqlResult {
  std::vector<SqlRow> rows;  // result rows (queries)
  int64_t count = 0;         // rows changed (or returned, for a query)
};

class PluginStorage {
 public:
  explicit PluginStorage(const berichtd_host_api* host) : host_(host) {}

  bool available() const {
    return host_ != nullptr && host_->struct_size >= sizeof(berichtd_host_api) &&
           host_->sql_batch != nullptr;
  }

  Result<std::vector<SqlResult>> batch(const std::vector<SqlStatement>& statements) const {
    if (!available()) return Status::error("STORAGE_UNAVAILABLE", "the host offers no storage");
    std::vector<std::vector<berichtd_sql_value>> params(statements.size());
    std::vector<berichtd_sql_statement> views(statements.size());
    for (size_t i = 0; i < statements.size(); ++i) {
      for (const auto& p : statements[i].params) params[i].push_back(p.view());
      views[i] = berichtd_sql_statement{sizeof(berichtd_sql_statement),
                                        toBytes(statements[i].sql),
                                        params[i].data(),
                                        params[i].size(),
                                        statements[i].requireRows ? BERICHTD_SQL_REQUIRE_ROWS : 0u,
                                        {nullptr, nullptr}};
    }
    struct Out {
      std::vector<SqlResult> results;
      Status status = Status::error("STORAGE_ERROR", "no outcome");
    } out;
    out.results.resize(statements.size());
    berichtd_sql_sink sink{};
    sink.struct_size = sizeof(sink);
    sink.ctx = &out;
    sink.row = [](void* ctx, size_t index, const berichtd_sql_value* cols, size_t n) {
      auto* o = static_cast<Out*>(ctx);
      if (index >= o->results.size()) return;
      SqlRow row;
      row.reserve(n);
      for (size_t c = 0; c < n; ++c) row.push_back(SqlValue::from(cols[c]));
      o->results[index].rows.push_back(std::move(row));
    };
    sink.done = [](void* ctx, size_t index, int64_t rows) {
      auto* o = static_cast<Out*>(ctx);
      if (index < o->results.size()) o->results[index].count = rows;
    };
    sink.status = [](void* ctx, const berichtd_status* st) {
      static_cast<Out*>(ctx)->status =
          st->ok ? Status::ok() : Status::error(toString(st->code), toString(st->message));
    };
    host_->sql_batch(host_->host, views.data(), views.size(), &sink);
    if (!out.status.isOk()) return out.status;
    return std::move(out.results);
  }

  // One statement (its own transaction).
  Result<SqlResult> run(std::string sql, std::vector<SqlValue> params = {},
                        bool requireRows = false) const {
    auto r = batch({SqlStatement{std::move(sql), std::move(params), requireRows}});
    if (!r) return r.status();
    return std::move(r->front());
  }

  Status migrate(const std::vector<std::string>& steps) const {
    if (!available()) return Status::error("STORAGE_UNAVAILABLE", "the host offers no storage");
    std::vector<berichtd_bytes> views;
    for (const auto& s : steps) views.push_back(toBytes(s));
    Status out = Status::error("STORAGE_MIGRATION_FAILED", "no outcome");
    host_->sql_migrate(
        host_->host, views.data(), views.size(),
        [](void* ctx, const berichtd_status* st) {
          *static_cast<Status*>(ctx) =
              st->ok ? Status::ok() : Status::error(toString(st->code), toString(st->message));
        },
        &out);
    return out;
  }

 private:
  const berichtd_host_api* host_;
};

}  // namespace berichtd
