// Every error code the code base can answer has a knowledge-base page (D2: "Every refusal
// carries a stable error code that has an entry in the knowledge base"), and every page is
// listed in docs/error-handling.md's table or belongs to a plugin's README.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace {

namespace fs = std::filesystem;

std::string readAll(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The first UPPER_SNAKE string literal after each "error(" / "Error(" call, and every error
// code constant, declared as `constexpr std::string_view kName = "CODE"` (the bus's form).
std::set<std::string> codesIn(const std::string& text) {
  std::set<std::string> codes;
  static const std::regex literal("\"([A-Z]{2,}(?:_[A-Z0-9]+)*)\"");
  for (const char* call : {"error(", "Error("}) {
    for (size_t pos = text.find(call); pos != std::string::npos; pos = text.find(call, pos + 1)) {
      const size_t end = text.find(';', pos);
      const std::string window = text.substr(pos, std::min<size_t>(end - pos, 240));
      std::smatch m;
      if (std::regex_search(window, m, literal)) codes.insert(m[1]);
    }
  }
  static const std::regex constant(
      "std::string_view k[A-Za-z]+\\s*=\\s*\"([A-Z]{2,}(?:_[A-Z0-9]+)*)\"");
  for (std::sregex_iterator it(text.begin(), text.end(), constant), e; it != e; ++it) {
    codes.insert((*it)[1]);
  }
  return codes;
}

TEST(KnowledgeBase, EveryErrorCodeHasAPage) {
  const fs::path root = BERICHTD_SOURCE_DIR;
  std::set<std::string> codes;
  for (const char* dir : {"daemon", "plugins", "sdk/include"}) {
    for (const auto& f : fs::recursive_directory_iterator(root / dir)) {
      const auto ext = f.path().extension();
      if (ext != ".cpp" && ext != ".hpp" && ext != ".h") continue;
      auto found = codesIn(readAll(f.path()));
      codes.insert(found.begin(), found.end());
    }
  }
  ASSERT_GT(codes.size(), 10u) << "the scan found too few codes to be working";
  for (const auto& code : codes) {
    EXPECT_TRUE(fs::exists(root / "docs/kennisbank" / (code + ".md")))
        << "error code " << code << " has no page docs/kennisbank/" << code << ".md";
  }
}

TEST(KnowledgeBase, TheScanFindsCodesInEveryForm) {
  auto codes = codesIn(
      "return Status::error(\"ACCESS_LINK_EXPIRED\", \"x\");\n"
      "setError(res, 409,\n \"CLOCK_NOT_MANUAL\", \"y\");\n"
      "inline constexpr std::string_view kBusy = \"BUSY\";\n"
      "inline constexpr const char* kTokenFileEnv = \"BERICHTD_ADMIN_TOKEN_FILE\";\n"
      "logger.error(\"not a code\");\n");
  EXPECT_EQ(codes, (std::set<std::string>{"ACCESS_LINK_EXPIRED", "BUSY", "CLOCK_NOT_MANUAL"}));
}

TEST(KnowledgeBase, EveryPageIsInTheErrorTable) {
  const fs::path root = BERICHTD_SOURCE_DIR;
  const std::string table = readAll(root / "docs/error-handling.md");
  for (const auto& f : fs::directory_iterator(root / "docs/kennisbank")) {
    const std::string code = f.path().stem();
    if (code == "README") continue;
    EXPECT_NE(table.find("`" + code + "`"), std::string::npos)
        << code << " has a page but is missing from docs/error-handling.md";
  }
}

}  // namespace
