#include "app/pages/dutch_errors.hpp"

#include <array>
#include <string_view>

namespace berichtd::app::pages {

namespace {

struct Sentence {
  std::string_view code;
  std::string_view text;
};

// AC2's wording for dead links: a new link is asked for through the activation mail.
constexpr std::array<Sentence, 22> kSentences = {{
    {"ACCESS_LINK_EXPIRED",
     "Deze link werkt niet meer. Een link heeft een geldigheidsduur van 24 uur en alleen de "
     "nieuwste link werkt. Vraag via de ontvangen activeringsmail zelf een nieuwe link aan."},
    {"ACCESS_LINK_USED",
     "Deze link is al gebruikt. Elke link werkt maar één keer. Vraag via de ontvangen "
     "activeringsmail zelf een nieuwe link aan."},
    {"ACTIVATION_TOKEN_INVALID",
     "Je activatiesessie is verlopen (na een uur) of onbekend. Vraag via de ontvangen "
     "activeringsmail een nieuwe link aan en begin opnieuw; wat je al hebt ingesteld blijft "
     "bewaard."},
    {"ACTIVATION_STEP_MISSING", "Deze stap kan nog niet: rond eerst de vorige stap af."},
    {"ACTIVATION_STEP_DONE", "Deze stap heb je al afgerond."},
    {"PASSWORD_TOO_SHORT", "Je wachtwoord is te kort: kies er een van minstens 12 tekens."},
    {"PASSWORD_TOO_COMMON",
     "Dit wachtwoord komt voor in lijsten van veelgebruikte wachtwoorden. Kies een ander."},
    {"PASSWORD_EQUALS_EMAIL", "Je wachtwoord mag niet gelijk zijn aan je e-mailadres."},
    {"CODE_INVALID",
     "De code klopt niet. Controleer of de klok van je telefoon goed staat en typ de code die "
     "de app nu toont."},
    {"IBAN_INVALID",
     "Dit rekeningnummer (IBAN) klopt niet. Controleer het, bijvoorbeeld NL91 ABNA 0417 1643 00."},
    {"CONSENT_MISSING",
     "Zonder je toestemming voor de automatische incasso kunnen we niet verder. Vink het vakje "
     "aan als je akkoord gaat."},
    {"BAD_REQUEST", "Niet alle velden zijn ingevuld. Vul ze in en probeer het opnieuw."},
    {"CSRF_TOKEN_INVALID",
     "Dit formulier is verlopen of kwam niet van deze site. Open de pagina opnieuw en probeer "
     "het nog een keer."},
    {"LOGIN_LOCKED", "Te veel pogingen. Wacht even en probeer het daarna opnieuw."},
    {"SERVICE_UNAVAILABLE", "Dit lukt nu even niet. Probeer het over een paar minuten opnieuw."},
    {"STORAGE_UNAVAILABLE", "Dit lukt nu even niet. Probeer het over een paar minuten opnieuw."},
    {"PROVIDER_UNAVAILABLE",
     "De betaalprovider is nu niet bereikbaar. Probeer het over een paar minuten opnieuw."},
    {"PROVIDER_REJECTED",
     "De betaalprovider heeft de betaling geweigerd. Controleer je gegevens of probeer het later "
     "opnieuw."},
    {"MAINTENANCE", "We zijn bezig met onderhoud. Probeer het later opnieuw."},
    {"MANDATE_MISSING", "Er is nog geen incassomachtiging. Vul eerst je rekeninggegevens in."},
    {"NOT_FOUND", "Deze pagina bestaat niet."},
    {"ACCOUNT_CLOSED", "Dit account is opgezegd en kan niet meer worden geactiveerd."},
}};

}  // namespace

std::string dutchError(const std::string& code) {
  for (const auto& s : kSentences)
    if (s.code == code) return std::string(s.text);
  return "Er ging iets mis. Probeer het later opnieuw; blijft het misgaan, lees dan de uitleg "
         "bij de foutcode.";
}

}  // namespace berichtd::app::pages
