// BusClient: sends requests and one-way events to the broker (protocol "BRD1", see
// docs/bus.md) and waits for the matching reply.
//
// Threading: thread-safe; call() and publish() may run on many threads at once. Each call
// borrows a DEALER socket from a mutex-guarded pool (a new one when all are in use) and gives
// it back afterwards. Replies are matched by a per-call id; a stale reply to an earlier,
// timed-out call on the same socket is discarded. The zmq::context_t must outlive the client.
//
// Errors are values: MESSAGE_TOO_LARGE before anything is sent; BUSY, TIMEOUT,
// SERVICE_UNAVAILABLE from the broker; TIMEOUT if the broker itself never answers (the client
// waits timeout plus a short grace); otherwise whatever the handler returned.
#pragma once

#include <atomic>
#include <berichtd/message.hpp>
#include <berichtd/status.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>
#include <zmq.hpp>

namespace berichtd::bus {

class BusClient {
 public:
  // Wait used for call(..., 0ms): the broker's default timeout then applies, and this
  // matches BrokerOptions::defaultTimeout's default.
  static constexpr std::chrono::milliseconds kDefaultWait{5000};
  static constexpr std::chrono::milliseconds kGrace{250};

  BusClient(zmq::context_t& ctx, std::string endpoint, std::size_t maxMessageBytes = 4 << 20);
  ~BusClient();
  BusClient(const BusClient&) = delete;
  BusClient& operator=(const BusClient&) = delete;

  // timeout 0: the broker's default.
  berichtd::Result<berichtd::Message> call(const berichtd::Message& req,
                                           std::chrono::milliseconds timeout);
  berichtd::Status publish(const berichtd::Message& event);

 private:
  std::unique_ptr<zmq::socket_t> acquire();
  void release(std::unique_ptr<zmq::socket_t> socket);

  zmq::context_t& ctx_;
  std::string endpoint_;
  std::size_t maxMessageBytes_;
  std::atomic<std::uint64_t> nextId_{1};
  std::mutex mu_;
  std::vector<std::unique_ptr<zmq::socket_t>> idle_;  // guarded by mu_
};

}  // namespace berichtd::bus
