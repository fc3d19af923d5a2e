// delivery-inbox: serves the bus service `delivery`, action `deliver` (SPEC D1, D3): the outbox
// dispatcher hands it one job per recipient of an accepted message, {"message_id", "recipient_id"}.
// It records the delivery in its own ledger (SDK storage, table delivery_inbox_ledger) exactly
// once — a repeated job (a retry after a lost reply, a crash between delivery and bookkeeping)
// finds the row and answers the same — and answers {"delivered": true, "first": bool}; the
// daemon then shows the recipient's sealed copy in the inbox. It never sees a subject or a body:
// the copies are sealed with the recipient's key by the daemon (D1).
//
// Action `deliver_batch` does the same for many jobs in one request and ONE storage batch:
// {"deliveries": [{"message_id", "recipient_id"}, …]} (1 to kMaxBatch) → {"delivered": N,
// "first": number newly recorded}. All or nothing: an error answers for the whole batch, and
// the dispatcher retries every job of it (each row is still recorded exactly once).
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <berichtd/berichtd.hpp>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

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

  static constexpr std::size_t kMaxBatch = 500;

  Result<Message> handle(const Message& request) override {
    if (request.action == "deliver_batch") return deliverBatch(request);
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
    auto r = ctx_.storage().run(kInsert, {messageId, recipientId, at});
    if (!r) return r.status();
    Poco::JSON::Object out;
    out.set("delivered", true);
    out.set("first", r->count == 1);
    std::ostringstream s;
    out.stringify(s);
    return berichtd::replyTo(request, s.str());
  }

 private:
  static constexpr const char* kInsert =
      "INSERT INTO delivery_inbox_ledger (message_id, recipient_id, delivered_at) VALUES (?, ?, ?) "
      "ON CONFLICT (message_id, recipient_id) DO NOTHING";

  Result<Message> deliverBatch(const Message& request) {
    const int64_t at =
        std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.now().time_since_epoch())
            .count();
    std::vector<berichtd::SqlStatement> inserts;
    try {
      auto o = Poco::JSON::Parser().parse(request.body).extract<Poco::JSON::Object::Ptr>();
      auto list = o->getArray("deliveries");
      if (!list || list->size() == 0 || list->size() > kMaxBatch) throw std::runtime_error("size");
      for (std::size_t i = 0; i < list->size(); ++i) {
        auto d = list->getObject(static_cast<unsigned>(i));
        if (!d) throw std::runtime_error("item");
        inserts.push_back(
            {kInsert,
             {d->getValue<int64_t>("message_id"), d->getValue<int64_t>("recipient_id"), at}});
      }
    } catch (...) {
      return Status::error("BAD_REQUEST",
                           "deliver_batch needs {\"deliveries\": [{\"message_id\", "
                           "\"recipient_id\"}, …]} with 1 to " +
                               std::to_string(kMaxBatch) + " items");
    }
    auto r = ctx_.storage().batch(inserts);
    if (!r) return r.status();
    int64_t first = 0;
    for (const auto& one : *r) first += one.count;
    Poco::JSON::Object out;
    out.set("delivered", static_cast<int64_t>(inserts.size()));
    out.set("first", first);
    std::ostringstream s;
    out.stringify(s);
    return berichtd::replyTo(request, s.str());
  }

  berichtd::PluginContext ctx_;
};

}  // namespace

BERICHTD_PLUGIN(DeliveryInbox, "delivery-inbox", "1.0.0", "delivery",
                "Delivers accepted messages to the recipient's inbox, exactly once (SPEC D1, D3)")
