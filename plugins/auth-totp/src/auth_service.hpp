// AuthService: the auth-totp plugin's behaviour behind the bus service `auth` (SPEC AU1-AU9,
// AC1-AC3 up to the authenticator; docs/auth-plugin.md has the actions and their JSON).
//
// The daemon owns the account records; it looks an account up (by e-mail, request token or id)
// and passes an AccountRef, so this plugin never reads the daemon's tables. The plugin owns its
// own tables (auth_schema.hpp): credentials, access links, activation tokens, sessions,
// recovery codes, failure counters and the audit log.
//
// Clocks: links, activation tokens, sessions and lockouts follow the platform clock (the
// context's now(), which may be a manual clock in rehearsals); TOTP codes are checked against
// real time (API.md: authenticator apps run on real time) through the injected totpNow.
//
// Refusals (stable codes): LOGIN_FAILED (unknown e-mail, wrong password, wrong code, no
// credentials, wrong recovery code — one identical answer), LOGIN_LOCKED (message ends with
// "(retry after N s)"), ACCOUNT_NOT_ACTIVATED (only after correct credentials), UNAUTHORIZED
// (session unknown or expired), ACCESS_LINK_EXPIRED / ACCESS_LINK_USED, ACTIVATION_TOKEN_INVALID,
// ACTIVATION_STEP_MISSING, ACTIVATION_STEP_DONE, CODE_INVALID, PASSWORD_* (policy), STORAGE_*.
// Nothing secret (passwords, codes, tokens, TOTP secrets) reaches a log or an error message.
// Thread-safety: every method is safe from any thread; state lives in the database only.
#pragma once

#include <berichtd/context.hpp>
#include <berichtd/status.hpp>
#include <berichtd/storage.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/lockout_policy.hpp"
#include "auth/password_policy.hpp"
#include "auth/session_policy.hpp"
#include "auth/totp.hpp"
#include "core/crypto/secret_box.hpp"

namespace berichtd::auth {

struct AuthSettings {
  LockoutConfig lockout;
  SessionConfig session;
  TotpParams totp;
  std::chrono::seconds activationTtl{std::chrono::hours(1)};
  std::string mailService = "mail";
  std::chrono::milliseconds mailTimeout{5000};
};

// An account as the daemon knows it.
struct AccountRef {
  int64_t id = 0;
  std::string email;
  std::string state;  // A4: migrated | active | closed | deleted
};

struct Enrolment {
  std::string activationToken;  // set for a recovery enrolment (confirm with it)
  std::string secretBase32;
  std::string otpauthUri;
  std::string qrSvg;
};

struct LoginResult {
  std::string token;
  int64_t accountId = 0;
  TimePoint expiresAt;
  std::string cookie;  // the Set-Cookie value (AU8)
};

struct SessionInfo {
  int64_t accountId = 0;
  TimePoint expiresAt;
};

struct ActivationInfo {
  int64_t accountId = 0;
  std::string purpose;  // activation | recovery
  std::string step;     // password | totp | done (the next step the plugin owns)
};

class AuthService {
 public:
  AuthService(PluginContext ctx, AuthSettings settings, crypto::SecretBox box,
              PasswordPolicy policy, std::function<int64_t()> totpNowUnixSeconds);

  // Applies the plugin's schema steps.
  Status migrate() const;

  // AC1/AC2: a new single-use access link (24 h) for a `migrated` account, older links
  // superseded, the link mailed through the delivery service. Answers ok whatever happens, so
  // the caller's 202 reveals nothing; refusals are audited.
  Status requestLink(const AccountRef& account, const std::string& linkBase,
                     const std::string& client) const;
  // AC2: redeems an access link once; returns a fresh activation token.
  Result<std::pair<std::string, int64_t>> beginActivation(const std::string& accessToken,
                                                          const std::string& client) const;
  Result<ActivationInfo> activationInfo(const std::string& activationToken) const;
  Status setPassword(const std::string& activationToken, const std::string& password,
                     const std::string& client) const;
  Result<Enrolment> beginTotp(const std::string& activationToken) const;
  // AU7: the enrolment takes effect only with one valid code; returns the ten recovery codes
  // (AU6), shown once.
  Result<std::vector<std::string>> confirmTotp(const std::string& activationToken,
                                               const std::string& code,
                                               const std::string& client) const;

  Result<LoginResult> login(const std::string& email, const std::optional<AccountRef>& account,
                            const std::string& password, const std::string& code,
                            const std::string& client) const;
  Result<SessionInfo> session(const std::string& token) const;
  Status logout(const std::string& token, const std::string& client) const;
  // R3 (retention, docs/retention.md): everything this plugin keeps about the account — its
  // credentials, access links, activations, sessions, recovery codes, the audit rows of its id
  // or its e-mail addresses, and the lockout counters of those addresses — in one batch.
  // Idempotent: an account it knows nothing of is simply done.
  Status forgetAccount(int64_t accountId) const;
  // AU6: e-mail + password + one recovery code → a fresh enrolment to confirm with confirmTotp.
  Result<Enrolment> recovery(const std::string& email, const std::optional<AccountRef>& account,
                             const std::string& password, const std::string& recoveryCode,
                             const std::string& client) const;

 private:
  struct Credentials {
    std::optional<std::string> passwordHash;
    std::optional<std::string> totpSecret;  // sealed
    std::optional<int64_t> lastStep;
    std::optional<std::string> pendingSecret;  // sealed
  };
  struct Activation {
    int64_t accountId = 0;
    std::string email;
    std::string purpose;
  };

  int64_t nowMs() const;
  Result<std::optional<Credentials>> loadCredentials(int64_t accountId) const;
  Result<Activation> loadActivation(const std::string& token) const;
  Result<std::string> newActivationToken(int64_t accountId, const std::string& email,
                                         const std::string& purpose,
                                         std::vector<SqlStatement>& batch) const;
  Result<Enrolment> newEnrolment(int64_t accountId, const std::string& email) const;

  // Lockout (AU4, AU9): the longest running lock over kinds × subjects, 0 when none.
  Result<std::chrono::seconds> lockedFor(const std::vector<FailureKind>& kinds,
                                         const std::vector<std::string>& subjects) const;
  void recordFailure(FailureKind kind, const std::vector<std::string>& subjects) const;
  void recordSuccess(const std::vector<FailureKind>& kinds,
                     const std::vector<std::string>& subjects) const;
  bool passwordMatches(const std::optional<Credentials>& cred, const std::string& password) const;
  // The shared first step of login and recovery: refuse while locked (LOGIN_LOCKED), then check
  // the password (a full scrypt even for an unknown e-mail, AU4); the account's credentials, or
  // LOGIN_FAILED with the failure counted and audited under `event`.
  Result<Credentials> passwordFactor(const std::string& event, const std::string& email,
                                     const std::optional<AccountRef>& account,
                                     const std::string& password, const std::string& client,
                                     const std::vector<FailureKind>& kinds,
                                     const std::vector<std::string>& subjects) const;

  void audit(const std::string& event, std::optional<int64_t> accountId, const std::string& subject,
             const std::string& client, const std::string& outcome) const;
  void mail(const std::string& to, int64_t accountId, const std::string& templateName,
            const std::string& variablesJson) const;

  PluginContext ctx_;
  PluginStorage db_;
  AuthSettings settings_;
  crypto::SecretBox box_;
  PasswordPolicy policy_;
  std::function<int64_t()> totpNow_;
};

// "email:" + SHA-256 of the lower-cased e-mail: the lockout subject of an e-mail string.
std::string emailSubject(const std::string& email);

}  // namespace berichtd::auth
