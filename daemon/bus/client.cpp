#include "bus/client.hpp"

#include "bus/protocol.hpp"
#include "core/logging.hpp"

namespace berichtd::bus {

BusClient::BusClient(zmq::context_t& ctx, std::string endpoint, std::size_t maxMessageBytes)
    : ctx_(ctx), endpoint_(std::move(endpoint)), maxMessageBytes_(maxMessageBytes) {}

BusClient::~BusClient() = default;

std::unique_ptr<zmq::socket_t> BusClient::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto s = std::move(idle_.back());
      idle_.pop_back();
      return s;
    }
  }
  auto s = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::dealer);
  // Short linger: an event published just before shutdown may still leave over ipc/tcp.
  s->set(zmq::sockopt::linger, 100);
  s->connect(endpoint_);
  return s;
}

void BusClient::release(std::unique_ptr<zmq::socket_t> socket) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(socket));
}

Result<Message> BusClient::call(const Message& req, std::chrono::milliseconds timeout) {
  if (envelopeSize(req) > maxMessageBytes_) {
    return Status::error(std::string(kMessageTooLarge),
                         "request exceeds " + std::to_string(maxMessageBytes_) + " bytes");
  }
  if (timeout.count() < 0) timeout = std::chrono::milliseconds(0);
  const std::uint64_t id = nextId_.fetch_add(1, std::memory_order_relaxed);
  auto socket = acquire();
  Frames frames;
  frames.reserve(12);
  encode(requestPacket(id, static_cast<std::uint32_t>(timeout.count()), req), frames);
  try {
    if (!sendFrames(*socket, frames)) {
      release(std::move(socket));
      return Status::error(std::string(kBusy), "bus socket would block");
    }
    const auto deadline =
        std::chrono::steady_clock::now() + (timeout.count() == 0 ? kDefaultWait : timeout) + kGrace;
    while (true) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      zmq::pollitem_t items[] = {{socket->handle(), 0, ZMQ_POLLIN, 0}};
      zmq::poll(items, 1, left);
      if ((items[0].revents & ZMQ_POLLIN) == 0) continue;
      while (recvFrames(*socket, frames, true)) {
        auto p = decode(frames, 0, maxMessageBytes_);
        if (!p) {
          logger("bus").warning("client dropped a packet from the broker: %s",
                                p.status().toString());
          continue;
        }
        if (p->command != Command::kReply || p->id != id)
          continue;  // stale reply to an earlier call
        release(std::move(socket));
        if (!p->status) return std::move(p->status);
        return std::move(p->message);
      }
    }
  } catch (const zmq::error_t& e) {
    return Status::error(std::string(kServiceUnavailable),
                         std::string("bus socket error: ") + e.what());
  }
  release(std::move(socket));
  return Status::error(std::string(kTimeout),
                       "no answer from the broker for service " + req.service);
}

Status BusClient::publish(const Message& event) {
  if (envelopeSize(event) > maxMessageBytes_) {
    return Status::error(std::string(kMessageTooLarge),
                         "event exceeds " + std::to_string(maxMessageBytes_) + " bytes");
  }
  auto socket = acquire();
  Frames frames;
  frames.reserve(8);
  encode(eventPacket(event), frames);
  bool sent = false;
  try {
    sent = sendFrames(*socket, frames);
  } catch (const zmq::error_t& e) {
    release(std::move(socket));
    return Status::error(std::string(kServiceUnavailable),
                         std::string("bus socket error: ") + e.what());
  }
  release(std::move(socket));
  if (!sent) return Status::error(std::string(kBusy), "bus socket would block");
  return Status::ok();
}

}  // namespace berichtd::bus
