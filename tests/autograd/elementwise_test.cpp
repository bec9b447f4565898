// Elementwise ops on Variables: a gradcheck for every node (broadcasting both
// ways, every scalar overload and operator, non-contiguous and size-1 inputs,
// f32 operands mixed with f64), the documented gradients at kinks and ties,
// hand-derived gradient values, dtypes, no_grad and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/shape_ops.h"
#include "gradcheck_case.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_all_near;
using testing::expect_error;
using testing::expect_gradcheck;
using testing::f64;
using testing::leaf;
using testing::random;
using testing::transposed;
using testing::values;
using Vars = std::vector<Variable>;

// Standard normal values pushed at least 0.3 away from 0 (for kinks and poles at 0).
Tensor away_from_zero(const Shape& shape, std::uint64_t seed) {
  Tensor r = random(shape, seed);
  return r + sign(r) * 0.3;
}

// Uniform values in [0.5, 2) (for log, sqrt, a base of pow, a divisor).
Tensor positive(const Shape& shape, std::uint64_t seed) {
  Generator gen(seed);
  return rand(shape, gen, DType::f64) * 1.5 + 0.5;
}

// Backpropagates ones from y (any shape).
void backward_ones(const Variable& y) {
  y.backward(ones(y.shape(), y.dtype()));
}

// ---- add / sub ---------------------------------------------------------------

GRADCHECK_TEST(AddBackward, BroadcastEachWay) {
  auto fn = [](const Vars& v) { return add(v[0], v[1]); };
  expect_gradcheck(fn, {random({2, 3}, 1), random({3}, 2)});
  expect_gradcheck(fn, {random({3}, 3), random({2, 3}, 4)});
  expect_gradcheck(fn, {random({2, 1}, 5), random({1, 3}, 6)});
  expect_gradcheck(fn, {random({}, 7), random({2, 3}, 8)});
}

GRADCHECK_TEST(AddBackward, OperatorNonContiguousAndF32Constant) {
  expect_gradcheck([](const Vars& v) { return v[0] + v[1]; }, {transposed(9), random({3, 1}, 10)});
  const Tensor c = random({3, 4}, 11).to(DType::f32);
  expect_gradcheck([&](const Vars& v) { return v[0] + c; }, {transposed(12)});
}

GRADCHECK_TEST(AddScalarBackward, EveryOverload) {
  const Tensor x = random({2, 3}, 13);
  expect_gradcheck([](const Vars& v) { return add(v[0], 1.5); }, {x});
  expect_gradcheck([](const Vars& v) { return add(-2.0, v[0]); }, {x});
  expect_gradcheck([](const Vars& v) { return sub(v[0], 0.5); }, {transposed(14)});
  expect_gradcheck([](const Vars& v) { return v[0] + 1.0; }, {random({1, 3}, 15)});
  expect_gradcheck([](const Vars& v) { return 1.0 + v[0]; }, {x});
  expect_gradcheck([](const Vars& v) { return v[0] - 3.0; }, {x});
}

GRADCHECK_TEST(SubBackward, BroadcastEachWay) {
  auto fn = [](const Vars& v) { return sub(v[0], v[1]); };
  expect_gradcheck(fn, {random({2, 3}, 16), random({3}, 17)});
  expect_gradcheck(fn, {random({2, 1}, 18), random({2, 3}, 19)});
  expect_gradcheck([](const Vars& v) { return v[0] - v[1]; }, {transposed(20), random({1, 4}, 21)});
}

GRADCHECK_TEST(ScalarSubBackward, FunctionAndOperator) {
  expect_gradcheck([](const Vars& v) { return sub(2.0, v[0]); }, {random({2, 3}, 22)});
  expect_gradcheck([](const Vars& v) { return 1.0 - v[0]; }, {transposed(23)});
}

// ---- mul / div -----------------------------------------------------------------

GRADCHECK_TEST(MulBackward, BroadcastEachWay) {
  auto fn = [](const Vars& v) { return mul(v[0], v[1]); };
  expect_gradcheck(fn, {random({2, 3}, 24), random({3}, 25)});
  expect_gradcheck(fn, {random({3}, 26), random({2, 3}, 27)});
  expect_gradcheck(fn, {random({2, 1}, 28), random({1, 3}, 29)});
}

GRADCHECK_TEST(MulBackward, NonContiguousSameInputAndF32Constant) {
  expect_gradcheck([](const Vars& v) { return v[0] * v[1]; }, {transposed(30), transposed(31)});
  expect_gradcheck([](const Vars& v) { return v[0] * v[0]; }, {random({2, 2}, 32)});
  const Tensor c = random({3}, 33).to(DType::f32);
  expect_gradcheck([&](const Vars& v) { return v[0] * c; }, {random({2, 3}, 34)});
}

