// Invoice PDF (SPEC B8): every field Dutch law asks for is in the PDF's text as pdftotext (Debian
// poppler-utils) reads it back, "€" included; the font is embedded (pdffonts); the same invoice
// renders to the same bytes; a missing font is a clear error.
#include "billing/invoice_pdf.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace berichtd::billing {
namespace {

constexpr const char* kFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

std::string run(const std::string& command) {
  std::array<char, 4096> buf{};
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  if (!pipe) return out;
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe.get()) != nullptr)
    out += buf.data();
  return out;
}

InvoiceDocument sample() {
  InvoiceDocument d;
  d.number = "2026-000042";
  d.date = *parseDate("2026-03-12");
  d.supplier = {
      "ZilliZ B.V.", {"Voorbeeldstraat 1", "1234 AB Utrecht"}, "12345678", "NL001234567B01"};
  d.customer = {"Huisartsenpraktijk Één & Twee", {"Dorpsweg 5", "9876 ZX Groningen"}, "", ""};
  d.description = "Abonnement ZilliZ berichtenapp";
  d.period = periodContaining(*parseDate("2026-03-12"), 12);
  d.amounts = *amounts(1350);
  return d;
}

TEST(InvoicePdf, AmountsAndDatesInDutch) {
  EXPECT_EQ(formatEuro(1350), "\u20ac 13,50");
  EXPECT_EQ(formatEuro(284), "\u20ac 2,84");
  EXPECT_EQ(formatEuro(5), "\u20ac 0,05");
  EXPECT_EQ(formatEuro(123456789), "\u20ac 1.234.567,89");
  EXPECT_EQ(formatDutchDate(*parseDate("2026-03-01")), "01-03-2026");
}

TEST(InvoicePdf, EveryRequiredFieldIsInTheTextAndTheFontIsEmbedded) {
  auto pdf = renderInvoicePdf(sample(), kFont);
  ASSERT_TRUE(pdf) << pdf.status().toString();
  ASSERT_EQ(pdf->rfind("%PDF-", 0), 0u);
  const auto path = std::filesystem::temp_directory_path() /
                    ("berichtd-invoice-" + std::to_string(::getpid()) + ".pdf");
  std::ofstream(path, std::ios::binary) << *pdf;
  const std::string text = run("pdftotext -layout " + path.string() + " - 2>&1");
  for (const char* field : {
           "Factuur", "2026-000042", "12-03-2026",                              // number, date
           "ZilliZ B.V.", "Voorbeeldstraat 1", "1234 AB Utrecht",               // supplier
           "KvK 12345678", "Btw-nummer NL001234567B01",                         // supplier ids
           "Huisartsenpraktijk Één & Twee", "Dorpsweg 5", "9876 ZX Groningen",  // customer
           "Abonnement ZilliZ berichtenapp", "12-03-2026 t/m 11-04-2026",       // service, period
           "€ 13,50", "Btw 21%", "€ 2,84", "€ 16,34",                           // amounts
       }) {
    EXPECT_NE(text.find(field), std::string::npos) << "missing '" << field << "' in:\n" << text;
  }
  const std::string fonts = run("pdffonts " + path.string() + " 2>&1");
  EXPECT_NE(fonts.find("DejaVuSans"), std::string::npos) << fonts;
  EXPECT_EQ(fonts.find(" no "), std::string::npos) << "a font is not embedded:\n" << fonts;
  if (std::getenv("BERICHTD_KEEP_INVOICE") == nullptr) std::filesystem::remove(path);
}

TEST(InvoicePdf, TheSameInvoiceRendersToTheSameBytes) {
  auto a = renderInvoicePdf(sample(), kFont);
  auto b = renderInvoicePdf(sample(), kFont);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  InvoiceDocument other = sample();
  other.number = "2026-000043";
  EXPECT_NE(*renderInvoicePdf(other, kFont), *a);
}

TEST(InvoicePdf, AMissingFontIsAClearError) {
  auto pdf = renderInvoicePdf(sample(), "/nonexistent/font.ttf");
  ASSERT_FALSE(pdf);
  EXPECT_EQ(pdf.status().code(), "PDF_RENDER_FAILED");
  EXPECT_EQ(pdf.status().message().find("Huisarts"), std::string::npos);  // no invoice contents
}

}  // namespace
}  // namespace berichtd::billing
