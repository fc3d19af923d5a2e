// The activation pages end to end (issue 7 item 5; SPEC AC1-AC3; docs/activation-pages.md):
// the real daemon with auth-totp, delivery-smtp (to the real SMTP sink on loopback) and
// billing-mollie (against the fake Mollie), driven in headless Chromium over the DevTools
// protocol the way a user would: berichtctl accounts create → the request link → the access
// link read from the mail the SMTP server received → password → QR code and secret, a code
// from oathtool → recovery codes → IBAN and consent → the fake's checkout, "Betalen" → back on
// the result page → the account is active and can log in. Screenshots of every page are kept
// in the build folder (activation-pages/). The same pages again with the keyboard alone (key
// events only: the Tab order, the focus ring, Enter and Space) to the active account. Over
// plain HTTP: a used and a superseded access link give their Dutch error pages, a form without
// its CSRF token is refused and uses nothing up, and the cookies carry the documented
// attributes.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>
#include <functional>
#include <regex>
#include <thread>

#include "auth_flow_support.hpp"
#include "cdp_client.hpp"

// fake_mollie.hpp and smtp_sink.hpp both find their script beside them through
// BERICHTD_TEST_DIR; each is given its own folder here.
#define BERICHTD_TEST_DIR BERICHTD_MOLLIE_DIR
#include "fake_mollie.hpp"
#undef BERICHTD_TEST_DIR
#define BERICHTD_TEST_DIR BERICHTD_SMTP_DIR
#include "smtp_sink.hpp"
#undef BERICHTD_TEST_DIR

namespace berichtd::testing {
namespace {

using mollie::testing::FakeMollie;

const std::string kMollieKey = "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM";
const std::string kIban = "NL91ABNA0417164300";

// Every input the user can see has a label (SPEC AC3 accessibility; the test's own check).
constexpr const char* kUnlabelled =
    "[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]"
    ".filter(e => e.labels.length === 0).map(e => e.name || e.id)";

std::string jsString(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

int freePort() {
  Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
  return probe.address().port();
}

class ActivationInBrowser : public ::testing::TestWithParam<storage::Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == storage::Backend::kPostgres) {
      pg_ = std::make_unique<TestDatabase>(storage::Backend::kPostgres, "berichtd_pages_");
      BERICHTD_PREPARE_TEST_DATABASE(*pg_);
    }
    sink_ = std::make_unique<mail::SmtpSink>(mailDir_.path());
    ASSERT_GT(sink_->port(), 0);
    // The checkout page on "localhost", the daemon on 127.0.0.1: the way back from the
    // provider is a cross-site redirect, as in production.
    fake_ = std::make_unique<FakeMollie>(
        std::vector<std::string>{"--api-key", kMollieKey, "--host", "localhost"});
    ASSERT_GT(fake_->port(), 0);
    a_ = std::make_unique<AuthDaemon>(
        10, true, false, false, pg_ ? pg_->url() : "",
        std::vector<std::pair<std::string, std::string>>{
            {"delivery-smtp",
             "{host: 127.0.0.1, port: " + std::to_string(sink_->port()) +
                 ", from: \"ZilliZ berichtenapp <noreply@zilliz.example.nl>\", starttls: "
                 "optional, templates_dir: \"" +
                 std::string(BERICHTD_SOURCE_DIR) + "/conf/templates\"}"},
            {"billing-mollie", "{api_url: \"" + fake_->url() + "\", api_key: {file: mollie.key}}"}},
        "messages: {master_key: {file: messages.key}}\n"
        "billing: {supplier_name: ZilliZ B.V., supplier_address: \"Kade 1\\n1000 AA Amsterdam\", "
        "supplier_kvk: \"12345678\", supplier_vat_number: NL001234567B01}\n");
    a_->dir.write("messages.key", "m1:" + std::string(64, 'e') + "\n");
    a_->dir.write("mollie.key", kMollieKey + "\n");
    const int port = freePort();
    base_ = "http://127.0.0.1:" + std::to_string(port);
    // http.public_url is where the mailed links, the provider's redirect and its webhook go.
    ASSERT_TRUE(a_->daemon->start({"--set", "http.listen=127.0.0.1:" + std::to_string(port),
                                   "--set", "http.public_url=" + base_}))
        << a_->daemon->output();
    shots_ = std::filesystem::path(BERICHTD_BUILD_DIR) / "activation-pages" /
             backendParamName(::testing::TestParamInfo<storage::Backend>(GetParam(), 0));
    std::filesystem::create_directories(shots_);
  }

  int ctl(std::vector<std::string> args, std::string& out) {
    std::vector<std::string> argv{binaryPath("berichtctl"), "--admin", a_->daemon->adminUrl(),
                                  "--token-file", a_->dir.path() + "/admin.token"};
    argv.insert(argv.end(), args.begin(), args.end());
    return runCommand(argv, out);
  }

