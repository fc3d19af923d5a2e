// AccountStore on both backends (docs/storage.md "Tests"): SQLite in a fresh temp directory,
// PostgreSQL in a fresh database on the cluster named by BERICHTD_TEST_PG_URL (skipped without
// it, failed when BERICHTD_REQUIRE_PG=1).
#include "accounts/account_store.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>

#include "core/tokens.hpp"
#include "storage/database.hpp"
#include "test_database.hpp"

namespace berichtd::accounts {
namespace {

using namespace Poco::Data::Keywords;
using storage::Backend;
using storage::Database;
namespace fs = std::filesystem;

class AccountStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_acc_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    const std::string url = testDb_->url();
    config::StorageConfig cfg;
    cfg.url = url;
    cfg.poolMin = 1;
    cfg.poolMax = 4;
    auto db = Database::open(cfg);
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    Status m = db_->migrate();
    ASSERT_TRUE(m) << m.toString();
    store_ = std::make_unique<AccountStore>(*db_, clock_);
  }

  void TearDown() override {
    store_.reset();
    db_.reset();
    testDb_.reset();
  }

  // Stands in for activation (AC3, the billing issue): every account becomes `active`.
  void activateAll() {
    Poco::Data::Session s = db_->session();
    s << "UPDATE accounts SET state = 'active'", now;
  }

  // Every cell of a table as text, rows joined: what a leak check greps.
  std::string dump(const std::string& table) {
    Poco::Data::Session s = db_->session();
    Poco::Data::Statement select(s);
    select << "SELECT * FROM " + table, now;
    Poco::Data::RecordSet rows(select);
    std::string all;
    for (bool more = rows.moveFirst(); more; more = rows.moveNext()) {
      for (std::size_t c = 0; c < rows.columnCount(); ++c) {
        if (!rows.value(c).isEmpty()) all += rows.value(c).convert<std::string>() + "|";
      }
      all += "\n";
    }
    return all;
  }

  int count(const std::string& table) {
    int n = -1;
    Poco::Data::Session s = db_->session();
    s << "SELECT COUNT(*) FROM " + table, into(n), now;
    return n;
  }

  ManualClock clock_{*parseIso8601("2026-02-16T08:00:00+01:00")};
  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<AccountStore> store_;
};

TEST_P(AccountStoreTest, CreateStoresAMigratedAccountAndFindsItByEmailAndAgb) {  // A1, A4
  auto made = store_->create("Praktijk@Example.NL", "12345678", "2019-05-31");
  ASSERT_TRUE(made) << made.status().toString();
  EXPECT_GT(made->accountId, 0);
  EXPECT_EQ(made->requestToken.size(), 43u);

  for (const std::string key :
       {"praktijk@example.nl", "PRAKTIJK@EXAMPLE.NL", "Praktijk@Example.NL", "12345678"}) {
    auto a = store_->findByEmailOrAgb(key);
    ASSERT_TRUE(a) << key << ": " << a.status().toString();
    EXPECT_EQ(a->id, made->accountId) << key;
    EXPECT_EQ(a->email, "Praktijk@Example.NL") << key;  // kept as given
    EXPECT_EQ(a->agbCode, "12345678");
    EXPECT_EQ(a->state, "migrated");  // A4
    EXPECT_EQ(a->createdAt, "2019-05-31");
    EXPECT_FALSE(a->closedAt);
    EXPECT_FALSE(a->paidThrough);
    EXPECT_FALSE(a->lastActivityAt);
  }
  // inserted_at comes from the injected clock, ISO 8601 UTC.
  std::string insertedAt;
  Poco::Data::Session s = db_->session();
  s << "SELECT inserted_at FROM accounts", into(insertedAt), now;
  EXPECT_EQ(insertedAt, "2026-02-16T07:00:00.000Z");

  auto second = store_->create("andere@example.nl", "87654321", "2020-01-31");
  ASSERT_TRUE(second) << second.status().toString();
  EXPECT_NE(second->accountId, made->accountId);
  EXPECT_NE(second->requestToken, made->requestToken);
  EXPECT_EQ(count("accounts"), 2);
  EXPECT_EQ(count("request_tokens"), 2);
}

