#include "app/pages/activation_views.hpp"

#include "core/crypto/base64.hpp"
#include "core/html.hpp"

namespace berichtd::app::pages {

using core::escapeHtml;

const char* const kConsentText =
    "Door deze machtiging te ondertekenen geef je toestemming aan ZilliZ om doorlopende "
    "incasso-opdrachten te sturen naar je bank om het maandelijkse abonnementsgeld van de ZilliZ "
    "berichtenapp van je rekening af te schrijven, en aan je bank om doorlopend het bedrag van je "
    "rekening af te schrijven overeenkomstig de opdracht van ZilliZ. Als je het niet eens bent met "
    "een afschrijving kun je deze laten terugboeken. Neem hiervoor binnen 8 weken na afschrijving "
    "contact op met je bank. Vraag je bank naar de voorwaarden.";

namespace {

std::string stepLine(int step) {
  return "<p class=\"hint\">Stap " + std::to_string(step) + " van 4</p>\n";
}

// A step page with a form (AC3): "Stap N van 4", then the error of a refused form, if any;
// the form's status is 400 when it comes back with an error. The caller appends the form.
Page stepForm(int step, const std::string& title, const std::string& errorCode) {
  Page p;
  p.status = errorCode.empty() ? 200 : 400;
  p.title = title;
  p.html = stepLine(step) + (errorCode.empty() ? "" : errorBlock(errorCode));
  return p;
}

}  // namespace

Page requestLinkPage(const std::string& requestToken, const std::string& csrf) {
  Page p;
  p.title = "Je account activeren";
  p.html =
      paragraph(
          "Via deze pagina kun je jouw inloggegevens opvragen. We sturen je een nieuwe "
          "link naar het e-mailadres waarop je de activeringsmail kreeg.") +
      paragraph(
          "Deze link heeft een geldigheidsduur van 24 uur en werkt één keer. Vraag je "
          "later opnieuw een link aan, dan werkt alleen de nieuwste.") +
      postForm(kRequestPath, csrf, hiddenField("token", requestToken), "Stuur mij een nieuwe link");
  return p;
}

Page noTokenPage() {
  Page p;
  p.status = 400;
  p.title = "Je account activeren";
  p.html = paragraph(
               "Open deze pagina via de link in de activeringsmail die je van ons kreeg. "
               "Daarmee kun je zelf een link aanvragen om in te loggen.") +
           errorBlock("BAD_REQUEST");
  return p;
}

Page linkSentPage() {
  Page p;
  p.status = 202;
  p.title = "Kijk in je e-mail";
  p.html = "<div class=\"ok\" role=\"status\">\n" +
           paragraph(
               "Als dit adres bij een account hoort dat nog geactiveerd moet worden, is er "
               "nu een e-mail met een nieuwe link onderweg.") +
           "</div>\n" +
           paragraph(
               "Deze link heeft een geldigheidsduur van 24 uur. Oudere links werken niet "
               "meer.") +
           paragraph(
               "Werkt de link niet meer? Dan kun je via de ontvangen activeringsmail zelf "
               "weer een nieuwe link aanvragen.");
  return p;
}

Page startPage(const std::string& accessToken, const std::string& csrf) {
  Page p;
  p.title = "Welkom bij de ZilliZ berichtenapp";
  p.html = paragraph(
               "In een paar stappen activeer je je account: je kiest een wachtwoord, koppelt "
               "een authenticator-app, geeft een incassomachtiging en betaalt € 0,01 met iDEAL.") +
           paragraph(
               "Je bevestigt je account en incassomachtiging met een iDeal betaling van € 0,01. "
               "Dit is nodig om toegang te krijgen.") +
           paragraph(
               "Houd je telefoon met een authenticator-app bij de hand. Na het starten heb je "
               "een uur om de stappen af te ronden.") +
           postForm(kStartPath, csrf, hiddenField("token", accessToken), "Start met activeren");
  return p;
}

Page passwordPage(const std::string& csrf, const std::string& errorCode) {
  Page p = stepForm(1, "Kies een wachtwoord", errorCode);
  Field pw;
  pw.id = "password";
  pw.label = "Nieuw wachtwoord";
  pw.type = "password";
  pw.autocomplete = "new-password";
  pw.hint = "Minstens 12 tekens. Een zin van een paar woorden is lang en goed te onthouden.";
  p.html += postForm(kPasswordPath, csrf, inputField(pw), "Wachtwoord opslaan");
  return p;
}

Page authenticatorPage(const Enrolment& e, const std::string& csrf, const std::string& errorCode) {
  Page p = stepForm(2, "Koppel je authenticator-app", errorCode);
  Field code;
  code.id = "code";
  code.label = "Code uit de app (6 cijfers)";
  code.autocomplete = "one-time-code";
  code.inputmode = "numeric";
  // The secret and QR travel back with the code, so a wrong code shows the same ones again
  // (asking the API again would make a new secret the user has not scanned).
  const std::string inner =
      hiddenField("secret", e.secret) + hiddenField("qr", e.qrSvg) + inputField(code);
  p.html += paragraph(
                "Scan deze QR-code met een authenticator-app op je telefoon, bijvoorbeeld "
                "Google Authenticator, Microsoft Authenticator of de app van je "
                "wachtwoordmanager.") +
            "<p><img class=\"qr\" id=\"qr\" src=\"data:image/svg+xml;base64," +
            crypto::base64Encode(e.qrSvg) +
            "\" alt=\"QR-code om je account aan je authenticator-app te koppelen. Kun je hem "
            "niet scannen, gebruik dan de sleutel hieronder.\"></p>\n"
            "<p>Kun je de QR-code niet scannen? Vul deze sleutel in je app of wachtwoordmanager "
            "in (tijdgebaseerd, 6 cijfers, 30 seconden):</p>\n"
            "<p class=\"secret\"><code id=\"secret\">" +
            escapeHtml(e.secret) + "</code></p>\n" +
            paragraph("Vul daarna de code in die de app toont, om te laten zien dat het werkt.") +
            postForm(kAuthenticatorPath, csrf, inner, "Code bevestigen");
  return p;
}

Page recoveryCodesPage(const std::vector<std::string>& codes) {
  Page p;
  p.title = "Bewaar je herstelcodes";
  std::string list = "<ol class=\"codes\" id=\"herstelcodes\">\n";
  for (const auto& c : codes) list += "<li><code>" + escapeHtml(c) + "</code></li>\n";
  list += "</ol>\n";
  p.html = stepLine(2) + "<div class=\"ok\" role=\"status\">\n" +
           paragraph("Je authenticator-app is gekoppeld.") + "</div>\n" +
           paragraph(
               "Ben je je telefoon kwijt? Met een van deze herstelcodes kun je een nieuwe "
               "app koppelen. Elke code werkt één keer.") +
           "<p><strong>We tonen deze codes maar één keer.</strong> Schrijf ze op of bewaar ze "
           "in je wachtwoordmanager voordat je verdergaat.</p>\n" +
           list + "<p><a class=\"button\" href=\"" + kMandatePath +
           "\">Ik heb de codes bewaard, ga verder</a></p>\n";
  return p;
}

Page mandatePage(const MandateForm& form, const std::string& csrf, const std::string& errorCode) {
  Page p = stepForm(3, "Incassomachtiging en betaling", errorCode);
  Field iban;
  iban.id = "iban";
  iban.label = "Rekeningnummer (IBAN)";
  iban.value = form.iban;
  iban.autocomplete = "off";
  iban.hint = "Bijvoorbeeld NL91 ABNA 0417 1643 00.";
  Field holder;
  holder.id = "account_holder";
  holder.label = "Naam van de rekeninghouder";
  holder.value = form.accountHolder;
  holder.autocomplete = "name";
  const std::string consent =
      "<blockquote id=\"machtiging-tekst\">" + escapeHtml(kConsentText) + "</blockquote>\n" +
      "<div class=\"check\"><input type=\"checkbox\" id=\"consent\" name=\"consent\" "
      "value=\"ja\" aria-describedby=\"machtiging-tekst\"" +
      (form.consent ? " checked" : "") +
      "><label for=\"consent\">Ik geef toestemming voor de automatische incasso (SEPA-machtiging)"
      "</label></div>\n";
  p.html += paragraph(
                "Je bevestigt je account en incassomachtiging met een iDeal betaling van "
                "€ 0,01. Dit is nodig om toegang te krijgen.") +
            paragraph(
                "Daarna schrijven we het maandelijkse abonnementsgeld automatisch af van "
                "deze rekening.") +
            postForm(kMandatePath, csrf, inputField(iban) + inputField(holder) + consent,
                     "Verder naar betalen (€ 0,01 met iDEAL)");
  return p;
}

Page resultPage(PaymentOutcomeView outcome) {
  Page p;
  switch (outcome) {
    case PaymentOutcomeView::kActive:
      p.title = "Je account is actief";
      p.html = stepLine(4) + "<div class=\"ok\" role=\"status\" id=\"uitkomst\" " +
               "data-outcome=\"active\">\n" +
               paragraph(
                   "Gelukt! We hebben je betaling van € 0,01 ontvangen en je account is "
                   "geactiveerd.") +
               "</div>\n" +
               paragraph(
                   "Je kunt nu inloggen in de ZilliZ berichtenapp met je e-mailadres, je "
                   "wachtwoord en de code uit je authenticator-app.");
      break;
    case PaymentOutcomeView::kPending:
      p.title = "We wachten op je betaling";
      p.refreshSeconds = 3;
      p.refreshPath = kResultPath;
      p.html = stepLine(4) + "<div role=\"status\" id=\"uitkomst\" data-outcome=\"pending\">\n" +
               paragraph(
                   "Je betaling is nog niet bevestigd door de bank. Deze pagina kijkt elke "
                   "paar seconden opnieuw.") +
               "</div>\n<p><a href=\"" + kResultPath + "\">Nu opnieuw kijken</a></p>\n";
      break;
    case PaymentOutcomeView::kFailed:
      p.status = 402;
      p.title = "De betaling is niet gelukt";
      p.html = stepLine(4) + "<div class=\"alert\" role=\"alert\" id=\"uitkomst\" " +
               "data-outcome=\"failed\">\n" +
               paragraph(
                   "De betaling van € 0,01 is afgebroken of mislukt. Je account is nog niet "
                   "actief.") +
               "</div>\n<p><a class=\"button\" href=\"" + kMandatePath +
               "\">Probeer het opnieuw</a></p>\n";
      break;
  }
  return p;
}

Page returnBouncePage(const std::string& path) {
  Page p;
  p.title = "Even geduld";
  p.refreshSeconds = 0;
  p.refreshPath = path;
  p.html = paragraph("We halen de uitkomst van je betaling op.") + "<p><a href=\"" +
           escapeHtml(path) + "\">Ga verder</a></p>\n";
  return p;
}

Page errorPage(int status, const std::string& code) {
  Page p;
  p.status = status;
  p.title = code == "ACCESS_LINK_EXPIRED" || code == "ACCESS_LINK_USED"
                ? "Deze link werkt niet meer"
                : "Dit lukt nu niet";
  p.html = errorBlock(code);
  return p;
}

}  // namespace berichtd::app::pages
