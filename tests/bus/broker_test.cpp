#include "bus/broker.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "bus/client.hpp"
#include "bus/protocol.hpp"
#include "bus/worker.hpp"

namespace berichtd::bus {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

std::atomic<int> gEndpointSeq{0};

template <typename Pred>
bool waitFor(Pred pred, std::chrono::milliseconds limit = 1500ms) {
  const auto end = SteadyClock::now() + limit;
  while (SteadyClock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

Message request(std::string service, std::string body, std::string action = "echo") {
  Message m;
  m.service = std::move(service);
  m.action = std::move(action);
  m.body = std::move(body);
  return m;
}

BusHandler tagged(std::string tag) {
  return [tag](const Message& m) -> Result<Message> {
    Message r = m;
    r.body = tag + ":" + m.body;
    return r;
  };
}

class BusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    endpoint_ = "inproc://bus-test-" + std::to_string(++gEndpointSeq);
    opts_.heartbeat = 50ms;
    opts_.liveness = 3;
    opts_.defaultTimeout = 1000ms;
    opts_.maxMessageBytes = 64 * 1024;
  }
  void TearDown() override {
    client_.reset();
    workers_.clear();
    broker_.reset();
  }

  void startBroker() {
    broker_ = std::make_unique<Broker>(ctx_, opts_);
    broker_->bind(endpoint_);
    broker_->start();
    client_ = std::make_unique<BusClient>(ctx_, endpoint_, opts_.maxMessageBytes);
  }
  WorkerOptions workerOptions() const {
    return {opts_.heartbeat, opts_.liveness, opts_.maxMessageBytes, 50ms};
  }
  Worker& addWorker(const std::string& service, BusHandler handler) {
    workers_.push_back(
        std::make_unique<Worker>(ctx_, endpoint_, service, std::move(handler), workerOptions()));
    workers_.back()->start();
    return *workers_.back();
  }
  std::size_t liveWorkers(const std::string& service) const {
    for (const auto& s : broker_->snapshot().services) {
      if (s.name == service) return s.liveWorkers;
    }
    return 0;
  }
  BrokerCounters counters() const { return broker_->snapshot().counters; }

  // A raw DEALER speaking the protocol by hand.
  std::unique_ptr<zmq::socket_t> rawPeer() {
    auto s = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::dealer);
    s->set(zmq::sockopt::linger, 0);
    s->connect(endpoint_);
    return s;
  }
  static void sendPacket(zmq::socket_t& s, const Packet& p) {
    auto frames = encode(p);
    ASSERT_TRUE(sendFrames(s, frames));
  }
  // Next packet that is not a heartbeat, or nullopt after the limit.
  static std::optional<Packet> recvPacket(zmq::socket_t& s,
                                          std::chrono::milliseconds limit = 1500ms) {
    const auto end = SteadyClock::now() + limit;
    Frames frames;
    while (SteadyClock::now() < end) {
      zmq::pollitem_t items[] = {{s.handle(), 0, ZMQ_POLLIN, 0}};
      zmq::poll(items, 1, 10ms);
      while (recvFrames(s, frames, true)) {
        auto p = decode(frames, 0, 1 << 20);
        if (p && p->command != Command::kHeartbeat) return std::move(p).value();
      }
    }
    return std::nullopt;
  }

  zmq::context_t ctx_;  // first member: destroyed last
  std::string endpoint_;
  BrokerOptions opts_;
  std::unique_ptr<Broker> broker_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<BusClient> client_;
};

TEST_F(BusTest, RoutesByServiceToTheRightWorker) {
  startBroker();
  addWorker("alpha", tagged("A"));
  addWorker("beta", tagged("B"));
  auto a = client_->call(request("alpha", "1"), 1000ms);
  auto b = client_->call(request("beta", "2"), 1000ms);
  ASSERT_TRUE(a) << a.status().toString();
  ASSERT_TRUE(b) << b.status().toString();
  EXPECT_EQ(a->body, "A:1");
  EXPECT_EQ(b->body, "B:2");
  EXPECT_EQ(counters().replies, 2u);
}

TEST_F(BusTest, PreservesEnvelopeFields) {
  startBroker();
  addWorker("echo", [](const Message& m) -> Result<Message> { return m; });
  Message req = request("echo", "body");
  req.correlationId = "corr-7";
  req.headers = {{"x-a", "1"}, {"x-b", ""}};
  auto r = client_->call(req, 1000ms);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->correlationId, "corr-7");
  EXPECT_EQ(r->headers, req.headers);
  EXPECT_EQ(r->action, "echo");
}

