// MessageStore on both backends (D1 encryption at rest with per-account data keys, D3 the
// transactional outbox and idempotency, AC4 held copies).
#include "messages/message_store.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <gtest/gtest.h>

#include "accounts/account_store.hpp"
#include "test_database.hpp"

namespace berichtd::messages {
namespace {

using namespace Poco::Data::Keywords;
using storage::Backend;

constexpr const char* kSubject = "Verwijzing mevrouw Jansen";
constexpr const char* kBody =
    "Uitslag bloedonderzoek: HbA1c 48 mmol/mol, graag controle over 3 maanden.";

class MessageStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_msg_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    auto db = storage::Database::open(testDb_->config());
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate());
    accounts_ = std::make_unique<accounts::AccountStore>(*db_, clock_);
    sender_ = accounts_->create("huisarts@example.nl", "11111111", "2019-05-31")->accountId;
    active_ = accounts_->create("lab@example.nl", "22222222", "2019-05-31")->accountId;
    migrated_ = accounts_->create("apotheek@example.nl", "33333333", "2019-05-31")->accountId;
    sql("UPDATE accounts SET state = 'active' WHERE agb_code IN ('11111111', '22222222')");
    auto master = crypto::SecretBox::fromKeyText("m1:" + std::string(64, '7'));
    ASSERT_TRUE(master);
    keys_ = std::make_unique<DataKeys>(*db_, clock_, *master);
    store_ = std::make_unique<MessageStore>(*db_, clock_, *keys_, 24);
  }
  void TearDown() override {
    store_.reset();
    keys_.reset();
    accounts_.reset();
    db_.reset();
    testDb_.reset();
  }

  void sql(const std::string& text) {
    ASSERT_TRUE(db_->transact([&](Poco::Data::Session& s) { s << text, now; }));
  }
  int count(const std::string& query) {
    int n = -1;
    EXPECT_TRUE(db_->transact([&](Poco::Data::Session& s) { s << query, into(n), now; }));
    return n;
  }
  std::string dumpAll() {
    std::string all;
    for (const char* table : {"messages", "message_copies", "account_data_keys", "outbox"}) {
      Poco::Data::Session s = db_->session();
      Poco::Data::Statement select(s);
      select << std::string("SELECT * FROM ") + table, now;
      Poco::Data::RecordSet rows(select);
      for (bool more = rows.moveFirst(); more; more = rows.moveNext()) {
        for (std::size_t c = 0; c < rows.columnCount(); ++c) {
          if (!rows.value(c).isEmpty()) all += rows.value(c).convert<std::string>() + "|";
        }
      }
    }
    return all;
  }

  Submission submission(std::optional<std::string> key = std::nullopt, std::string hash = "h1") {
    Submission s;
    s.senderId = sender_;
    s.senderAgb = "11111111";
    s.draft.to = {"22222222", "33333333"};
    s.draft.subject = kSubject;
    s.draft.body = kBody;
    s.draft.type = "bericht";
    s.recipients = {{active_, "22222222", "lab@example.nl", RecipientAction::kDeliver},
                    {migrated_, "33333333", "apotheek@example.nl", RecipientAction::kHold}};
    s.idempotencyKey = std::move(key);
    s.requestHash = std::move(hash);
    return s;
  }

  ManualClock clock_{*parseIso8601("2026-02-20T10:00:00+01:00")};
  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<accounts::AccountStore> accounts_;
  std::unique_ptr<DataKeys> keys_;
  std::unique_ptr<MessageStore> store_;
  int64_t sender_ = 0, active_ = 0, migrated_ = 0;
};