TEST_P(AccountStoreTest, DuplicateEmailInAnotherCaseIsRefused) {  // A1
  ASSERT_TRUE(store_->create("praktijk@example.nl", "12345678", "2019-05-31"));
  activateAll();
  auto dup = store_->create("PRAKTIJK@Example.nl", "11111111", "2019-05-31");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.status().code(), "ACCOUNT_EXISTS");
  EXPECT_EQ(dup.status().message().find("praktijk"), std::string::npos);
  EXPECT_EQ(count("accounts"), 1);
  EXPECT_EQ(count("request_tokens"), 1);  // nothing half-written
}

TEST_P(AccountStoreTest, DuplicateAgbCodeIsRefused) {  // A1
  ASSERT_TRUE(store_->create("praktijk@example.nl", "12345678", "2019-05-31"));
  activateAll();
  auto dup = store_->create("ander@example.nl", "12345678", "2019-05-31");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.status().code(), "ACCOUNT_EXISTS");
  EXPECT_EQ(count("accounts"), 1);
  EXPECT_EQ(count("request_tokens"), 1);
}

TEST_P(AccountStoreTest, ADuplicateOfAMigratedAccountPointsToTheActivationMail) {  // A3
  ASSERT_TRUE(store_->create("praktijk@example.nl", "12345678", "2019-05-31"));
  for (auto [email, agb] :
       {std::pair{"Praktijk@Example.NL", "99999999"}, std::pair{"nieuw@example.nl", "12345678"}}) {
    auto dup = store_->create(email, agb, "2026-03-02");
    ASSERT_FALSE(dup) << email;
    EXPECT_EQ(dup.status().code(), "ACCOUNT_EXISTS_MIGRATED") << email;
    EXPECT_NE(dup.status().message().find("activation mail"), std::string::npos);
  }
  EXPECT_EQ(count("accounts"), 1);
}

TEST_P(AccountStoreTest, LookupsByIdAndRequestTokenAndActivity) {
  auto made = store_->create("praktijk@example.nl", "12345678", "2019-05-31");
  ASSERT_TRUE(made);
  auto byId = store_->findById(made->accountId);
  ASSERT_TRUE(byId) << byId.status().toString();
  EXPECT_EQ(byId->email, "praktijk@example.nl");
  auto byToken = store_->findByRequestToken(made->requestToken);
  ASSERT_TRUE(byToken) << byToken.status().toString();
  EXPECT_EQ(byToken->id, made->accountId);
  EXPECT_EQ(store_->findByRequestToken("not-a-token").status().code(), "NOT_FOUND");
  EXPECT_EQ(store_->findById(made->accountId + 1000).status().code(), "NOT_FOUND");
  EXPECT_FALSE(byId->lastActivityAt);
  ASSERT_TRUE(store_->recordActivity(made->accountId));  // R1
  auto after = store_->findById(made->accountId);
  ASSERT_TRUE(after);
  ASSERT_TRUE(after->lastActivityAt);
  EXPECT_EQ(*after->lastActivityAt, formatIso8601(clock_.now()));
}

TEST_P(AccountStoreTest, TheRequestTokenIsStoredOnlyAsItsHash) {  // AU5
  auto made = store_->create("praktijk@example.nl", "12345678", "2019-05-31");
  ASSERT_TRUE(made) << made.status().toString();
  const std::string tokens = dump("request_tokens");
  const std::string accounts = dump("accounts");
  EXPECT_EQ(tokens.find(made->requestToken), std::string::npos) << tokens;
  EXPECT_EQ(accounts.find(made->requestToken), std::string::npos) << accounts;
  EXPECT_NE(tokens.find(sha256Hex(made->requestToken)), std::string::npos) << tokens;
  std::string hash;
  Poco::Int64 accountId = 0;
  Poco::Data::Session s = db_->session();
  s << "SELECT account_id, token_hash FROM request_tokens", into(accountId), into(hash), now;
  EXPECT_EQ(accountId, made->accountId);
  EXPECT_EQ(hash, sha256Hex(made->requestToken));
}