GRADCHECK_TEST(MulScalarBackward, EveryOverload) {
  expect_gradcheck([](const Vars& v) { return mul(v[0], 2.5); }, {random({2, 3}, 35)});
  expect_gradcheck([](const Vars& v) { return mul(-0.5, v[0]); }, {transposed(36)});
  expect_gradcheck([](const Vars& v) { return v[0] * 3.0; }, {random({1, 3}, 37)});
  expect_gradcheck([](const Vars& v) { return 3.0 * v[0]; }, {random({2}, 38)});
}

GRADCHECK_TEST(DivBackward, BroadcastEachWay) {
  auto fn = [](const Vars& v) { return div(v[0], v[1]); };
  expect_gradcheck(fn, {random({2, 3}, 39), positive({3}, 40)});
  expect_gradcheck(fn, {random({3}, 41), away_from_zero({2, 3}, 42)});
  expect_gradcheck(fn, {random({2, 1}, 43), positive({1, 3}, 44)});
}

GRADCHECK_TEST(DivBackward, OperatorNonContiguousAndF32Constant) {
  expect_gradcheck([](const Vars& v) { return v[0] / v[1]; },
                   {transposed(45), transpose(positive({4, 3}, 46), 0, 1)});
  const Tensor c = positive({2, 3}, 47).to(DType::f32);
  expect_gradcheck([&](const Vars& v) { return c / v[0]; }, {away_from_zero({3}, 48)});
}

GRADCHECK_TEST(DivScalarBackward, FunctionAndOperator) {
  expect_gradcheck([](const Vars& v) { return div(v[0], 4.0); }, {random({2, 3}, 49)});
  expect_gradcheck([](const Vars& v) { return v[0] / -0.5; }, {transposed(50)});
}

GRADCHECK_TEST(ScalarDivBackward, FunctionAndOperator) {
  expect_gradcheck([](const Vars& v) { return div(3.0, v[0]); }, {away_from_zero({2, 3}, 51)});
  expect_gradcheck([](const Vars& v) { return 1.0 / v[0]; },
                   {transpose(away_from_zero({4, 3}, 52), 0, 1)});
}

// ---- pow -----------------------------------------------------------------------

GRADCHECK_TEST(PowBackward, BroadcastEachWay) {
  auto fn = [](const Vars& v) { return pow(v[0], v[1]); };
  expect_gradcheck(fn, {positive({2, 3}, 53), random({3}, 54)});
  expect_gradcheck(fn, {positive({3}, 55), random({2, 3}, 56)});
  expect_gradcheck(fn, {positive({2, 1}, 57), random({1, 3}, 58)});
  expect_gradcheck(fn, {positive({}, 59), random({2, 2}, 60)});
}

GRADCHECK_TEST(PowBackward, NonContiguousAndF32Constant) {
  expect_gradcheck([](const Vars& v) { return pow(v[0], v[1]); },
                   {transpose(positive({4, 3}, 61), 0, 1), transposed(62)});
  // A negative base with a constant integer exponent: only d/da is checked.
  const Tensor b = f64({2, 3, -1}, {3}).to(DType::f32);
  expect_gradcheck([&](const Vars& v) { return pow(v[0], b); }, {away_from_zero({2, 3}, 63)});
}

GRADCHECK_TEST(PowScalarBackward, IntegerFractionalAndNegativeExponents) {
  expect_gradcheck([](const Vars& v) { return pow(v[0], 3.0); }, {random({2, 3}, 64)});
  expect_gradcheck([](const Vars& v) { return pow(v[0], 2.5); }, {positive({2, 3}, 65)});
  expect_gradcheck([](const Vars& v) { return pow(v[0], -1.5); },
                   {transpose(positive({4, 3}, 66), 0, 1)});
  expect_gradcheck([](const Vars& v) { return pow(v[0], 0.0); }, {random({3}, 67)});
}

GRADCHECK_TEST(ScalarPowBackward, BasesAboveAndBelowOne) {
  expect_gradcheck([](const Vars& v) { return pow(2.0, v[0]); }, {random({2, 3}, 68)});
  expect_gradcheck([](const Vars& v) { return pow(0.5, v[0]); }, {transposed(69)});
}

// ---- maximum / minimum ---------------------------------------------------------

