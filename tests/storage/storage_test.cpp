// Storage tests, each run on both backends (docs/storage.md "Tests").
//
// SQLite: a fresh temp directory per test. PostgreSQL: a fresh database per test, created on
// the cluster named by BERICHTD_TEST_PG_URL and dropped afterwards.
#include <Poco/Data/LOB.h>
#include <Poco/Data/Session.h>
#include <Poco/Nullable.h>
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/storage_url.hpp"
#include "test_database.hpp"

namespace berichtd::storage {

namespace {

using namespace Poco::Data::Keywords;
namespace fs = std::filesystem;

class StorageTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    // A nested, not yet existing folder for SQLite: open() must create it.
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_t_",
                                                                "state/berichtd.db");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    url_ = testDb_->url();
    dir_ = testDb_->dir();
  }

  void TearDown() override {
    db_.reset();
    testDb_.reset();
  }

  config::StorageConfig cfg(int poolMax = 4) const {
    config::StorageConfig c;
    c.url = url_;
    c.poolMin = 1;
    c.poolMax = poolMax;
    c.busyTimeoutMs = 4321;
    return c;
  }

  Database& openDb(int poolMax = 4, const Clock* clock = nullptr) {
    auto db = Database::open(cfg(poolMax), clock);
    EXPECT_TRUE(db) << db.status().toString();
    if (!db) throw std::runtime_error("open failed");
    db_ = std::move(db).value();
    return *db_;
  }

  int countRows(Database& db, const std::string& table) {
    int n = -1;
    Poco::Data::Session s = db.session();
    s << "SELECT COUNT(*) FROM " + table, into(n), now;
    return n;
  }

  bool tableExists(Database& db, const std::string& table) {
    int n = 0;
    Poco::Data::Session s = db.session();
    std::string name = table;
    if (db.backend() == Backend::kSqlite) {
      s << db.sql("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"), into(n),
          use(name), now;
    } else {
      s << db.sql(
          "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
          "current_schema() AND table_name = ?"),
          into(n), use(name), now;
    }
    return n > 0;
  }

  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::string url_;
  fs::path dir_;
  std::unique_ptr<Database> db_;
};

// --- URL parsing ------------------------------------------------------------------------

