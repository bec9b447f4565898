// Tests of the tensor factories: constant fills, ranges, identity, tensors
// from std::vector and from nested brace literals, with their error paths.
#include "tensor/factory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;

using ::testing::HasSubstr;

TEST(Factory, ZerosOnesFullInEveryDtype) {
  for (DType dt : {DType::f32, DType::f64, DType::i64}) {
    Tensor z = zeros({2, 3}, dt);
    EXPECT_EQ(z.dtype(), dt);
    EXPECT_EQ(z.shape(), (Shape{2, 3}));
    EXPECT_EQ(z.to_vector<double>(), std::vector<double>(6, 0.0));
    EXPECT_EQ(ones({4}, dt).to_vector<double>(), std::vector<double>(4, 1.0));
    EXPECT_EQ(full({2, 2}, 7, dt).to_vector<double>(), std::vector<double>(4, 7.0));
  }
  EXPECT_EQ(full({3}, -2.5, DType::f64).to_vector<double>(),
            (std::vector<double>{-2.5, -2.5, -2.5}));
  EXPECT_EQ(zeros({}).numel(), 1);
  EXPECT_EQ(zeros({0, 4}).numel(), 0);
}

TEST(Factory, LikeFactoriesCopyShapeAndDtype) {
  Tensor t = zeros({3, 1}, DType::f64);
  EXPECT_EQ(ones_like(t).to_vector<double>(), std::vector<double>(3, 1.0));
  EXPECT_EQ(ones_like(t).dtype(), DType::f64);
  EXPECT_EQ(full_like(t, 4).to_vector<double>(), std::vector<double>(3, 4.0));
  EXPECT_EQ(zeros_like(t).shape(), (Shape{3, 1}));
  EXPECT_EQ(empty_like(t).shape(), (Shape{3, 1}));
  EXPECT_FALSE(empty_like(t).shares_storage(t));
  Tensor u;
  expect_error([&] { zeros_like(u); }, {"zeros_like", "undefined"});
  expect_error([&] { ones_like(u); }, {"ones_like", "undefined"});
  expect_error([&] { full_like(u, 1); }, {"full_like", "undefined"});
  expect_error([&] { empty_like(u); }, {"empty_like", "undefined"});
}

TEST(Factory, ScalarTensorIsRankZero) {
  Tensor s = scalar_tensor(-4, DType::i64);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.item<std::int64_t>(), -4);
}

TEST(Factory, ArangeCountsUpExcludingEnd) {
  EXPECT_EQ(arange(5.0).to_vector<float>(), (std::vector<float>{0, 1, 2, 3, 4}));
  EXPECT_EQ(arange(1, 2, 0.25, DType::f64).to_vector<double>(),
            (std::vector<double>{1, 1.25, 1.5, 1.75}));
  // A partial last step still yields a value: ceil((7 - 0) / 3) = 3.
  EXPECT_EQ(arange(0, 7, 3, DType::i64).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{0, 3, 6}));
  EXPECT_EQ(arange(3, 3).numel(), 0);
}

TEST(Factory, ArangeWithNegativeStep) {
  EXPECT_EQ(arange(5, 0, -2, DType::f64).to_vector<double>(), (std::vector<double>{5, 3, 1}));
  EXPECT_EQ(arange(0, -1, -0.5, DType::f64).to_vector<double>(), (std::vector<double>{0, -0.5}));
}

TEST(Factory, ArangeErrors) {
  expect_error([] { arange(0, 5, 0); }, {"arange", "step must be nonzero"});
  expect_error([] { arange(0, 5, -1); }, {"arange", "points away", "-1"});
  expect_error([] { arange(5, 0, 1); }, {"arange", "points away"});
  expect_error([] { arange(0, std::numeric_limits<double>::infinity()); }, {"arange", "finite"});
  expect_error([] { arange(0, 1e300, 1e-300); }, {"arange", "too many"});
}

