// bus_bench: throughput and latency of the bus over inproc, against raw cppzmq in the same run.
//
//   raw:    N client threads, each a DEALER doing request/reply round trips to one ROUTER echo
//           thread (one outstanding request per thread).
//   broker: N client threads calling BusClient::call -> Broker -> Worker(echo) -> back, with
//           W workers (one outstanding request per thread).
// Then latency p50/p99 of BusClient::call at half the broker's measured peak, paced open-loop
// per thread (each thread sends on a fixed schedule; a late send goes at once and is measured
// from its scheduled time, so queueing is not hidden).
// Bounded: about 15 s in total.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "bus/broker.hpp"
#include "bus/client.hpp"
#include "bus/worker.hpp"

namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;
using berichtd::Message;
using berichtd::Result;

// Overridable: bus_bench [clientThreads] [workers]
int kClientThreads = 8;
int kWorkers = 4;
constexpr auto kPhase = 3s;
constexpr std::size_t kBodyBytes = 256;

double rawThroughput(zmq::context_t& ctx) {
  const std::string endpoint = "inproc://bench-raw";
  std::atomic<bool> stop{false};
  zmq::socket_t router(ctx, zmq::socket_type::router);
  router.set(zmq::sockopt::linger, 0);
  router.bind(endpoint);
  std::thread echo([&] {
    zmq::message_t id;
    zmq::message_t body;
    while (!stop) {
      zmq::pollitem_t items[] = {{router.handle(), 0, ZMQ_POLLIN, 0}};
      zmq::poll(items, 1, 20ms);
      while (router.recv(id, zmq::recv_flags::dontwait)) {
        (void)router.recv(body);
        router.send(id, zmq::send_flags::sndmore);
        router.send(body, zmq::send_flags::none);
      }
    }
  });
  std::atomic<long> done{0};
  std::vector<std::thread> clients;
  const auto end = SteadyClock::now() + kPhase;
  for (int t = 0; t < kClientThreads; ++t) {
    clients.emplace_back([&] {
      zmq::socket_t dealer(ctx, zmq::socket_type::dealer);
      dealer.set(zmq::sockopt::linger, 0);
      dealer.connect(endpoint);
      const std::string payload(kBodyBytes, 'p');
      zmq::message_t reply;
      long n = 0;
      while (SteadyClock::now() < end) {
        dealer.send(zmq::buffer(payload), zmq::send_flags::none);
        (void)dealer.recv(reply);
        ++n;
      }
      done += n;
    });
  }
  const auto begin = SteadyClock::now();
  for (auto& c : clients) c.join();
  const double secs = std::chrono::duration<double>(SteadyClock::now() - begin).count();
  stop = true;
  echo.join();
  return static_cast<double>(done) / secs;
}

Message echoRequest() {
  Message m;
  m.service = "echo";
  m.action = "echo";
  m.body.assign(kBodyBytes, 'p');
  return m;
}

double brokerThroughput(berichtd::bus::BusClient& client, long& failures) {
  std::atomic<long> done{0};
  std::atomic<long> failed{0};
  std::vector<std::thread> clients;
  const auto end = SteadyClock::now() + kPhase;
  for (int t = 0; t < kClientThreads; ++t) {
    clients.emplace_back([&] {
      const Message req = echoRequest();
      long n = 0;
      while (SteadyClock::now() < end) {
        if (client.call(req, 2000ms)) {
          ++n;
        } else {
          ++failed;
        }
      }
      done += n;
    });
  }
  const auto begin = SteadyClock::now();
  for (auto& c : clients) c.join();
  const double secs = std::chrono::duration<double>(SteadyClock::now() - begin).count();
  failures = failed;
  return static_cast<double>(done) / secs;
}

struct Latency {
  double p50us = 0;
  double p99us = 0;
  double maxUs = 0;
  double achievedRate = 0;
  long failures = 0;
};

