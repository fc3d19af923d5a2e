// billing-sepa: the bus service `billing` (docs/billing-plugin.md) as SEPA Direct Debit batch
// files for the creditor's own bank (docs/billing-sepa.md). Payments are collections in the
// plugin's ledger (SepaLedger); `write_batch` puts every collection not yet in a file into one
// pain.008.001.02 file in output_dir. Nothing here talks to a bank: banks send no webhooks
// (parse_notification is UNKNOWN_ACTION) and returns are entered by an operator (mark_failed).
//
// Privacy: the debtor's name and IBAN are stored (the file needs them) but never logged or
// put into an error message; log lines carry file names and counts only.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <unistd.h>

#include <berichtd/berichtd.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>

#include "batch_file.hpp"
#include "pain008.hpp"
#include "sepa_checks.hpp"
#include "sepa_ledger.hpp"
#include "sepa_text.hpp"

namespace {

using berichtd::Message;
using berichtd::Result;
using berichtd::Status;
namespace sepa = berichtd::sepa;
using Json = Poco::JSON::Object::Ptr;

Status badRequest(const std::string& action, const std::string& what) {
  return Status::error("BAD_REQUEST", action + ": " + what);
}

// Field readers that refuse a wrong type instead of converting it (the contract's BAD_REQUEST).
std::optional<std::string> text(const Json& o, const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return std::nullopt;
  const auto& v = o->get(key);
  if (v.isString()) return v.extract<std::string>();
  if (v.isInteger()) return v.convert<std::string>();  // account ids may come as numbers
  return std::nullopt;
}
std::optional<int64_t> integer(const Json& o, const std::string& key) {
  if (!o->has(key) || o->isNull(key)) return std::nullopt;
  const auto& v = o->get(key);
  if (!v.isInteger()) return std::nullopt;
  return v.convert<int64_t>();
}

std::string randomHex(std::size_t n) {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(kHex[rd() % 16]);
  return s;
}

std::string reply(const Poco::JSON::Object& o) {
  std::ostringstream s;
  o.stringify(s);
  return s.str();
}

std::string utcDate(std::chrono::system_clock::time_point t, const char* format) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

struct Settings {
  sepa::Creditor creditor;
  std::filesystem::path outputDir;
  int64_t leadDays = 1;
};

Result<Settings> readSettings(const berichtd::PluginConfig& cfg) {
  Settings s;
  for (auto [key, field] :
       {std::pair{"creditor_name", &s.creditor.name}, std::pair{"creditor_iban", &s.creditor.iban},
        std::pair{"creditor_bic", &s.creditor.bic},
        std::pair{"creditor_id", &s.creditor.creditorId}}) {
    auto v = cfg.get(key);
    if (!v || v->empty()) {
      return Status::error("CONFIG_INVALID", std::string("billing-sepa: ") + key + " is required");
    }
    *field = *v;
  }
  if (Status ok = sepa::validateCreditor(s.creditor); !ok) return ok;
  s.creditor.iban = *sepa::normaliseIban(s.creditor.iban);
  auto dir = cfg.get("output_dir");
  if (!dir || dir->empty()) {
    return Status::error("CONFIG_INVALID", "billing-sepa: output_dir is required");
  }
  s.outputDir = *dir;
  std::error_code ec;
  std::filesystem::create_directories(s.outputDir, ec);
  if (ec || !std::filesystem::is_directory(s.outputDir)) {
    return Status::error("CONFIG_INVALID",
                         "billing-sepa: output_dir " + *dir + " is not a folder that can be made");
  }
  auto lead = cfg.getInt("collection_lead_days", 1);
  if (!lead) return lead.status();
  if (*lead < 0 || *lead > 60) {
    return Status::error("CONFIG_INVALID",
                         "billing-sepa: collection_lead_days must be 0 to 60 days");
  }
  s.leadDays = *lead;
  return s;
}

class BillingSepa final : public berichtd::Plugin {
 public:
  static Result<std::unique_ptr<BillingSepa>> create(berichtd::PluginContext ctx) {
    auto settings = readSettings(ctx.config());
    if (!settings) return settings.status();
    sepa::SepaLedger ledger(ctx.storage());
    if (Status m = ledger.migrate(); !m) return m;
    return std::make_unique<BillingSepa>(std::move(ctx), std::move(settings).value(),
                                         std::move(ledger));
  }
  BillingSepa(berichtd::PluginContext ctx, Settings settings, sepa::SepaLedger ledger)
      : ctx_(std::move(ctx)), settings_(std::move(settings)), ledger_(std::move(ledger)) {}