// Distinct values (no ties within 1e-6), for the extrema's gradchecks.
Tensor grid_a() {
  return f64({0.3, -1.2, 2.0, 0.8, -0.4, 1.1}, {2, 3});
}

GRADCHECK_TEST(MaximumBackward, BroadcastEachWay) {
  auto fn = [](const Vars& v) { return maximum(v[0], v[1]); };
  expect_gradcheck(fn, {grid_a(), f64({0.1, 0.5, -0.7}, {3})});
  expect_gradcheck(fn, {f64({0.1, 0.5, -0.7}, {3}), grid_a()});
  expect_gradcheck(fn, {f64({0.05, 0.95}, {2, 1}), grid_a()});
  expect_gradcheck([](const Vars& v) { return maximum(v[0], v[1]); },
                   {transpose(f64({0.3, -1.2, 2.0, 0.8, -0.4, 1.1}, {3, 2}), 0, 1),
                    f64({0.2, 0.6, 1.5}, {1, 3})});
}

GRADCHECK_TEST(MaximumBackward, ScalarOverload) {
  expect_gradcheck([](const Vars& v) { return maximum(v[0], 0.5); }, {grid_a()});
}

GRADCHECK_TEST(MinimumBackward, BroadcastEachWay) {
  auto fn = [](const Vars& v) { return minimum(v[0], v[1]); };
  expect_gradcheck(fn, {grid_a(), f64({0.1, 0.5, -0.7}, {3})});
  expect_gradcheck(fn, {f64({0.05, 0.95}, {2, 1}), grid_a()});
  expect_gradcheck([](const Vars& v) { return minimum(v[0], v[1]); },
                   {transpose(f64({0.3, -1.2, 2.0, 0.8, -0.4, 1.1}, {3, 2}), 0, 1),
                    f64({0.2, 0.6, 1.5}, {1, 3})});
}

GRADCHECK_TEST(MinimumBackward, ScalarOverload) {
  expect_gradcheck([](const Vars& v) { return minimum(v[0], 0.5); }, {grid_a()});
}

TEST(MaximumBackward, TiesSplitTheGradientEqually) {
  // max(a, b) at a == b: each input gets grad_out / 2; elsewhere the larger gets it all.
  Variable a = leaf({1.0, 2.0, -3.0}, {3});
  Variable b = leaf({1.0, 0.0, -1.0}, {3});
  maximum(a, b).backward(f64({4.0, 4.0, 4.0}, {3}));
  EXPECT_EQ(values(a.grad()), (std::vector<double>{2.0, 4.0, 0.0}));
  EXPECT_EQ(values(b.grad()), (std::vector<double>{2.0, 0.0, 4.0}));
}

TEST(MaximumBackward, TiesWithAScalarPassHalf) {
  Variable x = leaf({0.5, 1.0, 0.0}, {3});
  backward_ones(maximum(x, 0.5));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0.5, 1.0, 0.0}));
}

TEST(MinimumBackward, TiesSplitTheGradientEqually) {
  Variable a = leaf({1.0, 2.0, -3.0}, {3});
  Variable b = leaf({1.0, 0.0, -1.0}, {3});
  backward_ones(minimum(a, b));
  EXPECT_EQ(values(a.grad()), (std::vector<double>{0.5, 0.0, 1.0}));
  EXPECT_EQ(values(b.grad()), (std::vector<double>{0.5, 1.0, 0.0}));
  Variable x = leaf({0.5, 1.0, 0.0}, {3});
  backward_ones(minimum(x, 0.5));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0.5, 0.0, 1.0}));
}

TEST(MaximumBackward, BroadcastTiesSumOverCopies) {
  // b [1] is compared with every a_i: ties at a_0 and a_2 give b 0.5 + 0 + 0.5 + 1 = 2.
  Variable a = leaf({1.0, 3.0, 1.0, 0.0}, {4});
  Variable b = leaf({1.0}, {1});
  backward_ones(maximum(a, b));
  EXPECT_EQ(values(a.grad()), (std::vector<double>{0.5, 1.0, 0.5, 0.0}));
  EXPECT_EQ(values(b.grad()), (std::vector<double>{2.0}));
}

// ---- unary math ----------------------------------------------------------------

GRADCHECK_TEST(NegBackward, FunctionAndOperator) {
  expect_gradcheck([](const Vars& v) { return neg(v[0]); }, {random({2, 3}, 70)});
  expect_gradcheck([](const Vars& v) { return -v[0]; }, {transposed(71)});
}

