#include "storage/database.hpp"

#include <Poco/Data/DataException.h>
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/SessionPool.h>
#include <Poco/Exception.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include "core/logging.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::storage {

using namespace Poco::Data::Keywords;

namespace {

// Idle pooled sessions beyond poolMin are closed after this many seconds.
constexpr int kPoolIdleSeconds = 60;

void registerConnectors() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::PostgreSQL::Connector::registerConnector();
  });
}

bool isUnavailable(const std::exception& e) {
  return dynamic_cast<const Poco::Data::ConnectionFailedException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Data::NotConnectedException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Data::SessionPoolExhaustedException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Data::SessionUnavailableException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Data::PostgreSQL::ConnectionException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Data::SQLite::CantOpenDBFileException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Data::SQLite::DBAccessDeniedException*>(&e) != nullptr;
}

// One log line: drivers put newlines and tabs in their messages (libpq's "LINE 1: ..." hints).
std::string oneLine(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string describeException(const std::exception& e) {
  if (const auto* poco = dynamic_cast<const Poco::Exception*>(&e)) {
    return oneLine(poco->displayText());
  }
  return oneLine(e.what());
}

// Poco 1.11's PostgreSQL SessionHandle::connect() throws on a failed connection without
// PQfinish(), leaking the PGconn (~100 KB with its buffers) on every failed attempt — a daemon
// whose readiness probe retries during an outage would grow without bound. So before the pool
// opens a new connection we try one ourselves and release it properly; only when that works does
// Poco connect. Costs one extra handshake per new pooled connection, which is rare.
void preflightPostgres(const std::string& connectionString) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(connectionString.c_str()),
                                                    &PQfinish);
  if (!conn) throw Poco::Data::ConnectionFailedException("libpq could not allocate a connection");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw Poco::Data::ConnectionFailedException(std::string("Connection Error: ") +
                                                PQerrorMessage(conn.get()));
  }
}

}  // namespace

// Poco's pool calls customizeSession() once for every new connection: the place for settings
// that belong to the connection rather than to one use of it.
class Database::Pool final : public Poco::Data::SessionPool {
 public:
  Pool(const Database& db, const std::string& connector, const std::string& connectionString,
       int minSessions, int maxSessions)
      : Poco::Data::SessionPool(connector, connectionString, minSessions, maxSessions,
                                kPoolIdleSeconds),
        db_(db) {}

 protected:
  void customizeSession(Poco::Data::Session& session) override {
    if (db_.backend() == Backend::kSqlite) {
      // busy_timeout first: switching to WAL needs a lock another connection may hold.
      db_.applyHandoutSettings(session);
      std::string mode;
      session << "PRAGMA journal_mode = WAL", into(mode), now;
      if (mode != "wal" && !db_.url_.isMemory()) {
        logger("storage").warning("SQLite journal_mode is '" + mode + "', not WAL, for " +
                                  db_.describe());
      }
      // NORMAL is durable across application crashes in WAL mode; only a power loss can drop
      // the last transactions, and it saves an fsync per commit.
      session << "PRAGMA synchronous = NORMAL", now;
      // R3 "deletion is real": deleted rows are overwritten with zeros instead of staying in
      // free pages and cell gaps of the file (retention checkpoints the log afterwards).
      session << "PRAGMA secure_delete = ON", now;
    } else {
      // Times are stored as ISO 8601 UTC text; make the server's own clock functions agree.
      session << "SET TIME ZONE 'UTC'", now;
      // libpq prints server notices ("relation ... already exists, skipping") to stderr;
      // warnings and errors still arrive, as exceptions.
      session << "SET client_min_messages = warning", now;
      // Poco extracts bytea from text results and decodes only the hex form.
      session << "SET bytea_output = hex", now;
    }
  }

 private:
  const Database& db_;
};

Database::Database(config::StorageConfig cfg, StorageUrl url, const Clock* clock)
    : cfg_(std::move(cfg)), url_(std::move(url)), clock_(clock) {}