TEST_F(BusTest, SeveralWorkersShareLoad) {
  startBroker();
  std::mutex mu;
  std::map<std::string, int> served;
  for (std::string tag : {"w1", "w2"}) {
    addWorker("slow", [&, tag](const Message& m) -> Result<Message> {
      std::this_thread::sleep_for(20ms);
      std::lock_guard lock(mu);
      ++served[tag];
      return m;
    });
  }
  ASSERT_TRUE(waitFor([&] { return liveWorkers("slow") == 2; }));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (client_->call(request("slow", "x"), 1000ms)) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 8);
  std::lock_guard lock(mu);  // the handlers wrote under mu; read under it too
  EXPECT_GT(served["w1"], 0);
  EXPECT_GT(served["w2"], 0);
}

TEST_F(BusTest, BusyWhenQueueIsFull) {
  opts_.queueLimit = 2;
  startBroker();
  auto peer = rawPeer();
  for (std::uint64_t id = 1; id <= 3; ++id)
    sendPacket(*peer, requestPacket(id, 1000, request("nobody", "x")));
  auto reply = recvPacket(*peer, 500ms);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->id, 3u);
  EXPECT_EQ(reply->status.code(), "BUSY");
  EXPECT_EQ(counters().busy, 1u);
}

TEST_F(BusTest, ServiceUnavailableWhenNoWorker) {
  startBroker();
  const auto begin = SteadyClock::now();
  auto r = client_->call(request("nobody", "x"), 100ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), "SERVICE_UNAVAILABLE");
  EXPECT_LT(SteadyClock::now() - begin, 1000ms);
  EXPECT_EQ(counters().unavailable, 1u);
}

TEST_F(BusTest, QueuedRequestIsServedWhenAWorkerAppears) {
  startBroker();
  std::thread late([&] {
    std::this_thread::sleep_for(100ms);
    addWorker("late", tagged("L"));
  });
  auto r = client_->call(request("late", "x"), 1000ms);
  late.join();
  ASSERT_TRUE(r) << r.status().toString();
  EXPECT_EQ(r->body, "L:x");
}

TEST_F(BusTest, TimeoutWhenWorkerIsTooSlowAndLateReplyIsDiscarded) {
  startBroker();
  addWorker("slow", [](const Message& m) -> Result<Message> {
    if (m.body == "slow") std::this_thread::sleep_for(300ms);
    return m;
  });
  auto r = client_->call(request("slow", "slow"), 100ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), "TIMEOUT");
  // The worker answers the first request late; that answer must not reach this call.
  auto next = client_->call(request("slow", "fast"), 1000ms);
  ASSERT_TRUE(next) << next.status().toString();
  EXPECT_EQ(next->body, "fast");
  EXPECT_EQ(counters().timeouts, 1u);
  EXPECT_EQ(counters().replies, 1u);
}

TEST_F(BusTest, BusyHandlerLongerThanLivenessIsNotDropped) {
  startBroker();
  addWorker("slow", [](const Message& m) -> Result<Message> {
    std::this_thread::sleep_for(400ms);  // well beyond liveness x heartbeat = 150 ms
    return m;
  });
  auto r = client_->call(request("slow", "x"), 1500ms);
  ASSERT_TRUE(r) << r.status().toString();
  EXPECT_EQ(counters().workersExpired, 0u);
  EXPECT_EQ(counters().retried, 0u);
}

TEST_F(BusTest, SilentWorkerIsDroppedAndItsRequestRetriedOnAnother) {
  startBroker();
  auto silent = rawPeer();
  sendPacket(*silent, readyPacket("svc"));
  ASSERT_TRUE(waitFor([&] { return liveWorkers("svc") == 1; }));
  addWorker("svc", tagged("real"));
  ASSERT_TRUE(waitFor([&] { return liveWorkers("svc") == 2; }));
  Result<Message> r = Status::error("UNSET", "");
  std::thread caller([&] { r = client_->call(request("svc", "x"), 1500ms); });
  // The silent worker registered first, so it is given the request and then never answers.
  auto taken = recvPacket(*silent, 1000ms);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->command, Command::kRequest);
  caller.join();
  ASSERT_TRUE(r) << r.status().toString();
  EXPECT_EQ(r->body, "real:x");
  EXPECT_EQ(counters().workersExpired, 1u);
  EXPECT_EQ(counters().retried, 1u);
  EXPECT_EQ(liveWorkers("svc"), 1u);
}