GRADCHECK_TEST(AbsBackward, AwayFromZero) {
  expect_gradcheck([](const Vars& v) { return abs(v[0]); }, {away_from_zero({2, 3}, 72)});
  expect_gradcheck([](const Vars& v) { return abs(v[0]); },
                   {transpose(away_from_zero({4, 3}, 73), 0, 1)});
}

GRADCHECK_TEST(SignBackward, ZeroAwayFromZero) {
  expect_gradcheck([](const Vars& v) { return sign(v[0]); }, {away_from_zero({2, 3}, 74)});
}

GRADCHECK_TEST(SquareBackward, RandomAndNonContiguous) {
  expect_gradcheck([](const Vars& v) { return square(v[0]); }, {random({2, 1, 3}, 75)});
  expect_gradcheck([](const Vars& v) { return square(v[0]); }, {transposed(76)});
}

GRADCHECK_TEST(ExpBackward, RandomAndNonContiguous) {
  expect_gradcheck([](const Vars& v) { return exp(v[0]); }, {random({2, 3}, 77)});
  expect_gradcheck([](const Vars& v) { return exp(v[0]); }, {transposed(78)});
}

GRADCHECK_TEST(LogBackward, PositiveInputs) {
  expect_gradcheck([](const Vars& v) { return log(v[0]); }, {positive({2, 3}, 79)});
  expect_gradcheck([](const Vars& v) { return log(v[0]); },
                   {transpose(positive({4, 3}, 80), 0, 1)});
}

GRADCHECK_TEST(Log1pBackward, AboveMinusOne) {
  // x in [-0.5, 1): away from the pole at -1, and small x where log1p matters.
  expect_gradcheck([](const Vars& v) { return log1p(v[0]); }, {positive({2, 3}, 81) - 1.0});
  expect_gradcheck([](const Vars& v) { return log1p(v[0]); }, {f64({1e-9, -1e-9, 0.0}, {3, 1})});
}

GRADCHECK_TEST(SqrtBackward, PositiveInputs) {
  expect_gradcheck([](const Vars& v) { return sqrt(v[0]); }, {positive({2, 3}, 82)});
  expect_gradcheck([](const Vars& v) { return sqrt(v[0]); },
                   {transpose(positive({4, 3}, 83), 0, 1)});
}

GRADCHECK_TEST(RsqrtBackward, PositiveInputs) {
  expect_gradcheck([](const Vars& v) { return rsqrt(v[0]); }, {positive({2, 3}, 84)});
}

GRADCHECK_TEST(ReciprocalBackward, AwayFromZero) {
  expect_gradcheck([](const Vars& v) { return reciprocal(v[0]); }, {away_from_zero({2, 3}, 85)});
}

GRADCHECK_TEST(SinBackward, RandomAndNonContiguous) {
  expect_gradcheck([](const Vars& v) { return sin(v[0]); }, {random({2, 3}, 86)});
  expect_gradcheck([](const Vars& v) { return sin(v[0]); }, {transposed(87)});
}

GRADCHECK_TEST(CosBackward, RandomAndNonContiguous) {
  expect_gradcheck([](const Vars& v) { return cos(v[0]); }, {random({2, 3}, 88)});
  expect_gradcheck([](const Vars& v) { return cos(v[0]); }, {transposed(89)});
}

// ---- activations ---------------------------------------------------------------

GRADCHECK_TEST(TanhBackward, RandomAndNonContiguous) {
  expect_gradcheck([](const Vars& v) { return tanh(v[0]); }, {random({2, 3}, 90)});
  expect_gradcheck([](const Vars& v) { return tanh(v[0]); }, {transposed(91)});
}

GRADCHECK_TEST(SigmoidBackward, RandomAndLargeInputs) {
  expect_gradcheck([](const Vars& v) { return sigmoid(v[0]); }, {random({2, 3}, 92)});
  expect_gradcheck([](const Vars& v) { return sigmoid(v[0]); },
                   {f64({-30.0, -8.0, 8.0, 30.0}, {4})});
}

GRADCHECK_TEST(ReluBackward, AwayFromZero) {
  expect_gradcheck([](const Vars& v) { return relu(v[0]); }, {away_from_zero({2, 3}, 93)});
  expect_gradcheck([](const Vars& v) { return relu(v[0]); },
                   {transpose(away_from_zero({4, 3}, 94), 0, 1)});
}

GRADCHECK_TEST(LeakyReluBackward, DefaultAndCustomSlope) {
  expect_gradcheck([](const Vars& v) { return leaky_relu(v[0]); }, {away_from_zero({2, 3}, 95)});
  expect_gradcheck([](const Vars& v) { return leaky_relu(v[0], 0.2); },
                   {transpose(away_from_zero({4, 3}, 96), 0, 1)});
}

