#include "callbacks/number_format.h"

#include <gtest/gtest.h>

#include <limits>

#include "test_util.h"

namespace nabla::callbacks {
namespace {

TEST(NumberFormat, ShortestRoundTrip) {
  EXPECT_EQ(format_shortest(0.5), "0.5");
  EXPECT_EQ(format_shortest(0.1), "0.1");
  EXPECT_EQ(format_shortest(3.0), "3");
  EXPECT_EQ(format_shortest(1e-05), "1e-05");
  EXPECT_EQ(format_shortest(-2.25), "-2.25");
  EXPECT_EQ(format_shortest(std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(format_shortest(-std::numeric_limits<double>::infinity()), "-inf");
  // 0.1 + 0.2 is not 0.3 in binary; the text keeps every digit needed.
  EXPECT_EQ(format_shortest(0.1 + 0.2), "0.30000000000000004");
}

TEST(NumberFormat, PrintfLikeSpecs) {
  EXPECT_EQ(format_spec(7.0, "02d", "T"), "07");
  EXPECT_EQ(format_spec(7.0, "d", "T"), "7");
  EXPECT_EQ(format_spec(2.5, "03d", "T"), "002");  // to nearest, ties to even
  EXPECT_EQ(format_spec(0.123456, ".4f", "T"), "0.1235");
  EXPECT_EQ(format_spec(0.123456, "8.2f", "T"), "    0.12");
  EXPECT_EQ(format_spec(0.123456, "08.2f", "T"), "00000.12");
  EXPECT_EQ(format_spec(12345.678, ".3e", "T"), "1.235e+04");
  EXPECT_EQ(format_spec(12345.678, ".3", "T"), "1.23e+04");  // g by default
  EXPECT_EQ(format_spec(0.25, "", "T"), "0.25");
  EXPECT_EQ(format_spec(std::numeric_limits<double>::quiet_NaN(), "5.2f", "T"), "  nan");
  for (const char* bad : {"x", ".", ".2d", "2.3q", "1000f", ".101f", "-3d"}) {
    testing::expect_error([&] { format_spec(1.0, bad, "Owner"); }, {"Owner", "format spec", bad});
  }
}

}  // namespace
}  // namespace nabla::callbacks
