// runSql on both backends: every parameter and cell type, RETURNING, changed-row counts, errors
// as Poco would raise them (so transact() reports STORAGE_ERROR), and on SQLite the writer
// thread's prepared-statement cache (reused, not re-prepared).
#include "storage/sql_run.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.hpp"
#include "test_database.hpp"

namespace berichtd::storage {
namespace {

class SqlRunTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_sqlrun_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    auto db = Database::open(testDb_->config());
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    const bool pg = GetParam() == Backend::kPostgres;
    ASSERT_TRUE(db_->transact([&](Poco::Data::Session& s) {
      (void)runSql(*db_, s,
                   std::string("CREATE TABLE t (id ") + (pg ? "BIGSERIAL" : "INTEGER") +
                       " PRIMARY KEY, n BIGINT, txt TEXT UNIQUE, raw " + (pg ? "BYTEA" : "BLOB") +
                       ")");
    }));
  }
  void TearDown() override {
    db_.reset();
    testDb_.reset();
  }
  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<Database> db_;
};

TEST_P(SqlRunTest, EveryTypeGoesInAndComesBack) {
  const std::string bytes("\x00\x01\xfe\xff z", 6);
  int64_t id = 0;
  Status written = db_->transact([&](Poco::Data::Session& s) {
    auto r = runSql(*db_, s, "INSERT INTO t (n, txt, raw) VALUES (?, ?, ?) RETURNING id",
                    {int64_t{1} << 40, "zorg €", SqlValue::blob(bytes)});
    ASSERT_TRUE(r.hasColumns);
    ASSERT_EQ(r.rows.size(), 1u);
    id = r.rows[0][0].intOr(0);
    auto plain = runSql(*db_, s, "INSERT INTO t (n, txt, raw) VALUES (?, ?, ?)",
                        {SqlValue(), std::nullopt, SqlValue()});
    EXPECT_FALSE(plain.hasColumns);
    EXPECT_EQ(plain.changed, 1);
  });
  ASSERT_TRUE(written) << written.toString();
  EXPECT_GT(id, 0);
  ASSERT_TRUE(db_->read([&](Poco::Data::Session& s) {
    auto r = runSql(*db_, s, "SELECT n, txt, raw FROM t ORDER BY id");
    ASSERT_EQ(r.rows.size(), 2u);
    EXPECT_EQ(r.rows[0][0].asInt(), int64_t{1} << 40);
    EXPECT_EQ(r.rows[0][1].asText(), "zorg €");
    EXPECT_EQ(r.rows[0][2].asText(), bytes);
    EXPECT_EQ(r.rows[0][2].view().type, BERICHTD_SQL_BLOB);
    for (const auto& cell : r.rows[1]) EXPECT_TRUE(cell.isNull());
    auto none = runSql(*db_, s, "SELECT id FROM t WHERE txt = ?", {"missing"});
    EXPECT_TRUE(none.hasColumns);
    EXPECT_TRUE(none.rows.empty());
  }));
  ASSERT_TRUE(db_->transact([&](Poco::Data::Session& s) {
    EXPECT_EQ(runSql(*db_, s, "UPDATE t SET n = 7").changed, 2);
    EXPECT_EQ(runSql(*db_, s, "DELETE FROM t WHERE n = ?", {8}).changed, 0);
  }));
}

TEST_P(SqlRunTest, ErrorsBecomeStorageErrorsAndRollBack) {
  Status dup = db_->transact([&](Poco::Data::Session& s) {
    (void)runSql(*db_, s, "INSERT INTO t (txt) VALUES (?)", {"een"});
    (void)runSql(*db_, s, "INSERT INTO t (txt) VALUES (?)", {"een"});  // UNIQUE
  });
  EXPECT_EQ(dup.code(), "STORAGE_ERROR");
  Status count = db_->transact([&](Poco::Data::Session& s) {
    (void)runSql(*db_, s, "INSERT INTO t (txt) VALUES (?)", {"twee", "teveel"});
  });
  EXPECT_EQ(count.code(), "STORAGE_ERROR");
  Status syntax = db_->transact([&](Poco::Data::Session& s) { (void)runSql(*db_, s, "SELEC 1"); });
  EXPECT_EQ(syntax.code(), "STORAGE_ERROR");
  ASSERT_TRUE(db_->read([&](Poco::Data::Session& s) {
    EXPECT_TRUE(runSql(*db_, s, "SELECT id FROM t").rows.empty());  // all rolled back
  }));
}

TEST_P(SqlRunTest, TheSqliteWriterReusesPreparedStatements) {
  if (GetParam() != Backend::kSqlite) GTEST_SKIP() << "PostgreSQL has no writer thread";
  std::size_t first = 0, later = 0;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(db_->transact([&](Poco::Data::Session& s) {
      SqliteStatementCache* cache = SqliteStatementCache::active();
      ASSERT_NE(cache, nullptr);  // work on the writer thread has the cache
      (void)runSql(*db_, s, "INSERT INTO t (n) VALUES (?)", {i});
      (void)runSql(*db_, s, "SELECT COUNT(*) FROM t");
      // The first group prepares its RELEASE and COMMIT after the work: compare from the second.
      (i == 1 ? first : later) = cache->size();
    }));
  }
  EXPECT_GE(first, 2u);
  EXPECT_EQ(later, first);                             // the same statements, none prepared again
  EXPECT_EQ(SqliteStatementCache::active(), nullptr);  // not on this thread
  ASSERT_TRUE(db_->read([&](Poco::Data::Session& s) {
    EXPECT_EQ(runSql(*db_, s, "SELECT COUNT(*) FROM t").rows[0][0].asInt(), 5);
  }));
}

TEST_P(SqlRunTest, SqliteReadsReuseKeptReaderConnections) {
  if (GetParam() != Backend::kSqlite) GTEST_SKIP() << "PostgreSQL reads use the plain pool";
  ASSERT_TRUE(db_->transact([&](Poco::Data::Session& s) {
    for (int i = 0; i < 3; ++i) (void)runSql(*db_, s, "INSERT INTO t (n) VALUES (?)", {i});
  }));
  SqliteStatementCache* firstCache = nullptr;
  std::size_t firstSize = 0;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(db_->read([&](Poco::Data::Session& s) {
      SqliteStatementCache* cache = SqliteStatementCache::active();
      ASSERT_NE(cache, nullptr);
      EXPECT_EQ(runSql(*db_, s, "SELECT COUNT(*) FROM t WHERE n >= ?", {0}).rows[0][0].asInt(), 3);
      if (i == 0) firstCache = cache;
      EXPECT_EQ(cache, firstCache);  // one thread reading in turn: the same kept reader
      // From the second read on (the first one's COMMIT was prepared after its work), nothing
      // is prepared again: BEGIN, the SELECT, COMMIT.
      if (i == 1) firstSize = cache->size();
      if (i > 1) {
        EXPECT_EQ(cache->size(), firstSize);
      }
    }));
  }
  EXPECT_EQ(SqliteStatementCache::active(), nullptr);
  // More readers at once than are kept: the rest read on plain pooled sessions, all correct.
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        Status r = db_->read([&](Poco::Data::Session& s) {
          if (runSql(*db_, s, "SELECT COUNT(*) FROM t").rows[0][0].asInt() != 3) ++wrong;
        });
        if (!r) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlRunTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::storage
