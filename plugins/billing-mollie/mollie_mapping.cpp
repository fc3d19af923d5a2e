#include "mollie_mapping.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <sstream>

namespace berichtd::mollie {

namespace {

using Poco::JSON::Object;

Object::Ptr parseObject(const std::string& body) {
  return Poco::JSON::Parser().parse(body).extract<Object::Ptr>();
}

std::string stringify(const Object& o) {
  std::ostringstream s;
  o.stringify(s);
  return s.str();
}

std::string textOr(const Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key) || o->isNull(key)) return {};
  return o->getValue<std::string>(key);
}

Result<Object::Ptr> amountObject(int64_t cents) {
  auto value = centsToValue(cents);
  if (!value) return value.status();
  Object::Ptr a = new Object;
  a->set("currency", "EUR");
  a->set("value", *value);
  return a;
}

// Mollie's amounts are EUR here; any other currency would silently change the sum.
Result<int64_t> centsOf(const Object::Ptr& amount) {
  if (!amount) return Status::error("PROVIDER_REJECTED", "Mollie sent a document without amount");
  if (textOr(amount, "currency") != "EUR")
    return Status::error("PROVIDER_REJECTED", "Mollie sent an amount that is not in EUR");
  return valueToCents(textOr(amount, "value"));
}

char fromHex(char c) {
  if (c >= '0' && c <= '9') return static_cast<char>(c - '0');
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
}