TEST_P(StorageTest, UrlParsingTable) {
  if (GetParam() == Backend::kSqlite) {
    struct Good {
      std::string url;
      std::string path;
    };
    for (const Good& g : std::vector<Good>{
             {"sqlite://state/berichtd.db", "state/berichtd.db"},
             {"sqlite://berichtd.db", "berichtd.db"},
             {"sqlite:///var/lib/berichtd/berichtd.db", "/var/lib/berichtd/berichtd.db"},
             {"sqlite://:memory:", ":memory:"},
         }) {
      auto u = StorageUrl::parse(g.url);
      ASSERT_TRUE(u) << g.url << ": " << u.status().toString();
      EXPECT_EQ(u->backend, Backend::kSqlite) << g.url;
      EXPECT_EQ(u->sqlitePath, g.path) << g.url;
      EXPECT_EQ(u->masked, g.url) << g.url;
    }
    for (const std::string bad :
         {"", "sqlite://", "sqlite:///", "sqlite://state/", "sqlite://x.db?mode=ro",
          "state/berichtd.db", "mysql://u@h/db", "sqlite:// x.db"}) {
      auto u = StorageUrl::parse(bad);
      ASSERT_FALSE(u) << "'" << bad << "' should be rejected";
      EXPECT_EQ(u.status().code(), "STORAGE_URL_INVALID") << bad;
    }
    // :memory: works through the pool: one connection, so every session sees the same data.
    config::StorageConfig c;
    c.url = "sqlite://:memory:";
    c.poolMax = 8;
    auto mem = Database::open(c);
    ASSERT_TRUE(mem) << mem.status().toString();
    ASSERT_TRUE((*mem)->migrate());
    EXPECT_EQ((*mem)->schemaVersion(), migrations().back().version);
    EXPECT_EQ((*mem)->describe(), "sqlite://:memory:");
    EXPECT_EQ((*mem)->backendName(), "sqlite");
    return;
  }

  struct Good {
    std::string url;
    std::string conn;
    std::string masked;
  };
  const std::string tail = " connect_timeout=10 application_name=berichtd";
  for (const Good& g : std::vector<Good>{
           {"postgresql://postgres@127.0.0.1:5432/berichtd",
            "user=postgres host=127.0.0.1 port=5432 dbname=berichtd" + tail,
            "postgresql://postgres@127.0.0.1:5432/berichtd"},
           {"postgres://app:s3cr%40t@db.example:6432/main?sslmode=require&connect_timeout=3",
            "user=app password=s3cr@t host=db.example port=6432 dbname=main sslmode=require "
            "connect_timeout=3 application_name=berichtd",
            "postgres://app:***@db.example:6432/main?sslmode=require&connect_timeout=3"},
           {"postgresql://u:it's\\x@[::1]/d",
            "user=u password='it\\'s\\\\x' host=::1 dbname=d" + tail, "postgresql://u:***@[::1]/d"},
           {"postgresql://%2Fvar%2Frun%2Fpostgresql/berichtd",
            "host=/var/run/postgresql dbname=berichtd" + tail,
            "postgresql://%2Fvar%2Frun%2Fpostgresql/berichtd"},
           {"postgresql://u@h/d?password=hunter2", "user=u host=h dbname=d password=hunter2" + tail,
            "postgresql://u@h/d?password=***"},
       }) {
    auto u = StorageUrl::parse(g.url);
    ASSERT_TRUE(u) << g.url << ": " << u.status().toString();
    EXPECT_EQ(u->backend, Backend::kPostgres) << g.url;
    EXPECT_EQ(u->pgConnectionString, g.conn) << g.url;
    EXPECT_EQ(u->masked, g.masked) << g.url;
  }

  struct Bad {
    std::string url;
    std::string mention;  // part of the expected message
  };
  for (const Bad& b : std::vector<Bad>{
           {"postgresql://u:topsecret@h:0/d", "1..65535"},
           {"postgresql://u:topsecret@h:99999/d", "1..65535"},
           {"postgresql://u:topsecret@h:54x/d", "1..65535"},
           {"postgresql://u:topsecret@h:/d", "empty port"},
           {"postgresql://u:top%zzsecret@h/d", "percent-encoding"},
           {"postgresql://u:topsecret@h/d?options=-c%20x=1", "whitespace"},
           {"postgresql://u:topsecret@h/d?user=x", "twice"},
           {"postgresql://:topsecret@h/d", "empty user"},
           {"postgresql://u:topsecret@h/a/b", "'/'"},
           {"postgresql://u:topsecret@h/d?Bad=1", "parameter name"},
           {"postgresql://u:topsecret@[::1/d", "'['"},
           {"postgresql://u@h/d?password=topsecret&x", "key=value"},
       }) {
    auto u = StorageUrl::parse(b.url);
    ASSERT_FALSE(u) << b.url << " should be rejected";
    EXPECT_EQ(u.status().code(), "STORAGE_URL_INVALID") << b.url;
    EXPECT_NE(u.status().message().find(b.mention), std::string::npos)
        << b.url << " -> " << u.status().message();
    EXPECT_EQ(u.status().message().find("topsecret"), std::string::npos)
        << "password leaked: " << u.status().message();
  }

  // describe() is what reaches the logs.
  config::StorageConfig c;
  c.url = "postgresql://berichtd:Sup3rS3cret@127.0.0.1:5432/berichtd";
  auto db = Database::open(c);
  ASSERT_TRUE(db) << db.status().toString();
  EXPECT_EQ((*db)->describe(), "postgresql://berichtd:***@127.0.0.1:5432/berichtd");
  EXPECT_EQ((*db)->backendName(), "postgresql");
}

TEST_P(StorageTest, OpenRejectsBadPoolSizes) {
  config::StorageConfig c = cfg();
  c.poolMin = 5;
  c.poolMax = 2;
  auto db = Database::open(c);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.status().code(), "STORAGE_CONFIG_INVALID");
}

