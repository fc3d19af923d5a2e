#include "import/import_line.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "accounts/validation.hpp"
#include "core/clock.hpp"

namespace berichtd::import {

namespace {

using Poco::JSON::Object;

Status invalid(const std::string& what) { return Status::error(kLineInvalid, what); }

// t as UTC text ("2026-02-10T13:03:00.000Z") when it is an ISO 8601 time with an offset or Z
// (longer than a date: parseIso8601 takes a bare date as midnight UTC); nullopt otherwise.
std::optional<std::string> utcText(const std::string& t) {
  auto parsed = t.size() > 10 ? parseIso8601(t) : std::nullopt;
  if (!parsed) return std::nullopt;
  return formatIso8601(*parsed);
}

// Reads fields of one object; the first problem is kept and every later read is a no-op, so a
// record is read top to bottom and checked once at the end.
class Fields {
 public:
  explicit Fields(Object::Ptr o) : o_(std::move(o)) {}

  const Status& problem() const { return problem_; }

  // A present, non-null value, or nullopt (and, when required, a problem).
  std::optional<Poco::Dynamic::Var> value(const std::string& key, bool required) {
    if (!problem_.isOk()) return std::nullopt;
    if (!o_->has(key) || o_->isNull(key)) {
      if (required) fail("field '" + key + "' is missing");
      return std::nullopt;
    }
    return o_->get(key);
  }

  std::optional<std::string> text(const std::string& key, bool required) {
    auto v = value(key, required);
    if (!v) return std::nullopt;
    if (!v->isString()) {
      fail("field '" + key + "' must be a string");
      return std::nullopt;
    }
    return v->extract<std::string>();
  }

  std::string id(const std::string& key) {
    auto t = text(key, true);
    if (!t) return {};
    if (t->empty() || t->size() > kMaxIdBytes)
      fail("field '" + key + "' must be 1 to " + std::to_string(kMaxIdBytes) + " bytes");
    return t.value_or("");
  }

  std::optional<std::string> date(const std::string& key, bool required) {
    auto t = text(key, required);
    if (t && !parseIsoDate(*t)) {
      fail("field '" + key + "' must be an existing date written YYYY-MM-DD");
      return std::nullopt;
    }
    return t;
  }

  // An ISO 8601 time with an offset (or Z), kept as UTC text.
  std::optional<std::string> time(const std::string& key, bool required) {
    auto t = text(key, required);
    if (!t) return std::nullopt;
    auto utc = utcText(*t);
    if (!utc) fail("field '" + key + "' must be an ISO 8601 time with an offset");
    return utc;
  }

  // A date, or a time with an offset (then kept as UTC text).
  std::optional<std::string> dateOrTime(const std::string& key) {
    auto t = text(key, false);
    if (!t || parseIsoDate(*t)) return t;
    auto utc = utcText(*t);
    if (!utc)
      fail("field '" + key + "' must be a date YYYY-MM-DD or an ISO 8601 time with an offset");
    return utc;
  }

  std::string agb(const std::string& key) {
    auto t = text(key, true);
    if (t && !accounts::validateAgbCode(*t)) fail("field '" + key + "' must be exactly 8 digits");
    return t.value_or("");
  }

  int64_t cents(const std::string& key) {
    auto v = value(key, true);
    if (!v) return 0;
    if (!v->isInteger()) {
      fail("field '" + key + "' must be a whole number of cents");
      return 0;
    }
    try {
      const int64_t n = v->convert<int64_t>();
      if (n < 0) fail("field '" + key + "' must not be negative");
      return n;
    } catch (const Poco::Exception&) {
      fail("field '" + key + "' is out of range");
      return 0;
    }
  }

  void fail(const std::string& what) {
    if (problem_.isOk()) problem_ = invalid(what);
  }

 private:
  Object::Ptr o_;
  Status problem_;
};

std::optional<std::string> decodePdf(Fields& f) {
  auto text = f.text("pdf_base64", false);
  if (!text) return std::nullopt;
  std::string bytes;
  try {
    std::istringstream in(*text);
    Poco::Base64Decoder decoder(in);
    bytes.assign(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
  } catch (const Poco::Exception&) {
    f.fail("field 'pdf_base64' is not valid Base64");
    return std::nullopt;
  }
  if (bytes.rfind("%PDF-", 0) != 0) {
    f.fail("field 'pdf_base64' does not hold a PDF document");
    return std::nullopt;
  }
  return bytes;
}

AccountLine account(Fields& f) {
  AccountLine a;
  a.oldId = f.id("old_id");
  auto email = f.text("email", true);
  if (email && !accounts::validateEmail(*email))
    f.fail("field 'email' is not a valid e-mail address");
  a.email = email.value_or("");
  a.agbCode = f.agb("agb_code");
  a.createdAt = f.date("created_at", true).value_or("");
  a.closedAt = f.date("closed_at", false);
  a.paidThrough = f.date("paid_through", false);
  a.lastActivityAt = f.time("last_activity_at", false);
  return a;
}

MessageLine message(Fields& f) {
  MessageLine m;
  m.oldId = f.id("old_id");
  m.fromAgb = f.agb("from_agb");
  m.toAgb = f.agb("to_agb");
  m.subject = f.text("subject", true).value_or("");
  m.body = f.text("body", true).value_or("");
  m.sentAt = f.time("sent_at", true).value_or("");
  // docs/messages.md: "bericht" is the normal message. `type` names the record ("message"),
  // so the message's own type has a key of its own.
  m.type = f.text("message_type", false).value_or("bericht");
  if (m.type != "bericht" && m.type != "declaratie")
    f.fail("field 'message_type' must be \"bericht\" or \"declaratie\"");
  return m;
}

InvoiceLine invoice(Fields& f) {
  InvoiceLine i;
  i.oldId = f.id("old_id");
  i.accountOldId = f.id("account_old_id");
  i.number = f.id("number");
  i.periodStart = f.date("period_start", true).value_or("");
  i.periodEnd = f.date("period_end", true).value_or("");
  if (f.problem().isOk() && i.periodEnd < i.periodStart)
    f.fail("field 'period_end' is before 'period_start'");
  i.amountExclCents = f.cents("amount_excl_cents");
  i.vatCents = f.cents("vat_cents");
  i.issuedAt = f.date("issued_at", true).value_or("");
  i.paidAt = f.dateOrTime("paid_at");
  i.pdf = decodePdf(f);
  return i;
}

}  // namespace

const char* kindName(LineKind kind) {
  switch (kind) {
    case LineKind::kAccount:
      return "account";
    case LineKind::kMessage:
      return "message";
    case LineKind::kInvoice:
      return "invoice";
  }
  return "?";
}

bool isBlankLine(std::string_view text) {
  for (char c : text)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  return true;
}

Result<ImportLine> parseImportLine(std::string_view text) {
  Object::Ptr o;
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(std::string(text));
    if (v.type() == typeid(Object::Ptr)) o = v.extract<Object::Ptr>();
  } catch (const Poco::Exception&) {
    // The parser's message may quote the line: say only what is wrong.
    return invalid("the line is not valid JSON");
  }
  if (o.isNull()) return invalid("the line is not a JSON object");
  Fields f(o);
  auto type = f.text("type", true);
  if (!type) return f.problem();
  ImportLine out;
  if (*type == "account") {
    out = account(f);
  } else if (*type == "message") {
    out = message(f);
  } else if (*type == "invoice") {
    out = invoice(f);
  } else {
    return invalid("unknown type (expected \"account\", \"message\" or \"invoice\")");
  }
  if (!f.problem().isOk()) return f.problem();
  return out;
}

}  // namespace berichtd::import
