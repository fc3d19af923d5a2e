#include "campaigns/campaign_store.hpp"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <sstream>

#include "core/tokens.hpp"
#include "storage/outbox.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::campaigns {

namespace {

using storage::runSql;
using Tx = Poco::Data::Session;

// The audience as SQL over accounts a (the same rule as inAudience(), campaign_rules.hpp).
std::string audienceWhere(Audience a) {
  switch (a) {
    case Audience::kMigrated:
      return "a.state = 'migrated'";
    case Audience::kActive:
      return "a.state = 'active'";
    case Audience::kAll:
    default:
      return "a.state <> 'deleted'";
  }
}

std::string withoutMail(const Campaign& c) {
  return "FROM accounts a WHERE " + audienceWhere(c.audience) +
         " AND a.email IS NOT NULL AND NOT EXISTS (SELECT 1 FROM campaign_mails m WHERE "
         "m.campaign = ? AND m.account_id = a.id)";
}

std::string mailJson(const Campaign& c, int64_t accountId, const std::string& to,
                     const std::string& publicUrl, const std::string& token) {
  Poco::JSON::Object mail, vars;
  mail.set("to", to);
  mail.set("account_id", accountId);
  mail.set("template", c.templateName);
  vars.set("public_url", publicUrl);
  vars.set("login_url", publicUrl + "/");
  vars.set("status_url", publicUrl + "/status");
  vars.set("kennisbank_url", publicUrl + "/kennisbank");
  if (c.requestLink) vars.set("link", publicUrl + "/activeren?token=" + token);
  mail.set("variables", vars);
  std::ostringstream s;
  mail.stringify(s);
  return s.str();
}

}  // namespace

std::string campaignMailKey(const std::string& campaign, int64_t accountId) {
  return "campaign:" + campaign + ":" + std::to_string(accountId);
}

std::optional<std::string> campaignOfKey(const std::string& key) {
  const std::string prefix = "campaign:";
  if (key.rfind(prefix, 0) != 0) return std::nullopt;
  const auto colon = key.rfind(':');
  if (colon <= prefix.size()) return std::nullopt;
  return key.substr(prefix.size(), colon - prefix.size());
}

void forgetSentCampaignMail(const storage::Database& db, Tx& tx, const std::string& key) {
  if (!campaignOfKey(key)) return;
  (void)runSql(db, tx, "UPDATE outbox SET body = ? WHERE idempotency_key = ?",
               {SqlValue::blob("{}"), key});
}

Result<int64_t> CampaignStore::queue(const Campaign& c, int64_t limit,
                                     const std::string& publicUrl) {
  int64_t queued = 0;
  while (queued < limit) {
    const int64_t chunk = std::min(kChunk, limit - queued);
    int64_t inChunk = 0;
    bool exhausted = false;
    const std::string nowText = formatIso8601(clock_.now());
    Status s = db_.transact([&](Tx& tx) {
      inChunk = 0;
      auto r = runSql(db_, tx, "SELECT a.id, a.email " + withoutMail(c) + " ORDER BY a.id LIMIT ?",
                      {c.name, chunk});
      exhausted = static_cast<int64_t>(r.rows.size()) < chunk;
      for (const auto& row : r.rows) {
        const int64_t accountId = row.at(0).intOr(0);
        // N1: the UNIQUE (campaign, account_id) row is the "sent once" record; a concurrent
        // queue() that got there first leaves nothing to do.
        auto mark = runSql(db_, tx,
                           "INSERT INTO campaign_mails (campaign, account_id, queued_at) VALUES "
                           "(?, ?, ?) ON CONFLICT (campaign, account_id) DO NOTHING",
                           {c.name, accountId, nowText});
        if (mark.changed == 0) continue;
        std::string token;
        if (c.requestLink) {
          token = randomToken();  // AC1: usable until the account is active or deleted
          (void)runSql(db_, tx,
                       "INSERT INTO request_tokens (account_id, token_hash, created_at) VALUES "
                       "(?, ?, ?)",
                       {accountId, sha256Hex(token), nowText});  // AU5: only the hash
        }
        storage::enqueueOutboxJob(db_, tx, "mail", "send_mail", campaignMailKey(c.name, accountId),
                                  mailJson(c, accountId, row.at(1).textOr(""), publicUrl, token),
                                  nowText);
        ++inChunk;
      }
    });
    if (!s) return s;
    queued += inChunk;
    if (exhausted || inChunk == 0) break;
  }
  return queued;
}

void CampaignStore::countPending(Tx& tx, const Campaign& c, CampaignProgress& p) const {
  p.queued = runSql(db_, tx, "SELECT COUNT(*) FROM campaign_mails WHERE campaign = ?", {c.name})
                 .rows.at(0)
                 .at(0)
                 .intOr(0);
  p.remaining =
      runSql(db_, tx, "SELECT COUNT(*) " + withoutMail(c), {c.name}).rows.at(0).at(0).intOr(0);
}

Result<CampaignProgress> CampaignStore::pending(const Campaign& c) {
  CampaignProgress p;
  Status s = db_.read([&](Tx& tx) { countPending(tx, c, p); });
  if (!s) return s;
  return p;
}

Result<CampaignProgress> CampaignStore::progress(const Campaign& c) {
  CampaignProgress p;
  Status s = db_.read([&](Tx& tx) {
    countPending(tx, c, p);
    auto jobs = runSql(db_, tx,
                       "SELECT o.state, COUNT(*) FROM campaign_mails m JOIN outbox o ON "
                       "o.idempotency_key = 'campaign:' || m.campaign || ':' || "
                       "CAST(m.account_id AS TEXT) WHERE m.campaign = ? GROUP BY o.state",
                       {c.name});
    for (const auto& row : jobs.rows) {
      const std::string state = row.at(0).textOr("");
      if (state == "done") p.delivered = row.at(1).intOr(0);
      if (state == "dead") p.failed = row.at(1).intOr(0);
    }
  });
  if (!s) return s;
  return p;
}

}  // namespace berichtd::campaigns
