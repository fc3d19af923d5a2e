#include "app/campaign_routes.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "campaigns/campaign_rules.hpp"
#include "http/errors.hpp"

namespace berichtd::app {

namespace {

void off(http::HttpResponse& res) {
  http::setError(res, 503, "SERVICE_UNAVAILABLE",
                 "campaigns and the mail archive need messages.master_key on this server");
}

int statusFor(const std::string& code) {
  if (code == "NOT_FOUND" || code == "CAMPAIGN_UNKNOWN") return 404;
  if (code == "CAMPAIGN_CLOSED") return 409;
  if (code == "STORAGE_UNAVAILABLE") return 503;
  return 500;
}

Poco::Dynamic::Var orNull(const std::optional<std::string>& s) {
  if (!s) return Poco::Dynamic::Var();
  return *s;
}

Poco::JSON::Object mailJson(const campaigns::MailEntry& m, bool withText) {
  Poco::JSON::Object o;
  o.set("id", m.id);
  o.set("campaign", orNull(m.campaign));
  o.set("template", m.templateName);
  o.set("subject", m.subject);
  o.set("sent_at", m.sentAt);
  if (withText) o.set("text", m.text);
  return o;
}

}  // namespace

void CampaignRoutes::addPublic(http::Router& r) const {
  const CampaignRouteDeps* deps = &deps_;
  // N2: the caller's own account, or the answer is set.
  auto caller = [deps](const http::HttpRequest& req,
                       http::HttpResponse& res) -> std::optional<int64_t> {
    res.setHeader("Cache-Control", "no-store");
    if (deps->archive == nullptr) {
      off(res);
      return std::nullopt;
    }
    auto id = deps->auth->authenticate(req);
    if (!id) {
      setAuthError(res, id.status());
      return std::nullopt;
    }
    return *id;
  };
  r.add("GET", "/api/v1/mails",
        [deps, caller](const http::HttpRequest& req, http::HttpResponse& res) {
          auto account = caller(req, res);
          if (!account) return;
          auto list = deps->archive->list(*account);
          if (!list) return http::setError(res, statusFor(list.status().code()), list.status());
          Poco::JSON::Array arr;
          for (const auto& m : *list) arr.add(mailJson(m, false));
          Poco::JSON::Object out;
          out.set("mails", arr);
          res.body = http::toJson(out);
        });
  r.add("GET", "/api/v1/mails/{id}",
        [deps, caller](const http::HttpRequest& req, http::HttpResponse& res) {
          auto account = caller(req, res);
          if (!account) return;
          const auto id = http::parseWholeNumber(req.params.at("id"));
          if (!id || *id <= 0) return http::setError(res, 404, "NOT_FOUND", "no such mail");
          auto mail = deps->archive->get(*account, *id);
          if (!mail) return http::setError(res, statusFor(mail.status().code()), mail.status());
          res.body = http::toJson(mailJson(*mail, true));
        });
}

void CampaignRoutes::addAdmin(
    http::Router& r, const std::function<http::HttpHandler(http::HttpHandler)>& guard) const {
  const CampaignRouteDeps* deps = &deps_;
  r.add("GET", "/admin/v1/campaigns",
        guard([deps](const http::HttpRequest&, http::HttpResponse& res) {
          if (deps->service == nullptr) return off(res);
          auto list = deps->service->list();
          if (!list) return http::setError(res, statusFor(list.status().code()), list.status());
          Poco::JSON::Array arr;
          for (const auto& s : *list) {
            Poco::JSON::Object o;
            o.set("name", s.campaign.name);
            o.set("template", s.campaign.templateName);
            o.set("audience", std::string(campaigns::audienceName(s.campaign.audience)));
            o.set("send_at", formatIso8601(s.campaign.sendAt));
            o.set("send_until", s.campaign.sendUntil
                                    ? Poco::Dynamic::Var(formatIso8601(*s.campaign.sendUntil))
                                    : Poco::Dynamic::Var());
            o.set("request_link", s.campaign.requestLink);
            o.set("wave_size", s.campaign.waveSize);
            o.set("wave_interval_s", static_cast<int64_t>(s.campaign.waveInterval.count()));
            o.set("queued", s.progress.queued);
            o.set("delivered", s.progress.delivered);
            o.set("failed", s.progress.failed);
            o.set("remaining", s.progress.remaining);
            o.set("next_wave_at", s.nextWaveAt && s.progress.remaining > 0
                                      ? Poco::Dynamic::Var(formatIso8601(*s.nextWaveAt))
                                      : Poco::Dynamic::Var());
            arr.add(o);
          }
          Poco::JSON::Object out;
          out.set("campaigns", arr);
          res.body = http::toJson(out);
        }));
  r.add("POST", "/admin/v1/campaigns/{name}/send",
        guard([deps](const http::HttpRequest& req, http::HttpResponse& res) {
          if (deps->service == nullptr) return off(res);
          const std::string name = req.params.at("name");
          auto queued = deps->service->sendNow(name);
          if (!queued)
            return http::setError(res, statusFor(queued.status().code()), queued.status());
          Poco::JSON::Object out;
          out.set("name", name);
          out.set("queued", *queued);
          res.body = http::toJson(out);
        }));
}

}  // namespace berichtd::app
