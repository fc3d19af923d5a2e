// Test helper: a webhook receiver on loopback (Poco::Net::HTTPServer) that answers 500 to its
// first `failures` requests and 200 afterwards, and keeps what the last request carried, so a
// test sees the fake's retries and can hand the received body to parse_notification.
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <atomic>
#include <mutex>
#include <sstream>
#include <string>

namespace berichtd::mollie::testing {

class FlakyEndpoint {
 public:
  explicit FlakyEndpoint(int failures)
      : state_(std::make_shared<State>()),
        socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
        server_(new Factory(state_), socket_, new Poco::Net::HTTPServerParams) {
    state_->failures = failures;
    server_.start();
  }
  ~FlakyEndpoint() { server_.stopAll(true); }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/webhook";
  }
  int requests() const { return state_->requests.load(); }
  std::string lastContentType() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->contentType;
  }
  std::string lastBody() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->body;
  }

 private:
  struct State {
    int failures = 0;
    std::atomic<int> requests{0};
    std::mutex mutex;
    std::string contentType, body;
  };
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(std::shared_ptr<State> s) : s_(std::move(s)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req,
                       Poco::Net::HTTPServerResponse& res) override {
      std::ostringstream body;
      Poco::StreamCopier::copyStream(req.stream(), body);
      {
        std::lock_guard<std::mutex> lock(s_->mutex);
        s_->contentType = req.getContentType();
        s_->body = body.str();
      }
      const int n = ++s_->requests;
      res.setStatus(n <= s_->failures ? Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR
                                      : Poco::Net::HTTPResponse::HTTP_OK);
      res.setContentLength(0);
      res.send();
    }

   private:
    std::shared_ptr<State> s_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(std::shared_ptr<State> s) : s_(std::move(s)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(s_);
    }

   private:
    std::shared_ptr<State> s_;
  };

  std::shared_ptr<State> state_;
  Poco::Net::ServerSocket socket_;
  Poco::Net::HTTPServer server_;
};

}  // namespace berichtd::mollie::testing
