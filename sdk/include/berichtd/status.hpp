// Status and Result<T>: errors as values (leveldb's Status, osquery's Expected).
//
// A Status is ok, or carries a stable error code (UPPER_SNAKE_CASE, documented in the
// knowledge base) and a human-readable message that never contains secrets. Exceptions stop at
// module boundaries; across the bus and the plugin ABI only these values travel.
// Value types, no shared state: safe to copy between threads.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace berichtd {

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return {}; }
  static Status error(std::string code, std::string message) {
    Status s;
    s.code_ = std::move(code);
    s.message_ = std::move(message);
    return s;
  }

  bool isOk() const { return code_.empty(); }
  explicit operator bool() const { return isOk(); }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string toString() const { return isOk() ? std::string("OK") : code_ + ": " + message_; }

 private:
  std::string code_;  // empty when ok
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.isOk() && "a Result without a value needs an error status");
  }

  bool isOk() const { return value_.has_value(); }
  explicit operator bool() const { return isOk(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace berichtd
