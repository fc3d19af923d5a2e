#include "http/knowledge_base.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/html.hpp"

namespace berichtd::http {

namespace {

using core::escapeHtml;

// Replaces each `open…close` pair of the marker with the tags; unpaired markers stay as text.
std::string pairMarkers(const std::string& text, const std::string& marker,
                        const std::string& tag) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t a = text.find(marker, pos);
    size_t b = a == std::string::npos ? a : text.find(marker, a + marker.size());
    if (b == std::string::npos) {
      out += text.substr(pos);
      return out;
    }
    out += text.substr(pos, a - pos) + "<" + tag + ">" +
           text.substr(a + marker.size(), b - a - marker.size()) + "</" + tag + ">";
    pos = b + marker.size();
  }
}

// [text](CODE.md) → a link to /kennisbank/CODE; other targets stay text (no outside links).
std::string links(const std::string& text) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = text.find('[', pos);
    size_t mid = open == std::string::npos ? open : text.find("](", open);
    size_t close = mid == std::string::npos ? mid : text.find(')', mid);
    if (close == std::string::npos) {
      out += text.substr(pos);
      return out;
    }
    const std::string label = text.substr(open + 1, mid - open - 1);
    std::string target = text.substr(mid + 2, close - mid - 2);
    out += text.substr(pos, open - pos);
    if (target.size() > 3 && target.compare(target.size() - 3, 3, ".md") == 0 &&
        isKnowledgePageName(target.substr(0, target.size() - 3))) {
      out +=
          "<a href=\"/kennisbank/" + target.substr(0, target.size() - 3) + "\">" + label + "</a>";
    } else {
      out += label;
    }
    pos = close + 1;
  }
}

std::string inlineMarkup(const std::string& line) {
  return links(pairMarkers(pairMarkers(escapeHtml(line), "**", "strong"), "`", "code"));
}

std::string titleOf(const std::string& markdown) {
  std::istringstream in(markdown);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) == 0) return line.substr(2);
  }
  return "Kennisbank";
}

}  // namespace

bool isKnowledgePageName(const std::string& code) {
  if (code.size() < 2 || code.size() > 64 || code[0] < 'A' || code[0] > 'Z') return false;
  for (char c : code) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string renderKnowledgeMarkdown(const std::string& markdown) {
  std::istringstream in(markdown);
  std::string line, html, paragraph;
  bool inList = false;
  auto flushParagraph = [&] {
    if (!paragraph.empty()) html += "<p>" + inlineMarkup(paragraph) + "</p>\n";
    paragraph.clear();
  };
  auto closeList = [&] {
    if (inList) html += "</ul>\n";
    inList = false;
  };
  while (std::getline(in, line)) {
    if (line.empty()) {
      flushParagraph();
      closeList();
    } else if (line.rfind("# ", 0) == 0) {
      flushParagraph();
      closeList();
      html += "<h1>" + inlineMarkup(line.substr(2)) + "</h1>\n";
    } else if (line.rfind("## ", 0) == 0) {
      flushParagraph();
      closeList();
      html += "<h2>" + inlineMarkup(line.substr(3)) + "</h2>\n";
    } else if (line.rfind("- ", 0) == 0) {
      flushParagraph();
      if (!inList) html += "<ul>\n";
      inList = true;
      html += "<li>" + inlineMarkup(line.substr(2)) + "</li>\n";
    } else {
      closeList();
      paragraph += (paragraph.empty() ? "" : " ") + line;
    }
  }
  flushParagraph();
  closeList();
  return html;
}

Result<std::string> knowledgePage(const std::string& dir, const std::string& code) {
  if (!code.empty() && !isKnowledgePageName(code)) {
    return Status::error("NOT_FOUND", "no knowledge-base page of that name");
  }
  const auto path = std::filesystem::path(dir) / (code.empty() ? "README.md" : code + ".md");
  std::ifstream in(path);
  if (!in) return Status::error("NOT_FOUND", "no knowledge-base page for " + code);
  std::ostringstream md;
  md << in.rdbuf();
  return "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         escapeHtml(titleOf(md.str())) +
         " — Kennisbank ZilliZ berichtenapp</title>\n</head>\n<body>\n<main>\n" +
         renderKnowledgeMarkdown(md.str()) +
         "</main>\n<footer><a href=\"/kennisbank\">Kennisbank</a></footer>\n</body>\n</html>\n";
}

}  // namespace berichtd::http
