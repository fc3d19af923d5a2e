// The campaigns file (campaigns.file, e.g. conf/campaigns.yaml; docs/campaigns.md): YAML
//
//   campaigns:
//     - name: activering
//       template: campaign_activering
//       audience: migrated            # all | migrated | active
//       send_at: "2026-02-16T08:00:00+01:00"
//       send_until: "2026-03-01T00:00:00+01:00"  # optional: no new mails from then on
//       request_link: true            # optional, default false
//       wave_size: 2000               # optional; with wave_interval
//       wave_interval: 1h             # N s|m|h|d
//
// Contract
// - parseCampaigns(): every error as a config::ConfigError "FILE:LINE:COL: message" (the same
//   shape as the main configuration's), all of them in file order; campaigns only when there is
//   no error at all. Unknown keys, a missing name/template/audience/send_at, a duplicate name,
//   a wave_size without wave_interval (or the other way round), a send_until not after
//   send_at are errors.
// - loadCampaignsFile(): reads the file; an unreadable file is one error without a position.
// Pure apart from reading the file.
#pragma once

#include <string>
#include <vector>

#include "campaigns/campaign.hpp"
#include "config/config.hpp"

namespace berichtd::campaigns {

struct CampaignFile {
  std::vector<Campaign> campaigns;          // only when errors is empty
  std::vector<config::ConfigError> errors;  // in file order
};

CampaignFile parseCampaigns(const std::string& yamlText, const std::string& fileName);
CampaignFile loadCampaignsFile(const std::string& path);

// "90s", "15m", "1h", "2d" → seconds; nullopt for anything else or 0.
std::optional<std::chrono::seconds> parseInterval(const std::string& text);

}  // namespace berichtd::campaigns
