// delivery-smtp: the bus service `mail` (action `send_mail`): renders a Dutch template from
// conf/templates and sends it over SMTP (issue 4 item 6; docs/delivery-smtp.md). The request is
// {"to", "account_id", "template", "variables": {…}}; the reply {"message_id"}. Templates that
// announce a message (new_message) carry no subject or body of it, only who sent it and a link.
// Never logs a mail's text, a variable (links carry tokens) or the SMTP password.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/SSLManager.h>

#include <berichtd/berichtd.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
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
    const std::string dir = cfg.getOr("templates_dir", "conf/templates");
    if (!std::filesystem::is_directory(dir)) {
      return Status::error("CONFIG_INVALID", "plugin setting 'templates_dir': no folder " + dir);
    }
    return std::make_unique<DeliverySmtp>(std::move(ctx), s, dir);
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
    auto id = sender_.send(to, mail->subject, mail->body);
    if (!id) {
      ctx_.warning("mail '" + name + "' for account " + std::to_string(accountId) +
                   " not sent: " + id.status().code());
      return id.status();
    }
    ctx_.info("mail '" + name + "' for account " + std::to_string(accountId) + " sent as " + *id);
    Poco::JSON::Object out;
    out.set("message_id", *id);
    out.set("connections", sender_.connectionsOpened());
    std::ostringstream s;
    out.stringify(s);
    return berichtd::replyTo(request, s.str());
  }

 private:
  SslUse ssl_;  // first in, last out: outlives the TLS objects below
  berichtd::PluginContext ctx_;
  berichtd::mail::SmtpSender sender_;
  std::string dir_;
};

}  // namespace

BERICHTD_PLUGIN(
    DeliverySmtp, "delivery-smtp", "1.0.0", "mail",
    "Sends the platform's e-mails from Dutch templates over SMTP (STARTTLS, AUTH, rate limit)")