TEST_P(AccountStoreTest, InvalidInputIsRefusedWithItsCode) {
  struct Row {
    std::string email, agb, created, code;
  };
  for (const Row& r : std::vector<Row>{
           {"geen-adres", "12345678", "2019-05-31", "EMAIL_INVALID"},
           {"praktijk@example.nl", "1234567", "2019-05-31", "AGB_CODE_INVALID"},
           {"praktijk@example.nl", "1234567X", "2019-05-31", "AGB_CODE_INVALID"},
           {"praktijk@example.nl", "12345678", "2019-02-29", "BAD_REQUEST"},
       }) {
    auto made = store_->create(r.email, r.agb, r.created);
    ASSERT_FALSE(made) << r.email << " " << r.agb << " " << r.created;
    EXPECT_EQ(made.status().code(), r.code);
  }
  EXPECT_EQ(count("accounts"), 0);
}

TEST_P(AccountStoreTest, TheIdentityChangesWhenFreeAndIsAudited) {  // A1 (A2 is the caller's)
  auto a = store_->create("praktijk@example.nl", "12345678", "2019-05-31");
  auto b = store_->create("andere@example.nl", "87654321", "2019-05-31");
  ASSERT_TRUE(a && b);
  auto changed = store_->changeIdentity(a->accountId, "Nieuw@Example.nl", std::nullopt);
  ASSERT_TRUE(changed) << changed.status().toString();
  EXPECT_EQ(changed->email, "Nieuw@Example.nl");
  EXPECT_EQ(changed->agbCode, "12345678");
  EXPECT_EQ(store_->findByEmailOrAgb("nieuw@example.nl")->id, a->accountId);
  EXPECT_EQ(store_->findByEmailOrAgb("praktijk@example.nl").status().code(), "NOT_FOUND");
  ASSERT_TRUE(store_->changeIdentity(a->accountId, std::nullopt, std::string("11111111")));
  EXPECT_EQ(store_->findByEmailOrAgb("11111111")->id, a->accountId);
  // Taken by the other account, in any letter case; invalid; unknown account.
  EXPECT_EQ(store_->changeIdentity(a->accountId, "ANDERE@example.nl", std::nullopt).status().code(),
            "ACCOUNT_EXISTS");
  EXPECT_EQ(
      store_->changeIdentity(a->accountId, std::nullopt, std::string("87654321")).status().code(),
      "ACCOUNT_EXISTS");
  EXPECT_EQ(store_->changeIdentity(a->accountId, "geen-adres", std::nullopt).status().code(),
            "EMAIL_INVALID");
  EXPECT_EQ(store_->changeIdentity(a->accountId, std::nullopt, std::string("123")).status().code(),
            "AGB_CODE_INVALID");
  EXPECT_EQ(store_->changeIdentity(999999, "x@example.nl", std::nullopt).status().code(),
            "NOT_FOUND");
  // The same identity again is no clash with itself.
  EXPECT_TRUE(store_->changeIdentity(a->accountId, "nieuw@example.nl", std::nullopt));
  // Audited without the addresses.
  const std::string audit = dump("audit_log");
  EXPECT_NE(audit.find("identity_changed"), std::string::npos) << audit;
  EXPECT_EQ(audit.find("example.nl"), std::string::npos) << audit;
  EXPECT_EQ(audit.find("11111111"), std::string::npos) << audit;
}

TEST_P(AccountStoreTest, FindUnknownIsNotFound) {
  ASSERT_TRUE(store_->create("praktijk@example.nl", "12345678", "2019-05-31"));
  for (const std::string key : {"ander@example.nl", "87654321", "", "1234567"}) {
    auto a = store_->findByEmailOrAgb(key);
    ASSERT_FALSE(a) << key;
    EXPECT_EQ(a.status().code(), "NOT_FOUND") << key;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::accounts
