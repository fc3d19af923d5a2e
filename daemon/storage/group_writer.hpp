// GroupWriter: the daemon's one SQLite writer thread, with group commit (see Database::transact).
//
// SQLite has one write lock per database. When every thread ran its own BEGIN IMMEDIATE …
// COMMIT, the writers queued on that lock, and a lock holder preempted on a busy 2-core machine
// kept all the others waiting (a write transaction held the lock ~400 µs for ~100 µs of work).
// Here the caller hands its work to one writer thread and blocks; the writer runs everything
// that is queued in ONE transaction, each piece of work inside its own SAVEPOINT, and answers
// every caller after the COMMIT.
//
// Contract
// - run(work): executes work(session) on the writer thread inside a transaction and returns
//   after that transaction committed (ok) or rolled the work back (the error as Status). Work
//   that throws rolls back only its own savepoint: other work of the same group still commits.
//   If the group's transaction itself fails (BEGIN, COMMIT, or an error that makes SQLite abort
//   the whole transaction), every work of the group that had not been answered gets that error;
//   nothing of it is committed, so a caller never hears "ok" for work that was lost — which is
//   what lets a 202 mean "committed" (SPEC D3).
// - Work runs strictly in arrival order, one at a time; at most kMaxGroup per transaction.
// - run() called from inside a work (on the writer thread) runs the inner work at once in a
//   nested savepoint of the same transaction (no deadlock).
// - openSession is called on the writer thread for the first group and again after a group's
//   BEGIN failed (the connection is then dropped); it must return a session with the
//   per-connection settings in effect (Database::session()). The writer keeps that session and,
//   while a work runs, makes its SqliteStatementCache active: runSql reuses prepared statements.
// - errorStatus turns an exception into the Status a caller gets.
// - stats(): how many works ran and in how many transactions (group commit at work).
// - The destructor stops the thread after the queued work ran.
// Thread-safe: run() from any thread.
#pragma once

#include <Poco/Data/Session.h>

#include <atomic>
#include <berichtd/status.hpp>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "storage/sql_run.hpp"

namespace berichtd::storage {

class GroupWriter {
 public:
  using Work = std::function<void(Poco::Data::Session&)>;
  static constexpr std::size_t kMaxGroup = 128;

  GroupWriter(std::function<Poco::Data::Session()> openSession,
              std::function<Status(const std::exception&)> errorStatus);
  ~GroupWriter();
  GroupWriter(const GroupWriter&) = delete;
  GroupWriter& operator=(const GroupWriter&) = delete;

  Status run(const Work& work);

  struct Stats {
    std::uint64_t works = 0;         // work run on the writer thread (nested ones not counted)
    std::uint64_t transactions = 0;  // BEGIN IMMEDIATE issued
  };
  Stats stats() const { return {works_.load(), transactions_.load()}; }

 private:
  struct Item {
    const Work* work = nullptr;
    Status result;
    bool done = false;
  };

  void loop();
  void runGroup(std::deque<Item*>& group);
  Status failure(std::exception_ptr error) const;

  std::function<Poco::Data::Session()> openSession_;
  std::function<Status(const std::exception&)> errorStatus_;
  std::mutex mu_;
  std::condition_variable queued_;    // the writer waits for work
  std::condition_variable answered_;  // callers wait for their result
  std::deque<Item*> queue_;
  bool stopping_ = false;
  // Writer thread only: its connection, kept across groups (reopened after a failure), and the
  // prepared statements of that connection (runSql); the cache goes before the session.
  std::optional<Poco::Data::Session> session_;
  std::unique_ptr<SqliteStatementCache> cache_;
  Poco::Data::Session* current_ = nullptr;  // writer thread only: the open group's session
  int nesting_ = 0;                         // writer thread only
  std::atomic<std::uint64_t> works_{0}, transactions_{0};
  std::thread thread_;
};

}  // namespace berichtd::storage
