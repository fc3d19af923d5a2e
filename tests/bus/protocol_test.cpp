#include "bus/protocol.hpp"

#include <gtest/gtest.h>

namespace berichtd::bus {
namespace {

Message sample() {
  Message m;
  m.service = "delivery";
  m.action = "send";
  m.correlationId = "c-1";
  m.headers = {{"idempotency-key", "k1"}, {"empty", ""}, {std::string("bin\0ary", 7), "v"}};
  m.body = std::string("{\"x\":1}\0tail", 12);
  return m;
}

TEST(BusProtocol, RoundTripsRequest) {
  auto frames = encode(requestPacket(42, 1500, sample()));
  EXPECT_EQ(frames.size(), 9u);
  auto p = decode(frames, 0, 1 << 20);
  ASSERT_TRUE(p) << p.status().toString();
  EXPECT_EQ(p->command, Command::kRequest);
  EXPECT_EQ(p->id, 42u);
  EXPECT_EQ(p->timeoutMs, 1500u);
  EXPECT_EQ(p->message.service, "delivery");
  EXPECT_EQ(p->message.action, "send");
  EXPECT_EQ(p->message.correlationId, "c-1");
  EXPECT_EQ(p->message.headers, sample().headers);
  EXPECT_EQ(p->message.body, sample().body);
}

TEST(BusProtocol, RoundTripsReplyWithError) {
  auto frames = encode(replyPacket(0xFFFFFFFFFFFFull, Status::error("BUSY", "full"), {}));
  EXPECT_EQ(frames.size(), 10u);
  auto p = decode(frames, 0, 1 << 20);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->command, Command::kReply);
  EXPECT_EQ(p->id, 0xFFFFFFFFFFFFull);
  EXPECT_EQ(p->status.code(), "BUSY");
  EXPECT_EQ(p->status.message(), "full");
}

TEST(BusProtocol, RoundTripsReadyEventAndControl) {
  auto ready = decode(encode(readyPacket("auth")), 0, 1024);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->command, Command::kReady);
  EXPECT_EQ(ready->service, "auth");
  auto event = decode(encode(eventPacket(sample())), 0, 1024);
  ASSERT_TRUE(event);
  EXPECT_EQ(event->command, Command::kEvent);
  EXPECT_EQ(event->message.body, sample().body);
  for (auto c : {Command::kHeartbeat, Command::kDisconnect}) {
    auto p = decode(encode(controlPacket(c)), 0, 1024);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->command, c);
  }
}

TEST(BusProtocol, SkipsLeadingIdentityFrame) {
  Frames frames;
  frames.emplace_back("peer", 4);
  encode(controlPacket(Command::kHeartbeat), frames);
  EXPECT_TRUE(decode(frames, 1, 1024));
  EXPECT_FALSE(decode(frames, 0, 1024));
}

TEST(BusProtocol, RejectsWrongFrameCount) {
  auto frames = encode(requestPacket(1, 0, sample()));
  frames.pop_back();
  auto p = decode(frames, 0, 1 << 20);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.status().code(), "MALFORMED_FRAME");
  Frames one;
  one.emplace_back();
  EXPECT_EQ(decode(one, 0, 1024).status().code(), "MALFORMED_FRAME");
}

TEST(BusProtocol, RejectsUnknownProtocolIdAndCommand) {
  auto frames = encode(controlPacket(Command::kHeartbeat));
  frames[0] = zmq::message_t("MDPW01", 6);
  EXPECT_EQ(decode(frames, 0, 1024).status().message(), "unknown protocol id");
  frames = encode(controlPacket(Command::kHeartbeat));
  *static_cast<std::uint8_t*>(frames[1].data()) = 0x7F;
  EXPECT_EQ(decode(frames, 0, 1024).status().code(), "MALFORMED_FRAME");
}

TEST(BusProtocol, RejectsOversizedEnvelopeWithoutEchoingIt) {
  Message m = sample();
  m.body = std::string(2048, 's');
  auto p = decode(encode(eventPacket(m)), 0, 1024);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.status().code(), "MESSAGE_TOO_LARGE");
  EXPECT_EQ(p.status().message().find("sss"), std::string::npos);
}

TEST(BusProtocol, RejectsTruncatedHeaders) {
  EXPECT_FALSE(
      decodeHeaders(std::string("\0\0\0\x05"
                                "ab",
                                6)));
  EXPECT_FALSE(decodeHeaders(std::string("\0\0", 2)));
  auto ok = decodeHeaders(encodeHeaders({{"a", "b"}}));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 1u);
}

TEST(BusProtocol, RejectsBadIdFrame) {
  auto frames = encode(requestPacket(1, 0, sample()));
  frames[2] = zmq::message_t("123", 3);
  EXPECT_EQ(decode(frames, 0, 1 << 20).status().code(), "MALFORMED_FRAME");
}

}  // namespace
}  // namespace berichtd::bus
