// delivery-smtp: the bus service `mail` (action `send_mail`): renders a Dutch template from
// conf/templates and sends it over SMTP (issue 4 item 6; docs/delivery-smtp.md). The request is
// {"to", "account_id", "template", "variables": {…}}; the reply {"message_id"}. Templates that
// announce a message (new_message) carry no subject or body of it, only who sent it and a link.
// Never logs a mail's text, a variable (links carry tokens) or the SMTP password.
//
// The reply also carries what was sent — {"account_id", "template", "subject", "text"} — so
// the daemon can archive it (SPEC N2, docs/campaigns.md "The archive"); the daemon never renders.
// A request with an `idempotency-key` header (every outbox job has one) is sent once: the key
// and the Message-ID are stored in smtp_sent (plugin storage) right after the server's 250, and
// a repeat of the key (the outbox retrying after a crash or a lost reply) answers the stored
// Message-ID without sending again. What remains: a crash between the 250 and that insert
// sends the mail a second time on the retry (SPEC N1; docs/campaigns.md "Exactly once").
// A key is kept `sent_keys_days` (default 30) of platform time, far past the outbox's retry
// horizon (max_attempts × retry_max_ms: 40 minutes by default) and an operator's dead-letter
// replay; older keys are deleted at most once an hour, so the table does not grow forever.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/SSLManager.h>

#include <atomic>
#include <berichtd/berichtd.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>

#include "mail_template.hpp"
#include "smtp_sender.hpp"

namespace {

using berichtd::Message;
using berichtd::Result;
using berichtd::Status;

// OpenSSL through Poco, counted: initializeSSL() on construction, uninitializeSSL() on
// destruction, so the library's state is released when the last instance goes (an unpaired
// initialize leaks it, and the daemon's leak check at exit fails).
struct SslUse {
  SslUse() { Poco::Net::initializeSSL(); }
  ~SslUse() { Poco::Net::uninitializeSSL(); }
  SslUse(const SslUse&) = delete;
  SslUse& operator=(const SslUse&) = delete;
};

class DeliverySmtp final : public berichtd::Plugin {
 public:
  static Result<std::unique_ptr<DeliverySmtp>> create(berichtd::PluginContext ctx) {
    const SslUse ssl;  // OpenSSL ready while the TLS context is made (the instance keeps its own)
    const auto& cfg = ctx.config();
    berichtd::mail::SmtpSettings s;
    s.host = cfg.getOr("host", "127.0.0.1");
    auto port = cfg.getInt("port", 25);
    if (!port) return port.status();
    if (*port < 1 || *port > 65535)
      return Status::error("CONFIG_INVALID", "plugin setting 'port' must be 1-65535");
    s.port = static_cast<int>(*port);
    s.from = cfg.getOr("from", "");
    if (s.from.find('@') == std::string::npos) {
      return Status::error("CONFIG_INVALID", "plugin setting 'from' must be a sender address");
    }
    s.starttls = cfg.getOr("starttls", "optional");
    if (s.starttls != "none" && s.starttls != "optional" && s.starttls != "required") {
      return Status::error("CONFIG_INVALID",
                           "plugin setting 'starttls' must be none, optional or required");
    }
    if (auto user = cfg.get("username")) s.username = *user;
    if (auto pw = ctx.secret("password")) s.password = *pw;
    s.allowPlainAuth = cfg.getOr("allow_plain_auth", "false") == "true";
    s.caFile = cfg.getOr("ca_file", "");
    auto rate = cfg.getInt("rate_per_minute", 600);
    if (!rate) return rate.status();
    if (*rate < 0 || *rate > 60000)
      return Status::error("CONFIG_INVALID", "plugin setting 'rate_per_minute' must be 0-60000");
    s.ratePerMinute = static_cast<int>(*rate);
    auto keepDays = cfg.getInt("sent_keys_days", 30);
    if (!keepDays) return keepDays.status();
    if (*keepDays < 1 || *keepDays > 3650)
      return Status::error("CONFIG_INVALID", "plugin setting 'sent_keys_days' must be 1-3650");
    const std::string dir = cfg.getOr("templates_dir", "conf/templates");
    if (!std::filesystem::is_directory(dir)) {
      return Status::error("CONFIG_INVALID", "plugin setting 'templates_dir': no folder " + dir);
    }
    // The keys of mails already sent (schema steps: never edit a shipped one, append).
    const bool dedup = ctx.storage().available();
    if (dedup) {
      if (Status m = ctx.storage().migrate(
              {"CREATE TABLE smtp_sent (idempotency_key TEXT PRIMARY KEY, message_id TEXT NOT "
               "NULL, sent_at BIGINT NOT NULL)",
               // Step 2: the hourly deletion of old keys reads by age.
               "CREATE INDEX smtp_sent_sent_at ON smtp_sent (sent_at)"});
          !m)
        return m;
    }
    auto plugin = std::make_unique<DeliverySmtp>(std::move(ctx), s, dir);
    plugin->dedup_ = dedup;
    plugin->keepMs_ = *keepDays * 86400000LL;
    return plugin;
  }

