// StatusBoard (SPEC S1, S2; issue 6 items 1-3): component states from probes, the request
// window, incidents and maintenance; /status.json in the Statuspage shape; the Dutch HTML page
// escaping what operators typed. On SQLite (the store's SQL is tested on both backends in
// status_store_test).
#include "status/status_board.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <set>

#include "test_database.hpp"

namespace berichtd::status {
namespace {

TimePoint at(const std::string& iso) { return *parseIso8601(iso); }

// SPEC S1's four components as the daemon configures them by default (status.components).
std::vector<ComponentDefinition> fourComponents() {
  return {
      {"login", "Inloggen", {"auth"}, {}},
      {"berichten", "Berichten", {"delivery"}, {}},
      {"betalingen", "Betalingen", {}, {"billing"}},
      {"website", "Website", {}, {}},
  };
}

class StatusBoardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(storage::Backend::kSqlite,
                                                                "berichtd_board_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    auto db = storage::Database::open(testDb_->config(2));
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate());
    std::vector<std::string> ids;
    for (const auto& c : fourComponents()) ids.push_back(c.id);
    store_ = std::make_unique<StatusStore>(*db_, clock_, ids);
    BoardProbes probes;
    probes.databaseUp = [this] { return dbUp_; };
    probes.serviceLive = [this](const std::string& s) { return down_.count(s) == 0; };
    board_ = std::make_unique<StatusBoard>(fourComponents(), *store_, window_, probes, clock_);
  }
  PageModel model() {
    auto m = board_->build(Thresholds{}, "ZilliZ berichtenapp", "https://b.example.nl/status");
    EXPECT_TRUE(m) << m.status().toString();
    return m ? *m : PageModel{};
  }
  std::string state(const PageModel& m, const std::string& id) {
    for (const auto& c : m.components)
      if (c.id == id) return std::string(toString(c.status));
    return "?";
  }
  Poco::JSON::Object::Ptr json(const PageModel& m) {
    return Poco::JSON::Parser().parse(statusJson(m)).extract<Poco::JSON::Object::Ptr>();
  }

  ManualClock clock_{at("2026-02-20T10:00:00+01:00")};
  bool dbUp_ = true;
  std::set<std::string> down_;
  RequestWindow window_;
  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<StatusStore> store_;
  std::unique_ptr<StatusBoard> board_;
};

TEST_F(StatusBoardTest, AllWellIsOperationalInTheStatuspageShape) {
  auto m = model();
  auto j = json(m);
  EXPECT_EQ(j->getObject("status")->getValue<std::string>("indicator"), "none");
  EXPECT_EQ(j->getObject("page")->getValue<std::string>("time_zone"), "Europe/Amsterdam");
  auto components = j->getArray("components");
  ASSERT_EQ(components->size(), 4u);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < components->size(); ++i) {
    auto c = components->getObject(static_cast<unsigned>(i));
    ids.push_back(c->getValue<std::string>("id"));
    EXPECT_EQ(c->getValue<std::string>("status"), "operational");
    for (const char* f : {"name", "position", "created_at", "updated_at", "page_id", "group",
                          "only_show_if_degraded", "showcase"})
      EXPECT_TRUE(c->has(f)) << f;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"login", "berichten", "betalingen", "website"}));
  EXPECT_EQ(j->getArray("incidents")->size(), 0u);
  EXPECT_EQ(j->getArray("scheduled_maintenances")->size(), 0u);
}

TEST_F(StatusBoardTest, ChecksDecideTheStates) {
  down_ = {"auth"};
  auto m = model();
  EXPECT_EQ(state(m, "login"), "major_outage");
  EXPECT_EQ(state(m, "berichten"), "operational");
  EXPECT_EQ(json(m)->getObject("status")->getValue<std::string>("indicator"), "critical");
  down_ = {"billing"};  // the provider plugin: payments partly out, login fine
  m = model();
  EXPECT_EQ(state(m, "betalingen"), "partial_outage");
  EXPECT_EQ(state(m, "login"), "operational");
  down_.clear();
  dbUp_ = false;
  m = model();
  for (const char* c : {"login", "berichten", "betalingen", "website"})
    EXPECT_EQ(state(m, c), "major_outage") << c;
  dbUp_ = true;
  for (int i = 0; i < 40; ++i)
    window_.record("delivery", i % 4 != 0, std::chrono::milliseconds(20));
  m = model();
  EXPECT_EQ(state(m, "berichten"), "partial_outage");  // 25 % errors
  EXPECT_EQ(json(m)->getObject("status")->getValue<std::string>("indicator"), "major");
}

