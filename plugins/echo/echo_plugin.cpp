// echo: the example plugin of the foundation, serving the bus service "echo". It exists to
// prove the plugin path end to end (loader, bus, plugin host) and to give tests a worker whose
// behaviour they choose by action:
//   echo          reply with the request body (prefixed by the `prefix` setting)
//   fail          reply with the error code in the body (default ECHO_FAILED)
//   throw         throw an exception (the SDK turns it into PLUGIN_ERROR)
//   sleep         sleep for the number of milliseconds in the body, then echo
//   whoami        reply with the process id (tells a plugin host from the daemon)
//   secret        reply with the length of the secret named in the body (never its value)
// Handles no secrets of its own; treats bodies as opaque bytes and never logs them.
#include <unistd.h>

#include <berichtd/berichtd.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

class EchoPlugin final : public berichtd::Plugin {
 public:
  static berichtd::Result<std::unique_ptr<EchoPlugin>> create(berichtd::PluginContext ctx) {
    auto maxSleep = ctx.config().getInt("max_sleep_ms", 60000);
    if (!maxSleep) return maxSleep.status();
    return std::make_unique<EchoPlugin>(std::move(ctx), *maxSleep);
  }
  EchoPlugin(berichtd::PluginContext ctx, int64_t maxSleepMs)
      : ctx_(std::move(ctx)), prefix_(ctx_.config().getOr("prefix", "")), maxSleepMs_(maxSleepMs) {}

  berichtd::Result<berichtd::Message> handle(const berichtd::Message& request) override {
    berichtd::Message reply = berichtd::replyTo(request);
    const std::string& a = request.action;
    if (a == "echo" || a.empty()) {
      reply.body = prefix_ + request.body;
    } else if (a == "fail") {
      return berichtd::Status::error(request.body.empty() ? "ECHO_FAILED" : request.body,
                                     "the echo plugin was asked to fail");
    } else if (a == "throw") {
      throw std::runtime_error("the echo plugin was asked to throw");
    } else if (a == "sleep") {
      int64_t ms = 0;
      try {
        ms = std::stoll(request.body);
      } catch (...) {
        return berichtd::Status::error("BAD_REQUEST", "sleep needs a number of milliseconds");
      }
      if (ms < 0 || ms > maxSleepMs_) {
        return berichtd::Status::error("BAD_REQUEST", "sleep out of range");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      reply.body = request.body;
    } else if (a == "whoami") {
      reply.body = std::to_string(::getpid());
    } else if (a == "secret") {
      auto s = ctx_.secret(request.body);
      if (!s) return berichtd::Status::error("NOT_FOUND", "no such secret");
      reply.body = std::to_string(s->size());
    } else {
      return berichtd::Status::error("UNKNOWN_ACTION", "the echo plugin has no action '" + a + "'");
    }
    return reply;
  }

 private:
  berichtd::PluginContext ctx_;
  std::string prefix_;
  int64_t maxSleepMs_;
};

}  // namespace

BERICHTD_PLUGIN(EchoPlugin, "echo", "1.0.0", "echo",
                "Echoes requests back; the foundation's example and test plugin")
