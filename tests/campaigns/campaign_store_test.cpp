// CampaignStore and MailArchive on both backends (SPEC N1, N2, AC1, M4): each account of the
// audience gets a campaign mail once — its campaign_mails row, request token (as a hash) and
// outbox job written together — and the archive seals what was sent per account and shows an
// account only its own mails.
#include "campaigns/campaign_store.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "accounts/account_store.hpp"
#include "campaigns/mail_archive.hpp"
#include "core/tokens.hpp"
#include "storage/outbox.hpp"
#include "storage/sql_run.hpp"
#include "test_database.hpp"

namespace berichtd::campaigns {
namespace {

using storage::Backend;

class CampaignStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    testDb_ = std::make_unique<berichtd::testing::TestDatabase>(GetParam(), "berichtd_camp_");
    BERICHTD_PREPARE_TEST_DATABASE(*testDb_);
    auto db = storage::Database::open(testDb_->config());
    ASSERT_TRUE(db) << db.status().toString();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->migrate());
    accounts_ = std::make_unique<accounts::AccountStore>(*db_, clock_);
    for (int i = 0; i < 7; ++i) {
      auto a = accounts_->create("praktijk" + std::to_string(i) + "@example.nl",
                                 "1000000" + std::to_string(i), "2019-05-31");
      ASSERT_TRUE(a);
      ids_.push_back(a->accountId);
    }
    // 0-3 migrated, 4 active, 5 closed, 6 deleted.
    exec("UPDATE accounts SET state = 'active' WHERE id = ?", {ids_[4]});
    exec("UPDATE accounts SET state = 'closed' WHERE id = ?", {ids_[5]});
    exec("UPDATE accounts SET state = 'deleted' WHERE id = ?", {ids_[6]});
    store_ = std::make_unique<CampaignStore>(*db_, clock_);
    auto master = crypto::SecretBox::fromKeyText("m1:" + std::string(64, '7'));
    ASSERT_TRUE(master);
    keys_ = std::make_unique<messages::DataKeys>(*db_, clock_, *master);
    archive_ = std::make_unique<MailArchive>(*db_, *keys_);
  }
  void TearDown() override {
    archive_.reset();
    keys_.reset();
    store_.reset();
    accounts_.reset();
    db_.reset();
    testDb_.reset();
  }

  void exec(const std::string& sql, std::initializer_list<SqlValue> params = {}) {
    ASSERT_TRUE(
        db_->transact([&](Poco::Data::Session& s) { storage::runSql(*db_, s, sql, params); }));
  }
  std::vector<std::vector<SqlValue>> rows(const std::string& sql,
                                          std::initializer_list<SqlValue> params = {}) {
    std::vector<std::vector<SqlValue>> out;
    EXPECT_TRUE(db_->read(
        [&](Poco::Data::Session& s) { out = storage::runSql(*db_, s, sql, params).rows; }));
    return out;
  }
  int64_t count(const std::string& sql, std::initializer_list<SqlValue> params = {}) {
    auto r = rows(sql, params);
    return r.empty() ? -1 : r[0][0].intOr(-1);
  }

  Campaign campaign(const std::string& name, Audience a, bool link) {
    Campaign c;
    c.name = name;
    c.templateName = "campaign_" + name;
    c.audience = a;
    c.sendAt = clock_.now();
    c.requestLink = link;
    return c;
  }

  ManualClock clock_{*parseIso8601("2026-02-16T07:00:00Z")};
  std::unique_ptr<berichtd::testing::TestDatabase> testDb_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<accounts::AccountStore> accounts_;
  std::unique_ptr<CampaignStore> store_;
  std::unique_ptr<messages::DataKeys> keys_;
  std::unique_ptr<MailArchive> archive_;
  std::vector<int64_t> ids_;
};

