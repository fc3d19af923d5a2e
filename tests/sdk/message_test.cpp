#include <gtest/gtest.h>

#include <berichtd/message.hpp>

namespace berichtd {
namespace {

TEST(Message, RoundTripsThroughTheAbiView) {
  Message m{"echo",
            "say",
            "c-1",
            {{"k", "v"}, {"bin", std::string("a\0b", 3)}},
            std::string("body\0with nul", 13)};
  EnvelopeView view(m);
  EXPECT_EQ(view.get()->struct_size, sizeof(berichtd_envelope));
  Message back = fromEnvelope(view.get());
  EXPECT_EQ(back.service, "echo");
  EXPECT_EQ(back.action, "say");
  EXPECT_EQ(back.correlationId, "c-1");
  ASSERT_EQ(back.headers.size(), 2u);
  EXPECT_EQ(back.header("bin"), std::string("a\0b", 3));
  EXPECT_EQ(back.body, m.body);
}

TEST(Message, SetHeaderReplacesExisting) {
  Message m;
  m.setHeader("a", "1");
  m.setHeader("a", "2");
  ASSERT_EQ(m.headers.size(), 1u);
  EXPECT_EQ(m.header("a"), "2");
  EXPECT_EQ(m.header("missing"), "");
}

TEST(Message, ReplyToKeepsServiceActionAndCorrelation) {
  Message request;
  request.service = "delivery";
  request.action = "deliver";
  request.correlationId = "c-42";
  request.headers.emplace_back("idempotency-key", "k");
  request.body = "{\"message_id\":1}";
  Message reply = replyTo(request, "{}");
  EXPECT_EQ(reply.service, "delivery");
  EXPECT_EQ(reply.action, "deliver");
  EXPECT_EQ(reply.correlationId, "c-42");
  EXPECT_EQ(reply.body, "{}");
  EXPECT_TRUE(reply.headers.empty());  // request headers are not echoed
  EXPECT_EQ(replyTo(request).body, "");
}

}  // namespace
}  // namespace berichtd
