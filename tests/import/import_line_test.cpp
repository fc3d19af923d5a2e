// The export's line parser (SPEC M1; docs/import.md "The format") as tables: every field of
// every kind, valid and invalid, and that a message never quotes a value.
#include "import/import_line.hpp"

#include <gtest/gtest.h>

namespace berichtd::import {
namespace {

constexpr const char* kAccount =
    R"({"type":"account","old_id":"A1","email":"Praktijk@Example.nl","agb_code":"12345678",)"
    R"("created_at":"2019-05-31","closed_at":null,"paid_through":"2026-03-05",)"
    R"("last_activity_at":"2026-02-10T14:03:00+01:00"})";
constexpr const char* kMessage =
    R"({"type":"message","old_id":"M1","from_agb":"12345678","to_agb":"87654321",)"
    R"("subject":"Uitslag","body":"HbA1c 48","sent_at":"2025-12-01T10:00:00+01:00"})";
constexpr const char* kInvoice =
    R"({"type":"invoice","old_id":"F1","account_old_id":"A1","number":"2025-004711",)"
    R"("period_start":"2025-12-01","period_end":"2025-12-31","amount_excl_cents":1300,)"
    R"("vat_cents":273,"issued_at":"2025-12-01","paid_at":"2025-12-03","pdf_base64":null})";

// Replaces `"key":<old value>` in a line with `"key":value` (or removes the key when value is
// empty).
std::string with(std::string line, const std::string& key, const std::string& value) {
  const std::string k = "\"" + key + "\":";
  const auto at = line.find(k);
  if (at == std::string::npos) return line.substr(0, line.size() - 1) + "," + k + value + "}";
  auto end = at + k.size();
  if (line[end] == '"') {
    end = line.find('"', end + 1) + 1;
  } else {
    while (line[end] != ',' && line[end] != '}') ++end;
  }
  if (value.empty()) {
    if (line[end] == ',') return line.erase(at, end - at + 1);
    return line.erase(at - 1, end - at + 1);  // the last key: its leading comma goes
  }
  return line.replace(at + k.size(), end - at - k.size(), value);
}

TEST(ImportLine, TheApiExamplesParseWithEveryField) {
  auto a = parseImportLine(kAccount);
  ASSERT_TRUE(a) << a.status().toString();
  const auto& acc = std::get<AccountLine>(*a);
  EXPECT_EQ(acc.oldId, "A1");
  EXPECT_EQ(acc.email, "Praktijk@Example.nl");  // kept as given; the key is lower-cased later
  EXPECT_EQ(acc.agbCode, "12345678");
  EXPECT_EQ(acc.createdAt, "2019-05-31");
  EXPECT_FALSE(acc.closedAt);
  EXPECT_EQ(acc.paidThrough, "2026-03-05");
  EXPECT_EQ(acc.lastActivityAt, "2026-02-10T13:03:00.000Z");  // UTC, like every stored time

  auto m = parseImportLine(kMessage);
  ASSERT_TRUE(m) << m.status().toString();
  const auto& msg = std::get<MessageLine>(*m);
  EXPECT_EQ(msg.oldId, "M1");
  EXPECT_EQ(msg.fromAgb, "12345678");
  EXPECT_EQ(msg.toAgb, "87654321");
  EXPECT_EQ(msg.subject, "Uitslag");
  EXPECT_EQ(msg.body, "HbA1c 48");
  EXPECT_EQ(msg.sentAt, "2025-12-01T09:00:00.000Z");
  EXPECT_EQ(msg.type, "bericht");  // the default (docs/messages.md)

  auto i = parseImportLine(kInvoice);
  ASSERT_TRUE(i) << i.status().toString();
  const auto& inv = std::get<InvoiceLine>(*i);
  EXPECT_EQ(inv.oldId, "F1");
  EXPECT_EQ(inv.accountOldId, "A1");
  EXPECT_EQ(inv.number, "2025-004711");
  EXPECT_EQ(inv.periodStart, "2025-12-01");
  EXPECT_EQ(inv.periodEnd, "2025-12-31");
  EXPECT_EQ(inv.amountExclCents, 1300);
  EXPECT_EQ(inv.vatCents, 273);
  EXPECT_EQ(inv.issuedAt, "2025-12-01");
  EXPECT_EQ(inv.paidAt, "2025-12-03");
  EXPECT_FALSE(inv.pdf);
}

TEST(ImportLine, OptionalFieldsAndUnknownFields) {
  auto closed = parseImportLine(
      with(with(kAccount, "closed_at", "\"2025-09-30\""), "extra", "{\"nested\":[1,2]}"));
  ASSERT_TRUE(closed) << closed.status().toString();
  EXPECT_EQ(std::get<AccountLine>(*closed).closedAt, "2025-09-30");
  auto bare = parseImportLine(
      with(with(with(kAccount, "closed_at", ""), "paid_through", ""), "last_activity_at", ""));
  ASSERT_TRUE(bare) << bare.status().toString();
  EXPECT_FALSE(std::get<AccountLine>(*bare).paidThrough);
  EXPECT_FALSE(std::get<AccountLine>(*bare).lastActivityAt);

  auto declaratie = parseImportLine(with(kMessage, "message_type", "\"declaratie\""));
  ASSERT_TRUE(declaratie);
  EXPECT_EQ(std::get<MessageLine>(*declaratie).type, "declaratie");
  auto explicitType = parseImportLine(
      R"({"old_id":"M2","type":"message","from_agb":"12345678","to_agb":"12345678",)"
      R"("subject":"","body":"","sent_at":"2025-12-01T10:00:00Z"})");
  ASSERT_TRUE(explicitType) << explicitType.status().toString();  // type need not be first

  auto open = parseImportLine(with(kInvoice, "paid_at", "null"));
  ASSERT_TRUE(open);
  EXPECT_FALSE(std::get<InvoiceLine>(*open).paidAt);
  auto paidTime = parseImportLine(with(kInvoice, "paid_at", "\"2025-12-03T10:00:00+01:00\""));
  ASSERT_TRUE(paidTime);
  EXPECT_EQ(std::get<InvoiceLine>(*paidTime).paidAt, "2025-12-03T09:00:00.000Z");
  // "%PDF-1.4 x" in Base64.
  auto pdf = parseImportLine(with(kInvoice, "pdf_base64", "\"JVBERi0xLjQgeA==\""));
  ASSERT_TRUE(pdf) << pdf.status().toString();
  EXPECT_EQ(std::get<InvoiceLine>(*pdf).pdf, "%PDF-1.4 x");
}

struct Bad {
  const char* name;
  std::string line;
  std::string message;  // the exact message: names the field, never the value
};

// Shown by name only (GoogleTest would print the bytes).
void PrintTo(const Bad& b, std::ostream* os) { *os << b.name; }

class ImportLineInvalid : public ::testing::TestWithParam<Bad> {};

TEST_P(ImportLineInvalid, IsRefusedWithTheFieldNamed) {
  auto r = parseImportLine(GetParam().line);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), "IMPORT_LINE_INVALID");
  EXPECT_EQ(r.status().message(), GetParam().message);
}

