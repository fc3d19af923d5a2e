// The per-account rows retention deletes in the daemon's own tables (SPEC R3; docs/retention.md
// "What is deleted"). ONE list, in order: a table that holds something of an account gets one
// line here and the sweep (RetentionStore::deleteAccount) clears it with the others, in the
// account's one transaction. Each statement takes the account id as its only parameter.
//
// Not here, on purpose:
// - accounts: the row stays as the tombstone (A4), scrubbed by the store after these steps.
// - outbox: jobs are matched by their JSON body, not by a column (RetentionStore).
// - plugin tables (auth_*, billing_sepa_*): the plugins delete them themselves on the bus
//   request `forget_account` (docs/plugin-sdk.md), queued in the same transaction.
// Foreign keys reference accounts ON DELETE CASCADE, but the tombstone row is never deleted, so
// nothing cascades by surprise: every row that goes is named below.
#pragma once

#include <array>

namespace berichtd::retention {

struct WipeStep {
  const char* what;  // for the report and the docs
  const char* sql;   // one '?': the account id
};

inline constexpr std::array kWipeSteps = {
    // The account's own copies of messages (its inbox and its sent box). A recipient's copy of
    // a message this account sent is the recipient's and stays (sealed with THEIR key).
    WipeStep{"message copies", "DELETE FROM message_copies WHERE account_id = ?"},
    // Messages it sent that no one holds a copy of any more.
    WipeStep{"messages without copies",
             "DELETE FROM messages WHERE sender_id = ? AND NOT EXISTS (SELECT 1 FROM "
             "message_copies c WHERE c.message_id = messages.id)"},
    // Messages it sent that others still hold: the sender's AGB code and its idempotency key
    // go; the recipient's copy shows the sender as deleted.
    WipeStep{"sender of surviving messages",
             "UPDATE messages SET sender_agb = '', idempotency_key = NULL, request_hash = NULL "
             "WHERE sender_id = ?"},
    // The per-account data key (DataKeys::destroy): whatever sealed text might remain anywhere
    // (a backup, a free page) cannot be opened any more.
    WipeStep{"data key", "DELETE FROM account_data_keys WHERE account_id = ?"},
    WipeStep{"charges", "DELETE FROM billing_charges WHERE account_id = ?"},
    WipeStep{"invoices", "DELETE FROM invoices WHERE account_id = ?"},
    WipeStep{"subscription", "DELETE FROM billing_subscriptions WHERE account_id = ?"},
    WipeStep{"mandate", "DELETE FROM billing_mandates WHERE account_id = ?"},
    WipeStep{"billing customer", "DELETE FROM billing_customers WHERE account_id = ?"},
    WipeStep{"request tokens", "DELETE FROM request_tokens WHERE account_id = ?"},
    // Every e-mail sent to it (N2; sealed with the data key above) and the record of which
    // campaign mails it was queued (N1); a deleted account is in no audience any more.
    WipeStep{"sent-mail archive", "DELETE FROM mails WHERE account_id = ?"},
    WipeStep{"campaign mail records", "DELETE FROM campaign_mails WHERE account_id = ?"},
};

}  // namespace berichtd::retention
