// The knowledge base on the web: every error answer's `help` link (/kennisbank/CODE) leads to
// docs/kennisbank/CODE.md, rendered here as a small Dutch HTML page (SPEC D2: every refusal
// has a knowledge-base entry). The Markdown is our own and simple — headings, paragraphs, `-`
// lists, **bold**, `code` and links to other pages — so a few lines of rendering beat a
// Markdown dependency. Everything is HTML-escaped before markup is added.
// Pure functions plus one file read: safe on any thread.
#pragma once

#include <berichtd/status.hpp>
#include <string>

namespace berichtd::http {

// Error codes are UPPER_SNAKE_CASE; anything else (path tricks included) is not a page name.
bool isKnowledgePageName(const std::string& code);
// The HTML page for CODE from DIR/CODE.md, or for the index (README.md) when code is empty.
// NOT_FOUND when there is no such page.
Result<std::string> knowledgePage(const std::string& dir, const std::string& code);
// The Markdown-to-HTML step alone (for tests).
std::string renderKnowledgeMarkdown(const std::string& markdown);

}  // namespace berichtd::http
