#include "core/secret.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace berichtd {
namespace {

TEST(Secret, NeverPrintsItsValue) {
  Secret s("hunter2-token", "/etc/berichtd/admin.token");
  std::ostringstream out;
  out << s;
  EXPECT_EQ(out.str(), "<secret from /etc/berichtd/admin.token>");
  EXPECT_EQ(s.describe().find("hunter2"), std::string::npos);
  EXPECT_EQ(s.reveal(), "hunter2-token");
}

TEST(Secret, ComparesInConstantTimeTable) {
  Secret s("abc123", "test");
  EXPECT_TRUE(s.equalsConstantTime("abc123"));
  EXPECT_FALSE(s.equalsConstantTime("abc124"));
  EXPECT_FALSE(s.equalsConstantTime("abc12"));
  EXPECT_FALSE(s.equalsConstantTime(""));
  EXPECT_TRUE(constantTimeEquals("", ""));
  EXPECT_FALSE(constantTimeEquals("a", ""));
}

}  // namespace
}  // namespace berichtd
