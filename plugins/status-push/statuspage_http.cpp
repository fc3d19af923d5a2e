#include "statuspage_http.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <memory>
#include <sstream>

namespace berichtd::statuspage {

Result<StatuspageHttp> StatuspageHttp::create(HttpSettings s) {
  try {
    Poco::URI uri(s.apiUrl);
    const bool https = uri.getScheme() == "https";
    if ((!https && uri.getScheme() != "http") || uri.getHost().empty() ||
        (!uri.getPath().empty() && uri.getPath() != "/") || !uri.getRawQuery().empty()) {
      return Status::error("CONFIG_INVALID",
                           "plugin setting 'api_url' must be http(s)://host[:port]");
    }
    if (s.timeout.count() <= 0)
      return Status::error("CONFIG_INVALID", "plugin setting 'timeout_ms' must be positive");
    std::string host = uri.getHost();
    const unsigned short port = uri.getPort();
    return StatuspageHttp(std::move(s), https, std::move(host), port);
  } catch (const Poco::Exception&) {
    return Status::error("CONFIG_INVALID", "plugin setting 'api_url' is not a URL");
  }
}

Result<HttpAnswer> StatuspageHttp::request(const std::string& method, const std::string& path,
                                           const std::string& jsonBody) const {
  try {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (https_) {
      Poco::Net::Context::Ptr ctx =
          new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", s_.caFile,
                                 Poco::Net::Context::VERIFY_STRICT, 9, s_.caFile.empty());
      session = std::make_unique<Poco::Net::HTTPSClientSession>(host_, port_, ctx);
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
    }
    const Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(s_.timeout.count()) * 1000);
    session->setTimeout(timeout, timeout, timeout);
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "OAuth " + s_.apiKey);
    req.set("Accept", "application/json");
    req.set("User-Agent", "berichtd-status-push/1.0");
    if (method != Poco::Net::HTTPRequest::HTTP_GET) {
      req.setContentType("application/json");
      req.setContentLength(static_cast<std::streamsize>(jsonBody.size()));
      session->sendRequest(req) << jsonBody;
    } else {
      session->sendRequest(req);
    }
    Poco::Net::HTTPResponse res;
    std::istream& in = session->receiveResponse(res);
    HttpAnswer a;
    a.status = static_cast<int>(res.getStatus());
    std::ostringstream body;
    Poco::StreamCopier::copyStream(in, body);
    a.body = body.str();
    return a;
  } catch (const Poco::TimeoutException&) {
    return Status::error("PROVIDER_UNAVAILABLE",
                         "Statuspage at " + host_ + " did not answer in time");
  } catch (const Poco::Exception& e) {
    // e.name() only: displayText() may quote a certificate subject or a URL, never needed here.
    return Status::error("PROVIDER_UNAVAILABLE",
                         "Statuspage at " + host_ + " cannot be reached (" + e.name() + ")");
  } catch (const std::exception&) {
    return Status::error("PROVIDER_UNAVAILABLE", "Statuspage at " + host_ + " cannot be reached");
  }
}

}  // namespace berichtd::statuspage
