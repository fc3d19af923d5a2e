#include "auth_service.hpp"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "auth/access_link_policy.hpp"
#include "auth/base32.hpp"
#include "auth/password_hash.hpp"
#include "auth/qr_svg.hpp"
#include "auth/tokens.hpp"
#include "auth_schema.hpp"
#include "core/clock.hpp"

namespace berichtd::auth {

using namespace berichtd::crypto;  // randomBytes, Base64, SecretBox

namespace {

constexpr const char* kLoginFailed = "e-mail address, password or code is not right";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

int64_t toMs(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
TimePoint fromMs(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

std::string aadFor(int64_t accountId) { return "totp:" + std::to_string(accountId); }

Status loginFailed() { return Status::error("LOGIN_FAILED", kLoginFailed); }

std::string clientSubject(const std::string& client) { return "client:" + client; }

}  // namespace

std::string emailSubject(const std::string& email) { return "email:" + tokenHash(lower(email)); }

AuthService::AuthService(PluginContext ctx, AuthSettings settings, SecretBox box,
                         PasswordPolicy policy, std::function<int64_t()> totpNowUnixSeconds)
    : ctx_(std::move(ctx)),
      db_(ctx_.storage()),
      settings_(std::move(settings)),
      box_(std::move(box)),
      policy_(std::move(policy)),
      totpNow_(std::move(totpNowUnixSeconds)) {}

Status AuthService::migrate() const { return db_.migrate(authSchemaSteps()); }

int64_t AuthService::nowMs() const { return toMs(ctx_.now()); }

// ---------------------------------------------------------------------------------------------
// Storage helpers

Result<std::optional<AuthService::Credentials>> AuthService::loadCredentials(
    int64_t accountId) const {
  auto r = db_.run(
      "SELECT password_hash, totp_secret, totp_last_step, pending_secret FROM auth_credentials "
      "WHERE account_id = ?",
      {accountId});
  if (!r) return r.status();
  if (r->rows.empty()) return std::optional<Credentials>();
  const SqlRow& row = r->rows.front();
  Credentials c;
  c.passwordHash = row[0].asText();
  c.totpSecret = row[1].asText();
  c.lastStep = row[2].asInt();
  c.pendingSecret = row[3].asText();
  return std::optional<Credentials>(std::move(c));
}

Result<AuthService::Activation> AuthService::loadActivation(const std::string& token) const {
  auto r = db_.run(
      "SELECT account_id, email, purpose, expires_at FROM auth_activations WHERE token_hash = ?",
      {tokenHash(token)});
  if (!r) return r.status();
  if (r->rows.empty() || r->rows.front()[3].intOr(0) <= nowMs()) {
    return Status::error("ACTIVATION_TOKEN_INVALID",
                         "the activation session is unknown or has expired");
  }
  const SqlRow& row = r->rows.front();
  return Activation{row[0].intOr(0), row[1].textOr(""), row[2].textOr("")};
}

Result<std::string> AuthService::newActivationToken(int64_t accountId, const std::string& email,
                                                    const std::string& purpose,
                                                    std::vector<SqlStatement>& batch) const {
  auto token = randomToken();
  if (!token) return token.status();
  const int64_t expires =
      nowMs() +
      std::chrono::duration_cast<std::chrono::milliseconds>(settings_.activationTtl).count();
  // One activation session per account and purpose: a new one ends the older ones.
  batch.push_back(
      {"DELETE FROM auth_activations WHERE account_id = ? AND purpose = ?", {accountId, purpose}});
  batch.push_back(
      {"INSERT INTO auth_activations (token_hash, account_id, email, purpose, expires_at) "
       "VALUES (?, ?, ?, ?, ?)",
       {tokenHash(*token), accountId, email, purpose, expires}});
  return token;
}

Result<Enrolment> AuthService::newEnrolment(int64_t accountId, const std::string& email) const {
  auto secret = generateSecret();
  if (!secret) return secret.status();
  auto sealed = box_.seal(*secret, aadFor(accountId));
  if (!sealed) return sealed.status();
  auto stored =
      db_.run("UPDATE auth_credentials SET pending_secret = ?, updated_at = ? WHERE account_id = ?",
              {*sealed, nowMs(), accountId}, true);
  if (!stored) return stored.status();
  Enrolment e;
  e.secretBase32 = base32Encode(*secret);
  e.otpauthUri = otpauthUri(email, e.secretBase32);
  auto svg = qrSvg(e.otpauthUri);
  if (!svg) return svg.status();
  e.qrSvg = std::move(svg).value();
  return e;
}

// ---------------------------------------------------------------------------------------------
// Lockout (AU4, AU9)

Result<std::chrono::seconds> AuthService::lockedFor(
    const std::vector<FailureKind>& kinds, const std::vector<std::string>& subjects) const {
  std::chrono::seconds longest{0};
  const TimePoint now = ctx_.now();
  for (FailureKind kind : kinds) {
    for (const auto& subject : subjects) {
      auto r = db_.run("SELECT locked_until FROM auth_failures WHERE kind = ? AND subject = ?",
                       {std::string(failureKindName(kind)), subject});
      if (!r) return r.status();
      if (r->rows.empty() || r->rows.front()[0].isNull()) continue;
      FailureState s;
      s.lockedUntil = fromMs(r->rows.front()[0].intOr(0));
      if (isLocked(s, now)) longest = std::max(longest, retryAfter(s, now));
    }
  }
  return longest;
}

void AuthService::recordFailure(FailureKind kind, const std::vector<std::string>& subjects) const {
  const std::string kindName(failureKindName(kind));
  for (const auto& subject : subjects) {
    // Read, apply the pure rule, write back only if nobody changed the row meanwhile
    // (compare-and-set); a lost race is retried, so concurrent failures are all counted.
    for (int attempt = 0; attempt < 8; ++attempt) {
      auto r = db_.run(
          "SELECT failures, first_failure_at, lockouts, locked_until FROM auth_failures "
          "WHERE kind = ? AND subject = ?",
          {kindName, subject});
      if (!r) break;
      FailureState old;
      if (!r->rows.empty()) {
        const SqlRow& row = r->rows.front();
        old.failures = static_cast<int>(row[0].intOr(0));
        old.firstFailureAt = fromMs(row[1].intOr(0));
        old.lockouts = static_cast<int>(row[2].intOr(0));
        if (!row[3].isNull()) old.lockedUntil = fromMs(row[3].intOr(0));
      }
      const FailureState next = auth::recordFailure(old, ctx_.now(), settings_.lockout);
      const std::optional<int64_t> lockedUntil =
          next.lockedUntil ? std::optional<int64_t>(toMs(*next.lockedUntil)) : std::nullopt;
      Result<SqlResult> w =
          r->rows.empty()
              ? db_.run(
                    "INSERT INTO auth_failures (kind, subject, failures, first_failure_at, "
                    "lockouts, locked_until) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, subject) DO NOTHING",
                    {kindName, subject, next.failures, toMs(next.firstFailureAt), next.lockouts,
                     lockedUntil},
                    true)
              : db_.run(
                    "UPDATE auth_failures SET failures = ?, first_failure_at = ?, lockouts = ?, "
                    "locked_until = ? "
                    "WHERE kind = ? AND subject = ? AND failures = ? AND first_failure_at = ? AND "
                    "lockouts = ? "
                    "AND COALESCE(locked_until, -1) = ?",
                    {next.failures, toMs(next.firstFailureAt), next.lockouts, lockedUntil, kindName,
                     subject, old.failures, toMs(old.firstFailureAt), old.lockouts,
                     old.lockedUntil ? toMs(*old.lockedUntil) : int64_t{-1}},
                    true);
      if (w || w.status().code() != "CONFLICT") break;
    }
  }
}

void AuthService::recordSuccess(const std::vector<FailureKind>& kinds,
                                const std::vector<std::string>& subjects) const {
  // AU9: a success clears the count; lockouts and lockedUntil stay (recordSuccess()).
  for (FailureKind kind : kinds) {
    for (const auto& subject : subjects) {
      (void)db_.run("UPDATE auth_failures SET failures = 0 WHERE kind = ? AND subject = ?",
                    {std::string(failureKindName(kind)), subject});
    }
  }
}

bool AuthService::passwordMatches(const std::optional<Credentials>& cred,
                                  const std::string& password) const {
  if (cred && cred->passwordHash) return verifyPassword(password, *cred->passwordHash);
  // AU4: an unknown e-mail costs the same scrypt run, so timing does not tell it apart.
  (void)dummyVerify(password);
  return false;
}

// ---------------------------------------------------------------------------------------------
// Audit and mail

void AuthService::audit(const std::string& event, std::optional<int64_t> accountId,
                        const std::string& subject, const std::string& client,
                        const std::string& outcome) const {
  auto r = db_.run(
      "INSERT INTO auth_audit_log (at, event, account_id, subject, client, outcome) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {nowMs(), event, accountId ? SqlValue(*accountId) : SqlValue(), lower(subject), client,
       outcome});
  if (!r) ctx_.warning("audit record for '" + event + "' not written: " + r.status().code());
}

void AuthService::mail(const std::string& to, int64_t accountId, const std::string& templateName,
                       const std::string& variablesJson) const {
  // The mail contract of the delivery service (docs/auth-plugin.md "Mail").
  Poco::JSON::Object body;
  body.set("to", to);
  body.set("account_id", accountId);
  body.set("template", templateName);
  std::ostringstream out;
  body.stringify(out);
  std::string json = out.str();
  json.insert(json.size() - 1, ",\"variables\":" + variablesJson);
  Message m;
  m.service = settings_.mailService;
  m.action = "send_mail";
  m.headers.emplace_back("content-type", "application/json");
  m.body = json;
  auto reply = ctx_.call(m, settings_.mailTimeout);
  if (!reply) {
    ctx_.warning("mail '" + templateName + "' for account " + std::to_string(accountId) +
                 " not handed to delivery: " + reply.status().code());
  }
}

// ---------------------------------------------------------------------------------------------
// Activation (AC1-AC3)

Status AuthService::requestLink(const AccountRef& account, const std::string& linkBase,
                                const std::string& client) const {
  if (!requestLinkUsable(account.state)) {
    audit("request_link", account.id, account.email, client, "refused_state_" + account.state);
    return Status::ok();
  }
  auto token = randomToken();
  if (!token) return token.status();
  const int64_t now = nowMs();
  // AC2: a new link kills the older ones, in the same transaction that stores it.
  auto r =
      db_.batch({{"UPDATE auth_access_links SET superseded = 1 WHERE account_id = ?", {account.id}},
                 {"INSERT INTO auth_access_links (token_hash, account_id, email, issued_at) VALUES "
                  "(?, ?, ?, ?)",
                  {tokenHash(*token), account.id, account.email, now}}});
  if (!r) return r.status();
  audit("request_link", account.id, account.email, client, "sent");
  const TimePoint expires = accessLinkExpiresAt(AccessLink{fromMs(now), false, false});
  Poco::JSON::Object vars;
  // The activation pages (docs/activation-pages.md) begin at /activeren/start; /activeren?token=
  // is the request link of the activation mail (AC1).
  vars.set("link", linkBase + "/activeren/start?token=" + *token);
  vars.set("expires_at", formatIso8601(expires));
  vars.set("valid_hours", 24);
  std::ostringstream out;
  vars.stringify(out);
  mail(account.email, account.id, "access_link", out.str());
  return Status::ok();
}

Result<std::pair<std::string, int64_t>> AuthService::beginActivation(
    const std::string& accessToken, const std::string& client) const {
  const std::string hash = tokenHash(accessToken);
  auto r = db_.run(
      "SELECT account_id, email, issued_at, used_at, superseded FROM auth_access_links "
      "WHERE token_hash = ?",
      {hash});
  if (!r) return r.status();
  if (r->rows.empty()) {
    // An unknown token gets the answer whose remedy fits: request a new link.
    audit("access_link", std::nullopt, "", client, "unknown");
    return Status::error(std::string(kAccessLinkExpired),
                         "this access link is not valid (any more)");
  }
  const SqlRow& row = r->rows.front();
  const int64_t accountId = row[0].intOr(0);
  const std::string email = row[1].textOr("");
  AccessLink link{fromMs(row[2].intOr(0)), !row[3].isNull(), row[4].intOr(0) != 0};
  if (Status s = checkAccessLink(link, ctx_.now()); !s) {
    audit("access_link", accountId, email, client,
          s.code() == kAccessLinkUsed ? "used" : "expired");
    return s;
  }
  std::vector<SqlStatement> batch{
      {"UPDATE auth_access_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL "
       "AND superseded = 0",
       {nowMs(), hash},
       true}};
  auto token = newActivationToken(accountId, email, "activation", batch);
  if (!token) return token.status();
  auto w = db_.batch(batch);
  if (!w) {
    if (w.status().code() == "CONFLICT") {  // redeemed by a concurrent request: single use (AC2)
      return Status::error(std::string(kAccessLinkUsed), "this access link was already used");
    }
    return w.status();
  }
  audit("access_link", accountId, email, client, "redeemed");
  return std::make_pair(*token, accountId);
}

Result<ActivationInfo> AuthService::activationInfo(const std::string& activationToken) const {
  auto act = loadActivation(activationToken);
  if (!act) return act.status();
  auto cred = loadCredentials(act->accountId);
  if (!cred) return cred.status();
  ActivationInfo info{act->accountId, act->purpose, "password"};
  if (*cred && (*cred)->passwordHash) info.step = "totp";
  if (*cred && (*cred)->totpSecret && act->purpose == "activation") info.step = "done";
  return info;
}

Status AuthService::setPassword(const std::string& activationToken, const std::string& password,
                                const std::string& client) const {
  auto act = loadActivation(activationToken);
  if (!act) return act.status();
  auto cred = loadCredentials(act->accountId);
  if (!cred) return cred.status();
  // AU6: the mailbox alone never replaces a factor: once an authenticator is enrolled, an
  // access link cannot set a new password.
  if (act->purpose != "activation" || (*cred && (*cred)->totpSecret)) {
    return Status::error("ACTIVATION_STEP_DONE", "the password of this account is already set");
  }
  if (Status s = policy_.check(password, act->email); !s) return s;
  auto hash = hashPassword(password);
  if (!hash) return hash.status();
  auto w = db_.run(
      "INSERT INTO auth_credentials (account_id, password_hash, updated_at) VALUES (?, ?, ?) "
      "ON CONFLICT (account_id) DO UPDATE SET password_hash = excluded.password_hash, "
      "updated_at = excluded.updated_at",
      {act->accountId, *hash, nowMs()});
  if (!w) return w.status();
  audit("password_set", act->accountId, act->email, client, "ok");
  return Status::ok();
}

Result<Enrolment> AuthService::beginTotp(const std::string& activationToken) const {
  auto act = loadActivation(activationToken);
  if (!act) return act.status();
  auto cred = loadCredentials(act->accountId);
  if (!cred) return cred.status();
  if (!*cred || !(*cred)->passwordHash) {
    return Status::error("ACTIVATION_STEP_MISSING",
                         "set a password before linking the authenticator app");
  }
  if (act->purpose == "activation" && (*cred)->totpSecret) {
    return Status::error("ACTIVATION_STEP_DONE",
                         "an authenticator app is already linked to this account");
  }
  return newEnrolment(act->accountId, act->email);
}

Result<std::vector<std::string>> AuthService::confirmTotp(const std::string& activationToken,
                                                          const std::string& code,
                                                          const std::string& client) const {
  auto act = loadActivation(activationToken);
  if (!act) return act.status();
  auto cred = loadCredentials(act->accountId);
  if (!cred) return cred.status();
  if (!*cred || !(*cred)->pendingSecret) {
    return Status::error("ACTIVATION_STEP_MISSING", "start linking the authenticator app first");
  }
  if (act->purpose == "activation" && (*cred)->totpSecret) {
    return Status::error("ACTIVATION_STEP_DONE",
                         "an authenticator app is already linked to this account");
  }
  auto secret = box_.open(*(*cred)->pendingSecret, aadFor(act->accountId));
  if (!secret) return secret.status();
  auto step = verifyTotp(*secret, code, totpNow_(), settings_.totp);
  if (!step) {
    audit("totp_confirm", act->accountId, act->email, client, "wrong_code");
    return Status::error("CODE_INVALID", "the code was not accepted");
  }
  auto codes = generateRecoveryCodes();
  if (!codes) return codes.status();
  const int64_t now = nowMs();
  std::vector<SqlStatement> batch{
      {"UPDATE auth_credentials SET totp_secret = pending_secret, pending_secret = NULL, "
       "totp_last_step = ?, "
       "updated_at = ? WHERE account_id = ? AND pending_secret = ?",
       {*step, now, act->accountId, *(*cred)->pendingSecret},
       true},
      // AU6: a new enrolment brings a fresh set of ten codes; the old set dies with the old app.
      {"DELETE FROM auth_recovery_codes WHERE account_id = ?", {act->accountId}}};
  for (const auto& c : *codes) {  // shown as XXXXX-XXXXX; stored as the hash of the canonical form
    batch.push_back({"INSERT INTO auth_recovery_codes (account_id, code_hash) VALUES (?, ?)",
                     {act->accountId, tokenHash(normalizeRecoveryCode(c).value_or(c))}});
  }
  const bool replacing = act->purpose == "recovery";
  if (replacing) {
    // The old authenticator is gone: its sessions end and this recovery token is spent.
    batch.push_back({"DELETE FROM auth_sessions WHERE account_id = ?", {act->accountId}});
    batch.push_back(
        {"DELETE FROM auth_activations WHERE token_hash = ?", {tokenHash(activationToken)}});
  }
  auto w = db_.batch(batch);
  if (!w) {
    if (w.status().code() == "CONFLICT") {
      return Status::error("ACTIVATION_STEP_MISSING", "start linking the authenticator app again");
    }
    return w.status();
  }
  audit(replacing ? "totp_replaced" : "totp_enrolled", act->accountId, act->email, client, "ok");
  // AU6: every factor change is notified by e-mail.
  mail(act->email, act->accountId, replacing ? "authenticator_replaced" : "authenticator_enrolled",
       "{}");
  return std::move(codes).value();
}

// ---------------------------------------------------------------------------------------------
// Login, sessions, recovery (AU1-AU9)

Result<AuthService::Credentials> AuthService::passwordFactor(
    const std::string& event, const std::string& email, const std::optional<AccountRef>& account,
    const std::string& password, const std::string& client, const std::vector<FailureKind>& kinds,
    const std::vector<std::string>& subjects) const {
  const std::optional<int64_t> accountId =
      account ? std::optional<int64_t>(account->id) : std::nullopt;
  auto locked = lockedFor(kinds, subjects);
  if (!locked) return locked.status();
  if (locked->count() > 0) {  // AU4: refused while locked, even with correct credentials
    audit(event, accountId, email, client, "locked");
    return Status::error("LOGIN_LOCKED", "too many failed attempts; try again later (retry after " +
                                             std::to_string(locked->count()) + " s)");
  }
  std::optional<Credentials> cred;
  if (account) {
    auto c = loadCredentials(account->id);
    if (!c) return c.status();
    cred = std::move(c).value();
  }
  if (!passwordMatches(cred, password)) {
    recordFailure(FailureKind::kPassword, subjects);
    audit(event, accountId, email, client, "wrong_password");
    return loginFailed();
  }
  return *cred;  // passwordMatches() is true only for an account with credentials
}

Result<LoginResult> AuthService::login(const std::string& email,
                                       const std::optional<AccountRef>& account,
                                       const std::string& password, const std::string& code,
                                       const std::string& client) const {
  const std::vector<std::string> subjects{emailSubject(email), clientSubject(client)};
  const std::vector<FailureKind> kinds{FailureKind::kPassword, FailureKind::kCode};
  auto first = passwordFactor("login", email, account, password, client, kinds, subjects);
  if (!first) return first.status();
  const Credentials* cred = &*first;
  const std::optional<int64_t> accountId = account->id;
  // AU1: the code is checked as well; the password alone never logs in.
  std::optional<int64_t> step;
  if (cred->totpSecret) {
    auto secret = box_.open(*cred->totpSecret, aadFor(account->id));
    if (!secret) return secret.status();
    step = verifyTotp(*secret, code, totpNow_(), settings_.totp, cred->lastStep);  // AU2, AU3
  }
  if (!step) {
    recordFailure(FailureKind::kCode, subjects);
    audit("login", accountId, email, client, "wrong_code");
    return loginFailed();
  }
  // AU3: the step is taken only if no concurrent login took it (or a later one) first.
  auto taken = db_.run(
      "UPDATE auth_credentials SET totp_last_step = ? WHERE account_id = ? "
      "AND (totp_last_step IS NULL OR totp_last_step < ?)",
      {*step, account->id, *step}, true);
  if (!taken) {
    if (taken.status().code() != "CONFLICT") return taken.status();
    recordFailure(FailureKind::kCode, subjects);
    audit("login", accountId, email, client, "replayed_code");
    return loginFailed();
  }
  recordSuccess(kinds, subjects);
  if (account->state == "closed" || account->state == "deleted") {
    audit("login", accountId, email, client, "closed");
    return Status::error("ACCOUNT_CLOSED", "this account has been closed");
  }
  if (account->state != "active") {
    audit("login", accountId, email, client, "not_activated");
    return Status::error("ACCOUNT_NOT_ACTIVATED",
                         "this account has not finished its activation yet");
  }
  auto token = randomToken();
  if (!token) return token.status();
  const TimePoint now = ctx_.now();
  // AU8: the session id is issued only now, after the second factor.
  auto w = db_.run(
      "INSERT INTO auth_sessions (token_hash, account_id, created_at, last_seen_at, client) "
      "VALUES (?, ?, ?, ?, ?)",
      {tokenHash(*token), account->id, toMs(now), toMs(now), client});
  if (!w) return w.status();
  audit("login", accountId, email, client, "ok");
  const SessionTimes times{now, now};
  return LoginResult{*token, account->id, expiresAt(times, settings_.session),
                     sessionCookieFor(*token, times, now, settings_.session)};
}

Result<SessionInfo> AuthService::session(const std::string& token) const {
  const std::string hash = tokenHash(token);
  auto r =
      db_.run("SELECT account_id, created_at, last_seen_at FROM auth_sessions WHERE token_hash = ?",
              {hash});
  if (!r) return r.status();
  const Status unauthorized = Status::error("UNAUTHORIZED", "no valid session; log in again");
  if (r->rows.empty()) return unauthorized;
  const SqlRow& row = r->rows.front();
  SessionTimes times{fromMs(row[1].intOr(0)), fromMs(row[2].intOr(0))};
  const TimePoint now = ctx_.now();
  if (!sessionValid(times, now, settings_.session)) {
    (void)db_.run("DELETE FROM auth_sessions WHERE token_hash = ?", {hash});
    return unauthorized;
  }
  // AU8 idle timeout: the write is skipped within kTouchWriteInterval of the last one (a busy
  // client would otherwise write the session row on every request).
  if (touchNeedsWrite(times, now)) {
    times = touch(times, now);
    (void)db_.run(
        "UPDATE auth_sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?",
        {toMs(times.lastSeenAt), hash, toMs(times.lastSeenAt)});
  }
  return SessionInfo{row[0].intOr(0), expiresAt(times, settings_.session)};
}

Status AuthService::logout(const std::string& token, const std::string& client) const {
  auto r = db_.run("DELETE FROM auth_sessions WHERE token_hash = ? RETURNING account_id",
                   {tokenHash(token)});
  if (!r) return r.status();
  if (!r->rows.empty()) audit("logout", r->rows.front()[0].asInt(), "", client, "ok");
  return Status::ok();
}

Status AuthService::forgetAccount(int64_t accountId) const {
  // The addresses the account was known by here: the audit log and the lockout counters key
  // on them, not on the id (a failed login names the address typed).
  auto known = db_.run(
      "SELECT email FROM auth_access_links WHERE account_id = ? UNION SELECT email FROM "
      "auth_activations WHERE account_id = ?",
      {accountId, accountId});
  if (!known) return known.status();
  std::vector<berichtd::SqlStatement> batch;
  for (const auto& row : known->rows) {
    const std::string email = lower(row[0].textOr(""));
    if (email.empty()) continue;
    batch.push_back({"DELETE FROM auth_audit_log WHERE subject = ?", {email}});
    batch.push_back({"DELETE FROM auth_failures WHERE subject = ?", {emailSubject(email)}});
  }
  for (const char* table : {"auth_audit_log", "auth_credentials", "auth_access_links",
                            "auth_activations", "auth_sessions", "auth_recovery_codes"}) {
    batch.push_back({std::string("DELETE FROM ") + table + " WHERE account_id = ?", {accountId}});
  }
  auto r = db_.batch(batch);
  if (!r) return r.status();
  return Status::ok();
}

Result<Enrolment> AuthService::recovery(const std::string& email,
                                        const std::optional<AccountRef>& account,
                                        const std::string& password,
                                        const std::string& recoveryCode,
                                        const std::string& client) const {
  const std::vector<std::string> subjects{emailSubject(email), clientSubject(client)};
  auto first = passwordFactor("recovery", email, account, password, client,
                              {FailureKind::kPassword, FailureKind::kRecovery}, subjects);
  if (!first) return first.status();
  const std::optional<int64_t> accountId = account->id;
  const auto normalised = normalizeRecoveryCode(recoveryCode);
  Result<SqlResult> used = Status::error("CONFLICT", "malformed recovery code");
  if (normalised) {
    // Used codes never work twice: the code is spent by a compare-and-set.
    used = db_.run(
        "UPDATE auth_recovery_codes SET used_at = ? WHERE account_id = ? AND code_hash = ? "
        "AND used_at IS NULL",
        {nowMs(), account->id, tokenHash(*normalised)}, true);
  }
  if (!used) {
    if (used.status().code() != "CONFLICT") return used.status();
    recordFailure(FailureKind::kRecovery, subjects);
    audit("recovery", accountId, email, client, "wrong_recovery_code");
    return loginFailed();
  }
  recordSuccess({FailureKind::kPassword, FailureKind::kRecovery}, subjects);
  std::vector<SqlStatement> batch;
  auto token = newActivationToken(account->id, account->email, "recovery", batch);
  if (!token) return token.status();
  if (auto w = db_.batch(batch); !w) return w.status();
  auto enrolment = newEnrolment(account->id, account->email);
  if (!enrolment) return enrolment.status();
  enrolment->activationToken = *token;
  audit("recovery", accountId, email, client, "ok");
  return enrolment;
}

}  // namespace berichtd::auth
