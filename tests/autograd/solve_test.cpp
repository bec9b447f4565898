// Gradients of solve and lstsq: gradcheck with a vector and a matrix (several
// right-hand sides) b, a transposed view as A, tall and square least-squares
// systems; gradients worked out by hand; and the errors.
#include <gtest/gtest.h>

#include "autograd/grad_mode.h"
#include "autograd/reduce.h"
#include "autograd/shape_ops.h"
#include "autograd/solve.h"
#include "gradcheck_case.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_all_near;
using testing::expect_error;
using testing::expect_gradcheck;
using testing::leaf;
using testing::random;

// A random n x n matrix plus 3·I: well conditioned, so finite differences are exact enough.
Tensor well_conditioned(std::int64_t n, std::uint64_t seed) {
  return random({n, n}, seed) + 3.0 * eye(n, -1, DType::f64);
}

Variable solve_fn(const std::vector<Variable>& v) {
  return solve(v[0], v[1]);
}

Variable lstsq_fn(const std::vector<Variable>& v) {
  return lstsq(v[0], v[1]);
}

GRADCHECK_TEST(SolveBackward, VectorRightHandSide) {
  expect_gradcheck(solve_fn, {well_conditioned(3, 1), random({3}, 2)});
}

GRADCHECK_TEST(SolveBackward, SeveralRightHandSides) {
  // B [4, 3]: three systems with one A, whose gradient sums over them.
  expect_gradcheck(solve_fn, {well_conditioned(4, 3), random({4, 3}, 4)});
}

GRADCHECK_TEST(SolveBackward, TransposedViewAsA) {
  expect_gradcheck(solve_fn, {transpose(well_conditioned(3, 5), 0, 1), random({3, 2}, 6)});
}

GRADCHECK_TEST(LstsqBackward, TallSystemVectorRightHandSide) {
  // A [5, 3] of full column rank: the residual is not zero, so both terms of ∂L/∂A count.
  expect_gradcheck(lstsq_fn, {random({5, 3}, 7), random({5}, 8)});
}

GRADCHECK_TEST(LstsqBackward, TallSystemSeveralRightHandSides) {
  expect_gradcheck(lstsq_fn, {random({6, 2}, 9), random({6, 3}, 10)});
}

GRADCHECK_TEST(LstsqBackward, SquareSystemIsSolve) {
  expect_gradcheck(lstsq_fn, {well_conditioned(3, 11), random({3}, 12)});
}

TEST(SolveBackward, DiagonalSystemByHand) {
  // x_i = b_i / A_ii with A = diag(2, 4), b = (2, 4): x = (1, 1). For L = x_1 + x_2,
  // ∂L/∂b_i = 1/A_ii = (0.5, 0.25) and ∂L/∂A_ij = −(∂L/∂b_i)·x_j.
  Variable a = leaf({2, 0, 0, 4}, {2, 2});
  Variable b = leaf({2, 4}, {2});
  sum(solve(a, b)).backward();
  expect_all_near(testing::values(b.grad()), {0.5, 0.25});
  expect_all_near(testing::values(a.grad()), {-0.5, -0.5, -0.25, -0.25});
}

TEST(LstsqBackward, LineFitByTheNormalEquations) {
  // c = (AᵀA)⁻¹Aᵀy for the line c0 + c1·t through t = 0, 1, 2: (AᵀA)⁻¹ = [[5, −3], [−3, 3]]/6,
  // so ∂c0/∂y = (5·[1, 1, 1] − 3·[0, 1, 2])/6 = (5, 2, −1)/6.
  Variable a(from_vector<double>({1, 0, 1, 1, 1, 2}, {3, 2}));
  Variable y = leaf({1, 2, 2}, {3});
  Variable c = lstsq(a, y);
  select(c, 0, 0).backward();
  expect_all_near(testing::values(y.grad()), {5.0 / 6, 2.0 / 6, -1.0 / 6}, 1e-14);
}

TEST(SolveBackward, Errors) {
  // Singular: the second row is twice the first.
  expect_error(
      [] {
        solve(leaf({1, 2, 2, 4}, {2, 2}), leaf({1, 2}, {2}));
      },
      {"solve", "singular", "U[1, 1]"});
  expect_error(
      [] {
        solve(leaf({1, 0, 0, 1}, {2, 2}), leaf({1, 2, 3}, {3}));
      },
      {"solve", "[2, 2]", "[3]"});
  expect_error(
      [] {
        solve(leaf({1, 2, 3, 4, 5, 6}, {2, 3}), leaf({1, 2}, {2}));
      },
      {"solve", "square", "[2, 3]"});
}

TEST(LstsqBackward, UnderdeterminedSystemsHaveNoGradient) {
  // x1 + x2 = 2: the minimum-norm solution (1, 1) is not differentiated.
  expect_error(
      [] {
        lstsq(leaf({1, 1}, {1, 2}), Variable(from_vector<double>({2}, {1})));
      },
      {"lstsq", "[1, 2]", "m = 1 < n = 2", "NoGradGuard"});
  expect_error(
      [] {
        lstsq(Variable(from_vector<double>({1, 1}, {1, 2})), leaf({2}, {1}));
      },
      {"lstsq", "underdetermined"});
  // Without a gradient to record it is the Tensor kernel's answer.
  NoGradGuard no_grad;
  const Variable x = lstsq(leaf({1, 1}, {1, 2}), leaf({2}, {1}));
  expect_all_near(testing::values(x.value()), {1, 1}, 1e-14);
  EXPECT_FALSE(x.requires_grad());
}

TEST(LstsqBackward, RankDeficientA) {
  expect_error(
      [] {
        lstsq(leaf({1, 0, 1, 0, 1, 0}, {3, 2}), leaf({1, 2, 3}, {3}));
      },
      {"lstsq", "full rank"});
}

}  // namespace
}  // namespace nabla
