#include "bus/broker.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "bus/protocol.hpp"
#include "core/logging.hpp"

namespace berichtd::bus {
namespace {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;

// Messages handled per poll wake-up before timers are looked at again, so a flood cannot
// starve heartbeats and deadlines.
constexpr int kBatch = 256;

Frames takeEnvelope(Frames& frames, std::size_t at) {
  Frames env;
  env.reserve(kEnvelopeFrames);
  for (std::size_t i = at; i < at + kEnvelopeFrames; ++i) env.push_back(std::move(frames[i]));
  return env;
}
std::atomic<std::uint64_t> gBrokerSeq{0};

}  // namespace

struct Broker::State {
  struct WorkerRec {
    std::string service;
    TimePoint expiry;
    std::uint64_t current = 0;  // broker request id being handled, 0 when idle
  };
  struct RequestRec {
    std::string client;  // ROUTER identity
    std::uint64_t clientId = 0;
    std::string service;
    Frames envelope;  // the five envelope frames as received: forwarded without copying
    TimePoint deadline;
    int attempts = 0;
    bool event = false;
    std::string worker;  // empty while queued
  };
  struct ServiceRec {
    std::deque<std::uint64_t> queue;
    std::deque<std::string> idle;
    std::size_t workers = 0;
    std::size_t inFlight = 0;
  };

  State(zmq::context_t& ctx, BrokerOptions o) : opts(o), router(ctx, zmq::socket_type::router) {}

  void handle(Frames& frames, TimePoint now);
  void onReady(const std::string& peer, std::string service, TimePoint now);
  void onRequest(const std::string& peer, Packet& p, Frames& frames, TimePoint now);
  void onEvent(const std::string& peer, Packet& p, Frames& frames, TimePoint now);
  void onReply(const std::string& peer, Packet& p, Frames& frames, TimePoint now);
  void beginFrames(const std::string& peer, Command c);
  void removeWorker(const std::string& peer, bool expired);
  void dispatch(const std::string& service, TimePoint now);
  void expireDeadlines(TimePoint now);
  void heartbeat(TimePoint now);
  void replyError(const std::string& client, std::uint64_t clientId, std::string_view code,
                  std::string text);
  void send(const std::string& peer, const Packet& p);
  void finishRequest(std::uint64_t id);

  BrokerOptions opts;

  zmq::socket_t router;
  mutable std::mutex mu;  // guards everything below; the broker thread holds it while working
  std::unordered_map<std::string, WorkerRec> workers;
  std::unordered_map<std::uint64_t, RequestRec> requests;
  std::map<std::string, ServiceRec> services;
  std::set<std::pair<TimePoint, std::uint64_t>> deadlines;
  BrokerCounters counters;
  std::uint64_t nextId = 1;
  Frames out;                          // reused send buffer
  std::vector<std::string> endpoints;  // bound; owner thread before start, then broker thread
};

Broker::Broker(zmq::context_t& ctx, BrokerOptions opts)
    : ctx_(ctx), opts_(opts), state_(std::make_unique<State>(ctx, opts)) {
  state_->router.set(zmq::sockopt::linger, 0);
  state_->router.set(zmq::sockopt::rcvhwm, 100000);
  state_->router.set(zmq::sockopt::sndhwm, 100000);
  controlEndpoint_ = "inproc://berichtd-broker-control-" + std::to_string(++gBrokerSeq);
  control_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::pull);
  control_->set(zmq::sockopt::linger, 0);
  control_->bind(controlEndpoint_);
}

Broker::~Broker() { stop(); }

void Broker::bind(const std::string& endpoint) {
  state_->router.bind(endpoint);
  state_->endpoints.push_back(endpoint);
}

void Broker::start() {
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { run(); });
}

void Broker::stop() {
  if (thread_.joinable()) {
    zmq::socket_t wake(ctx_, zmq::socket_type::push);
    wake.set(zmq::sockopt::linger, 0);
    wake.connect(controlEndpoint_);
    wake.send(zmq::str_buffer("stop"), zmq::send_flags::none);
    thread_.join();
  }
}

BrokerSnapshot Broker::snapshot() const {
  std::lock_guard lock(state_->mu);
  BrokerSnapshot snap;
  snap.counters = state_->counters;
  for (const auto& [name, svc] : state_->services) {
    snap.services.push_back({name, svc.workers, svc.idle.size(), svc.queue.size(), svc.inFlight});
  }
  return snap;
}

bool Broker::hasLiveWorker(const std::string& service) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->services.find(service);
  return it != state_->services.end() && it->second.workers > 0;
}