  // berichtctl accounts create for the one practice of these tests: its request token (AC1), or
  // "" with a test failure.
  std::string createAccount() {
    std::string out;
    EXPECT_EQ(
        ctl({"accounts", "create", "--email", "praktijk@example.nl", "--agb", "22222222"}, out), 0)
        << out;
    const auto at = out.find('{');
    return at == std::string::npos ? ""
                                   : json(out.substr(at))->getValue<std::string>("request_token");
  }

  // The page as the user sees it: kept as a screenshot; as wide as the phone's screen, no
  // sideways scrolling; no script, every input labelled.
  void look(CdpPage& page, const std::string& name) {
    EXPECT_TRUE(page.screenshot((shots_ / (name + ".png")).string())) << name;
    EXPECT_EQ(page.evaluate("window.innerWidth"), "412") << name;
    EXPECT_EQ(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth ? 'fits' "
                            ": 'wider than the screen'"),
              "fits")
        << name;
    const std::string html = page.html();
    EXPECT_EQ(html.find("<script"), std::string::npos) << name;
    EXPECT_NE(html.find("<html lang=\"nl\">"), std::string::npos) << name;
    EXPECT_EQ(page.evaluate(kUnlabelled), "[]") << name;
    pages_.push_back(name);
  }
  // Sets an input's value (or a checkbox) the way typing would.
  void fill(CdpPage& page, const std::string& id, const std::string& value) {
    EXPECT_EQ(page.evaluate("(() => { const e = document.getElementById(" + jsString(id) +
                            "); if (!e) return 'missing'; e.value = " + jsString(value) +
                            "; return 'ok'; })()"),
              "ok")
        << id;
  }
  bool submit(CdpPage& page) {
    return page.actAndWaitForLoad("document.querySelector('form button[type=submit]').click()");
  }
  // Reads the page text until it holds `want` (the page may be reloading itself).
  bool waitForText(CdpPage& page, const std::string& want, std::chrono::seconds limit) {
    return waitUntil(
        [&] {
          try {
            return page.text().find(want) != std::string::npos;
          } catch (const std::exception&) {
            return false;  // between two loads
          }
        },
        limit);
  }

  TempDir mailDir_;
  std::unique_ptr<TestDatabase> pg_;
  std::unique_ptr<mail::SmtpSink> sink_;
  std::unique_ptr<FakeMollie> fake_;
  std::unique_ptr<AuthDaemon> a_;
  std::string base_;
  std::filesystem::path shots_;
  std::vector<std::string> pages_;
};

