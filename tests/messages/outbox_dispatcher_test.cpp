// The outbox dispatcher (SPEC D3) on both backends with a scripted bus: delivered exactly once
// visible, retried with back-off on failure, dead-lettered after the limit, replayed by an
// operator; and the back-off rule as a table.
#include "messages/outbox_dispatcher.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "accounts/account_store.hpp"
#include "storage/outbox.hpp"
#include "storage/sql_run.hpp"
#include "test_database.hpp"

namespace berichtd::messages {
namespace {

using namespace Poco::Data::Keywords;
using std::chrono::milliseconds;
using storage::Backend;

TEST(RetryDelay, ExponentialCappedWithEqualJitterTable) {
  const RetryPolicy p{8, milliseconds(1000), milliseconds(60000)};
  struct Case {
    int failures;
    double jitter;
    int64_t ms;
  };
  const Case cases[] = {
      {1, 1.0, 1000},  {1, 0.0, 500},   {2, 1.0, 2000},  {3, 1.0, 4000},   {4, 0.5, 6000},
      {6, 1.0, 32000}, {7, 1.0, 60000}, {7, 0.0, 30000}, {50, 1.0, 60000}, {0, 1.0, 1000},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(retryDelay(c.failures, p, c.jitter).count(), c.ms) << c.failures << " @ " << c.jitter;
  }
}

class OutboxDispatcherTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_outbox_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    auto db = storage::Database::open(testDb_->config());
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate());
    accounts::AccountStore accounts(*db_, clock_);
    sender_ = accounts.create("a@example.nl", "11111111", "2019-05-31")->accountId;
    recipient_ = accounts.create("b@example.nl", "22222222", "2019-05-31")->accountId;
    keys_ = std::make_unique<DataKeys>(
        *db_, clock_, *crypto::SecretBox::fromKeyText("m1:" + std::string(64, '5')));
    store_ = std::make_unique<MessageStore>(*db_, clock_, *keys_, 24);
    dispatcher_ = std::make_unique<OutboxDispatcher>(
        *db_, clock_, *store_,
        [this](Message m, milliseconds) -> Result<Message> {
          std::lock_guard lock(mutex_);
          calls_.push_back(m);
          if (!script_.empty()) {
            Status s = script_.front();
            script_.pop_front();
            if (!s) return s;
          }
          return Message{};
        },
        RetryPolicy{3, milliseconds(1000), milliseconds(10000)}, milliseconds(1000));
  }
  void TearDown() override {
    dispatcher_.reset();
    store_.reset();
    keys_.reset();
    db_.reset();
    testDb_.reset();
  }

  int64_t send() {
    Submission s;
    s.senderId = sender_;
    s.senderAgb = "11111111";
    s.draft = MessageDraft{{"22222222"}, "Onderwerp", "Inhoud", "bericht", std::nullopt};
    s.recipients = {{recipient_, "22222222", "b@example.nl", RecipientAction::kDeliver}};
    s.requestHash = "h";
    return store_->submit(s)->messageId;
  }
  std::string jobState() {
    std::string st;
    EXPECT_TRUE(db_->transact(
        [&](Poco::Data::Session& s) { s << "SELECT state FROM outbox", into(st), now; }));
    return st;
  }

  ManualClock clock_{*parseIso8601("2026-03-02T09:00:00+01:00")};
  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<DataKeys> keys_;
  std::unique_ptr<MessageStore> store_;
  std::unique_ptr<OutboxDispatcher> dispatcher_;
  std::mutex mutex_;
  std::vector<Message> calls_;
  std::deque<Status> script_;
  int64_t sender_ = 0, recipient_ = 0;
};

TEST_P(OutboxDispatcherTest, ADeliveredJobShowsTheMessageOnceAndIsDone) {
  const int64_t id = send();
  EXPECT_EQ(dispatcher_->runOnce(), 1);
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].service, "delivery");
  EXPECT_EQ(calls_[0].action, "deliver");
  EXPECT_NE(calls_[0].body.find("\"message_id\":" + std::to_string(id)), std::string::npos);
  EXPECT_EQ(jobState(), "done");
  EXPECT_EQ(store_->list(recipient_, "inbox")->size(), 1u);
  EXPECT_EQ(dispatcher_->runOnce(), 0);  // nothing runs twice
  EXPECT_EQ(calls_.size(), 1u);
}

