// Invoice PDF (SPEC B8; issue 5 item 3): renders one invoice with every field Dutch law asks of
// an invoice (Wet OB art. 35a: supplier name, address, KvK and VAT number; customer name and
// address; invoice date; sequential number; the service and its period; amount excl. VAT, the
// rate, the VAT and the total) to PDF bytes with libharu, the TrueType font embedded so that
// "€" and accented letters print. Rendered ONCE when the invoice is made and stored: an invoice
// never changes afterwards.
//
// Contract
// - renderInvoicePdf(doc, fontPath): the PDF, or PDF_RENDER_FAILED (font missing or unreadable,
//   libharu error; the message names the libharu error code, never invoice contents).
// - Money is shown Dutch style, "€ 13,50"; dates as DD-MM-YYYY; the period as
//   "DD-MM-YYYY t/m DD-MM-YYYY" (the last day, one before the next period starts).
// - No creation date or other varying metadata: the same document renders to the same bytes.
// Thread-safety: each call uses its own libharu document; safe from any thread.
#pragma once

#include <berichtd/status.hpp>
#include <string>
#include <vector>

#include "billing/billing_rules.hpp"

namespace berichtd::billing {

struct InvoiceParty {
  std::string name;
  std::vector<std::string> address;  // lines
  std::string kvk;                   // supplier only
  std::string vatNumber;             // supplier only
};

struct InvoiceDocument {
  std::string number;  // "2026-000042"
  Date date;
  InvoiceParty supplier;
  InvoiceParty customer;
  std::string description;  // "Abonnement ZilliZ berichtenapp"
  Period period;
  Amounts amounts;
  int vatPercent = kVatPercent;
};

// "€ 13,50", "€ 1.234,56".
std::string formatEuro(int64_t cents);
// "12-03-2026".
std::string formatDutchDate(Date d);

Result<std::string> renderInvoicePdf(const InvoiceDocument& doc, const std::string& fontPath);

}  // namespace berichtd::billing