  Result<Message> handle(const Message& request) override {
    const std::string& a = request.action;
    if (a == "ping") {
      // The status page's reachability probe: the bank is reached through the batch folder,
      // so "reachable" is that folder still being there and writable.
      if (::access(settings_.outputDir.c_str(), W_OK | X_OK) != 0)
        return Status::error("PROVIDER_UNAVAILABLE",
                             "billing-sepa: the batch folder is not writable");
      return berichtd::replyTo(request, "{}");
    }
    if (a == "create_customer" || a == "create_first_payment" || a == "create_recurring_payment" ||
        a == "get_payment" || a == "mark_failed" || a == "write_batch" || a == "forget_account") {
      Json body;
      try {
        body = Poco::JSON::Parser().parse(request.body).extract<Json>();
      } catch (...) {
        return badRequest(a, "the body is not a JSON object");
      }
      if (!body) return badRequest(a, "the body is not a JSON object");
      auto out = dispatch(request, body);
      if (!out) return out.status();
      return berichtd::replyTo(request, reply(*out));
    }
    return Status::error("UNKNOWN_ACTION",
                         "billing-sepa has no action '" + a +
                             "' (a bank sends no notifications; returns are entered with "
                             "mark_failed)");
  }

 private:
  Result<Poco::JSON::Object> dispatch(const Message& request, const Json& body) {
    const std::string& a = request.action;
    std::optional<std::string> key;
    if (auto k = request.header("idempotency-key"); !k.empty()) key = k;
    if (a == "create_customer") return createCustomer(body, key);
    if (a == "create_first_payment") return createFirst(body, key);
    if (a == "create_recurring_payment") return createRecurring(body, key);
    if (a == "get_payment") return getPayment(body);
    if (a == "mark_failed") return markFailed(body);
    if (a == "forget_account") return forgetAccount(body);
    return writeBatch(body);
  }

  int64_t nowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(ctx_.now().time_since_epoch())
        .count();
  }

  static Poco::JSON::Object created(const sepa::Payment& p, bool withCheckout) {
    Poco::JSON::Object o;
    o.set("payment_id", p.paymentId);
    o.set("status", p.status);
    if (withCheckout) o.set("checkout_url", Poco::Dynamic::Var());  // no checkout step
    return o;
  }

  Result<Poco::JSON::Object> createCustomer(const Json& body,
                                            const std::optional<std::string>& key) {
    auto account = text(body, "account_id");
    if (!account) return badRequest("create_customer", "needs account_id");
    // Name and e-mail are the daemon's to keep; the bank file takes the account holder's name
    // from the mandate, so nothing personal is stored here.
    auto id = ledger_.createCustomer("cst_" + randomHex(16), *account, key, nowMs());
    if (!id) return id.status();
    Poco::JSON::Object o;
    o.set("customer_id", *id);
    return o;
  }

  // Common checks of a create request; the amount in cents and the remittance text.
  Result<sepa::NewCollection> newCollection(const std::string& action, const Json& body,
                                            const std::optional<std::string>& key) {
    sepa::NewCollection c;
    auto customer = text(body, "customer_id");
    auto amount = integer(body, "amount_cents");
    if (!customer || customer->empty()) return badRequest(action, "needs customer_id");
    if (!amount) return badRequest(action, "needs amount_cents as a whole number");
    if (*amount < 1 || *amount > sepa::kMaxAmountCents) {
      return badRequest(action, "amount_cents must be 1 to 99999999999");
    }
    c.paymentId = "sepa_" + randomHex(20);
    c.idempotencyKey = key;
    c.customerId = *customer;
    c.amountCents = *amount;
    c.description = text(body, "description").value_or("");
    if (c.description.empty()) {
      if (auto inv = text(body, "invoice_number")) c.description = "Factuur " + *inv;
    }
    return c;
  }

