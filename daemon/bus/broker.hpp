// Broker: the bus's router (Majordomo-like, protocol "BRD1", see docs/bus.md). One ROUTER
// socket, bound to one or more endpoints, serves clients and workers alike; the broker does not
// know where a worker runs. Routes REQUEST and EVENT by service name to an idle worker, queues
// them (bounded) when none is idle, exchanges heartbeats, drops silent workers and resends
// their request (maxRetries), and answers mmi.service itself. Every request gets exactly one
// reply: the worker's, BUSY, TIMEOUT, SERVICE_UNAVAILABLE or MESSAGE_TOO_LARGE.
//
// Threading: bind() and start() from the owner before use; the broker then runs on its own
// thread, which alone touches the socket. snapshot(), hasLiveWorker() and loopIterations() are
// safe from any thread. stop() (also from the destructor) joins the thread. The zmq::context_t
// is borrowed and must outlive the Broker. All timing uses std::chrono::steady_clock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

namespace berichtd::bus {

struct BrokerOptions {
  std::chrono::milliseconds heartbeat{1000};
  int liveness = 3;               // missed heartbeat intervals before a worker counts as dead
  std::size_t queueLimit = 1000;  // per service; beyond it requests get BUSY at once
  std::size_t maxMessageBytes = 4 << 20;
  int maxRetries = 1;                              // resends of a request whose worker died
  std::chrono::milliseconds defaultTimeout{5000};  // for requests that say 0
};

struct ServiceSnapshot {
  std::string name;
  std::size_t liveWorkers = 0;
  std::size_t idleWorkers = 0;
  std::size_t queued = 0;
  std::size_t inFlight = 0;
};

struct BrokerCounters {
  std::uint64_t requests = 0;
  std::uint64_t replies = 0;  // worker replies forwarded to clients
  std::uint64_t events = 0;
  std::uint64_t busy = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t unavailable = 0;
  std::uint64_t retried = 0;
  std::uint64_t malformedDropped = 0;
  std::uint64_t workersExpired = 0;
};

struct BrokerSnapshot {
  std::vector<ServiceSnapshot> services;  // sorted by name
  BrokerCounters counters;
};

class Broker {
 public:
  Broker(zmq::context_t& ctx, BrokerOptions opts);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Before start(); may be called several times. Throws zmq::error_t if the endpoint cannot
  // be bound (a start-up configuration error). ipc:// parent directories must exist.
  void bind(const std::string& endpoint);
  void start();
  // Idempotent. Pending requests are dropped unanswered (clients time out on their side).
  void stop();

  BrokerSnapshot snapshot() const;
  bool hasLiveWorker(const std::string& service) const;
  // Increases on every loop pass (at least once per heartbeat); the systemd watchdog checks
  // that it moves.
  std::uint64_t loopIterations() const;

 private:
  struct State;
  void run();

  zmq::context_t& ctx_;
  BrokerOptions opts_;
  std::unique_ptr<State> state_;
  std::string controlEndpoint_;
  std::unique_ptr<zmq::socket_t> control_;  // owner side of the wake-up pair
  std::thread thread_;
  std::atomic<std::uint64_t> iterations_{0};
  bool started_ = false;
};

}  // namespace berichtd::bus
