// The Mollie mapping as tables: amounts both ways without a lost cent, statuses, ids that may
// go into a URL path, hal+json errors to bus codes, request and payment documents, and the
// webhook's form body.
#include "mollie_mapping.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace berichtd::mollie {
namespace {

Poco::JSON::Object::Ptr parse(const std::string& s) {
  return Poco::JSON::Parser().parse(s).extract<Poco::JSON::Object::Ptr>();
}

TEST(MollieAmount, CentsBecomeTwoDecimalStrings) {
  const std::pair<int64_t, const char*> cases[] = {
      {1350, "13.50"},     {1, "0.01"},
      {0, "0.00"},         {10, "0.10"},
      {123456, "1234.56"}, {100, "1.00"},
      {99, "0.99"},        {9223372036854775807, "92233720368547758.07"},
  };
  for (const auto& [cents, text] : cases) {
    auto v = centsToValue(cents);
    ASSERT_TRUE(v.isOk()) << cents;
    EXPECT_EQ(*v, text) << cents;
  }
  EXPECT_EQ(centsToValue(-1).status().code(), "AMOUNT_INVALID");
}

TEST(MollieAmount, StringsBecomeCentsExactly) {
  const std::pair<const char*, int64_t> good[] = {
      {"13.50", 1350}, {"0.01", 1},     {"1234.56", 123456},
      {"0.00", 0},     {"007.10", 710}, {"92233720368547758.07", 9223372036854775807},
  };
  for (const auto& [text, cents] : good) {
    auto v = valueToCents(text);
    ASSERT_TRUE(v.isOk()) << text;
    EXPECT_EQ(*v, cents) << text;
  }
  for (const char* bad :
       {"1.5", "abc", "-1.00", "1", "1.", ".50", "1.500", "1,50", "1e3", " 1.00", "1.00 ", "+1.00",
        "1.0a", "", "99999999999999999999.00", "92233720368547758.08"}) {
    EXPECT_EQ(valueToCents(bad).status().code(), "AMOUNT_INVALID") << bad;
  }
}

TEST(MollieAmount, EveryCentSurvivesTheRoundTrip) {
  for (int64_t c = 0; c < 100000; c += 7) {
    auto v = centsToValue(c);
    ASSERT_TRUE(v.isOk());
    auto back = valueToCents(*v);
    ASSERT_TRUE(back.isOk()) << *v;
    ASSERT_EQ(*back, c);
  }
}

TEST(MollieStatus, ProviderStatusesMapToTheContractsOnes) {
  const std::pair<const char*, const char*> cases[] = {
      {"open", "open"},          {"pending", "pending"},   {"paid", "paid"},
      {"failed", "failed"},      {"canceled", "canceled"}, {"expired", "expired"},
      {"authorized", "pending"},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(busStatus(in), std::optional<std::string>(out));
  for (const char* unknown : {"", "PAID", "refunded", "cancelled"})
    EXPECT_EQ(busStatus(unknown), std::nullopt) << unknown;
}

TEST(MollieIds, OnlyPrefixedAlphanumericIdsPass) {
  EXPECT_TRUE(isMollieId("tr_WDqYK6vllg", "tr_"));
  EXPECT_TRUE(isMollieId("cst_8wmqcHMN4U", "cst_"));
  EXPECT_FALSE(isMollieId("tr_", "tr_"));
  EXPECT_FALSE(isMollieId("cst_8wmqcHMN4U", "tr_"));
  EXPECT_FALSE(isMollieId("tr_../../v2/customers", "tr_"));
  EXPECT_FALSE(isMollieId("tr_abc?x=1", "tr_"));
  EXPECT_FALSE(isMollieId("tr_abc def", "tr_"));
  EXPECT_FALSE(isMollieId("tr_" + std::string(70, 'a'), "tr_"));
}

TEST(MollieErrors, HalJsonGivesTitleDetailAndField) {
  auto e =
      parseHalError(422, R"({"status":422,"title":"Unprocessable Entity","detail":"The amount is )"
                         R"(lower than the minimum","field":"amount","_links":{"documentation":)"
                         R"({"href":"https://docs.mollie.com/overview/handling-errors",)"
                         R"("type":"text/html"}}})");
  EXPECT_EQ(e.title, "Unprocessable Entity");
  EXPECT_EQ(e.field, "amount");
  EXPECT_EQ(e.text(), "Unprocessable Entity: The amount is lower than the minimum");
  auto html = parseHalError(502, "<html>Bad Gateway</html>");
  EXPECT_EQ(html.text(), "HTTP 502");
  auto lines =
      parseHalError(400, R"({"title":"Bad\nRequest","detail":")" + std::string(400, 'x') + R"("})");
  EXPECT_EQ(lines.text().find('\n'), std::string::npos);
  EXPECT_EQ(lines.text().size(), 300u);
}

TEST(MollieErrors, HttpFailuresMapToBusCodes) {
  const std::string unauthorized =
      R"({"status":401,"title":"Unauthorized Request","detail":"Missing authentication, or )"
      R"(failed to authenticate"})";
  const std::string noMandate =
      R"({"status":422,"title":"Unprocessable Entity","detail":"The customer has no valid )"
      R"(mandate","field":"mandateId"})";
  struct Case {
    Call call;
    int status;
    std::string body;
    const char* code;
  };
  const Case cases[] = {
      {Call::kGetPayment, 503, "", "PROVIDER_UNAVAILABLE"},
      {Call::kCreatePayment, 500, "{}", "PROVIDER_UNAVAILABLE"},
      {Call::kCreatePayment, 429, "{}", "PROVIDER_UNAVAILABLE"},
      {Call::kCreateCustomer, 401, unauthorized, "PROVIDER_REJECTED"},
      {Call::kGetPayment, 404, "{}", "PAYMENT_NOT_FOUND"},
      {Call::kCreateCustomer, 404, "{}", "PROVIDER_REJECTED"},
      {Call::kCreateRecurring, 422, noMandate, "MANDATE_MISSING"},
      {Call::kCreatePayment, 422, noMandate, "PROVIDER_REJECTED"},
      {Call::kCreateRecurring, 422, R"({"title":"x","detail":"bad amount","field":"amount"})",
       "PROVIDER_REJECTED"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(failureFor(c.call, c.status, c.body).code(), c.code) << c.status << " " << c.body;
  }
  EXPECT_NE(failureFor(Call::kCreateCustomer, 401, unauthorized).message().find("Unauthorized"),
            std::string::npos);
}

