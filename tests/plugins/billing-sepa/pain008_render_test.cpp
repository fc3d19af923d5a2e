// renderPain008: every rendered document is validated against the official pain.008.001.02
// schema with xmllint (exit 0 required), and its content is checked where the schema cannot
// (FRST/RCUR split, sums, the EPC text rules). A negative control shows that xmllint with this
// schema does reject broken documents, so the passing checks mean something.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "pain008.hpp"
#include "xmllint.hpp"

namespace berichtd::sepa {
namespace {

namespace fs = std::filesystem;
using testing::xmllintSchema;

const Creditor kCreditor{"Berichtd B.V.", "NL91ABNA0417164300", "ABNANL2A", "NL57ZZZ999999999999"};

Collection collection(int i, Sequence seq, int64_t cents = 1350) {
  Collection c;
  c.endToEndId = "sepa-" + std::to_string(i);
  c.amountCents = cents;
  c.mandateId = "MNDT-" + std::to_string(i);
  c.mandateSigned = "2026-01-15";
  c.debtorName = "Debiteur " + std::to_string(i);
  c.debtorIban = i % 2 == 0 ? "NL20INGB0001234567" : "DE89370400440532013000";
  if (i % 3 == 0) c.debtorBic = "INGBNL2A";
  c.sequence = seq;
  c.remittanceText = "Factuur 2026-" + std::to_string(i);
  return c;
}

int countOf(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

class Pain008Render : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sepa_render_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    ASSERT_TRUE(fs::exists(SEPA_XSD)) << "schema missing: " << SEPA_XSD;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes the document and asserts that xmllint accepts it against the schema.
  void expectValid(const std::string& xml, const std::string& name) {
    const fs::path file = dir_ / name;
    std::ofstream(file) << xml;
    auto r = xmllintSchema(SEPA_XSD, file.string());
    EXPECT_EQ(r.exitCode, 0) << r.output << "\n" << xml.substr(0, 4000);
  }
  int lintExit(const std::string& xml, const std::string& name) {
    const fs::path file = dir_ / name;
    std::ofstream(file) << xml;
    return xmllintSchema(SEPA_XSD, file.string()).exitCode;
  }

  fs::path dir_;
};

TEST_F(Pain008Render, AFirstOnlyBatchIsValidWithOnePaymentInformationBlock) {
  auto xml = renderPain008(kCreditor, "pain008-2026-03-05-1", "2026-03-01T10:00:00", "2026-03-05",
                           {collection(1, Sequence::kFirst)});
  ASSERT_TRUE(xml) << xml.status().toString();
  expectValid(*xml, "frst.xml");
  EXPECT_EQ(countOf(*xml, "<PmtInf>"), 1);
  EXPECT_EQ(countOf(*xml, "<SeqTp>FRST</SeqTp>"), 1);
  EXPECT_EQ(countOf(*xml, "<SeqTp>RCUR</SeqTp>"), 0);
  EXPECT_NE(xml->find("<PmtInfId>pain008-2026-03-05-1-FRST</PmtInfId>"), std::string::npos);
  EXPECT_NE(xml->find("<InstdAmt Ccy=\"EUR\">13.50</InstdAmt>"), std::string::npos);
  EXPECT_NE(xml->find("<Id>NOTPROVIDED</Id>"), std::string::npos);  // debtor without BIC
  EXPECT_NE(xml->find("<Prtry>SEPA</Prtry>"), std::string::npos);
  EXPECT_NE(xml->find("<Id>NL57ZZZ999999999999</Id>"), std::string::npos);
  EXPECT_NE(xml->find("<ReqdColltnDt>2026-03-05</ReqdColltnDt>"), std::string::npos);
}

TEST_F(Pain008Render, AMixedBatchSplitsFirstAndRecurringWithTheirOwnSums) {
  std::vector<Collection> cs{
      collection(1, Sequence::kRecurring, 1000), collection(2, Sequence::kFirst, 250),
      collection(3, Sequence::kRecurring, 5), collection(4, Sequence::kFirst, 100)};
  auto xml = renderPain008(kCreditor, "MSG-1", "2026-03-01T10:00:00", "2026-03-05", cs);
  ASSERT_TRUE(xml) << xml.status().toString();
  expectValid(*xml, "mixed.xml");
  EXPECT_EQ(countOf(*xml, "<PmtInf>"), 2);
  // FRST block first, each block with its own count and sum; the header has the totals.
  const auto frst = xml->find("<SeqTp>FRST</SeqTp>");
  const auto rcur = xml->find("<SeqTp>RCUR</SeqTp>");
  ASSERT_NE(frst, std::string::npos);
  ASSERT_NE(rcur, std::string::npos);
  EXPECT_LT(frst, rcur);
  std::smatch m;
  const std::regex sums("<NbOfTxs>(\\d+)</NbOfTxs>\\s*<CtrlSum>([0-9.]+)</CtrlSum>");
  std::vector<std::pair<std::string, std::string>> found;
  for (std::sregex_iterator it(xml->begin(), xml->end(), sums), e; it != e; ++it) {
    found.emplace_back((*it)[1], (*it)[2]);
  }
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0], (std::pair<std::string, std::string>{"4", "13.55"}));  // header
  EXPECT_EQ(found[1], (std::pair<std::string, std::string>{"2", "3.50"}));   // FRST
  EXPECT_EQ(found[2], (std::pair<std::string, std::string>{"2", "10.05"}));  // RCUR
  EXPECT_LT(xml->find("sepa-2"), rcur);  // FRST collections sit in the FRST block
  EXPECT_GT(xml->find("sepa-3"), rcur);
}