TEST_F(BusTest, SilentWorkerRequestFailsWhenRetriesAreExhausted) {
  opts_.maxRetries = 0;
  startBroker();
  auto silent = rawPeer();
  sendPacket(*silent, readyPacket("svc"));
  ASSERT_TRUE(waitFor([&] { return liveWorkers("svc") == 1; }));
  const auto begin = SteadyClock::now();
  auto r = client_->call(request("svc", "x"), 1500ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), "SERVICE_UNAVAILABLE");
  // Failed when the worker was declared dead, not when the request's own timeout ran out.
  EXPECT_LT(SteadyClock::now() - begin, 1000ms);
  EXPECT_EQ(counters().workersExpired, 1u);
}

TEST_F(BusTest, RetriedRequestWithNoOtherWorkerFailsAtItsTimeout) {
  startBroker();
  auto silent = rawPeer();
  sendPacket(*silent, readyPacket("svc"));
  ASSERT_TRUE(waitFor([&] { return liveWorkers("svc") == 1; }));
  auto r = client_->call(request("svc", "x"), 400ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), "SERVICE_UNAVAILABLE");
  EXPECT_EQ(counters().retried, 1u);
}

TEST_F(BusTest, EventsReachAWorker) {
  startBroker();
  std::atomic<int> seen{0};
  std::string body;
  std::mutex mu;
  addWorker("audit", [&](const Message& m) -> Result<Message> {
    std::lock_guard lock(mu);
    body = m.body;
    ++seen;
    return Message{};
  });
  ASSERT_TRUE(waitFor([&] { return liveWorkers("audit") == 1; }));
  ASSERT_TRUE(client_->publish(request("audit", "login", "event")));
  ASSERT_TRUE(waitFor([&] { return seen == 1; }));
  std::lock_guard lock(mu);
  EXPECT_EQ(body, "login");
  EXPECT_EQ(counters().events, 1u);
}

TEST_F(BusTest, EventWaitsForAWorker) {
  startBroker();
  ASSERT_TRUE(client_->publish(request("audit", "early", "event")));
  std::atomic<int> seen{0};
  addWorker("audit", [&](const Message&) -> Result<Message> {
    ++seen;
    return Message{};
  });
  EXPECT_TRUE(waitFor([&] { return seen == 1; }));
}

TEST_F(BusTest, MmiServiceAnswers200Or404) {
  startBroker();
  addWorker("echo", tagged("E"));
  ASSERT_TRUE(waitFor([&] { return broker_->hasLiveWorker("echo"); }));
  auto yes = client_->call(request(std::string(kMmiService), "echo"), 500ms);
  auto no = client_->call(request(std::string(kMmiService), "nope"), 500ms);
  ASSERT_TRUE(yes);
  ASSERT_TRUE(no);
  EXPECT_EQ(yes->body, "200");
  EXPECT_EQ(no->body, "404");
  EXPECT_FALSE(broker_->hasLiveWorker("nope"));
}

TEST_F(BusTest, MalformedFramesAreDroppedCountedAndBrokerKeepsServing) {
  opts_.maxMessageBytes = 1024;
  startBroker();
  addWorker("echo", tagged("E"));
  auto peer = rawPeer();
  // Wrong frame count.
  peer->send(zmq::str_buffer("BRD1"), zmq::send_flags::sndmore);
  const std::uint8_t request = static_cast<std::uint8_t>(Command::kRequest);
  peer->send(zmq::const_buffer(&request, 1), zmq::send_flags::none);
  // Unknown protocol id.
  auto frames = encode(controlPacket(Command::kHeartbeat));
  frames[0] = zmq::message_t("MDPC01", 6);
  ASSERT_TRUE(sendFrames(*peer, frames));
  // Oversized body: the broker answers it, since the request id is readable.
  Message big = berichtd::bus::request("echo", std::string(4096, 'b'));
  sendPacket(*peer, requestPacket(77, 500, big));
  // A lone empty frame.
  peer->send(zmq::message_t(), zmq::send_flags::none);
  auto tooLarge = recvPacket(*peer, 1000ms);
  ASSERT_TRUE(tooLarge);
  EXPECT_EQ(tooLarge->id, 77u);
  EXPECT_EQ(tooLarge->status.code(), "MESSAGE_TOO_LARGE");
  ASSERT_TRUE(waitFor([&] { return counters().malformedDropped == 4; }))
      << counters().malformedDropped;
  auto ok = client_->call(berichtd::bus::request("echo", "still"), 1000ms);
  ASSERT_TRUE(ok) << ok.status().toString();
  EXPECT_EQ(ok->body, "E:still");
}

