#include "messages/outbox_dispatcher.hpp"

#include <Poco/Data/LOB.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>
#include <tuple>
#include <utility>

#include "core/logging.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::messages {

namespace {

using namespace Poco::Data::Keywords;

struct Job {
  int64_t id = 0;
  std::string service, action, key, body;
  int attempts = 0;
  int64_t messageId = 0, recipientId = 0;  // a `deliver` job's target (deliverTarget)
};

// The inbox copy a `deliver` job body {"message_id", "recipient_id"} is about; 0, 0 when the
// body does not say (the job then changes no copy).
std::pair<int64_t, int64_t> deliverTarget(const std::string& body) {
  try {
    auto o = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    return {o->getValue<int64_t>("message_id"), o->getValue<int64_t>("recipient_id")};
  } catch (...) {
    return {0, 0};
  }
}

double jitter() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace

std::chrono::milliseconds retryDelay(int failures, const RetryPolicy& policy, double jitter01) {
  const int exp = std::clamp(failures - 1, 0, 40);
  const double raw = std::min(static_cast<double>(policy.max.count()),
                              static_cast<double>(policy.base.count()) * std::ldexp(1.0, exp));
  const double scaled = raw * (0.5 + std::clamp(jitter01, 0.0, 1.0) / 2.0);
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(scaled)));
}

OutboxDispatcher::OutboxDispatcher(storage::Database& db, const Clock& clock, MessageStore& store,
                                   Call call, RetryPolicy policy,
                                   std::chrono::milliseconds callTimeout)
    : db_(db),
      clock_(clock),
      store_(store),
      call_(std::move(call)),
      policy_(policy),
      callTimeout_(callTimeout) {}

OutboxDispatcher::~OutboxDispatcher() { stop(); }

void OutboxDispatcher::start(std::chrono::milliseconds pollInterval) {
  thread_ = std::thread([this, pollInterval] { loop(pollInterval); });
}

void OutboxDispatcher::stop() {
  stopping_ = true;
  wake();
  if (thread_.joinable()) thread_.join();
}

void OutboxDispatcher::wake() {
  {
    std::lock_guard lock(wakeMutex_);
    woken_ = true;
  }
  wakeCv_.notify_one();
}

void OutboxDispatcher::loop(std::chrono::milliseconds pollInterval) {
  while (!stopping_) {
    int handled = 0;
    try {
      handled = runOnce();
    } catch (const std::exception& e) {
      logger("outbox").error("dispatch pass failed: %s", std::string(e.what()));
    }
    // A pass that handled jobs may have left more due ones (a backlog bigger than a pass): look
    // again at once. Failed jobs are not due again before their back-off, so this ends.
    if (handled > 0) continue;
    std::unique_lock lock(wakeMutex_);
    wakeCv_.wait_for(lock, pollInterval, [this] { return woken_ || stopping_.load(); });
    woken_ = false;
  }
}

