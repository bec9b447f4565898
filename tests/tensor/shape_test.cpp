// Tests of the shape arithmetic: element counts, row-major strides, NumPy
// broadcasting, dim normalisation, rank limits and printing.
#include "tensor/shape.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "tensor/error.h"

#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;

using ::testing::HasSubstr;

TEST(Shape, NumelIsTheProductOfSizes) {
  EXPECT_EQ(numel(Shape{}), 1);
  EXPECT_EQ(numel(Shape{5}), 5);
  EXPECT_EQ(numel(Shape{2, 3, 4}), 24);
  EXPECT_EQ(numel(Shape{2, 0, 4}), 0);
}

TEST(Shape, NumelRejectsNegativeSizes) {
  expect_error([] { numel(Shape{2, -1}); }, {"numel", "[2, -1]"});
  expect_error([] { numel(Shape{0, -1}); }, {"numel", "[0, -1]"});
}

TEST(Shape, NumelOverflowThrows) {
  const std::int64_t big = std::int64_t{1} << 40;
  expect_error([&] { numel(Shape{big, big}); }, {"numel", "2^63"});
  // A zero anywhere makes the product 0, even after an overflowing prefix.
  EXPECT_EQ(numel(Shape{big, big, 0}), 0);
}

TEST(Shape, RankCountsDimensions) {
  EXPECT_EQ(Shape{}.rank(), 0);
  EXPECT_EQ((Shape{4, 5, 6}).rank(), 3);
}

TEST(Shape, ContiguousStridesAreRowMajor) {
  EXPECT_EQ(contiguous_strides(Shape{2, 3, 4}), (Strides{12, 4, 1}));
  EXPECT_EQ(contiguous_strides(Shape{7}), (Strides{1}));
  EXPECT_EQ(contiguous_strides(Shape{}), Strides{});
}

TEST(Shape, ContiguousStridesTreatZeroSizesAsOne) {
  // A 0-sized dim must not zero the strides of the dims before it.
  EXPECT_EQ(contiguous_strides(Shape{2, 0, 3}), (Strides{3, 3, 1}));
}

TEST(Shape, BroadcastFollowsNumPyRules) {
  EXPECT_EQ(broadcast_shapes(Shape{2, 3}, Shape{2, 3}, "op"), (Shape{2, 3}));
  EXPECT_EQ(broadcast_shapes(Shape{2, 1}, Shape{1, 3}, "op"), (Shape{2, 3}));
  EXPECT_EQ(broadcast_shapes(Shape{3}, Shape{4, 1, 3}, "op"), (Shape{4, 1, 3}));
  EXPECT_EQ(broadcast_shapes(Shape{5, 1, 2}, Shape{4, 1}, "op"), (Shape{5, 4, 2}));
  EXPECT_EQ(broadcast_shapes(Shape{}, Shape{2, 2}, "op"), (Shape{2, 2}));
  EXPECT_EQ(broadcast_shapes(Shape{0, 1}, Shape{1, 3}, "op"), (Shape{0, 3}));
}

TEST(Shape, BroadcastErrorNamesOpAndBothShapes) {
  expect_error(
      [] {
        broadcast_shapes(Shape{2, 3}, Shape{4, 3}, "add");
      },
      {"add", "[2, 3]", "[4, 3]", "cannot be broadcast"});
  expect_error([] { broadcast_shapes(Shape{3}, Shape{0}, "mul"); }, {"mul", "[3]", "[0]"});
}

TEST(Shape, NormalizeDimMapsNegativeDims) {
  EXPECT_EQ(normalize_dim(0, 3, "op"), 0);
  EXPECT_EQ(normalize_dim(2, 3, "op"), 2);
  EXPECT_EQ(normalize_dim(-1, 3, "op"), 2);
  EXPECT_EQ(normalize_dim(-3, 3, "op"), 0);
  // Rank 0 accepts 0 and -1, as PyTorch does.
  EXPECT_EQ(normalize_dim(-1, 0, "op"), 0);
}

TEST(Shape, NormalizeDimErrorsNameTheDimAndRank) {
  expect_error([] { normalize_dim(3, 3, "sum"); }, {"sum", "dim 3", "rank 3"});
  expect_error([] { normalize_dim(-4, 3, "mean"); }, {"mean", "dim -4", "rank 3"});
  expect_error([] { normalize_dim(1, 0, "softmax"); }, {"softmax", "dim 1", "rank 0"});
}

TEST(Shape, CheckShapeAcceptsRankEight) {
  EXPECT_NO_THROW(check_shape(Shape{1, 1, 1, 1, 1, 1, 1, 1}, "op"));
}

TEST(Shape, CheckShapeRejectsRankAboveEight) {
  expect_error(
      [] {
        check_shape(Shape{1, 1, 1, 1, 1, 1, 1, 1, 1}, "reshape");
      },
      {"reshape", "rank 9", "maximum of 8"});
}

TEST(Shape, CheckShapeRejectsNegativeSizes) {
  expect_error([] { check_shape(Shape{3, -2}, "view"); }, {"view", "negative size", "[3, -2]"});
}

TEST(Shape, HoldsOneDimMoreThanTheMaximumRank) {
  // Enough for the op to name a rank-9 result; copies keep every size.
  Shape big{1, 2, 3, 4, 5, 6, 7, 8, 9};
  Shape copy = big;
  EXPECT_EQ(copy.rank(), 9);
  EXPECT_EQ(copy[8], 9);
  EXPECT_EQ(copy, big);
  EXPECT_EQ(Shape::capacity(), static_cast<std::size_t>(kMaxRank) + 1);
}

TEST(Shape, PrintsWithBrackets) {
  EXPECT_EQ(to_string(Shape{}), "[]");
  EXPECT_EQ(to_string(Shape{2, 3}), "[2, 3]");
  std::ostringstream out;
  out << Shape{7};
  EXPECT_EQ(out.str(), "[7]");
}

}  // namespace
}  // namespace nabla
