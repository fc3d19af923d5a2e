// The SDK's plugin storage (ABI 1.1) end to end on both backends: PluginStorage (the header-only
// plugin side) → the host API → runSqlBatch / migratePluginSchema (the daemon side) → SQLite or
// PostgreSQL. Types round-trip, a batch is one transaction, requireRows is a compare-and-set,
// plugin schema steps apply once per plugin name.
#include "plugin/plugin_storage.hpp"

#include <gtest/gtest.h>

#include <berichtd/storage.hpp>

#include "storage/database.hpp"
#include "test_database.hpp"

namespace berichtd::plugin {
namespace {

using storage::Backend;

class PluginStorageTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_pstore_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    auto db = storage::Database::open(testDb_->config());
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate());
    api_.struct_size = sizeof(api_);
    api_.host = this;
    api_.sql_batch = [](void* host, const berichtd_sql_statement* st, size_t n,
                        const berichtd_sql_sink* sink) {
      runSqlBatch(*static_cast<PluginStorageTest*>(host)->db_, st, n, sink);
    };
    api_.sql_migrate = [](void* host, const berichtd_bytes* steps, size_t n,
                          void (*fn)(void*, const berichtd_status*), void* ctx) {
      auto* self = static_cast<PluginStorageTest*>(host);
      Status s = migratePluginSchema(*self->db_, self->pluginName_, steps, n);
      berichtd_status st{sizeof(berichtd_status),
                         s.isOk() ? 1 : 0,
                         toBytes(s.code()),
                         toBytes(s.message()),
                         {nullptr, nullptr}};
      fn(ctx, &st);
    };
  }
  void TearDown() override {
    db_.reset();
    testDb_.reset();
  }

  PluginStorage storage() { return PluginStorage(&api_); }

  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<storage::Database> db_;
  berichtd_host_api api_{};
  std::string pluginName_ = "test-plugin";
};

const std::vector<std::string> kSteps = {
    "CREATE TABLE t_items (id {{ID}}, name TEXT NOT NULL UNIQUE, n {{BIGINT}}, data {{BLOB}}, note "
    "TEXT)",
    "ALTER TABLE t_items ADD COLUMN extra TEXT",
};

TEST_P(PluginStorageTest, MigrationsApplyOncePerPluginAndRenderTheDialect) {
  auto s = storage();
  ASSERT_TRUE(s.available());
  Status first = s.migrate(kSteps);
  ASSERT_TRUE(first) << first.toString();
  EXPECT_TRUE(s.migrate(kSteps));  // second run: nothing to do, no "table exists" error
  auto versions =
      s.run("SELECT version FROM plugin_schema_migrations WHERE plugin = ? ORDER BY version",
            {std::string("test-plugin")});
  ASSERT_TRUE(versions) << versions.status().toString();
  ASSERT_EQ(versions->rows.size(), 2u);
  EXPECT_EQ(versions->rows[1][0].intOr(0), 2);

  // Another plugin's ledger is its own: its step 1 runs although test-plugin has a step 1.
  pluginName_ = "other-plugin";
  EXPECT_TRUE(s.migrate({"CREATE TABLE t_other (id {{ID}})"}));
  // A broken step fails with its code and leaves nothing half-applied.
  auto broken =
      s.migrate({"CREATE TABLE t_other (id {{ID}})", "CREATE TABLE t_broken (x NOSUCHTYPE("});
  EXPECT_EQ(broken.code(), "STORAGE_MIGRATION_FAILED") << broken.toString();
  auto unknownToken =
      s.migrate({"CREATE TABLE t_other (id {{ID}})", "CREATE TABLE t_x (y {{NOPE}})"});
  EXPECT_EQ(unknownToken.code(), "STORAGE_MIGRATION_INVALID") << unknownToken.toString();
}

TEST_P(PluginStorageTest, ValuesOfEveryTypeRoundTrip) {
  auto s = storage();
  ASSERT_TRUE(s.migrate(kSteps));
  const std::string blob("\0\x01\xff binary", 10);
  auto ins =
      s.run("INSERT INTO t_items (name, n, data, note) VALUES (?, ?, ?, ?)",
            {std::string("één"), int64_t{9007199254740993}, SqlValue::blob(blob), SqlValue()});
  ASSERT_TRUE(ins) << ins.status().toString();
  EXPECT_EQ(ins->count, 1);
  auto row = s.run(
      "SELECT name, n, data, note, COUNT(*) FROM t_items WHERE name = ? GROUP BY name, n, data, "
      "note",
      {std::string("één")});
  ASSERT_TRUE(row) << row.status().toString();
  ASSERT_EQ(row->rows.size(), 1u);
  const SqlRow& r = row->rows[0];
  EXPECT_EQ(r[0].textOr(""), "één");
  EXPECT_EQ(r[1].intOr(0), 9007199254740993);
  EXPECT_EQ(r[2].textOr(""), blob);
  EXPECT_TRUE(r[3].isNull());
  EXPECT_EQ(r[4].intOr(-1), 1);  // an expression column reads as an integer on both backends
}

