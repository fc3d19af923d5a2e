// Abort: carries a Status out of a transaction body. Throwing it rolls the transaction back
// (Database::transact() rolls back on any exception); transactOrAbort() then answers the carried
// Status itself instead of the generic STORAGE_ERROR, so a refusal decided inside a transaction
// (ACCOUNT_CLOSED, TARIFF_MISSING, …) reaches the caller with its own code.
#pragma once

#include <berichtd/status.hpp>
#include <functional>
#include <stdexcept>
#include <utility>

#include "storage/database.hpp"

namespace berichtd::storage {

struct Abort : std::runtime_error {
  explicit Abort(Status s) : std::runtime_error(s.code()), status(std::move(s)) {}
  Status status;
};

// The value, or throws Abort with the error.
template <typename T>
T orAbort(Result<T> r) {
  if (!r) throw Abort(r.status());
  return std::move(r).value();
}

inline Status transactOrAbort(Database& db, const std::function<void(Poco::Data::Session&)>& work) {
  Status refused = Status::ok();
  Status s = db.transact([&](Poco::Data::Session& tx) {
    try {
      work(tx);
    } catch (const Abort& a) {
      refused = a.status;
      throw;
    }
  });
  return refused.isOk() ? s : refused;
}

}  // namespace berichtd::storage