Latency pacedLatency(berichtd::bus::BusClient& client, double rate) {
  std::vector<std::vector<double>> samples(kClientThreads);
  std::atomic<long> failed{0};
  const auto interval = std::chrono::duration<double>(kClientThreads / rate);
  const auto begin = SteadyClock::now();
  const auto end = begin + kPhase;
  std::vector<std::thread> clients;
  for (int t = 0; t < kClientThreads; ++t) {
    clients.emplace_back([&, t] {
      const Message req = echoRequest();
      // Stagger the threads so their sends do not line up.
      auto next = begin + std::chrono::duration_cast<SteadyClock::duration>(
                              interval * (t / double(kClientThreads)));
      while (next < end) {
        std::this_thread::sleep_until(next);
        auto r = client.call(req, 2000ms);
        const auto now = SteadyClock::now();
        if (!r) ++failed;
        samples[t].push_back(std::chrono::duration<double, std::micro>(now - next).count());
        next += std::chrono::duration_cast<SteadyClock::duration>(interval);
      }
    });
  }
  for (auto& c : clients) c.join();
  std::vector<double> all;
  for (auto& s : samples) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  Latency l;
  if (all.empty()) return l;
  l.p50us = all[all.size() / 2];
  l.p99us = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  l.maxUs = all.back();
  l.achievedRate = static_cast<double>(all.size()) / std::chrono::duration<double>(kPhase).count();
  l.failures = failed;
  return l;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) kClientThreads = std::max(1, std::atoi(argv[1]));
  if (argc > 2) kWorkers = std::max(1, std::atoi(argv[2]));
  zmq::context_t ctx;
  const double raw = rawThroughput(ctx);

  const std::string endpoint = "inproc://bench-bus";
  berichtd::bus::BrokerOptions opts;
  berichtd::bus::Broker broker(ctx, opts);
  broker.bind(endpoint);
  broker.start();
  std::vector<std::unique_ptr<berichtd::bus::Worker>> workers;
  for (int i = 0; i < kWorkers; ++i) {
    workers.push_back(std::make_unique<berichtd::bus::Worker>(
        ctx, endpoint, "echo", [](const Message& m) -> Result<Message> { return m; },
        berichtd::bus::WorkerOptions{}));
    workers.back()->start();
  }
  berichtd::bus::BusClient client(ctx, endpoint);
  while (!broker.hasLiveWorker("echo")) std::this_thread::sleep_for(1ms);
  // Warm the client socket pool.
  for (int i = 0; i < 1000; ++i) (void)client.call(echoRequest(), 1000ms);

  long failures = 0;
  const double peak = brokerThroughput(client, failures);
  const Latency lat = pacedLatency(client, peak / 2);

  const double ratio = peak / raw;
  std::printf(
      "bus_bench: %d client threads, %d workers, %zu-byte bodies, inproc, %lld s per phase\n",
      kClientThreads, kWorkers, kBodyBytes,
      static_cast<long long>(std::chrono::seconds(kPhase).count()));
  std::printf("| measurement | value |\n|---|---|\n");
  std::printf("| raw DEALER->ROUTER echo | %.0f req/s |\n", raw);
  std::printf("| BusClient->Broker->Worker echo (peak) | %.0f req/s (%ld failed) |\n", peak,
              failures);
  std::printf("| ratio broker/raw | %.1f %% (target >= 25 %%: %s) |\n", ratio * 100,
              ratio >= 0.25 ? "met" : "MISSED");
  std::printf("| paced load (half peak) | %.0f req/s target, %.0f req/s achieved (%ld failed) |\n",
              peak / 2, lat.achievedRate, lat.failures);
  std::printf("| latency p50 at half peak | %.0f us |\n", lat.p50us);
  std::printf("| latency p99 at half peak | %.0f us (target < 1000 us: %s) |\n", lat.p99us,
              lat.p99us < 1000 ? "met" : "MISSED");
  std::printf("| latency max at half peak | %.0f us |\n", lat.maxUs);
  return 0;
}