GRADCHECK_TEST(EluBackward, DefaultAndCustomAlpha) {
  expect_gradcheck([](const Vars& v) { return elu(v[0]); }, {away_from_zero({2, 3}, 97)});
  expect_gradcheck([](const Vars& v) { return elu(v[0], 0.5); },
                   {transpose(away_from_zero({4, 3}, 98), 0, 1)});
}

GRADCHECK_TEST(GeluBackward, Exact) {
  expect_gradcheck([](const Vars& v) { return gelu(v[0]); }, {random({2, 3}, 99)});
  // Near 0 (where Phi is read as y / x) and in both tails.
  expect_gradcheck([](const Vars& v) { return gelu(v[0]); },
                   {f64({1e-3, -1e-3, 0.0, -4.0, 4.0, -9.0}, {6})});
}

GRADCHECK_TEST(GeluBackward, TanhApproximation) {
  expect_gradcheck([](const Vars& v) { return gelu(v[0], true); }, {random({2, 3}, 100)});
  expect_gradcheck([](const Vars& v) { return gelu(v[0], true); }, {f64({0.0, -4.0, 4.0}, {3})});
}

GRADCHECK_TEST(SoftplusBackward, DefaultAndBothBranches) {
  expect_gradcheck([](const Vars& v) { return softplus(v[0]); }, {random({2, 3}, 101)});
  // beta = 2, threshold = 1: beta x > 1 (x > 0.5) takes the linear branch.
  expect_gradcheck([](const Vars& v) { return softplus(v[0], 2.0, 1.0); },
                   {f64({-1.0, 0.2, 0.4, 0.6, 0.9, 3.0}, {2, 3})});
  expect_gradcheck([](const Vars& v) { return softplus(v[0], -1.5); }, {transposed(102)});
}

// ---- clamp ---------------------------------------------------------------------

// Values at least 0.05 from the bounds -0.5 and 0.5 used below.
Tensor clamp_input() {
  return f64({-1.0, -0.3, 0.0, 0.45, 0.7, 2.0}, {2, 3});
}

GRADCHECK_TEST(ClampBackward, BothBounds) {
  expect_gradcheck([](const Vars& v) { return clamp(v[0], -0.5, 0.5); }, {clamp_input()});
  expect_gradcheck([](const Vars& v) { return clamp(v[0], -0.5, 0.5); },
                   {transpose(f64({-1.0, -0.3, 0.0, 0.45, 0.7, 2.0}, {3, 2}), 0, 1)});
}

GRADCHECK_TEST(ClampBackward, OneSided) {
  expect_gradcheck([](const Vars& v) { return clamp_min(v[0], -0.5); }, {clamp_input()});
  expect_gradcheck([](const Vars& v) { return clamp_max(v[0], 0.5); }, {clamp_input()});
}

// ---- gradients at kinks (the documented subgradients) --------------------------

TEST(ReluBackward, ZeroGradientAtZero) {
  Variable x = leaf({-1.0, 0.0, 2.0}, {3});
  backward_ones(relu(x));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0.0, 0.0, 1.0}));
}

TEST(AbsBackward, ZeroGradientAtZero) {
  Variable x = leaf({-2.0, 0.0, 3.0}, {3});
  backward_ones(abs(x));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{-1.0, 0.0, 1.0}));
}

TEST(SignBackward, GradientIsDefinedZeros) {
  Variable x = leaf({-2.0, 0.0, 3.0}, {3});
  backward_ones(sign(x));
  ASSERT_TRUE(x.grad().defined());
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0.0, 0.0, 0.0}));
}

TEST(LeakyReluBackward, SlopeAtZero) {
  Variable x = leaf({-1.0, 0.0, 2.0}, {3});
  backward_ones(leaky_relu(x, 0.1));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0.1, 0.1, 1.0}));
}

TEST(EluBackward, AlphaAtZero) {
  // elu'(x) = alpha e^x for x <= 0: alpha at 0, 0.5 e^-1 at -1; 1 for x > 0.
  Variable x = leaf({-1.0, 0.0, 2.0}, {3});
  backward_ones(elu(x, 0.5));
  expect_all_near(values(x.grad()), {0.5 * std::exp(-1.0), 0.5, 1.0});
}

