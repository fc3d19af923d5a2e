// Database: the daemon's one handle on its SQL database, SQLite (embedded default) or
// PostgreSQL (several daemons sharing one server). docs/storage.md is the operator's view.
//
// Contract
// - open() parses the URL and builds the session pool; it does not connect yet (SQLite creates
//   the file's parent directory). The first session(), ping() or migrate() connects; at start
//   the daemon calls migrate(), which fails with STORAGE_UNAVAILABLE when the server is down.
// - One SQL text for both backends: write '?' placeholders and pass the text through sql(),
//   the only place where they become PostgreSQL's $1..$n.
// - session() hands out a pooled Poco::Data::Session with the per-connection settings in effect
//   (SQLite: WAL, foreign_keys=ON, busy_timeout, secure_delete; PostgreSQL: TimeZone UTC). The
//   session goes back to the pool when the last copy is destroyed; an open Poco transaction is
//   rolled back.
// - Errors are values with codes STORAGE_URL_INVALID, STORAGE_UNAVAILABLE (cannot connect, pool
//   exhausted), STORAGE_ERROR (a statement failed), STORAGE_MIGRATION_FAILED and
//   STORAGE_MIGRATION_INVALID. No message contains the password.
//
// Ownership and threads: the caller owns the Database (unique_ptr) and must destroy it after
// every Session it handed out. All methods are thread-safe; a Session itself is not: use one
// per thread.
#pragma once

#include <Poco/Data/Session.h>

#include <berichtd/status.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "storage/group_writer.hpp"
#include "storage/migrations.hpp"
#include "storage/storage_url.hpp"

namespace Poco::Data {
class SessionPool;
}

namespace berichtd::storage {

class Database {
 public:
  // How long session() waits for a free pooled session before giving up.
  static constexpr std::chrono::milliseconds kSessionWait{10000};

  // clock, when given, stamps schema_migrations.applied_at and must outlive the Database;
  // without one the system clock is used.
  static Result<std::unique_ptr<Database>> open(const config::StorageConfig& cfg,
                                                const Clock* clock = nullptr);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Backend backend() const { return url_.backend; }
  std::string backendName() const { return storage::backendName(url_.backend); }

  // A session from the pool, with the per-connection settings applied. Waits up to kSessionWait
  // when all poolMax sessions are in use. Throws Poco::Data::SessionPoolExhaustedException or
  // Poco::Data::ConnectionFailedException (message scrubbed of the password) — callers that
  // want a Status use transact() or catch at their own module boundary.
  Poco::Data::Session session();

  // Translates '?' placeholders into the backend's form: $1..$n for PostgreSQL, untouched for
  // SQLite. A '?' inside '...' strings, "..." identifiers, -- and /* */ comments stays.
  std::string sql(std::string_view text) const;

  // Runs work on one pooled session inside one transaction and commits; rolls back when work
  // throws. SQLite takes the write lock up front (BEGIN IMMEDIATE) so two writers wait on the
  // busy timeout instead of failing to upgrade a read lock. Exceptions become Status.
  // On SQLite the work runs on the Database's one writer thread (GroupWriter): work queued
  // meanwhile commits together in one transaction, each piece in its own SAVEPOINT, so a
  // failing piece rolls back only itself. The call returns after the COMMIT. A transact() from
  // inside a work runs in a nested savepoint of the same transaction.
  Status transact(const std::function<void(Poco::Data::Session&)>& work);

  // Runs read-only work on one pooled session in one read transaction (a consistent snapshot):
  // SQLite BEGIN DEFERRED, which in WAL mode never takes or waits for the write lock, on one of
  // up to kMaxReaders kept reader connections with their prepared statements (runSql), or on a
  // plain pooled session when all are busy;
  // PostgreSQL a plain transaction. Meant for reads only: on SQLite a write inside has to
  // upgrade the lock and may fail with STORAGE_ERROR (busy). Exceptions become Status.
  Status read(const std::function<void(Poco::Data::Session&)>& work);

  // SQLite: works and transactions of the group writer so far; PostgreSQL: nullopt.
  std::optional<GroupWriter::Stats> groupCommitStats() const {
    if (!sqliteWriter_) return std::nullopt;
    return sqliteWriter_->stats();
  }

  // SELECT 1 on a pooled session: ok, or STORAGE_UNAVAILABLE.
  Status ping();

  // Applies migrations() not yet recorded in schema_migrations, each in its own transaction
  // together with its schema_migrations row. On PostgreSQL every such transaction first takes
  // pg_advisory_xact_lock(kMigrationLockKey), so daemons starting together migrate one at a
  // time and each re-checks what is applied after getting the lock.
  Status migrate();
  // The same for a given list (a test seam). Versions must be positive and strictly increasing.
  Status migrate(const std::vector<Migration>& list);
  // A plugin's own schema steps, recorded per plugin name in plugin_schema_migrations (the SDK's
  // PluginStorage::migrate()); same lock, transactions and rules as migrate().
  Status migratePlugin(const std::string& plugin, const std::vector<Migration>& list);
  // The highest applied version; 0 when none (or no schema_migrations table); -1 on error.
  int schemaVersion();

  // The URL with the password masked, for logs.
  std::string describe() const { return url_.masked; }
  const config::StorageConfig& config() const { return cfg_; }

  // Key of the advisory lock that serialises migrations across daemons ("berichtd" in ASCII).
  static constexpr long long kMigrationLockKey = 0x6265726963687464LL;

 private:
  class Pool;
  Database(config::StorageConfig cfg, StorageUrl url, const Clock* clock);

  struct Reader {
    Poco::Data::Session session;
    std::unique_ptr<SqliteStatementCache> cache;
  };
  static constexpr int kMaxReaders = 4;
  // An idle reader, a new one while fewer than maxReaders_ are open, or null.
  std::unique_ptr<Reader> borrowReader();
  // Back to the idle list, or closed (after a failure).
  void returnReader(std::unique_ptr<Reader> reader, bool healthy);

  // Applies the settings that must hold on every handed-out SQLite session (a previous user
  // may have changed them; foreign_keys and busy_timeout are per connection).
  void applyHandoutSettings(Poco::Data::Session& session) const;
  // Replaces the password, if any, in text coming from drivers.
  std::string scrub(std::string text) const;
  Status errorStatus(const std::exception& e, const std::string& what) const;
  Status applyOne(Poco::Data::Session& session, const Migration& m);
  Status migrateLedger(const std::vector<Migration>& list, const std::string& plugin);

  config::StorageConfig cfg_;
  StorageUrl url_;
  const Clock* clock_;                         // not owned; may be null (system clock)
  std::unique_ptr<Pool> pool_;                 // Poco's pool is internally synchronised
  std::unique_ptr<GroupWriter> sqliteWriter_;  // SQLite only; see transact()
  std::mutex readersMu_;                       // guards the reader fields below
  std::vector<std::unique_ptr<Reader>> idleReaders_;
  int readersOpen_ = 0;  // idle + borrowed
  int maxReaders_ = 0;   // SQLite file databases only
};

}  // namespace berichtd::storage
