#include "storage/group_writer.hpp"

#include <Poco/Data/SQLite/Utility.h>
#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

namespace berichtd::storage {

using Poco::Data::Keywords::now;

namespace {

// Rolls back to a savepoint and drops it; false when that is impossible (no transaction left).
bool rollbackTo(Poco::Data::Session& s, const std::string& savepoint) {
  try {
    s << "ROLLBACK TO " + savepoint, now;
    s << "RELEASE " + savepoint, now;
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

GroupWriter::GroupWriter(std::function<Poco::Data::Session()> openSession,
                         std::function<Status(const std::exception&)> errorStatus)
    : openSession_(std::move(openSession)), errorStatus_(std::move(errorStatus)) {
  thread_ = std::thread([this] { loop(); });
}

GroupWriter::~GroupWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  queued_.notify_one();
  if (thread_.joinable()) thread_.join();
}

Status GroupWriter::failure(std::exception_ptr error) const {
  try {
    std::rethrow_exception(std::move(error));
  } catch (const std::exception& e) {
    return errorStatus_(e);
  } catch (...) {
    return Status::error("STORAGE_ERROR", "transaction work failed with an unknown exception");
  }
}

Status GroupWriter::run(const Work& work) {
  if (std::this_thread::get_id() == thread_.get_id() && current_ != nullptr) {
    // Called from inside a work: the group's transaction is open on this thread.
    const std::string savepoint = "berichtd_nested_" + std::to_string(++nesting_);
    Status result;
    try {
      *current_ << "SAVEPOINT " + savepoint, now;
      work(*current_);
      *current_ << "RELEASE " + savepoint, now;
    } catch (...) {
      result = failure(std::current_exception());
      (void)rollbackTo(*current_, savepoint);
    }
    --nesting_;
    return result;
  }
  Item item;
  item.work = &work;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::error("STORAGE_UNAVAILABLE", "the database is closing");
    queue_.push_back(&item);
  }
  queued_.notify_one();
  std::unique_lock lock(mu_);
  answered_.wait(lock, [&] { return item.done; });
  return item.result;
}

void GroupWriter::loop() {
  for (;;) {
    std::deque<Item*> group;
    {
      std::unique_lock lock(mu_);
      queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {  // stopping, nothing left
        cache_.reset();
        session_.reset();
        return;
      }
      while (!queue_.empty() && group.size() < kMaxGroup) {
        group.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    runGroup(group);
    {
      std::lock_guard lock(mu_);
      for (Item* item : group) item->done = true;
    }
    answered_.notify_all();
  }
}

void GroupWriter::runGroup(std::deque<Item*>& group) {
  if (!session_) {
    try {
      session_.emplace(openSession_());
      cache_ =
          std::make_unique<SqliteStatementCache>(Poco::Data::SQLite::Utility::dbHandle(*session_));
    } catch (...) {
      session_.reset();
      const Status s = failure(std::current_exception());
      for (Item* item : group) item->result = s;
      return;
    }
  }
  auto& session = session_;
  SqliteStatementCache::Scope statements(cache_.get());
  sqlite3* handle = cache_->handle();
  std::size_t next = 0;
  while (next < group.size()) {
    // One transaction for group[next…], until the group ends or SQLite aborts the transaction.
    try {
      (void)runSqlite(*session, "BEGIN IMMEDIATE");
      ++transactions_;
    } catch (...) {
      const Status s = failure(std::current_exception());
      for (; next < group.size(); ++next) group[next]->result = s;
      cache_.reset();  // a fresh connection for the next group
      session_.reset();
      return;
    }
    current_ = &*session;
    std::vector<Item*> pending;  // ran without error, answered after the COMMIT
    bool aborted = false;
    while (next < group.size() && !aborted) {
      Item* item = group[next++];
      ++works_;
      try {
        (void)runSqlite(*session, "SAVEPOINT berichtd_work");
        (*item->work)(*session);
        (void)runSqlite(*session, "RELEASE berichtd_work");
        pending.push_back(item);
      } catch (...) {
        item->result = failure(std::current_exception());
        // Some errors (I/O, a full disk) make SQLite roll the whole transaction back.
        aborted = handle == nullptr || sqlite3_get_autocommit(handle) != 0 ||
                  !rollbackTo(*session, "berichtd_work");
      }
    }
    current_ = nullptr;
    if (aborted) {
      try {
        if (handle != nullptr && sqlite3_get_autocommit(handle) == 0) *session << "ROLLBACK", now;
      } catch (...) {
        // Nothing more to undo; the answers below say nothing was written.
      }
      for (Item* item : pending) {
        item->result = Status::error(
            "STORAGE_ERROR",
            "the transaction was rolled back by a failure in other work committed with it; "
            "nothing was written");
      }
      continue;  // the rest of the group in a new transaction
    }
    try {
      (void)runSqlite(*session, "COMMIT");
    } catch (...) {
      const Status s = failure(std::current_exception());
      try {
        *session << "ROLLBACK", now;
      } catch (...) {
        // Already rolled back by SQLite.
      }
      for (Item* item : pending) item->result = s;
    }
  }
}

}  // namespace berichtd::storage