TEST_F(Pain008Render, NamesWithAccentsAmpersandsAndMarkupBecomeSepaText) {
  Collection c = collection(1, Sequence::kFirst);
  c.debtorName = "Renée Groß & Zoë <O'Brien>";
  c.remittanceText = "Abonnement <maart> & april — “café”";
  Creditor cr = kCreditor;
  cr.name = "Berichtd & Zn. <test>";
  auto xml = renderPain008(cr, "MSG-2", "2026-03-01T10:00:00", "2026-03-05", {c});
  ASSERT_TRUE(xml) << xml.status().toString();
  expectValid(*xml, "names.xml");
  EXPECT_NE(xml->find("<Nm>Renee Gross + Zoe O&apos;Brien</Nm>"), std::string::npos) << *xml;
  EXPECT_NE(xml->find("<Ustrd>Abonnement maart + april - cafe</Ustrd>"), std::string::npos);
  EXPECT_NE(xml->find("<Nm>Berichtd + Zn. test</Nm>"), std::string::npos);
  EXPECT_EQ(xml->find("é"), std::string::npos);
  EXPECT_EQ(xml->find("ß"), std::string::npos);
}

TEST_F(Pain008Render, OneAndAHundredCollectionsAreValid) {
  auto one = renderPain008(kCreditor, "ONE", "2026-03-01T10:00:00", "2026-03-05",
                           {collection(7, Sequence::kRecurring, 1)});
  ASSERT_TRUE(one) << one.status().toString();
  expectValid(*one, "one.xml");
  EXPECT_NE(one->find("<CtrlSum>0.01</CtrlSum>"), std::string::npos);

  std::vector<Collection> cs;
  int64_t total = 0;
  for (int i = 0; i < 100; ++i) {
    cs.push_back(collection(i, i % 4 == 0 ? Sequence::kFirst : Sequence::kRecurring, 999 + i));
    total += 999 + i;
  }
  auto many = renderPain008(kCreditor, "HUNDRED", "2026-03-01T10:00:00", "2026-03-05", cs);
  ASSERT_TRUE(many) << many.status().toString();
  expectValid(*many, "hundred.xml");
  EXPECT_EQ(countOf(*many, "<DrctDbtTxInf>"), 100);
  EXPECT_EQ(total, 104850);
  const auto header = many->substr(0, many->find("<PmtInf>"));
  EXPECT_NE(header.find("<NbOfTxs>100</NbOfTxs>"), std::string::npos);
  EXPECT_NE(header.find("<CtrlSum>1048.50</CtrlSum>"), std::string::npos);
}

TEST_F(Pain008Render, MaximumLengthsAreCutOrAcceptedAndStayValid) {
  Collection c = collection(1, Sequence::kFirst, kMaxAmountCents);
  c.endToEndId = std::string(35, 'E');
  c.mandateId = std::string(35, 'M');
  c.debtorName = std::string(200, 'n');
  c.remittanceText = std::string(500, 'r');
  Creditor cr = kCreditor;
  cr.name = std::string(100, 'c');
  const std::string msgId(35, 'G');
  auto xml = renderPain008(cr, msgId, "2026-03-01T10:00:00", "2026-03-05", {c});
  ASSERT_TRUE(xml) << xml.status().toString();
  expectValid(*xml, "max.xml");
  EXPECT_NE(xml->find("<Nm>" + std::string(70, 'n') + "</Nm>"), std::string::npos);
  EXPECT_NE(xml->find("<Nm>" + std::string(70, 'c') + "</Nm>"), std::string::npos);
  EXPECT_NE(xml->find("<Ustrd>" + std::string(140, 'r') + "</Ustrd>"), std::string::npos);
  EXPECT_NE(xml->find("<PmtInfId>" + std::string(30, 'G') + "-FRST</PmtInfId>"), std::string::npos);
  EXPECT_NE(xml->find("999999999.99"), std::string::npos);
}