Database::~Database() {
  sqliteWriter_.reset();  // its last group still needs the pool
  for (auto& r : idleReaders_) r->cache.reset();
  idleReaders_.clear();
  if (pool_) pool_->shutdown();
}

Result<std::unique_ptr<Database>> Database::open(const config::StorageConfig& cfg,
                                                 const Clock* clock) {
  auto parsed = StorageUrl::parse(cfg.url);
  if (!parsed) return parsed.status();
  StorageUrl url = std::move(parsed).value();

  if (cfg.poolMax < 1 || cfg.poolMin < 0 || cfg.poolMin > cfg.poolMax) {
    return Status::error("STORAGE_CONFIG_INVALID",
                         "storage pool sizes must satisfy 0 <= poolMin <= poolMax, 1 <= poolMax "
                         "(got " +
                             std::to_string(cfg.poolMin) + ".." + std::to_string(cfg.poolMax) +
                             ")");
  }
  if (cfg.busyTimeoutMs < 0) {
    return Status::error("STORAGE_CONFIG_INVALID", "storage busyTimeoutMs must be >= 0");
  }
  int poolMin = cfg.poolMin;
  int poolMax = cfg.poolMax;
  if (url.isMemory()) {
    // Every SQLite connection to :memory: is its own empty database: one connection, kept open.
    poolMin = 1;
    poolMax = 1;
  }

  if (url.backend == Backend::kSqlite && !url.isMemory()) {
    const std::filesystem::path parent = std::filesystem::path(url.sqlitePath).parent_path();
    if (!parent.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(parent, ec);
      if (ec) {
        return Status::error("STORAGE_UNAVAILABLE", "cannot create directory '" + parent.string() +
                                                        "' for " + url.masked + ": " +
                                                        ec.message());
      }
    }
  }

  registerConnectors();
  std::unique_ptr<Database> db(new Database(cfg, std::move(url), clock));
  try {
    const bool sqlite = db->url_.backend == Backend::kSqlite;
    db->pool_ = std::make_unique<Pool>(
        *db, sqlite ? Poco::Data::SQLite::Connector::KEY : Poco::Data::PostgreSQL::Connector::KEY,
        sqlite ? db->url_.sqlitePath : db->url_.pgConnectionString, poolMin, poolMax);
  } catch (const std::exception& e) {
    return db->errorStatus(e, "cannot create the session pool for " + db->describe());
  }
  if (db->url_.backend == Backend::kSqlite) {
    // Readers keep pooled connections (and their prepared statements); leave room for the
    // writer and for other users of session().
    db->maxReaders_ = db->url_.isMemory() ? 0 : std::clamp(poolMax - 2, 0, kMaxReaders);
    Database* self = db.get();
    db->sqliteWriter_ = std::make_unique<GroupWriter>(
        [self] { return self->session(); },
        [self](const std::exception& e) {
          return self->errorStatus(e, "transaction on " + self->describe() + " failed");
        });
  }
  logger("storage").information("storage " + db->backendName() + " at " + db->describe() +
                                ", pool " + std::to_string(poolMin) + ".." +
                                std::to_string(poolMax));
  return db;
}

void Database::applyHandoutSettings(Poco::Data::Session& session) const {
  if (url_.backend != Backend::kSqlite) return;
  // Through the C API, not PRAGMA statements: this runs on every handout, and parsing two
  // statements each time cost more than some of the transactions that follow.
  sqlite3* handle = Poco::Data::SQLite::Utility::dbHandle(session);
  if (handle == nullptr) throw Poco::Data::NotConnectedException("SQLite session without a handle");
  sqlite3_busy_timeout(handle, cfg_.busyTimeoutMs);
  int enabled = 0;
  if (sqlite3_db_config(handle, SQLITE_DBCONFIG_ENABLE_FKEY, 1, &enabled) != SQLITE_OK ||
      enabled != 1) {
    // Inside an open transaction the setting cannot change; fall back to the pragma's error.
    session << "PRAGMA foreign_keys = ON", now;
  }
}

