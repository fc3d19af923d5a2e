// Database::transact() under concurrency, on both backends (on SQLite through the GroupWriter's
// group commit): work that fails rolls back alone, work that succeeds commits whatever its
// neighbours in the group did, a transact() inside a work nests, and every caller's answer
// matches what the database holds afterwards.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.hpp"
#include "test_database.hpp"

namespace berichtd::storage {
namespace {

using namespace Poco::Data::Keywords;

class GroupCommitTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_group_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    auto db = Database::open(testDb_->config(8));
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->transact([](Poco::Data::Session& s) {
      s << "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)", now;
    }));
  }
  void TearDown() override {
    db_.reset();
    testDb_.reset();
  }
  std::vector<int> keys() {
    std::vector<int> out;
    EXPECT_TRUE(db_->read(
        [&](Poco::Data::Session& s) { s << "SELECT k FROM t ORDER BY k", into(out), now; }));
    return out;
  }
  Status insert(Poco::Data::Session& s, int k, const std::string& v) {
    int key = k;
    std::string value = v;
    s << db_->sql("INSERT INTO t (k, v) VALUES (?, ?)"), use(key), use(value), now;
    return Status::ok();
  }

  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<Database> db_;
};

TEST_P(GroupCommitTest, ConcurrentWorkCommitsOrRollsBackEachOnItsOwn) {
  // 8 threads x 100 transactions; every 7th throws after its insert, every 11th breaks a
  // UNIQUE constraint with its second insert. Each caller's answer must match the table.
  constexpr int kThreads = 8, kEach = 100;
  std::vector<std::vector<int>> okKeys(kThreads);
  std::atomic<int> wrongAnswers{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const int k = t * kEach + i + 1;
        const bool throws = k % 7 == 0, duplicate = k % 11 == 0;
        Status s = db_->transact([&](Poco::Data::Session& tx) {
          (void)insert(tx, k, "v" + std::to_string(k));
          if (throws) throw std::runtime_error("work " + std::to_string(k) + " gives up");
          if (duplicate) (void)insert(tx, -k, "v" + std::to_string(k));  // same v: UNIQUE
        });
        const bool shouldFail = throws || duplicate;
        if (s.isOk() == shouldFail) ++wrongAnswers;
        if (throws && s.message().find("gives up") == std::string::npos) ++wrongAnswers;
        if (s.isOk()) okKeys[t].push_back(k);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrongAnswers.load(), 0);
  std::vector<int> expected;
  for (int k = 1; k <= kThreads * kEach; ++k) {
    if (k % 7 != 0 && k % 11 != 0) expected.push_back(k);
  }
  EXPECT_EQ(keys(), expected);  // no negative key: a failed work left nothing behind
  if (auto stats = db_->groupCommitStats()) {
    // 8 writers at once: works shared transactions (savepoints really were neighbours).
    EXPECT_EQ(stats->works, 1u + kThreads * kEach);  // + the CREATE TABLE
    EXPECT_LT(stats->transactions, stats->works);
  }
}

TEST_P(GroupCommitTest, TransactInsideAWorkNests) {
  Status outer = db_->transact([&](Poco::Data::Session& tx) {
    (void)insert(tx, 1, "outer");
    Status inner = db_->transact([&](Poco::Data::Session& in) { (void)insert(in, 2, "inner"); });
    EXPECT_TRUE(inner) << inner.toString();
    Status failing = db_->transact([&](Poco::Data::Session& in) {
      (void)insert(in, 3, "rolled back");
      throw std::runtime_error("inner gives up");
    });
    EXPECT_FALSE(failing);
  });
  // SQLite: one transaction, the failed inner work undone by its savepoint. PostgreSQL: the
  // inner transact() runs on its own connection. Either way no deadlock and the same rows.
  ASSERT_TRUE(outer) << outer.toString();
  EXPECT_EQ(keys(), (std::vector<int>{1, 2}));
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupCommitTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::storage