// --- one SQL text -------------------------------------------------------------------------

TEST_P(StorageTest, PlaceholderTranslationTable) {
  Database& db = openDb();
  struct Row {
    std::string in;
    std::string postgres;
  };
  for (const Row& r : std::vector<Row>{
           {"SELECT 1", "SELECT 1"},
           {"SELECT * FROM t WHERE a = ?", "SELECT * FROM t WHERE a = $1"},
           {"INSERT INTO t (a, b, c) VALUES (?, ?,?)",
            "INSERT INTO t (a, b, c) VALUES ($1, $2,$3)"},
           {"SELECT '?' , ? FROM t", "SELECT '?' , $1 FROM t"},
           {"SELECT 'it''s ?', ? WHERE x = 'a?b'", "SELECT 'it''s ?', $1 WHERE x = 'a?b'"},
           {"SELECT \"odd?col\" FROM t WHERE a = ?", "SELECT \"odd?col\" FROM t WHERE a = $1"},
           {"SELECT ? -- what?\n, ?", "SELECT $1 -- what?\n, $2"},
           {"SELECT /* ? */ ?", "SELECT /* ? */ $1"},
           {"SELECT 'unterminated ?", "SELECT 'unterminated ?"},
           {"", ""},
       }) {
    const std::string expected = db.backend() == Backend::kPostgres ? r.postgres : r.in;
    EXPECT_EQ(db.sql(r.in), expected) << r.in;
  }
  // The translated text runs: quoted '?' stays data, the real placeholders bind.
  int a = 40;
  int b = 2;
  std::string q;
  int sum = 0;
  Poco::Data::Session s = db.session();
  // PostgreSQL infers parameter types from context; bare "? + ?" would be ambiguous there.
  s << db.sql("SELECT 'why?', CAST(? AS INTEGER) + CAST(? AS INTEGER)"), into(q), into(sum), use(a),
      use(b), now;
  EXPECT_EQ(q, "why?");
  EXPECT_EQ(sum, 42);
}

// --- migrations ---------------------------------------------------------------------------

TEST_P(StorageTest, MigrationSqlRendering) {
  const Backend b = GetParam();
  auto r = renderMigrationSql("CREATE TABLE t (id {{ID}}, n {{BIGINT}}, b {{BLOB}})", b);
  ASSERT_TRUE(r) << r.status().toString();
  EXPECT_EQ(r.value(),
            b == Backend::kSqlite
                ? "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER, b BLOB)"
                : "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, n BIGINT, b BYTEA)");
  auto bad = renderMigrationSql("CREATE TABLE t (x {{UUID}})", b);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.status().code(), "STORAGE_MIGRATION_INVALID");
  EXPECT_NE(bad.status().message().find("{{UUID}}"), std::string::npos);

  EXPECT_EQ(
      splitStatements("CREATE TABLE a (x TEXT DEFAULT ';');\n -- a; comment\nCREATE INDEX i "
                      "ON a (x);;  "),
      (std::vector<std::string>{"CREATE TABLE a (x TEXT DEFAULT ';')", "CREATE INDEX i ON a (x)"}));
}

TEST_P(StorageTest, MigrateFromEmptyAppliesAll) {
  Database& db = openDb();
  EXPECT_EQ(db.schemaVersion(), 0);
  Status s = db.migrate();
  ASSERT_TRUE(s) << s.toString();
  EXPECT_EQ(db.schemaVersion(), migrations().back().version);
  EXPECT_EQ(countRows(db, "schema_migrations"), static_cast<int>(migrations().size()));
  EXPECT_TRUE(tableExists(db, "audit_log"));
  EXPECT_TRUE(tableExists(db, "outbox"));

  std::vector<int> versions;
  std::vector<std::string> names;
  Poco::Data::Session session = db.session();
  session << "SELECT version, name FROM schema_migrations ORDER BY version", into(versions),
      into(names), now;
  ASSERT_EQ(versions.size(), migrations().size());
  for (std::size_t i = 0; i < versions.size(); ++i) {
    EXPECT_EQ(versions[i], migrations()[i].version);
    EXPECT_EQ(names[i], migrations()[i].name);
  }
}