TEST(Factory, LinspaceHitsBothEndpointsExactly) {
  // 0.1 and 0.7 are not representable; the endpoints must still be exact.
  std::vector<double> v = linspace(0.1, 0.7, 7, DType::f64).to_vector<double>();
  ASSERT_EQ(v.size(), 7u);
  EXPECT_EQ(v.front(), 0.1);
  EXPECT_EQ(v.back(), 0.7);
  for (int i = 0; i < 7; ++i) EXPECT_NEAR(v[i], 0.1 + 0.1 * i, 1e-15);
  EXPECT_EQ(linspace(-1, 1, 5).to_vector<float>(), (std::vector<float>{-1, -0.5f, 0, 0.5f, 1}));
  EXPECT_EQ(linspace(3, 9, 2).to_vector<float>(), (std::vector<float>{3, 9}));
}

TEST(Factory, LinspaceSmallCounts) {
  // One step gives start, as in NumPy and PyTorch.
  EXPECT_EQ(linspace(2, 8, 1).to_vector<float>(), (std::vector<float>{2}));
  EXPECT_EQ(linspace(2, 8, 0).numel(), 0);
  expect_error([] { linspace(0, 1, -1); }, {"linspace", "-1"});
}

TEST(Factory, EyeSquareAndRectangular) {
  EXPECT_EQ(eye(2).to_vector<float>(), (std::vector<float>{1, 0, 0, 1}));
  Tensor r = eye(2, 3, DType::i64);
  EXPECT_EQ(r.shape(), (Shape{2, 3}));
  EXPECT_EQ(r.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 0, 0, 0, 1, 0}));
  Tensor tall = eye(3, 2, DType::f64);
  EXPECT_EQ(tall.to_vector<double>(), (std::vector<double>{1, 0, 0, 1, 0, 0}));
  EXPECT_EQ(eye(0).numel(), 0);
  expect_error([] { eye(-2); }, {"eye", "-2"});
}

TEST(Factory, FromVectorKeepsValuesAndDtype) {
  Tensor f = from_vector(std::vector<float>{1, 2, 3, 4, 5, 6}, Shape{3, 2});
  EXPECT_EQ(f.dtype(), DType::f32);
  EXPECT_EQ(f.shape(), (Shape{3, 2}));
  EXPECT_EQ(f.to_vector<float>(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  Tensor i = from_vector(std::vector<std::int64_t>{1LL << 60, -3});
  EXPECT_EQ(i.dtype(), DType::i64);
  EXPECT_EQ(i.shape(), (Shape{2}));
  EXPECT_EQ(i.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1LL << 60, -3}));
  EXPECT_EQ(from_vector(std::vector<double>{}, Shape{0, 5}).shape(), (Shape{0, 5}));
  EXPECT_EQ(from_vector(std::vector<double>{2.5}, Shape{}).item<double>(), 2.5);
}

TEST(Factory, FromVectorCountMismatchThrows) {
  expect_error(
      [] {
        from_vector(std::vector<float>{1, 2, 3}, Shape{2, 2});
      },
      {"from_vector", "3 values", "[2, 2]", "4 elements"});
  expect_error([] { from_vector(std::vector<float>{1}, Shape{-1}); },
               {"from_vector", "negative size"});
}

TEST(Factory, LiteralRanks) {
  Tensor a = tensor({1, 2, 3}, DType::f64);
  EXPECT_EQ(a.shape(), (Shape{3}));
  EXPECT_EQ(a.dtype(), DType::f64);
  Tensor b = tensor({{{1, 2}, {3, 4}, {5, 6}}, {{7, 8}, {9, 10}, {11, 12}}});
  EXPECT_EQ(b.shape(), (Shape{2, 3, 2}));
  EXPECT_EQ(b.to_vector<float>(), (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  Tensor c = tensor({{{{1, 2}, {3, 4}}}, {{{5, 6}, {7, 8}}}}, DType::i64);
  EXPECT_EQ(c.shape(), (Shape{2, 1, 2, 2}));
  EXPECT_EQ(c.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(tensor(List1{}).shape(), (Shape{0}));
}

TEST(Factory, RaggedLiteralThrows) {
  expect_error([] { tensor({{1, 2}, {3}}); }, {"tensor", "ragged", "1 elements", "expected 2"});
  expect_error([] { tensor({{{1, 2}}, {{3, 4}, {5, 6}}}); }, {"tensor", "ragged"});
  expect_error([] { tensor({{{{1}}, {{2, 3}}}}); }, {"tensor", "ragged"});
}

}  // namespace
}  // namespace nabla
