#include "bus/worker.hpp"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "bus/protocol.hpp"
#include "core/logging.hpp"

namespace berichtd::bus {
namespace {

using SteadyClock = std::chrono::steady_clock;
std::atomic<std::uint64_t> gWorkerSeq{0};

}  // namespace

// The handler runs inline on the I/O thread: a thread hand-off per request would cost about a
// third of the bus's throughput. So that a slow handler does not look dead, a pacer thread
// sends the heartbeats while a handler runs. The DEALER is then used by two threads, but never
// at once: socketMu is held by the I/O thread except during handler calls, and the pacer only
// touches the socket after try_lock succeeds; the mutex is the full memory barrier that ZeroMQ
// requires to move a socket between threads.
struct Worker::Impl {
  Impl(zmq::context_t& c, std::string e, std::string s, BusHandler h, WorkerOptions o)
      : ctx(c), endpoint(std::move(e)), service(std::move(s)), handler(std::move(h)), opts(o) {
    wakeEndpoint = "inproc://berichtd-worker-wake-" + std::to_string(++gWorkerSeq);
    wake = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::pull);
    wake->set(zmq::sockopt::linger, 0);
    wake->bind(wakeEndpoint);
  }

  void ioLoop();
  void pacerLoop();
  void connect();
  void sendPacket(const Packet& p);
  // Runs the handler with socketMu released (lock is held on entry and on return).
  Packet runHandler(const Packet& in, std::unique_lock<std::mutex>& lock);

  zmq::context_t& ctx;
  std::string endpoint;
  std::string service;
  BusHandler handler;
  WorkerOptions opts;
  std::string wakeEndpoint;
  std::unique_ptr<zmq::socket_t> wake;  // I/O thread: woken by stop()
  std::thread io;
  std::thread pacer;
  std::atomic<bool> stopping{false};

  std::mutex socketMu;  // guards dealer, out
  std::unique_ptr<zmq::socket_t> dealer;
  Frames out;
  std::atomic<bool> inHandler{false};

  std::mutex pacerMu;  // only for pacerCv
  std::condition_variable pacerCv;
};

Worker::Worker(zmq::context_t& ctx, std::string endpoint, std::string service, BusHandler handler,
               WorkerOptions opts)
    : impl_(std::make_unique<Impl>(ctx, std::move(endpoint), std::move(service), std::move(handler),
                                   opts)) {}

Worker::~Worker() { stop(); }

void Worker::start() {
  if (impl_->io.joinable()) return;
  impl_->io = std::thread([this] { impl_->ioLoop(); });
  impl_->pacer = std::thread([this] { impl_->pacerLoop(); });
}

void Worker::stop() {
  if (!impl_->io.joinable()) return;
  {
    std::lock_guard lock(impl_->pacerMu);
    impl_->stopping = true;
  }
  impl_->pacerCv.notify_all();
  {
    zmq::socket_t push(impl_->ctx, zmq::socket_type::push);
    push.set(zmq::sockopt::linger, 0);
    push.connect(impl_->wakeEndpoint);
    push.send(zmq::str_buffer("stop"), zmq::send_flags::dontwait);
  }
  impl_->io.join();
  impl_->pacer.join();
}

void Worker::Impl::sendPacket(const Packet& p) {
  out.clear();
  encode(p, out);
  sendFrames(*dealer, out);
}

void Worker::Impl::connect() {
  dealer = std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::dealer);
  dealer->set(zmq::sockopt::linger, 0);
  dealer->connect(endpoint);
  sendPacket(readyPacket(service));
}

void Worker::Impl::pacerLoop() {
  std::unique_lock wait(pacerMu);
  while (!pacerCv.wait_for(wait, opts.heartbeat, [this] { return stopping.load(); })) {
    if (!inHandler) continue;
    std::unique_lock lock(socketMu, std::try_to_lock);
    if (lock.owns_lock() && inHandler && dealer) {
      try {
        sendPacket(controlPacket(Command::kHeartbeat));
      } catch (const zmq::error_t&) {
        // The I/O thread sees the same failure and reports it.
      }
    }
  }
}

