// Messages end to end (issue 4 items 1-5, 7 as far as built): two care providers activated
// through the real auth flow send and receive over HTTP; the real daemon stores sealed copies
// and outbox jobs in one transaction, the dispatcher delivers through the bus to the
// delivery-inbox plugin, and the recipient finds the message exactly once. Validation codes,
// Idempotency-Key, the activation deadline on both sides (manual clock), activity (R1), and a
// grep of the database and the log for the subject and body.
#include <atomic>
#include <set>
#include <thread>

#include "auth_flow_support.hpp"

namespace berichtd::testing {
namespace {

constexpr const char* kSubject = "Verwijzing dhr. Bakker";
constexpr const char* kBody =
    "Graag beoordeling van de wond aan het linkeronderbeen, diabetes type 2.";

Poco::JSON::Object message(const std::vector<std::string>& to, const std::string& subject,
                           const std::string& body, const std::string& type = "bericht") {
  Poco::JSON::Object o;
  Poco::JSON::Array arr;
  for (const auto& t : to) arr.add(t);
  o.set("to", arr);
  o.set("subject", subject);
  o.set("body", body);
  o.set("type", type);
  return o;
}

struct Users {
  std::string senderToken, recipientToken;
};

// Every flow runs on SQLite and on PostgreSQL (issue 4 "Done when").
class MessagesFlow : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == storage::Backend::kPostgres) {
      pg_ = std::make_unique<TestDatabase>(storage::Backend::kPostgres, "berichtd_msgflow_");
      BERICHTD_PREPARE_TEST_DATABASE(*pg_);
    }
    a_ = std::make_unique<AuthDaemon>(
        10, true, /*manualClock=*/true, false, pg_ ? pg_->url() : "",
        std::vector<std::pair<std::string, std::string>>{{"delivery-inbox", "{}"}},
        "messages: {master_key: {file: messages.key}, max_body_bytes: 2000}\n");
    a_->dir.write("messages.key", "m1:" + std::string(64, 'e') + "\n");
    ASSERT_TRUE(a_->daemon->start()) << a_->daemon->output();
    sender_ = activate(*a_, "huisarts@example.nl", "11111111");
    recipient_ = activate(*a_, "wondverpleging@example.nl", "22222222");
    a_->createAccount("nog-niet@example.nl", "33333333");  // stays `migrated`
    a_->sql(
        "UPDATE accounts SET state = 'active' WHERE agb_code IN ('11111111', '22222222')");  // AC3
                                                                                             // payment
    senderToken_ = login("huisarts@example.nl", sender_);
    recipientToken_ = login("wondverpleging@example.nl", recipient_);
    ASSERT_FALSE(senderToken_.empty());
    ASSERT_FALSE(recipientToken_.empty());
  }

  std::string login(const std::string& email, const Enrolled& e) {
    auto ok =
        a_->post("/api/v1/login", loginBody(email, kPassword, oathtool(e.secret, e.lastStep + 1)));
    EXPECT_EQ(ok.status, 200) << ok.body;
    return ok.status == 200 ? json(ok.body)->getValue<std::string>("token") : "";
  }
  std::map<std::string, std::string> as(const std::string& token, const std::string& key = "") {
    std::map<std::string, std::string> h{{"Authorization", "Bearer " + token}};
    if (!key.empty()) h["Idempotency-Key"] = key;
    return h;
  }
  void setClock(const std::string& iso) {
    auto r = httpRequest(a_->daemon->adminUrl(), "PUT", "/admin/v1/clock",
                         "{\"now\":\"" + iso + "\"}", a_->daemon->adminHeaders());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  Poco::JSON::Array::Ptr box(const std::string& token, const std::string& which) {
    auto r = a_->get("/api/v1/messages?box=" + which, as(token));
    EXPECT_EQ(r.status, 200) << r.body;
    return json(r.body)->getArray("messages");
  }

  std::unique_ptr<TestDatabase> pg_;  // before a_: the database outlives the daemon
  std::unique_ptr<AuthDaemon> a_;
  Enrolled sender_, recipient_;
  std::string senderToken_, recipientToken_;
};