TEST_P(ActivationInBrowser, FromTheMailedLinkToAnActiveAccount) {
  const std::string requestToken = createAccount();
  ASSERT_FALSE(requestToken.empty());

  Chromium chromium(a_->dir.path() + "/chromium");
  ASSERT_TRUE(chromium.ok()) << chromium.log();
  CdpPage page(chromium.pageUrl());
  page.emulatePhone(412, 915);

  // AC1: the activation mail's request link; the button mails a fresh access link.
  ASSERT_TRUE(page.navigate(base_ + "/activeren?token=" + requestToken));
  look(page, "01-aanvragen");
  EXPECT_NE(page.text().find("inloggegevens opvragen"), std::string::npos) << page.text();
  ASSERT_TRUE(submit(page));
  look(page, "02-link-verstuurd");
  EXPECT_NE(page.text().find("Kijk in je e-mail"), std::string::npos) << page.text();

  // AC2: the access link, read out of the mail the SMTP server received.
  ASSERT_TRUE(waitUntil([&] { return sink_->count() == 1; }, std::chrono::seconds(15)))
      << a_->daemon->output();
  const std::string body = sink_->mail(1)->getValue<std::string>("body");
  const std::string prefix = base_ + "/activeren/start?token=";
  const auto at = body.find(prefix);
  ASSERT_NE(at, std::string::npos) << body;
  const std::string link = body.substr(at, body.find_first_of(" \r\n", at) - at);
  const std::string accessToken = link.substr(prefix.size());
  ASSERT_TRUE(page.navigate(link));
  look(page, "03-start");
  ASSERT_TRUE(submit(page));
  EXPECT_EQ(page.url(), base_ + "/activeren/wachtwoord");

  // Step 1: a password the policy refuses, shown in Dutch with its code and help link; then
  // a good one.
  look(page, "04-wachtwoord");
  fill(page, "password", "kort");
  ASSERT_TRUE(submit(page));
  look(page, "05-wachtwoord-te-kort");
  EXPECT_NE(page.text().find("te kort"), std::string::npos) << page.text();
  EXPECT_EQ(page.evaluate("document.querySelector('#fout a').getAttribute('href')"),
            "/kennisbank/PASSWORD_TOO_SHORT");
  fill(page, "password", kPassword);
  ASSERT_TRUE(submit(page));
  EXPECT_EQ(page.url(), base_ + "/activeren/authenticator");

  // Step 2: the QR code is an image the browser decoded; the secret is text.
  look(page, "06-authenticator");
  EXPECT_EQ(page.evaluate("(() => { const i = document.getElementById('qr'); return i.complete "
                          "&& i.naturalWidth > 0 && i.alt.length > 0 ? 'shown' : 'not shown'; "
                          "})()"),
            "shown");
  const std::string secret = page.evaluate("document.getElementById('secret').textContent");
  ASSERT_FALSE(secret.empty());
  const int64_t step = unixNow() / 30;
  fill(page, "code", oathtool(secret, step + 20));  // a real code, far outside the window
  ASSERT_TRUE(submit(page));
  look(page, "07-code-onjuist");
  EXPECT_NE(page.html().find("data-code=\"CODE_INVALID\""), std::string::npos);
  // The same secret again, so the app the user already set up still fits.
  EXPECT_EQ(page.evaluate("document.getElementById('secret').textContent"), secret);
  fill(page, "code", oathtool(secret, step));
  ASSERT_TRUE(submit(page));

  // The recovery codes, once.
  look(page, "08-herstelcodes");
  EXPECT_EQ(page.evaluate("document.querySelectorAll('#herstelcodes li').length"), "10");
  const std::string firstCode =
      page.evaluate("document.querySelector('#herstelcodes li').textContent");
  EXPECT_TRUE(std::regex_match(firstCode, std::regex("[A-Z0-9]{5}-[A-Z0-9]{5}"))) << firstCode;
  ASSERT_TRUE(page.actAndWaitForLoad("document.querySelector('a.button').click()"));
  EXPECT_EQ(page.url(), base_ + "/activeren/machtiging");

  // Step 3: a wrong IBAN and a missing consent are refused on the page, what was typed stays.
  look(page, "09-machtiging");
  EXPECT_NE(page.text().find("€ 0,01"), std::string::npos);
  fill(page, "iban", "NL91ABNA0417164301");
  fill(page, "account_holder", "Huisartsenpraktijk Bakker");
  page.evaluate("document.getElementById('consent').checked = true");
  ASSERT_TRUE(submit(page));
  look(page, "10-iban-onjuist");
  EXPECT_NE(page.html().find("data-code=\"IBAN_INVALID\""), std::string::npos);
  EXPECT_EQ(page.evaluate("document.getElementById('account_holder').value"),
            "Huisartsenpraktijk Bakker");
  fill(page, "iban", kIban);
  page.evaluate("document.getElementById('consent').checked = false");
  ASSERT_TRUE(submit(page));
  EXPECT_NE(page.html().find("data-code=\"CONSENT_MISSING\""), std::string::npos);
  EXPECT_EQ(page.evaluate("document.querySelector('#fout a').getAttribute('href')"),
            "/kennisbank/CONSENT_MISSING");
  page.evaluate("document.getElementById('consent').checked = true");
  ASSERT_TRUE(submit(page));

  // The provider's checkout (the fake's page on another site): "Betalen".
  EXPECT_EQ(page.url().rfind("http://localhost:" + std::to_string(fake_->port()) + "/checkout/", 0),
            0u)
      << page.url();
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM accounts WHERE state = 'active'"), 0);
  ASSERT_TRUE(page.actAndWaitForLoad(
      "[...document.querySelectorAll('button')].find(b => b.textContent.includes('Betalen'))"
      ".click()"));

  // Back on our result page (through the same-site bounce), which looks again until paid.
  ASSERT_TRUE(waitForText(page, "Je account is actief", std::chrono::seconds(30)))
      << page.url() << "\n"
      << page.text();
  look(page, "11-actief");
  // The provider's redirect came from another site, without the Strict cookies: the page went
  // through its same-site reload (docs/activation-pages.md).
  auto history = page.call("Page.getNavigationHistory")->getArray("entries");
  bool bounced = false;
  for (std::size_t i = 0; history && i < history->size(); ++i)
    bounced = bounced || history->getObject(static_cast<unsigned>(i))
                                 ->getValue<std::string>("url")
                                 .find("/activeren/betaald?terug=1") != std::string::npos;
  EXPECT_TRUE(bounced);
  EXPECT_EQ(page.url().rfind(base_ + "/activeren/betaald", 0), 0u) << page.url();
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM accounts WHERE agb_code = '22222222' AND state = "
                      "'active'"),
            1);
  // The account logs in with what the pages set up.
  auto login =
      a_->post("/api/v1/login", loginBody("praktijk@example.nl", kPassword,
                                          oathtool(secret, std::max(step + 1, unixNow() / 30))));
  EXPECT_EQ(login.status, 200) << login.body;

  // Nothing secret reached the daemon's log.
  const std::string log = a_->daemon->output();
  for (const std::string& s : {requestToken, accessToken, secret, kIban, firstCode})
    EXPECT_EQ(log.find(s), std::string::npos) << s;
  EXPECT_EQ(pages_.size(), 11u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ActivationInBrowser,
                         ::testing::Values(storage::Backend::kSqlite, storage::Backend::kPostgres),
                         backendParamName);

