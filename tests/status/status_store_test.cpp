// Incidents and maintenance windows (SPEC S1, S2; issue 6 item 2) on both backends: open,
// update, resolve; refusals with their codes; windows; the 90-day history and pruning.
#include "status/status_store.hpp"

#include <gtest/gtest.h>

#include "storage/sql_run.hpp"
#include "test_database.hpp"

namespace berichtd::status {
namespace {

using storage::Backend;

TimePoint at(const std::string& iso) { return *parseIso8601(iso); }

class StatusStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_status_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    auto db = storage::Database::open(testDb_->config(4));
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate());
    store_ = std::make_unique<StatusStore>(
        *db_, clock_, std::vector<std::string>{"login", "berichten", "betalingen", "website"});
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    testDb_.reset();
  }
  ManualClock clock_{at("2026-02-16T09:00:00+01:00")};
  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<StatusStore> store_;
};

TEST_P(StatusStoreTest, AnIncidentIsOpenedUpdatedAndResolvedWithItsHistory) {
  auto id = store_->openIncident("Inloggen lukt niet", {{"login", "major_outage"}},
                                 "We onderzoeken het.");
  ASSERT_TRUE(id) << id.status().toString();
  clock_.advance(std::chrono::minutes(10));
  ASSERT_TRUE(
      store_->updateIncident(*id, "identified", "Oorzaak gevonden.",
                             std::map<std::string, std::string>{{"login", "partial_outage"}}));
  auto list = store_->incidents();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].status, "identified");
  EXPECT_EQ((*list)[0].components.at("login"), "partial_outage");
  EXPECT_FALSE((*list)[0].resolvedAt);
  ASSERT_EQ((*list)[0].updates.size(), 2u);
  EXPECT_EQ((*list)[0].updates[0].status, "investigating");
  EXPECT_EQ((*list)[0].updates[1].body, "Oorzaak gevonden.");
  clock_.advance(std::chrono::minutes(10));
  ASSERT_TRUE(store_->resolveIncident(*id, "Opgelost."));
  list = store_->incidents();
  EXPECT_EQ((*list)[0].status, "resolved");
  EXPECT_EQ((*list)[0].resolvedAt, "2026-02-16T08:20:00.000Z");
  EXPECT_EQ((*list)[0].updates.size(), 3u);
  EXPECT_EQ(store_->updateIncident(*id, "monitoring", "x", std::nullopt).code(),
            "INCIDENT_RESOLVED");
  EXPECT_EQ(store_->updateIncident(999, "monitoring", "x", std::nullopt).code(), "NOT_FOUND");
}

TEST_P(StatusStoreTest, RefusalsNameWhatIsWrong) {
  EXPECT_EQ(store_->openIncident("x", {{"kassa", "major_outage"}}, "").status().code(),
            "STATUS_COMPONENT_UNKNOWN");
  EXPECT_EQ(store_->openIncident("x", {{"login", "down"}}, "").status().code(),
            "COMPONENT_STATUS_INVALID");
  EXPECT_EQ(store_->openIncident("x", {}, "").status().code(), "BAD_REQUEST");
  EXPECT_EQ(store_->openIncident("", {{"login", "major_outage"}}, "").status().code(),
            "BAD_REQUEST");
  auto id = store_->openIncident("x", {{"login", "major_outage"}}, "");
  ASSERT_TRUE(id);
  EXPECT_EQ(store_->updateIncident(*id, "fixed", "", std::nullopt).code(),
            "INCIDENT_STATUS_INVALID");
  EXPECT_EQ(
      store_->addMaintenance("m", "morgen", "2026-02-16T10:00:00Z", {"login"}, "").status().code(),
      "TIME_INVALID");
  EXPECT_EQ(
      store_->addMaintenance("m", "2026-02-16T10:00:00Z", "2026-02-16T10:00:00Z", {"login"}, "")
          .status()
          .code(),
      "MAINTENANCE_WINDOW_INVALID");
  EXPECT_EQ(
      store_->addMaintenance("m", "2026-02-16T10:00:00Z", "2026-02-16T11:00:00Z", {"kassa"}, "")
          .status()
          .code(),
      "STATUS_COMPONENT_UNKNOWN");
  EXPECT_EQ(store_->removeMaintenance(42).code(), "NOT_FOUND");
}

TEST_P(StatusStoreTest, MaintenanceWindowsAreListedByStartAndRemoved) {
  // The migration window of the seed (M3) and a later one.
  auto later = store_->addMaintenance("Onderhoud database", "2026-03-01T02:00:00+01:00",
                                      "2026-03-01T04:00:00+01:00", {"berichten"}, "Kort onderhoud");
  auto migration = store_->addMaintenance(
      "Migratie naar het nieuwe platform", "2026-02-13T00:00:00+01:00", "2026-02-16T00:00:00+01:00",
      {"login", "berichten", "betalingen", "website"}, "De app is tijdelijk niet beschikbaar.");
  ASSERT_TRUE(later && migration);
  auto list = store_->maintenances();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "Migratie naar het nieuwe platform");
  EXPECT_EQ((*list)[0].startsAt, "2026-02-12T23:00:00.000Z");
  EXPECT_EQ((*list)[0].components.size(), 4u);
  EXPECT_EQ((*list)[1].components, std::vector<std::string>{"berichten"});
  ASSERT_TRUE(store_->removeMaintenance(*later));
  EXPECT_EQ(store_->maintenances()->size(), 1u);
}