TEST_F(StatusBoardTest, AnIncidentOverridesAndShowsWithItsUpdates) {
  auto id = store_->openIncident("Berichten <komen> later aan", {{"berichten", "partial_outage"}},
                                 "We onderzoeken het & houden je op de hoogte.");
  ASSERT_TRUE(id);
  auto m = model();
  EXPECT_EQ(state(m, "berichten"), "partial_outage");
  auto j = json(m);
  auto incidents = j->getArray("incidents");
  ASSERT_EQ(incidents->size(), 1u);
  auto inc = incidents->getObject(0);
  EXPECT_EQ(inc->getValue<std::string>("status"), "investigating");
  EXPECT_EQ(inc->getValue<std::string>("impact"), "major");
  EXPECT_EQ(inc->getArray("incident_updates")->size(), 1u);
  EXPECT_EQ(inc->getArray("components")->getObject(0)->getValue<std::string>("id"), "berichten");
  const std::string html = statusHtml(m);
  EXPECT_NE(html.find("Berichten &lt;komen&gt; later aan"), std::string::npos);
  EXPECT_NE(html.find("We onderzoeken het &amp; houden"), std::string::npos);
  EXPECT_EQ(html.find("<komen>"), std::string::npos);
  EXPECT_NE(html.find("id=\"component-berichten\" data-status=\"partial_outage\""),
            std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("name=\"viewport\""), std::string::npos);
  // Resolved: the override ends and the incident moves to the history.
  ASSERT_TRUE(store_->resolveIncident(*id, "Opgelost."));
  m = model();
  EXPECT_EQ(state(m, "berichten"), "operational");
  j = json(m);
  EXPECT_EQ(j->getArray("incidents")->size(), 0u);
  EXPECT_EQ(j->getObject("history")->getArray("incidents")->size(), 1u);
  EXPECT_NE(statusHtml(m).find("Er zijn op dit moment geen storingen."), std::string::npos);
}

TEST_F(StatusBoardTest, AnIncidentOfAComponentNoLongerConfiguredStaysInTheListButSetsNothing) {
  // status.components changed between restarts: the incident names `betalingen`, which the
  // new list lacks. It is still shown (with the components it names that still exist), and
  // nothing fails.
  auto id = store_->openIncident(
      "Betalen lukt niet", {{"betalingen", "major_outage"}, {"login", "degraded_performance"}}, "");
  ASSERT_TRUE(id) << id.status().toString();
  StatusBoard fewer({{"login", "Inloggen", {"auth"}, {}}, {"website", "Website", {}, {}}}, *store_,
                    window_, BoardProbes{}, clock_);
  auto m = fewer.build(Thresholds{}, "p", "u");
  ASSERT_TRUE(m) << m.status().toString();
  ASSERT_EQ(m->components.size(), 2u);
  EXPECT_EQ(state(*m, "login"), "degraded_performance");
  EXPECT_EQ(state(*m, "betalingen"), "?");
  auto incidents = json(*m)->getArray("incidents");
  ASSERT_EQ(incidents->size(), 1u);
  auto named = incidents->getObject(0)->getArray("components");
  ASSERT_EQ(named->size(), 1u);
  EXPECT_EQ(named->getObject(0)->getValue<std::string>("id"), "login");
}

TEST_F(StatusBoardTest, MaintenanceIsScheduledThenInProgressThenHistory) {
  ASSERT_TRUE(store_->addMaintenance("Migratie", "2026-02-21T00:00:00+01:00",
                                     "2026-02-22T00:00:00+01:00", {"login", "berichten"},
                                     "Tijdelijk niet beschikbaar."));
  auto m = model();
  auto j = json(m);
  ASSERT_EQ(j->getArray("scheduled_maintenances")->size(), 1u);
  EXPECT_EQ(j->getArray("scheduled_maintenances")->getObject(0)->getValue<std::string>("status"),
            "scheduled");
  EXPECT_EQ(state(m, "login"), "operational");
  EXPECT_NE(statusHtml(m).find("21-02-2026 00:00"), std::string::npos);  // Amsterdam time
  clock_.set(at("2026-02-21T12:00:00+01:00"));
  m = model();
  EXPECT_EQ(state(m, "login"), "under_maintenance");
  EXPECT_EQ(state(m, "website"), "operational");
  j = json(m);
  EXPECT_EQ(j->getObject("status")->getValue<std::string>("indicator"), "maintenance");
  EXPECT_EQ(j->getArray("scheduled_maintenances")->getObject(0)->getValue<std::string>("status"),
            "in_progress");
  clock_.set(at("2026-02-23T12:00:00+01:00"));
  j = json(model());
  EXPECT_EQ(j->getArray("scheduled_maintenances")->size(), 0u);
  EXPECT_EQ(j->getObject("history")->getArray("maintenances")->size(), 1u);
}

}  // namespace
}  // namespace berichtd::status