// The controls on a page the keyboard must reach: every visible link, button and field (also
// one taken out of the Tab order with tabindex="-1": that is what the check must catch) and
// anything else given a tab stop, in document order. Read only.
constexpr const char* kKeyboardControls =
    "[...document.querySelectorAll('a[href], button, input, select, textarea, summary, "
    "[tabindex]')].filter(e => (e.matches('[tabindex]:not(a, button, input, select, textarea, "
    "summary)') ? e.tabIndex >= 0 : true) && !e.disabled && e.type !== 'hidden' && "
    "e.getClientRects().length > 0 && getComputedStyle(e).visibility === 'visible')";
// An element as the test names it: "#id", else "tag:its text"; "body" when nothing has focus.
constexpr const char* kDescribe =
    "(e => !e || e === document.body || e === document.documentElement ? 'body' : e.id ? '#' + "
    "e.id : e.tagName.toLowerCase() + ':' + e.textContent.trim())";

std::vector<std::string> stringList(const std::string& jsonArray) {
  std::vector<std::string> out;
  auto a = Poco::JSON::Parser().parse(jsonArray).extract<Poco::JSON::Array::Ptr>();
  for (std::size_t i = 0; a && i < a->size(); ++i) out.push_back(a->getElement<std::string>(i));
  return out;
}

// Issue 7 item 5, "accessible: keyboard" (SPEC AC1-AC3; docs/activation-pages.md): the flow
// with the keyboard alone. Only key events reach the pages (CdpPage::pressKey, typeText over
// Input.dispatchKeyEvent); Runtime.evaluate only reads (focus, URL, text, computed style). On
// every page Tab reaches every visible control, in the order they appear on the screen, and
// nothing is left out; the focused control shows the pages' focus ring; Enter or Space sends
// the form on. SQLite only: what is checked is the browser side, which the backend does not
// change (ActivationInBrowser runs the flow on both).
class ActivationByKeyboard : public ActivationInBrowser {
 protected:
  std::string focused(CdpPage& page) {
    return page.evaluate(std::string(kDescribe) + "(document.activeElement)");
  }
  // Tabs through a freshly loaded page from its start. Each control reached must show the focus
  // ring (docs/activation-pages.md: a 3 px outline on :focus-visible; Chromium's own ring is a
  // 1 px "auto" outline, so the check fails without the pages' rule) and is handed to
  // onFocus (to type into it). The controls reached must be all of kKeyboardControls, in
  // document order, which must be the reading order on the screen. Focus stays on the last.
  void tabThrough(CdpPage& page, const std::string& name,
                  const std::function<void(const std::string&)>& onFocus = {}) {
    const auto controls =
        stringList(page.evaluate(std::string(kKeyboardControls) + ".map(" + kDescribe + ")"));
    // Reading order: each control below the one before, or beside it to the right.
    EXPECT_EQ(page.evaluate(
                  "(() => { const r = " + std::string(kKeyboardControls) +
                  ".map(e => e.getBoundingClientRect()); for (let i = 1; i < r.length; ++i) { "
                  "const a = r[i - 1], b = r[i]; const row = b.top < a.bottom && a.top < b.bottom; "
                  "if (row ? b.left < a.left : b.top < a.top) return 'control ' + i + ' comes "
                  "before the one above it'; } return 'reading order'; })()"),
              "reading order")
        << name;
    EXPECT_EQ(focused(page), "body") << name;  // a new page: the walk starts at its top
    std::vector<std::string> reached;
    for (std::size_t i = 0; i < controls.size(); ++i) {
      page.pressKey("Tab");
      const std::string at = focused(page);
      if (at == "body" || std::find(reached.begin(), reached.end(), at) != reached.end()) break;
      reached.push_back(at);
      EXPECT_EQ(page.evaluate("(() => { const e = document.activeElement; const s = "
                              "getComputedStyle(e); return e.matches(':focus-visible') && "
                              "((s.outlineStyle !== 'none' && s.outlineStyle !== 'hidden' && "
                              "parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none') ? "
                              "'ring' : 'no ring: outline ' + s.outlineStyle + ' ' + "
                              "s.outlineWidth + ', focus-visible ' + "
                              "e.matches(':focus-visible'); })()"),
                "ring")
          << name << " " << at;
      if (onFocus) onFocus(at);
    }
    EXPECT_EQ(reached, controls) << name;
  }
  // Types into the focused field and reads back that the field holds it.
  void typeInto(CdpPage& page, const std::string& id, const std::string& text) {
    page.typeText(text);
    EXPECT_EQ(page.evaluate("document.getElementById(" + jsString(id) + ").value"), text) << id;
  }
};

