// The activation pages' rendering and form input (docs/activation-pages.md), without a
// daemon: every page is a Dutch document for a phone screen without script, every visible
// input has its label, user and API text is escaped, errors carry their knowledge-base link,
// the QR code is the API's SVG as an image; form bodies and cookies are read as browsers send
// them.
#include "app/pages/activation_views.hpp"

#include <Poco/Base64Decoder.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "app/pages/dutch_errors.hpp"
#include "app/pages/form_input.hpp"

namespace berichtd::app::pages {
namespace {

std::vector<std::pair<std::string, Page>> everyPage() {
  return {
      {"request", requestLinkPage("req<tok>", "csrf1")},
      {"no-token", noTokenPage()},
      {"sent", linkSentPage()},
      {"start", startPage("acc\"tok", "csrf1")},
      {"password", passwordPage("csrf1", "")},
      {"password-error", passwordPage("csrf1", "PASSWORD_TOO_SHORT")},
      {"authenticator", authenticatorPage({"JBSWY3DPEHPK3PXP", "<svg/>"}, "csrf1", "")},
      {"authenticator-error",
       authenticatorPage({"JBSWY3DPEHPK3PXP", "<svg/>"}, "csrf1", "CODE_INVALID")},
      {"codes", recoveryCodesPage({"AAAAA-BBBBB", "CCCCC-DDDDD"})},
      {"mandate", mandatePage({}, "csrf1", "")},
      {"mandate-error", mandatePage({"NL00\"><b>", "Bakker & Zn", true}, "csrf1", "IBAN_INVALID")},
      {"active", resultPage(PaymentOutcomeView::kActive)},
      {"pending", resultPage(PaymentOutcomeView::kPending)},
      {"failed", resultPage(PaymentOutcomeView::kFailed)},
      {"bounce", returnBouncePage("/activeren/betaald?terug=1")},
      {"error", errorPage(410, "ACCESS_LINK_USED")},
  };
}

TEST(ActivationViews, EveryPageIsADutchPhoneSizedDocumentWithoutScript) {
  for (const auto& [name, page] : everyPage()) {
    const std::string html = renderPage(page);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"nl\">", 0), 0u) << name;
    EXPECT_NE(html.find("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"),
              std::string::npos)
        << name;
    EXPECT_NE(html.find("<meta name=\"referrer\" content=\"no-referrer\">"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos) << name;
    EXPECT_EQ(std::regex_search(html, std::regex(" on[a-z]+=")), false) << name;  // no handlers
    EXPECT_NE(html.find("<h1>" + page.title + "</h1>"), std::string::npos) << name;
  }
}

TEST(ActivationViews, EveryVisibleInputHasALabelAndEveryFormItsCsrfField) {
  const std::regex input("<input ([^>]*)>");
  const std::regex idAttr("id=\"([^\"]+)\"");
  int visible = 0;
  for (const auto& [name, page] : everyPage()) {
    const std::string html = renderPage(page);
    for (auto it = std::sregex_iterator(html.begin(), html.end(), input);
         it != std::sregex_iterator(); ++it) {
      const std::string attrs = (*it)[1];
      if (attrs.find("type=\"hidden\"") != std::string::npos) continue;
      ++visible;
      std::smatch id;
      ASSERT_TRUE(std::regex_search(attrs, id, idAttr)) << name << ": " << attrs;
      EXPECT_NE(html.find("<label for=\"" + id[1].str() + "\">"), std::string::npos)
          << name << ": " << id[1];
    }
    size_t forms = 0, csrf = 0;
    for (size_t at = html.find("<form"); at != std::string::npos; at = html.find("<form", at + 1))
      ++forms;
    for (size_t at = html.find("name=\"csrf\" value=\"csrf1\""); at != std::string::npos;
         at = html.find("name=\"csrf\" value=\"csrf1\"", at + 1))
      ++csrf;
    EXPECT_EQ(forms, csrf) << name;
    EXPECT_EQ(html.find("method=\"get\""), std::string::npos) << name;  // secrets go by POST
  }
  EXPECT_EQ(visible, 2 + 1 + 1 + 3 + 3);  // password×2, code×2, mandate×2 (iban, holder, box)
}

TEST(ActivationViews, UserAndApiTextIsEscaped) {
  const std::string mandate = renderPage(everyPage()[10].second);
  EXPECT_NE(mandate.find("value=\"NL00&quot;&gt;&lt;b&gt;\""), std::string::npos);
  EXPECT_NE(mandate.find("value=\"Bakker &amp; Zn\""), std::string::npos);
  EXPECT_NE(mandate.find("id=\"consent\" name=\"consent\" value=\"ja\" "
                         "aria-describedby=\"machtiging-tekst\" checked"),
            std::string::npos);
  EXPECT_NE(mandate.find(kConsentText), std::string::npos);  // docs/billing.md's text
  EXPECT_NE(renderPage(requestLinkPage("req<tok>", "c")).find("value=\"req&lt;tok&gt;\""),
            std::string::npos);
  EXPECT_NE(renderPage(startPage("acc\"tok", "c")).find("value=\"acc&quot;tok\""),
            std::string::npos);
}

TEST(ActivationViews, TheQrCodeIsTheApiSvgAsAnImageAndTheSecretIsText) {
  const std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>";
  const std::string html = renderPage(authenticatorPage({"JBSWY3DPEHPK3PXP", svg}, "c", ""));
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(html, m, std::regex("src=\"data:image/svg\\+xml;base64,([^\"]+)\"")));
  std::istringstream in(m[1].str());
  Poco::Base64Decoder dec(in);
  std::string decoded((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
  EXPECT_EQ(decoded, svg);
  EXPECT_EQ(html.find("<svg"), std::string::npos);                         // never inline markup
  EXPECT_NE(html.find("name=\"qr\" value=\"&lt;svg"), std::string::npos);  // escaped in the form
  EXPECT_NE(html.find("<code id=\"secret\">JBSWY3DPEHPK3PXP</code>"), std::string::npos);
  EXPECT_NE(html.find("autocomplete=\"one-time-code\""), std::string::npos);
}

TEST(ActivationViews, ErrorsAreDutchWithTheCodeAndItsKnowledgeBaseLink) {
  const std::string html = renderPage(passwordPage("c", "PASSWORD_TOO_SHORT"));
  EXPECT_NE(html.find("role=\"alert\""), std::string::npos);
  EXPECT_NE(html.find("minstens 12 tekens"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"/kennisbank/PASSWORD_TOO_SHORT\">"), std::string::npos);
  EXPECT_EQ(passwordPage("c", "PASSWORD_TOO_SHORT").status, 400);
  const std::string fallback = dutchError("SOMETHING_NEW");
  for (const char* code :
       {"ACCESS_LINK_EXPIRED", "ACCESS_LINK_USED", "ACTIVATION_TOKEN_INVALID", "CODE_INVALID",
        "IBAN_INVALID", "CONSENT_MISSING", "CSRF_TOKEN_INVALID", "PASSWORD_TOO_COMMON",
        "PASSWORD_EQUALS_EMAIL", "SERVICE_UNAVAILABLE", "PROVIDER_UNAVAILABLE"})
    EXPECT_NE(dutchError(code), fallback) << code;
  // AC2's wording for a dead link.
  EXPECT_NE(dutchError("ACCESS_LINK_EXPIRED").find("geldigheidsduur van 24 uur"),
            std::string::npos);
  EXPECT_NE(dutchError("ACCESS_LINK_EXPIRED").find("zelf een nieuwe link aan"), std::string::npos);
}

TEST(ActivationViews, OnlyThePendingResultAndTheBounceReloadThemselves) {
  EXPECT_NE(renderPage(resultPage(PaymentOutcomeView::kPending))
                .find("<meta http-equiv=\"refresh\" content=\"3;url=/activeren/betaald\">"),
            std::string::npos);
  EXPECT_NE(renderPage(returnBouncePage("/activeren/betaald?terug=1"))
                .find("content=\"0;url=/activeren/betaald?terug=1\""),
            std::string::npos);
  for (auto o : {PaymentOutcomeView::kActive, PaymentOutcomeView::kFailed})
    EXPECT_EQ(renderPage(resultPage(o)).find("http-equiv"), std::string::npos);
  EXPECT_NE(
      renderPage(resultPage(PaymentOutcomeView::kFailed)).find("href=\"/activeren/machtiging\""),
      std::string::npos);
}

TEST(FormInput, ParsesUrlEncodedBodiesAsBrowsersSendThem) {
  auto f = parseForm("csrf=abc&password=Zorg+vuldig%21%C3%A9&empty=&flag&a=1&a=2&bad=%zz%4");
  EXPECT_EQ(f["csrf"], "abc");
  EXPECT_EQ(f["password"], "Zorg vuldig!\xC3\xA9");
  EXPECT_EQ(f["empty"], "");
  EXPECT_TRUE(f.count("flag"));
  EXPECT_EQ(f["a"], "1");  // the first wins
  EXPECT_EQ(f["bad"], "%zz%4");
  EXPECT_TRUE(parseForm("").empty());
}

TEST(FormInput, FindsCookiesByExactName) {
  const std::string h = "xberichtd_csrf=no; berichtd_csrf=yes;berichtd_activation=tok=en";
  EXPECT_EQ(cookieValue(h, "berichtd_csrf"), "yes");
  EXPECT_EQ(cookieValue(h, "berichtd_activation"), "tok=en");
  EXPECT_EQ(cookieValue(h, "berichtd_payment"), "");
  EXPECT_EQ(cookieValue("", "a"), "");
}

TEST(FormInput, ComparesSecretsWholly) {
  EXPECT_TRUE(sameSecret("abc", "abc"));
  EXPECT_FALSE(sameSecret("abc", "abd"));
  EXPECT_FALSE(sameSecret("abc", "ab"));
  EXPECT_FALSE(sameSecret("", "a"));
}

}  // namespace
}  // namespace berichtd::app::pages
