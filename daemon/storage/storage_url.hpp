// StorageUrl: the parsed form of `storage.url` (docs/storage.md "URL forms").
//
//   sqlite://relative/path         a file relative to the working directory
//   sqlite:///absolute/path        an absolute file path
//   sqlite://:memory:              a private in-memory database (the pool is pinned to 1 session)
//   postgresql://[user[:password]@][host][:port][/dbname][?key=value&...]  (also postgres://)
//
// A PostgreSQL URL becomes a libpq keyword=value connection string. Poco 1.11's connector
// splits that string on spaces before handing it to libpq, so no value may contain whitespace;
// such URLs are rejected here rather than failing obscurely at connect time.
// Errors are Status STORAGE_URL_INVALID; their messages never contain the password.
// A value type; thread-compatible.
#pragma once

#include <berichtd/status.hpp>
#include <string>
#include <string_view>

namespace berichtd::storage {

enum class Backend { kSqlite, kPostgres };

// "sqlite" or "postgresql".
std::string backendName(Backend backend);

struct StorageUrl {
  Backend backend = Backend::kSqlite;
  // SQLite: the database file path as given (relative paths are relative to the working
  // directory), or ":memory:".
  std::string sqlitePath;
  // PostgreSQL: the libpq connection string (contains the password; never log it).
  std::string pgConnectionString;
  // PostgreSQL: the decoded password, kept so error messages can be scrubbed of it.
  std::string pgPassword;
  // The URL with any password replaced by "***": safe for logs and error messages.
  std::string masked;

  bool isMemory() const { return backend == Backend::kSqlite && sqlitePath == ":memory:"; }

  static Result<StorageUrl> parse(std::string_view url);
};

}  // namespace berichtd::storage