TEST_P(MessagesFlow, SentMessagesArriveOnceSealedAtRestAndRetriesCreateNothing) {
  auto first = a_->post("/api/v1/messages", message({"22222222"}, kSubject, kBody),
                        as(senderToken_, "verzend-1"));
  ASSERT_EQ(first.status, 202) << first.body;
  const int64_t id = json(first.body)->getValue<int64_t>("id");

  // D3: a retry with the same key answers the same id and creates nothing.
  auto retry = a_->post("/api/v1/messages", message({"22222222"}, kSubject, kBody),
                        as(senderToken_, "verzend-1"));
  EXPECT_EQ(retry.status, 202);
  EXPECT_EQ(json(retry.body)->getValue<int64_t>("id"), id);
  EXPECT_EQ(retry.headers["Idempotent-Replayed"], "true");
  auto reused = a_->post("/api/v1/messages", message({"22222222"}, kSubject, "anders"),
                         as(senderToken_, "verzend-1"));
  EXPECT_EQ(reused.status, 422);
  EXPECT_EQ(errorCode(reused), "IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM messages"), 1);

  // Delivered through the bus to delivery-inbox, then visible exactly once.
  ASSERT_TRUE(waitUntil([&] { return box(recipientToken_, "inbox")->size() == 1; },
                        std::chrono::seconds(10)));
  auto inbox = box(recipientToken_, "inbox");
  auto item = inbox->getObject(0);
  EXPECT_EQ(item->getValue<int64_t>("id"), id);
  EXPECT_EQ(item->getValue<std::string>("from"), "11111111");
  EXPECT_EQ(item->getValue<std::string>("subject"), kSubject);
  EXPECT_FALSE(item->has("body"));
  auto full = a_->get("/api/v1/messages/" + std::to_string(id), as(recipientToken_));
  ASSERT_EQ(full.status, 200) << full.body;
  EXPECT_EQ(json(full.body)->getValue<std::string>("body"), kBody);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM delivery_inbox_ledger"), 1);
  // N1: the recipient is told by e-mail (the `mail` service) who wrote, never what.
  ASSERT_TRUE(waitUntil(
      [&] {
        for (const auto& m : a_->mails()) {
          if (m->getValue<std::string>("template") == "new_message") return true;
        }
        return false;
      },
      std::chrono::seconds(10)));
  int notices = 0;
  for (const auto& m : a_->mails()) {
    if (m->getValue<std::string>("template") != "new_message") continue;
    ++notices;
    EXPECT_EQ(m->getValue<std::string>("to"), "wondverpleging@example.nl");
    EXPECT_EQ(m->getObject("variables")->getValue<std::string>("from_agb"), "11111111");
    std::ostringstream text;
    m->stringify(text);
    EXPECT_EQ(text.str().find("Bakker"), std::string::npos) << text.str();
    EXPECT_EQ(text.str().find("linkeronderbeen"), std::string::npos) << text.str();
  }
  EXPECT_EQ(notices, 1);

  auto sent = box(senderToken_, "sent");
  ASSERT_EQ(sent->size(), 1u);
  auto deliveries = sent->getObject(0)->getArray("deliveries");
  ASSERT_EQ(deliveries->size(), 1u);
  EXPECT_EQ(deliveries->getObject(0)->getValue<std::string>("state"), "delivered");
  EXPECT_TRUE(box(senderToken_, "inbox")->size() == 0);
  // Someone else's message does not exist for you; nobody reads without a session.
  EXPECT_EQ(a_->get("/api/v1/messages/" + std::to_string(id + 1000), as(recipientToken_)).status,
            404);
  EXPECT_EQ(a_->get("/api/v1/messages").status, 401);
  // R1: sending counted as activity.
  EXPECT_EQ(
      a_->count("SELECT COUNT(*) FROM accounts WHERE agb_code = '11111111' AND last_activity_at >= "
                "'2026-02-16'"),
      1);

  // D1: neither subject nor body in the database or the log.
  for (const char* q :
       {"SELECT COUNT(*) FROM message_copies WHERE sealed_subject LIKE '%Bakker%' OR "
        "sealed_body LIKE '%linkeronderbeen%'",
        "SELECT COUNT(*) FROM messages WHERE request_hash LIKE '%Bakker%'"}) {
    EXPECT_EQ(a_->count(q), 0) << q;
  }
  a_->daemon->signal(SIGTERM);
  EXPECT_EQ(a_->daemon->waitExit(std::chrono::seconds(15)), 0);
  std::string haystack = a_->daemon->output();
  if (GetParam() == storage::Backend::kSqlite) {
    for (const auto& entry : fs::directory_iterator(a_->dir.path())) {
      if (entry.path().filename().string().rfind("berichtd.db", 0) == 0)
        haystack += readFile(entry.path());
    }
    ASSERT_GT(haystack.size(), 10000u);
  }
  EXPECT_EQ(haystack.find("Bakker"), std::string::npos);
  EXPECT_EQ(haystack.find("linkeronderbeen"), std::string::npos);
}