TEST(ClampBackward, PassesOnTheClosedInterval) {
  // clamp to [-1, 1]: the bounds themselves pass the gradient, outside gets 0.
  Variable x = leaf({-2.0, -1.0, 0.0, 1.0, 2.0}, {5});
  backward_ones(clamp(x, -1.0, 1.0));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0, 1, 1, 1, 0}));
  Variable lo = leaf({-2.0, -1.0, 5.0}, {3});
  backward_ones(clamp_min(lo, -1.0));
  EXPECT_EQ(values(lo.grad()), (std::vector<double>{0, 1, 1}));
  Variable hi = leaf({-5.0, 1.0, 2.0}, {3});
  backward_ones(clamp_max(hi, 1.0));
  EXPECT_EQ(values(hi.grad()), (std::vector<double>{1, 1, 0}));
  Variable point = leaf({0.9, 1.0, 1.1}, {3});  // min == max: only x == 1 passes
  backward_ones(clamp(point, 1.0, 1.0));
  EXPECT_EQ(values(point.grad()), (std::vector<double>{0, 1, 0}));
}

TEST(PowBackward, GradientsAtZeroBaseAndZeroExponent) {
  // a = [0, 0, 0, 2], b = [2, 0, 0.5, 0]:
  // d/da = b a^(b-1) = [0, 0 (b == 0), inf, 0 (b == 0)];
  // d/db = a^b ln a = [0, 0, 0] where a == 0 and b >= 0, and 2^0 ln 2 = ln 2.
  Variable a = leaf({0.0, 0.0, 0.0, 2.0}, {4});
  Variable b = leaf({2.0, 0.0, 0.5, 0.0}, {4});
  backward_ones(pow(a, b));
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(values(a.grad()), (std::vector<double>{0.0, 0.0, inf, 0.0}));
  expect_all_near(values(b.grad()), {0.0, 0.0, 0.0, std::log(2.0)});
}

TEST(PowScalarBackward, ZeroExponentGivesZeroGradient) {
  // x^0 = 1 is constant: the gradient is 0 even at x = 0 (not 0 * 0^-1).
  Variable x = leaf({0.0, 2.0}, {2});
  backward_ones(pow(x, 0.0));
  ASSERT_TRUE(x.grad().defined());
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0.0, 0.0}));
}

TEST(ScalarPowBackward, ZeroBase) {
  // 0^x: d/dx = 0^x ln 0 is taken as 0 where x >= 0.
  Variable x = leaf({0.0, 1.5}, {2});
  backward_ones(pow(0.0, x));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0.0, 0.0}));
}

TEST(GeluBackward, HalfAtZero) {
  // gelu'(0) = Phi(0) + 0 phi(0) = 1/2, in both forms.
  Variable x = leaf({0.0}, {1});
  backward_ones(gelu(x));
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 0.5);
  Variable t = leaf({0.0}, {1});
  backward_ones(gelu(t, true));
  EXPECT_DOUBLE_EQ(t.grad().item<double>(), 0.5);
}

TEST(SoftplusBackward, OneOnTheLinearBranch) {
  // Above the threshold the forward returns x, so the gradient is exactly 1.
  Variable x = leaf({25.0, 0.0}, {2});
  backward_ones(softplus(x));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{1.0, 0.5}));  // sigmoid(0) = 1/2
}

// ---- hand-computed values ------------------------------------------------------

TEST(DivBackward, HandComputedValues) {
  // y = a / b at a = 3, b = 2: dy/da = 1/b = 0.5, dy/db = -a/b^2 = -0.75.
  Variable a = leaf({3.0}, {});
  Variable b = leaf({2.0}, {});
  (a / b).backward();
  EXPECT_DOUBLE_EQ(a.grad().item<double>(), 0.5);
  EXPECT_DOUBLE_EQ(b.grad().item<double>(), -0.75);
}

TEST(ScalarDivBackward, HandComputedValue) {
  // y = 6 / x at x = 2: dy/dx = -6 / x^2 = -1.5.
  Variable x = leaf({2.0}, {});
  (6.0 / x).backward();
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), -1.5);
}

TEST(PowBackward, HandComputedValues) {
  // y = a^b at a = 2, b = 3: dy/da = b a^(b-1) = 12, dy/db = a^b ln a = 8 ln 2.
  Variable a = leaf({2.0}, {});
  Variable b = leaf({3.0}, {});
  pow(a, b).backward();
  EXPECT_DOUBLE_EQ(a.grad().item<double>(), 12.0);
  EXPECT_NEAR(b.grad().item<double>(), 8.0 * std::log(2.0), 1e-14);
}