TEST_P(StorageTest, MigrateTwiceIsNoOp) {
  ManualClock clock(*parseIso8601("2026-03-01T00:00:00Z"));
  Database& db = openDb(4, &clock);
  ASSERT_TRUE(db.migrate());
  clock.advance(std::chrono::hours(24));
  Status again = db.migrate();
  ASSERT_TRUE(again) << again.toString();
  EXPECT_EQ(countRows(db, "schema_migrations"), static_cast<int>(migrations().size()));
  std::vector<std::string> at;
  Poco::Data::Session s = db.session();
  s << "SELECT applied_at FROM schema_migrations", into(at), now;
  for (const std::string& a : at) EXPECT_EQ(a, "2026-03-01T00:00:00.000Z");
}

TEST_P(StorageTest, FailingMigrationRollsBackAndNamesTheVersion) {
  Database& db = openDb();
  const std::vector<Migration> list = {
      {1, "first", "CREATE TABLE first_t (x INTEGER)"},
      {2, "broken", "CREATE TABLE partial_t (x INTEGER);\nINSERT INTO no_such_table VALUES (1)"},
      {3, "never", "CREATE TABLE never_t (x INTEGER)"},
  };
  Status s = db.migrate(list);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code(), "STORAGE_MIGRATION_FAILED");
  EXPECT_NE(s.message().find("migration 2 (broken)"), std::string::npos) << s.message();
  EXPECT_EQ(db.schemaVersion(), 1);
  EXPECT_TRUE(tableExists(db, "first_t"));
  EXPECT_FALSE(tableExists(db, "partial_t")) << "the failed migration left a partial table";
  EXPECT_FALSE(tableExists(db, "never_t"));

  // Fixed, the same list continues where it stopped.
  std::vector<Migration> fixed = list;
  fixed[1].sql = "CREATE TABLE partial_t (x INTEGER)";
  Status ok = db.migrate(fixed);
  ASSERT_TRUE(ok) << ok.toString();
  EXPECT_EQ(db.schemaVersion(), 3);
}

TEST_P(StorageTest, InvalidMigrationListsAreRefused) {
  Database& db = openDb();
  Status order =
      db.migrate({{2, "b", "CREATE TABLE b (x INTEGER)"}, {1, "a", "CREATE TABLE a (x INTEGER)"}});
  EXPECT_EQ(order.code(), "STORAGE_MIGRATION_INVALID");
  Status token = db.migrate({{1, "a", "CREATE TABLE a (x {{NOPE}})"}});
  EXPECT_EQ(token.code(), "STORAGE_MIGRATION_INVALID");
  EXPECT_NE(token.message().find("migration 1 (a)"), std::string::npos) << token.message();
  EXPECT_EQ(db.schemaVersion(), 0);
}

// --- data round trip ----------------------------------------------------------------------