TEST_P(PluginStorageTest, ABatchIsOneTransactionAndRequireRowsIsACompareAndSet) {
  auto s = storage();
  ASSERT_TRUE(s.migrate(kSteps));
  ASSERT_TRUE(s.run("INSERT INTO t_items (name, n) VALUES ('a', 1)"));

  // The second statement finds no row: the first one's insert is rolled back too.
  auto refused = s.batch(
      {{"INSERT INTO t_items (name, n) VALUES ('b', 2)", {}},
       {"UPDATE t_items SET n = 5 WHERE name = ? AND n = ?", {std::string("a"), 99}, true}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.status().code(), "CONFLICT");
  auto count = s.run("SELECT COUNT(*) FROM t_items");
  ASSERT_TRUE(count);
  EXPECT_EQ(count->rows[0][0].intOr(-1), 1);

  // The same with the right expected value commits both; results come per statement.
  auto done =
      s.batch({{"INSERT INTO t_items (name, n) VALUES ('b', 2)", {}},
               {"UPDATE t_items SET n = 5 WHERE name = ? AND n = ?", {std::string("a"), 1}, true},
               {"SELECT name, n FROM t_items ORDER BY name", {}}});
  ASSERT_TRUE(done) << done.status().toString();
  ASSERT_EQ(done->size(), 3u);
  EXPECT_EQ((*done)[1].count, 1);
  ASSERT_EQ((*done)[2].rows.size(), 2u);
  EXPECT_EQ((*done)[2].rows[0][1].intOr(0), 5);

  // A failing statement rolls back and reports STORAGE_ERROR without the parameter values.
  auto dup =
      s.batch({{"INSERT INTO t_items (name, n) VALUES ('c', 3)", {}},
               {"INSERT INTO t_items (name, n) VALUES (?, 4)", {std::string("secret-value-a")}},
               {"INSERT INTO t_items (name, n) VALUES (?, 4)", {std::string("secret-value-a")}}});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.status().code(), "STORAGE_ERROR");
  EXPECT_EQ(dup.status().message().find("secret-value-a"), std::string::npos)
      << dup.status().message();
  auto c = s.run("SELECT COUNT(*) FROM t_items WHERE name = 'c'");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->rows[0][0].intOr(-1), 0);
}

TEST_P(PluginStorageTest, InsertOnConflictAndReturningWorkOnBothBackends) {
  // The portable forms the auth plugin relies on (docs/plugin-sdk.md "Storage").
  auto s = storage();
  ASSERT_TRUE(s.migrate(kSteps));
  auto first = s.run("INSERT INTO t_items (name, n) VALUES ('x', 1) ON CONFLICT (name) DO NOTHING",
                     {}, true);
  ASSERT_TRUE(first) << first.status().toString();
  auto second = s.run("INSERT INTO t_items (name, n) VALUES ('x', 2) ON CONFLICT (name) DO NOTHING",
                      {}, true);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.status().code(), "CONFLICT");
  auto upsert = s.run(
      "INSERT INTO t_items (name, n) VALUES ('x', 7) ON CONFLICT (name) DO UPDATE SET n = "
      "excluded.n");
  ASSERT_TRUE(upsert) << upsert.status().toString();
  auto gone = s.run("DELETE FROM t_items WHERE name = ? RETURNING n", {std::string("x")});
  ASSERT_TRUE(gone) << gone.status().toString();
  ASSERT_EQ(gone->rows.size(), 1u);
  EXPECT_EQ(gone->rows[0][0].intOr(0), 7);
}

TEST(PluginStorageHostless, WithoutAHostDatabaseEveryCallIsUnavailable) {
  berichtd_host_api api{};
  api.struct_size = sizeof(api);
  PluginStorage s(&api);
  EXPECT_FALSE(s.available());
  EXPECT_EQ(s.run("SELECT 1").status().code(), "STORAGE_UNAVAILABLE");
  EXPECT_EQ(s.migrate({"CREATE TABLE x (y TEXT)"}).code(), "STORAGE_UNAVAILABLE");
}

INSTANTIATE_TEST_SUITE_P(Backends, PluginStorageTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::plugin