TEST_P(OutboxDispatcherTest, FailuresBackOffThenDeadLetterThenReplay) {
  send();
  script_ = {Status::error("SERVICE_UNAVAILABLE", "x"), Status::error("TIMEOUT", "x"),
             Status::error("BUSY", "x")};
  EXPECT_EQ(dispatcher_->runOnce(), 1);
  EXPECT_EQ(jobState(), "pending");
  EXPECT_EQ(dispatcher_->runOnce(), 0);  // not due before its back-off (>= 500 ms)
  clock_.set(clock_.now() + milliseconds(1000));
  EXPECT_EQ(dispatcher_->runOnce(), 1);
  EXPECT_EQ(dispatcher_->runOnce(), 0);
  clock_.set(clock_.now() + milliseconds(2000));
  EXPECT_EQ(dispatcher_->runOnce(), 1);  // third failure: the limit
  EXPECT_EQ(jobState(), "dead");
  auto sent = store_->list(sender_, "sent");
  ASSERT_TRUE(sent);
  EXPECT_EQ((*sent)[0].deliveries[0].state, "dead");
  auto dead = dispatcher_->deadLetters();
  ASSERT_TRUE(dead);
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].lastError, "BUSY");
  EXPECT_EQ((*dead)[0].attempts, 3);

  clock_.set(clock_.now() + std::chrono::hours(1));
  EXPECT_EQ(dispatcher_->runOnce(), 0);  // dead stays dead
  ASSERT_TRUE(dispatcher_->replay((*dead)[0].id));
  EXPECT_EQ(dispatcher_->replay((*dead)[0].id).code(), "NOT_FOUND");  // no longer dead
  EXPECT_EQ(dispatcher_->runOnce(), 1);
  EXPECT_EQ(jobState(), "done");
  EXPECT_EQ(store_->list(recipient_, "inbox")->size(), 1u);
  EXPECT_EQ(calls_.size(), 4u);
}

TEST_P(OutboxDispatcherTest, AJobForAServiceWithoutWorkerFailsAtOnceWithoutACall) {
  send();
  dispatcher_->setServiceLive([](const std::string&) { return false; });
  EXPECT_EQ(dispatcher_->runOnce(), 1);
  EXPECT_TRUE(calls_.empty());
  EXPECT_EQ(jobState(), "pending");  // counted, retried later
  dispatcher_->setServiceLive([](const std::string& service) { return service == "delivery"; });
  clock_.set(clock_.now() + milliseconds(1000));
  EXPECT_EQ(dispatcher_->runOnce(), 1);
  EXPECT_EQ(jobState(), "done");
}

TEST_P(OutboxDispatcherTest, ForgetAccountAnsweredUnknownActionIsDoneOtherJobsAreNot) {
  // Retention's forget_account (docs/retention.md): a plugin without it keeps nothing about
  // accounts, so UNKNOWN_ACTION is done; for any other job it is a failure, retried.
  ASSERT_TRUE(db_->transact([&](Poco::Data::Session& s) {
    storage::enqueueOutboxJob(*db_, s, "billing", "forget_account", "forget:billing:1",
                              "{\"account_id\":1}", "2026-03-02T08:00:00.000Z");
    storage::enqueueOutboxJob(*db_, s, "billing", "create_recurring_payment", "collect:1:1", "{}",
                              "2026-03-02T08:00:00.000Z");
  }));
  script_ = {Status::error("UNKNOWN_ACTION", "no such action"),
             Status::error("UNKNOWN_ACTION", "no such action")};
  EXPECT_EQ(dispatcher_->runOnce(), 2);
  ASSERT_EQ(calls_.size(), 2u);
  std::map<std::string, std::string> states;
  ASSERT_TRUE(db_->read([&](Poco::Data::Session& s) {
    for (const auto& row :
         storage::runSql(*db_, s, "SELECT action, state, last_error FROM outbox").rows)
      states[row[0].textOr("")] = row[1].textOr("") + "/" + row[2].textOr("-");
  }));
  EXPECT_EQ(states["forget_account"], "done/-");
  EXPECT_EQ(states["create_recurring_payment"], "pending/UNKNOWN_ACTION");
}