TEST_P(StorageTest, RoundTripTextInt64AndBlobWithNulBytes) {
  Database& db = openDb();
  ASSERT_TRUE(db.migrate());
  auto ddl = renderMigrationSql("CREATE TABLE rt (k TEXT PRIMARY KEY, n {{BIGINT}}, b {{BLOB}})",
                                db.backend());
  ASSERT_TRUE(ddl);
  ASSERT_TRUE(db.transact([&](Poco::Data::Session& s) { s << ddl.value(), now; }));

  const std::vector<std::int64_t> numbers = {0, -1, 9007199254740993LL,
                                             std::numeric_limits<std::int64_t>::max(),
                                             std::numeric_limits<std::int64_t>::min()};
  const std::string bytes("\x00\x01\xff\x00'\\x?\xc3\xa9\x00", 11);
  Status w = db.transact([&](Poco::Data::Session& s) {
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      std::string key = "k" + std::to_string(i) + " 'quoted' ? é";
      std::int64_t n = numbers[i];
      Poco::Data::BLOB blob(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size() - i);
      s << db.sql("INSERT INTO rt (k, n, b) VALUES (?, ?, ?)"), use(key), use(n), use(blob), now;
    }
  });
  ASSERT_TRUE(w) << w.toString();

  for (std::size_t i = 0; i < numbers.size(); ++i) {
    std::string key = "k" + std::to_string(i) + " 'quoted' ? é";
    std::string gotKey;
    std::int64_t gotN = 42;
    Poco::Data::BLOB gotB;
    Poco::Data::Session s = db.session();
    s << db.sql("SELECT k, n, b FROM rt WHERE k = ?"), into(gotKey), into(gotN), into(gotB),
        use(key), now;
    EXPECT_EQ(gotKey, key);
    EXPECT_EQ(gotN, numbers[i]);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(gotB.rawContent()), gotB.size()),
              bytes.substr(0, bytes.size() - i))
        << "row " << i;
  }

  // The outbox as later issues use it: generated int64 id, blob body, NULL last_error.
  Status o = db.transact([&](Poco::Data::Session& s) {
    std::string service = "delivery", action = "send", key = "idem-1", headers = "{}",
                state = "pending", next = "2026-03-01T00:00:00.000Z", created = next;
    int attempts = 0;
    Poco::Data::BLOB body(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    s << db.sql(
        "INSERT INTO outbox (service, action, idempotency_key, headers, body, state, "
        "attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        use(service), use(action), use(key), use(headers), use(body), use(state), use(attempts),
        use(next), use(created), now;
  });
  ASSERT_TRUE(o) << o.toString();
  std::int64_t id = 0;
  Poco::Data::BLOB body;
  Poco::Nullable<std::string> lastError;
  Poco::Data::Session s = db.session();
  s << db.sql("SELECT id, body, last_error FROM outbox WHERE idempotency_key = ?"), into(id),
      into(body), into(lastError), bind(std::string("idem-1")), now;
  EXPECT_GE(id, 1);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(body.rawContent()), body.size()), bytes);
  EXPECT_TRUE(lastError.isNull());
}

TEST_P(StorageTest, OutboxIdempotencyKeyIsUnique) {
  Database& db = openDb();
  ASSERT_TRUE(db.migrate());
  auto insert = [&] {
    return db.transact([&](Poco::Data::Session& s) {
      s << db.sql(
          "INSERT INTO outbox (service, action, idempotency_key, next_attempt_at, "
          "created_at) VALUES ('billing', 'charge', ?, 'x', 'x')"),
          bind(std::string("same-key")), now;
    });
  };
  ASSERT_TRUE(insert());
  Status second = insert();
  EXPECT_EQ(second.code(), "STORAGE_ERROR");
  EXPECT_EQ(countRows(db, "outbox"), 1);
}

TEST_P(StorageTest, ReadSeesCommittedRowsWithoutWaitingForAWriter) {
  Database& db = openDb();
  ASSERT_TRUE(db.migrate());
  ASSERT_TRUE(db.transact([&](Poco::Data::Session& tx) {
    tx << "INSERT INTO audit_log (at, actor, action, outcome) VALUES ('t1', 'a', 'b', 'c')", now;
  }));
  // A writer holds its transaction (SQLite: the write lock) open until the reader is done.
  std::promise<void> writing, readDone;
  std::thread writer([&] {
    (void)db.transact([&](Poco::Data::Session& tx) {
      tx << "INSERT INTO audit_log (at, actor, action, outcome) VALUES ('t2', 'a', 'b', 'c')", now;
      writing.set_value();
      // Bounded: if read() waited for the write lock the reader fails below, not the suite.
      (void)readDone.get_future().wait_for(std::chrono::seconds(10));
    });
  });
  writing.get_future().wait();
  int seen = -1;
  const auto t0 = std::chrono::steady_clock::now();
  Status r = db.read([&](Poco::Data::Session& s) {
    s << "SELECT COUNT(*) FROM audit_log", into(seen), now;
  });
  const auto waited = std::chrono::steady_clock::now() - t0;
  readDone.set_value();
  writer.join();
  ASSERT_TRUE(r) << r.toString();
  EXPECT_EQ(seen, 1);  // the committed row, not the open transaction's
  EXPECT_LT(waited, std::chrono::seconds(5)) << "read() waited for the writer";
  EXPECT_EQ(countRows(db, "audit_log"), 2);
}

