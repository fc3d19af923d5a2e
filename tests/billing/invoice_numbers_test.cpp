// Invoice numbers (SPEC B8) on both backends: per year from 1, a rolled-back invoice gives its
// number back, and concurrent invoices — some rolled back — end up numbered 1..N without a gap
// or a duplicate.
#include "billing/invoice_numbers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "storage/database.hpp"
#include "storage/sql_run.hpp"
#include "test_database.hpp"

namespace berichtd::billing {
namespace {

using storage::Backend;

class InvoiceNumbersTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_invno_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    auto db = storage::Database::open(testDb_->config(8));
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate());
    // Stands in for the invoices table: the number is stored in the same transaction.
    ASSERT_TRUE(db_->transact([&](Poco::Data::Session& s) {
      (void)storage::runSql(*db_, s, "CREATE TABLE issued (number TEXT PRIMARY KEY)");
    }));
  }
  void TearDown() override {
    db_.reset();
    testDb_.reset();
  }
  // One invoice: a number and its row in one transaction; `rollBack` gives up after both.
  Status issue(int year, bool rollBack, std::string* number = nullptr) {
    return db_->transact([&](Poco::Data::Session& tx) {
      const std::string n = formatInvoiceNumber(year, nextInvoiceSequence(*db_, tx, year));
      (void)storage::runSql(*db_, tx, "INSERT INTO issued (number) VALUES (?)", {n});
      if (number != nullptr) *number = n;
      if (rollBack) throw std::runtime_error("invoice abandoned");
    });
  }
  std::vector<std::string> issued() {
    std::vector<std::string> out;
    EXPECT_TRUE(db_->read([&](Poco::Data::Session& s) {
      for (const auto& row :
           storage::runSql(*db_, s, "SELECT number FROM issued ORDER BY number").rows)
        out.push_back(row[0].textOr(""));
    }));
    return out;
  }

  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<storage::Database> db_;
};

TEST(InvoiceNumberFormat, YearAndSixDigits) {
  EXPECT_EQ(formatInvoiceNumber(2026, 1), "2026-000001");
  EXPECT_EQ(formatInvoiceNumber(2026, 42), "2026-000042");
  EXPECT_EQ(formatInvoiceNumber(2027, 1234567), "2027-1234567");
}

TEST_P(InvoiceNumbersTest, PerYearFromOneAndARollbackGivesTheNumberBack) {
  std::string n;
  ASSERT_TRUE(issue(2026, false, &n));
  EXPECT_EQ(n, "2026-000001");
  ASSERT_TRUE(issue(2026, false, &n));
  EXPECT_EQ(n, "2026-000002");
  EXPECT_FALSE(issue(2026, true, &n));  // 2026-000003 drawn, then rolled back
  ASSERT_TRUE(issue(2026, false, &n));
  EXPECT_EQ(n, "2026-000003");  // no gap
  ASSERT_TRUE(issue(2027, false, &n));
  EXPECT_EQ(n, "2027-000001");  // a new year starts at 1
  EXPECT_EQ(issued(),
            (std::vector<std::string>{"2026-000001", "2026-000002", "2026-000003", "2027-000001"}));
}

TEST_P(InvoiceNumbersTest, ConcurrentInvoicesWithRollbacksLeaveNoGap) {
  constexpr int kThreads = 8, kEach = 40;
  std::atomic<int> committed{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const bool rollBack = (t * kEach + i) % 5 == 0;
        Status s = issue(2026, rollBack);
        if (s.isOk() == rollBack) ++wrong;
        if (s.isOk()) ++committed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  std::vector<std::string> expected;
  for (int i = 1; i <= committed.load(); ++i) expected.push_back(formatInvoiceNumber(2026, i));
  EXPECT_EQ(issued(), expected);  // exactly 1..N: sorted text order equals number order here
  EXPECT_EQ(committed.load(), kThreads * kEach - kThreads * kEach / 5);
}

INSTANTIATE_TEST_SUITE_P(Backends, InvoiceNumbersTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::billing
