// The archive's pure steps (SPEC N2): a mail service reply read as an archived mail, and the
// tokens of links taken out of the text the archive keeps (docs/campaigns.md "The archive").
#include "campaigns/archived_mail.hpp"

#include <gtest/gtest.h>

namespace berichtd::campaigns {
namespace {

TEST(ArchivedMail, TokensAreRedacted) {
  struct Row {
    const char* in;
    const char* out;
  };
  const Row rows[] = {
      {"geen link", "geen link"},
      {"https://b.nl/activeren?token=q3J0c2V0", "https://b.nl/activeren?token=[verwijderd]"},
      {"link:\nhttps://b.nl/activeren?token=abc-_09\n\nGroet",
       "link:\nhttps://b.nl/activeren?token=[verwijderd]\n\nGroet"},
      {"a?token=x&b=1 en c?token=y#z", "a?token=[verwijderd]&b=1 en c?token=[verwijderd]#z"},
      {"token=", "token="},  // nothing to take out
      {"\"token=abc\"", "\"token=[verwijderd]\""},
  };
  for (const auto& r : rows) EXPECT_EQ(redactTokens(r.in), r.out) << r.in;
}

TEST(ArchivedMail, ARepliedMailBecomesAnArchivedMail) {
  const std::string reply =
      R"({"message_id":"<r1@example.nl>","account_id":7,"template":"campaign_activering",)"
      R"("subject":"Activeer","text":"Hallo\n"})";
  auto m = mailFromReply("campaign:activering:7", reply, "2026-02-16T07:00:00.000Z");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->key, "campaign:activering:7");
  EXPECT_EQ(m->accountId, 7);
  EXPECT_EQ(m->campaign, "activering");
  EXPECT_EQ(m->templateName, "campaign_activering");
  EXPECT_EQ(m->subject, "Activeer");
  EXPECT_EQ(m->text, "Hallo\n");
  EXPECT_EQ(m->sentAt, "2026-02-16T07:00:00.000Z");

  // Not a campaign: no campaign name. A direct mail: keyed by its Message-ID.
  auto notice = mailFromReply("notice:3:7", reply, "t");
  ASSERT_TRUE(notice);
  EXPECT_FALSE(notice->campaign);
  auto direct = mailFromReply("", reply, "t");
  ASSERT_TRUE(direct);
  EXPECT_EQ(direct->key, "smtp:<r1@example.nl>");

  // Replies without what was sent (a test double, another plugin) or without an account.
  EXPECT_FALSE(mailFromReply("k", R"({"message_id":"<x@y>"})", "t"));
  EXPECT_FALSE(mailFromReply("k", "not json", "t"));
  EXPECT_FALSE(mailFromReply(
      "k", R"({"message_id":"<x@y>","account_id":0,"template":"t","subject":"s","text":"x"})",
      "t"));
  EXPECT_FALSE(
      mailFromReply("", R"({"account_id":7,"template":"t","subject":"s","text":"x"})", "t"));
}

}  // namespace
}  // namespace berichtd::campaigns
