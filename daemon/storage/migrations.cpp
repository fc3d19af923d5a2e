#include "storage/migrations.hpp"

#include <array>
#include <cctype>

namespace berichtd::storage {

// Times are TEXT in ISO 8601 UTC ("2026-03-01T00:00:00.000Z"): they sort as text and read the
// same on both backends, where native timestamp types behave differently.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "audit_log", R"sql(
CREATE TABLE audit_log (
  id {{ID}},
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
)sql"},
      // The durable outbox (ARCHITECTURE.md principle 4): work is written here in the
      // transaction that accepts it, then dispatched over the bus and retried until a final
      // state. idempotency_key makes a second insert of the same work fail instead of running it
      // twice. Dispatch itself lives elsewhere.
      {2, "outbox", R"sql(
CREATE TABLE outbox (
  id {{ID}},
  service TEXT NOT NULL,
  action TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  headers TEXT NOT NULL DEFAULT '{}',
  body {{BLOB}},
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_error TEXT
);
CREATE INDEX outbox_state_next ON outbox (state, next_attempt_at);
)sql"},
      // Account records (SPEC A1, A4) and the AC1 request-link tokens, stored only as their
      // SHA-256 (AU5). email_key is the lower-cased e-mail: its UNIQUE constraint is A1's
      // case-insensitive uniqueness on both backends. Dates are TEXT "YYYY-MM-DD"; times ISO
      // 8601 UTC. A request token is usable until the account is active or deleted (AC1).
      {3, "accounts", R"sql(
CREATE TABLE accounts (
  id {{ID}},
  email TEXT NOT NULL,
  email_key TEXT NOT NULL UNIQUE,
  agb_code TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  created_at TEXT NOT NULL,
  closed_at TEXT,
  paid_through TEXT,
  last_activity_at TEXT,
  old_id TEXT UNIQUE,
  inserted_at TEXT NOT NULL
);
CREATE TABLE request_tokens (
  account_id {{BIGINT}} NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE INDEX request_tokens_account ON request_tokens (account_id);
)sql"},
      // Messages (SPEC D1-D3, AC4). Each account's copy of a message (the sender's `sent` copy,
      // each recipient's `inbox` copy) holds subject, body and declaratie sealed with THAT
      // account's data key (AES-256-GCM), which account_data_keys keeps wrapped by the master key
      // from a {file:} secret: deleting an account's data key makes its copies unreadable (R3).
      // idempotency_key is unique per sender (D3); deliveries are outbox rows.
      {4, "messages", R"sql(
CREATE TABLE account_data_keys (
  account_id {{BIGINT}} PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  wrapped_key TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE messages (
  id {{ID}},
  sender_id {{BIGINT}} NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  sender_agb TEXT NOT NULL,
  type TEXT NOT NULL,
  created_at TEXT NOT NULL,
  idempotency_key TEXT,
  request_hash TEXT,
  UNIQUE (sender_id, idempotency_key)
);
CREATE TABLE message_copies (
  message_id {{BIGINT}} NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  account_id {{BIGINT}} NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  box TEXT NOT NULL,
  agb_code TEXT NOT NULL,
  sealed_subject TEXT NOT NULL,
  sealed_body TEXT NOT NULL,
  sealed_declaratie TEXT,
  state TEXT NOT NULL,
  delivered_at TEXT,
  PRIMARY KEY (message_id, account_id, box)
);
CREATE INDEX message_copies_box ON message_copies (account_id, box, message_id);
)sql"},
      // B8: invoice numbers without gaps, one counter row per year, advanced inside the
      // transaction that stores the invoice (a database sequence would leave gaps on rollback).
      {5, "invoice_counters", R"sql(
CREATE TABLE invoice_counters (
  year INTEGER PRIMARY KEY,
  last_number {{BIGINT}} NOT NULL
);
)sql"},
      // Billing (SPEC B3-B8, AC3; docs/billing.md "Storage"). A mandate and its verification
      // charge are written BEFORE the provider is called; an invoice is unique per (account,
      // period start) and its charge per idempotency key, so a billing run that is killed and
      // run again charges no period twice and skips none. Invoices keep every printed field
      // (supplier by snapshot id), so the PDF rendered later is the invoice as issued.
      {6, "billing", R"sql(
CREATE TABLE billing_customers (
  account_id {{BIGINT}} PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  customer_id TEXT NOT NULL
);
CREATE TABLE billing_mandates (
  account_id {{BIGINT}} PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  reference TEXT NOT NULL UNIQUE,
  provider_mandate_id TEXT,
  account_holder TEXT NOT NULL,
  billing_address TEXT NOT NULL,
  iban_sealed TEXT NOT NULL,
  iban_masked TEXT NOT NULL,
  consent_at TEXT NOT NULL,
  consent_client TEXT NOT NULL,
  consent_text_version TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE billing_subscriptions (
  account_id {{BIGINT}} PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  billing_day INTEGER NOT NULL,
  next_period_start TEXT NOT NULL,
  activated_on TEXT NOT NULL
);
CREATE INDEX billing_subscriptions_due ON billing_subscriptions (next_period_start);
CREATE TABLE billing_suppliers (
  id {{ID}},
  name TEXT NOT NULL,
  address TEXT NOT NULL,
  kvk TEXT NOT NULL,
  vat_number TEXT NOT NULL,
  UNIQUE (name, address, kvk, vat_number)
);
CREATE TABLE invoices (
  id {{ID}},
  account_id {{BIGINT}} NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  number TEXT NOT NULL UNIQUE,
  issued_on TEXT NOT NULL,
  period_start TEXT NOT NULL,
  period_last_day TEXT NOT NULL,
  amount_excl_cents {{BIGINT}} NOT NULL,
  vat_percent INTEGER NOT NULL,
  vat_cents {{BIGINT}} NOT NULL,
  supplier_id {{BIGINT}} REFERENCES billing_suppliers(id),
  customer_name TEXT NOT NULL,
  customer_address TEXT NOT NULL,
  state TEXT NOT NULL,
  paid_at TEXT,
  source TEXT NOT NULL,
  pdf {{BLOB}},
  UNIQUE (account_id, period_start)
);
CREATE TABLE billing_charges (
  id {{ID}},
  account_id {{BIGINT}} NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  invoice_id {{BIGINT}} REFERENCES invoices(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  amount_cents {{BIGINT}} NOT NULL,
  payment_id TEXT UNIQUE,
  status TEXT NOT NULL,
  charged_back_cents {{BIGINT}} NOT NULL DEFAULT 0,
  failure_reason TEXT,
  retry_on TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX billing_charges_retry ON billing_charges (retry_on);
CREATE INDEX billing_charges_account ON billing_charges (account_id, kind);
CREATE TABLE billing_runs (
  day TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  invoices {{BIGINT}} NOT NULL DEFAULT 0,
  charges {{BIGINT}} NOT NULL DEFAULT 0
);
)sql"},
      // Status (SPEC S1, S2): operator incidents with their updates, and maintenance windows.
      // components holds the affected components and the state each is set to, as JSON
      // {"login": "major_outage"}; times ISO 8601 UTC. Kept 90 days after they end (the page's
      // history); older rows are pruned.
      {7, "status", R"sql(
CREATE TABLE status_incidents (
  id {{ID}},
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  components TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  resolved_at TEXT
);
CREATE TABLE status_incident_updates (
  id {{ID}},
  incident_id {{BIGINT}} NOT NULL REFERENCES status_incidents(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX status_incident_updates_incident ON status_incident_updates (incident_id, id);
CREATE TABLE status_maintenances (
  id {{ID}},
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  components TEXT NOT NULL,
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  created_at TEXT NOT NULL
);
)sql"},
      // S3: the last component state handed to the `status` service, so a restart does not
      // push every component again and a change is pushed once.
      {8, "status_pushed", R"sql(
CREATE TABLE status_pushed (
  component TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  pushed_at TEXT NOT NULL
);
)sql"},
      // M1 (docs/import.md): migrated messages and invoices keep the old platform's id, so a
      // second import of the same export finds them and writes nothing (idempotent). NULL for
      // the platform's own rows; UNIQUE where set (both backends allow many NULLs).
      {9, "import_old_ids", R"sql(
ALTER TABLE messages ADD COLUMN old_id TEXT;
CREATE UNIQUE INDEX messages_old_id ON messages (old_id);
ALTER TABLE invoices ADD COLUMN old_id TEXT;
CREATE UNIQUE INDEX invoices_old_id ON invoices (old_id);
)sql"},
      // Campaigns and the sent-mail archive (SPEC N1, N2; docs/campaigns.md). campaign_mails is
      // the "queued once" record: its row commits with the mail's outbox job, and the UNIQUE
      // (campaign, account_id) makes a second one impossible. mails keeps every e-mail sent
      // to an account, subject and text sealed with the account's data key; source_key (the
      // outbox key, or the SMTP message id) makes an archived mail unique. Both are keyed by
      // account_id so retention deletes them with the account (R3).
      {10, "campaigns", R"sql(
CREATE TABLE campaign_mails (
  campaign TEXT NOT NULL,
  account_id {{BIGINT}} NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  queued_at TEXT NOT NULL,
  UNIQUE (campaign, account_id)
);
CREATE INDEX campaign_mails_account ON campaign_mails (account_id);
CREATE TABLE mails (
  id {{ID}},
  account_id {{BIGINT}} NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  source_key TEXT NOT NULL UNIQUE,
  campaign TEXT,
  template TEXT NOT NULL,
  sealed_subject TEXT NOT NULL,
  sealed_text TEXT NOT NULL,
  sent_at TEXT NOT NULL
);
CREATE INDEX mails_account ON mails (account_id, sent_at);
)sql"},
      // Retention (SPEC R1-R3, A4; docs/retention.md): a deleted account keeps only its row as
      // the tombstone (state `deleted`, when and why; everything else scrubbed), and the days
      // the daily sweep finished, so a restart does not sweep a finished day again.
      {11, "retention", R"sql(
ALTER TABLE accounts ADD COLUMN deleted_at TEXT;
ALTER TABLE accounts ADD COLUMN deletion_reason TEXT;
CREATE TABLE retention_runs (
  day TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  deleted {{BIGINT}} NOT NULL DEFAULT 0
);
)sql"},
  };
  return kMigrations;
}

Result<std::string> renderMigrationSql(std::string_view sql, Backend backend) {
  struct Token {
    std::string_view name;
    std::string_view sqlite;
    std::string_view postgres;
  };
  static constexpr std::array<Token, 3> kTokens = {{
      {"ID", "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"},
      {"BLOB", "BLOB", "BYTEA"},
      {"BIGINT", "INTEGER", "BIGINT"},
  }};
  std::string out;
  out.reserve(sql.size());
  std::size_t pos = 0;
  while (pos < sql.size()) {
    const auto open = sql.find("{{", pos);
    if (open == std::string_view::npos) {
      out.append(sql.substr(pos));
      break;
    }
    out.append(sql.substr(pos, open - pos));
    const auto close = sql.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return Status::error("STORAGE_MIGRATION_INVALID", "unterminated '{{' in migration SQL");
    }
    const std::string_view name = sql.substr(open + 2, close - open - 2);
    bool found = false;
    for (const Token& t : kTokens) {
      if (t.name == name) {
        out.append(backend == Backend::kSqlite ? t.sqlite : t.postgres);
        found = true;
        break;
      }
    }
    if (!found) {
      return Status::error("STORAGE_MIGRATION_INVALID",
                           "unknown substitution {{" + std::string(name) + "}} in migration SQL");
    }
    pos = close + 2;
  }
  return out;
}

std::vector<std::string> splitStatements(std::string_view sql) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    std::size_t b = 0;
    std::size_t e = current.size();
    while (b < e && std::isspace(static_cast<unsigned char>(current[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(current[e - 1]))) --e;
    if (e > b) out.push_back(current.substr(b, e - b));
    current.clear();
  };
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      // Quoted text or identifier; a doubled quote inside is an escaped quote and simply
      // closes and reopens, which this scan handles without special-casing.
      const auto end = sql.find(c, i + 1);
      const auto stop = end == std::string_view::npos ? sql.size() : end + 1;
      current.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const auto end = sql.find('\n', i);
      i = end == std::string_view::npos ? sql.size() : end;
      current += '\n';
    } else if (c == ';') {
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return out;
}

}  // namespace berichtd::storage
