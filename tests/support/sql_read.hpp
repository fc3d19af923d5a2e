// Reading a test's database back: the rows one statement answers, or the one number it counts,
// in a read transaction of the Database under test. A failed read fails the current test; the
// count is then -1. Used where a store test checks what is (or is no longer) in its tables.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::testing {

inline std::vector<std::vector<SqlValue>> queryRows(storage::Database& db, const std::string& sql,
                                                    std::initializer_list<SqlValue> params = {}) {
  std::vector<std::vector<SqlValue>> rows;
  EXPECT_TRUE(
      db.read([&](Poco::Data::Session& s) { rows = storage::runSql(db, s, sql, params).rows; }));
  return rows;
}

inline int64_t queryCount(storage::Database& db, const std::string& sql,
                          std::initializer_list<SqlValue> params = {}) {
  const auto rows = queryRows(db, sql, params);
  return rows.empty() || rows[0].empty() ? -1 : rows[0][0].intOr(-1);
}

}  // namespace berichtd::testing
