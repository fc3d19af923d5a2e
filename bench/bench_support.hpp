// Pieces the storage benchmarks share (billing_bench, import_bench): a
// fatal error, wall seconds, the process's memory from /proc/self/status, a peak-RSS sampler and
// the raw SQLite connection of the bulk-insert baselines. Header-only, bench code.
//
// - die(what): throws std::runtime_error; main() prints it and exits 1.
// - statusKb("VmRSS:"): that line of /proc/self/status in kB, -1 when absent.
// - RssSampler: samples VmRSS every 10 ms from construction until finish(), which returns the
//   highest sample in kB.
// - RawSqlite: one connection through the SQLite C API with the daemon's settings (busy_timeout
//   5000, WAL, synchronous NORMAL, foreign_keys ON); prepare() keeps statements until the end;
//   step() runs a statement that returns no row and resets it; count(sql) the first column of
//   the first row (-1 without one); every failure is die().
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace berichtd::bench {

[[noreturn]] inline void die(const std::string& what) { throw std::runtime_error(what); }

inline double seconds(std::chrono::steady_clock::time_point a,
                      std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

inline long statusKb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(field.size()));
  return -1;
}

class RssSampler {
 public:
  RssSampler()
      : thread_([this] {
          while (!stop_.load()) {
            const long kb = statusKb("VmRSS:");
            if (kb > peak_.load()) peak_.store(kb);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
          }
        }) {}
  ~RssSampler() { finish(); }
  RssSampler(const RssSampler&) = delete;
  RssSampler& operator=(const RssSampler&) = delete;

  long finish() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    return peak_.load();
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<long> peak_{0};
  std::thread thread_;  // last: starts once the counters exist
};

class RawSqlite {
 public:
  explicit RawSqlite(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
      die("raw: cannot open " + path);
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = NORMAL");
    exec("PRAGMA foreign_keys = ON");
  }
  ~RawSqlite() {
    for (auto* s : statements_) sqlite3_finalize(s);
    sqlite3_close(db_);
  }
  RawSqlite(const RawSqlite&) = delete;
  RawSqlite& operator=(const RawSqlite&) = delete;

  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err != nullptr ? err : "?";
      sqlite3_free(err);
      die(std::string("raw: ") + sql + ": " + m);
    }
  }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
      die(std::string("raw: prepare: ") + sqlite3_errmsg(db_));
    statements_.push_back(s);
    return s;
  }
  void step(sqlite3_stmt* s) {
    if (sqlite3_step(s) != SQLITE_DONE) die(std::string("raw: step: ") + sqlite3_errmsg(db_));
    sqlite3_reset(s);
  }
  int64_t lastId() const { return sqlite3_last_insert_rowid(db_); }
  // The first column of the first row of a query (a COUNT), -1 without a row.
  int64_t count(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
      die(std::string("raw: prepare: ") + sqlite3_errmsg(db_));
    int64_t v = -1;
    if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
  }

 private:
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> statements_;
};

// Binds a copy of v (the statement outlives the caller's string).
inline void bindText(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

}  // namespace berichtd::bench