TEST_P(ActivationByKeyboard, EveryPageWorksWithTheKeyboardAlone) {
  const std::string requestToken = createAccount();
  ASSERT_FALSE(requestToken.empty());
  Chromium chromium(a_->dir.path() + "/chromium");
  ASSERT_TRUE(chromium.ok()) << chromium.log();
  CdpPage page(chromium.pageUrl());
  page.emulatePhone(412, 915);

  // AC1: the request link's one button, by Enter.
  ASSERT_TRUE(page.navigate(base_ + "/activeren?token=" + requestToken));
  look(page, "toetsenbord-01-aanvragen");
  tabThrough(page, "aanvragen");
  EXPECT_EQ(focused(page), "button:Stuur mij een nieuwe link");
  ASSERT_TRUE(page.pressKeyAndWaitForLoad("Enter"));
  EXPECT_NE(page.text().find("Kijk in je e-mail"), std::string::npos) << page.text();
  tabThrough(page, "link verstuurd");  // nothing to reach, nothing left out

  // AC2: the access link from the mail; its one button, by Space.
  ASSERT_TRUE(waitUntil([&] { return sink_->count() == 1; }, std::chrono::seconds(15)))
      << a_->daemon->output();
  const std::string body = sink_->mail(1)->getValue<std::string>("body");
  const auto at = body.find(base_ + "/activeren/start?token=");
  ASSERT_NE(at, std::string::npos) << body;
  ASSERT_TRUE(page.navigate(body.substr(at, body.find_first_of(" \r\n", at) - at)));
  look(page, "toetsenbord-02-start");
  tabThrough(page, "start");
  EXPECT_EQ(focused(page), "button:Start met activeren");
  ASSERT_TRUE(page.pressKeyAndWaitForLoad(" "));
  EXPECT_EQ(page.url(), base_ + "/activeren/wachtwoord");

  // Step 1: a refused password, then on the error page (its knowledge-base link first) a good
  // one; Enter on the button.
  look(page, "toetsenbord-03-wachtwoord");
  tabThrough(page, "wachtwoord", [&](const std::string& c) {
    if (c == "#password") typeInto(page, "password", "kort");
  });
  EXPECT_EQ(focused(page), "button:Wachtwoord opslaan");
  ASSERT_TRUE(page.pressKeyAndWaitForLoad("Enter"));
  EXPECT_NE(page.html().find("data-code=\"PASSWORD_TOO_SHORT\""), std::string::npos);
  look(page, "toetsenbord-04-wachtwoord-te-kort");
  tabThrough(page, "wachtwoord te kort", [&](const std::string& c) {
    if (c == "#password") typeInto(page, "password", kPassword);
  });
  EXPECT_EQ(focused(page), "button:Wachtwoord opslaan");
  ASSERT_TRUE(page.pressKeyAndWaitForLoad("Enter"));
  EXPECT_EQ(page.url(), base_ + "/activeren/authenticator");

  // Step 2: the code from oathtool, typed; Enter. The QR image and the secret take no focus.
  look(page, "toetsenbord-05-authenticator");
  const std::string secret = page.evaluate("document.getElementById('secret').textContent");
  ASSERT_FALSE(secret.empty());
  tabThrough(page, "authenticator", [&](const std::string& c) {
    if (c == "#code") typeInto(page, "code", oathtool(secret, unixNow() / 30));
  });
  EXPECT_EQ(focused(page), "button:Code bevestigen");
  ASSERT_TRUE(page.pressKeyAndWaitForLoad("Enter"));

  // The recovery codes: the way on is a link, which Enter follows.
  look(page, "toetsenbord-06-herstelcodes");
  EXPECT_EQ(page.evaluate("document.querySelectorAll('#herstelcodes li').length"), "10");
  tabThrough(page, "herstelcodes");
  EXPECT_EQ(focused(page), "a:Ik heb de codes bewaard, ga verder");
  ASSERT_TRUE(page.pressKeyAndWaitForLoad("Enter"));
  EXPECT_EQ(page.url(), base_ + "/activeren/machtiging");

  // Step 3: IBAN (typed as printed on a bank card, with spaces) and account holder typed, the
  // consent box toggled with Space, Enter on the button.
  look(page, "toetsenbord-07-machtiging");
  tabThrough(page, "machtiging", [&](const std::string& c) {
    if (c == "#iban") typeInto(page, "iban", "NL91 ABNA 0417 1643 00");
    if (c == "#account_holder") typeInto(page, "account_holder", "Huisartsenpraktijk Bakker");
    if (c == "#consent") {
      EXPECT_EQ(page.evaluate("String(document.getElementById('consent').checked)"), "false");
      page.pressKey(" ");
      EXPECT_EQ(page.evaluate("String(document.getElementById('consent').checked)"), "true");
    }
  });
  EXPECT_EQ(focused(page), "button:Verder naar betalen (€ 0,01 met iDEAL)");
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM accounts WHERE state = 'active'"), 0);
  ASSERT_TRUE(page.pressKeyAndWaitForLoad("Enter"));

  // The provider's checkout (the fake's page, not ours: no focus-ring check): Tab to
  // "Betalen", Enter; back through the same-site bounce to the result page, where nothing is
  // left to reach.
  EXPECT_EQ(page.url().rfind("http://localhost:" + std::to_string(fake_->port()) + "/checkout/", 0),
            0u)
      << page.url();
  page.pressKey("Tab");
  EXPECT_EQ(focused(page), "#pay");
  ASSERT_TRUE(page.pressKeyAndWaitForLoad("Enter"));
  ASSERT_TRUE(waitForText(page, "Je account is actief", std::chrono::seconds(30)))
      << page.url() << "\n"
      << page.text();
  look(page, "toetsenbord-08-actief");
  tabThrough(page, "actief");
  EXPECT_EQ(a_->count("SELECT COUNT(*) FROM accounts WHERE agb_code = '22222222' AND state = "
                      "'active'"),
            1);
  EXPECT_EQ(pages_.size(), 8u);
}