const Bad kBad[] = {
    {"NotJson", "{\"type\":\"account\",", "the line is not valid JSON"},
    {"NotAnObject", "[1,2]", "the line is not a JSON object"},
    {"NoType", R"({"old_id":"A1"})", "field 'type' is missing"},
    {"UnknownType", with(kAccount, "type", "\"praktijk\""),
     "unknown type (expected \"account\", \"message\" or \"invoice\")"},
    {"TypeNotString", with(kAccount, "type", "3"), "field 'type' must be a string"},
    {"NoOldId", with(kAccount, "old_id", ""), "field 'old_id' is missing"},
    {"EmptyOldId", with(kAccount, "old_id", "\"\""), "field 'old_id' must be 1 to 200 bytes"},
    {"LongOldId", with(kAccount, "old_id", "\"" + std::string(201, 'x') + "\""),
     "field 'old_id' must be 1 to 200 bytes"},
    {"OldIdNumber", with(kAccount, "old_id", "17"), "field 'old_id' must be a string"},
    {"BadEmail", with(kAccount, "email", "\"geen-adres\""),
     "field 'email' is not a valid e-mail address"},
    {"ShortAgb", with(kAccount, "agb_code", "\"1234567\""),
     "field 'agb_code' must be exactly 8 digits"},
    {"AgbLetters", with(kAccount, "agb_code", "\"1234567a\""),
     "field 'agb_code' must be exactly 8 digits"},
    {"NoCreated", with(kAccount, "created_at", "null"), "field 'created_at' is missing"},
    {"CreatedNotADay", with(kAccount, "created_at", "\"2026-02-29\""),
     "field 'created_at' must be an existing date written YYYY-MM-DD"},
    {"ClosedAsTime", with(kAccount, "closed_at", "\"2025-09-30T10:00:00Z\""),
     "field 'closed_at' must be an existing date written YYYY-MM-DD"},
    {"PaidThroughDutch", with(kAccount, "paid_through", "\"05-03-2026\""),
     "field 'paid_through' must be an existing date written YYYY-MM-DD"},
    {"ActivityDateOnly", with(kAccount, "last_activity_at", "\"2026-02-10\""),
     "field 'last_activity_at' must be an ISO 8601 time with an offset"},
    {"MessageFromAgb", with(kMessage, "from_agb", "\"1\""),
     "field 'from_agb' must be exactly 8 digits"},
    {"MessageToAgbMissing", with(kMessage, "to_agb", ""), "field 'to_agb' is missing"},
    {"MessageSubjectNumber", with(kMessage, "subject", "12"), "field 'subject' must be a string"},
    {"MessageNoBody", with(kMessage, "body", ""), "field 'body' is missing"},
    {"MessageSentAt", with(kMessage, "sent_at", "\"gisteren\""),
     "field 'sent_at' must be an ISO 8601 time with an offset"},
    {"MessageType", with(kMessage, "message_type", "\"fax\""),
     "field 'message_type' must be \"bericht\" or \"declaratie\""},
    {"InvoiceNoAccount", with(kInvoice, "account_old_id", ""), "field 'account_old_id' is missing"},
    {"InvoiceNoNumber", with(kInvoice, "number", "\"\""), "field 'number' must be 1 to 200 bytes"},
    {"InvoicePeriodReversed", with(kInvoice, "period_end", "\"2025-11-30\""),
     "field 'period_end' is before 'period_start'"},
    {"InvoiceAmountDecimal", with(kInvoice, "amount_excl_cents", "13.5"),
     "field 'amount_excl_cents' must be a whole number of cents"},
    {"InvoiceAmountText", with(kInvoice, "amount_excl_cents", "\"1300\""),
     "field 'amount_excl_cents' must be a whole number of cents"},
    {"InvoiceVatNegative", with(kInvoice, "vat_cents", "-1"),
     "field 'vat_cents' must not be negative"},
    {"InvoiceIssued", with(kInvoice, "issued_at", "\"2025-13-01\""),
     "field 'issued_at' must be an existing date written YYYY-MM-DD"},
    {"InvoicePaidAt", with(kInvoice, "paid_at", "\"morgen\""),
     "field 'paid_at' must be a date YYYY-MM-DD or an ISO 8601 time with an offset"},
    {"InvoicePdfNotBase64", with(kInvoice, "pdf_base64", "\"!!!!\""),
     "field 'pdf_base64' is not valid Base64"},
    {"InvoicePdfNotAPdf", with(kInvoice, "pdf_base64", "\"aGFsbG8=\""),
     "field 'pdf_base64' does not hold a PDF document"},
};

INSTANTIATE_TEST_SUITE_P(Table, ImportLineInvalid, ::testing::ValuesIn(kBad),
                         [](const ::testing::TestParamInfo<Bad>& p) { return p.param.name; });

TEST(ImportLine, MessagesNeverQuoteValues) {
  // Personal data (an e-mail address, a subject) must not travel into reports or logs.
  auto r = parseImportLine(with(kAccount, "email", "\"jansen-geheim\""));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().message().find("jansen-geheim"), std::string::npos);
  auto j = parseImportLine("{\"type\":\"message\",\"subject\":\"Geheime diagnose\"");
  ASSERT_FALSE(j);
  EXPECT_EQ(j.status().message().find("Geheime"), std::string::npos);
}

TEST(ImportLine, BlankLines) {
  EXPECT_TRUE(isBlankLine(""));
  EXPECT_TRUE(isBlankLine(" \t\r"));
  EXPECT_FALSE(isBlankLine(" {}"));
}

}  // namespace
}  // namespace berichtd::import
