#include "bus/protocol.hpp"

#include <cstring>

namespace berichtd::bus {
namespace {

Status malformed(std::string reason) {
  return Status::error(std::string(kMalformedFrame), std::move(reason));
}

void putU32(std::string& out, std::uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
               static_cast<char>(v)};
  out.append(b, 4);
}

std::uint64_t readBigEndian(const zmq::message_t& f) {
  const auto* p = static_cast<const unsigned char*>(f.data());
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < f.size(); ++i) v = (v << 8) | p[i];
  return v;
}

zmq::message_t textFrame(std::string_view s) { return zmq::message_t(s.data(), s.size()); }

std::string frameText(const zmq::message_t& f) {
  return std::string(static_cast<const char*>(f.data()), f.size());
}

void encodeEnvelope(const Message& m, Frames& out) {
  out.push_back(textFrame(m.service));
  out.push_back(textFrame(m.action));
  out.push_back(textFrame(m.correlationId));
  if (m.headers.empty()) {
    out.emplace_back();
  } else {
    out.push_back(textFrame(encodeHeaders(m.headers)));
  }
  out.push_back(textFrame(m.body));
}

Status checkHeaders(std::string_view frame) {
  while (!frame.empty()) {
    for (int part = 0; part < 2; ++part) {
      if (frame.size() < 4) return malformed("truncated headers frame");
      const auto* p = reinterpret_cast<const unsigned char*>(frame.data());
      const std::size_t len =
          (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) | (std::size_t{p[2]} << 8) | p[3];
      frame.remove_prefix(4);
      if (len > frame.size()) return malformed("truncated headers frame");
      frame.remove_prefix(len);
    }
  }
  return Status::ok();
}

Status decodeEnvelope(const Frames& frames, std::size_t at, std::size_t maxMessageBytes, Message& m,
                      bool routingOnly) {
  std::size_t total = 0;
  for (std::size_t i = at; i < at + kEnvelopeFrames; ++i) total += frames[i].size();
  if (total > maxMessageBytes) {
    return Status::error(std::string(kMessageTooLarge), "envelope of " + std::to_string(total) +
                                                            " bytes exceeds " +
                                                            std::to_string(maxMessageBytes));
  }
  if (routingOnly) {
    if (Status s = checkHeaders(frames[at + 3].to_string_view()); !s) return s;
    m.service = frameText(frames[at]);
    return Status::ok();
  }
  auto headers = decodeHeaders(frames[at + 3].to_string_view());
  if (!headers) return headers.status();
  m.service = frameText(frames[at]);
  m.action = frameText(frames[at + 1]);
  m.correlationId = frameText(frames[at + 2]);
  m.headers = std::move(headers).value();
  m.body = frameText(frames[at + 4]);
  return Status::ok();
}

std::size_t expectedFields(Command c) {
  switch (c) {
    case Command::kReady:
      return 1;
    case Command::kRequest:
      return 2 + kEnvelopeFrames;
    case Command::kReply:
      return 3 + kEnvelopeFrames;
    case Command::kEvent:
      return kEnvelopeFrames;
    case Command::kHeartbeat:
    case Command::kDisconnect:
      return 0;
  }
  return 0;
}

}  // namespace

