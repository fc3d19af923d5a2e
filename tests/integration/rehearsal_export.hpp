// The generated export of the migration rehearsal (tests/integration/rehearsal_test.cpp,
// docs/rehearsal.md): the old platform's JSON Lines (../shared/API.md, docs/import.md) as it
// stood on 2025-11-20 (the early export the announcement campaigns need) and on 2026-02-13 (the
// final export at the cutoff), built from one table of accounts with a role each, so the test
// can say what every account should see, receive and keep. Test code, header-only.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace berichtd::testing::rehearsal {

struct OldAccount {
  std::string key;                // P01 … P20: the old id, and the name the test uses
  std::string email, finalEmail;  // finalEmail differs when the user changed it in between
  std::string agb;
  std::string created;
  std::string earlyPaidThrough, finalPaidThrough;
  std::string earlyActivity, finalActivity;  // last_activity_at, ISO 8601
  std::string earlyClosed, finalClosed;      // closed_at or ""
  bool inEarly = true;                       // false: signed up on the old platform after it
};

// The accounts and what each one is for (the test's steps name them by key).
inline std::vector<OldAccount> oldAccounts() {
  std::vector<OldAccount> a;
  auto add = [&a](const std::string& key, const std::string& created) -> OldAccount& {
    OldAccount o;
    o.key = key;
    o.email = "praktijk." + key + "@example.nl";
    o.finalEmail = o.email;
    o.agb = "500000" + key.substr(1);
    o.created = created;
    o.earlyPaidThrough = "2025-12-09";
    o.finalPaidThrough = "2026-03-09";
    o.earlyActivity = "2025-11-18T10:00:00+01:00";
    o.finalActivity = "2026-02-12T16:00:00+01:00";
    a.push_back(o);
    return a.back();
  };
  // P01 activates on 16 Feb; paid through 9 Jan by the final export: an expired subscription
  // (B5), so the period holding the activation day is charged at once.
  add("P01", "2019-03-10").finalPaidThrough = "2026-01-09";
  // P02 activates on 16 Feb; paid through 19 Mar by the final export (B4: first collection on
  // the first billing day after it). The early export's 19 Dec would have charged it at once.
  {
    auto& p = add("P02", "2020-01-20");
    p.earlyPaidThrough = "2025-12-19";
    p.finalPaidThrough = "2026-03-19";
  }
  // P03 never activates; its last activity is 10 Jan (R1: deleted by the sweep of 10 Jul on).
  add("P03", "2021-06-01").finalActivity = "2026-01-10T09:00:00+01:00";
  // P04 never activates: a message to it is held before the deadline, refused after (AC4).
  add("P04", "2021-06-02");
  // P05 activates after the deadline (5 Mar) and finds the held message and its history (AC5).
  add("P05", "2018-09-15").finalPaidThrough = "2026-03-14";
  // P06 has not been active since April 2025: kept until the start-up, then deleted (R1).
  {
    auto& p = add("P06", "2017-01-05");
    p.earlyActivity = p.finalActivity = "2025-04-01T12:00:00+02:00";
    p.finalPaidThrough = p.earlyPaidThrough;  // nothing changed: already present as it is
  }
  // P07 closed on 1 Oct 2025: migrated as closed (M2), deleted six months after (R2).
  {
    auto& p = add("P07", "2019-02-02");
    p.earlyClosed = p.finalClosed = "2025-10-01";
    p.earlyActivity = p.finalActivity = "2025-09-30T12:00:00+02:00";
    p.finalPaidThrough = p.earlyPaidThrough;
  }
  // P08 closed on 1 May 2025, more than six months before the cutoff: not migrated (M2).
  {
    auto& p = add("P08", "2016-04-04");
    p.earlyClosed = p.finalClosed = "2025-05-01";
    p.earlyActivity = p.finalActivity = "2025-04-30T12:00:00+02:00";
  }
  // P09 closes on the old platform on 20 Jan: the final export refreshes it (deleted 20 Jul on).
  add("P09", "2020-07-07").finalClosed = "2026-01-20";
  // P10 changed its e-mail address on the old platform in December, before the freeze (A2).
  add("P10", "2022-02-22").finalEmail = "nieuw.P10@example.nl";
  // P11, P12 signed up on the old platform after the early export.
  add("P11", "2025-12-01").inEarly = false;
  add("P12", "2025-12-02").inEarly = false;
  // P13 … P20: the rest of the practices, never activated (the waves' bulk, R1 later).
  for (int i = 13; i <= 20; ++i) add("P" + std::to_string(i), "2020-10-1" + std::to_string(i % 10));
  return a;
}

struct OldMessage {
  std::string key, from, to, subject, body, sentAt;
  bool inEarly = true;
};