std::uint64_t Broker::loopIterations() const { return iterations_.load(std::memory_order_relaxed); }

void Broker::State::send(const std::string& peer, const Packet& p) {
  out.clear();
  out.emplace_back(peer.data(), peer.size());
  encode(p, out);
  // ROUTER drops messages to unknown or full peers; that is the peer's loss, not ours.
  sendFrames(router, out);
}

void Broker::State::replyError(const std::string& client, std::uint64_t clientId,
                               std::string_view code, std::string text) {
  send(client, replyPacket(clientId, Status::error(std::string(code), std::move(text)), {}));
}

void Broker::State::handle(Frames& frames, TimePoint now) {
  if (frames.empty()) return;
  const std::string peer = frames[0].to_string();
  auto decoded = decodeForRouting(frames, 1, opts.maxMessageBytes);
  if (!decoded) {
    ++counters.malformedDropped;
    logger("bus").warning("dropped malformed packet: %s", decoded.status().toString());
    // An oversized but otherwise well-formed request still deserves an answer.
    if (decoded.status().code() == kMessageTooLarge && frames.size() == 10 &&
        frames[2].size() == 1 &&
        *static_cast<const std::uint8_t*>(frames[2].data()) ==
            static_cast<std::uint8_t>(Command::kRequest) &&
        frames[3].size() == 8) {
      std::uint64_t id = 0;
      const auto* b = static_cast<const unsigned char*>(frames[3].data());
      for (int i = 0; i < 8; ++i) id = (id << 8) | b[i];
      replyError(peer, id, kMessageTooLarge, decoded.status().message());
    }
    return;
  }
  Packet& p = decoded.value();
  switch (p.command) {
    case Command::kReady:
      onReady(peer, std::move(p.service), now);
      break;
    case Command::kRequest:
      onRequest(peer, p, frames, now);
      break;
    case Command::kEvent:
      onEvent(peer, p, frames, now);
      break;
    case Command::kReply:
      onReply(peer, p, frames, now);
      break;
    case Command::kHeartbeat: {
      auto it = workers.find(peer);
      if (it != workers.end()) {
        it->second.expiry = now + opts.heartbeat * opts.liveness;
      } else {
        // A worker we dropped (or never knew) is still beating: make it register again.
        send(peer, controlPacket(Command::kDisconnect));
      }
      break;
    }
    case Command::kDisconnect:
      if (workers.count(peer) != 0) removeWorker(peer, false);
      break;
  }
}

void Broker::State::onReady(const std::string& peer, std::string service, TimePoint now) {
  if (auto it = workers.find(peer); it != workers.end()) {
    if (it->second.service == service) {
      it->second.expiry = now + opts.heartbeat * opts.liveness;
      return;
    }
    removeWorker(peer, false);
  }
  if (service.rfind("mmi.", 0) == 0) {
    ++counters.malformedDropped;
    logger("bus").warning("refused worker for reserved service %s", service);
    send(peer, controlPacket(Command::kDisconnect));
    return;
  }
  workers[peer] = WorkerRec{service, now + opts.heartbeat * opts.liveness, 0};
  auto& svc = services[service];
  ++svc.workers;
  svc.idle.push_back(peer);
  logger("bus").debug("worker registered for %s", service);
  dispatch(service, now);
}

void Broker::State::beginFrames(const std::string& peer, Command c) {
  out.clear();
  out.emplace_back(peer.data(), peer.size());
  out.emplace_back(kProtocolId.data(), kProtocolId.size());
  const auto cmd = static_cast<std::uint8_t>(c);
  out.emplace_back(&cmd, 1);
}

void Broker::State::onRequest(const std::string& peer, Packet& p, Frames& frames, TimePoint now) {
  ++counters.requests;
  const std::size_t env = envelopeFrameIndex(Command::kRequest, 1);
  if (p.message.service == kMmiService) {
    auto it = services.find(frames[env + 4].to_string());
    Message reply;
    reply.service = std::string(kMmiService);
    reply.correlationId = frames[env + 2].to_string();
    reply.body = (it != services.end() && it->second.workers > 0) ? "200" : "404";
    send(peer, replyPacket(p.id, Status::ok(), std::move(reply)));
    return;
  }
  auto& svc = services[p.message.service];
  if (svc.queue.size() >= opts.queueLimit) {
    ++counters.busy;
    replyError(peer, p.id, kBusy, "queue for service " + p.message.service + " is full");
    return;
  }
  const auto timeout =
      p.timeoutMs == 0 ? opts.defaultTimeout : std::chrono::milliseconds(p.timeoutMs);
  const std::uint64_t id = nextId++;
  RequestRec rec;
  rec.client = peer;
  rec.clientId = p.id;
  rec.service = p.message.service;
  rec.envelope = takeEnvelope(frames, env);
  rec.deadline = now + timeout;
  deadlines.emplace(rec.deadline, id);
  svc.queue.push_back(id);
  const std::string service = rec.service;
  requests.emplace(id, std::move(rec));
  dispatch(service, now);
}

