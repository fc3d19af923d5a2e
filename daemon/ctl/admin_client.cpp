#include "ctl/admin_client.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <sstream>

namespace berichtd::ctl {

AdminClient::AdminClient(std::string baseUrl, std::string token, std::chrono::milliseconds timeout)
    : baseUrl_(std::move(baseUrl)), token_(std::move(token)), timeout_(timeout) {}

std::string AdminClient::checkUrl() const {
  try {
    const Poco::URI uri(baseUrl_);
    if (uri.getScheme() != "http")
      return "the admin URL must start with http:// (got " + baseUrl_ + ")";
    if (uri.getHost().empty()) return "the admin URL has no host: " + baseUrl_;
    return {};
  } catch (const Poco::Exception& e) {
    return "the admin URL is not a URL: " + baseUrl_;
  }
}

AdminAnswer AdminClient::request(const std::string& method, const std::string& path,
                                 const std::string& jsonBody) const {
  AdminAnswer answer;
  try {
    const Poco::URI uri(baseUrl_);
    std::string prefix = uri.getPath();
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(
        Poco::Timespan(std::chrono::duration_cast<std::chrono::microseconds>(timeout_).count()));
    Poco::Net::HTTPRequest req(method, prefix + path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Accept", "application/json");
    if (!token_.empty()) req.set("Authorization", "Bearer " + token_);
    if (!jsonBody.empty() || method == "PUT" || method == "POST") {
      req.setContentType("application/json; charset=utf-8");
      req.setContentLength(static_cast<std::streamsize>(jsonBody.size()));
    }
    session.sendRequest(req) << jsonBody;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    std::ostringstream body;
    Poco::StreamCopier::copyStream(in, body);
    answer.status = res.getStatus();
    answer.contentType = res.getContentType();
    answer.body = body.str();
  } catch (const Poco::Net::ConnectionRefusedException&) {
    answer.failure = "connection refused";
  } catch (const Poco::TimeoutException&) {
    answer.failure = "no answer within " + std::to_string(timeout_.count() / 1000) + " s";
  } catch (const Poco::Exception& e) {
    answer.failure = e.displayText();
  } catch (const std::exception& e) {
    answer.failure = e.what();
  }
  return answer;
}

}  // namespace berichtd::ctl
