// What berichtctl's commands share for reading answers and printing them: the admin answer's
// JSON object, and a plain-text table.
//
// Contract
// - parseObject(body): the JSON object the body holds, or null when it is not JSON or not an
//   object (the caller reports an unexpected answer).
// - printTable(out, header, rows, rightAlignFrom): one line per row, columns as wide as their
//   widest cell and two spaces apart. Columns from rightAlignFrom on are right-aligned
//   (numbers); the others left-aligned, the last one without trailing spaces.
// Thread-safety: pure functions.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstddef>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

namespace berichtd::ctl {

Poco::JSON::Object::Ptr parseObject(const std::string& body);
void printTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows,
                std::size_t rightAlignFrom = std::numeric_limits<std::size_t>::max());

}  // namespace berichtd::ctl
