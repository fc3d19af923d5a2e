#include "smtp_sender.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timestamp.h>

#include <random>
#include <sstream>
#include <thread>

namespace berichtd::mail {

namespace {

std::string randomId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::ostringstream s;
  s << std::hex << rng() << rng();
  return s.str();
}

}  // namespace

std::string addressOf(const std::string& from) {
  const auto open = from.find('<');
  const auto close = from.find('>', open == std::string::npos ? 0 : open);
  if (open != std::string::npos && close != std::string::npos)
    return from.substr(open + 1, close - open - 1);
  return from;
}

SmtpSender::SmtpSender(SmtpSettings settings) : s_(std::move(settings)) {}
SmtpSender::~SmtpSender() { close(); }

void SmtpSender::close() {
  if (!session_) return;
  try {
    session_->close();
  } catch (...) {
  }
  session_.reset();
}

Status SmtpSender::connect() {
  close();
  try {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(s_.host, static_cast<Poco::UInt16>(s_.port)),
                   Poco::Timespan(s_.timeout.count() * 1000));
    auto session = std::make_unique<Poco::Net::SecureSMTPClientSession>(socket);
    session->setTimeout(Poco::Timespan(s_.timeout.count() * 1000));
    ++connections_;
    session->login();  // EHLO
    bool tls = false;
    if (s_.starttls != "none") {
      Poco::Net::Context::Ptr ctx =
          new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", s_.caFile,
                                 Poco::Net::Context::VERIFY_RELAXED, 9, s_.caFile.empty());
      try {
        tls = session->startTLS(ctx);
      } catch (const Poco::Exception& e) {
        if (s_.starttls == "required") {
          return Status::error("SMTP_TLS_REQUIRED",
                               "STARTTLS with " + s_.host + " failed: " + e.displayText());
        }
        tls = false;
      }
      if (!tls && s_.starttls == "required") {
        return Status::error("SMTP_TLS_REQUIRED",
                             "the mail server " + s_.host + " offers no STARTTLS");
      }
    }
    if (s_.username) {
      if (!tls && !s_.allowPlainAuth) {
        return Status::error("SMTP_TLS_REQUIRED", "refusing to send the SMTP password without TLS");
      }
      try {
        session->login(Poco::Net::SMTPClientSession::AUTH_PLAIN, *s_.username,
                       s_.password.value_or(""));
      } catch (const Poco::Exception&) {
        return Status::error("SMTP_AUTH_FAILED",
                             "the mail server " + s_.host + " refused the login");
      }
    } else if (tls) {
      session->login();  // EHLO again on the encrypted channel
    }
    session_ = std::move(session);
    return Status::ok();
  } catch (const Poco::Exception& e) {
    return Status::error("SMTP_UNAVAILABLE", "cannot reach the mail server " + s_.host + ":" +
                                                 std::to_string(s_.port) + ": " + e.displayText());
  }
}

Result<std::string> SmtpSender::send(const std::string& to, const std::string& subject,
                                     const std::string& body) {
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (s_.ratePerMinute > 0) {
    if (now < nextSendAt_) std::this_thread::sleep_until(nextSendAt_);
    nextSendAt_ = std::max(now, nextSendAt_) + std::chrono::milliseconds(60000 / s_.ratePerMinute);
  }
  const std::string fromAddress = addressOf(s_.from);
  const std::string domain = fromAddress.substr(
      fromAddress.find('@') == std::string::npos ? fromAddress.size() : fromAddress.find('@') + 1);
  const std::string messageId =
      "<" + randomId() + "@" + (domain.empty() ? "berichtd" : domain) + ">";
  Poco::Net::MailMessage m;
  m.setSender(s_.from);
  m.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, to));
  m.setSubject(Poco::Net::MailMessage::encodeWord(subject, "UTF-8"));
  m.setDate(Poco::Timestamp());
  m.set("Message-ID", messageId);
  m.setContentType("text/plain; charset=UTF-8");
  m.setContent(body, Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
  // One reused connection; a stale or broken one is replaced once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!session_ || std::chrono::steady_clock::now() - lastUse_ > s_.idleTimeout) {
      if (Status c = connect(); !c) return c;
    }
    try {
      session_->sendMessage(m);
      lastUse_ = std::chrono::steady_clock::now();
      return messageId;
    } catch (const Poco::Exception& e) {
      close();
      if (attempt == 1) {
        return Status::error("SMTP_UNAVAILABLE", "the mail server " + s_.host +
                                                     " did not take the mail: " + e.displayText());
      }
    }
  }
  return Status::error("SMTP_UNAVAILABLE", "unreachable");
}

}  // namespace berichtd::mail
