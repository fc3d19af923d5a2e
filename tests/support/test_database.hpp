// TestDatabase: a fresh, empty database for one test on the chosen backend, removed after it.
// SQLite: a file under a new temporary folder (the file's own folder is left for
// Database::open() to create). PostgreSQL: a uniquely named database on the cluster named by
// $BERICHTD_TEST_PG_URL (scripts/pg-test-cluster.sh), dropped afterwards. Without that variable
// the PostgreSQL case is skipped — or failed when BERICHTD_REQUIRE_PG=1, as the project's test
// command sets it. Use in SetUp() with BERICHTD_PREPARE_TEST_DATABASE(db).
#pragma once

#include <gtest/gtest.h>

#include <berichtd/status.hpp>
#include <filesystem>
#include <functional>
#include <string>

#include "storage/database.hpp"

namespace berichtd::testing {

class TestDatabase {
 public:
  enum class Outcome { kReady, kSkip, kFail };

  // prefix names the PostgreSQL database and the temporary folder; sqliteFile is the file's
  // path below the temporary folder.
  TestDatabase(storage::Backend backend, const std::string& prefix,
               const std::string& sqliteFile = "berichtd.db");
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Outcome outcome() const { return outcome_; }
  const std::string& why() const { return why_; }  // for kSkip and kFail
  const std::string& url() const { return url_; }
  const std::filesystem::path& dir() const { return dir_; }  // SQLite only
  // A StorageConfig for url() with the given pool size.
  config::StorageConfig config(int poolMax = 4) const;
  // Runs work on the cluster's maintenance database, outside any transaction.
  Status admin(const std::function<void(Poco::Data::Session&)>& work) const;

 private:
  Outcome outcome_ = Outcome::kReady;
  std::string why_;
  std::string url_;
  std::string baseUrl_;
  std::string dbName_;
  std::filesystem::path dir_;
};

// Replaces the database name in a postgresql:// URL, keeping any query.
std::string withDatabase(const std::string& url, const std::string& db);

// The name of a backend-parameterised test case: ".../sqlite", ".../postgresql".
inline std::string backendParamName(const ::testing::TestParamInfo<storage::Backend>& info) {
  return storage::backendName(info.param);
}

}  // namespace berichtd::testing

namespace berichtd::storage {
// How GoogleTest prints a Backend parameter.
inline void PrintTo(Backend backend, std::ostream* os) { *os << backendName(backend); }
}  // namespace berichtd::storage

// Skips or fails the current test when its database could not be prepared.
#define BERICHTD_PREPARE_TEST_DATABASE(db)                                     \
  do {                                                                         \
    if ((db).outcome() == ::berichtd::testing::TestDatabase::Outcome::kFail) { \
      FAIL() << (db).why();                                                    \
    }                                                                          \
    if ((db).outcome() == ::berichtd::testing::TestDatabase::Outcome::kSkip) { \
      GTEST_SKIP() << (db).why();                                              \
    }                                                                          \
  } while (false)
