#include "billing/invoice_pdf.hpp"

#include <hpdf.h>

#include <chrono>
#include <cstdio>
#include <memory>

namespace berichtd::billing {

namespace {

// libharu reports errors through a callback (C code: nothing may be thrown through it). The
// first one is kept; later calls on the failed document do nothing harmful, and the render is
// refused at the next check.
struct HaruErrors {
  HPDF_STATUS code = 0;
  HPDF_STATUS detail = 0;
  std::string text() const {
    char buf[64];
    std::snprintf(buf, sizeof buf, "libharu error 0x%04X (detail %u)", static_cast<unsigned>(code),
                  static_cast<unsigned>(detail));
    return buf;
  }
};

void onError(HPDF_STATUS code, HPDF_STATUS detail, void* user) {
  auto* errors = static_cast<HaruErrors*>(user);
  if (code == HPDF_STREAM_EOF) return;  // reading the finished document to its end
  if (errors->code == 0) {
    errors->code = code;
    errors->detail = detail;
  }
}

class Writer {
 public:
  Writer(HPDF_Page page, HPDF_Font font, HPDF_Font bold) : page_(page), font_(font), bold_(bold) {}
  void text(float x, float y, const std::string& s, float size = 10, bool strong = false) {
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, strong ? bold_ : font_, size);
    HPDF_Page_TextOut(page_, x, y, s.c_str());
    HPDF_Page_EndText(page_);
  }
  // Right-aligned at x.
  void right(float x, float y, const std::string& s, float size = 10, bool strong = false) {
    HPDF_Page_SetFontAndSize(page_, strong ? bold_ : font_, size);
    text(x - HPDF_Page_TextWidth(page_, s.c_str()), y, s, size, strong);
  }
  void rule(float x1, float x2, float y) {
    HPDF_Page_SetLineWidth(page_, 0.5f);
    HPDF_Page_MoveTo(page_, x1, y);
    HPDF_Page_LineTo(page_, x2, y);
    HPDF_Page_Stroke(page_);
  }

 private:
  HPDF_Page page_;
  HPDF_Font font_;
  HPDF_Font bold_;
};

std::string boldVariant(const std::string& fontPath) {
  const auto dot = fontPath.rfind(".ttf");
  if (dot == std::string::npos) return fontPath;
  return fontPath.substr(0, dot) + "-Bold.ttf";
}

}  // namespace

std::string formatEuro(int64_t cents) {
  const bool negative = cents < 0;
  const uint64_t abs = negative ? static_cast<uint64_t>(-cents) : static_cast<uint64_t>(cents);
  std::string whole = std::to_string(abs / 100);
  for (int at = static_cast<int>(whole.size()) - 3; at > 0; at -= 3)
    whole.insert(static_cast<std::size_t>(at), ".");
  char frac[4];
  std::snprintf(frac, sizeof frac, "%02u", static_cast<unsigned>(abs % 100));
  return std::string(negative ? "-" : "") + "\u20ac " + whole + "," + frac;
}

std::string formatDutchDate(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u-%02u-%04d", static_cast<unsigned>(d.day()),
                static_cast<unsigned>(d.month()), static_cast<int>(d.year()));
  return buf;
}

Result<std::string> renderInvoicePdf(const InvoiceDocument& doc, const std::string& fontPath) {
  HaruErrors errors;
  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, void (*)(HPDF_Doc)> pdf(
      HPDF_New(onError, &errors), [](HPDF_Doc d) { HPDF_Free(d); });
  if (!pdf) return Status::error("PDF_RENDER_FAILED", "libharu could not create a document");
  auto failed = [&] {
    return Status::error("PDF_RENDER_FAILED", "cannot render the invoice: " + errors.text());
  };
  {
    HPDF_UseUTFEncodings(pdf.get());
    HPDF_SetCurrentEncoder(pdf.get(), "UTF-8");
    const char* regularName = HPDF_LoadTTFontFromFile(pdf.get(), fontPath.c_str(), HPDF_TRUE);
    const std::string boldPath = boldVariant(fontPath);
    const char* boldName = boldPath == fontPath
                               ? regularName
                               : HPDF_LoadTTFontFromFile(pdf.get(), boldPath.c_str(), HPDF_TRUE);
    if (errors.code != 0 || regularName == nullptr || boldName == nullptr) return failed();
    HPDF_Font font = HPDF_GetFont(pdf.get(), regularName, "UTF-8");
    HPDF_Font bold = HPDF_GetFont(pdf.get(), boldName, "UTF-8");
    if (errors.code != 0) return failed();
    HPDF_Page page = HPDF_AddPage(pdf.get());
    HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    Writer w(page, font, bold);
    const float left = 56, rightEdge = 539;
    float y = 780;

    // Supplier (top right) and the heading.
    w.text(left, y, "Factuur", 20, true);
    float sy = y;
    w.right(rightEdge, sy, doc.supplier.name, 10, true);
    for (const auto& line : doc.supplier.address) w.right(rightEdge, sy -= 13, line);
    w.right(rightEdge, sy -= 13, "KvK " + doc.supplier.kvk);
    w.right(rightEdge, sy -= 13, "Btw-nummer " + doc.supplier.vatNumber);

    // Customer and invoice data.
    y -= 110;
    w.text(left, y, "Aan", 9, true);
    float cy = y;
    w.text(left, cy -= 14, doc.customer.name);
    for (const auto& line : doc.customer.address) w.text(left, cy -= 13, line);
    w.text(330, y, "Factuurnummer", 9, true);
    w.text(430, y, doc.number);
    w.text(330, y - 14, "Factuurdatum", 9, true);
    w.text(430, y - 14, formatDutchDate(doc.date));

    // The one line and the totals.
    y -= 120;
    w.text(left, y, "Omschrijving", 9, true);
    w.right(rightEdge, y, "Bedrag excl. btw", 9, true);
    w.rule(left, rightEdge, y - 6);
    const Date lastDay{std::chrono::sys_days{doc.period.end} - std::chrono::days{1}};
    w.text(left, y -= 22, doc.description);
    w.text(left, y - 13,
           "Periode " + formatDutchDate(doc.period.start) + " t/m " + formatDutchDate(lastDay), 9);
    w.right(rightEdge, y, formatEuro(doc.amounts.exclCents));
    y -= 40;
    w.rule(330, rightEdge, y + 12);
    w.text(330, y, "Totaal excl. btw");
    w.right(rightEdge, y, formatEuro(doc.amounts.exclCents));
    w.text(330, y -= 16, "Btw " + std::to_string(doc.vatPercent) + "%");
    w.right(rightEdge, y, formatEuro(doc.amounts.vatCents));
    w.text(330, y -= 18, "Totaal incl. btw", 10, true);
    w.right(rightEdge, y, formatEuro(doc.amounts.totalCents), 10, true);

    w.text(left, 60, "Het bedrag wordt via SEPA-incasso afgeschreven.", 8);

    if (errors.code != 0) return failed();
    HPDF_SaveToStream(pdf.get());
    std::string out(HPDF_GetStreamSize(pdf.get()), '\0');
    HPDF_UINT32 size = static_cast<HPDF_UINT32>(out.size());
    HPDF_ReadFromStream(pdf.get(), reinterpret_cast<HPDF_BYTE*>(out.data()), &size);
    if (errors.code != 0 || size == 0) return failed();
    out.resize(size);
    return out;
  }
}

}  // namespace berichtd::billing
