#include "storage/outbox.hpp"

#include "storage/sql_run.hpp"

namespace berichtd::storage {

void enqueueOutboxJob(const Database& db, Poco::Data::Session& tx, std::string service,
                      std::string action, std::string key, const std::string& json,
                      std::string createdAt) {
  (void)runSql(db, tx,
               "INSERT INTO outbox (service, action, idempotency_key, headers, body, state, "
               "attempts, next_attempt_at, created_at) VALUES (?, ?, ?, '{}', ?, 'pending', 0, "
               "'1970-01-01T00:00:00.000Z', ?) ON CONFLICT (idempotency_key) DO NOTHING",
               {std::move(service), std::move(action), std::move(key), SqlValue::blob(json),
                std::move(createdAt)});
}

}  // namespace berichtd::storage