TEST(SubBackward, ChainOfScalarAndTensorOps) {
  // y = (3 - a) * (b - 1) + 2 / a at a = 2, b = 5:
  // dy/da = -(b - 1) - 2 / a^2 = -4 - 0.5 = -4.5; dy/db = 3 - a = 1.
  Variable a = leaf({2.0}, {});
  Variable b = leaf({5.0}, {});
  Variable y = (3.0 - a) * (b - 1.0) + 2.0 / a;
  y.backward();
  EXPECT_DOUBLE_EQ(a.grad().item<double>(), -4.5);
  EXPECT_DOUBLE_EQ(b.grad().item<double>(), 1.0);
}

TEST(RsqrtBackward, HandComputedValue) {
  // d x^(-1/2)/dx = -1/2 x^(-3/2) = -1/2 * 1/8 = -1/16 at x = 4.
  Variable x = leaf({4.0}, {});
  rsqrt(x).backward();
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), -1.0 / 16.0);
}

TEST(SigmoidBackward, QuarterAtZero) {
  // sigmoid'(0) = 1/2 (1 - 1/2) = 1/4.
  Variable x = leaf({0.0}, {});
  sigmoid(x).backward();
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 0.25);
}

TEST(GeluBackward, ExactFormulaValues) {
  // gelu'(x) = Phi(x) + x phi(x) with Phi(x) = (1 + erf(x / sqrt 2)) / 2,
  // phi(x) = e^(-x^2/2) / sqrt(2 pi); gelu'(1) = 0.8413447 + 0.2419707.
  const std::vector<double> xs = {1.0, -0.7, 2.5};
  Variable x = leaf(xs, {3});
  backward_ones(gelu(x));
  std::vector<double> expected;
  for (double v : xs) {
    const double cdf = 0.5 * (1 + std::erf(v / std::numbers::sqrt2));
    const double pdf = std::exp(-0.5 * v * v) / std::sqrt(2 * std::numbers::pi);
    expected.push_back(cdf + v * pdf);
  }
  expect_all_near(values(x.grad()), expected, 1e-14);
  EXPECT_NEAR(expected[0], 1.0833155, 1e-7);
}

TEST(SoftplusBackward, SigmoidOfBetaX) {
  // d/dx ln(1 + e^(beta x)) / beta = sigmoid(beta x) = 1 / (1 + e^-2) at beta = 2, x = 1.
  Variable x = leaf({1.0}, {});
  softplus(x, 2.0).backward();
  EXPECT_NEAR(x.grad().item<double>(), 1.0 / (1.0 + std::exp(-2.0)), 1e-15);
}

// ---- dtypes, constants, no_grad ------------------------------------------------

TEST(ElementwiseDtypes, F32InputsGiveF32Gradients) {
  Variable x(from_vector(std::vector<float>{0.5F, -1.0F}, {2}), true);
  Variable y = exp(tanh(x) * 2.0) / (x + 3.0);
  EXPECT_EQ(y.dtype(), DType::f32);
  backward_ones(y);
  EXPECT_EQ(x.grad().dtype(), DType::f32);
  // f64 reference for y = e^(2 tanh x) / (x + 3):
  // dy/dx = e^(2t) (2 (1 - t^2) (x + 3) - 1) / (x + 3)^2.
  const std::vector<double> g = values(x.grad());
  for (std::size_t i = 0; i < 2; ++i) {
    const double v = i == 0 ? 0.5 : -1.0, t = std::tanh(v);
    const double ref = std::exp(2 * t) * (2 * (1 - t * t) * (v + 3) - 1) / ((v + 3) * (v + 3));
    EXPECT_NEAR(g[i], ref, 1e-5 * std::abs(ref)) << "element " << i;
  }
}

TEST(ElementwiseDtypes, F32MixedWithF64GivesEachInputItsDtype) {
  // y = a / b with a f32 [2] and b f64 [2, 2]: y is f64; grads keep their dtypes
  // and a's gradient sums the rows: da_j = sum_i 1 / b_ij.
  Variable a(from_vector(std::vector<float>{1.0F, 2.0F}, {2}), true);
  Variable b = leaf({1.0, 2.0, 4.0, 8.0}, {2, 2});
  Variable y = a / b;
  EXPECT_EQ(y.dtype(), DType::f64);
  backward_ones(y);
  EXPECT_EQ(a.grad().dtype(), DType::f32);
  EXPECT_EQ(b.grad().dtype(), DType::f64);
  EXPECT_EQ(values(a.grad()), (std::vector<double>{1.25, 0.625}));
  // db_ij = -a_j / b_ij^2
  EXPECT_EQ(values(b.grad()), (std::vector<double>{-1.0, -0.5, -1.0 / 16, -2.0 / 64}));
}