void Broker::State::onEvent(const std::string& peer, Packet& p, Frames& frames, TimePoint now) {
  (void)peer;
  ++counters.events;
  auto& svc = services[p.message.service];
  if (svc.queue.size() >= opts.queueLimit) {
    ++counters.busy;
    logger("bus").warning("dropped event for %s: queue full", p.message.service);
    return;
  }
  const std::uint64_t id = nextId++;
  RequestRec rec;
  rec.event = true;
  rec.service = p.message.service;
  rec.envelope = takeEnvelope(frames, envelopeFrameIndex(Command::kEvent, 1));
  rec.deadline = now + opts.defaultTimeout;
  deadlines.emplace(rec.deadline, id);
  svc.queue.push_back(id);
  const std::string service = rec.service;
  requests.emplace(id, std::move(rec));
  dispatch(service, now);
}

void Broker::State::onReply(const std::string& peer, Packet& p, Frames& frames, TimePoint now) {
  auto wit = workers.find(peer);
  if (wit == workers.end()) {
    send(peer, controlPacket(Command::kDisconnect));
    return;
  }
  auto& worker = wit->second;
  worker.expiry = now + opts.heartbeat * opts.liveness;
  if (worker.current != p.id) return;  // not what it was given: ignore, keep it busy
  worker.current = 0;
  auto& svc = services[worker.service];
  if (svc.inFlight > 0) --svc.inFlight;
  svc.idle.push_back(peer);
  // Absent when the request already timed out: the late reply is discarded.
  if (auto rit = requests.find(p.id); rit != requests.end()) {
    ++counters.replies;
    // [id][code][text][envelope]: only the id is rewritten; the rest moves on as received.
    beginFrames(rit->second.client, Command::kReply);
    out.push_back(bigEndianFrame(rit->second.clientId, 8));
    for (std::size_t i = 4; i < frames.size(); ++i) out.push_back(std::move(frames[i]));
    sendFrames(router, out);
    finishRequest(p.id);
  }
  dispatch(worker.service, now);
}

void Broker::State::finishRequest(std::uint64_t id) {
  auto it = requests.find(id);
  if (it == requests.end()) return;
  deadlines.erase({it->second.deadline, id});
  requests.erase(it);
}

