// renderPain008: a SEPA Core Direct Debit initiation (ISO 20022 pain.008.001.02,
// CstmrDrctDbtInitn) from a creditor and its collections. Pure: no I/O, no clock, thread-safe.
//
// Contract
// - One PmtInf per sequence type present, FRST before RCUR (the EPC rules keep them apart),
//   each with its own NbOfTxs and CtrlSum; the group header carries the totals. PmtInfId is
//   the message id (cut to 30 characters) + "-FRST" / "-RCUR".
// - Names (creditor, debtor) go through epcText() cut to 70, remittance text to 140; an empty
//   remittance text leaves RmtInf out. Every value is XML-escaped.
// - Refusals (nothing is rendered):
//   SEPA_ID_INVALID  message id, PmtInfId, an EndToEndId or a MndtId outside the EPC restricted
//                    set (the message names the field, and the collection by position);
//   CONFIG_INVALID   the creditor (validateCreditor);
//   IBAN_INVALID     a debtor IBAN (never repeated in the message);
//   BAD_REQUEST      no collections, an amount outside 0.01 … 999 999 999.99, a debtor BIC
//                    that is not a BIC, a debtor name with no SEPA character left, a mandate
//                    signature date that is not YYYY-MM-DD;
//   DATE_INVALID     the collection date is not YYYY-MM-DD.
// - createdAt is written as given into CreDtTm: ISO 8601 date-time (YYYY-MM-DDThh:mm:ss).
#pragma once

#include <berichtd/status.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace berichtd::sepa {

struct Creditor {
  std::string name;
  std::string iban;
  std::string bic;
  std::string creditorId;  // SEPA creditor identifier, e.g. NL57ZZZ999999999999
};

enum class Sequence { kFirst, kRecurring };  // FRST, RCUR

struct Collection {
  std::string endToEndId;
  int64_t amountCents = 0;
  std::string mandateId;
  std::string mandateSigned;  // YYYY-MM-DD
  std::string debtorName;
  std::string debtorIban;
  std::optional<std::string> debtorBic;  // none: <Othr><Id>NOTPROVIDED</Id></Othr>
  Sequence sequence = Sequence::kFirst;
  std::string remittanceText;
};

inline constexpr int64_t kMaxAmountCents = 99999999999;  // EPC: at most 999 999 999.99

// CONFIG_INVALID naming the setting: creditor_name (no SEPA character), creditor_iban
// (mod 97), creditor_bic (8 or 11, ISO 9362), creditor_id (EPC262-08 check digits).
Status validateCreditor(const Creditor& creditor);

Result<std::string> renderPain008(const Creditor& creditor, const std::string& messageId,
                                  const std::string& createdAt, const std::string& collectionDate,
                                  const std::vector<Collection>& collections);

}  // namespace berichtd::sepa