TEST_P(CampaignStoreTest, EachAccountOfTheAudienceGetsOneMailWithItsJob) {
  const Campaign all = campaign("aankondiging", Audience::kAll, false);
  auto q = store_->queue(all, 100, "https://b.example.nl");
  ASSERT_TRUE(q) << q.status().toString();
  EXPECT_EQ(*q, 6);  // everyone but the deleted account
  // Queueing again (a rerun, a restart) queues nothing more.
  EXPECT_EQ(*store_->queue(all, 100, "https://b.example.nl"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM campaign_mails WHERE campaign = 'aankondiging'"), 6);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE service = 'mail' AND action = 'send_mail'"),
            6);
  EXPECT_EQ(count("SELECT COUNT(*) FROM campaign_mails WHERE account_id = ?", {ids_[6]}), 0);
  // The job is the mail service's contract, keyed per campaign and account.
  auto job = rows("SELECT body FROM outbox WHERE idempotency_key = ?",
                  {campaignMailKey("aankondiging", ids_[4])});
  ASSERT_EQ(job.size(), 1u);
  auto body = Poco::JSON::Parser().parse(job[0][0].textOr("")).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(body->getValue<std::string>("to"), "praktijk4@example.nl");
  EXPECT_EQ(body->getValue<int64_t>("account_id"), ids_[4]);
  EXPECT_EQ(body->getValue<std::string>("template"), "campaign_aankondiging");
  EXPECT_EQ(body->getObject("variables")->getValue<std::string>("kennisbank_url"),
            "https://b.example.nl/kennisbank");
  EXPECT_FALSE(body->getObject("variables")->has("link"));
  // AU5: a sent campaign mail's job body (address, token) is emptied; other jobs stay.
  ASSERT_TRUE(db_->transact([&](Poco::Data::Session& tx) {
    storage::enqueueOutboxJob(*db_, tx, "mail", "send_mail", "notice:1:2",
                              "{\"to\":\"x@example.nl\"}", "t");
  }));
  ASSERT_TRUE(db_->transact([&](Poco::Data::Session& tx) {
    forgetSentCampaignMail(*db_, tx, campaignMailKey("aankondiging", ids_[4]));
    forgetSentCampaignMail(*db_, tx, "notice:1:2");
  }));
  EXPECT_EQ(rows("SELECT body FROM outbox WHERE idempotency_key = ?",
                 {campaignMailKey("aankondiging", ids_[4])})[0][0]
                .textOr(""),
            "{}");
  EXPECT_EQ(rows("SELECT body FROM outbox WHERE idempotency_key = 'notice:1:2'")[0][0].textOr(""),
            "{\"to\":\"x@example.nl\"}");
  // A campaign without request_link adds no request token.
  EXPECT_EQ(count("SELECT COUNT(*) FROM request_tokens"), 7);  // those of create()
}

// AC1: the activation mail's link carries a fresh request token of that account, stored only
// as its SHA-256; it finds the account like the one from create() does.
TEST_P(CampaignStoreTest, TheActivationMailCarriesAFreshRequestTokenStoredAsItsHash) {
  const Campaign activation = campaign("activering", Audience::kMigrated, true);
  ASSERT_EQ(*store_->queue(activation, 100, "https://b.example.nl"), 4);  // migrated only
  for (int i = 0; i < 4; ++i) {
    auto job = rows("SELECT body FROM outbox WHERE idempotency_key = ?",
                    {campaignMailKey("activering", ids_[i])});
    ASSERT_EQ(job.size(), 1u);
    auto body = Poco::JSON::Parser().parse(job[0][0].textOr("")).extract<Poco::JSON::Object::Ptr>();
    const std::string link = body->getObject("variables")->getValue<std::string>("link");
    const std::string prefix = "https://b.example.nl/activeren?token=";
    ASSERT_EQ(link.rfind(prefix, 0), 0u) << link;
    const std::string token = link.substr(prefix.size());
    EXPECT_EQ(token.size(), 43u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM request_tokens WHERE token_hash = ?", {token}), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM request_tokens WHERE token_hash = ? AND account_id = ?",
                    {sha256Hex(token), ids_[i]}),
              1);
    auto found = accounts_->findByRequestToken(token);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, ids_[i]);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM campaign_mails WHERE account_id = ?", {ids_[4]}), 0);
}

// M4: queue() takes at most `limit` — a wave — lowest ids first; the audience is judged when a
// wave is queued: an account activated meanwhile gets no activation mail. progress() and the
// scheduler's pending() count what is queued and left.
TEST_P(CampaignStoreTest, AWaveQueuesItsLimitAndTheAudienceIsJudgedPerWave) {
  const Campaign activation = campaign("activering", Audience::kMigrated, true);
  ASSERT_EQ(*store_->queue(activation, 2, "https://b.example.nl"), 2);
  auto p = store_->progress(activation);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->queued, 2);
  EXPECT_EQ(p->remaining, 2);
  EXPECT_EQ(p->delivered, 0);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM campaign_mails WHERE account_id IN (?, ?)", {ids_[0], ids_[1]}),
      2);
  exec("UPDATE accounts SET state = 'active' WHERE id = ?", {ids_[2]});
  ASSERT_EQ(*store_->queue(activation, 2, "https://b.example.nl"), 1);  // only ids_[3] left
  EXPECT_EQ(count("SELECT COUNT(*) FROM campaign_mails WHERE account_id = ?", {ids_[2]}), 0);
  // Progress counts delivered and dead jobs.
  exec("UPDATE outbox SET state = 'done' WHERE idempotency_key = ?",
       {campaignMailKey("activering", ids_[0])});
  exec("UPDATE outbox SET state = 'dead' WHERE idempotency_key = ?",
       {campaignMailKey("activering", ids_[1])});
  p = store_->progress(activation);
  EXPECT_EQ(p->queued, 3);
  EXPECT_EQ(p->delivered, 1);
  EXPECT_EQ(p->failed, 1);
  EXPECT_EQ(p->remaining, 0);
  // The scheduler's pending(): the same queued and remaining, the outbox left out.
  exec("UPDATE accounts SET state = 'migrated' WHERE id = ?", {ids_[2]});
  auto pend = store_->pending(activation);
  ASSERT_TRUE(pend);
  EXPECT_EQ(pend->queued, 3);
  EXPECT_EQ(pend->remaining, 1);
  EXPECT_EQ(pend->delivered, 0);
  EXPECT_EQ(pend->failed, 0);
}

