// OutboxDispatcher: hands the outbox's jobs to their bus services and records the outcome (SPEC
// D3; ARCHITECTURE "durable store-and-forward"). docs/messages.md "Storage and delivery".
//
// Contract
// - runOnce(): every `pending` job whose next_attempt_at has come (oldest first, at most 100)
//   is sent as one bus request (service, action, body; header `idempotency-key`) — except that
//   `delivery.deliver` jobs travel together, up to kDeliverBatch per `deliver_batch` request
//   {"deliveries": [job body, …]} whose outcome is every one of its jobs' outcome (a service
//   answering UNKNOWN_ACTION to it gets single `deliver` requests from then on) — with up to
//   setConcurrency() requests in flight at once. Then every outcome of the pass is recorded in
//   ONE transaction: a succeeded `deliver` job marks its inbox copy delivered and becomes `done`
//   together. A crash (or a failed commit) before that re-runs the jobs, and the plugin and
//   markDelivered() both ignore the repeat: at least once on the wire, exactly once visible.
//   Returns how many jobs it handled; 0 when none was due or their outcomes could not be recorded.
// - A `forget_account` job (retention, docs/retention.md) answered UNKNOWN_ACTION is done: the
//   plugin keeps nothing about accounts.
// - A failed attempt counts; after policy.maxAttempts the job is `dead` (and its inbox copy
//   `dead`), otherwise it waits retryDelay() — exponential back-off with jitter.
// - replay(id): a dead job becomes pending again with a fresh count (berichtctl deadletter
//   replay); NOT_FOUND unless it is dead.
// - start()/stop(): a background thread runs runOnce() every pollInterval or when woken, and
//   again at once after a pass that handled jobs (a backlog drains without waiting).
// - `clock` schedules retries: the daemon passes REAL time (SystemClock), not the platform
//   clock — back-off is operational, and a manual rehearsal clock must not stall deliveries.
// Single dispatcher per daemon. Thread-safety: wake() from any thread; runOnce() is serialised.
#pragma once

#include <atomic>
#include <berichtd/message.hpp>
#include <berichtd/status.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "messages/message_store.hpp"
#include "storage/database.hpp"

namespace berichtd::messages {

struct RetryPolicy {
  int maxAttempts = 8;
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds max{300000};
};

// Delay after the n-th failure (n >= 1): min(max, base * 2^(n-1)), scaled by (0.5 + jitter01/2)
// ("equal jitter": never less than half, spreads retries of many jobs). jitter01 in [0, 1].
std::chrono::milliseconds retryDelay(int failures, const RetryPolicy& policy, double jitter01);

struct DeadLetter {
  int64_t id = 0;
  std::string service;
  std::string action;
  int attempts = 0;
  std::string lastError;  // an error code, never a body
  std::string createdAt;
};

class OutboxDispatcher {
 public:
  using Call = std::function<Result<Message>(Message, std::chrono::milliseconds)>;

  OutboxDispatcher(storage::Database& db, const Clock& clock, MessageStore& store, Call call,
                   RetryPolicy policy, std::chrono::milliseconds callTimeout);
  ~OutboxDispatcher();
  // When set, a job for a service without a live worker fails at once (SERVICE_UNAVAILABLE,
  // counted and retried) instead of waiting out the call timeout, so one absent service (a
  // mail relay down) never holds up the others' jobs.
  void setServiceLive(std::function<bool(const std::string&)> live) {
    serviceLive_ = std::move(live);
  }
  // Called for every job that succeeded, inside the transaction that records the pass's
  // outcomes, with the service's reply body: work that answers with something to keep (the
  // payment id a `billing` provider gave a charge) stores it together with the job `done`.
  // It must not throw for a reply it does not understand (log and ignore instead).
  using ReplyHook = std::function<void(Poco::Data::Session& tx, const std::string& service,
                                       const std::string& action, const std::string& key,
                                       const std::string& reply)>;
  void setReplyHook(ReplyHook hook) { replyHook_ = std::move(hook); }
  // How many jobs of a pass are in flight on the bus at once (messages.dispatch_concurrency);
  // set before start().
  void setConcurrency(int jobsInFlight) { concurrency_ = jobsInFlight; }
  // Most `deliver` jobs one `deliver_batch` request carries.
  static constexpr std::size_t kDeliverBatch = 50;

  void start(std::chrono::milliseconds pollInterval = std::chrono::milliseconds(500));
  void stop();
  void wake();
  int runOnce();

  Result<std::vector<DeadLetter>> deadLetters();
  Status replay(int64_t id);

 private:
  void loop(std::chrono::milliseconds pollInterval);

  storage::Database& db_;
  const Clock& clock_;
  MessageStore& store_;
  Call call_;
  std::function<bool(const std::string&)> serviceLive_;
  ReplyHook replyHook_;
  RetryPolicy policy_;
  std::chrono::milliseconds callTimeout_;
  int concurrency_ = 1;
  std::atomic<bool> batchDelivery_{true};  // false once `delivery` said UNKNOWN_ACTION
  std::mutex runMutex_;
  std::mutex wakeMutex_;
  std::condition_variable wakeCv_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace berichtd::messages
