// Bus wire protocol "BRD1" (Majordomo-like, see docs/bus.md): encoding and decoding of every
// command. Every packet is [protocol id "BRD1"][command byte][fields...]; a ROUTER peer's
// identity frame is handled by the caller, never by this codec.
//
// Pure functions, no shared state: safe from any thread. decode() never throws; malformed
// input is an error Status (MALFORMED_FRAME or MESSAGE_TOO_LARGE) whose message names the
// reason and never contains body bytes.
#pragma once

#include <berichtd/message.hpp>
#include <berichtd/status.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include <zmq.hpp>

namespace berichtd::bus {

inline constexpr std::string_view kProtocolId = "BRD1";
inline constexpr std::string_view kMmiService = "mmi.service";

// Error codes travelling in REPLY.
inline constexpr std::string_view kBusy = "BUSY";
inline constexpr std::string_view kTimeout = "TIMEOUT";
inline constexpr std::string_view kServiceUnavailable = "SERVICE_UNAVAILABLE";
inline constexpr std::string_view kMessageTooLarge = "MESSAGE_TOO_LARGE";
inline constexpr std::string_view kPluginError = "PLUGIN_ERROR";
inline constexpr std::string_view kMalformedFrame = "MALFORMED_FRAME";

enum class Command : std::uint8_t {
  kReady = 0x01,       // worker -> broker: [service]
  kRequest = 0x02,     // client -> broker, broker -> worker: [id u64][timeoutMs u32][envelope x5]
  kReply = 0x03,       // worker -> broker, broker -> client: [id u64][code][text][envelope x5]
  kEvent = 0x04,       // client -> broker, broker -> worker: [envelope x5]
  kHeartbeat = 0x05,   // both ways: no fields
  kDisconnect = 0x06,  // both ways: no fields
};

// One decoded packet. Which fields are meaningful depends on command (see Command).
struct Packet {
  Command command = Command::kHeartbeat;
  std::string service;          // kReady
  std::uint64_t id = 0;         // kRequest / kReply: the sender's request id
  std::uint32_t timeoutMs = 0;  // kRequest: 0 = broker default
  Status status;                // kReply: ok or error code + text
  Message message;              // kRequest / kReply / kEvent
};

using Frames = std::vector<zmq::message_t>;

// Appends the frames of p to out (protocol id first).
void encode(const Packet& p, Frames& out);
Frames encode(const Packet& p);

// Decodes frames[first..]. Oversized: the envelope (service, action, correlation id, headers
// and body together) larger than maxMessageBytes.
Result<Packet> decode(const Frames& frames, std::size_t first, std::size_t maxMessageBytes);

// Like decode(), with the same checks, but for forwarding without copying: fills command, id,
// timeoutMs, status, service (kReady) and message.service only; the five envelope frames stay
// in frames at envelopeFrameIndex(command, first) for the caller to move on.
Result<Packet> decodeForRouting(const Frames& frames, std::size_t first,
                                std::size_t maxMessageBytes);
std::size_t envelopeFrameIndex(Command c, std::size_t first);
inline constexpr std::size_t kEnvelopeFrames = 5;

// Size of an envelope as counted against maxMessageBytes.
std::size_t envelopeSize(const Message& m);

// Headers in one frame: repeated [u32 big-endian length][name][u32 length][value].
std::string encodeHeaders(const std::vector<std::pair<std::string, std::string>>& headers);
Result<std::vector<std::pair<std::string, std::string>>> decodeHeaders(std::string_view frame);

// Convenience: build packets.
Packet readyPacket(std::string service);
Packet requestPacket(std::uint64_t id, std::uint32_t timeoutMs, Message m);
Packet replyPacket(std::uint64_t id, Status status, Message m);
Packet eventPacket(Message m);
Packet controlPacket(Command c);  // kHeartbeat, kDisconnect

// A frame holding v as an unsigned big-endian integer of `bytes` bytes (ids, timeouts).
zmq::message_t bigEndianFrame(std::uint64_t v, std::size_t bytes);

// Sends frames as one multipart message (all but the last with sndmore). Returns false when
// the socket would block or refused the message.
bool sendFrames(zmq::socket_t& socket, Frames& frames);
// Receives one whole multipart message (blocking unless dontwait). Returns false if none.
bool recvFrames(zmq::socket_t& socket, Frames& out, bool dontwait);

}  // namespace berichtd::bus