// More accounts than one chunk: every chunk commits on its own, all are queued once.
TEST_P(CampaignStoreTest, ManyAccountsGoOverSeveralChunks) {
  for (int i = 0; i < 250; ++i)
    ASSERT_TRUE(accounts_->create("p" + std::to_string(i) + "@example.nl",
                                  std::to_string(20000000 + i), "2019-05-31"));
  const Campaign all = campaign("planning", Audience::kAll, false);
  EXPECT_EQ(*store_->queue(all, 1000, "https://b.example.nl"), 256);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT account_id) FROM campaign_mails"), 256);
}

// N2: sealed per account, redacted, one row per key, and only the owner reads it.
TEST_P(CampaignStoreTest, TheArchiveKeepsEachAccountsOwnMailsSealed) {
  ArchivedMail m;
  m.key = campaignMailKey("activering", ids_[0]);
  m.accountId = ids_[0];
  m.campaign = "activering";
  m.templateName = "campaign_activering";
  m.subject = "Je kunt nu je account activeren";
  m.text = "Klik: https://b.example.nl/activeren?token=GEHEIMTOKEN123\n";
  m.sentAt = "2026-02-16T07:00:01.000Z";
  ASSERT_TRUE(archive_->recordNow(m));
  ASSERT_TRUE(archive_->recordNow(m));  // the same key again: still one
  ArchivedMail other = m;
  other.key = "smtp:<x@example.nl>";
  other.accountId = ids_[1];
  other.campaign.reset();
  other.templateName = "access_link";
  other.subject = "Je link";
  ASSERT_TRUE(archive_->recordNow(other));
  // A deleted account's mail (retention raced the send, R3) is skipped, not an error.
  ArchivedMail gone = other;
  gone.key = "smtp:<gone@example.nl>";
  gone.accountId = ids_[6];
  ASSERT_TRUE(archive_->recordNow(gone));
  EXPECT_EQ(count("SELECT COUNT(*) FROM mails WHERE account_id = ?", {ids_[6]}), 0);

  auto mine = archive_->list(ids_[0]);
  ASSERT_TRUE(mine) << mine.status().toString();
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].subject, "Je kunt nu je account activeren");
  EXPECT_EQ((*mine)[0].campaign, "activering");
  auto one = archive_->get(ids_[0], (*mine)[0].id);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->text, "Klik: https://b.example.nl/activeren?token=[verwijderd]\n");
  // Another account's id is NOT_FOUND, like no mail at all.
  auto theirs = archive_->list(ids_[1]);
  ASSERT_EQ(theirs->size(), 1u);
  EXPECT_FALSE(theirs->front().campaign);
  EXPECT_EQ(archive_->get(ids_[0], theirs->front().id).status().code(), "NOT_FOUND");
  EXPECT_EQ(archive_->get(ids_[1], (*mine)[0].id).status().code(), "NOT_FOUND");
  EXPECT_TRUE(archive_->list(ids_[2])->empty());
  // At rest: sealed, neither subject nor text nor token readable in the table.
  for (const auto& row : rows("SELECT sealed_subject, sealed_text FROM mails")) {
    EXPECT_EQ(row[0].textOr("").find("activeren"), std::string::npos);
    EXPECT_EQ(row[1].textOr("").find("Klik"), std::string::npos);
    EXPECT_EQ(row[1].textOr("").find("GEHEIM"), std::string::npos);
  }
  // R3: without the account's data key nothing is readable any more.
  ASSERT_TRUE(keys_->destroy(ids_[0]));
  EXPECT_TRUE(archive_->list(ids_[0])->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, CampaignStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         berichtd::testing::backendParamName);

}  // namespace
}  // namespace berichtd::campaigns