// One backend: see the fixture's comment.
INSTANTIATE_TEST_SUITE_P(Backends, ActivationByKeyboard,
                         ::testing::Values(storage::Backend::kSqlite), backendParamName);

// An HTTP exchange with every Set-Cookie header kept.
struct Exchange {
  int status = 0;
  std::string body;
  std::string location;
  std::vector<std::string> cookies;
  std::map<std::string, std::string> headers;
};
Exchange exchange(const std::string& base, const std::string& method, const std::string& path,
                  const std::string& form = "", const std::string& cookie = "") {
  Poco::URI uri(base);
  Poco::Net::HTTPClientSession s(uri.getHost(), uri.getPort());
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!cookie.empty()) req.set("Cookie", cookie);
  if (method == "POST") {
    req.setContentType("application/x-www-form-urlencoded");
    req.setContentLength(static_cast<std::streamsize>(form.size()));
    s.sendRequest(req) << form;
  } else {
    s.sendRequest(req);
  }
  Poco::Net::HTTPResponse res;
  std::ostringstream body;
  Poco::StreamCopier::copyStream(s.receiveResponse(res), body);
  Exchange e;
  e.status = static_cast<int>(res.getStatus());
  e.body = body.str();
  e.location = res.get("Location", "");
  for (const auto& [name, value] : res) {
    if (Poco::icompare(name, "Set-Cookie") == 0) {
      e.cookies.push_back(value);
    } else {
      e.headers[name] = value;
    }
  }
  return e;
}

std::string cookieNamed(const Exchange& e, const std::string& name) {
  for (const auto& c : e.cookies)
    if (c.rfind(name + "=", 0) == 0) return c;
  return "";
}

