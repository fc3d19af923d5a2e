// writeFileAtomically: the file appears whole under its name, replaces an older one, and a
// folder that cannot be written gives SEPA_FILE_WRITE_FAILED with no temporary file left.
#include "batch_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace berichtd::sepa {
namespace {

namespace fs = std::filesystem;

std::string readFile(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class BatchFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sepa_file_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::size_t entries(const fs::path& d) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(d), {}));
  }
  fs::path dir_;
};

TEST_F(BatchFile, WritesAndReplacesLeavingOnlyTheFile) {
  const fs::path f = dir_ / "pain008-2026-03-05-1.xml";
  ASSERT_TRUE(writeFileAtomically(f, "<a/>\n"));
  EXPECT_EQ(readFile(f), "<a/>\n");
  const std::string big(1 << 20, 'x');
  ASSERT_TRUE(writeFileAtomically(f, big));
  EXPECT_EQ(readFile(f), big);
  EXPECT_EQ(entries(dir_), 1u);
}

TEST_F(BatchFile, AFolderThatIsNotThereFailsWithItsCode) {
  const fs::path f = dir_ / "missing" / "pain008-2026-03-05-1.xml";
  Status s = writeFileAtomically(f, "<a/>");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code(), "SEPA_FILE_WRITE_FAILED");
  EXPECT_NE(s.message().find("pain008-2026-03-05-1.xml"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("<a/>"), std::string::npos);
  EXPECT_FALSE(fs::exists(f));
}

TEST_F(BatchFile, ATargetThatIsAFolderFailsAndRemovesTheTemporaryFile) {
  const fs::path f = dir_ / "taken.xml";
  fs::create_directories(f / "inside");  // rename cannot replace a non-empty folder
  Status s = writeFileAtomically(f, "<a/>");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.code(), "SEPA_FILE_WRITE_FAILED");
  EXPECT_EQ(entries(dir_), 1u);  // only the folder; no temporary file left behind
}

}  // namespace
}  // namespace berichtd::sepa
