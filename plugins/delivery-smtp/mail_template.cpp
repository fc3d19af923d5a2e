#include "mail_template.hpp"

namespace berichtd::mail {

namespace {

Result<std::string> fill(std::string_view text, const std::map<std::string, std::string>& vars,
                         bool header) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    const std::string name(text.substr(open + 2, close - open - 2));
    auto it = vars.find(name);
    if (it == vars.end()) {
      return Status::error("TEMPLATE_VARIABLE_MISSING",
                           "the mail template needs the variable '" + name + "'");
    }
    if (header && it->second.find_first_of("\r\n") != std::string::npos) {
      return Status::error("TEMPLATE_VARIABLE_INVALID",
                           "the variable '" + name + "' may not contain a line break");
    }
    out += it->second;
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace

bool isTemplateName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Result<MailTemplate> parseTemplate(std::string_view text) {
  constexpr std::string_view kPrefix = "Subject: ";
  if (text.substr(0, kPrefix.size()) != kPrefix) {
    return Status::error("TEMPLATE_INVALID", "a mail template starts with 'Subject: '");
  }
  const std::size_t eol = text.find('\n');
  if (eol == std::string_view::npos || text.substr(eol + 1, 1) != "\n") {
    return Status::error("TEMPLATE_INVALID", "a mail template has an empty line after its subject");
  }
  MailTemplate t;
  t.subject = std::string(text.substr(kPrefix.size(), eol - kPrefix.size()));
  t.body = std::string(text.substr(eol + 2));
  return t;
}

Result<MailTemplate> render(const MailTemplate& t, const std::map<std::string, std::string>& vars) {
  auto subject = fill(t.subject, vars, true);
  if (!subject) return subject.status();
  auto body = fill(t.body, vars, false);
  if (!body) return body.status();
  return MailTemplate{*subject, *body};
}

}  // namespace berichtd::mail