TEST_P(MessagesFlow, EveryRefusalHasItsCodeAndNothingIsStored) {  // D2
  struct Case {
    Poco::JSON::Object body;
    int status;
    const char* code;
  };
  Poco::JSON::Object declaratie =
      message({"22222222"}, "Declaratie feb", "zie bijlage", "declaratie");
  Poco::JSON::Object wrongAmount =
      message({"22222222"}, "Declaratie feb", "zie bijlage", "declaratie");
  Poco::JSON::Object fields;
  fields.set("patient_reference", "PAT-1");
  fields.set("treatment_date", "2026-02-10");
  fields.set("treatment_code", "A1234");
  fields.set("amount_cents", 0);
  wrongAmount.set("declaratie", fields);
  Poco::JSON::Object numericSubject = message({"22222222"}, kSubject, kBody);
  numericSubject.set("subject", 5);
  std::vector<Case> cases = {
      {numericSubject, 400, "BAD_REQUEST"},
      {message({"22222222"}, "", kBody), 400, "SUBJECT_MISSING"},
      {message({}, kSubject, kBody), 400, "RECIPIENTS_MISSING"},
      {message({"2222222"}, kSubject, kBody), 400, "AGB_CODE_INVALID"},
      {message({"99999999"}, kSubject, kBody), 422, "RECIPIENT_UNKNOWN"},
      {message({"22222222"}, kSubject, std::string(2001, 'x')), 413, "MESSAGE_TOO_LARGE"},
      {message({"22222222"}, kSubject, kBody, "brief"), 400, "MESSAGE_TYPE_INVALID"},
      {declaratie, 400, "DECLARATIE_INVALID"},
      {wrongAmount, 400, "DECLARATIE_INVALID"},
  };
  for (const auto& c : cases) {
    auto r = a_->post("/api/v1/messages", c.body, as(senderToken_));
    EXPECT_EQ(r.status, c.status) << c.code << ": " << r.body;
    EXPECT_EQ(errorCode(r), c.code);
    EXPECT_NE(r.body.find(std::string("/kennisbank/") + c.code), std::string::npos);
  }
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM messages"), 0);
  // A declaratie with good fields is accepted and its fields come back.
  fields.set("amount_cents", 4250);
  wrongAmount.set("declaratie", fields);
  auto ok = a_->post("/api/v1/messages", wrongAmount, as(senderToken_));
  ASSERT_EQ(ok.status, 202) << ok.body;
  auto mine =
      a_->get("/api/v1/messages/" + json(ok.body)->getValue<std::string>("id"), as(senderToken_));
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(json(mine.body)->getObject("declaratie")->getValue<int>("amount_cents"), 4250);
}

