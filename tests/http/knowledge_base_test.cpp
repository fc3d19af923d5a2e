// The knowledge base on the web (SPEC D2: every refusal has a page): the Markdown rendering
// escapes everything, only links to other pages become links, and nothing but an error-code
// name can be asked for, so no path trick reads another file.
#include "http/knowledge_base.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace berichtd::http {
namespace {

TEST(KnowledgeBase, PageNamesAreErrorCodesOnly) {
  struct Case {
    const char* name;
    bool ok;
  };
  const Case cases[] = {
      {"NOT_FOUND", true},
      {"ACCESS_LINK_EXPIRED", true},
      {"E2", true},
      {"", false},
      {"A", false},
      {"not_found", false},
      {"../etc/passwd", false},
      {"README", true},
      {"NOT FOUND", false},
      {"NOT_FOUND.md", false},
      {"_X", false},
      {"1ABC", false},
      {"NOT/FOUND", false},
      {"..", false},
  };
  for (const auto& c : cases) EXPECT_EQ(isKnowledgePageName(c.name), c.ok) << c.name;
}

TEST(KnowledgeBase, RendersHeadingsParagraphsListsAndInlineMarkup) {
  const std::string html = renderKnowledgeMarkdown(
      "# Titel\n\nEen regel\nen nog een.\n\n## Wat nu?\n\n- **vet** punt\n- `CODE` punt\n");
  EXPECT_NE(html.find("<h1>Titel</h1>"), std::string::npos) << html;
  EXPECT_NE(html.find("<p>Een regel en nog een.</p>"), std::string::npos) << html;
  EXPECT_NE(html.find("<h2>Wat nu?</h2>"), std::string::npos) << html;
  EXPECT_NE(
      html.find("<ul>\n<li><strong>vet</strong> punt</li>\n<li><code>CODE</code> punt</li>\n</ul>"),
      std::string::npos)
      << html;
}

TEST(KnowledgeBase, EscapesHtmlAndLinksOnlyToOtherPages) {
  const std::string html = renderKnowledgeMarkdown(
      "<script>alert(1)</script> & \"x\"\n\nZie [verlopen link](ACCESS_LINK_EXPIRED.md), "
      "[elders](https://example.org) en [truc](../../etc/passwd.md).\n");
  EXPECT_EQ(html.find("<script>"), std::string::npos) << html;
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<a href=\"/kennisbank/ACCESS_LINK_EXPIRED\">verlopen link</a>"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("example.org"), std::string::npos) << html;
  EXPECT_NE(html.find(" elders "), std::string::npos) << html;
  EXPECT_EQ(html.find("passwd"), std::string::npos) << html;
  EXPECT_NE(html.find(" truc."), std::string::npos) << html;
}

TEST(KnowledgeBase, ServesPagesFromTheFolderAndRefusesEverythingElse) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("kb-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "sub");
  std::ofstream(dir / "SOME_CODE.md") << "# Iets <mis>\n\nUitleg.\n";
  std::ofstream(dir / "README.md") << "# Kennisbank\n\n- [Iets](SOME_CODE.md)\n";
  std::ofstream(dir / "sub" / "SECRET.md") << "# geheim\n";

  auto page = knowledgePage(dir.string(), "SOME_CODE");
  ASSERT_TRUE(page) << page.status().message();
  EXPECT_NE(page->find("<html lang=\"nl\">"), std::string::npos);
  EXPECT_NE(page->find("<title>Iets &lt;mis&gt; — Kennisbank"), std::string::npos) << *page;
  EXPECT_NE(page->find("<p>Uitleg.</p>"), std::string::npos);

  auto index = knowledgePage(dir.string(), "");
  ASSERT_TRUE(index);
  EXPECT_NE(index->find("<a href=\"/kennisbank/SOME_CODE\">Iets</a>"), std::string::npos) << *index;

  for (const char* bad : {"OTHER_CODE", "sub/SECRET", "../kb", "some_code"}) {
    auto refused = knowledgePage(dir.string(), bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.status().code(), "NOT_FOUND") << bad;
  }
  std::filesystem::remove_all(dir);
}

TEST(KnowledgeBase, EveryShippedPageRenders) {
  // The real pages: each one has a title and renders to a page with it.
  int pages = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(BERICHTD_SOURCE_DIR) + "/docs/kennisbank")) {
    const std::string stem = entry.path().stem().string();
    if (entry.path().extension() != ".md" || stem == "README") continue;
    ASSERT_TRUE(isKnowledgePageName(stem)) << stem;
    auto page = knowledgePage(entry.path().parent_path().string(), stem);
    ASSERT_TRUE(page) << stem;
    EXPECT_NE(page->find("<h1>"), std::string::npos) << stem;
    ++pages;
  }
  EXPECT_GT(pages, 10);
}

}  // namespace
}  // namespace berichtd::http
