// Message: the envelope that travels on the bus (service, action, correlation id, headers,
// body bytes), and its conversion to and from the C ABI's borrowed view.
//
// Value type; the body is opaque bytes (usually JSON). A Message owns its data; the ABI view
// made by EnvelopeView borrows from a Message and must not outlive it.
#pragma once

#include <berichtd/abi.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berichtd {

struct Message {
  std::string service;
  std::string action;
  std::string correlationId;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The value of the first header with this name, or an empty string.
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return {};
  }
  void setHeader(std::string name, std::string value) {
    for (auto& [k, v] : headers) {
      if (k == name) {
        v = std::move(value);
        return;
      }
    }
    headers.emplace_back(std::move(name), std::move(value));
  }
};

// The reply to a request: same service, action and correlation id, with this body.
inline Message replyTo(const Message& request, std::string body = {}) {
  Message reply;
  reply.service = request.service;
  reply.action = request.action;
  reply.correlationId = request.correlationId;
  reply.body = std::move(body);
  return reply;
}

inline berichtd_bytes toBytes(std::string_view s) { return berichtd_bytes{s.data(), s.size()}; }
inline std::string toString(berichtd_bytes b) {
  return b.data == nullptr ? std::string() : std::string(b.data, b.size);
}

// A borrowed C view of a Message, for passing across the ABI.
class EnvelopeView {
 public:
  explicit EnvelopeView(const Message& m) {
    headers_.reserve(m.headers.size());
    for (const auto& [k, v] : m.headers) headers_.push_back({toBytes(k), toBytes(v)});
    env_.struct_size = sizeof(berichtd_envelope);
    env_.service = toBytes(m.service);
    env_.action = toBytes(m.action);
    env_.correlation_id = toBytes(m.correlationId);
    env_.headers = headers_.data();
    env_.header_count = headers_.size();
    env_.body = toBytes(m.body);
  }
  EnvelopeView(const EnvelopeView&) = delete;
  EnvelopeView& operator=(const EnvelopeView&) = delete;
  const berichtd_envelope* get() const { return &env_; }

 private:
  std::vector<berichtd_header> headers_;
  berichtd_envelope env_{};
};

// Copies a C envelope into an owned Message. Fields beyond struct_size are not read.
inline Message fromEnvelope(const berichtd_envelope* e) {
  Message m;
  if (e == nullptr) return m;
  m.service = toString(e->service);
  m.action = toString(e->action);
  m.correlationId = toString(e->correlation_id);
  for (size_t i = 0; i < e->header_count && e->headers != nullptr; ++i) {
    m.headers.emplace_back(toString(e->headers[i].name), toString(e->headers[i].value));
  }
  m.body = toString(e->body);
  return m;
}

}  // namespace berichtd