TEST_P(StatusStoreTest, TheConfiguredMigrationWindowIsOneRowThatFollowsTheConfiguration) {
  // M3: the daemon announces migration.cutoff .. migration.startup at every start; the same
  // name is the same row, moved when the configuration moves it, never a second one.
  const std::vector<std::string> all{"login", "berichten", "betalingen", "website"};
  auto first = store_->ensureMaintenance("Migratie", "2026-02-13T00:00:00+01:00",
                                         "2026-02-16T00:00:00+01:00", all, "Tijdelijk dicht.");
  ASSERT_TRUE(first) << first.status().toString();
  auto again = store_->ensureMaintenance("Migratie", "2026-02-13T00:00:00+01:00",
                                         "2026-02-16T00:00:00+01:00", all, "Tijdelijk dicht.");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *first);
  auto moved = store_->ensureMaintenance("Migratie", "2026-02-13T00:00:00+01:00",
                                         "2026-02-17T00:00:00+01:00", all, "Een dag langer.");
  ASSERT_TRUE(moved);
  EXPECT_EQ(*moved, *first);
  auto list = store_->maintenances();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].endsAt, "2026-02-16T23:00:00.000Z");
  EXPECT_EQ((*list)[0].body, "Een dag langer.");
  EXPECT_EQ((*list)[0].components, all);
  EXPECT_EQ(store_
                ->ensureMaintenance("Migratie", "2026-02-17T00:00:00+01:00",
                                    "2026-02-13T00:00:00+01:00", all, "")
                .status()
                .code(),
            "MAINTENANCE_WINDOW_INVALID");
  EXPECT_EQ(store_
                ->ensureMaintenance("Migratie", "2026-02-13T00:00:00+01:00",
                                    "2026-02-16T00:00:00+01:00", {"kassa"}, "")
                .status()
                .code(),
            "STATUS_COMPONENT_UNKNOWN");
}

TEST_P(StatusStoreTest, NinetyDaysOfHistoryThenPruned) {
  auto old = store_->openIncident("Oud", {{"website", "degraded_performance"}}, "");
  ASSERT_TRUE(old);
  ASSERT_TRUE(store_->resolveIncident(*old, "Opgelost."));
  auto open = store_->openIncident("Nog open", {{"login", "major_outage"}}, "");
  ASSERT_TRUE(open);
  ASSERT_TRUE(
      store_->addMaintenance("m", "2026-02-16T10:00:00Z", "2026-02-16T11:00:00Z", {"login"}, ""));
  clock_.advance(std::chrono::hours(24 * 89));
  EXPECT_EQ(store_->incidents()->size(), 2u);
  EXPECT_EQ(store_->maintenances()->size(), 1u);
  clock_.advance(std::chrono::hours(24 * 2));
  auto list = store_->incidents();
  ASSERT_EQ(list->size(), 1u);  // an open incident stays, however old
  EXPECT_EQ((*list)[0].name, "Nog open");
  EXPECT_EQ(store_->maintenances()->size(), 0u);
  ASSERT_TRUE(store_->prune());
  int64_t rows = -1;
  ASSERT_TRUE(db_->read([&](Poco::Data::Session& s) {
    rows = storage::runSql(*db_, s, "SELECT COUNT(*) FROM status_incident_updates")
               .rows.at(0)
               .at(0)
               .intOr(-1);
  }));
  EXPECT_EQ(rows, 1);  // the old incident's updates went with it
}

TEST_P(StatusStoreTest, ChangesAreQueuedForTheStatusServiceWhenPushing) {  // S3
  auto outbox = [&](const std::string& action) {
    std::vector<std::string> keys;
    EXPECT_TRUE(db_->read([&](Poco::Data::Session& s) {
      for (const auto& row :
           storage::runSql(*db_, s,
                           "SELECT idempotency_key FROM outbox WHERE service = 'status' AND "
                           "action = ? ORDER BY id",
                           {action})
               .rows)
        keys.push_back(row[0].textOr(""));
    }));
    return keys;
  };
  // Not pushing: nothing queued.
  ASSERT_TRUE(store_->openIncident("Stil", {{"website", "degraded_performance"}}, ""));
  EXPECT_EQ(*store_->pushComponentStates({{"login", "major_outage"}}), 0);
  EXPECT_TRUE(outbox("incident").empty());
  store_->enablePush();
  auto id = store_->openIncident("Inloggen lukt niet", {{"login", "major_outage"}}, "Kijken.");
  ASSERT_TRUE(id);
  ASSERT_TRUE(store_->updateIncident(*id, "identified", "Gevonden.", std::nullopt));
  ASSERT_TRUE(store_->resolveIncident(*id, "Opgelost."));
  const std::string n = std::to_string(*id);
  EXPECT_EQ(outbox("incident"),
            (std::vector<std::string>{"incident:" + n + ":1", "incident:" + n + ":2",
                                      "incident:" + n + ":3"}));
  // Components: queued once per change.
  EXPECT_EQ(*store_->pushComponentStates({{"login", "major_outage"}, {"website", "operational"}}),
            2);
  EXPECT_EQ(*store_->pushComponentStates({{"login", "major_outage"}, {"website", "operational"}}),
            0);
  clock_.advance(std::chrono::minutes(1));
  EXPECT_EQ(*store_->pushComponentStates({{"login", "operational"}, {"website", "operational"}}),
            1);
  EXPECT_EQ(outbox("component_status").size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StatusStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::status