TEST_P(StorageTest, TransactRollsBackWhenWorkThrows) {
  Database& db = openDb();
  ASSERT_TRUE(db.migrate());
  Status s = db.transact([&](Poco::Data::Session& tx) {
    tx << db.sql("INSERT INTO audit_log (at, actor, action, outcome) VALUES (?, 'a', 'b', 'c')"),
        bind(std::string("2026-01-01T00:00:00.000Z")), now;
    throw std::runtime_error("changed my mind");
  });
  EXPECT_EQ(s.code(), "STORAGE_ERROR");
  EXPECT_NE(s.message().find("changed my mind"), std::string::npos);
  EXPECT_EQ(countRows(db, "audit_log"), 0);
}

TEST_P(StorageTest, SessionReturnedMidTransactionIsRolledBack) {
  Database& db = openDb(1);
  ASSERT_TRUE(db.migrate());
  {
    Poco::Data::Session s = db.session();
    s.begin();
    s << "INSERT INTO audit_log (at, actor, action, outcome) VALUES ('t', 'a', 'b', 'c')", now;
  }  // back to the pool without commit
  EXPECT_EQ(countRows(db, "audit_log"), 0);
}

// --- per-connection settings --------------------------------------------------------------

TEST_P(StorageTest, ConnectionSettingsOnEveryPooledSession) {
  constexpr int kPool = 4;
  Database& db = openDb(kPool);
  // Held together, the sessions are kPool distinct connections.
  std::vector<Poco::Data::Session> held;
  for (int i = 0; i < kPool; ++i) held.push_back(db.session());
  auto check = [&](Poco::Data::Session& s, int i) {
    if (db.backend() == Backend::kSqlite) {
      std::string mode;
      int fk = -1;
      int timeout = -1;
      s << "PRAGMA journal_mode", into(mode), now;
      s << "PRAGMA foreign_keys", into(fk), now;
      s << "PRAGMA busy_timeout", into(timeout), now;
      EXPECT_EQ(mode, "wal") << "session " << i;
      EXPECT_EQ(fk, 1) << "session " << i;
      EXPECT_EQ(timeout, 4321) << "session " << i;
      int synchronous = -1;
      s << "PRAGMA synchronous", into(synchronous), now;
      EXPECT_EQ(synchronous, 1) << "session " << i << ": synchronous should be NORMAL";
    } else {
      std::string tz;
      std::string app;
      s << "SHOW TimeZone", into(tz), now;
      s << "SHOW application_name", into(app), now;
      EXPECT_EQ(tz, "UTC") << "session " << i;
      EXPECT_EQ(app, "berichtd") << "session " << i;
      std::string notices;
      std::string bytea;
      s << "SHOW client_min_messages", into(notices), now;
      s << "SHOW bytea_output", into(bytea), now;
      EXPECT_EQ(notices, "warning") << "session " << i;
      EXPECT_EQ(bytea, "hex") << "session " << i;
    }
  };
  for (int i = 0; i < kPool; ++i) check(held[i], i);

  // A borrower that switches foreign keys off does not leak that to the next one.
  if (db.backend() == Backend::kSqlite) {
    for (auto& s : held) s << "PRAGMA foreign_keys = OFF", now;
  }
  held.clear();
  for (int i = 0; i < kPool; ++i) held.push_back(db.session());
  for (int i = 0; i < kPool; ++i) check(held[i], i);
  held.clear();

  // Foreign keys are enforced, not just reported.
  ASSERT_TRUE(db.transact([&](Poco::Data::Session& s) {
    s << "CREATE TABLE parent_t (id INTEGER PRIMARY KEY)", now;
    s << "CREATE TABLE child_t (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES "
         "parent_t (id))",
        now;
  }));
  Status orphan = db.transact(
      [&](Poco::Data::Session& s) { s << "INSERT INTO child_t (id, parent) VALUES (1, 99)", now; });
  EXPECT_EQ(orphan.code(), "STORAGE_ERROR");
}