TEST_P(MessageStoreTest, SubmitWritesCopiesAndOneJobPerDeliverableRecipientInOneTransaction) {
  auto sent = store_->submit(submission());
  ASSERT_TRUE(sent) << sent.status().toString();
  EXPECT_FALSE(sent->replay);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 1) << "id " << sent->messageId;
  EXPECT_EQ(count("SELECT COUNT(*) FROM account_data_keys"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM message_copies"), 3);
  // D3: the job is in the outbox with the message; AC4: the held recipient gets none yet.
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE service = 'delivery' AND action = 'deliver' "
                  "AND state = 'pending'"),
            1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE idempotency_key = 'deliver:" +
                  std::to_string(sent->messageId) + ":" + std::to_string(active_) + "'"),
            1);

  auto sentBox = store_->list(sender_, "sent");
  ASSERT_TRUE(sentBox) << sentBox.status().toString();
  ASSERT_EQ(sentBox->size(), 1u);
  EXPECT_EQ((*sentBox)[0].subject, kSubject);
  ASSERT_EQ((*sentBox)[0].deliveries.size(), 2u);
  EXPECT_EQ((*sentBox)[0].deliveries[0].to, "22222222");
  EXPECT_EQ((*sentBox)[0].deliveries[0].state, "pending");
  EXPECT_EQ((*sentBox)[0].deliveries[1].state, "held");

  // Not visible to the recipient before delivery; then exactly once.
  EXPECT_TRUE(store_->list(active_, "inbox")->empty());
  EXPECT_EQ(store_->get(active_, sent->messageId).status().code(), "NOT_FOUND");
  ASSERT_TRUE(store_->markDelivered(sent->messageId, active_));
  ASSERT_TRUE(store_->markDelivered(sent->messageId, active_));  // idempotent
  auto inbox = store_->list(active_, "inbox");
  ASSERT_TRUE(inbox);
  ASSERT_EQ(inbox->size(), 1u);
  EXPECT_EQ((*inbox)[0].from, "11111111");
  auto read = store_->get(active_, sent->messageId);
  ASSERT_TRUE(read) << read.status().toString();
  EXPECT_EQ(*read->body, kBody);
  // Someone else's message does not exist for you.
  EXPECT_EQ(store_->get(migrated_, sent->messageId).status().code(), "NOT_FOUND");
}

TEST_P(MessageStoreTest, SubjectsAndBodiesAreStoredOnlySealedAndDieWithTheDataKey) {  // D1
  auto sent = store_->submit(submission());
  ASSERT_TRUE(sent);
  ASSERT_TRUE(store_->markDelivered(sent->messageId, active_));
  const std::string raw = dumpAll();
  ASSERT_GT(raw.size(), 200u);
  EXPECT_EQ(raw.find("Jansen"), std::string::npos);
  EXPECT_EQ(raw.find("HbA1c"), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM account_data_keys"), 3);

  ASSERT_TRUE(keys_->destroy(active_));
  EXPECT_EQ(store_->get(active_, sent->messageId).status().code(), "NOT_FOUND");
  EXPECT_TRUE(store_->list(active_, "inbox")->empty());
  // The sender's own copy is sealed with the sender's key and stays readable.
  auto mine = store_->get(sender_, sent->messageId);
  ASSERT_TRUE(mine);
  EXPECT_EQ(*mine->body, kBody);
}

TEST_P(MessageStoreTest, IdempotencyKeyReturnsTheFirstAnswerFor24Hours) {  // D3
  auto first = store_->submit(submission("key-1"));
  ASSERT_TRUE(first);
  auto again = store_->submit(submission("key-1"));
  ASSERT_TRUE(again) << again.status().toString();
  EXPECT_TRUE(again->replay);
  EXPECT_EQ(again->messageId, first->messageId);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 1);

  auto different = store_->submit(submission("key-1", "other-request"));
  ASSERT_FALSE(different);
  EXPECT_EQ(different.status().code(), "IDEMPOTENCY_KEY_REUSED");

  clock_.set(clock_.now() + std::chrono::hours(25));
  auto later = store_->submit(submission("key-1"));
  ASSERT_TRUE(later) << later.status().toString();
  EXPECT_FALSE(later->replay);
  EXPECT_NE(later->messageId, first->messageId);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 2);
}

TEST_P(MessageStoreTest, DeclaratieFieldsAreSealedAndReturned) {
  Submission s = submission();
  s.draft.type = "declaratie";
  s.draft.declaratie = Declaratie{"PAT-9", "2026-02-19", "A1234", 4250};
  auto sent = store_->submit(s);
  ASSERT_TRUE(sent) << sent.status().toString();
  auto mine = store_->get(sender_, sent->messageId);
  ASSERT_TRUE(mine);
  ASSERT_TRUE(mine->declaratie);
  EXPECT_NE(mine->declaratie->find("\"amount_cents\":4250"), std::string::npos)
      << *mine->declaratie;
  EXPECT_EQ(dumpAll().find("PAT-9"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, MessageStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::messages