TEST(MollieBodies, FirstPaymentIsAnIdealPaymentForTheCustomer) {
  FirstPayment p;
  p.accountId = 42;
  p.customerId = "cst_abc";
  p.amountCents = 1;
  p.description = "Eerste betaling";
  p.redirectUrl = "https://example.nl/terug";
  p.webhookUrl = "https://example.nl/webhook";
  auto body = firstPaymentBody(p);
  ASSERT_TRUE(body.isOk());
  auto o = parse(*body);
  EXPECT_EQ(o->getObject("amount")->getValue<std::string>("value"), "0.01");
  EXPECT_EQ(o->getObject("amount")->getValue<std::string>("currency"), "EUR");
  EXPECT_EQ(o->getValue<std::string>("sequenceType"), "first");
  EXPECT_EQ(o->getValue<std::string>("method"), "ideal");
  EXPECT_EQ(o->getValue<std::string>("customerId"), "cst_abc");
  EXPECT_EQ(o->getValue<std::string>("redirectUrl"), "https://example.nl/terug");
  EXPECT_EQ(o->getValue<std::string>("webhookUrl"), "https://example.nl/webhook");
  EXPECT_EQ(o->getObject("metadata")->getValue<int64_t>("account_id"), 42);
  p.amountCents = -5;
  EXPECT_EQ(firstPaymentBody(p).status().code(), "AMOUNT_INVALID");
}

TEST(MollieBodies, RecurringPaymentNamesItsMandateOnlyWhenKnown) {
  RecurringPayment p;
  p.customerId = "cst_abc";
  p.amountCents = 1350;
  p.invoiceNumber = "2026-000123";
  auto o = parse(*recurringPaymentBody(p));
  EXPECT_EQ(o->getValue<std::string>("sequenceType"), "recurring");
  EXPECT_EQ(o->getObject("amount")->getValue<std::string>("value"), "13.50");
  EXPECT_FALSE(o->has("mandateId"));
  EXPECT_FALSE(o->has("method"));
  EXPECT_EQ(o->getObject("metadata")->getValue<std::string>("invoice_number"), "2026-000123");
  p.mandateId = "mdt_xyz";
  EXPECT_EQ(parse(*recurringPaymentBody(p))->getValue<std::string>("mandateId"), "mdt_xyz");
}

TEST(MolliePayments, APaymentDocumentBecomesTheContractsFields) {
  auto p = parsePayment(
      R"({"resource":"payment","id":"tr_7UhSN1zuXS","mode":"test","status":"paid",)"
      R"("amount":{"currency":"EUR","value":"13.50"},"amountChargedBack":{"currency":"EUR",)"
      R"("value":"2.25"},"sequenceType":"recurring","customerId":"cst_4qqhO89gsT",)"
      R"("mandateId":"mdt_h3gAaD5zP","details":{"consumerAccount":"NL55INGB0000000000"},)"
      R"("_links":{"self":{"href":"x"},"chargebacks":{"href":"y"}}})");
  ASSERT_TRUE(p.isOk()) << p.status().toString();
  EXPECT_EQ(p->id, "tr_7UhSN1zuXS");
  EXPECT_EQ(p->status, "paid");
  EXPECT_EQ(p->amountCents, 1350);
  EXPECT_EQ(p->chargedBackCents, 225);
  EXPECT_EQ(p->customerId, "cst_4qqhO89gsT");
  EXPECT_EQ(p->mandateId, std::optional<std::string>("mdt_h3gAaD5zP"));
  EXPECT_EQ(p->sequenceType, "recurring");
  EXPECT_TRUE(p->hasChargebacks);
  EXPECT_FALSE(p->checkoutUrl);
  EXPECT_FALSE(p->failureReason);
  const std::string reply = paymentReply(*p);
  EXPECT_EQ(reply.find("NL55"), std::string::npos) << "an IBAN must never reach the bus";
  auto r = parse(reply);
  EXPECT_EQ(r->getValue<int64_t>("charged_back_cents"), 225);
  EXPECT_TRUE(r->isNull("failure_reason"));
}