TEST(ElementwiseConstants, TensorOperandIsAConstant) {
  // x * t with a plain Tensor t: t converts to a constant Variable; dy/dx = t.
  Variable x = leaf({1.0, 2.0}, {2});
  const Tensor t = f64({3.0, -4.0}, {2});
  Variable y = x * t + t;
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_FALSE(y.grad_fn()->needs_grad(1));
  const Node& mul_node = *y.grad_fn()->inputs()[0].node;
  EXPECT_STREQ(mul_node.name(), "MulBackward");
  EXPECT_TRUE(mul_node.needs_grad(0));
  EXPECT_FALSE(mul_node.needs_grad(1));
  backward_ones(y);
  EXPECT_EQ(values(x.grad()), (std::vector<double>{3.0, -4.0}));
  EXPECT_FALSE((Variable(t) * t).requires_grad());
}

TEST(ElementwiseConstants, IntegerVariablesPassThroughWithoutAGraph) {
  Variable i(from_vector(std::vector<std::int64_t>{-2, 3}, {2}));
  Variable y = maximum(abs(i) * 2.0, 5.0);
  EXPECT_EQ(y.dtype(), DType::i64);
  EXPECT_EQ(y.grad_fn(), nullptr);
  EXPECT_EQ(values(y.value()), (std::vector<double>{5, 6}));
  // The kernel's scalar dtype rule still applies: a non-integral bound gives f32.
  EXPECT_EQ(minimum(i, 0.5).dtype(), DType::f32);
}

TEST(ElementwiseNoGrad, RecordsNothing) {
  Variable a = leaf({1.0, 2.0}, {2});
  Variable b = leaf({0.5, 3.0}, {2});
  NoGradGuard guard;
  for (const Variable& y :
       {a + b, a - 1.0, 2.0 * a, a / b, pow(a, b), maximum(a, b), minimum(a, 0.5), -a, exp(a),
        relu(a), gelu(a), softplus(a), clamp(a, 0.0, 1.0)}) {
    EXPECT_EQ(y.grad_fn(), nullptr);
    EXPECT_FALSE(y.requires_grad());
  }
}

TEST(ElementwiseNodes, ScalarOverloadsShareTheirNode) {
  Variable x = leaf({1.0}, {1});
  EXPECT_STREQ((x + 1.0).grad_fn()->name(), "AddScalarBackward");
  EXPECT_STREQ((1.0 + x).grad_fn()->name(), "AddScalarBackward");
  EXPECT_STREQ((x - 1.0).grad_fn()->name(), "AddScalarBackward");
  EXPECT_STREQ((1.0 - x).grad_fn()->name(), "ScalarSubBackward");
  EXPECT_STREQ((2.0 * x).grad_fn()->name(), "MulScalarBackward");
  EXPECT_STREQ((x / 2.0).grad_fn()->name(), "DivScalarBackward");
  EXPECT_STREQ((2.0 / x).grad_fn()->name(), "ScalarDivBackward");
  EXPECT_STREQ(maximum(x, 0.0).grad_fn()->name(), "MaximumBackward");
  EXPECT_STREQ(minimum(x, 0.0).grad_fn()->name(), "MinimumBackward");
  EXPECT_STREQ(clamp_min(x, 0.0).grad_fn()->name(), "ClampBackward");
  EXPECT_STREQ(clamp_max(x, 0.0).grad_fn()->name(), "ClampBackward");
  EXPECT_STREQ((-x).grad_fn()->name(), "NegBackward");
}

// ---- errors --------------------------------------------------------------------

TEST(ElementwiseErrors, NameTheOpAndTheValues) {
  Variable a = Variable(zeros({2, 3}, DType::f64), true);
  Variable b = Variable(zeros({4}, DType::f64), true);
  expect_error([&] { add(a, b); }, {"add", "[2, 3]", "[4]"});
  expect_error([&] { (void)(a * b); }, {"mul", "[2, 3]", "[4]"});
  expect_error([&] { maximum(a, b); }, {"maximum", "[2, 3]", "[4]"});
  expect_error([&] { pow(a, b); }, {"pow", "[2, 3]", "[4]"});
  expect_error([&] { Variable(zeros({2}, DType::i64), true); }, {"Variable", "floating", "i64"});
  expect_error([&] { clamp(a, 1.0, -1.0); }, "clamp");
  expect_error([&] { softplus(a, 0.0); }, {"softplus", "beta"});
  expect_error([&] { log(Variable(zeros({2}, DType::i64))); }, {"log", "i64"});
}

}  // namespace
}  // namespace nabla
