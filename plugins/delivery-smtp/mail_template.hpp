// Mail templates (conf/templates/NAME.txt, Dutch, UTF-8): a first line "Subject: …", an empty
// line, then the body; {{name}} placeholders are filled from the request's variables. Pure.
//
// Contract
// - parseTemplate(text): TEMPLATE_INVALID unless the text starts with "Subject: " and has the
//   empty line after it.
// - render(t, vars): every {{name}} replaced by vars[name]; a placeholder without a variable is
//   TEMPLATE_VARIABLE_MISSING (never a silent empty link). A value with CR or LF in the subject
//   is TEMPLATE_VARIABLE_INVALID (no header injection). Values are inserted as they are: the
//   bodies are text/plain.
// - isTemplateName(): [a-z0-9_]{1,64} — a request never names a path.
#pragma once

#include <berichtd/status.hpp>
#include <map>
#include <string>
#include <string_view>

namespace berichtd::mail {

struct MailTemplate {
  std::string subject;
  std::string body;
};

bool isTemplateName(std::string_view name);
Result<MailTemplate> parseTemplate(std::string_view text);
Result<MailTemplate> render(const MailTemplate& t, const std::map<std::string, std::string>& vars);

}  // namespace berichtd::mail