TEST(MolliePayments, AFailedDebitCarriesTheBanksReasonAndMissingFieldsAreNull) {
  auto p = parsePayment(
      R"({"id":"tr_a1","status":"failed","amount":{"currency":"EUR","value":"5.00"},)"
      R"("sequenceType":"first","customerId":"cst_b","details":{"bankReasonCode":"AM04",)"
      R"("bankReason":"Insufficient funds"},"_links":{"checkout":{"href":"https://x/c"}}})");
  ASSERT_TRUE(p.isOk());
  EXPECT_EQ(p->failureReason, std::optional<std::string>("Insufficient funds"));
  EXPECT_EQ(p->checkoutUrl, std::optional<std::string>("https://x/c"));
  auto r = parse(paymentReply(*p));
  EXPECT_TRUE(r->isNull("mandate_id"));
  EXPECT_EQ(r->getValue<std::string>("failure_reason"), "Insufficient funds");
}

TEST(MolliePayments, DocumentsTheContractCannotCarryAreRefused) {
  for (const char* bad :
       {R"({"id":"tr_a","status":"refunded","amount":{"currency":"EUR","value":"1.00"}})",
        R"({"id":"tr_a","status":"paid","amount":{"currency":"USD","value":"1.00"}})",
        R"({"id":"tr_a","status":"paid","amount":{"currency":"EUR","value":"1.5"}})",
        R"({"id":"x","status":"paid","amount":{"currency":"EUR","value":"1.00"}})",
        R"({"id":"tr_a","status":"paid"})", "not json"}) {
    EXPECT_FALSE(parsePayment(bad).isOk()) << bad;
  }
}

TEST(MollieLists, ChargebacksAreSummedAndTheFirstValidMandateIsFound) {
  auto sum = sumChargebacks(
      R"({"count":2,"_embedded":{"chargebacks":[{"id":"chb_1","amount":{"currency":"EUR",)"
      R"("value":"1.25"}},{"id":"chb_2","amount":{"currency":"EUR","value":"10.00"}}]}})");
  ASSERT_TRUE(sum.isOk());
  EXPECT_EQ(*sum, 1125);
  EXPECT_EQ(*sumChargebacks(R"({"count":0,"_embedded":{"chargebacks":[]}})"), 0);
  auto m =
      validMandate(R"({"count":2,"_embedded":{"mandates":[{"id":"mdt_old","status":"invalid"},)"
                   R"({"id":"mdt_ok","status":"valid"}]}})");
  ASSERT_TRUE(m.isOk());
  EXPECT_EQ(*m, std::optional<std::string>("mdt_ok"));
  auto none = validMandate(R"({"count":1,"_embedded":{"mandates":[{"id":"mdt_p","status":)"
                           R"("pending"}]}})");
  ASSERT_TRUE(none.isOk());
  EXPECT_FALSE(*none);
}

TEST(MollieWebhook, OnlyAFormPostWithOnePaymentIdIsANotification) {
  const char* form = "application/x-www-form-urlencoded";
  EXPECT_EQ(*notificationPaymentId(form, "id=tr_d0b0E3EA3v"), "tr_d0b0E3EA3v");
  EXPECT_EQ(*notificationPaymentId("Application/X-WWW-Form-Urlencoded; charset=utf-8",
                                   "foo=1&id=tr_d0b0E3EA3v"),
            "tr_d0b0E3EA3v");
  EXPECT_EQ(*notificationPaymentId(form, "id=tr%5Fabc"), "tr_abc");
  const std::pair<const char*, const char*> bad[] = {
      {"application/json", R"({"id":"tr_abc"})"},
      {form, ""},
      {form, "id="},
      {form, "id=cst_abc"},
      {form, "id=tr_abc&id=tr_def"},
      {form, "id=tr_a%2Fb"},
      {form, "id=tr_a%zz"},
      {form, "id=tr_a%2"},
      {form, "payment=tr_abc"},
      {"text/plain", "id=tr_abc"},
  };
  for (const auto& [type, body] : bad)
    EXPECT_EQ(notificationPaymentId(type, body).status().code(), "BAD_REQUEST") << body;
}

}  // namespace
}  // namespace berichtd::mollie
