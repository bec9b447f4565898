// Tests of tensor/solve.h: solve and lstsq against solutions worked out by
// hand (Cramer's rule, the normal equations, the minimum-norm solution), in
// f32 and f64, with views as operands, and every error path.
#include "tensor/solve.h"

#include <gtest/gtest.h>

#include <vector>

#include "tensor/factory.h"
#include "tensor/shape_ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;

Tensor f64(std::vector<double> values, Shape shape) {
  return from_vector(values, shape);
}

void expect_values(const Tensor& t, const std::vector<double>& expected, double tolerance) {
  const std::vector<double> got = t.to(DType::f64).contiguous().to_vector<double>();
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], tolerance) << i;
}

TEST(Solve, TwoByTwoByCramersRule) {
  // det = 2·3 − 1·1 = 5; x = (3·3 − 1·5)/5 = 0.8, y = (2·5 − 1·3)/5 = 1.4.
  const Tensor x = solve(f64({2, 1, 1, 3}, {2, 2}), f64({3, 5}, {2}));
  EXPECT_EQ(x.shape(), (Shape{2}));
  EXPECT_EQ(x.dtype(), DType::f64);
  expect_values(x, {0.8, 1.4}, 1e-14);
}

TEST(Solve, NeedsRowExchangesAndTakesSeveralRightHandSides) {
  // a[0][0] = 0: no solution without pivoting. Columns of b are a·(1, 2, 3)
  // and a·(1, 0, −1).
  const Tensor a = f64({0, 2, 1, 1, 1, 1, 2, 1, 0}, {3, 3});
  const Tensor b = f64({7, -1, 6, 0, 4, 2}, {3, 2});
  const Tensor x = solve(a, b);
  EXPECT_EQ(x.shape(), (Shape{3, 2}));
  expect_values(x, {1, 1, 2, 0, 3, -1}, 1e-14);
}

TEST(Solve, F32AndTransposedViews) {
  // a given as the transpose of its transpose: a non-contiguous view.
  const Tensor a_transposed = from_vector(std::vector<float>{2, 1, 1, 3}, {2, 2});
  const Tensor x = solve(transpose(a_transposed, 0, 1), from_vector(std::vector<float>{3, 5}, {2}));
  EXPECT_EQ(x.dtype(), DType::f32);
  expect_values(x, {0.8, 1.4}, 1e-6);
  // An asymmetric matrix, so a transposition mistake would show:
  // [[1, 2], [0, 1]]·(1, 1) = (3, 1).
  const Tensor upper_t = f64({1, 0, 2, 1}, {2, 2});
  expect_values(solve(transpose(upper_t, 0, 1), f64({3, 1}, {2})), {1, 1}, 1e-14);
}

TEST(Solve, Errors) {
  const Tensor a = f64({1, 2, 3, 4, 5, 6, 7, 8, 10}, {3, 3});
  expect_error([&] { solve(a, f64({1, 2, 3, 4}, {4})); }, {"solve", "[3, 3]", "[4]"});
  expect_error(
      [&] {
        solve(f64({1, 2, 3, 4, 5, 6}, {2, 3}), f64({1, 2}, {2}));
      },
      {"solve", "square", "[2, 3]"});
  expect_error([&] { solve(a.to(DType::i64), a.to(DType::i64)); }, {"solve", "floating", "i64"});
  expect_error([&] { solve(a, a.to(DType::f32)); }, {"solve", "different dtypes", "f32"});
  expect_error([&] { solve(f64({1, 2, 3}, {3}), f64({1, 2, 3}, {3})); }, {"solve", "matrix"});
  expect_error([&] { solve(a, Tensor()); }, "solve");
  // Row 2 is twice row 1: elimination leaves an exact zero pivot.
  expect_error(
      [&] {
        solve(f64({1, 2, 2, 4}, {2, 2}), f64({1, 2}, {2}));
      },
      {"solve", "singular", "U[1, 1]"});
}

TEST(Lstsq, LineThroughThreePointsByTheNormalEquations) {
  // y = c0 + c1·t through (0, 1), (1, 2), (2, 2): AᵀA = [[3, 3], [3, 5]],
  // Aᵀy = (5, 6), so c0 = (5·5 − 3·6)/6 = 7/6 and c1 = (3·6 − 3·5)/6 = 1/2.
  const Tensor a = f64({1, 0, 1, 1, 1, 2}, {3, 2});
  const Tensor c = lstsq(a, f64({1, 2, 2}, {3}));
  EXPECT_EQ(c.shape(), (Shape{2}));
  expect_values(c, {7.0 / 6.0, 0.5}, 1e-14);
  // Two right-hand sides at once, and f32.
  const Tensor c2 = lstsq(a.to(DType::f32), f64({1, 0, 2, 1, 2, 2}, {3, 2}).to(DType::f32));
  EXPECT_EQ(c2.shape(), (Shape{2, 2}));
  EXPECT_EQ(c2.dtype(), DType::f32);
  // Second column: points (0, 0), (1, 1), (2, 2) lie on y = t exactly.
  expect_values(c2, {7.0 / 6.0, 0, 0.5, 1}, 1e-6);
}

TEST(Lstsq, MinimumNormForAnUnderdeterminedSystem) {
  // x1 + x2 = 2: the solution nearest the origin is (1, 1).
  expect_values(lstsq(f64({1, 1}, {1, 2}), f64({2}, {1})), {1, 1}, 1e-14);
}

TEST(Lstsq, SquareSystemsAgreeWithSolve) {
  const Tensor a = f64({0, 2, 1, 1, 1, 1, 2, 1, 0}, {3, 3});
  expect_values(lstsq(a, f64({7, 6, 4}, {3})), {1, 2, 3}, 1e-13);
}

TEST(Lstsq, Errors) {
  const Tensor a = f64({1, 0, 1, 1, 1, 2}, {3, 2});
  expect_error([&] { lstsq(a, f64({1, 2}, {2})); }, {"lstsq", "[3, 2]", "[2]"});
  expect_error(
      [&] {
        lstsq(a.to(DType::i64), f64({1, 2, 3}, {3}).to(DType::i64));
      },
      {"lstsq", "floating"});
  expect_error([&] { lstsq(a, f64({1, 2, 3}, {3}).to(DType::f32)); }, {"lstsq", "dtypes"});
  expect_error(
      [&] {
        lstsq(zeros({0, 2}, DType::f64), zeros({0}, DType::f64));
      },
      {"lstsq", "empty"});
  // A zero column: the triangular factor has an exact zero on its diagonal.
  expect_error(
      [&] {
        lstsq(f64({1, 0, 2, 0, 3, 0}, {3, 2}), f64({1, 2, 3}, {3}));
      },
      {"lstsq", "full rank", "1"});
}

}  // namespace
}  // namespace nabla
