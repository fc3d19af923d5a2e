// The activation pages' content (SPEC AC1-AC3; docs/activation-pages.md): one function per
// page, each a Page for renderPage(). Dutch, no JavaScript, every input labelled. Text from
// the user or the API (tokens, secrets, IBAN) is escaped; the QR code (the API's qr_svg) is
// shown as an <img> data URI, so its markup never becomes part of the page.
// Pure, safe on any thread.
#pragma once

#include <string>
#include <vector>

#include "app/pages/page_layout.hpp"

namespace berichtd::app::pages {

// The paths of the flow.
inline constexpr const char* kRequestPath = "/activeren";      // ?token=REQUEST_TOKEN (AC1)
inline constexpr const char* kStartPath = "/activeren/start";  // ?token=ACCESS_TOKEN (AC2)
inline constexpr const char* kNextPath = "/activeren/verder";  // to the current step
inline constexpr const char* kPasswordPath = "/activeren/wachtwoord";
inline constexpr const char* kAuthenticatorPath = "/activeren/authenticator";
inline constexpr const char* kMandatePath = "/activeren/machtiging";
inline constexpr const char* kResultPath = "/activeren/betaald";  // the provider's redirect

// The SEPA consent text beside the box (docs/billing.md, version sepa-machtiging-2026-01).
extern const char* const kConsentText;

// AC1: the activation mail's request link — a button asks for a fresh access link.
Page requestLinkPage(const std::string& requestToken, const std::string& csrf);
// /activeren without a token.
Page noTokenPage();
// AC2: the new link is on its way.
Page linkSentPage();
// AC2: the access link — a button begins (a GET never uses the single-use link up).
Page startPage(const std::string& accessToken, const std::string& csrf);
// AC3 step 1. errorCode empty: no error.
Page passwordPage(const std::string& csrf, const std::string& errorCode);
// AC3 step 2: the QR code, the secret as text, the first code.
struct Enrolment {
  std::string secret;
  std::string qrSvg;
};
Page authenticatorPage(const Enrolment& e, const std::string& csrf, const std::string& errorCode);
// Shown once, in the answer to the confirmed code.
Page recoveryCodesPage(const std::vector<std::string>& codes);
// AC3 step 3: IBAN, account holder, consent; then the provider's checkout.
struct MandateForm {
  std::string iban;
  std::string accountHolder;
  bool consent = false;
};
Page mandatePage(const MandateForm& form, const std::string& csrf, const std::string& errorCode);
// Back from the provider.
enum class PaymentOutcomeView { kActive, kPending, kFailed };
Page resultPage(PaymentOutcomeView outcome);
// Back from the provider without the SameSite=Strict cookies (a cross-site redirect does not
// send them): the page loads itself again, now same-site, so they come along.
Page returnBouncePage(const std::string& path);
// A page for an error that ends the flow here.
Page errorPage(int status, const std::string& code);

}  // namespace berichtd::app::pages