Packet Worker::Impl::runHandler(const Packet& in, std::unique_lock<std::mutex>& lock) {
  Status status;
  Message reply;
  inHandler = true;
  lock.unlock();
  try {
    auto r = handler(in.message);
    if (r) {
      reply = std::move(r).value();
      if (envelopeSize(reply) > opts.maxMessageBytes) {
        status = Status::error(std::string(kMessageTooLarge),
                               "handler reply exceeds the message size limit");
        reply = {};
      }
    } else {
      status = r.status();
    }
  } catch (const std::exception& e) {
    status = Status::error(std::string(kPluginError), std::string("handler threw: ") + e.what());
  } catch (...) {
    status = Status::error(std::string(kPluginError), "handler threw a non-standard exception");
  }
  lock.lock();
  inHandler = false;
  if (!status) {
    logger("bus").warning("handler for %s action %s failed: %s", service, in.message.action,
                          status.code());
  }
  return replyPacket(in.id, std::move(status), std::move(reply));
}

void Worker::Impl::ioLoop() {
  std::unique_lock lock(socketMu);
  try {
    connect();
    auto lastHeard = SteadyClock::now();
    auto nextHeartbeat = lastHeard + opts.heartbeat;
    Frames frames;
    while (!stopping) {
      auto now = SteadyClock::now();
      const auto waitMs = std::max<long long>(
          0, std::chrono::ceil<std::chrono::milliseconds>(nextHeartbeat - now).count());
      zmq::pollitem_t items[] = {{dealer->handle(), 0, ZMQ_POLLIN, 0},
                                 {wake->handle(), 0, ZMQ_POLLIN, 0}};
      zmq::poll(items, 2, std::chrono::milliseconds(waitMs));
      if ((items[1].revents & ZMQ_POLLIN) != 0 || stopping) break;
      bool reconnect = false;
      if ((items[0].revents & ZMQ_POLLIN) != 0) {
        while (!stopping && recvFrames(*dealer, frames, true)) {
          lastHeard = SteadyClock::now();
          auto p = decode(frames, 0, opts.maxMessageBytes);
          if (!p) {
            logger("bus").warning("worker %s dropped a packet from the broker: %s", service,
                                  p.status().toString());
            continue;
          }
          if (p->command == Command::kRequest) {
            sendPacket(runHandler(*p, lock));
          } else if (p->command == Command::kEvent) {
            (void)runHandler(*p, lock);
          } else if (p->command == Command::kDisconnect) {
            reconnect = true;
            break;
          }
        }
      }
      now = SteadyClock::now();
      if (!reconnect && now - lastHeard > opts.heartbeat * opts.liveness) {
        logger("bus").warning("worker %s lost the broker; reconnecting", service);
        reconnect = true;
      }
      if (reconnect) {
        dealer.reset();
        zmq::pollitem_t w[] = {{wake->handle(), 0, ZMQ_POLLIN, 0}};
        zmq::poll(w, 1, opts.reconnectDelay);
        if (stopping) break;
        connect();
        lastHeard = SteadyClock::now();
        nextHeartbeat = lastHeard + opts.heartbeat;
        continue;
      }
      if (now >= nextHeartbeat) {
        sendPacket(controlPacket(Command::kHeartbeat));
        nextHeartbeat = now + opts.heartbeat;
      }
    }
    if (dealer) {
      // Give the goodbye a moment to leave over ipc/tcp; inproc delivers at once.
      dealer->set(zmq::sockopt::linger, 100);
      sendPacket(controlPacket(Command::kDisconnect));
    }
  } catch (const zmq::error_t& e) {
    logger("bus").error("worker %s stopped: %s", service, std::string(e.what()));
  }
  dealer.reset();
  wake.reset();
}

}  // namespace berichtd::bus
