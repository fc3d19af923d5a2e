// Pure translations between the bus contract of the service `billing` (docs/billing-plugin.md)
// and Mollie's v2 REST API (docs/billing-mollie.md): amounts, statuses, request bodies, payment
// and error documents, and the webhook's form body. No I/O here, so every rule is table-tested.
//
// Money is integer cents on the bus and a decimal string with exactly two digits at Mollie
// ("13.50"); the conversion is integer arithmetic only, never a double, so no cent is lost.
#pragma once

#include <berichtd/status.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berichtd::mollie {

// 1350 -> "13.50". Negative amounts are refused (AMOUNT_INVALID): Mollie charges, never pays out.
Result<std::string> centsToValue(int64_t cents);
// "13.50" -> 1350. Only digits, a dot and exactly two decimals ("1.5", "-1.00", "1e3" refused).
Result<int64_t> valueToCents(std::string_view value);

// A Mollie payment status as the contract's status. Mollie's `authorized` (pay-later methods,
// money not yet captured) is `pending` on the bus; an unknown status is an error so that the
// daemon never books a payment on a word it does not understand.
std::optional<std::string> busStatus(std::string_view mollieStatus);

// Ids are put into URL paths: only Mollie's shape (prefix_ and letters/digits) may pass, so a
// request can never walk to another path.
bool isMollieId(std::string_view id, std::string_view prefix);

// An error document (application/hal+json) as a short, secret-free text: "title: detail".
struct HalError {
  int status = 0;
  std::string title;
  std::string detail;
  std::string field;  // empty when Mollie names no field
  std::string text() const;
};
HalError parseHalError(int httpStatus, const std::string& body);

// What a failed call to Mollie means on the bus.
enum class Call {
  kCreateCustomer,
  kCreatePayment,
  kCreateRecurring,
  kGetPayment,
  kListMandates,
  kListMethods,
};
Status failureFor(Call call, int httpStatus, const std::string& body);

// Request bodies (JSON text).
struct FirstPayment {
  int64_t accountId = 0;
  std::string customerId, description, redirectUrl, webhookUrl;
  int64_t amountCents = 0;
};
struct RecurringPayment {
  int64_t accountId = 0;
  std::string customerId, mandateId, description, webhookUrl, invoiceNumber;
  int64_t amountCents = 0;
};
Result<std::string> customerBody(int64_t accountId, const std::string& name,
                                 const std::string& email);
Result<std::string> firstPaymentBody(const FirstPayment& p);
Result<std::string> recurringPaymentBody(const RecurringPayment& p);

// A Mollie payment document as the contract's get_payment reply fields.
struct PaymentView {
  std::string id, status, customerId, sequenceType;
  std::optional<std::string> mandateId, failureReason, checkoutUrl;
  int64_t amountCents = 0;
  int64_t chargedBackCents = 0;
  bool hasChargebacks = false;  // Mollie links the payment's chargebacks
};
Result<PaymentView> parsePayment(const std::string& body);
// The sum of a chargebacks list (GET /v2/payments/{id}/chargebacks).
Result<int64_t> sumChargebacks(const std::string& body);
// The id of the customer's first `valid` mandate in a mandates list, or nothing.
Result<std::optional<std::string>> validMandate(const std::string& body);
// The `id` of a created resource (customer, payment).
Result<std::string> createdId(const std::string& body);

// The webhook request: Mollie posts `id=tr_…` as application/x-www-form-urlencoded.
Result<std::string> notificationPaymentId(std::string_view contentType, std::string_view body);

// JSON replies on the bus.
std::string paymentReply(const PaymentView& p);

}  // namespace berichtd::mollie
