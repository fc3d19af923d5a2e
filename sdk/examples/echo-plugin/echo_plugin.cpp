// example-echo: the smallest useful plugin. Serves the bus service "example-echo"; answers
// every request with its own body, prefixed by the configured `prefix` (default empty).
// Handles no secrets; treats the body as opaque bytes.
#include <berichtd/berichtd.hpp>

#include <memory>
#include <string>

class ExampleEcho final : public berichtd::Plugin {
 public:
  static berichtd::Result<std::unique_ptr<ExampleEcho>> create(berichtd::PluginContext ctx) {
    return std::make_unique<ExampleEcho>(ctx.config().getOr("prefix", ""));
  }
  explicit ExampleEcho(std::string prefix) : prefix_(std::move(prefix)) {}

  berichtd::Result<berichtd::Message> handle(const berichtd::Message& request) override {
    berichtd::Message reply;
    reply.body = prefix_ + request.body;
    return reply;
  }

 private:
  std::string prefix_;
};

BERICHTD_PLUGIN(ExampleEcho, "example-echo", "1.0.0", "example-echo",
                "Echoes the request body; an out-of-tree SDK example")
