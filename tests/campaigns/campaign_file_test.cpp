// The campaigns file (SPEC N1, M4; docs/campaigns.md): a table of invalid files, each refused
// with its exact FILE:LINE:COL errors, a valid one read back field by field, and the shipped
// conf/campaigns.yaml valid with every template it names present and well-formed.
#include "campaigns/campaign_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "mail_template.hpp"

namespace berichtd::campaigns {
namespace {

std::string joined(const CampaignFile& f) {
  std::string out;
  for (const auto& e : f.errors) out += e.toString() + "\n";
  return out;
}

struct InvalidCase {
  const char* name;
  const char* yaml;
  const char* errors;  // every error, one per line
};

const InvalidCase kInvalid[] = {
    {"syntax", "campaigns: [\n", "c.yaml:2:1: YAML syntax error: end of sequence flow not found\n"},
    {"top level not a map", "- 1\n",
     "c.yaml:1:1: the top level must be a map with the key 'campaigns'\n"},
    {"unknown top key", "campaign: []\n",
     "c.yaml:1:1: unknown key 'campaign' (known: campaigns)\n"},
    {"not a list", "campaigns: {a: 1}\n", "c.yaml:1:12: campaigns: expected a list of campaigns\n"},
    {"item not a map", "campaigns:\n  - aankondiging\n",
     "c.yaml:2:5: campaigns.0: expected a map with name, template, audience and send_at\n"},
    {"missing keys", "campaigns:\n  - name: a\n",
     "c.yaml:2:5: campaigns.0: 'template' is missing\n"
     "c.yaml:2:5: campaigns.0: 'audience' is missing\n"
     "c.yaml:2:5: campaigns.0: 'send_at' is missing\n"},
    {"unknown key",
     "campaigns:\n  - name: a\n    template: t\n    audience: all\n    send_at: 2026-02-16\n"
     "    wave: 3\n",
     "c.yaml:6:5: campaigns.0: unknown key 'wave' (known: name, template, audience, send_at, "
     "send_until, request_link, wave_size, wave_interval)\n"},
    {"bad audience",
     "campaigns:\n  - name: a\n    template: t\n    audience: iedereen\n"
     "    send_at: 2026-02-16\n",
     "c.yaml:4:15: campaigns.0.audience: 'iedereen' is not one of all, migrated, active\n"},
    {"bad send_at",
     "campaigns:\n  - name: a\n    template: t\n    audience: all\n"
     "    send_at: maandag\n",
     "c.yaml:5:14: campaigns.0.send_at: 'maandag' is not an ISO 8601 time (e.g. "
     "2026-02-16T08:00:00+01:00)\n"},
    {"bad names",
     "campaigns:\n  - name: Aankondiging\n    template: ../x\n    audience: all\n"
     "    send_at: 2026-02-16\n",
     "c.yaml:2:11: campaigns.0.name: 'Aankondiging' is not a campaign name ([a-z0-9_-], 1-64)\n"
     "c.yaml:3:15: campaigns.0.template: '../x' is not a template name ([a-z0-9_], 1-64)\n"},
    {"duplicate name",
     "campaigns:\n  - {name: a, template: t, audience: all, send_at: 2026-02-16}\n"
     "  - {name: a, template: t, audience: all, send_at: 2026-02-16}\n",
     "c.yaml:3:12: campaigns.1.name: a campaign named 'a' is already defined\n"},
    {"wave size without interval",
     "campaigns:\n  - {name: a, template: t, audience: all, send_at: 2026-02-16, wave_size: 5}\n",
     "c.yaml:2:75: campaigns.0.wave_size: needs wave_interval too\n"},
    {"bad wave values",
     "campaigns:\n  - {name: a, template: t, audience: all, send_at: 2026-02-16, wave_size: 0,\n"
     "     wave_interval: 1w}\n",
     "c.yaml:2:75: campaigns.0.wave_size: expected a whole number 1-10000000, got '0'\n"
     "c.yaml:3:21: campaigns.0.wave_interval: '1w' is not an interval (e.g. 90s, 15m, 1h, 1d)\n"},
    {"bad send_until",
     "campaigns:\n  - name: a\n    template: t\n    audience: all\n"
     "    send_at: 2026-02-16\n    send_until: zondag\n",
     "c.yaml:6:17: campaigns.0.send_until: 'zondag' is not an ISO 8601 time (e.g. "
     "2026-02-13T00:00:00+01:00)\n"},
    {"send_until before send_at",
     "campaigns:\n  - name: a\n    template: t\n    audience: all\n"
     "    send_until: \"2026-02-16T08:00:00+01:00\"\n"
     "    send_at: \"2026-02-16T09:00:00+01:00\"\n",
     "c.yaml:5:17: campaigns.0.send_until: '2026-02-16T08:00:00+01:00' is not after send_at "
     "'2026-02-16T09:00:00+01:00'\n"},
    {"send_until equal to send_at (the same moment in another offset)",
     "campaigns:\n  - {name: a, template: t, audience: all, send_at: \"2026-02-16T08:00:00Z\",\n"
     "     send_until: \"2026-02-16T09:00:00+01:00\"}\n",
     "c.yaml:3:18: campaigns.0.send_until: '2026-02-16T09:00:00+01:00' is not after send_at "
     "'2026-02-16T08:00:00Z'\n"},
    {"bad request_link",
     "campaigns:\n  - {name: a, template: t, audience: all, send_at: 2026-02-16, "
     "request_link: ja}\n",
     "c.yaml:2:78: campaigns.0.request_link: expected true or false, got 'ja'\n"},
};

TEST(CampaignFile, InvalidFilesAreRefusedWithFileLineAndColumn) {
  for (const auto& c : kInvalid) {
    const CampaignFile f = parseCampaigns(c.yaml, "c.yaml");
    EXPECT_EQ(joined(f), c.errors) << c.name;
    EXPECT_TRUE(f.campaigns.empty()) << c.name;
  }
}

TEST(CampaignFile, AValidFileIsReadFieldByField) {
  const CampaignFile f = parseCampaigns(
      "campaigns:\n"
      "  - name: aankondiging\n"
      "    template: campaign_aankondiging\n"
      "    audience: all\n"
      "    send_at: \"2025-11-21T09:00:00+01:00\"\n"
      "  - name: activering\n"
      "    template: campaign_activering\n"
      "    audience: migrated\n"
      "    send_at: \"2026-02-16T08:00:00+01:00\"\n"
      "    send_until: \"2026-03-01T00:00:00+01:00\"\n"
      "    request_link: true\n"
      "    wave_size: 2000\n"
      "    wave_interval: 1h\n",
      "c.yaml");
  ASSERT_TRUE(f.errors.empty()) << joined(f);
  ASSERT_EQ(f.campaigns.size(), 2u);
  const Campaign& a = f.campaigns[0];
  EXPECT_EQ(a.name, "aankondiging");
  EXPECT_EQ(a.audience, Audience::kAll);
  EXPECT_EQ(formatIso8601(a.sendAt), "2025-11-21T08:00:00.000Z");
  EXPECT_EQ(a.waveSize, 0);
  EXPECT_FALSE(a.requestLink);
  EXPECT_FALSE(a.sendUntil);  // optional: never closes
  const Campaign& b = f.campaigns[1];
  EXPECT_EQ(b.templateName, "campaign_activering");
  EXPECT_EQ(b.audience, Audience::kMigrated);
  EXPECT_TRUE(b.requestLink);
  EXPECT_EQ(b.waveSize, 2000);
  EXPECT_EQ(b.waveInterval, std::chrono::hours(1));
  ASSERT_TRUE(b.sendUntil);
  EXPECT_EQ(formatIso8601(*b.sendUntil), "2026-02-28T23:00:00.000Z");
  EXPECT_TRUE(parseCampaigns("", "c.yaml").errors.empty());  // no campaigns at all
}

TEST(CampaignFile, Intervals) {
  EXPECT_EQ(parseInterval("90s"), std::chrono::seconds(90));
  EXPECT_EQ(parseInterval("15m"), std::chrono::minutes(15));
  EXPECT_EQ(parseInterval("2h"), std::chrono::hours(2));
  EXPECT_EQ(parseInterval("1d"), std::chrono::hours(24));
  for (const char* bad : {"", "m", "0m", "-1h", "1.5h", "1w", "h1", "12345678s"})
    EXPECT_FALSE(parseInterval(bad)) << bad;
}

TEST(CampaignFile, AnUnreadableFileIsOneErrorWithoutPosition) {
  const CampaignFile f = loadCampaignsFile("/nonexistent/campaigns.yaml");
  EXPECT_EQ(joined(f), "/nonexistent/campaigns.yaml: cannot read the campaigns file\n");
}

// N1: the seed's five e-mails ship as campaigns whose templates the mail plugin can render.
TEST(CampaignFile, TheShippedCampaignsAreValidAndTheirTemplatesRender) {
  const std::filesystem::path src(BERICHTD_SOURCE_DIR);
  const CampaignFile f = loadCampaignsFile((src / "conf/campaigns.yaml").string());
  ASSERT_TRUE(f.errors.empty()) << joined(f);
  std::vector<std::string> names;
  for (const auto& c : f.campaigns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"aankondiging", "planning", "week-voor",
                                             "in-onderhoud", "activering"}));
  for (const auto& c : f.campaigns) {
    std::ifstream in(src / "conf/templates" / (c.templateName + ".txt"), std::ios::binary);
    ASSERT_TRUE(in) << c.templateName;
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = mail::parseTemplate(text.str());
    ASSERT_TRUE(parsed) << c.templateName << ": " << parsed.status().toString();
    // The variables the CampaignStore gives every mail (and the link to request_link ones).
    std::map<std::string, std::string> vars = {
        {"public_url", "https://b.example.nl"},
        {"login_url", "https://b.example.nl/"},
        {"status_url", "https://b.example.nl/status"},
        {"kennisbank_url", "https://b.example.nl/kennisbank"}};
    if (c.requestLink) vars["link"] = "https://b.example.nl/activeren?token=abc";
    auto mail = mail::render(*parsed, vars);
    ASSERT_TRUE(mail) << c.templateName << ": " << mail.status().toString();
    if (c.requestLink) {
      EXPECT_NE(mail->body.find("activeren?token=abc"), std::string::npos);
    }
  }
  // AC1/M4: the activation mail goes to accounts not yet active, with a request link, in waves.
  const Campaign& activation = f.campaigns.back();
  EXPECT_EQ(activation.audience, Audience::kMigrated);
  EXPECT_TRUE(activation.requestLink);
  EXPECT_GT(activation.waveSize, 0);
  EXPECT_EQ(formatIso8601(activation.sendAt), "2026-02-16T07:00:00.000Z");
  // N1: each mail before the start-up stops when the next takes over (a late import gets no
  // stale mails); the activation mail never stops (every migrated account needs its link).
  std::vector<std::string> until;
  for (const auto& c : f.campaigns)
    until.push_back(c.sendUntil ? formatIso8601(*c.sendUntil) : "-");
  EXPECT_EQ(until, (std::vector<std::string>{
                       "2026-01-16T08:00:00.000Z",  // planning's send_at
                       "2026-02-06T08:00:00.000Z",  // week-voor's send_at
                       "2026-02-12T23:00:00.000Z",  // the cutoff (migration.cutoff)
                       "2026-02-15T23:00:00.000Z",  // the start-up (migration.startup)
                       "-"}));
  EXPECT_EQ(*f.campaigns[0].sendUntil, f.campaigns[1].sendAt);
  EXPECT_EQ(*f.campaigns[1].sendUntil, f.campaigns[2].sendAt);
}

}  // namespace
}  // namespace berichtd::campaigns
