// Versioned schema migrations (docs/storage.md "Migrations").
//
// A Migration is one step of the schema: a version (strictly increasing, never reused), a short
// name, and the SQL in a small dialect-neutral form. The SQL may hold several statements
// separated by ';' and these substitution tokens, which renderMigrationSql() replaces — the one
// place where the DDL of SQLite and PostgreSQL differs:
//
//   {{ID}}      INTEGER PRIMARY KEY AUTOINCREMENT   |  BIGSERIAL PRIMARY KEY
//   {{BLOB}}    BLOB                                |  BYTEA
//   {{BIGINT}}  INTEGER                             |  BIGINT
//
// Everything else must be SQL both backends accept. Database::migrate() applies the list.
// Immutable data; thread-safe.
#pragma once

#include <berichtd/status.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "storage/storage_url.hpp"

namespace berichtd::storage {

struct Migration {
  int version = 0;
  std::string name;
  std::string sql;
};

// The daemon's migrations, in version order. Never edit an applied one: add a new version.
const std::vector<Migration>& migrations();

// Replaces the substitution tokens for backend. An unknown {{TOKEN}} is an error
// (STORAGE_MIGRATION_INVALID) so a typo cannot reach the database.
Result<std::string> renderMigrationSql(std::string_view sql, Backend backend);

// Splits SQL text into statements at ';' outside quotes and comments, trimmed, empty ones
// dropped. Needed because the PostgreSQL connector prepares each text as one statement.
std::vector<std::string> splitStatements(std::string_view sql);

}  // namespace berichtd::storage
