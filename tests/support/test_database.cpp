#include "test_database.hpp"

#include <Poco/Exception.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>

namespace berichtd::testing {

namespace fs = std::filesystem;
using namespace Poco::Data::Keywords;

namespace {

std::string envOr(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

std::string uniqueSuffix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(rd() % 1000000);
}

}  // namespace

std::string withDatabase(const std::string& url, const std::string& db) {
  const auto authStart = url.find("://") + 3;
  const auto slash = url.find('/', authStart);
  const auto query = url.find('?', authStart);
  const std::string base = url.substr(0, slash == std::string::npos ? query : slash);
  const std::string tail = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + db + tail;
}

TestDatabase::TestDatabase(storage::Backend backend, const std::string& prefix,
                           const std::string& sqliteFile) {
  if (backend == storage::Backend::kSqlite) {
    dir_ = fs::temp_directory_path() / (prefix + uniqueSuffix());
    url_ = "sqlite://" + (dir_ / sqliteFile).string();
    return;
  }
  baseUrl_ = envOr("BERICHTD_TEST_PG_URL");
  if (baseUrl_.empty()) {
    outcome_ = envOr("BERICHTD_REQUIRE_PG") == "1" ? Outcome::kFail : Outcome::kSkip;
    why_ =
        "BERICHTD_TEST_PG_URL is not set; start a cluster with: "
        "export BERICHTD_TEST_PG_URL=$(scripts/pg-test-cluster.sh start DIR)";
    return;
  }
  dbName_ = prefix + uniqueSuffix();
  Status s =
      admin([&](Poco::Data::Session& session) { session << "CREATE DATABASE " + dbName_, now; });
  if (!s.isOk()) {
    outcome_ = Outcome::kFail;
    why_ = "cannot create the test database: " + s.toString();
    dbName_.clear();
    return;
  }
  url_ = withDatabase(baseUrl_, dbName_);
}

TestDatabase::~TestDatabase() {
  if (!dbName_.empty()) {
    (void)admin([&](Poco::Data::Session& session) {
      session << "DROP DATABASE IF EXISTS " + dbName_ + " WITH (FORCE)", now;
    });
  }
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

config::StorageConfig TestDatabase::config(int poolMax) const {
  config::StorageConfig c;
  c.url = url_;
  c.poolMin = 1;
  c.poolMax = poolMax;
  return c;
}

Status TestDatabase::admin(const std::function<void(Poco::Data::Session&)>& work) const {
  config::StorageConfig cfg;
  cfg.url = baseUrl_;
  cfg.poolMin = 0;
  cfg.poolMax = 1;
  auto db = storage::Database::open(cfg);
  if (!db) return db.status();
  try {
    Poco::Data::Session s = (*db)->session();
    work(s);
    return Status::ok();
  } catch (const Poco::Exception& e) {
    return Status::error("ADMIN", e.displayText());
  }
}

}  // namespace berichtd::testing
