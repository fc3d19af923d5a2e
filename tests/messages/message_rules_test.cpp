// The message rules as tables (SPEC D2: every refusal a stable code; AC4: the activation
// deadline on both sides). Pure functions, injected time.
#include "messages/message_rules.hpp"

#include <gtest/gtest.h>

namespace berichtd::messages {
namespace {

MessageDraft bericht() {
  MessageDraft d;
  d.to = {"12345678"};
  d.subject = "Verwijzing";
  d.body = "Graag een afspraak.";
  d.type = "bericht";
  return d;
}

MessageDraft declaratie() {
  MessageDraft d = bericht();
  d.type = "declaratie";
  d.declaratie = Declaratie{"PAT-001", "2026-02-20", "A1234", 4250};
  return d;
}

TEST(MessageRules, DraftValidationTable) {
  struct Case {
    const char* name;
    MessageDraft draft;
    const char* code;  // "" = accepted
  };
  MessageLimits limits;
  limits.maxRecipients = 3;
  limits.maxBodyBytes = 100;
  std::vector<Case> cases;
  auto with = [](MessageDraft d, auto change) {
    change(d);
    return d;
  };
  cases.push_back({"plain bericht", bericht(), ""});
  cases.push_back({"declaratie", declaratie(), ""});
  cases.push_back(
      {"unknown type", with(bericht(), [](auto& d) { d.type = "brief"; }), "MESSAGE_TYPE_INVALID"});
  cases.push_back(
      {"empty type", with(bericht(), [](auto& d) { d.type = ""; }), "MESSAGE_TYPE_INVALID"});
  cases.push_back(
      {"no subject", with(bericht(), [](auto& d) { d.subject = ""; }), "SUBJECT_MISSING"});
  cases.push_back(
      {"blank subject", with(bericht(), [](auto& d) { d.subject = " \t "; }), "SUBJECT_MISSING"});
  cases.push_back({"long subject",
                   with(bericht(), [](auto& d) { d.subject = std::string(201, 'x'); }),
                   "SUBJECT_TOO_LONG"});
  cases.push_back({"subject at limit",
                   with(bericht(), [](auto& d) { d.subject = std::string(200, 'x'); }), ""});
  cases.push_back(
      {"no recipients", with(bericht(), [](auto& d) { d.to.clear(); }), "RECIPIENTS_MISSING"});
  cases.push_back(
      {"7 digits", with(bericht(), [](auto& d) { d.to = {"1234567"}; }), "AGB_CODE_INVALID"});
  cases.push_back(
      {"letters", with(bericht(), [](auto& d) { d.to = {"1234567a"}; }), "AGB_CODE_INVALID"});
  cases.push_back({"second bad",
                   with(bericht(),
                        [](auto& d) {
                          d.to = {"12345678", "123"};
                        }),
                   "AGB_CODE_INVALID"});
  cases.push_back({"3 recipients",
                   with(bericht(),
                        [](auto& d) {
                          d.to = {"11111111", "22222222", "33333333"};
                        }),
                   ""});
  cases.push_back({"4 recipients",
                   with(bericht(),
                        [](auto& d) {
                          d.to = {"11111111", "22222222", "33333333", "44444444"};
                        }),
                   "TOO_MANY_RECIPIENTS"});
  cases.push_back({"duplicates count once",
                   with(bericht(),
                        [](auto& d) {
                          d.to = {"11111111", "22222222", "33333333", "11111111"};
                        }),
                   ""});
  cases.push_back(
      {"body at limit", with(bericht(), [](auto& d) { d.body = std::string(100, 'b'); }), ""});
  cases.push_back({"body over limit",
                   with(bericht(), [](auto& d) { d.body = std::string(101, 'b'); }),
                   "MESSAGE_TOO_LARGE"});
  cases.push_back({"empty body", with(bericht(), [](auto& d) { d.body = ""; }), ""});
  cases.push_back({"declaratie without fields",
                   with(declaratie(), [](auto& d) { d.declaratie.reset(); }),
                   "DECLARATIE_INVALID"});
  cases.push_back({"bericht with fields", with(declaratie(), [](auto& d) { d.type = "bericht"; }),
                   "DECLARATIE_INVALID"});
  cases.push_back({"reference missing",
                   with(declaratie(), [](auto& d) { d.declaratie->patientReference = ""; }),
                   "DECLARATIE_INVALID"});
  cases.push_back({"reference with space",
                   with(declaratie(), [](auto& d) { d.declaratie->patientReference = "PAT 1"; }),
                   "DECLARATIE_INVALID"});
  cases.push_back(
      {"reference 65",
       with(declaratie(), [](auto& d) { d.declaratie->patientReference = std::string(65, 'a'); }),
       "DECLARATIE_INVALID"});
  cases.push_back({"date malformed",
                   with(declaratie(), [](auto& d) { d.declaratie->treatmentDate = "20-02-2026"; }),
                   "DECLARATIE_INVALID"});
  cases.push_back({"date impossible",
                   with(declaratie(), [](auto& d) { d.declaratie->treatmentDate = "2026-02-30"; }),
                   "DECLARATIE_INVALID"});
  cases.push_back({"date today",
                   with(declaratie(), [](auto& d) { d.declaratie->treatmentDate = "2026-03-02"; }),
                   ""});
  cases.push_back({"date tomorrow",
                   with(declaratie(), [](auto& d) { d.declaratie->treatmentDate = "2026-03-03"; }),
                   "DECLARATIE_INVALID"});
  cases.push_back({"code lower case",
                   with(declaratie(), [](auto& d) { d.declaratie->treatmentCode = "a1234"; }),
                   "DECLARATIE_INVALID"});
  cases.push_back(
      {"code 17",
       with(declaratie(), [](auto& d) { d.declaratie->treatmentCode = std::string(17, 'A'); }),
       "DECLARATIE_INVALID"});
  cases.push_back({"amount missing",
                   with(declaratie(), [](auto& d) { d.declaratie->amountCents.reset(); }),
                   "DECLARATIE_INVALID"});
  cases.push_back({"amount zero",
                   with(declaratie(), [](auto& d) { d.declaratie->amountCents = 0; }),
                   "DECLARATIE_INVALID"});
  cases.push_back({"amount negative",
                   with(declaratie(), [](auto& d) { d.declaratie->amountCents = -5; }),
                   "DECLARATIE_INVALID"});
  cases.push_back({"amount max",
                   with(declaratie(), [](auto& d) { d.declaratie->amountCents = 100000000; }), ""});
  cases.push_back({"amount over",
                   with(declaratie(), [](auto& d) { d.declaratie->amountCents = 100000001; }),
                   "DECLARATIE_INVALID"});
  for (const auto& c : cases) {
    Status s = validateDraft(c.draft, limits, "2026-03-02");
    EXPECT_EQ(s.code(), std::string(c.code)) << c.name << ": " << s.toString();
    if (!s.isOk()) {
      EXPECT_EQ(s.message().find(c.draft.body.empty() ? "\x01" : c.draft.body), std::string::npos)
          << c.name;
    }
  }
}

TEST(MessageRules, DistinctRecipientsKeepFirstSeenOrder) {
  EXPECT_EQ(distinctRecipients({"2", "1", "2", "3", "1"}),
            (std::vector<std::string>{"2", "1", "3"}));
  EXPECT_TRUE(distinctRecipients({}).empty());
}

TEST(MessageRules, RecipientDecisionAroundTheActivationDeadline) {
  // AC4: 2026-03-01 00:00 Europe/Amsterdam = 2026-02-28T23:00:00Z.
  const TimePoint deadline = *parseIso8601("2026-03-01T00:00:00+01:00");
  const TimePoint before = deadline - std::chrono::milliseconds(1);
  const TimePoint after = deadline + std::chrono::hours(24 * 30);
  struct Case {
    const char* state;
    TimePoint now;
    RecipientAction action;
    const char* code;
  };
  const Case cases[] = {
      {"active", before, RecipientAction::kDeliver, ""},
      {"active", deadline, RecipientAction::kDeliver, ""},
      {"active", after, RecipientAction::kDeliver, ""},
      {"migrated", before - std::chrono::hours(24 * 20), RecipientAction::kHold, ""},
      {"migrated", before, RecipientAction::kHold, ""},
      {"migrated", deadline, RecipientAction::kRefuse, "RECIPIENT_NOT_ACTIVATED"},
      {"migrated", after, RecipientAction::kRefuse, "RECIPIENT_NOT_ACTIVATED"},
      {"closed", before, RecipientAction::kRefuse, "RECIPIENT_UNKNOWN"},
      {"deleted", after, RecipientAction::kRefuse, "RECIPIENT_UNKNOWN"},
      {"", before, RecipientAction::kRefuse, "RECIPIENT_UNKNOWN"},
  };
  for (const auto& c : cases) {
    auto d = decideRecipient(c.state, c.now, deadline);
    EXPECT_EQ(d.action, c.action) << c.state << " at " << formatIso8601(c.now);
    EXPECT_EQ(d.refusal.code(), std::string(c.code)) << c.state << " at " << formatIso8601(c.now);
  }
}

}  // namespace
}  // namespace berichtd::messages
