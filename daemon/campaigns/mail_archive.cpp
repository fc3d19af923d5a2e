#include "campaigns/mail_archive.hpp"

#include "storage/abort.hpp"
#include "storage/sql_run.hpp"

namespace berichtd::campaigns {

namespace {

using storage::orAbort;
using storage::runSql;
using Tx = Poco::Data::Session;

std::string aad(const std::string& key, int64_t accountId, const char* field) {
  return "mail:" + key + ":" + std::to_string(accountId) + ":" + field;
}

std::optional<std::string> optText(const SqlValue& v) {
  if (v.isNull()) return std::nullopt;
  return v.textOr("");
}

}  // namespace

void MailArchive::record(Tx& tx, const ArchivedMail& m) const {
  // An account deleted meanwhile (retention, R3) has nothing to archive into; skipping it keeps
  // the outbox's outcome transaction from failing on the foreign key again and again.
  if (runSql(db_, tx, "SELECT 1 FROM accounts WHERE id = ? AND state <> 'deleted'", {m.accountId})
          .rows.empty())
    return;
  const crypto::SecretBox key = orAbort(keys_.forAccount(tx, m.accountId));
  std::string subject = orAbort(key.seal(m.subject, aad(m.key, m.accountId, "subject")));
  std::string text = orAbort(key.seal(redactTokens(m.text), aad(m.key, m.accountId, "text")));
  (void)runSql(db_, tx,
               "INSERT INTO mails (account_id, source_key, campaign, template, sealed_subject, "
               "sealed_text, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_key) DO "
               "NOTHING",
               {m.accountId, m.key, m.campaign, m.templateName, std::move(subject), std::move(text),
                m.sentAt});
}

Status MailArchive::recordNow(const ArchivedMail& m) const {
  return storage::transactOrAbort(db_, [&](Tx& tx) { record(tx, m); });
}

Result<std::vector<MailEntry>> MailArchive::list(int64_t accountId) const {
  auto key = keys_.existing(accountId);
  if (!key) {
    if (key.status().code() == "NOT_FOUND") return std::vector<MailEntry>();
    return key.status();
  }
  std::vector<MailEntry> out;
  Status s = db_.read([&](Tx& tx) {
    auto r = runSql(db_, tx,
                    "SELECT id, source_key, campaign, template, sealed_subject, sent_at FROM mails "
                    "WHERE account_id = ? ORDER BY sent_at DESC, id DESC",
                    {accountId});
    for (const auto& row : r.rows) {
      MailEntry e;
      e.id = row.at(0).intOr(0);
      e.campaign = optText(row.at(2));
      e.templateName = row.at(3).textOr("");
      e.subject =
          orAbort(key->open(row.at(4).textOr(""), aad(row.at(1).textOr(""), accountId, "subject")));
      e.sentAt = row.at(5).textOr("");
      out.push_back(std::move(e));
    }
  });
  if (!s) return s;
  return out;
}

Result<MailEntry> MailArchive::get(int64_t accountId, int64_t id) const {
  auto key = keys_.existing(accountId);
  if (!key) {
    if (key.status().code() == "NOT_FOUND") return Status::error("NOT_FOUND", "no such mail");
    return key.status();
  }
  std::optional<MailEntry> found;
  Status s = db_.read([&](Tx& tx) {
    auto r = runSql(db_, tx,
                    "SELECT id, source_key, campaign, template, sealed_subject, sealed_text, "
                    "sent_at FROM mails WHERE id = ? AND account_id = ?",
                    {id, accountId});
    if (r.rows.empty()) return;
    const auto& row = r.rows.front();
    const std::string source = row.at(1).textOr("");
    MailEntry e;
    e.id = row.at(0).intOr(0);
    e.campaign = optText(row.at(2));
    e.templateName = row.at(3).textOr("");
    e.subject = orAbort(key->open(row.at(4).textOr(""), aad(source, accountId, "subject")));
    e.text = orAbort(key->open(row.at(5).textOr(""), aad(source, accountId, "text")));
    e.sentAt = row.at(6).textOr("");
    found = std::move(e);
  });
  if (!s) return s;
  if (!found) return Status::error("NOT_FOUND", "no such mail");
  return *found;
}

}  // namespace berichtd::campaigns
