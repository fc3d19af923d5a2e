#include "cdp_client.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Buffer.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace berichtd::testing {

namespace {

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string stringify(const Poco::JSON::Object& o) {
  std::ostringstream s;
  o.stringify(s);
  return s.str();
}

}  // namespace

Chromium::Chromium(const std::string& profileDir, const std::vector<std::string>& extraArgs)
    : profile_(profileDir) {
  std::filesystem::create_directories(profile_);
  std::vector<std::string> argv{"/usr/bin/chromium",
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--no-first-run",
                                "--disable-extensions",
                                "--remote-debugging-port=0",
                                "--remote-debugging-address=127.0.0.1",
                                "--user-data-dir=" + profile_,
                                "--window-size=412,915"};  // a phone screen
  argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
  argv.push_back("about:blank");
  const std::string logPath = profile_ + "/chromium.log";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group: the destructor ends all its processes
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  if (posix_spawn(&pid_, argv[0].c_str(), &fa, &attr, cargv.data(), environ) != 0) pid_ = 0;
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (pid_ == 0) return;
  const std::string marker = "DevTools listening on ws://127.0.0.1:";
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    const std::string log = readAll(logPath);
    const auto at = log.find(marker);
    if (at != std::string::npos && log.find('/', at + marker.size()) != std::string::npos) {
      port_ = std::stoi(log.substr(at + marker.size()));
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Chromium::~Chromium() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGTERM);
  int st = 0;
  for (int i = 0; i < 50; ++i) {
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      ::kill(-pid_, SIGKILL);  // helpers that outlived the browser process
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(-pid_, SIGKILL);
  ::waitpid(pid_, &st, 0);
}

std::string Chromium::log() const { return readAll(profile_ + "/chromium.log"); }

std::string Chromium::pageUrl() const {
  for (int attempt = 0; attempt < 50; ++attempt) {
    try {
      Poco::Net::HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port_));
      Poco::Net::HTTPRequest req("GET", "/json/list", Poco::Net::HTTPMessage::HTTP_1_1);
      s.sendRequest(req);
      Poco::Net::HTTPResponse res;
      std::ostringstream body;
      Poco::StreamCopier::copyStream(s.receiveResponse(res), body);
      auto targets = Poco::JSON::Parser().parse(body.str()).extract<Poco::JSON::Array::Ptr>();
      for (std::size_t i = 0; i < targets->size(); ++i) {
        auto t = targets->getObject(static_cast<unsigned>(i));
        if (t->optValue<std::string>("type", "") == "page")
          return t->getValue<std::string>("webSocketDebuggerUrl");
      }
    } catch (const Poco::Exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "";
}

CdpPage::CdpPage(const std::string& webSocketUrl) {
  Poco::URI uri(webSocketUrl);
  session_ = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
  Poco::Net::HTTPRequest req("GET", uri.getPathAndQuery(), Poco::Net::HTTPMessage::HTTP_1_1);
  Poco::Net::HTTPResponse res;
  ws_ = std::make_unique<Poco::Net::WebSocket>(*session_, req, res);
  ws_->setMaxPayloadSize(256 * 1024 * 1024);  // screenshots are large
  ws_->setReceiveTimeout(Poco::Timespan(1, 0));
}

Poco::JSON::Object::Ptr CdpPage::receive(std::chrono::steady_clock::time_point until) {
  while (std::chrono::steady_clock::now() < until) {
    Poco::Buffer<char> buf(0);
    int flags = 0;
    int n = 0;
    try {
      n = ws_->receiveFrame(buf, flags);
    } catch (const Poco::TimeoutException&) {
      continue;
    }
    if (n <= 0 &&
        (flags & Poco::Net::WebSocket::FRAME_OP_BITMASK) == Poco::Net::WebSocket::FRAME_OP_CLOSE)
      throw std::runtime_error("DevTools closed the connection");
    if ((flags & Poco::Net::WebSocket::FRAME_OP_BITMASK) != Poco::Net::WebSocket::FRAME_OP_TEXT)
      continue;
    return Poco::JSON::Parser()
        .parse(std::string(buf.begin(), buf.size()))
        .extract<Poco::JSON::Object::Ptr>();
  }
  return nullptr;
}

Poco::JSON::Object::Ptr CdpPage::call(const std::string& method, const Poco::JSON::Object& params,
                                      std::chrono::seconds limit) {
  const int id = nextId_++;
  Poco::JSON::Object msg;
  msg.set("id", id);
  msg.set("method", method);
  msg.set("params", params);
  const std::string text = stringify(msg);
  ws_->sendFrame(text.data(), static_cast<int>(text.size()), Poco::Net::WebSocket::FRAME_TEXT);
  const auto until = std::chrono::steady_clock::now() + limit;
  while (auto m = receive(until)) {
    if (!m->has("id")) {
      events_.push_back(m);
      continue;
    }
    if (m->getValue<int>("id") != id) continue;
    if (auto error = m->getObject("error"))
      throw std::runtime_error(method + ": " + stringify(*error));
    auto result = m->getObject("result");
    return result ? result : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
  }
  throw std::runtime_error(method + ": no answer in time");
}

Poco::JSON::Object::Ptr CdpPage::waitEvent(const std::string& method, std::chrono::seconds limit) {
  for (auto it = events_.begin(); it != events_.end(); ++it) {
    if ((*it)->optValue<std::string>("method", "") == method) {
      auto e = *it;
      events_.erase(events_.begin(), it + 1);
      return e;
    }
  }
  events_.clear();
  const auto until = std::chrono::steady_clock::now() + limit;
  while (auto m = receive(until)) {
    if (m->optValue<std::string>("method", "") == method) return m;
  }
  return nullptr;
}

void CdpPage::emulatePhone(int width, int height) {
  Poco::JSON::Object p;
  p.set("width", width);
  p.set("height", height);
  p.set("deviceScaleFactor", 1);
  p.set("mobile", true);
  call("Emulation.setDeviceMetricsOverride", p);
}

bool CdpPage::navigate(const std::string& url) {
  call("Page.enable");
  clearEvents();
  Poco::JSON::Object p;
  p.set("url", url);
  call("Page.navigate", p);
  return waitEvent("Page.loadEventFired") != nullptr;
}

std::string CdpPage::evaluate(const std::string& expression) {
  Poco::JSON::Object p;
  p.set("expression", "(() => { const v = (" + expression +
                          "); return typeof v === 'string' ? v : JSON.stringify(v); })()");
  p.set("returnByValue", true);
  auto r = call("Runtime.evaluate", p);
  if (r->has("exceptionDetails"))
    throw std::runtime_error("evaluate: " + stringify(*r->getObject("exceptionDetails")));
  auto value = r->getObject("result");
  return value && value->has("value") && value->get("value").isString()
             ? value->getValue<std::string>("value")
             : "";
}

bool CdpPage::actAndWaitForLoad(const std::string& expression) {
  call("Page.enable");
  clearEvents();
  evaluate("(" + expression + ", 'ok')");
  return waitEvent("Page.loadEventFired") != nullptr;
}

namespace {

// One key: the DOM `key` and `code`, the Windows virtual key code Blink uses to decide what a
// key does (9 moves focus, 13 and 32 activate), and the text a character key inserts ("\r"
// for Enter: that is what makes Blink send the keypress that submits a form).
struct KeySpec {
  std::string key;
  std::string code;
  int virtualKey = 0;
  std::string text;
  int modifiers = 0;  // CDP bit field: 8 is Shift
};

KeySpec keySpec(const std::string& key) {
  if (key == "Tab") return {"Tab", "Tab", 9, "", 0};
  if (key == "Shift+Tab") return {"Tab", "Tab", 9, "", 8};
  if (key == "Enter") return {"Enter", "Enter", 13, "\r", 0};
  if (key == " ") return {" ", "Space", 32, " ", 0};
  throw std::invalid_argument("pressKey: no such key in this helper: " + key);
}

}  // namespace

void CdpPage::pressKey(const std::string& key) {
  const KeySpec k = keySpec(key);
  Poco::JSON::Object down;
  // A key without text is a "rawKeyDown" (no keypress follows), as Chromium's own input does.
  down.set("type", k.text.empty() ? "rawKeyDown" : "keyDown");
  down.set("key", k.key);
  down.set("code", k.code);
  down.set("windowsVirtualKeyCode", k.virtualKey);
  down.set("nativeVirtualKeyCode", k.virtualKey);
  down.set("modifiers", k.modifiers);
  if (!k.text.empty()) {
    down.set("text", k.text);
    down.set("unmodifiedText", k.text);
  }
  call("Input.dispatchKeyEvent", down);
  Poco::JSON::Object up;
  up.set("type", "keyUp");
  up.set("key", k.key);
  up.set("code", k.code);
  up.set("windowsVirtualKeyCode", k.virtualKey);
  up.set("nativeVirtualKeyCode", k.virtualKey);
  up.set("modifiers", k.modifiers);
  call("Input.dispatchKeyEvent", up);
}

bool CdpPage::pressKeyAndWaitForLoad(const std::string& key) {
  call("Page.enable");
  clearEvents();
  pressKey(key);
  return waitEvent("Page.loadEventFired") != nullptr;
}

void CdpPage::typeText(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      const std::string ch(1, static_cast<char>(c));
      Poco::JSON::Object down;
      down.set("type", "keyDown");
      down.set("key", ch);
      down.set("text", ch);
      down.set("unmodifiedText", ch);
      call("Input.dispatchKeyEvent", down);
      Poco::JSON::Object up;
      up.set("type", "keyUp");
      up.set("key", ch);
      call("Input.dispatchKeyEvent", up);
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) < 0x20 ||
                                 static_cast<unsigned char>(text[end]) >= 0x7f))
      ++end;
    Poco::JSON::Object p;
    p.set("text", text.substr(i, end - i));
    call("Input.insertText", p);
    i = end;
  }
}

bool CdpPage::screenshot(const std::string& path) {
  Poco::JSON::Object p;
  p.set("format", "png");
  p.set("captureBeyondViewport", true);
  auto r = call("Page.captureScreenshot", p);
  if (!r->has("data")) return false;
  std::istringstream in(r->getValue<std::string>("data"));
  Poco::Base64Decoder dec(in);
  std::ofstream out(path, std::ios::binary);
  Poco::StreamCopier::copyStream(dec, out);
  return static_cast<bool>(out);
}

}  // namespace berichtd::testing