TEST_P(OutboxDispatcherTest, JobsOfAPassAreInFlightTogetherAndRecordedInOneGo) {
  // Four jobs, concurrency 4: every call waits until all four are in flight at once (or gives
  // up after 5 s and fails the job), so a serial dispatcher fails this test.
  constexpr int kJobs = 4;
  std::mutex m;
  std::condition_variable cv;
  int inFlight = 0, peak = 0;
  OutboxDispatcher concurrent(
      *db_, clock_, *store_,
      [&](Message, milliseconds) -> Result<Message> {
        std::unique_lock lock(m);
        peak = std::max(peak, ++inFlight);
        cv.notify_all();
        const bool together =
            cv.wait_for(lock, std::chrono::seconds(5), [&] { return peak >= kJobs; });
        --inFlight;
        if (!together) return Status::error("TIMEOUT", "the other jobs never came");
        return Message{};
      },
      RetryPolicy{3, milliseconds(1000), milliseconds(10000)}, milliseconds(1000));
  concurrent.setConcurrency(kJobs);
  for (int i = 0; i < kJobs; ++i) send();
  EXPECT_EQ(concurrent.runOnce(), kJobs);
  EXPECT_EQ(peak, kJobs);
  std::int64_t done = 0;
  ASSERT_TRUE(db_->read([&](Poco::Data::Session& s) {
    s << "SELECT COUNT(*) FROM outbox WHERE state = 'done'", into(done), now;
  }));
  EXPECT_EQ(done, kJobs);
  EXPECT_EQ(store_->list(recipient_, "inbox")->size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(concurrent.runOnce(), 0);
}

TEST_P(OutboxDispatcherTest, DeliveriesTravelInBatchesAndFallBackToSingleRequests) {
  for (int i = 0; i < 10; ++i) send();
  dispatcher_->setConcurrency(2);  // 10 deliveries, 2 lanes: two batches of 5
  EXPECT_EQ(dispatcher_->runOnce(), 10);
  ASSERT_EQ(calls_.size(), 2u);
  for (const auto& c : calls_) {
    EXPECT_EQ(c.service, "delivery");
    EXPECT_EQ(c.action, "deliver_batch");
    auto o = Poco::JSON::Parser().parse(c.body).extract<Poco::JSON::Object::Ptr>();
    ASSERT_TRUE(o->getArray("deliveries"));
    EXPECT_EQ(o->getArray("deliveries")->size(), 5u);
  }
  EXPECT_EQ(store_->list(recipient_, "inbox")->size(), 10u);

  // A batch that fails counts a failure for each of its jobs.
  for (int i = 0; i < 4; ++i) send();
  calls_.clear();
  script_ = {Status::error("TIMEOUT", "x"), Status::error("TIMEOUT", "x")};
  EXPECT_EQ(dispatcher_->runOnce(), 4);
  EXPECT_EQ(calls_.size(), 2u);
  EXPECT_EQ(store_->list(recipient_, "inbox")->size(), 10u);

  // A delivery service without deliver_batch: single requests, at once and from then on.
  clock_.set(clock_.now() + std::chrono::minutes(5));
  calls_.clear();
  dispatcher_->setConcurrency(1);  // one lane: the 4 retried jobs in one batch
  script_ = {Status::error("UNKNOWN_ACTION", "no deliver_batch")};
  EXPECT_EQ(dispatcher_->runOnce(), 4);
  ASSERT_EQ(calls_.size(), 1u + 4u);  // the refused batch, then each job on its own
  EXPECT_EQ(store_->list(recipient_, "inbox")->size(), 14u);
  for (int i = 0; i < 3; ++i) send();
  calls_.clear();
  EXPECT_EQ(dispatcher_->runOnce(), 3);
  ASSERT_EQ(calls_.size(), 3u);
  for (const auto& c : calls_) EXPECT_EQ(c.action, "deliver");
}

TEST_P(OutboxDispatcherTest, ABacklogLongerThanOnePassDrainsAfterOneWake) {
  // 150 jobs, passes of at most 100, a poll interval of 10 minutes: only looking again at once
  // after a pass that handled jobs delivers the last 50 within the test's patience.
  for (int i = 0; i < 150; ++i) send();
  dispatcher_->start(std::chrono::minutes(10));
  dispatcher_->wake();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::size_t delivered = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    delivered = store_->list(recipient_, "inbox")->size();
    if (delivered == 150) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  dispatcher_->stop();
  EXPECT_EQ(delivered, 150u);
}

TEST_P(OutboxDispatcherTest, HeldCopiesAreQueuedWhenTheRecipientActivates) {  // AC4
  Submission s;
  s.senderId = sender_;
  s.senderAgb = "11111111";
  s.draft = MessageDraft{{"22222222"}, "Onderwerp", "Inhoud", "bericht", std::nullopt};
  s.recipients = {{recipient_, "22222222", "b@example.nl", RecipientAction::kHold}};
  s.requestHash = "h";
  ASSERT_TRUE(store_->submit(s));
  ASSERT_TRUE(store_->submit(s));
  EXPECT_EQ(dispatcher_->runOnce(), 0);  // held: no job
  auto released = store_->releaseHeld(recipient_);
  ASSERT_TRUE(released) << released.status().toString();
  EXPECT_EQ(*released, 2);
  EXPECT_EQ(*store_->releaseHeld(recipient_), 0);  // nothing twice
  EXPECT_EQ(dispatcher_->runOnce(), 2);
  EXPECT_EQ(store_->list(recipient_, "inbox")->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxDispatcherTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::messages
