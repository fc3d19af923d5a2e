// escapeHtml: text made safe inside HTML element content and attribute values (&, <, >, ", ').
// Shared by every page the daemon renders (the knowledge base, the status page). Pure.
#pragma once

#include <string>

namespace berichtd::core {

std::string escapeHtml(const std::string& text);

}  // namespace berichtd::core
