// The auth-totp plugin's tables (applied with PluginStorage::migrate; never edit a shipped step,
// append one). Times are whole milliseconds since the epoch (BIGINT); every token and code is
// stored only as its SHA-256 (AU5); TOTP secrets only sealed with AES-256-GCM (AU5).
#pragma once

#include <string>
#include <vector>

namespace berichtd::auth {

inline const std::vector<std::string>& authSchemaSteps() {
  static const std::vector<std::string> kSteps = {
      R"sql(
CREATE TABLE auth_credentials (
  account_id {{BIGINT}} PRIMARY KEY,
  password_hash TEXT,
  totp_secret TEXT,
  totp_last_step {{BIGINT}},
  pending_secret TEXT,
  updated_at {{BIGINT}} NOT NULL
);
CREATE TABLE auth_access_links (
  token_hash TEXT PRIMARY KEY,
  account_id {{BIGINT}} NOT NULL,
  email TEXT NOT NULL,
  issued_at {{BIGINT}} NOT NULL,
  used_at {{BIGINT}},
  superseded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX auth_access_links_account ON auth_access_links (account_id);
CREATE TABLE auth_activations (
  token_hash TEXT PRIMARY KEY,
  account_id {{BIGINT}} NOT NULL,
  email TEXT NOT NULL,
  purpose TEXT NOT NULL,
  expires_at {{BIGINT}} NOT NULL
);
CREATE INDEX auth_activations_account ON auth_activations (account_id);
CREATE TABLE auth_sessions (
  token_hash TEXT PRIMARY KEY,
  account_id {{BIGINT}} NOT NULL,
  created_at {{BIGINT}} NOT NULL,
  last_seen_at {{BIGINT}} NOT NULL,
  client TEXT NOT NULL
);
CREATE INDEX auth_sessions_account ON auth_sessions (account_id);
CREATE TABLE auth_recovery_codes (
  account_id {{BIGINT}} NOT NULL,
  code_hash TEXT NOT NULL,
  used_at {{BIGINT}},
  PRIMARY KEY (account_id, code_hash)
);
CREATE TABLE auth_failures (
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  failures INTEGER NOT NULL,
  first_failure_at {{BIGINT}} NOT NULL,
  lockouts INTEGER NOT NULL,
  locked_until {{BIGINT}},
  PRIMARY KEY (kind, subject)
);
CREATE TABLE auth_audit_log (
  id {{ID}},
  at {{BIGINT}} NOT NULL,
  event TEXT NOT NULL,
  account_id {{BIGINT}},
  subject TEXT NOT NULL,
  client TEXT NOT NULL,
  outcome TEXT NOT NULL
);
CREATE INDEX auth_audit_log_at ON auth_audit_log (at);
)sql",
  };
  return kSteps;
}

}  // namespace berichtd::auth
