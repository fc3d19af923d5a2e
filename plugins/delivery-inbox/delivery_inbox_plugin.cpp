// delivery-inbox: serves the bus service `delivery`, action `deliver` (SPEC D1, D3): the outbox
// dispatcher hands it one job per recipient of an accepted message, {"message_id", "recipient_id"}.
// It records the delivery in its own ledger (SDK storage, table delivery_inbox_ledger) exactly
// once — a repeated job (a retry after a lost reply, a crash between delivery and bookkeeping)
// finds the row and answers the same — and answers {"delivered": true, "first": bool}; the
// daemon then shows the recipient's sealed copy in the inbox. It never sees a subject or a body:
// the copies are sealed with the recipient's key by the daemon (D1).
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <berichtd/berichtd.hpp>
#include <memory>
#include <sstream>
#include <string>

namespace {

using berichtd::Message;
using berichtd::Result;
using berichtd::Status;

class DeliveryInbox final : public berichtd::Plugin {
 public:
  static Result<std::unique_ptr<DeliveryInbox>> create(berichtd::PluginContext ctx) {
    auto db = ctx.storage();
    Status m = db.migrate({R"sql(
CREATE TABLE delivery_inbox_ledger (
  message_id {{BIGINT}} NOT NULL,
  recipient_id {{BIGINT}} NOT NULL,
  delivered_at {{BIGINT}} NOT NULL,
  PRIMARY KEY (message_id, recipient_id)
)
)sql"});
    if (!m) return m;
    return std::make_unique<DeliveryInbox>(std::move(ctx));
  }
  explicit DeliveryInbox(berichtd::PluginContext ctx) : ctx_(std::move(ctx)) {}

  Result<Message> handle(const Message& request) override {
    if (request.action != "deliver") {
      return Status::error("UNKNOWN_ACTION",
                           "delivery-inbox has no action '" + request.action + "'");
    }
    int64_t messageId = 0, recipientId = 0;
    try {
      auto o = Poco::JSON::Parser().parse(request.body).extract<Poco::JSON::Object::Ptr>();
      messageId = o->getValue<int64_t>("message_id");
      recipientId = o->getValue<int64_t>("recipient_id");
    } catch (...) {
      return Status::error("BAD_REQUEST", "deliver needs {\"message_id\", \"recipient_id\"}");
    }
    const int64_t at =
        std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.now().time_since_epoch())
            .count();
    auto r = ctx_.storage().run(
        "INSERT INTO delivery_inbox_ledger (message_id, recipient_id, delivered_at) VALUES (?, ?, "
        "?) "
        "ON CONFLICT (message_id, recipient_id) DO NOTHING",
        {messageId, recipientId, at});
    if (!r) return r.status();
    Poco::JSON::Object out;
    out.set("delivered", true);
    out.set("first", r->count == 1);
    std::ostringstream s;
    out.stringify(s);
    return berichtd::replyTo(request, s.str());
  }

 private:
  berichtd::PluginContext ctx_;
};

}  // namespace

BERICHTD_PLUGIN(DeliveryInbox, "delivery-inbox", "1.0.0", "delivery",
                "Delivers accepted messages to the recipient's inbox, exactly once (SPEC D1, D3)")
