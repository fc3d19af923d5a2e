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

// The columns list() reads; get() reads sealed_text after them.
constexpr const char* kColumns = "id, source_key, campaign, template, sealed_subject, sent_at";

// One row of kColumns (and sealed_text as the 7th when withText), opened with the account's key.
MailEntry entryOf(const std::vector<SqlValue>& row, const crypto::SecretBox& key, int64_t accountId,
                  bool withText) {
  const std::string source = row.at(1).textOr("");
  MailEntry e;
  e.id = row.at(0).intOr(0);
  if (!row.at(2).isNull()) e.campaign = row.at(2).textOr("");
  e.templateName = row.at(3).textOr("");
  e.subject = orAbort(key.open(row.at(4).textOr(""), aad(source, accountId, "subject")));
  e.sentAt = row.at(5).textOr("");
  if (withText) e.text = orAbort(key.open(row.at(6).textOr(""), aad(source, accountId, "text")));
  return e;
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
                    std::string("SELECT ") + kColumns +
                        " FROM mails WHERE account_id = ? ORDER BY sent_at DESC, id DESC",
                    {accountId});
    for (const auto& row : r.rows) out.push_back(entryOf(row, *key, accountId, false));
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
                    std::string("SELECT ") + kColumns +
                        ", sealed_text FROM mails WHERE id = ? AND account_id = ?",
                    {id, accountId});
    if (!r.rows.empty()) found = entryOf(r.rows.front(), *key, accountId, true);
  });
  if (!s) return s;
  if (!found) return Status::error("NOT_FOUND", "no such mail");
  return *found;
}

}  // namespace berichtd::campaigns