// --- availability -------------------------------------------------------------------------

TEST_P(StorageTest, PingReportsUnavailableWithoutThePassword) {
  Database& db = openDb();
  Status up = db.ping();
  EXPECT_TRUE(up) << up.toString();

  config::StorageConfig c = cfg();
  if (GetParam() == Backend::kPostgres) {
    // A bound but not listening socket: connecting to its port is refused for sure.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    c.url = "postgresql://berichtd:Pa55w0rdXyz@127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) +
            "/berichtd?connect_timeout=2";
    auto down = Database::open(c);
    ASSERT_TRUE(down) << down.status().toString();
    Status ping = (*down)->ping();
    ::close(fd);
    ASSERT_FALSE(ping);
    EXPECT_EQ(ping.code(), "STORAGE_UNAVAILABLE");
    EXPECT_EQ(ping.message().find("Pa55w0rdXyz"), std::string::npos) << ping.message();
    EXPECT_NE(ping.message().find("127.0.0.1"), std::string::npos) << ping.message();
    Status migrate = (*down)->migrate();
    EXPECT_EQ(migrate.code(), "STORAGE_UNAVAILABLE");
    EXPECT_EQ(migrate.message().find("Pa55w0rdXyz"), std::string::npos) << migrate.message();
    EXPECT_EQ((*down)->schemaVersion(), -1);
  } else {
    // A database below a regular file cannot be created.
    const fs::path file = dir_ / "plain-file";
    std::ofstream(file) << "x";
    c.url = "sqlite://" + (file / "sub" / "berichtd.db").string();
    auto down = Database::open(c);
    ASSERT_FALSE(down);
    EXPECT_EQ(down.status().code(), "STORAGE_UNAVAILABLE");
  }
}

// --- concurrency --------------------------------------------------------------------------

TEST_P(StorageTest, ConcurrentSessionsFromSeveralThreads) {
  constexpr int kThreads = 8;  // more threads than pooled sessions: some wait for one
  constexpr int kPerThread = 25;
  Database& db = openDb(4);
  ASSERT_TRUE(db.migrate());
  std::atomic<int> failures{0};
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Status s = db.transact([&](Poco::Data::Session& tx) {
          std::string actor = "thread-" + std::to_string(t);
          std::string at = "2026-03-01T00:00:00.000Z";
          tx << db.sql(
              "INSERT INTO audit_log (at, actor, action, outcome) VALUES (?, ?, 'write', 'ok')"),
              use(at), use(actor), now;
          int mine = 0;
          tx << db.sql("SELECT COUNT(*) FROM audit_log WHERE actor = ?"), into(mine), use(actor),
              now;
          if (mine != i + 1) throw std::runtime_error("lost a write: " + std::to_string(mine));
        });
        if (!s) {
          ++failures;
          errors[t] = s.toString();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (const auto& e : errors) EXPECT_EQ(e, "");
  EXPECT_EQ(countRows(db, "audit_log"), kThreads * kPerThread);
}

TEST_P(StorageTest, ConcurrentMigrationsApplyEachVersionOnce) {
  // Several daemons starting at once against one database (one Database each).
  constexpr int kDaemons = 4;
  std::vector<std::unique_ptr<Database>> dbs;
  for (int i = 0; i < kDaemons; ++i) {
    auto db = Database::open(cfg(2));
    ASSERT_TRUE(db) << db.status().toString();
    dbs.push_back(std::move(db).value());
  }
  std::vector<Status> results(kDaemons);
  std::vector<std::thread> threads;
  for (int i = 0; i < kDaemons; ++i) {
    threads.emplace_back([&, i] { results[i] = dbs[i]->migrate(); });
  }
  for (auto& th : threads) th.join();
  for (const Status& s : results) EXPECT_TRUE(s) << s.toString();
  EXPECT_EQ(countRows(*dbs[0], "schema_migrations"), static_cast<int>(migrations().size()));
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::storage
