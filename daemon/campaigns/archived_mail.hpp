// ArchivedMail: one sent e-mail as the sent-mail archive keeps it (SPEC N2; docs/campaigns.md
// "The archive"), and the pure steps that make one from the mail service's reply.
//
// Contract
// - mailFromReply(key, reply, sentAt): the delivery-smtp reply {"account_id", "template",
//   "subject", "text", "message_id"} as an ArchivedMail with source key `key`; the campaign is
//   taken from a "campaign:NAME:ID" key. nullopt when the reply is not such a reply (another
//   delivery plugin, a test double) or names no account (account_id 0): nothing to archive.
//   An empty key (a mail a plugin sent directly, not through the outbox) becomes
//   "smtp:<message_id>"; without a message_id there is nothing to archive.
// - redactTokens(text): every "token=VALUE" (VALUE up to white space, '&', '#' or a quote)
//   becomes "token=[verwijderd]". The archive keeps no working link: a request link would
//   otherwise stay usable from the archive, and an access link is single-use anyway.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berichtd::campaigns {

struct ArchivedMail {
  std::string key;  // unique: the outbox key, or "smtp:<message id>" for a direct mail
  int64_t accountId = 0;
  std::optional<std::string> campaign;
  std::string templateName;
  std::string subject;
  std::string text;
  std::string sentAt;  // ISO 8601 UTC
};

std::optional<ArchivedMail> mailFromReply(const std::string& key, const std::string& reply,
                                          const std::string& sentAt);
std::string redactTokens(std::string_view text);

}  // namespace berichtd::campaigns
