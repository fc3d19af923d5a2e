#include "app/message_routes.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "accounts/activity.hpp"
#include "accounts/validation.hpp"
#include "core/tokens.hpp"
#include "http/errors.hpp"

namespace berichtd::app {

namespace {

int statusFor(const std::string& code) {
  if (code == "MESSAGE_TOO_LARGE") return 413;
  if (code == "RECIPIENT_UNKNOWN" || code == "RECIPIENT_NOT_ACTIVATED" ||
      code == "IDEMPOTENCY_KEY_REUSED")
    return 422;
  if (code == "ACCOUNT_NOT_ACTIVATED" || code == "ACCOUNT_CLOSED") return 403;
  if (code == "NOT_FOUND") return 404;
  if (code == "STORAGE_UNAVAILABLE") return 503;
  if (code.rfind("STORAGE_", 0) == 0 || code.rfind("SECRET_BOX", 0) == 0 || code == "RANDOM_FAILED")
    return 500;
  return 400;
}

void fail(http::HttpResponse& res, const Status& s) {
  http::setError(res, statusFor(s.code()), s.code(), s.message());
}

bool validIdempotencyKey(const std::string& key) {
  if (key.empty() || key.size() > 255) return false;
  for (unsigned char c : key) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

// Reads the draft; BAD_REQUEST for a wrong JSON type (the rules judge the values).
Result<messages::MessageDraft> parseDraft(const Poco::JSON::Object::Ptr& in) {
  messages::MessageDraft d;
  for (const char* key : {"type", "subject", "body"}) {
    if (in->has(key) && !in->get(key).isString()) {
      return Status::error("BAD_REQUEST", std::string("'") + key + "' must be a string");
    }
  }
  try {
    d.type = in->optValue<std::string>("type", "");
    d.subject = in->optValue<std::string>("subject", "");
    d.body = in->optValue<std::string>("body", "");
    if (in->has("to")) {
      auto to = in->getArray("to");
      if (!to) return Status::error("BAD_REQUEST", "'to' must be an array of AGB codes");
      for (std::size_t i = 0; i < to->size(); ++i) {
        if (!to->get(i).isString())
          return Status::error("BAD_REQUEST", "'to' must be an array of AGB codes");
        d.to.push_back(to->getElement<std::string>(i));
      }
    }
    if (in->has("declaratie") && !in->isNull("declaratie")) {
      auto o = in->getObject("declaratie");
      if (!o) return Status::error("BAD_REQUEST", "'declaratie' must be an object");
      messages::Declaratie decl;
      decl.patientReference = o->optValue<std::string>("patient_reference", "");
      decl.treatmentDate = o->optValue<std::string>("treatment_date", "");
      decl.treatmentCode = o->optValue<std::string>("treatment_code", "");
      if (o->has("amount_cents") && o->get("amount_cents").isInteger()) {
        decl.amountCents = o->getValue<int64_t>("amount_cents");
      }
      d.declaratie = decl;
    }
  } catch (const Poco::Exception&) {
    return Status::error("BAD_REQUEST", "to, subject, body and type must be strings");
  }
  return d;
}

// The canonical request, hashed to recognise a retry of the same message (D3). Keyed with the
// master key (HMAC-SHA256): a plain hash of subject and body would let anyone with the database
// confirm a guessed message, and it would outlive the account's data key.
std::string requestHash(const messages::MessageDraft& d, const Secret& key) {
  std::string canon = d.type + '\n' + std::to_string(d.subject.size()) + ':' + d.subject + '\n' +
                      std::to_string(d.body.size()) + ':' + d.body + '\n';
  for (const auto& to : messages::distinctRecipients(d.to)) canon += to + ',';
  if (d.declaratie) canon += '\n' + messages::declaratieJson(*d.declaratie);
  return hmacSha256Hex(key.reveal(), canon);
}

Poco::JSON::Object summary(const messages::StoredMessage& m) {
  Poco::JSON::Object o;
  o.set("id", m.id);
  o.set("from", m.from);
  Poco::JSON::Array to, deliveries;
  for (const auto& d : m.deliveries) {
    to.add(d.to);
    Poco::JSON::Object one;
    one.set("to", d.to);
    one.set("state", d.state);
    deliveries.add(one);
  }
  o.set("to", to);
  o.set("subject", m.subject);
  o.set("type", m.type);
  o.set("created_at", m.createdAt);
  o.set("state", m.state);
  o.set("deliveries", deliveries);
  return o;
}

}  // namespace

void MessageRoutes::addTo(http::Router& r) const {
  const MessageRouteDeps* deps = &deps_;
  // Authenticated, active, messages configured: the caller's account, or the answer is set.
  auto caller = [deps](const http::HttpRequest& req,
                       http::HttpResponse& res) -> std::optional<accounts::Account> {
    res.setHeader("Cache-Control", "no-store");
    if (deps->store == nullptr) {
      http::setError(res, 503, "SERVICE_UNAVAILABLE", "messages are not configured on this server");
      return std::nullopt;
    }
    // One account read: the session check's (authenticatedAccount).
    auto account = deps->auth->authenticatedAccount(req);
    if (!account) {
      setAuthError(res, account.status());
      return std::nullopt;
    }
    return *account;
  };

  r.add("POST", "/api/v1/messages",
        [deps, caller](const http::HttpRequest& req, http::HttpResponse& res) {
          auto sender = caller(req, res);
          if (!sender) return;
          if (sender->state != accounts::kStateActive) {  // D1: an active user sends
            fail(res, sender->state == accounts::kStateClosed
                          ? Status::error("ACCOUNT_CLOSED", "a closed account cannot send messages")
                          : Status::error("ACCOUNT_NOT_ACTIVATED",
                                          "only an activated account can send messages"));
            return;
          }
          const std::string key = req.header("Idempotency-Key");
          if (!key.empty() && !validIdempotencyKey(key)) {
            http::setError(res, 400, "BAD_REQUEST",
                           "Idempotency-Key must be 1-255 visible ASCII characters");
            return;
          }
          auto in = http::parseJsonObject(req.body);
          if (!in) {
            http::setError(res, 400, in.status());
            return;
          }
          auto draft = parseDraft(*in);
          if (!draft) {
            fail(res, draft.status());
            return;
          }
          const auto cfg = deps->config();
          messages::MessageLimits limits;
          limits.maxBodyBytes = cfg->messages.maxBodyBytes;
          limits.maxRecipients = static_cast<std::size_t>(cfg->messages.maxRecipients);
          const TimePoint now = deps->clock->now();
          if (Status s = messages::validateDraft(*draft, limits, accounts::amsterdamDate(now));
              !s) {
            fail(res, s);
            return;
          }
          if (!cfg->messages.masterKey) {  // a reload took the key away
            http::setError(res, 503, "SERVICE_UNAVAILABLE",
                           "messages are not configured on this server");
            return;
          }
          const TimePoint deadline = parseIso8601(cfg->activation.deadline).value_or(TimePoint{});
          messages::Submission sub;
          sub.senderId = sender->id;
          sub.senderAgb = sender->agbCode;
          if (!key.empty()) sub.idempotencyKey = key;
          sub.requestHash = requestHash(*draft, *cfg->messages.masterKey);
          // D3: a retry gets its first answer, whatever has changed about the recipients since.
          if (auto earlier = deps->store->replayOf(sub); !earlier) {
            fail(res, earlier.status());
            return;
          } else if (earlier->has_value()) {
            res.setHeader("Idempotent-Replayed", "true");
            Poco::JSON::Object o;
            o.set("id", (*earlier)->messageId);
            res.status = 202;
            http::setJson(res, o);
            return;
          }
          for (const auto& agb : messages::distinctRecipients(draft->to)) {
            auto account = deps->accounts->findByEmailOrAgb(agb);
            if (!account) {
              fail(res,
                   account.status().code() == "NOT_FOUND"
                       ? Status::error("RECIPIENT_UNKNOWN",
                                       "no account that can receive messages has AGB code " + agb)
                       : account.status());
              return;
            }
            auto decision = messages::decideRecipient(account->state, now, deadline);
            if (decision.action == messages::RecipientAction::kRefuse) {
              fail(res, Status::error(decision.refusal.code(),
                                      decision.refusal.message() + " (AGB code " + agb + ")"));
              return;
            }
            sub.recipients.push_back({account->id, agb, account->email, decision.action});
          }
          sub.draft = std::move(draft).value();
          if (cfg->messages.notifyByMail == "true") sub.noticeLink = cfg->http.publicUrl + "/";
          auto done = deps->store->submit(sub);
          if (!done) {
            fail(res, done.status());
            return;
          }
          if (accounts::activityNeedsWrite(sender->lastActivityAt, now))
            (void)deps->accounts->recordActivity(sender->id);  // R1
          if (!done->replay && deps->wakeDispatcher) deps->wakeDispatcher();
          if (done->replay) res.setHeader("Idempotent-Replayed", "true");
          Poco::JSON::Object o;
          o.set("id", done->messageId);
          res.status = 202;
          http::setJson(res, o);
        });

  r.add("GET", "/api/v1/messages",
        [deps, caller](const http::HttpRequest& req, http::HttpResponse& res) {
          auto account = caller(req, res);
          if (!account) return;
          std::string box = req.queryParam("box");
          if (box.empty()) box = "inbox";
          if (box != "inbox" && box != "sent") {
            http::setError(res, 400, "BAD_REQUEST", "box must be inbox or sent");
            return;
          }
          auto list = deps->store->list(account->id, box);
          if (!list) {
            fail(res, list.status());
            return;
          }
          Poco::JSON::Array arr;
          for (const auto& m : *list) arr.add(summary(m));
          Poco::JSON::Object o;
          o.set("messages", arr);
          http::setJson(res, o);
        });

  r.add("GET", "/api/v1/messages/{id}",
        [deps, caller](const http::HttpRequest& req, http::HttpResponse& res) {
          auto account = caller(req, res);
          if (!account) return;
          const auto id = http::parseWholeNumber(req.params.at("id"));
          if (!id) {
            http::setError(res, 404, "NOT_FOUND", "no such message");
            return;
          }
          auto m = deps->store->get(account->id, *id);
          if (!m) {
            fail(res, m.status());
            return;
          }
          Poco::JSON::Object o = summary(*m);
          o.set("body", *m->body);
          if (m->declaratie) o.set("declaratie", Poco::JSON::Parser().parse(*m->declaratie));
          http::setJson(res, o);
        });
}

}  // namespace berichtd::app