TEST(ActivationPages, DeadLinksShowDutchErrorPagesAndFormsNeedTheirCsrfToken) {
  AuthDaemon a;  // mail-capture double; http.public_url https://berichten.example.nl
  ASSERT_TRUE(a.daemon->start()) << a.daemon->output();
  const std::string base = a.daemon->url();
  auto created = a.createAccount("praktijk@example.nl", "22222222");
  const std::string requestToken = created->getValue<std::string>("request_token");

  // The request link's page: a form, a CSRF cookie with the documented attributes (Secure,
  // as http.public_url is https), no referrer, no script.
  auto request = exchange(base, "GET", "/activeren?token=" + requestToken);
  ASSERT_EQ(request.status, 200) << request.body;
  const std::string csrfCookie = cookieNamed(request, "berichtd_csrf");
  ASSERT_FALSE(csrfCookie.empty());
  for (const char* attr : {"; Path=/activeren", "; HttpOnly", "; SameSite=Strict", "; Secure"})
    EXPECT_NE(csrfCookie.find(attr), std::string::npos) << attr << " in " << csrfCookie;
  const std::string csrf = csrfCookie.substr(14, csrfCookie.find(';') - 14);
  EXPECT_EQ(request.headers["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(request.headers["Cache-Control"], "no-store");
  EXPECT_NE(request.headers["Content-Security-Policy"].find("default-src 'none'"),
            std::string::npos);
  EXPECT_EQ(request.body.find("<script"), std::string::npos);
  EXPECT_NE(request.body.find("name=\"csrf\" value=\"" + csrf + "\""), std::string::npos);
  // Every visible input has its label: no visible input here; the token is a hidden field.
  EXPECT_NE(request.body.find("type=\"hidden\" name=\"token\""), std::string::npos);
  const std::string jar = "berichtd_csrf=" + csrf;

  // A form without the token (or with another) does nothing: no mail goes out.
  const size_t mailsBefore = a.mails().size();
  auto forged = exchange(base, "POST", "/activeren", "token=" + requestToken);
  EXPECT_EQ(forged.status, 403);
  EXPECT_NE(forged.body.find("data-code=\"CSRF_TOKEN_INVALID\""), std::string::npos);
  EXPECT_NE(forged.body.find("href=\"/kennisbank/CSRF_TOKEN_INVALID\""), std::string::npos);
  auto wrong = exchange(base, "POST", "/activeren", "csrf=x&token=" + requestToken, jar);
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(a.mails().size(), mailsBefore);

  // Two links: the first is superseded (ACCESS_LINK_EXPIRED, AC2) by asking again.
  auto sent = exchange(base, "POST", "/activeren", "csrf=" + csrf + "&token=" + requestToken, jar);
  EXPECT_EQ(sent.status, 202) << sent.body;
  ASSERT_EQ(a.mails().size(), mailsBefore + 1);
  const std::string first = a.mails().back()->getObject("variables")->getValue<std::string>("link");
  EXPECT_EQ(first.rfind("https://berichten.example.nl/activeren/start?token=", 0), 0u) << first;
  const std::string oldToken = first.substr(first.find("token=") + 6);
  const std::string newToken = a.requestAccessToken(requestToken);

  // Opening the access link (GET) uses nothing up: a mail scanner may open it.
  for (int i = 0; i < 2; ++i) {
    auto open = exchange(base, "GET", "/activeren/start?token=" + newToken, "", jar);
    EXPECT_EQ(open.status, 200);
    EXPECT_TRUE(open.cookies.empty());  // the browser's CSRF cookie is kept
  }

  auto expired =
      exchange(base, "POST", "/activeren/start", "csrf=" + csrf + "&token=" + oldToken, jar);
  EXPECT_EQ(expired.status, 410);
  EXPECT_NE(expired.body.find("Deze link werkt niet meer"), std::string::npos) << expired.body;
  EXPECT_NE(expired.body.find("geldigheidsduur van 24 uur"), std::string::npos);
  EXPECT_NE(expired.body.find("href=\"/kennisbank/ACCESS_LINK_EXPIRED\""), std::string::npos);
  EXPECT_NE(expired.body.find("<html lang=\"nl\">"), std::string::npos);
  EXPECT_EQ(expired.body.find("<script"), std::string::npos);

  // The forged start does nothing either: the link still works afterwards.
  EXPECT_EQ(exchange(base, "POST", "/activeren/start", "token=" + newToken).status, 403);
  auto begun =
      exchange(base, "POST", "/activeren/start", "csrf=" + csrf + "&token=" + newToken, jar);
  ASSERT_EQ(begun.status, 303) << begun.body;
  EXPECT_EQ(begun.location, "/activeren/verder");
  const std::string activation = cookieNamed(begun, "berichtd_activation");
  ASSERT_FALSE(activation.empty());
  for (const char* attr : {"; Path=/activeren", "; HttpOnly", "; SameSite=Strict", "; Secure"})
    EXPECT_NE(activation.find(attr), std::string::npos) << attr << " in " << activation;
  const std::string session = activation.substr(0, activation.find(';'));
  auto next = exchange(base, "GET", "/activeren/verder", "", jar + "; " + session);
  EXPECT_EQ(next.status, 303);
  EXPECT_EQ(next.location, "/activeren/wachtwoord");
  auto passwordPage = exchange(base, "GET", "/activeren/wachtwoord", "", jar + "; " + session);
  EXPECT_EQ(passwordPage.status, 200);
  EXPECT_NE(passwordPage.body.find("<label for=\"password\">"), std::string::npos);

  auto used =
      exchange(base, "POST", "/activeren/start", "csrf=" + csrf + "&token=" + newToken, jar);
  EXPECT_EQ(used.status, 410);
  EXPECT_NE(used.body.find("Deze link is al gebruikt"), std::string::npos) << used.body;
  EXPECT_NE(used.body.find("href=\"/kennisbank/ACCESS_LINK_USED\""), std::string::npos);

  // A step page without the activation cookie: the session is gone, said in Dutch.
  auto noSession = exchange(base, "GET", "/activeren/wachtwoord");
  EXPECT_EQ(noSession.status, 401);
  EXPECT_NE(noSession.body.find("ACTIVATION_TOKEN_INVALID"), std::string::npos);
  // The JSON API still answers as before.
  Poco::JSON::Object b;
  b.set("access_token", newToken);
  auto api = a.post("/api/v1/activation/begin", b);
  EXPECT_EQ(api.status, 410);
  EXPECT_EQ(errorCode(api), "ACCESS_LINK_USED");

  const std::string log = a.daemon->output();
  for (const std::string& s : {requestToken, oldToken, newToken, csrf})
    EXPECT_EQ(log.find(s), std::string::npos) << s;
}

// The way back from the provider over plain HTTP: without the Strict cookies (a cross-site
// redirect) the page loads itself once more, then gives up in Dutch; with them it shows the
// payment still pending (reloading itself) and, once the provider says canceled, failed with a
// way back to the mandate step. Nothing of that activates the account (AC3).
TEST(ActivationPages, TheResultPageShowsPendingThenFailed) {
  FakeMollie fake({"--api-key", kMollieKey});
  ASSERT_GT(fake.port(), 0);
  AuthDaemon a(
      10, true, false, false, "",
      {{"billing-mollie", "{api_url: \"" + fake.url() + "\", api_key: {file: mollie.key}}"}},
      "messages: {master_key: {file: messages.key}}\n"
      "billing: {supplier_name: ZilliZ B.V., supplier_address: \"Kade 1\", "
      "supplier_kvk: \"12345678\", supplier_vat_number: NL001234567B01}\n");
  a.dir.write("messages.key", "m1:" + std::string(64, 'e') + "\n");
  a.dir.write("mollie.key", kMollieKey + "\n");
  ASSERT_TRUE(a.daemon->start()) << a.daemon->output();
  const std::string base = a.daemon->url();
  Enrolled user = activate(a, "praktijk@example.nl", "22222222");
  const std::string session = "berichtd_activation=" + user.activationToken;

  auto form = exchange(base, "GET", "/activeren/machtiging", "", session);
  ASSERT_EQ(form.status, 200) << form.body;
  for (const char* label :
       {"<label for=\"iban\">", "<label for=\"account_holder\">", "<label for=\"consent\">"})
    EXPECT_NE(form.body.find(label), std::string::npos) << label;
  const std::string csrfCookie = cookieNamed(form, "berichtd_csrf");
  ASSERT_FALSE(csrfCookie.empty());
  const std::string csrf = csrfCookie.substr(14, csrfCookie.find(';') - 14);
  const std::string jar = session + "; berichtd_csrf=" + csrf;

  // AC3: the recovery codes are shown once. Back at the linked authenticator, neither a GET (no
  // new secret) nor a second confirmation shows them again.
  auto enrolAgain = exchange(base, "GET", "/activeren/authenticator", "", session);
  EXPECT_EQ(enrolAgain.status, 303) << enrolAgain.body;
  EXPECT_EQ(enrolAgain.location, "/activeren/verder");
  auto confirmAgain =
      exchange(base, "POST", "/activeren/authenticator", "csrf=" + csrf + "&code=123456", jar);
  EXPECT_NE(confirmAgain.status, 200);
  EXPECT_EQ(confirmAgain.body.find("id=\"herstelcodes\""), std::string::npos) << confirmAgain.body;

  auto mandate = exchange(base, "POST", "/activeren/machtiging",
                          "csrf=" + csrf + "&iban=NL91+ABNA+0417+1643+00&account_holder=" +
                              "Huisartsenpraktijk+Bakker&consent=ja",
                          jar);
  ASSERT_EQ(mandate.status, 303) << mandate.body;
  EXPECT_EQ(mandate.location.rfind(fake.url() + "/checkout/", 0), 0u) << mandate.location;
  const std::string paymentCookie = cookieNamed(mandate, "berichtd_payment");
  ASSERT_FALSE(paymentCookie.empty());
  const std::string payment = paymentCookie.substr(0, paymentCookie.find(';'));
  const std::string paymentId = payment.substr(payment.find('=') + 1);

  // Cross-site return: no cookies. The page reloads itself (same-site now), then gives up.
  auto bounce = exchange(base, "GET", "/activeren/betaald");
  EXPECT_EQ(bounce.status, 200);
  EXPECT_NE(bounce.body.find("<meta http-equiv=\"refresh\" content=\"0;url=/activeren/betaald?"
                             "terug=1\">"),
            std::string::npos)
      << bounce.body;
  auto gone = exchange(base, "GET", "/activeren/betaald?terug=1");
  EXPECT_EQ(gone.status, 401);
  EXPECT_NE(gone.body.find("href=\"/kennisbank/ACTIVATION_TOKEN_INVALID\""), std::string::npos);

  auto pending = exchange(base, "GET", "/activeren/betaald", "", jar + "; " + payment);
  EXPECT_EQ(pending.status, 200);
  EXPECT_NE(pending.body.find("data-outcome=\"pending\""), std::string::npos) << pending.body;
  EXPECT_NE(pending.body.find("http-equiv=\"refresh\""), std::string::npos);

  fake.control("payments/" + paymentId, R"({"status":"canceled"})");
  auto hook = httpRequest(base, "POST", "/api/v1/webhooks/mollie", "id=" + paymentId,
                          {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(hook.status, 200) << hook.body;
  auto failed = exchange(base, "GET", "/activeren/betaald", "", jar + "; " + payment);
  EXPECT_EQ(failed.status, 402);
  EXPECT_NE(failed.body.find("data-outcome=\"failed\""), std::string::npos) << failed.body;
  EXPECT_NE(failed.body.find("href=\"/activeren/machtiging\""), std::string::npos);
  EXPECT_EQ(failed.body.find("http-equiv"), std::string::npos);
  EXPECT_EQ(a.count("SELECT COUNT(*) FROM accounts WHERE state = 'active'"), 0);
  EXPECT_EQ(a.daemon->output().find("NL91ABNA0417164300"), std::string::npos);
}

}  // namespace
}  // namespace berichtd::testing