TEST_F(Pain008Render, TheSchemaCheckRejectsBrokenDocuments) {
  auto xml = renderPain008(kCreditor, "MSG-3", "2026-03-01T10:00:00", "2026-03-05",
                           {collection(1, Sequence::kFirst)});
  ASSERT_TRUE(xml);
  ASSERT_EQ(lintExit(*xml, "good.xml"), 0);
  auto broken = [&](const std::string& from, const std::string& to) {
    std::string s = *xml;
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) s.replace(at, from.size(), to);
    return s;
  };
  EXPECT_NE(lintExit(broken("<SeqTp>FRST</SeqTp>", "<SeqTp>FIRST</SeqTp>"), "seq.xml"), 0);
  EXPECT_NE(lintExit(broken("<MsgId>MSG-3</MsgId>", "<MsgId>" + std::string(36, 'X') + "</MsgId>"),
                     "long.xml"),
            0);
  EXPECT_NE(lintExit(broken("13.50", "13.5.0"), "amount.xml"), 0);
  EXPECT_NE(lintExit(broken("<ReqdColltnDt>2026-03-05</ReqdColltnDt>", ""), "order.xml"), 0);
  EXPECT_NE(lintExit(broken("</Document>", ""), "notxml.xml"), 0);
}

TEST(Pain008Refusals, IdentifiersOutsideTheRestrictedSetAreRefused) {
  auto refused = [](const std::string& msgId, Collection c) {
    auto r = renderPain008(kCreditor, msgId, "2026-03-01T10:00:00", "2026-03-05", {c});
    return r ? std::string("ok") : r.status().code() + ": " + r.status().message();
  };
  const Collection good = collection(1, Sequence::kFirst);
  EXPECT_EQ(refused("MSG", good), "ok");
  EXPECT_EQ(refused("/MSG", good).rfind("SEPA_ID_INVALID: MsgId", 0), 0u);
  EXPECT_EQ(refused("MS//G", good).rfind("SEPA_ID_INVALID: MsgId", 0), 0u);
  Collection c = good;
  c.endToEndId = "sepa_1";
  EXPECT_EQ(refused("MSG", c).rfind("SEPA_ID_INVALID: EndToEndId of collection 1", 0), 0u);
  c = good;
  c.mandateId = "MNDT/";
  EXPECT_EQ(refused("MSG", c).rfind("SEPA_ID_INVALID: MndtId of collection 1", 0), 0u);
  c = good;
  c.mandateId = std::string(36, 'M');
  EXPECT_EQ(refused("MSG", c).rfind("SEPA_ID_INVALID", 0), 0u);
}

TEST(Pain008Refusals, BadCollectionsAndCreditorsAreRefusedWithTheirCodes) {
  auto code = [](const Creditor& cr, const std::string& date, std::vector<Collection> cs) {
    auto r = renderPain008(cr, "MSG", "2026-03-01T10:00:00", date, cs);
    return r ? std::string("ok") : r.status().code();
  };
  const Collection good = collection(1, Sequence::kFirst);
  EXPECT_EQ(code(kCreditor, "2026-03-05", {}), "BAD_REQUEST");
  EXPECT_EQ(code(kCreditor, "2026-02-30", {good}), "DATE_INVALID");
  Collection c = good;
  c.amountCents = 0;
  EXPECT_EQ(code(kCreditor, "2026-03-05", {c}), "BAD_REQUEST");
  c.amountCents = kMaxAmountCents + 1;
  EXPECT_EQ(code(kCreditor, "2026-03-05", {c}), "BAD_REQUEST");
  c = good;
  c.debtorIban = "NL92ABNA0417164300";
  auto r = renderPain008(kCreditor, "MSG", "2026-03-01T10:00:00", "2026-03-05", {c});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), "IBAN_INVALID");
  EXPECT_EQ(r.status().message().find("NL92"), std::string::npos);  // never the IBAN itself
  c = good;
  c.debtorBic = "ING";
  EXPECT_EQ(code(kCreditor, "2026-03-05", {c}), "BAD_REQUEST");
  c = good;
  c.debtorName = "☺☺";
  EXPECT_EQ(code(kCreditor, "2026-03-05", {c}), "BAD_REQUEST");
  c = good;
  c.mandateSigned = "15-01-2026";
  EXPECT_EQ(code(kCreditor, "2026-03-05", {c}), "BAD_REQUEST");

  const std::pair<void (*)(Creditor&), const char*> bad[] = {
      {[](Creditor& x) { x.name = "☺"; }, "creditor_name"},
      {[](Creditor& x) { x.iban = "NL91ABNA0417164301"; }, "creditor_iban"},
      {[](Creditor& x) { x.bic = "ABNANL2"; }, "creditor_bic"},
      {[](Creditor& x) { x.creditorId = "NL98ZZZ999999999999"; }, "creditor_id"},
  };
  for (const auto& [spoil, setting] : bad) {
    Creditor cr = kCreditor;
    spoil(cr);
    Status s = validateCreditor(cr);
    EXPECT_EQ(s.code(), "CONFIG_INVALID") << setting;
    EXPECT_NE(s.message().find(setting), std::string::npos) << s.message();
    EXPECT_EQ(code(cr, "2026-03-05", {good}), "CONFIG_INVALID") << setting;
  }
  EXPECT_TRUE(validateCreditor(kCreditor));
}

}  // namespace
}  // namespace berichtd::sepa
