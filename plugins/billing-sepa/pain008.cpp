#include "pain008.hpp"

#include "sepa_checks.hpp"
#include "sepa_text.hpp"

namespace berichtd::sepa {
namespace {

// Indented XML written line by line; every text goes through xmlEscape().
class Xml {
 public:
  void open(const std::string& tag, const std::string& attrs = "") {
    line("<" + tag + attrs + ">");
    ++depth_;
  }
  void close(const std::string& tag) {
    --depth_;
    line("</" + tag + ">");
  }
  void leaf(const std::string& tag, const std::string& text, const std::string& attrs = "") {
    line("<" + tag + attrs + ">" + xmlEscape(text) + "</" + tag + ">");
  }
  std::string take() { return std::move(out_); }
  void raw(const std::string& s) { out_ += s; }

 private:
  void line(const std::string& s) {
    out_.append(static_cast<std::size_t>(depth_) * 2, ' ');
    out_ += s;
    out_ += '\n';
  }
  std::string out_;
  int depth_ = 0;
};

const char* code(Sequence s) { return s == Sequence::kFirst ? "FRST" : "RCUR"; }

Status idError(const std::string& field) {
  return Status::error("SEPA_ID_INVALID",
                       field +
                           " must be 1-35 characters of a-z A-Z 0-9 / - ? : ( ) . , ' + "
                           "and space, without a leading or trailing '/' or '//'");
}

// A debtor's parts after conversion, checked before anything is written.
struct Prepared {
  const Collection* c;
  std::string iban;
  std::string name;
  std::string remittance;
};

Result<Prepared> prepare(const Collection& c, std::size_t index) {
  const std::string where = "collection " + std::to_string(index + 1);
  if (!isEpcIdentifier(c.endToEndId)) return idError("EndToEndId of " + where);
  if (!isEpcIdentifier(c.mandateId)) return idError("MndtId of " + where);
  if (c.amountCents < 1 || c.amountCents > kMaxAmountCents) {
    return Status::error("BAD_REQUEST",
                         "the amount of " + where + " must be 0.01 to 999999999.99 EUR");
  }
  if (!isIsoDate(c.mandateSigned)) {
    return Status::error("BAD_REQUEST",
                         "the mandate signature date of " + where + " is not YYYY-MM-DD");
  }
  auto iban = normaliseIban(c.debtorIban);
  if (!iban) {
    return Status::error("IBAN_INVALID", "the debtor IBAN of " + where +
                                             " is not well formed or its check digits fail");
  }
  if (c.debtorBic && !isBic(*c.debtorBic)) {
    return Status::error("BAD_REQUEST", "the debtor BIC of " + where +
                                            " is not 8 or 11 "
                                            "characters as ISO 9362");
  }
  Prepared p{&c, *iban, epcText(c.debtorName, kMaxName), epcText(c.remittanceText, kMaxRemittance)};
  if (p.name.empty()) {
    return Status::error("BAD_REQUEST",
                         "the debtor name of " + where + " has no character a SEPA file allows");
  }
  return p;
}

void writeAgent(Xml& x, const std::string& tag, const std::optional<std::string>& bic) {
  x.open(tag);
  x.open("FinInstnId");
  if (bic) {
    x.leaf("BIC", *bic);
  } else {
    x.open("Othr");
    x.leaf("Id", "NOTPROVIDED");
    x.close("Othr");
  }
  x.close("FinInstnId");
  x.close(tag);
}

void writeAccount(Xml& x, const std::string& tag, const std::string& iban) {
  x.open(tag);
  x.open("Id");
  x.leaf("IBAN", iban);
  x.close("Id");
  x.close(tag);
}

void writeTransaction(Xml& x, const Prepared& p) {
  const Collection& c = *p.c;
  x.open("DrctDbtTxInf");
  x.open("PmtId");
  x.leaf("EndToEndId", c.endToEndId);
  x.close("PmtId");
  x.leaf("InstdAmt", formatCents(c.amountCents), " Ccy=\"EUR\"");
  x.open("DrctDbtTx");
  x.open("MndtRltdInf");
  x.leaf("MndtId", c.mandateId);
  x.leaf("DtOfSgntr", c.mandateSigned);
  x.close("MndtRltdInf");
  x.close("DrctDbtTx");
  writeAgent(x, "DbtrAgt", c.debtorBic);
  x.open("Dbtr");
  x.leaf("Nm", p.name);
  x.close("Dbtr");
  writeAccount(x, "DbtrAcct", p.iban);
  if (!p.remittance.empty()) {
    x.open("RmtInf");
    x.leaf("Ustrd", p.remittance);
    x.close("RmtInf");
  }
  x.close("DrctDbtTxInf");
}

void writePaymentInfo(Xml& x, const Creditor& cr, const std::string& creditorName,
                      const std::string& pmtInfId, Sequence seq, const std::string& date,
                      const std::vector<const Prepared*>& block, int64_t sum) {
  x.open("PmtInf");
  x.leaf("PmtInfId", pmtInfId);
  x.leaf("PmtMtd", "DD");
  x.leaf("BtchBookg", "true");
  x.leaf("NbOfTxs", std::to_string(block.size()));
  x.leaf("CtrlSum", formatCents(sum));
  x.open("PmtTpInf");
  x.open("SvcLvl");
  x.leaf("Cd", "SEPA");
  x.close("SvcLvl");
  x.open("LclInstrm");
  x.leaf("Cd", "CORE");
  x.close("LclInstrm");
  x.leaf("SeqTp", code(seq));
  x.close("PmtTpInf");
  x.leaf("ReqdColltnDt", date);
  x.open("Cdtr");
  x.leaf("Nm", creditorName);
  x.close("Cdtr");
  writeAccount(x, "CdtrAcct", *normaliseIban(cr.iban));
  writeAgent(x, "CdtrAgt", cr.bic);
  x.leaf("ChrgBr", "SLEV");
  x.open("CdtrSchmeId");
  x.open("Id");
  x.open("PrvtId");
  x.open("Othr");
  x.leaf("Id", cr.creditorId);
  x.open("SchmeNm");
  x.leaf("Prtry", "SEPA");
  x.close("SchmeNm");
  x.close("Othr");
  x.close("PrvtId");
  x.close("Id");
  x.close("CdtrSchmeId");
  for (const Prepared* p : block) writeTransaction(x, *p);
  x.close("PmtInf");
}

}  // namespace

Status validateCreditor(const Creditor& c) {
  if (epcText(c.name, kMaxName).empty()) {
    return Status::error("CONFIG_INVALID",
                         "billing-sepa: creditor_name is empty or has no character a SEPA file "
                         "allows");
  }
  if (!normaliseIban(c.iban)) {
    return Status::error("CONFIG_INVALID",
                         "billing-sepa: creditor_iban is not an IBAN (format or mod-97 check "
                         "digits)");
  }
  if (!isBic(c.bic)) {
    return Status::error("CONFIG_INVALID",
                         "billing-sepa: creditor_bic must be a BIC of 8 or 11 characters "
                         "(ISO 9362, upper case)");
  }
  if (!isCreditorId(c.creditorId)) {
    return Status::error("CONFIG_INVALID",
                         "billing-sepa: creditor_id is not a SEPA creditor identifier (e.g. "
                         "NL57ZZZ999999999999: country, 2 check digits, business code, national "
                         "id; the check digits are mod 97 over the id without the business code)");
  }
  return Status::ok();
}

Result<std::string> renderPain008(const Creditor& creditor, const std::string& messageId,
                                  const std::string& createdAt, const std::string& collectionDate,
                                  const std::vector<Collection>& collections) {
  if (Status s = validateCreditor(creditor); !s) return s;
  if (!isEpcIdentifier(messageId)) return idError("MsgId");
  if (!isIsoDate(collectionDate)) {
    return Status::error("DATE_INVALID", "the collection date is not YYYY-MM-DD");
  }
  if (collections.empty()) return Status::error("BAD_REQUEST", "a file needs a collection");

  std::vector<Prepared> prepared;
  prepared.reserve(collections.size());
  for (std::size_t i = 0; i < collections.size(); ++i) {
    auto p = prepare(collections[i], i);
    if (!p) return p.status();
    prepared.push_back(std::move(p).value());
  }

  const std::string base = messageId.substr(0, kMaxId - 5);
  std::vector<const Prepared*> blocks[2];
  int64_t sums[2] = {0, 0};
  int64_t total = 0;
  for (const auto& p : prepared) {
    const int b = p.c->sequence == Sequence::kFirst ? 0 : 1;
    blocks[b].push_back(&p);
    sums[b] += p.c->amountCents;
    total += p.c->amountCents;
  }
  for (Sequence seq : {Sequence::kFirst, Sequence::kRecurring}) {
    if (!isEpcIdentifier(base + "-" + code(seq))) return idError("PmtInfId");
  }

  const std::string creditorName = epcText(creditor.name, kMaxName);
  Xml x;
  x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  x.open("Document",
         " xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.008.001.02\""
         " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"");
  x.open("CstmrDrctDbtInitn");
  x.open("GrpHdr");
  x.leaf("MsgId", messageId);
  x.leaf("CreDtTm", createdAt);
  x.leaf("NbOfTxs", std::to_string(prepared.size()));
  x.leaf("CtrlSum", formatCents(total));
  x.open("InitgPty");
  x.leaf("Nm", creditorName);
  x.close("InitgPty");
  x.close("GrpHdr");
  for (Sequence seq : {Sequence::kFirst, Sequence::kRecurring}) {
    const int b = seq == Sequence::kFirst ? 0 : 1;
    if (blocks[b].empty()) continue;
    writePaymentInfo(x, creditor, creditorName, base + "-" + code(seq), seq, collectionDate,
                     blocks[b], sums[b]);
  }
  x.close("CstmrDrctDbtInitn");
  x.close("Document");
  return x.take();
}

}  // namespace berichtd::sepa