std::string encodeHeaders(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out;
  std::size_t size = 0;
  for (const auto& [k, v] : headers) size += 8 + k.size() + v.size();
  out.reserve(size);
  for (const auto& [k, v] : headers) {
    putU32(out, static_cast<std::uint32_t>(k.size()));
    out += k;
    putU32(out, static_cast<std::uint32_t>(v.size()));
    out += v;
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> decodeHeaders(std::string_view frame) {
  std::vector<std::pair<std::string, std::string>> headers;
  auto take = [&frame](std::string& out) -> bool {
    if (frame.size() < 4) return false;
    const auto* p = reinterpret_cast<const unsigned char*>(frame.data());
    std::size_t len =
        (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) | (std::size_t{p[2]} << 8) | p[3];
    frame.remove_prefix(4);
    if (len > frame.size()) return false;
    out.assign(frame.data(), len);
    frame.remove_prefix(len);
    return true;
  };
  while (!frame.empty()) {
    std::string name;
    std::string value;
    if (!take(name) || !take(value)) return malformed("truncated headers frame");
    headers.emplace_back(std::move(name), std::move(value));
  }
  return headers;
}

std::size_t envelopeSize(const Message& m) {
  std::size_t size = m.service.size() + m.action.size() + m.correlationId.size() + m.body.size();
  for (const auto& [k, v] : m.headers) size += 8 + k.size() + v.size();
  return size;
}

void encode(const Packet& p, Frames& out) {
  out.push_back(textFrame(kProtocolId));
  zmq::message_t cmd(1);
  *static_cast<std::uint8_t*>(cmd.data()) = static_cast<std::uint8_t>(p.command);
  out.push_back(std::move(cmd));
  switch (p.command) {
    case Command::kReady:
      out.push_back(textFrame(p.service));
      break;
    case Command::kRequest:
      out.push_back(bigEndianFrame(p.id, 8));
      out.push_back(bigEndianFrame(p.timeoutMs, 4));
      encodeEnvelope(p.message, out);
      break;
    case Command::kReply:
      out.push_back(bigEndianFrame(p.id, 8));
      out.push_back(textFrame(p.status.code()));
      out.push_back(textFrame(p.status.message()));
      encodeEnvelope(p.message, out);
      break;
    case Command::kEvent:
      encodeEnvelope(p.message, out);
      break;
    case Command::kHeartbeat:
    case Command::kDisconnect:
      break;
  }
}

Frames encode(const Packet& p) {
  Frames out;
  out.reserve(12);
  encode(p, out);
  return out;
}

namespace {

Result<Packet> decodeImpl(const Frames& frames, std::size_t first, std::size_t maxMessageBytes,
                          bool routingOnly) {
  if (frames.size() < first + 2) return malformed("fewer than 2 frames");
  if (frames[first].to_string_view() != kProtocolId) return malformed("unknown protocol id");
  const auto& cmdFrame = frames[first + 1];
  if (cmdFrame.size() != 1) return malformed("command frame is not 1 byte");
  const auto raw = *static_cast<const std::uint8_t*>(cmdFrame.data());
  if (raw < static_cast<std::uint8_t>(Command::kReady) ||
      raw > static_cast<std::uint8_t>(Command::kDisconnect)) {
    return malformed("unknown command " + std::to_string(raw));
  }
  Packet p;
  p.command = static_cast<Command>(raw);
  const std::size_t at = first + 2;
  if (frames.size() - at != expectedFields(p.command)) {
    return malformed("command " + std::to_string(raw) + " with " +
                     std::to_string(frames.size() - first) + " frames");
  }
  switch (p.command) {
    case Command::kReady:
      if (frames[at].size() == 0 || frames[at].size() > 255)
        return malformed("bad service name length");
      p.service = frameText(frames[at]);
      break;
    case Command::kRequest: {
      if (frames[at].size() != 8 || frames[at + 1].size() != 4)
        return malformed("bad request id/timeout frame");
      p.id = readBigEndian(frames[at]);
      p.timeoutMs = static_cast<std::uint32_t>(readBigEndian(frames[at + 1]));
      if (Status s = decodeEnvelope(frames, at + 2, maxMessageBytes, p.message, routingOnly); !s)
        return s;
      break;
    }
    case Command::kReply: {
      if (frames[at].size() != 8) return malformed("bad reply id frame");
      p.id = readBigEndian(frames[at]);
      if (frames[at + 1].size() != 0)
        p.status = Status::error(frameText(frames[at + 1]), frameText(frames[at + 2]));
      if (Status s = decodeEnvelope(frames, at + 3, maxMessageBytes, p.message, routingOnly); !s)
        return s;
      break;
    }
    case Command::kEvent:
      if (Status s = decodeEnvelope(frames, at, maxMessageBytes, p.message, routingOnly); !s)
        return s;
      break;
    case Command::kHeartbeat:
    case Command::kDisconnect:
      break;
  }
  return p;
}

}  // namespace

Result<Packet> decode(const Frames& frames, std::size_t first, std::size_t maxMessageBytes) {
  return decodeImpl(frames, first, maxMessageBytes, false);
}

Result<Packet> decodeForRouting(const Frames& frames, std::size_t first,
                                std::size_t maxMessageBytes) {
  return decodeImpl(frames, first, maxMessageBytes, true);
}

std::size_t envelopeFrameIndex(Command c, std::size_t first) {
  switch (c) {
    case Command::kRequest:
      return first + 4;
    case Command::kReply:
      return first + 5;
    default:
      return first + 2;
  }
}

Packet readyPacket(std::string service) {
  Packet p;
  p.command = Command::kReady;
  p.service = std::move(service);
  return p;
}

Packet requestPacket(std::uint64_t id, std::uint32_t timeoutMs, Message m) {
  Packet p;
  p.command = Command::kRequest;
  p.id = id;
  p.timeoutMs = timeoutMs;
  p.message = std::move(m);
  return p;
}

Packet replyPacket(std::uint64_t id, Status status, Message m) {
  Packet p;
  p.command = Command::kReply;
  p.id = id;
  p.status = std::move(status);
  p.message = std::move(m);
  return p;
}

Packet eventPacket(Message m) {
  Packet p;
  p.command = Command::kEvent;
  p.message = std::move(m);
  return p;
}

Packet controlPacket(Command c) {
  Packet p;
  p.command = c;
  return p;
}

zmq::message_t bigEndianFrame(std::uint64_t v, std::size_t bytes) {
  zmq::message_t f(bytes);
  auto* p = static_cast<unsigned char*>(f.data());
  for (std::size_t i = 0; i < bytes; ++i)
    p[bytes - 1 - i] = static_cast<unsigned char>(v >> (8 * i));
  return f;
}

#if defined(__SANITIZE_THREAD__)
// libzmq is not built with TSan: it hands a frame's buffer to the receiving thread through
// lock-free queues TSan cannot see. Marking the buffer released here and acquired on receipt
// tells TSan about that hand-off, so only real races are reported.
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#define BERICHTD_TSAN_RELEASE(frame) \
  if ((frame).size() > 0) __tsan_release((frame).data())
#define BERICHTD_TSAN_ACQUIRE(frame) \
  if ((frame).size() > 0) __tsan_acquire((frame).data())
#else
#define BERICHTD_TSAN_RELEASE(frame) (void)0
#define BERICHTD_TSAN_ACQUIRE(frame) (void)0
#endif

bool sendFrames(zmq::socket_t& socket, Frames& frames) {
  for (std::size_t i = 0; i < frames.size(); ++i) {
    BERICHTD_TSAN_RELEASE(frames[i]);
    const auto flags = (i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none) |
                       zmq::send_flags::dontwait;
    if (!socket.send(frames[i], flags)) return false;
  }
  return true;
}

bool recvFrames(zmq::socket_t& socket, Frames& out, bool dontwait) {
  out.clear();
  do {
    zmq::message_t f;
    if (!socket.recv(f,
                     dontwait && out.empty() ? zmq::recv_flags::dontwait : zmq::recv_flags::none)) {
      return false;
    }
    BERICHTD_TSAN_ACQUIRE(f);
    out.push_back(std::move(f));
  } while (out.back().more());
  return true;
}

}  // namespace berichtd::bus
