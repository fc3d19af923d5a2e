// CampaignRoutes: the campaigns on the admin listener and the sent-mail archive on the public
// one (SPEC N1, N2; API.md; docs/http-api.md, docs/campaigns.md):
//   GET  /admin/v1/campaigns               → {campaigns: [{name, template, audience, send_at,
//        send_until, request_link, wave_size, wave_interval_s, queued, delivered, failed,
//        remaining, next_wave_at}]}          (berichtctl campaign list)
//   POST /admin/v1/campaigns/{name}/send   → {name, queued}   (berichtctl campaign send NAME;
//        409 CAMPAIGN_CLOSED past the campaign's send_until)
//   GET  /api/v1/mails                     → {mails: [{id, campaign, template, subject, sent_at}]}
//   GET  /api/v1/mails/{id}                → {id, campaign, template, subject, sent_at, text}
// The archive answers only the logged-in account's own mails (AuthRoutes::authenticate, fail
// closed): another account's id is 404 NOT_FOUND, like an id that does not exist. Without
// messages.master_key (no data keys, no outbox) both answer 503 SERVICE_UNAVAILABLE; with no
// campaigns file the campaign list is empty. Mail texts are never logged.
// Thread-safety: handlers run on HTTP threads; everything they use is thread-safe.
#pragma once

#include <functional>

#include "app/auth_routes.hpp"
#include "app/campaign_service.hpp"
#include "campaigns/mail_archive.hpp"
#include "http/router.hpp"

namespace berichtd::app {

struct CampaignRouteDeps {
  const AuthRoutes* auth = nullptr;
  CampaignService* service = nullptr;               // null: messages not configured
  const campaigns::MailArchive* archive = nullptr;  // null: messages not configured
};

class CampaignRoutes {
 public:
  explicit CampaignRoutes(CampaignRouteDeps deps) : deps_(std::move(deps)) {}
  void addPublic(http::Router& router) const;
  void addAdmin(http::Router& router,
                const std::function<http::HttpHandler(http::HttpHandler)>& guard) const;

 private:
  CampaignRouteDeps deps_;
};

}  // namespace berichtd::app