  Result<std::optional<Poco::JSON::Object>> repeat(const std::optional<std::string>& key,
                                                   bool withCheckout) {
    if (!key) return std::optional<Poco::JSON::Object>();
    auto first = ledger_.paymentByKey(*key);
    if (!first) return first.status();
    if (!*first) return std::optional<Poco::JSON::Object>();
    return std::optional<Poco::JSON::Object>(created(**first, withCheckout));
  }

  Result<Poco::JSON::Object> createFirst(const Json& body, const std::optional<std::string>& key) {
    const std::string action = "create_first_payment";
    auto again = repeat(key, true);
    if (!again) return again.status();
    if (*again) return std::move(**again);
    auto c = newCollection(action, body, key);
    if (!c) return c.status();
    auto iban = text(body, "iban");
    auto holder = text(body, "account_holder");
    auto consent = text(body, "consent_at");
    auto reference = text(body, "mandate_reference");
    if (!iban || !holder || !consent || !reference) {
      return badRequest(action, "needs iban, account_holder, consent_at and mandate_reference");
    }
    sepa::Mandate m;
    auto normal = sepa::normaliseIban(*iban);
    if (!normal) {
      return Status::error("IBAN_INVALID",
                           "the IBAN is not well formed or its mod-97 check digits fail");
    }
    m.iban = *normal;
    if (!sepa::isEpcIdentifier(*reference)) {
      return Status::error("SEPA_ID_INVALID",
                           "mandate_reference (MndtId) must be 1-35 characters of a-z A-Z 0-9 / "
                           "- ? : ( ) . , ' + and space, without a leading or trailing '/' or "
                           "'//'");
    }
    m.reference = *reference;
    m.signedOn = consent->substr(0, 10);  // consent_at is a date or an ISO 8601 date-time
    if (!sepa::isIsoDate(m.signedOn)) {
      return Status::error("DATE_INVALID", action + ": consent_at does not start with YYYY-MM-DD");
    }
    if (sepa::epcText(*holder, sepa::kMaxName).empty()) {
      return badRequest(action, "account_holder has no character a SEPA file allows");
    }
    m.debtorName = *holder;
    if (auto bic = text(body, "bic"); bic && !bic->empty()) {
      if (!sepa::isBic(*bic)) return badRequest(action, "bic is not 8 or 11 characters (ISO 9362)");
      m.bic = *bic;
    }
    m.customerId = c->customerId;
    c->mandateReference = m.reference;
    auto p = ledger_.recordFirst(m, *c, nowMs());
    if (!p) return p.status();
    return created(*p, true);
  }

  Result<Poco::JSON::Object> createRecurring(const Json& body,
                                             const std::optional<std::string>& key) {
    auto again = repeat(key, false);
    if (!again) return again.status();
    if (*again) return std::move(**again);
    auto c = newCollection("create_recurring_payment", body, key);
    if (!c) return c.status();
    auto mandate = ledger_.mandateOf(c->customerId);
    if (!mandate) return mandate.status();
    c->mandateReference = *mandate;
    auto p = ledger_.recordRecurring(*c, nowMs());
    if (!p) return p.status();
    return created(*p, false);
  }

  // Retention (R3, docs/retention.md): the account is deleted; its IBANs go too.
  Result<Poco::JSON::Object> forgetAccount(const Json& body) {
    auto account = text(body, "account_id");
    if (!account || account->empty()) return badRequest("forget_account", "needs account_id");
    if (Status s = ledger_.forgetAccount(*account); !s) return s;
    return Poco::JSON::Object();
  }

  Result<Poco::JSON::Object> getPayment(const Json& body) {
    auto id = text(body, "payment_id");
    if (!id) return badRequest("get_payment", "needs payment_id");
    auto p = ledger_.payment(*id);
    if (!p) return p.status();
    Poco::JSON::Object o;
    o.set("payment_id", p->paymentId);
    o.set("status", p->status);
    o.set("amount_cents", p->amountCents);
    o.set("charged_back_cents", int64_t{0});  // a return is `failed`, never a chargeback here
    o.set("customer_id", p->customerId);
    o.set("mandate_id", p->mandateReference);
    o.set("sequence_type", p->sequenceType == "RCUR" ? "recurring" : "first");
    o.set("failure_reason",
          p->failureReason ? Poco::Dynamic::Var(*p->failureReason) : Poco::Dynamic::Var());
    return o;
  }