TEST_P(MessagesFlow, BeforeTheDeadlineMessagesToMigratedAccountsAreHeldFromItRefused) {  // AC4
  setClock("2026-02-28T23:59:30+01:00");
  // Twelve days on the platform clock: the morning's session is long gone (AU8); log in again.
  EXPECT_EQ(a_->get("/api/v1/messages", as(senderToken_)).status, 401);
  auto again = a_->post("/api/v1/login", loginBody("huisarts@example.nl", kPassword,
                                                   oathtool(sender_.secret, sender_.lastStep + 2)));
  ASSERT_EQ(again.status, 200) << again.body;
  senderToken_ = json(again.body)->getValue<std::string>("token");
  auto held = a_->post("/api/v1/messages", message({"33333333", "22222222"}, kSubject, kBody),
                       as(senderToken_, "voor-de-deadline"));
  ASSERT_EQ(held.status, 202) << held.body;
  auto sent = box(senderToken_, "sent");
  ASSERT_EQ(sent->size(), 1u);
  auto deliveries = sent->getObject(0)->getArray("deliveries");
  ASSERT_EQ(deliveries->size(), 2u);
  EXPECT_EQ(deliveries->getObject(1)->getValue<std::string>("to"), "33333333");
  EXPECT_EQ(deliveries->getObject(1)->getValue<std::string>("state"), "held");

  setClock("2026-03-01T00:00:00+01:00");
  auto refused = a_->post("/api/v1/messages", message({"22222222", "33333333"}, kSubject, kBody),
                          as(senderToken_));
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(errorCode(refused), "RECIPIENT_NOT_ACTIVATED");
  EXPECT_NE(
      json(refused.body)->getObject("error")->getValue<std::string>("message").find("33333333"),
      std::string::npos);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM messages"), 1);  // nothing half sent
  // D3: a retry of the message accepted before the deadline still gets its first answer.
  auto retry = a_->post("/api/v1/messages", message({"33333333", "22222222"}, kSubject, kBody),
                        as(senderToken_, "voor-de-deadline"));
  EXPECT_EQ(retry.status, 202) << retry.body;
  EXPECT_EQ(json(retry.body)->getValue<int64_t>("id"), json(held.body)->getValue<int64_t>("id"));
  EXPECT_EQ(retry.headers["Idempotent-Replayed"], "true");
}

TEST_P(MessagesFlow, SigkillWhileAThousandMessagesAreSubmittedLosesNoneAndDoublesNone) {  // D3
  constexpr int kTotal = 1000;
  std::vector<int64_t> ids(kTotal, 0);  // the id of each 202; 0 = no 202 seen
  std::atomic<int> accepted{0};
  std::atomic<bool> stop{false};
  auto send = [&](int i) {
    return a_->post("/api/v1/messages",
                    message({"22222222"}, "Bericht " + std::to_string(i), kBody),
                    as(senderToken_, "bulk-" + std::to_string(i)));
  };
  std::thread client([&] {
    for (int i = 0; i < kTotal && !stop; ++i) {
      auto r = send(i);
      if (r.status == 202) {
        ids[i] = json(r.body)->getValue<int64_t>("id");
        ++accepted;
      } else if (r.status == 0) {
        return;  // the daemon is gone: a real client would retry later
      } else {
        ADD_FAILURE() << "message " << i << ": " << r.status << " " << r.body;
      }
    }
  });
  ASSERT_TRUE(waitUntil([&] { return accepted >= 300; }, std::chrono::seconds(60)));
  a_->daemon->signal(SIGKILL);
  client.join();
  stop = true;
  const int acceptedBeforeKill = accepted;
  ASSERT_LT(acceptedBeforeKill, kTotal) << "the kill came too late to test anything";

  ASSERT_TRUE(a_->daemon->start()) << a_->daemon->output();
  ASSERT_TRUE(
      waitUntil([&] { return a_->get("/readyz").status == 200; }, std::chrono::seconds(20)));
  // The client sends again what it has no 202 for, and re-asks a sample of what it has: the
  // same key gives the same message, never a second one.
  for (int i = 0; i < kTotal; ++i) {
    if (ids[i] != 0 && i % 50 != 0) continue;
    auto r = send(i);
    ASSERT_EQ(r.status, 202) << i << ": " << r.body;
    const int64_t id = json(r.body)->getValue<int64_t>("id");
    if (ids[i] != 0) {
      EXPECT_EQ(id, ids[i]) << "message " << i << " changed id after the restart";
    }
    ids[i] = id;
  }
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM messages"), kTotal);
  EXPECT_EQ(a_->count("SELECT COUNT(DISTINCT idempotency_key) FROM messages"), kTotal);
  // Every accepted message is delivered, exactly once.
  ASSERT_TRUE(waitUntil(
      [&] {
        return a_->count(
                   "SELECT COUNT(*) FROM message_copies WHERE box = 'inbox' AND state = "
                   "'delivered'") == kTotal;
      },
      std::chrono::seconds(120)))
      << a_->count(
             "SELECT COUNT(*) FROM message_copies WHERE box = 'inbox' AND state = 'delivered'");
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM message_copies WHERE box = 'inbox'"), kTotal);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM delivery_inbox_ledger"), kTotal);
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM outbox WHERE state <> 'done'"), 0);
  std::set<int64_t> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kTotal));
  EXPECT_EQ(distinct.count(0), 0u);
}