TEST_F(BusTest, ThrowingHandlerFailsOnlyThatRequest) {
  startBroker();
  addWorker("fragile", [](const Message& m) -> Result<Message> {
    if (m.action == "boom") throw std::runtime_error("kaput");
    return m;
  });
  auto bad = client_->call(request("fragile", "x", "boom"), 1000ms);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.status().code(), "PLUGIN_ERROR");
  auto good = client_->call(request("fragile", "y"), 1000ms);
  ASSERT_TRUE(good) << good.status().toString();
  EXPECT_EQ(good->body, "y");
}

TEST_F(BusTest, HandlerErrorCodeTravelsToTheClient) {
  startBroker();
  addWorker("picky", [](const Message&) -> Result<Message> {
    return Status::error("INVALID_ARGUMENT", "no such account");
  });
  auto r = client_->call(request("picky", "x"), 1000ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), "INVALID_ARGUMENT");
  EXPECT_EQ(r.status().message(), "no such account");
}

TEST_F(BusTest, ClientRefusesOversizedMessagesBeforeSending) {
  startBroker();
  auto r = client_->call(request("echo", std::string(opts_.maxMessageBytes + 1, 'x')), 100ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), "MESSAGE_TOO_LARGE");
  EXPECT_EQ(client_->publish(request("echo", std::string(opts_.maxMessageBytes + 1, 'x'))).code(),
            "MESSAGE_TOO_LARGE");
  EXPECT_EQ(counters().requests, 0u);
}

TEST_F(BusTest, ClientTimesOutWhenNoBrokerAnswers) {
  BusClient lonely(ctx_, endpoint_);
  const auto begin = SteadyClock::now();
  auto r = lonely.call(request("echo", "x"), 50ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), "TIMEOUT");
  EXPECT_LT(SteadyClock::now() - begin, 1000ms);
}

TEST_F(BusTest, ManyThreadsEachGetTheirOwnReplies) {
  startBroker();
  addWorker("echo", tagged("E"));
  addWorker("echo", tagged("E"));
  constexpr int kThreads = 16;
  constexpr int kCalls = 50;
  std::atomic<int> mismatches{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        const std::string body = std::to_string(t) + "/" + std::to_string(i);
        auto r = client_->call(request("echo", body), 1000ms);
        if (!r) {
          ++failures;
        } else if (r->body != "E:" + body) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(counters().replies, static_cast<std::uint64_t>(kThreads * kCalls));
}

TEST_F(BusTest, WorkerReregistersAfterBrokerRestart) {
  startBroker();
  addWorker("echo", tagged("E"));
  ASSERT_TRUE(client_->call(request("echo", "1"), 1000ms));
  client_.reset();
  broker_.reset();
  startBroker();
  auto r = client_->call(request("echo", "2"), 1500ms);
  ASSERT_TRUE(r) << r.status().toString();
  EXPECT_EQ(r->body, "E:2");
}

TEST_F(BusTest, LoopIterationsAdvanceWhileIdle) {
  startBroker();
  const auto before = broker_->loopIterations();
  EXPECT_TRUE(waitFor([&] { return broker_->loopIterations() > before + 1; }, 500ms));
}

TEST(BusIpc, ServesOverIpcInATempDir) {
  char tmpl[] = "/tmp/berichtd-bus-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir(tmpl);
  const std::string endpoint = "ipc://" + (dir / "bus.sock").string();
  {
    zmq::context_t ctx;
    BrokerOptions opts;
    opts.heartbeat = 50ms;
    Broker broker(ctx, opts);
    broker.bind(endpoint);
    broker.start();
    Worker worker(ctx, endpoint, "echo", tagged("ipc"), {50ms, 3, 4 << 20, 50ms});
    worker.start();
    BusClient client(ctx, endpoint);
    auto r = client.call(request("echo", "x"), 1000ms);
    ASSERT_TRUE(r) << r.status().toString();
    EXPECT_EQ(r->body, "ipc:x");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace berichtd::bus