int OutboxDispatcher::runOnce() {
  std::lock_guard run(runMutex_);
  std::vector<Job> jobs;
  const std::string nowText = formatIso8601(clock_.now());
  // A read: selecting due jobs takes no write lock (one dispatcher per database, see header).
  Status s = db_.read([&](Poco::Data::Session& tx) {
    std::string at = nowText;
    const auto due = storage::runSql(
        db_, tx,
        "SELECT id, service, action, idempotency_key, body, attempts FROM outbox "
        "WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 100",
        {at});
    for (const auto& row : due.rows) {
      Job j;
      j.id = row[0].intOr(0);
      j.service = row[1].textOr("");
      j.action = row[2].textOr("");
      j.key = row[3].textOr("");
      j.body = row[4].textOr("");
      j.attempts = static_cast<int>(row[5].intOr(0));
      // Parsed here, not in the outcome transaction below: that one runs on the single writer.
      if (j.action == "deliver") std::tie(j.messageId, j.recipientId) = deliverTarget(j.body);
      jobs.push_back(std::move(j));
    }
  });
  if (!s) {
    logger("outbox").warning("cannot read the outbox: %s", s.code());
    return 0;
  }
  if (jobs.empty()) return 0;

  // The pass as units: one job each, except `delivery.deliver` jobs, which go together as
  // `deliver_batch` requests (one bus round trip and one plugin transaction for many) unless
  // the service said it has no such action. Up to `concurrency_` units in flight at once; each
  // job's outcome lands in its own slot.
  std::vector<Status> outcomes(jobs.size());
  std::vector<std::string> replies(jobs.size());  // single (non-batch) jobs only
  struct Unit {
    std::vector<std::size_t> jobs;
    bool batch = false;
  };
  std::vector<Unit> units;
  std::vector<std::size_t> deliveries;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (jobs[i].service == "delivery" && jobs[i].action == "deliver" && batchDelivery_.load()) {
      deliveries.push_back(i);
    } else {
      units.push_back({{i}, false});
    }
  }
  if (!deliveries.empty()) {
    // Enough units to keep `concurrency_` in flight, at most kDeliverBatch jobs each.
    const std::size_t lanes = static_cast<std::size_t>(std::max(1, concurrency_));
    const std::size_t size =
        std::clamp<std::size_t>((deliveries.size() + lanes - 1) / lanes, 1, kDeliverBatch);
    for (std::size_t at = 0; at < deliveries.size(); at += size) {
      Unit u;
      u.jobs.assign(
          deliveries.begin() + static_cast<std::ptrdiff_t>(at),
          deliveries.begin() + static_cast<std::ptrdiff_t>(std::min(deliveries.size(), at + size)));
      u.batch = u.jobs.size() > 1;
      units.push_back(std::move(u));
    }
  }
  auto sendOne = [&](std::size_t i) {
    const Job& job = jobs[i];
    Message m;
    m.service = job.service;
    m.action = job.action;
    m.headers.emplace_back("idempotency-key", job.key);
    m.headers.emplace_back("content-type", "application/json");
    m.body = job.body;
    Result<Message> reply = call_(std::move(m), callTimeout_);
    outcomes[i] = reply ? Status::ok() : reply.status();
    // Retention's forget_account (docs/plugin-sdk.md): a plugin without it keeps nothing about
    // accounts, so its UNKNOWN_ACTION means done.
    if (!reply && job.action == "forget_account" && reply.status().code() == "UNKNOWN_ACTION")
      outcomes[i] = Status::ok();
    if (reply) replies[i] = std::move(reply->body);
  };
  auto send = [&](const Unit& u) {
    const Job& first = jobs[u.jobs.front()];
    if (serviceLive_ && !serviceLive_(first.service)) {
      for (std::size_t i : u.jobs)
        outcomes[i] = Status::error("SERVICE_UNAVAILABLE", "no live worker");
      return;
    }
    if (!u.batch) {
      for (std::size_t i : u.jobs) sendOne(i);
      return;
    }
    std::string body = "{\"deliveries\":[";
    for (std::size_t k = 0; k < u.jobs.size(); ++k) body += (k ? "," : "") + jobs[u.jobs[k]].body;
    body += "]}";
    Message m;
    m.service = "delivery";
    m.action = "deliver_batch";
    m.headers.emplace_back("idempotency-key", "batch:" + first.key);
    m.headers.emplace_back("content-type", "application/json");
    m.body = std::move(body);
    Result<Message> reply = call_(std::move(m), callTimeout_);
    if (!reply && reply.status().code() == "UNKNOWN_ACTION") {
      // A delivery plugin without batches: one request per job from now on.
      batchDelivery_.store(false);
      for (std::size_t i : u.jobs) sendOne(i);
      return;
    }
    for (std::size_t i : u.jobs) outcomes[i] = reply ? Status::ok() : reply.status();
  };
  const std::size_t workers =
      std::min(units.size(), static_cast<std::size_t>(std::max(1, concurrency_)));
  if (workers <= 1) {
    for (const Unit& u : units) send(u);
  } else {
    std::atomic<std::size_t> next{0};
    auto drain = [&] {
      for (std::size_t i = next++; i < units.size(); i = next++) send(units[i]);
    };
    std::vector<std::thread> helpers;
    for (std::size_t w = 1; w < workers; ++w) helpers.emplace_back(drain);
    drain();
    for (auto& t : helpers) t.join();
  }

  // Every outcome of the pass in ONE transaction. A delivery's effect (the inbox copy
  // `delivered`) commits with its job `done`; if this transaction fails, every job of the pass
  // stays pending and runs again — the plugins and markDelivered() ignore a repeat.
  struct Failure {
    std::size_t index;
    bool dead;
  };
  std::vector<Failure> failures;
  s = db_.transact([&](Poco::Data::Session& tx) {
    failures.clear();
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      const Job& job = jobs[i];
      const int64_t messageId = job.messageId, recipientId = job.recipientId;
      const int64_t id = job.id;
      const int attempts = job.attempts + 1;
      if (outcomes[i]) {
        if (job.action == "deliver") store_.markDelivered(tx, messageId, recipientId);
        if (replyHook_ && job.service != "delivery")
          replyHook_(tx, job.service, job.action, job.key, replies[i]);
        (void)storage::runSql(
            db_, tx, "UPDATE outbox SET state = 'done', attempts = ? WHERE id = ?", {attempts, id});
        continue;
      }
      const bool dead = attempts >= policy_.maxAttempts;
      failures.push_back({i, dead});
      (void)storage::runSql(
          db_, tx,
          "UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id "
          "= ?",
          {dead ? "dead" : "pending", attempts,
           formatIso8601(clock_.now() + retryDelay(attempts, policy_, jitter())),
           outcomes[i].code(), id});
      if (dead && job.action == "deliver") {
        (void)storage::runSql(
            db_, tx,
            "UPDATE message_copies SET state = 'dead' WHERE message_id = ? AND account_id = ? AND "
            "box = 'inbox' AND state = 'pending'",
            {messageId, recipientId});
      }
    }
  });
  if (!s) {
    logger("outbox").warning("cannot record %s job outcomes (they run again): %s",
                             std::to_string(jobs.size()), s.code());
    return 0;  // nothing recorded: the loop waits before it tries again
  }
  for (const Failure& f : failures) {
    const Job& job = jobs[f.index];
    logger("outbox").warning("job %s (%s.%s) failed with %s, attempt %d of %d%s",
                             std::to_string(job.id), job.service, job.action,
                             outcomes[f.index].code(), job.attempts + 1, policy_.maxAttempts,
                             std::string(f.dead ? ": dead letter" : ""));
  }
  return static_cast<int>(jobs.size());
}

