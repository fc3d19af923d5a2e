// MailArchive: every e-mail sent to an account, readable by that account after login (SPEC N2;
// migration 10 table `mails`; docs/campaigns.md "The archive").
//
// Contract
// - record(tx, m): inside the caller's transaction (the outbox's outcome transaction, so the
//   row commits with the job `done`): subject and text (tokens redacted, archived_mail.hpp)
//   sealed with the account's data key (DataKeys, as message bodies are; AAD
//   "mail:<key>:<account>:<field>"); a second record of the same key is ignored (UNIQUE), and
//   so is a mail of an account that no longer exists or is deleted.
//   Throws what the driver throws, storage::Abort for a sealing failure.
// - recordNow(m): the same in a transaction of its own (mails sent outside the outbox).
// - list(account): newest first, subjects opened; get(account, id): one with its text —
//   NOT_FOUND unless the mail is that account's (another account's id looks like none).
//   An account without a data key (destroyed, R3) has nothing readable: an empty list.
// Rows are keyed by account_id, so retention deletes them with the account (R3).
// Thread-safety: thread-safe.
#pragma once

#include <Poco/Data/Session.h>

#include <berichtd/status.hpp>
#include <vector>

#include "campaigns/archived_mail.hpp"
#include "messages/data_keys.hpp"
#include "storage/database.hpp"

namespace berichtd::campaigns {

struct MailEntry {
  int64_t id = 0;
  std::optional<std::string> campaign;
  std::string templateName;
  std::string subject;
  std::string text;  // empty in list()
  std::string sentAt;
};

class MailArchive {
 public:
  MailArchive(storage::Database& db, const messages::DataKeys& keys) : db_(db), keys_(keys) {}

  void record(Poco::Data::Session& tx, const ArchivedMail& m) const;
  Status recordNow(const ArchivedMail& m) const;
  Result<std::vector<MailEntry>> list(int64_t accountId) const;
  Result<MailEntry> get(int64_t accountId, int64_t id) const;

 private:
  storage::Database& db_;
  const messages::DataKeys& keys_;
};

}  // namespace berichtd::campaigns