// 40 messages among ten accounts (P08's from before its closure): 20 in both exports, 20 sent
// after the early one.
inline std::vector<OldMessage> oldMessages() {
  const char* pool[] = {"P01", "P02", "P03", "P04", "P05", "P08", "P10", "P13", "P14", "P15"};
  std::vector<OldMessage> m;
  for (int k = 0; k < 40; ++k) {
    OldMessage o;
    o.key = "M" + std::to_string(k + 1);
    o.from = pool[k % 10];
    o.to = pool[(k * 3 + 1) % 10];  // never the sender: k ≡ 3k + 1 (mod 10) has no solution
    o.subject = "Verwijzing " + std::to_string(k + 1);
    o.body = "Geachte collega, patiënt " + std::to_string(1000 + k) + " graag beoordelen.";
    o.inEarly = k < 20;
    const bool p08 = o.from == "P08" || o.to == "P08";
    // P08 stopped on 1 May 2025; the others write in October 2025 and in January 2026.
    char day[40];
    std::snprintf(day, sizeof(day), "%s-%02dT10:00:00+0%d:00",
                  p08 ? "2025-04" : (o.inEarly ? "2025-10" : "2026-01"), 1 + k % 28,
                  p08 || o.inEarly ? 2 : 1);
    o.sentAt = day;
    m.push_back(o);
  }
  return m;
}

struct OldInvoice {
  std::string key, account, number, periodStart, periodEnd, issued, earlyPaid, finalPaid;
  bool inEarly = true;
};

// Monthly invoices of six accounts: October and November 2025 in both exports, December 2025
// and January 2026 in the final one. P01's November invoice is paid between the two exports.
inline std::vector<OldInvoice> oldInvoices() {
  const char* who[] = {"P01", "P02", "P03", "P04", "P05", "P10"};
  const char* months[][3] = {{"2025-10-01", "2025-10-31", "2025"},
                             {"2025-11-01", "2025-11-30", "2025"},
                             {"2025-12-01", "2025-12-31", "2025"},
                             {"2026-01-01", "2026-01-31", "2026"}};
  std::vector<OldInvoice> out;
  int seq2025 = 0, seq2026 = 0;
  for (int m = 0; m < 4; ++m) {
    for (const char* k : who) {
      OldInvoice i;
      i.account = k;
      const bool y2026 = std::string(months[m][2]) == "2026";
      const int seq = y2026 ? ++seq2026 : 300 + ++seq2025;  // the old counters
      char number[16];
      std::snprintf(number, sizeof(number), "%s-%06d", months[m][2], seq);
      i.number = number;
      i.key = "F" + i.number;
      i.periodStart = months[m][0];
      i.periodEnd = months[m][1];
      i.issued = months[m][0];
      i.inEarly = m < 2;
      i.finalPaid = std::string(months[m][0]).substr(0, 8) + "05";
      i.earlyPaid = i.inEarly && m == 0 ? i.finalPaid : "";
      if (m == 1 && std::string(k) != "P01") i.earlyPaid = i.finalPaid;  // P01 paid it late
      out.push_back(i);
    }
  }
  return out;
}

inline std::string quoted(const std::string& s) { return s.empty() ? "null" : "\"" + s + "\""; }

// The export as the old platform wrote it on that day.
inline std::string exportText(bool final) {
  std::string out;
  for (const auto& a : oldAccounts()) {
    if (!final && !a.inEarly) continue;
    out += R"({"type":"account","old_id":")" + a.key + R"(","email":")" +
           (final ? a.finalEmail : a.email) + R"(","agb_code":")" + a.agb + R"(","created_at":")" +
           a.created + R"(","closed_at":)" + quoted(final ? a.finalClosed : a.earlyClosed) +
           R"(,"paid_through":)" + quoted(final ? a.finalPaidThrough : a.earlyPaidThrough) +
           R"(,"last_activity_at":)" + quoted(final ? a.finalActivity : a.earlyActivity) + "}\n";
  }
  auto agbOf = [](const std::string& key) { return "500000" + key.substr(1); };
  for (const auto& m : oldMessages()) {
    if (!final && !m.inEarly) continue;
    out += R"({"type":"message","old_id":")" + m.key + R"(","from_agb":")" + agbOf(m.from) +
           R"(","to_agb":")" + agbOf(m.to) + R"(","subject":")" + m.subject + R"(","body":")" +
           m.body + R"(","sent_at":")" + m.sentAt + "\"}\n";
  }
  for (const auto& i : oldInvoices()) {
    if (!final && !i.inEarly) continue;
    out += R"({"type":"invoice","old_id":")" + i.key + R"(","account_old_id":")" + i.account +
           R"(","number":")" + i.number + R"(","period_start":")" + i.periodStart +
           R"(","period_end":")" + i.periodEnd +
           R"(","amount_excl_cents":1300,"vat_cents":273,"issued_at":")" + i.issued +
           R"(","paid_at":)" + quoted(final ? i.finalPaid : i.earlyPaid) + "}\n";
  }
  return out;
}

}  // namespace berichtd::testing::rehearsal
