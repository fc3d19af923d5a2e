#include "ctl/ctl_output.hpp"

#include <Poco/JSON/Parser.h>

#include <algorithm>

namespace berichtd::ctl {

Poco::JSON::Object::Ptr parseObject(const std::string& body) {
  try {
    auto v = Poco::JSON::Parser().parse(body);
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception&) {
    // Not JSON: the caller reports an unexpected answer.
  }
  return nullptr;
}

void printTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows, std::size_t rightAlignFrom) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const auto& r : rows) {
    for (std::size_t c = 0; c < r.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], r[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const bool last = c + 1 == cells.size();
      const std::string pad(c < width.size() ? width[c] - cells[c].size() : 0, ' ');
      if (c >= rightAlignFrom)
        s += pad + cells[c];
      else
        s += cells[c] + (last ? "" : pad);
      if (!last) s += "  ";
    }
    out << s << '\n';
  };
  line(header);
  for (const auto& r : rows) line(r);
}

}  // namespace berichtd::ctl