void Broker::State::dispatch(const std::string& service, TimePoint now) {
  auto sit = services.find(service);
  if (sit == services.end()) return;
  auto& svc = sit->second;
  while (!svc.queue.empty() && !svc.idle.empty()) {
    const std::uint64_t id = svc.queue.front();
    svc.queue.pop_front();
    auto rit = requests.find(id);
    if (rit == requests.end()) continue;
    std::string peer = std::move(svc.idle.front());
    svc.idle.pop_front();
    auto& rec = rit->second;
    if (rec.event) {
      beginFrames(peer, Command::kEvent);
      for (auto& f : rec.envelope) out.push_back(std::move(f));
      sendFrames(router, out);
      svc.idle.push_back(std::move(peer));
      finishRequest(id);
      continue;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(rec.deadline - now).count();
    beginFrames(peer, Command::kRequest);
    out.push_back(bigEndianFrame(id, 8));
    out.push_back(bigEndianFrame(static_cast<std::uint64_t>(std::max<long long>(1, left)), 4));
    // Copies share the buffer (reference counted); the original stays for a resend.
    for (auto& f : rec.envelope) {
      out.emplace_back();
      out.back().copy(f);
    }
    sendFrames(router, out);
    rec.worker = peer;
    workers[peer].current = id;
    ++svc.inFlight;
  }
}

void Broker::State::removeWorker(const std::string& peer, bool expired) {
  auto wit = workers.find(peer);
  if (wit == workers.end()) return;
  const std::string service = wit->second.service;
  const std::uint64_t current = wit->second.current;
  workers.erase(wit);
  auto& svc = services[service];
  --svc.workers;
  std::erase(svc.idle, peer);
  if (expired) {
    ++counters.workersExpired;
    logger("bus").warning("worker for %s expired (no heartbeat)", service);
  }
  if (current != 0) {
    if (svc.inFlight > 0) --svc.inFlight;
    if (auto rit = requests.find(current); rit != requests.end()) {
      auto& rec = rit->second;
      rec.worker.clear();
      if (rec.attempts < opts.maxRetries) {
        ++rec.attempts;
        ++counters.retried;
        svc.queue.push_front(current);
      } else {
        ++counters.unavailable;
        replyError(rec.client, rec.clientId, kServiceUnavailable,
                   "worker for " + service + " died and retries are exhausted");
        finishRequest(current);
      }
    }
  }
}

void Broker::State::expireDeadlines(TimePoint now) {
  while (!deadlines.empty() && deadlines.begin()->first <= now) {
    const std::uint64_t id = deadlines.begin()->second;
    auto rit = requests.find(id);
    if (rit == requests.end()) {
      deadlines.erase(deadlines.begin());
      continue;
    }
    auto& rec = rit->second;
    auto& svc = services[rec.service];
    if (rec.worker.empty()) {
      std::erase(svc.queue, id);
      if (!rec.event) {
        if (svc.workers == 0) {
          ++counters.unavailable;
          replyError(rec.client, rec.clientId, kServiceUnavailable,
                     "no live worker for " + rec.service);
        } else {
          ++counters.timeouts;
          replyError(rec.client, rec.clientId, kTimeout,
                     "request for " + rec.service + " waited too long");
        }
      } else {
        logger("bus").warning("dropped event for %s: no worker in time", rec.service);
      }
    } else {
      // The worker stays busy until it answers; its late reply is then discarded.
      ++counters.timeouts;
      replyError(rec.client, rec.clientId, kTimeout,
                 "worker for " + rec.service + " did not answer in time");
    }
    finishRequest(id);
  }
}

void Broker::State::heartbeat(TimePoint now) {
  std::vector<std::string> dead;
  for (const auto& [peer, w] : workers) {
    if (w.expiry <= now) {
      dead.push_back(peer);
    } else {
      send(peer, controlPacket(Command::kHeartbeat));
    }
  }
  std::set<std::string> touched;
  for (const auto& peer : dead) {
    touched.insert(workers[peer].service);
    removeWorker(peer, true);
  }
  for (const auto& service : touched) dispatch(service, now);
  std::erase_if(services, [](const auto& kv) {
    return kv.second.workers == 0 && kv.second.queue.empty() && kv.second.inFlight == 0;
  });
}

void Broker::run() {
  State& st = *state_;
  auto nextHeartbeat = SteadyClock::now() + opts_.heartbeat;
  Frames frames;
  frames.reserve(16);
  try {
    while (true) {
      auto now = SteadyClock::now();
      TimePoint wake = nextHeartbeat;
      {
        std::lock_guard lock(st.mu);
        if (!st.deadlines.empty()) wake = std::min(wake, st.deadlines.begin()->first);
      }
      const auto waitMs =
          std::max<long long>(0, std::chrono::ceil<std::chrono::milliseconds>(wake - now).count());
      zmq::pollitem_t items[] = {{st.router.handle(), 0, ZMQ_POLLIN, 0},
                                 {control_->handle(), 0, ZMQ_POLLIN, 0}};
      zmq::poll(items, 2, std::chrono::milliseconds(waitMs));
      if ((items[1].revents & ZMQ_POLLIN) != 0) break;
      iterations_.fetch_add(1, std::memory_order_relaxed);
      std::lock_guard lock(st.mu);
      now = SteadyClock::now();
      if ((items[0].revents & ZMQ_POLLIN) != 0) {
        for (int i = 0; i < kBatch && recvFrames(st.router, frames, true); ++i)
          st.handle(frames, now);
      }
      now = SteadyClock::now();
      if (now >= nextHeartbeat) {
        st.heartbeat(now);
        nextHeartbeat = now + opts_.heartbeat;
      }
      st.expireDeadlines(now);
    }
  } catch (const zmq::error_t& e) {
    logger("bus").error("broker loop stopped: %s", std::string(e.what()));
  }
  // Unbind explicitly: close() releases endpoints asynchronously, and a restarted broker must be
  // able to bind the same inproc/ipc address at once.
  for (const auto& endpoint : state_->endpoints) {
    try {
      state_->router.unbind(endpoint);
    } catch (const zmq::error_t&) {
      // tcp endpoints bound with a wildcard port cannot be unbound by name; close() handles them.
    }
  }
  state_->router.close();
}

}  // namespace berichtd::bus
