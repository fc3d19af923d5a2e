#include <gtest/gtest.h>

#include <berichtd/status.hpp>

namespace berichtd {
namespace {

TEST(Status, OkHasNoCode) {
  Status s = Status::ok();
  EXPECT_TRUE(s.isOk());
  EXPECT_EQ(s.code(), "");
  EXPECT_EQ(s.toString(), "OK");
}

TEST(Status, ErrorCarriesCodeAndMessage) {
  Status s = Status::error("BUSY", "queue full");
  EXPECT_FALSE(s.isOk());
  EXPECT_EQ(s.toString(), "BUSY: queue full");
}

TEST(Result, HoldsValueOrError) {
  Result<int> good(7);
  ASSERT_TRUE(good.isOk());
  EXPECT_EQ(*good, 7);
  Result<int> bad(Status::error("NOT_FOUND", "x"));
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), "NOT_FOUND");
}

}  // namespace
}  // namespace berichtd
