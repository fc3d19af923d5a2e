// Worker: serves one bus service by calling a handler for each REQUEST and EVENT the broker
// routes to it (protocol "BRD1", see docs/bus.md). Connects a DEALER to the broker, announces
// READY, exchanges heartbeats, and reconnects with a fresh socket (READY again) when the
// broker is silent for liveness intervals or tells it to DISCONNECT.
//
// Threading: start()/stop() from the owner. The Worker's own thread does the socket I/O and
// calls the handler inline, one message at a time; while a handler runs, a second thread keeps
// the heartbeats going, so a slow handler never looks dead (a busy worker is alive; only a dead
// one is dropped). Every exception from the handler is caught and answered as PLUGIN_ERROR.
// The handler and the zmq::context_t must outlive the Worker; stop() (also from the
// destructor) waits for a running handler call to return.
#pragma once

#include <berichtd/message.hpp>
#include <berichtd/status.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <zmq.hpp>

namespace berichtd::bus {

using BusHandler = std::function<berichtd::Result<berichtd::Message>(const berichtd::Message&)>;

struct WorkerOptions {
  std::chrono::milliseconds heartbeat{1000};
  int liveness = 3;
  std::size_t maxMessageBytes = 4 << 20;
  std::chrono::milliseconds reconnectDelay{1000};
};

class Worker {
 public:
  Worker(zmq::context_t& ctx, std::string endpoint, std::string service, BusHandler handler,
         WorkerOptions opts);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  // Idempotent; tells the broker DISCONNECT so it stops routing here at once.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace berichtd::bus
