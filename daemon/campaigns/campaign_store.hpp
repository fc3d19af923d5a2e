// CampaignStore: queues a campaign's mails exactly once per account (SPEC N1, AC1, M4;
// migration 10 table campaign_mails; docs/campaigns.md "Exactly once").
//
// Contract
// - queue(c, limit, publicUrl): up to `limit` accounts of the campaign's audience that have no
//   mail of it yet, lowest account id first, get one: in ONE transaction per chunk of
//   kChunk accounts, each account's campaign_mails row (UNIQUE (campaign, account_id)), for a
//   request_link campaign a fresh AC1 request token stored only as its SHA-256 in
//   request_tokens (as AccountStore::create does), and its outbox job `mail`/`send_mail` with
//   idempotency key "campaign:NAME:ACCOUNT" — the row and the job commit together or not at
//   all, so a crash never loses one and a rerun never queues a second. Returns how many were
//   queued; storage errors come back as the Database's STORAGE_* codes (whole chunks stay).
// - The template variables: public_url, login_url (public_url + "/"), status_url
//   (/status), kennisbank_url (/kennisbank), and for request_link campaigns link
//   (public_url + "/activeren?token=" + the plain token).
// - progress(c): queued (campaign_mails rows), delivered (their outbox jobs done), failed
//   (dead), remaining (audience members still without a mail).
// - pending(c): queued and remaining only (delivered and failed 0) — what the scheduler needs
//   on every poll, without progress()'s join over the outbox.
// The plain token exists only in the outbox job's body (and so in the mail); never logged.
// Thread-safety: thread-safe; the CampaignService serialises queue() calls anyway.
#pragma once

#include <berichtd/status.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "campaigns/campaign.hpp"
#include "core/clock.hpp"
#include "storage/database.hpp"

namespace berichtd::campaigns {

struct CampaignProgress {
  int64_t queued = 0;
  int64_t delivered = 0;
  int64_t failed = 0;
  int64_t remaining = 0;
};

class CampaignStore {
 public:
  static constexpr int64_t kChunk = 200;

  CampaignStore(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Result<int64_t> queue(const Campaign& c, int64_t limit, const std::string& publicUrl);
  Result<CampaignProgress> progress(const Campaign& c);
  Result<CampaignProgress> pending(const Campaign& c);

 private:
  // queued and remaining, inside the caller's read.
  void countPending(Poco::Data::Session& tx, const Campaign& c, CampaignProgress& p) const;

  storage::Database& db_;
  const Clock& clock_;
};

// AU5: once the mail service confirmed a campaign mail, its outbox job's body — the address
// and, for a request_link campaign, the plain request token — is emptied ("{}"), inside the
// caller's transaction (the outbox's outcome transaction); the archive keeps a sealed copy
// without the token. Other jobs are left alone. Throws what the driver throws.
void forgetSentCampaignMail(const storage::Database& db, Poco::Data::Session& tx,
                            const std::string& key);

// The outbox key of a campaign mail, and the campaign a key belongs to (nullopt for others).
std::string campaignMailKey(const std::string& campaign, int64_t accountId);
std::optional<std::string> campaignOfKey(const std::string& key);

}  // namespace berichtd::campaigns
