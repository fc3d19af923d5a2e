// The host side of the SDK's storage (ABI 1.1: sql_batch, sql_migrate): what a plugin's
// PluginStorage calls end up doing on the daemon's Database — in the daemon for in-process
// plugins, and in berichtd-plugin-host on its own connection pool to the same database.
//
// Contract
// - runSqlBatch: the statements run in order in one transaction (Database::transact). Result
//   rows are buffered and handed to the sink only after the commit, so a plugin never sees rows
//   of a rolled-back batch. A statement flagged BERICHTD_SQL_REQUIRE_ROWS that changes or
//   returns no row rolls everything back with CONFLICT. Statement errors are STORAGE_ERROR /
//   STORAGE_UNAVAILABLE; parameter values never appear in a message. sink->status is called
//   exactly once, last.
// - migratePluginSchema: step i becomes migration version i + 1 named "step N", applied through
//   Database::migratePlugin under the plugin's name.
// Thread-safety: both are safe from any thread (the Database is).
#pragma once

#include <berichtd/abi.h>

#include <berichtd/status.hpp>
#include <string>

namespace berichtd::storage {
class Database;
}

namespace berichtd::plugin {

void runSqlBatch(storage::Database& db, const berichtd_sql_statement* statements, size_t count,
                 const berichtd_sql_sink* sink);
Status migratePluginSchema(storage::Database& db, const std::string& plugin,
                           const berichtd_bytes* steps, size_t count);

}  // namespace berichtd::plugin