  DeliverySmtp(berichtd::PluginContext ctx, berichtd::mail::SmtpSettings s, std::string dir)
      : ctx_(std::move(ctx)), sender_(std::move(s)), dir_(std::move(dir)) {}

  Result<Message> handle(const Message& request) override {
    if (request.action != "send_mail") {
      return Status::error("UNKNOWN_ACTION",
                           "delivery-smtp has no action '" + request.action + "'");
    }
    std::string to, name;
    int64_t accountId = 0;
    std::map<std::string, std::string> vars;
    try {
      auto o = Poco::JSON::Parser().parse(request.body).extract<Poco::JSON::Object::Ptr>();
      to = o->getValue<std::string>("to");
      name = o->getValue<std::string>("template");
      accountId = o->optValue<int64_t>("account_id", 0);
      if (auto v = o->getObject("variables")) {
        for (const auto& [k, val] : *v) vars[k] = val.toString();
      }
    } catch (...) {
      return Status::error("BAD_REQUEST", "send_mail needs {\"to\", \"template\", \"variables\"}");
    }
    if (!berichtd::mail::isTemplateName(name))
      return Status::error("TEMPLATE_UNKNOWN", "no mail template of that name");
    std::ifstream in(std::filesystem::path(dir_) / (name + ".txt"), std::ios::binary);
    if (!in) return Status::error("TEMPLATE_UNKNOWN", "no mail template '" + name + "'");
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = berichtd::mail::parseTemplate(text.str());
    if (!parsed) return parsed.status();
    auto mail = berichtd::mail::render(*parsed, vars);
    if (!mail) return mail.status();
    const std::string key = dedup_ ? request.header("idempotency-key") : std::string();
    auto id = key.empty() ? std::optional<std::string>() : alreadySent(key);
    const bool repeated = id.has_value();
    if (!repeated) {
      auto sent = sender_.send(to, mail->subject, mail->body);
      if (!sent) {
        ctx_.warning("mail '" + name + "' for account " + std::to_string(accountId) +
                     " not sent: " + sent.status().code());
        return sent.status();
      }
      id = *sent;
      if (!key.empty()) {
        remember(key, *id);
        forgetOldKeys();
      }
      ctx_.info("mail '" + name + "' for account " + std::to_string(accountId) + " sent as " + *id);
    } else {
      ctx_.info("mail '" + name + "' for account " + std::to_string(accountId) +
                " was sent before as " + *id + "; not sent again");
    }
    Poco::JSON::Object out;
    out.set("message_id", *id);
    out.set("repeated", repeated);
    out.set("account_id", accountId);
    out.set("template", name);
    out.set("subject", mail->subject);
    out.set("text", mail->body);
    out.set("connections", sender_.connectionsOpened());
    std::ostringstream s;
    out.stringify(s);
    return berichtd::replyTo(request, s.str());
  }

 private:
  // The Message-ID a mail with this idempotency key was sent as, if it was.
  std::optional<std::string> alreadySent(const std::string& key) const {
    auto r =
        ctx_.storage().run("SELECT message_id FROM smtp_sent WHERE idempotency_key = ?", {key});
    if (!r || r->rows.empty()) return std::nullopt;
    return r->rows.front().at(0).textOr("");
  }
  void remember(const std::string& key, const std::string& messageId) const {
    const int64_t ms = millis(ctx_.now());
    auto r = ctx_.storage().run(
        "INSERT INTO smtp_sent (idempotency_key, message_id, sent_at) VALUES (?, ?, ?) ON "
        "CONFLICT (idempotency_key) DO NOTHING",
        {key, messageId, static_cast<int64_t>(ms)});
    if (!r) ctx_.warning("a sent mail's key was not recorded: " + r.status().code());
  }

  static int64_t millis(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  }
  // Deletes the keys older than sent_keys_days, at most once an hour of platform time (one
  // indexed DELETE; any worker may do it, the others skip).
  void forgetOldKeys() {
    const int64_t now = millis(ctx_.now());
    int64_t last = lastForget_.load();
    if (now - last < 3600000 || !lastForget_.compare_exchange_strong(last, now)) return;
    auto r = ctx_.storage().run("DELETE FROM smtp_sent WHERE sent_at < ?",
                                {static_cast<int64_t>(now - keepMs_)});
    if (!r) ctx_.warning("old sent-mail keys were not deleted: " + r.status().code());
  }

  bool dedup_ = false;
  int64_t keepMs_ = 30 * 86400000LL;
  std::atomic<int64_t> lastForget_{INT64_MIN / 2};
  SslUse ssl_;  // first in, last out: outlives the TLS objects below
  berichtd::PluginContext ctx_;
  berichtd::mail::SmtpSender sender_;
  std::string dir_;
};

}  // namespace

BERICHTD_PLUGIN(
    DeliverySmtp, "delivery-smtp", "1.0.0", "mail",
    "Sends the platform's e-mails from Dutch templates over SMTP (STARTTLS, AUTH, rate limit)")