Poco::Data::Session Database::session() {
  const auto deadline = std::chrono::steady_clock::now() + kSessionWait;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    try {
      // A new connection is about to be made when none is idle (racy, but only an optimisation
      // against the leak described at preflightPostgres()).
      if (url_.backend == Backend::kPostgres && pool_->idle() == 0 &&
          pool_->allocated() < pool_->capacity()) {
        preflightPostgres(url_.pgConnectionString);
      }
      Poco::Data::Session session = pool_->get();
      applyHandoutSettings(session);
      return session;
    } catch (const Poco::Data::SessionPoolExhaustedException&) {
      if (std::chrono::steady_clock::now() >= deadline) {
        throw Poco::Data::SessionPoolExhaustedException(
            "all " + std::to_string(pool_->capacity()) + " storage sessions stayed in use for " +
            std::to_string(kSessionWait.count()) + " ms");
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(20));
    } catch (const Poco::Exception& e) {
      // Rethrown with a scrubbed message: drivers may echo connection details.
      const std::string cause = e.message().empty() ? e.displayText() : e.message();
      throw Poco::Data::ConnectionFailedException(scrub(oneLine(cause)));
    }
  }
}

std::string Database::sql(std::string_view text) const {
  if (url_.backend == Backend::kSqlite) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  int n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'' || c == '"') {
      // Copy the quoted run verbatim; a doubled quote ('it''s') closes and reopens it.
      const auto end = text.find(c, i + 1);
      const auto stop = end == std::string_view::npos ? text.size() : end + 1;
      out.append(text.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      const auto end = text.find('\n', i);
      const auto stop = end == std::string_view::npos ? text.size() : end;
      out.append(text.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      const auto end = text.find("*/", i + 2);
      const auto stop = end == std::string_view::npos ? text.size() : end + 2;
      out.append(text.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

std::string Database::scrub(std::string text) const {
  const std::string& pw = url_.pgPassword;
  if (pw.empty()) return text;
  for (auto pos = text.find(pw); pos != std::string::npos; pos = text.find(pw, pos + 3)) {
    text.replace(pos, pw.size(), "***");
  }
  return text;
}

Status Database::errorStatus(const std::exception& e, const std::string& what) const {
  return Status::error(isUnavailable(e) ? "STORAGE_UNAVAILABLE" : "STORAGE_ERROR",
                       what + ": " + scrub(describeException(e)));
}

namespace {

// Runs work inside one transaction on session; commits, or rolls back and rethrows.
void inTransaction(Poco::Data::Session& session, Backend backend,
                   const std::function<void(Poco::Data::Session&)>& work) {
  const bool sqlite = backend == Backend::kSqlite;
  if (sqlite) {
    session << "BEGIN IMMEDIATE", now;
  } else {
    session.begin();
  }
  try {
    work(session);
    if (sqlite) {
      session << "COMMIT", now;
    } else {
      session.commit();
    }
  } catch (...) {
    try {
      if (sqlite) {
        session << "ROLLBACK", now;
      } else {
        session.rollback();
      }
    } catch (...) {
      // The original error matters more; a broken connection is dropped by the pool.
    }
    throw;
  }
}

}  // namespace

Status Database::transact(const std::function<void(Poco::Data::Session&)>& work) {
  try {
    if (sqliteWriter_) return sqliteWriter_->run(work);
    Poco::Data::Session s = session();
    inTransaction(s, url_.backend, work);
    return Status::ok();
  } catch (const std::exception& e) {
    return errorStatus(e, "transaction on " + describe() + " failed");
  }
}

namespace {

// BEGIN, work, COMMIT — or ROLLBACK and rethrow.
void inReadTransaction(Poco::Data::Session& s, bool sqlite,
                       const std::function<void(Poco::Data::Session&)>& work) {
  // SQLite through runSqlite: on a kept reader the two statements stay prepared.
  if (sqlite) {
    (void)runSqlite(s, "BEGIN DEFERRED");
  } else {
    s << "BEGIN", now;
  }
  try {
    work(s);
    if (sqlite) {
      (void)runSqlite(s, "COMMIT");
    } else {
      s << "COMMIT", now;
    }
  } catch (...) {
    try {
      s << "ROLLBACK", now;
    } catch (...) {
      // The original error matters more; a broken connection is dropped by the pool.
    }
    throw;
  }
}

}  // namespace

std::unique_ptr<Database::Reader> Database::borrowReader() {
  {
    std::lock_guard lock(readersMu_);
    if (!idleReaders_.empty()) {
      auto r = std::move(idleReaders_.back());
      idleReaders_.pop_back();
      return r;
    }
    if (readersOpen_ >= maxReaders_) return nullptr;
    ++readersOpen_;
  }
  try {
    auto r = std::make_unique<Reader>(Reader{session(), nullptr});
    r->cache =
        std::make_unique<SqliteStatementCache>(Poco::Data::SQLite::Utility::dbHandle(r->session));
    return r;
  } catch (...) {
    std::lock_guard lock(readersMu_);
    --readersOpen_;
    return nullptr;  // the caller falls back to a pooled session (and its error, if any)
  }
}

void Database::returnReader(std::unique_ptr<Reader> reader, bool healthy) {
  std::lock_guard lock(readersMu_);
  if (healthy) {
    idleReaders_.push_back(std::move(reader));
    return;
  }
  --readersOpen_;
  reader->cache.reset();  // statements before their connection
}

Status Database::read(const std::function<void(Poco::Data::Session&)>& work) {
  const bool sqlite = url_.backend == Backend::kSqlite;
  if (auto reader = sqlite ? borrowReader() : nullptr) {
    bool healthy = false;
    Status result;
    try {
      SqliteStatementCache::Scope statements(reader->cache.get());
      inReadTransaction(reader->session, true, work);
      healthy = true;
    } catch (const std::exception& e) {
      result = errorStatus(e, "read on " + describe() + " failed");
    } catch (...) {  // whatever work threw, the reader is closed and counted back
      result = Status::error("STORAGE_ERROR", "read on " + describe() + " failed");
    }
    returnReader(std::move(reader), healthy);
    return result;
  }
  try {
    Poco::Data::Session s = session();
    inReadTransaction(s, sqlite, work);
    return Status::ok();
  } catch (const std::exception& e) {
    return errorStatus(e, "read on " + describe() + " failed");
  }
}

Status Database::ping() {
  try {
    Poco::Data::Session s = session();
    int one = 0;
    s << "SELECT 1", into(one), now;
    if (one != 1) {
      return Status::error("STORAGE_UNAVAILABLE",
                           "SELECT 1 on " + describe() + " returned " + std::to_string(one));
    }
    return Status::ok();
  } catch (const std::exception& e) {
    Status s = errorStatus(e, backendName() + " at " + describe() + " is unreachable");
    return Status::error("STORAGE_UNAVAILABLE", s.message());
  }
}

int Database::schemaVersion() {
  try {
    Poco::Data::Session s = session();
    int tables = 0;
    if (url_.backend == Backend::kSqlite) {
      s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
           "'schema_migrations'",
          into(tables), now;
    } else {
      s << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
           "current_schema() AND table_name = 'schema_migrations'",
          into(tables), now;
    }
    if (tables == 0) return 0;
    int version = 0;
    s << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", into(version), now;
    return version;
  } catch (const std::exception& e) {
    logger("storage").error(errorStatus(e, "cannot read the schema version").toString());
    return -1;
  }
}

Status Database::migrate() { return migrate(migrations()); }

Status Database::migrate(const std::vector<Migration>& list) { return migrateLedger(list, ""); }

Status Database::migratePlugin(const std::string& plugin, const std::vector<Migration>& list) {
  if (plugin.empty())
    return Status::error("STORAGE_MIGRATION_INVALID", "a plugin migration needs the plugin's name");
  return migrateLedger(list, plugin);
}

Status Database::migrateLedger(const std::vector<Migration>& list, const std::string& plugin) {
  // The daemon's own steps are recorded in schema_migrations, a plugin's in
  // plugin_schema_migrations under its name: both under the same lock and rules.
  const bool forPlugin = !plugin.empty();
  const std::string createLedger =
      forPlugin ? "CREATE TABLE IF NOT EXISTS plugin_schema_migrations (plugin TEXT NOT NULL, "
                  "version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, "
                  "PRIMARY KEY (plugin, version))"
                : "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                  "name TEXT NOT NULL, applied_at TEXT NOT NULL)";
  int previous = 0;
  for (const Migration& m : list) {
    if (m.version <= previous) {
      return Status::error("STORAGE_MIGRATION_INVALID",
                           "migration versions must be positive and strictly increasing; " +
                               std::to_string(m.version) + " (" + m.name + ") follows " +
                               std::to_string(previous));
    }
    previous = m.version;
  }

  const bool postgres = url_.backend == Backend::kPostgres;
  auto lock = [&](Poco::Data::Session& s) {
    // Held until the transaction ends: concurrent daemons queue here instead of racing on DDL.
    if (postgres)
      s << "SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) + ")", now;
  };

  try {
    Poco::Data::Session s = session();
    inTransaction(s, url_.backend, [&](Poco::Data::Session& tx) {
      lock(tx);
      tx << createLedger, now;
    });
  } catch (const std::exception& e) {
    return errorStatus(e, "cannot create schema_migrations on " + describe());
  }

  int applied = 0;
  for (const Migration& m : list) {
    const std::string label = (forPlugin ? "plugin " + plugin + " " : std::string()) +
                              "migration " + std::to_string(m.version) + " (" + m.name + ")";
    auto rendered = renderMigrationSql(m.sql, url_.backend);
    if (!rendered) {
      return Status::error(rendered.status().code(), label + ": " + rendered.status().message());
    }
    const std::vector<std::string> statements = splitStatements(rendered.value());
    bool skipped = false;
    try {
      Poco::Data::Session s = session();
      inTransaction(s, url_.backend, [&](Poco::Data::Session& tx) {
        lock(tx);
        int version = m.version;
        int count = 0;
        std::string owner = plugin;
        if (forPlugin) {
          tx << sql(
              "SELECT COUNT(*) FROM plugin_schema_migrations WHERE plugin = ? AND version = ?"),
              into(count), use(owner), use(version), now;
        } else {
          tx << sql("SELECT COUNT(*) FROM schema_migrations WHERE version = ?"), into(count),
              use(version), now;
        }
        if (count > 0) {
          skipped = true;
          return;
        }
        for (const std::string& statement : statements) tx << statement, now;
        std::string name = m.name;
        std::string at = formatIso8601(clock_ ? clock_->now() : std::chrono::system_clock::now());
        if (forPlugin) {
          tx << sql(
              "INSERT INTO plugin_schema_migrations (plugin, version, name, applied_at) "
              "VALUES (?, ?, ?, ?)"),
              use(owner), use(version), use(name), use(at), now;
        } else {
          tx << sql("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
              use(version), use(name), use(at), now;
        }
      });
    } catch (const std::exception& e) {
      Status cause = errorStatus(e, label + " failed and was rolled back");
      return Status::error(
          cause.code() == "STORAGE_UNAVAILABLE" ? cause.code() : "STORAGE_MIGRATION_FAILED",
          cause.message());
    }
    if (!skipped) {
      ++applied;
      logger("storage").information("applied " + label + " on " + describe());
    }
  }
  if (applied == 0) logger("storage").debug("schema up to date on " + describe());
  return Status::ok();
}

}  // namespace berichtd::storage