  Result<Poco::JSON::Object> markFailed(const Json& body) {
    auto id = text(body, "payment_id");
    auto reason = text(body, "reason");
    if (!id || !reason || reason->empty()) {
      return badRequest("mark_failed", "needs payment_id and reason");
    }
    auto p = ledger_.markFailed(*id, *reason);
    if (!p) return p.status();
    ctx_.info("payment " + p->paymentId + " marked failed (bank return)");
    Poco::JSON::Object o;
    o.set("payment_id", p->paymentId);
    o.set("status", p->status);
    return o;
  }

  Result<Poco::JSON::Object> writeBatch(const Json& body) {
    const auto now = ctx_.now();
    const std::string earliest =
        utcDate(now + std::chrono::hours(24 * settings_.leadDays), "%Y-%m-%d");
    // Without a date: the earliest the bank accepts (today + collection_lead_days), which is
    // what the daemon's daily batch asks for — it does not know this plugin's lead time.
    auto date = body->has("collection_date") ? text(body, "collection_date")
                                             : std::optional<std::string>(earliest);
    if (!date) return badRequest("write_batch", "collection_date must be YYYY-MM-DD");
    if (!sepa::isIsoDate(*date)) {
      return Status::error("DATE_INVALID", "write_batch: collection_date is not YYYY-MM-DD");
    }
    if (*date < earliest) {
      return Status::error("DATE_INVALID", "write_batch: collection_date must be " + earliest +
                                               " or later (collection_lead_days)");
    }
    // One writer at a time: file numbers and the claim of collections must not interleave.
    std::lock_guard lock(batchMutex_);
    auto pending = ledger_.pendingCollections();
    if (!pending) return pending.status();
    Poco::JSON::Object o;
    if (pending->empty()) {
      o.set("file", Poco::Dynamic::Var());
      o.set("collection_date", *date);
      o.set("count", int64_t{0});
      o.set("total_cents", int64_t{0});
      return o;
    }
    auto number = ledger_.nextFileNumber(*date);
    if (!number) return number.status();
    const std::string msgId = "pain008-" + *date + "-" + std::to_string(*number);
    std::vector<sepa::Collection> collections;
    int64_t total = 0;
    for (auto& p : *pending) {
      // EndToEndId: the payment id in the EPC set ('_' is not allowed there).
      p.collection.endToEndId = "sepa-" + p.paymentId.substr(5);
      collections.push_back(p.collection);
      total += p.collection.amountCents;
    }
    auto xml = sepa::renderPain008(settings_.creditor, msgId, utcDate(now, "%Y-%m-%dT%H:%M:%S"),
                                   *date, collections);
    if (!xml) return xml.status();
    const auto path = settings_.outputDir / (msgId + ".xml");
    // File first, ledger second: a crash in between leaves a file the ledger does not know,
    // which the next write_batch replaces under the same name (same collections, same number);
    // the other order could mark collections paid that are in no file.
    if (Status w = sepa::writeFileAtomically(path, *xml); !w) return w;
    Status recorded = ledger_.recordFile(msgId + ".xml", *date, *number, *pending, total, nowMs());
    if (!recorded) {
      std::error_code ec;
      std::filesystem::remove(path, ec);
      return recorded;
    }
    ctx_.info("wrote " + path.filename().string() + " with " + std::to_string(pending->size()) +
              " collections");
    o.set("file", path.string());
    o.set("collection_date", *date);
    o.set("count", static_cast<int64_t>(pending->size()));
    o.set("total_cents", total);
    return o;
  }

  berichtd::PluginContext ctx_;
  Settings settings_;
  sepa::SepaLedger ledger_;
  std::mutex batchMutex_;
};

}  // namespace

BERICHTD_PLUGIN(BillingSepa, "billing-sepa", "1.0.0", "billing",
                "SEPA Direct Debit batch files (pain.008.001.02) for the creditor's bank")