std::optional<std::string> formDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      if (!std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
        return std::nullopt;
      out += static_cast<char>(fromHex(s[i + 1]) * 16 + fromHex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

Result<std::string> centsToValue(int64_t cents) {
  if (cents < 0) return Status::error("AMOUNT_INVALID", "an amount must not be negative");
  const int64_t frac = cents % 100;
  return std::to_string(cents / 100) + "." + (frac < 10 ? "0" : "") + std::to_string(frac);
}

Result<int64_t> valueToCents(std::string_view value) {
  const auto bad = [] {
    return Status::error("AMOUNT_INVALID", "an amount must be digits with exactly two decimals");
  };
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const size_t dot = value.find('.');
  if (dot == std::string_view::npos || dot == 0 || value.size() - dot != 3) return bad();
  int64_t euros = 0;
  for (size_t i = 0; i < dot; ++i) {
    const char c = value[i];
    if (c < '0' || c > '9') return bad();
    if (euros > (kMax / 100 - (c - '0')) / 10) return bad();
    euros = euros * 10 + (c - '0');
  }
  const char d1 = value[dot + 1], d2 = value[dot + 2];
  if (d1 < '0' || d1 > '9' || d2 < '0' || d2 > '9') return bad();
  const int64_t frac = (d1 - '0') * 10 + (d2 - '0');
  if (euros == kMax / 100 && frac > kMax % 100) return bad();
  return euros * 100 + frac;
}

std::optional<std::string> busStatus(std::string_view s) {
  if (s == "open" || s == "pending" || s == "paid" || s == "failed" || s == "canceled" ||
      s == "expired")
    return std::string(s);
  if (s == "authorized") return std::string("pending");
  return std::nullopt;
}

bool isMollieId(std::string_view id, std::string_view prefix) {
  if (id.size() <= prefix.size() || id.size() > 64 || id.substr(0, prefix.size()) != prefix)
    return false;
  return std::all_of(id.begin() + static_cast<std::ptrdiff_t>(prefix.size()), id.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

std::string HalError::text() const {
  std::string t = title.empty() ? "HTTP " + std::to_string(status) : title;
  if (!detail.empty()) t += ": " + detail;
  // A provider's prose is shown to operators; keep it one bounded line.
  std::replace_if(
      t.begin(), t.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return t.size() > 300 ? t.substr(0, 300) : t;
}

HalError parseHalError(int httpStatus, const std::string& body) {
  HalError e;
  e.status = httpStatus;
  try {
    auto o = parseObject(body);
    e.title = textOr(o, "title");
    e.detail = textOr(o, "detail");
    e.field = textOr(o, "field");
  } catch (...) {
    // Not hal+json (a proxy's HTML page): the HTTP status alone says enough.
  }
  return e;
}

Status failureFor(Call call, int httpStatus, const std::string& body) {
  const HalError e = parseHalError(httpStatus, body);
  // 429 is Mollie's rate limit: transient, so the outbox retries it like an outage.
  if (httpStatus >= 500 || httpStatus == 429 || httpStatus < 400) {
    return Status::error("PROVIDER_UNAVAILABLE", "Mollie answered " + e.text());
  }
  if (httpStatus == 404 && call == Call::kGetPayment) {
    return Status::error("PAYMENT_NOT_FOUND", "Mollie knows no such payment");
  }
  if (httpStatus == 422 && call == Call::kCreateRecurring &&
      (e.field == "mandateId" || e.detail.find("mandate") != std::string::npos)) {
    return Status::error("MANDATE_MISSING", "Mollie refused the debit: " + e.text());
  }
  return Status::error("PROVIDER_REJECTED", "Mollie refused the request: " + e.text());
}

Result<std::string> customerBody(int64_t accountId, const std::string& name,
                                 const std::string& email) {
  Object o;
  o.set("name", name);
  o.set("email", email);
  Object::Ptr meta = new Object;
  meta->set("account_id", accountId);
  o.set("metadata", meta);
  return stringify(o);
}

Result<std::string> firstPaymentBody(const FirstPayment& p) {
  auto amount = amountObject(p.amountCents);
  if (!amount) return amount.status();
  Object o;
  o.set("amount", *amount);
  o.set("description", p.description);
  o.set("sequenceType", "first");
  o.set("method", "ideal");
  o.set("customerId", p.customerId);
  o.set("redirectUrl", p.redirectUrl);
  o.set("webhookUrl", p.webhookUrl);
  Object::Ptr meta = new Object;
  meta->set("account_id", p.accountId);
  o.set("metadata", meta);
  return stringify(o);
}

Result<std::string> recurringPaymentBody(const RecurringPayment& p) {
  auto amount = amountObject(p.amountCents);
  if (!amount) return amount.status();
  Object o;
  o.set("amount", *amount);
  o.set("description", p.description);
  o.set("sequenceType", "recurring");
  o.set("customerId", p.customerId);
  if (!p.mandateId.empty()) o.set("mandateId", p.mandateId);
  o.set("webhookUrl", p.webhookUrl);
  Object::Ptr meta = new Object;
  meta->set("account_id", p.accountId);
  meta->set("invoice_number", p.invoiceNumber);
  o.set("metadata", meta);
  return stringify(o);
}

Result<PaymentView> parsePayment(const std::string& body) {
  try {
    auto o = parseObject(body);
    PaymentView p;
    p.id = textOr(o, "id");
    if (!isMollieId(p.id, "tr_"))
      return Status::error("PROVIDER_REJECTED", "Mollie sent a payment without a valid id");
    auto status = busStatus(textOr(o, "status"));
    if (!status) return Status::error("PROVIDER_REJECTED", "Mollie sent an unknown status");
    p.status = *status;
    auto cents = centsOf(o->getObject("amount"));
    if (!cents) return cents.status();
    p.amountCents = *cents;
    if (o->has("amountChargedBack") && !o->isNull("amountChargedBack")) {
      auto back = centsOf(o->getObject("amountChargedBack"));
      if (!back) return back.status();
      p.chargedBackCents = *back;
    }
    p.customerId = textOr(o, "customerId");
    p.sequenceType = textOr(o, "sequenceType");
    if (auto m = textOr(o, "mandateId"); !m.empty()) p.mandateId = m;
    if (auto details = o->getObject("details")) {
      // Cards name a failureReason; SEPA direct debits the bank's return reason.
      if (auto r = textOr(details, "failureReason"); !r.empty())
        p.failureReason = r;
      else if (auto b = textOr(details, "bankReason"); !b.empty())
        p.failureReason = b;
    }
    if (auto links = o->getObject("_links")) {
      if (auto checkout = links->getObject("checkout")) p.checkoutUrl = textOr(checkout, "href");
      p.hasChargebacks = links->has("chargebacks") && !links->isNull("chargebacks");
    }
    return p;
  } catch (const std::exception&) {
    return Status::error("PROVIDER_REJECTED", "Mollie sent a payment that is not valid JSON");
  }
}

Result<int64_t> sumChargebacks(const std::string& body) {
  try {
    auto o = parseObject(body);
    auto embedded = o->getObject("_embedded");
    auto list = embedded ? embedded->getArray("chargebacks") : nullptr;
    int64_t sum = 0;
    if (!list) return sum;
    for (size_t i = 0; i < list->size(); ++i) {
      auto cents = centsOf(list->getObject(static_cast<unsigned>(i))->getObject("amount"));
      if (!cents) return cents.status();
      sum += *cents;
    }
    return sum;
  } catch (const std::exception&) {
    return Status::error("PROVIDER_REJECTED", "Mollie sent a chargebacks list that is not valid");
  }
}

Result<std::optional<std::string>> validMandate(const std::string& body) {
  try {
    auto o = parseObject(body);
    auto embedded = o->getObject("_embedded");
    auto list = embedded ? embedded->getArray("mandates") : nullptr;
    for (size_t i = 0; list && i < list->size(); ++i) {
      auto m = list->getObject(static_cast<unsigned>(i));
      if (m && textOr(m, "status") == "valid") return std::optional<std::string>(textOr(m, "id"));
    }
    return std::optional<std::string>();
  } catch (const std::exception&) {
    return Status::error("PROVIDER_REJECTED", "Mollie sent a mandates list that is not valid");
  }
}

Result<std::string> createdId(const std::string& body) {
  try {
    auto id = textOr(parseObject(body), "id");
    if (!id.empty()) return id;
  } catch (const std::exception&) {
  }
  return Status::error("PROVIDER_REJECTED", "Mollie's answer carries no id");
}

Result<std::string> notificationPaymentId(std::string_view contentType, std::string_view body) {
  const auto bad = [] {
    return Status::error("BAD_REQUEST", "a Mollie webhook is a form post with one id=tr_…");
  };
  std::string type(contentType.substr(0, contentType.find(';')));
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
  if (type != "application/x-www-form-urlencoded") return bad();
  std::optional<std::string> id;
  size_t start = 0;
  while (start <= body.size()) {
    const size_t end = std::min(body.find('&', start), body.size());
    const std::string_view pair = body.substr(start, end - start);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == "id") {
      if (id) return bad();  // two ids: which one would the daemon fetch?
      id = formDecode(pair.substr(eq + 1));
      if (!id) return bad();
    }
    start = end + 1;
  }
  if (!id || !isMollieId(*id, "tr_")) return bad();
  return *id;
}

std::string paymentReply(const PaymentView& p) {
  Object o;
  o.set("payment_id", p.id);
  o.set("status", p.status);
  o.set("amount_cents", p.amountCents);
  o.set("charged_back_cents", p.chargedBackCents);
  o.set("customer_id", p.customerId);
  o.set("mandate_id", p.mandateId ? Poco::Dynamic::Var(*p.mandateId) : Poco::Dynamic::Var());
  o.set("sequence_type", p.sequenceType);
  o.set("failure_reason",
        p.failureReason ? Poco::Dynamic::Var(*p.failureReason) : Poco::Dynamic::Var());
  return stringify(o);
}

}  // namespace berichtd::mollie
