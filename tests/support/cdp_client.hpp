// Test helper: headless Chromium (Debian's /usr/bin/chromium) driven over the Chrome DevTools
// Protocol, so a test can use a web page the way a user does — open it, fill inputs, press
// buttons, read the text — and keep screenshots. The pages under test need no JavaScript;
// only the test reaches into the page (Runtime.evaluate) or types into it (pressKey, typeText).
//
// Contract
// - Chromium: starts chromium --headless --remote-debugging-port=0 with its own profile
//   folder (stderr to <profile>/chromium.log, where "DevTools listening on ws://…" names the
//   port) in a process group of its own; the destructor ends that group. ok() is false (and
//   log() tells why) when it did not come up within 30 s.
// - CdpPage: one WebSocket to the first page target. call() sends a command and returns its
//   `result`, or throws std::runtime_error with the protocol's error; events that arrive
//   meanwhile are queued for waitEvent(). Not thread-safe: one test thread.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/WebSocket.h>
#include <sys/types.h>

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace berichtd::testing {

class Chromium {
 public:
  explicit Chromium(const std::string& profileDir, const std::vector<std::string>& extraArgs = {});
  ~Chromium();
  Chromium(const Chromium&) = delete;
  Chromium& operator=(const Chromium&) = delete;

  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  std::string log() const;
  // The WebSocket URL of the first page target (/json/list); empty when none.
  std::string pageUrl() const;

 private:
  std::string profile_;
  pid_t pid_ = 0;
  int port_ = 0;
};

class CdpPage {
 public:
  explicit CdpPage(const std::string& webSocketUrl);

  Poco::JSON::Object::Ptr call(const std::string& method,
                               const Poco::JSON::Object& params = Poco::JSON::Object(),
                               std::chrono::seconds limit = std::chrono::seconds(30));
  // The next event of that method (queued or arriving within the limit); null on timeout.
  Poco::JSON::Object::Ptr waitEvent(const std::string& method,
                                    std::chrono::seconds limit = std::chrono::seconds(30));
  void clearEvents() { events_.clear(); }

  // Emulation.setDeviceMetricsOverride as a phone (mobile: the page's viewport <meta> applies).
  // Headless Chromium keeps a window at least 500 px wide whatever --window-size says, so a
  // phone's width needs this.
  void emulatePhone(int width, int height);

  // Page.navigate and wait for the load event. False on timeout.
  bool navigate(const std::string& url);
  // Runtime.evaluate with the value returned as text (JSON.stringify for non-strings).
  std::string evaluate(const std::string& expression);
  // Runs the expression (e.g. a button's click()) and waits for the page it leads to.
  bool actAndWaitForLoad(const std::string& expression);
  std::string text() { return evaluate("document.body.innerText"); }
  std::string html() { return evaluate("document.documentElement.outerHTML"); }
  std::string url() { return evaluate("location.href"); }
  // Keyboard input as a user gives it (Input.dispatchKeyEvent, a key down and up, like
  // Puppeteer's keyboard.press), for tests that must not reach into the page: the browser
  // itself moves focus on Tab, activates a focused button on Enter or Space, toggles a focused
  // checkbox on Space and submits a form on Enter. pressKey takes "Tab", "Shift+Tab", "Enter"
  // or " " (Space); anything else throws std::invalid_argument.
  void pressKey(const std::string& key);
  // pressKey, then waits for the page it leads to (a form's submission). False on timeout.
  bool pressKeyAndWaitForLoad(const std::string& key);
  // Types into the focused element one key at a time: each printable ASCII character is a key
  // down with its text and a key up (so keydown/keypress/input fire as for real typing); other
  // characters (UTF-8) go in as Input.insertText, as an input method would give them.
  void typeText(const std::string& text);
  // Page.captureScreenshot (PNG) written to path. False when it could not be taken.
  bool screenshot(const std::string& path);

 private:
  Poco::JSON::Object::Ptr receive(std::chrono::steady_clock::time_point until);

  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  std::unique_ptr<Poco::Net::WebSocket> ws_;
  int nextId_ = 1;
  std::deque<Poco::JSON::Object::Ptr> events_;
};

}  // namespace berichtd::testing
