// A blocking HTTP client for the http tests: one request per call on a fresh connection
// unless a session is passed in.
#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <map>
#include <sstream>
#include <string>

namespace berichtd::http::testing {

struct Answer {
  int status = 0;  // 0: no answer (see failure)
  std::string failure;
  std::string body;
  std::string contentType;
  std::map<std::string, std::string> headers;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct Call {
  std::string method = "GET";
  std::string path = "/";
  std::string body;
  std::map<std::string, std::string> headers;
  bool chunked = false;
  bool sendBody = true;          // false: announce Content-Length but send nothing
  long long contentLength = -1;  // >= 0: this Content-Length instead of body.size()
};

inline Answer call(Poco::Net::HTTPClientSession& session, const Call& c) {
  Answer a;
  try {
    Poco::Net::HTTPRequest req(c.method, c.path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [k, v] : c.headers) req.set(k, v);
    if (c.chunked) {
      req.setChunkedTransferEncoding(true);
    } else if (c.contentLength >= 0) {
      req.setContentLength64(c.contentLength);
    } else if (!c.body.empty() || c.method == "POST" || c.method == "PUT") {
      req.setContentLength64(static_cast<Poco::Int64>(c.body.size()));
    }
    std::ostream& out = session.sendRequest(req);
    if (c.sendBody) out << c.body;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    std::ostringstream body;
    Poco::StreamCopier::copyStream(in, body);
    a.status = res.getStatus();
    a.contentType = res.getContentType();
    a.body = body.str();
    for (const auto& [k, v] : res) a.headers[k] = v;
  } catch (const Poco::Exception& e) {
    a.failure = e.className() + std::string(": ") + e.displayText();
  }
  return a;
}

inline Answer call(uint16_t port, const Call& c) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(10, 0));
  return call(session, c);
}

inline Answer get(uint16_t port, const std::string& path) {
  Call c;
  c.path = path;
  return call(port, c);
}

}  // namespace berichtd::http::testing