Result<std::vector<DeadLetter>> OutboxDispatcher::deadLetters() {
  std::vector<DeadLetter> out;
  Status s = db_.read([&](Poco::Data::Session& tx) {
    Poco::Data::Statement select(tx);
    select << "SELECT id, service, action, attempts, last_error, created_at FROM outbox WHERE "
              "state = 'dead' "
              "ORDER BY id",
        now;
    Poco::Data::RecordSet rows(select);
    for (bool more = rows.moveFirst(); more; more = rows.moveNext()) {
      DeadLetter d;
      d.id = rows.value(0).convert<Poco::Int64>();
      d.service = rows.value(1).convert<std::string>();
      d.action = rows.value(2).convert<std::string>();
      d.attempts = rows.value(3).convert<int>();
      d.lastError = rows.value(4).isEmpty() ? "" : rows.value(4).convert<std::string>();
      d.createdAt = rows.value(5).convert<std::string>();
      out.push_back(std::move(d));
    }
  });
  if (!s) return s;
  return out;
}

Status OutboxDispatcher::replay(int64_t id) {
  std::size_t changed = 0;
  Status s = db_.transact([&](Poco::Data::Session& tx) {
    Poco::Int64 job = id;
    std::string at = formatIso8601(clock_.now());
    Poco::Data::Statement update(tx);
    update << db_.sql(
        "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND "
        "state = 'dead'"),
        use(at), use(job);
    changed = update.execute();
    if (changed == 0) return;
    std::vector<Poco::Data::BLOB> blobs;
    tx << db_.sql("SELECT body FROM outbox WHERE id = ? AND action = 'deliver'"), into(blobs),
        use(job), now;
    for (const auto& b : blobs) {
      const auto [msg, rcpt] =
          deliverTarget(std::string(reinterpret_cast<const char*>(b.rawContent()), b.size()));
      (void)storage::runSql(db_, tx,
                            "UPDATE message_copies SET state = 'pending' WHERE message_id = ? AND "
                            "account_id = ? AND box = 'inbox' AND state = 'dead'",
                            {msg, rcpt});
    }
  });
  if (!s) return s;
  if (changed == 0) return Status::error("NOT_FOUND", "no dead letter with this id");
  wake();
  return Status::ok();
}

}  // namespace berichtd::messages
