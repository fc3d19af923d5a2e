// SmtpSender: sends one rendered mail over SMTP with Poco::Net (issue 4 item 6): STARTTLS
// `none | optional | required`, AUTH PLAIN when a user is configured (only over TLS unless
// `allow_plain_auth`), one connection reused across mails (reopened after an error or when idle
// longer than idle_timeout), and a send rate limit (at most rate_per_minute, spaced evenly).
//
// Contract: send() answers the Message-ID it set, or SMTP_UNAVAILABLE (cannot connect, the
// server refused; the outbox retries), SMTP_TLS_REQUIRED (starttls: required and the server
// offers none), SMTP_AUTH_FAILED. Every mail has From, To, Subject (RFC 2047 encoded-word for
// UTF-8), Date, Message-ID <random@from-domain>, and a UTF-8 text/plain body in
// quoted-printable. Messages never contain the password; logs never contain bodies.
// Thread-safety: send() is serialised by a mutex (one connection).
#pragma once

#include <berichtd/status.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace Poco::Net {
class SecureSMTPClientSession;
}

namespace berichtd::mail {

struct SmtpSettings {
  std::string host = "127.0.0.1";
  int port = 25;
  std::string from;                   // "Name <address>" or "address"
  std::string starttls = "optional";  // none | optional | required
  std::optional<std::string> username;
  std::optional<std::string> password;
  bool allowPlainAuth = false;  // AUTH over an unencrypted connection (tests, local relays)
  std::string caFile;           // CA bundle to verify the server (empty: the system's)
  int ratePerMinute = 600;      // 0: no limit
  std::chrono::seconds idleTimeout{30};
  std::chrono::milliseconds timeout{10000};
};

class SmtpSender {
 public:
  explicit SmtpSender(SmtpSettings settings);
  ~SmtpSender();

  Result<std::string> send(const std::string& to, const std::string& subject,
                           const std::string& body);
  int connectionsOpened() const { return connections_; }

 private:
  Status connect();
  void close();

  SmtpSettings s_;
  std::mutex mutex_;
  std::unique_ptr<Poco::Net::SecureSMTPClientSession> session_;
  std::chrono::steady_clock::time_point lastUse_{};
  std::chrono::steady_clock::time_point nextSendAt_{};
  int connections_ = 0;
};

// The address inside "Name <addr>" (or the text itself).
std::string addressOf(const std::string& from);

}  // namespace berichtd::mail