std::string backendName(const ::testing::TestParamInfo<storage::Backend>& info) {
  return storage::backendName(info.param);
}
INSTANTIATE_TEST_SUITE_P(Backends, MessagesFlow,
                         ::testing::Values(storage::Backend::kSqlite, storage::Backend::kPostgres),
                         backendName);

TEST(MessagesDeadLetters, FailedDeliveriesEndAsDeadLettersThatBerichtctlListsAndReplays) {  // D3
  // Phase 1: the echo plugin answers the `delivery` service and refuses `deliver`; the real
  // inbox plugin is parked under another name. Phase 2 (restart): the inbox plugin serves.
  AuthDaemon a(10, true, true, false, "",
               {{"echo", "{service: delivery}"}, {"delivery-inbox", "{service: parked}"}},
               "messages: {master_key: {file: messages.key}, max_attempts: 2, retry_base_ms: 20, "
               "retry_max_ms: 40}\n");
  a.dir.write("messages.key", "m1:" + std::string(64, 'f') + "\n");
  ASSERT_TRUE(a.daemon->start()) << a.daemon->output();
  Enrolled sender = activate(a, "fysio@example.nl", "44444444");
  a.createAccount("podotherapeut@example.nl", "55555555");
  a.sql("UPDATE accounts SET state = 'active'");
  auto ok = a.post("/api/v1/login", loginBody("fysio@example.nl", kPassword,
                                              oathtool(sender.secret, sender.lastStep + 1)));
  ASSERT_EQ(ok.status, 200) << ok.body;
  const std::string token = json(ok.body)->getValue<std::string>("token");
  auto sent = a.post("/api/v1/messages", message({"55555555"}, kSubject, kBody),
                     {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(sent.status, 202) << sent.body;
  ASSERT_TRUE(
      waitUntil([&] { return a.count("SELECT COUNT(*) FROM outbox WHERE state = 'dead'") == 1; },
                std::chrono::seconds(20)));

  auto ctl = [&a](const std::vector<std::string>& args, std::string& out) {
    std::vector<std::string> argv{binaryPath("berichtctl"), "--admin", a.daemon->adminUrl(),
                                  "--token-file", a.dir.path() + "/admin.token"};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, out);
  };
  std::string out;
  ASSERT_EQ(ctl({"deadletter", "list"}, out), 0) << out;
  EXPECT_NE(out.find("UNKNOWN_ACTION"), std::string::npos) << out;
  EXPECT_NE(out.find("deliver"), std::string::npos) << out;
  ASSERT_EQ(ctl({"--json", "deadletter", "list"}, out), 0) << out;
  const int64_t id = json(out)->getArray("deadletters")->getObject(0)->getValue<int64_t>("id");
  EXPECT_EQ(ctl({"deadletter", "replay", "999999"}, out), 1);
  EXPECT_NE(out.find("NOT_FOUND"), std::string::npos) << out;

  // Phase 2: the inbox plugin serves `delivery`; the replayed letter is delivered.
  a.daemon->signal(SIGTERM);
  ASSERT_EQ(a.daemon->waitExit(std::chrono::seconds(15)), 0);
  ASSERT_TRUE(a.daemon->start(
      {"--set", "plugins.echo.service=parked", "--set", "plugins.delivery-inbox.service=delivery"}))
      << a.daemon->output();
  ASSERT_EQ(ctl({"deadletter", "replay", std::to_string(id)}, out), 0) << out;
  EXPECT_NE(out.find("pending"), std::string::npos) << out;
  ASSERT_TRUE(waitUntil(
      [&] {
        return a.count(
                   "SELECT COUNT(*) FROM message_copies WHERE box = 'inbox' AND state = "
                   "'delivered'") == 1;
      },
      std::chrono::seconds(20)));
  ASSERT_EQ(ctl({"deadletter", "list"}, out), 0) << out;
  EXPECT_NE(out.find("no dead letters"), std::string::npos) << out;
}

}  // namespace
}  // namespace berichtd::testing
