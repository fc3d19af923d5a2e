// enqueueOutboxJob: writes one job into the durable outbox (ARCHITECTURE principle 4, SPEC D3)
// inside the caller's transaction, so the job commits with the work that made it or not at all.
// The OutboxDispatcher sends it over the bus later and retries it until a final state.
//
// Contract
// - The job is due at once; its idempotency key is UNIQUE: a second insert with the same key is
//   ignored (ON CONFLICT DO NOTHING), so code that may run twice (a rerun after a crash) queues
//   the work once. The key also travels as the request's `idempotency-key` header.
// - body is the request's JSON; createdAt ISO 8601 UTC. Throws what the driver throws.
#pragma once

#include <Poco/Data/Session.h>

#include <string>

namespace berichtd::storage {

class Database;

void enqueueOutboxJob(const Database& db, Poco::Data::Session& tx, std::string service,
                      std::string action, std::string key, const std::string& json,
                      std::string createdAt);

}  // namespace berichtd::storage
