// Reductions on Variables: a gradcheck for every node (dims, negative dims,
// keepdim, all-dims, non-contiguous and size-1 inputs), the documented
// gradients at ties and zeros, hand-derived gradient values, and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/node.h"
#include "autograd/reduce.h"
#include "gradcheck_case.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_all_near;
using testing::expect_error;
using testing::expect_gradcheck;
using testing::f64;
using testing::grad_of;
using testing::leaf;
using testing::random;
using testing::transposed;
using testing::values;
using Vars = std::vector<Variable>;

constexpr double kInf = std::numeric_limits<double>::infinity();

// ---- sum ---------------------------------------------------------------------

GRADCHECK_TEST(SumBackward, AllDims) {
  expect_gradcheck([](const Vars& v) { return sum(v[0]); }, {random({2, 3}, 1)});
}

GRADCHECK_TEST(SumBackward, DimsAndKeepdim) {
  expect_gradcheck([](const Vars& v) { return sum(v[0], {1}); }, {random({2, 3, 2}, 2)});
  expect_gradcheck([](const Vars& v) { return sum(v[0], {0, 2}, true); }, {random({2, 3, 2}, 3)});
}

GRADCHECK_TEST(SumBackward, NegativeDimsNonContiguousSizeOne) {
  expect_gradcheck([](const Vars& v) { return sum(v[0], {-1}); }, {transposed(4)});
  expect_gradcheck([](const Vars& v) { return sum(v[0], {-2}, true); }, {random({3, 1, 2}, 5)});
  expect_gradcheck([](const Vars& v) { return sum(v[0] * v[0], {0, -1}); }, {transposed(6)});
}

TEST(SumBackward, GradientIsOneForEveryElement) {
  // d/dx_ij sum_j x_ij = 1; with grad_out = [1, 2] row i gets grad_out_i.
  Variable x = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  Variable y = sum(x, {1});
  y.backward(f64({1, 2}, {2}));
  EXPECT_EQ(x.grad().shape(), Shape({2, 3}));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{1, 1, 1, 2, 2, 2}));
}

// ---- mean --------------------------------------------------------------------

GRADCHECK_TEST(MeanBackward, DimsKeepdimAllDims) {
  expect_gradcheck([](const Vars& v) { return mean(v[0]); }, {random({2, 3}, 7)});
  expect_gradcheck([](const Vars& v) { return mean(v[0], {1}, true); }, {random({2, 3, 2}, 8)});
  expect_gradcheck([](const Vars& v) { return mean(v[0], {-1, 0}); }, {transposed(9)});
  expect_gradcheck([](const Vars& v) { return mean(v[0], {1}); }, {random({4, 1}, 10)});
}

TEST(MeanBackward, GradientIsOneOverN) {
  // mean over dim 1 of a [2, 3]: d/dx_ij = 1/3; over all 6 elements: 1/6.
  Variable x = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  expect_all_near(grad_of(x, mean(x, {1})), std::vector<double>(6, 1.0 / 3));
  Variable z = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  expect_all_near(grad_of(z, mean(z)), std::vector<double>(6, 1.0 / 6));
}

// ---- prod --------------------------------------------------------------------

GRADCHECK_TEST(ProdBackward, DimsKeepdimAllDims) {
  expect_gradcheck([](const Vars& v) { return prod(v[0]); }, {random({2, 3}, 11)});
  expect_gradcheck([](const Vars& v) { return prod(v[0], {1}, true); }, {random({2, 3, 2}, 12)});
  expect_gradcheck([](const Vars& v) { return prod(v[0], {-2}); }, {transposed(13)});
}

GRADCHECK_TEST(ProdBackward, OneZeroAndTwoZerosInASlice) {
  // Row 0 has one zero, row 1 two zeros, row 2 none. prod is linear in each
  // element, so finite differences are exact across the zeros.
  Tensor x = f64({2, 0, -3, 0, 1.5, 0, 0.5, -2, 4}, {3, 3});
  expect_gradcheck([](const Vars& v) { return prod(v[0], {1}); }, {x});
  expect_gradcheck([](const Vars& v) { return prod(v[0]); }, {f64({2, 0, -3, 1.5}, {4})});
}

TEST(ProdBackward, GradientIsTheProductOfTheOthers) {
  // d/dx_i prod x = prod_{j != i} x_j:
  // [2, 4, 5] -> [20, 10, 8]; [2, 0, 3] -> [0, 6, 0]; [0, 0, 3] -> [0, 0, 0].
  Variable x = leaf({2, 4, 5, 2, 0, 3, 0, 0, 3}, {3, 3});
  EXPECT_EQ(grad_of(x, prod(x, {1})), (std::vector<double>{20, 10, 8, 0, 6, 0, 0, 0, 0}));
}

// ---- var and std_dev ---------------------------------------------------------

GRADCHECK_TEST(VarBackward, CorrectionDimsKeepdim) {
  expect_gradcheck([](const Vars& v) { return var(v[0]); }, {random({2, 3}, 14)});
  expect_gradcheck([](const Vars& v) { return var(v[0], {1}, 0, true); }, {random({2, 4}, 15)});
  expect_gradcheck([](const Vars& v) { return var(v[0], {-1, 0}, 2); }, {transposed(16)});
}

TEST(VarBackward, GradientByHand) {
  // x = [1, 2, 3, 6]: mean 3, N - correction = 3, d var/dx_i = 2 (x_i - 3) / 3.
  Variable x = leaf({1, 2, 3, 6}, {4});
  expect_all_near(grad_of(x, var(x)), {-4.0 / 3, -2.0 / 3, 0.0, 2.0});
  // correction 0: divide by 4 instead.
  Variable z = leaf({1, 2, 3, 6}, {4});
  expect_all_near(grad_of(z, var(z, {}, 0)), {-1.0, -0.5, 0.0, 1.5});
}

GRADCHECK_TEST(StdBackward, CorrectionDimsKeepdim) {
  expect_gradcheck([](const Vars& v) { return std_dev(v[0]); }, {random({2, 3}, 17)});
  expect_gradcheck([](const Vars& v) { return std_dev(v[0], {0}, 0, true); }, {random({3, 2}, 18)});
  expect_gradcheck([](const Vars& v) { return std_dev(v[0], {-1}); }, {transposed(19)});
}

TEST(StdBackward, GradientByHandAndZeroAtZeroDeviation) {
  // x = [1, 2, 3, 6]: std = sqrt(14/3); d std/dx_i = (x_i - 3) / (3 std).
  Variable x = leaf({1, 2, 3, 6}, {4});
  const double s = std::sqrt(14.0 / 3);
  expect_all_near(grad_of(x, std_dev(x)), {-2 / (3 * s), -1 / (3 * s), 0.0, 3 / (3 * s)});
  // A constant row has std 0, where the gradient is defined as 0 (not NaN).
  Variable z = leaf({2, 2, 2, 1, 3, 5}, {2, 3});
  const double s1 = 2.0;  // std of [1, 3, 5] with correction 1
  expect_all_near(grad_of(z, std_dev(z, {1})), {0, 0, 0, -2 / (2 * s1), 0, 2 / (2 * s1)});
}

// ---- amax / amin / max(x) / min(x) -------------------------------------------

GRADCHECK_TEST(AmaxBackward, DimsKeepdimAllDims) {
  expect_gradcheck([](const Vars& v) { return amax(v[0]); }, {random({2, 3}, 20)});
  expect_gradcheck([](const Vars& v) { return amax(v[0], {1}, true); }, {random({2, 3, 2}, 21)});
  expect_gradcheck([](const Vars& v) { return amax(v[0], {-1}); }, {transposed(22)});
  expect_gradcheck([](const Vars& v) { return max(v[0]); }, {random({3, 1}, 23)});
}

GRADCHECK_TEST(AminBackward, DimsKeepdimAllDims) {
  expect_gradcheck([](const Vars& v) { return amin(v[0]); }, {random({2, 3}, 24)});
  expect_gradcheck([](const Vars& v) { return amin(v[0], {0, 2}, true); }, {random({2, 3, 2}, 25)});
  expect_gradcheck([](const Vars& v) { return amin(v[0], {-2}); }, {transposed(26)});
  expect_gradcheck([](const Vars& v) { return min(v[0]); }, {random({3, 1}, 27)});
}

TEST(AmaxBackward, TiesSplitTheGradientEvenly) {
  // Row 0 has two maxima (3), row 1 three (2): 1/2 and 1/3 each.
  Variable x = leaf({1, 3, 3, 2, 2, 2}, {2, 3});
  expect_all_near(grad_of(x, amax(x, {1})), {0, 0.5, 0.5, 1.0 / 3, 1.0 / 3, 1.0 / 3});
  // max(x) over everything: the two 5s share it.
  Variable z = leaf({5, -1, 5, 0}, {2, 2});
  Variable y = max(z);
  EXPECT_STREQ(y.grad_fn()->name(), "AmaxBackward");
  expect_all_near(grad_of(z, y), {0.5, 0, 0.5, 0});
}

TEST(AminBackward, TiesSplitTheGradientEvenly) {
  Variable x = leaf({-1, 4, -1, -1}, {4});
  expect_all_near(grad_of(x, min(x)), {1.0 / 3, 0, 1.0 / 3, 1.0 / 3});
  Variable z = leaf({0, 1, 0, 7, 2, 9}, {3, 2});
  expect_all_near(grad_of(z, amin(z, {0}, true)), {0.5, 1, 0.5, 0, 0, 0});
}

// ---- max(x, dim) / min(x, dim) -----------------------------------------------

GRADCHECK_TEST(MaxBackward, DimsAndKeepdim) {
  expect_gradcheck([](const Vars& v) { return max(v[0], 1).values; }, {random({2, 3}, 28)});
  expect_gradcheck([](const Vars& v) { return max(v[0], -1, true).values; }, {transposed(29)});
  expect_gradcheck([](const Vars& v) { return max(v[0], 0).values; }, {random({1, 4}, 30)});
}

GRADCHECK_TEST(MinBackward, DimsAndKeepdim) {
  expect_gradcheck([](const Vars& v) { return min(v[0], 0).values; }, {random({3, 2}, 31)});
  expect_gradcheck([](const Vars& v) { return min(v[0], -2, true).values; }, {transposed(32)});
  expect_gradcheck([](const Vars& v) { return min(v[0], 2).values; }, {random({2, 2, 3}, 33)});
}

TEST(MaxBackward, TiesSendTheWholeGradientToTheReturnedIndex) {
  // Row 0 ties at columns 1 and 2, row 1 at 0 and 1: the kernel returns the
  // first index, which receives grad_out whole.
  Variable x = leaf({1, 3, 3, 2, 2, 0}, {2, 3});
  VariableIndices r = max(x, 1);
  EXPECT_EQ(r.indices.dtype(), DType::i64);
  EXPECT_EQ(r.indices.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 0}));
  EXPECT_EQ(values(r.values.value()), (std::vector<double>{3, 2}));
  r.values.backward(f64({10, 20}, {2}));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0, 10, 0, 20, 0, 0}));
}

TEST(MinBackward, TiesSendTheWholeGradientToTheReturnedIndex) {
  Variable x = leaf({4, 1, 1, 0, 0, 5}, {3, 2});
  VariableIndices r = min(x, 0, /*keepdim=*/true);
  EXPECT_EQ(r.values.shape(), Shape({1, 2}));
  EXPECT_EQ(r.indices.to_vector<std::int64_t>(), (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(grad_of(x, r.values), (std::vector<double>{0, 0, 0, 1, 1, 0}));
}

TEST(ArgmaxArgmin, ReturnIndicesThatAreNotDifferentiable) {
  Variable x = leaf({1, 7, 3, 9, 2, 0}, {2, 3});
  EXPECT_EQ(argmax(x, 1).to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 0}));
  EXPECT_EQ(argmin(x, 1, true).shape(), Shape({2, 1}));
  EXPECT_EQ(argmax(x).item<std::int64_t>(), 3);
  EXPECT_EQ(argmin(x).item<std::int64_t>(), 5);
  EXPECT_EQ(argmax(x).dtype(), DType::i64);
}

// ---- logsumexp ---------------------------------------------------------------

GRADCHECK_TEST(LogsumexpBackward, DimsKeepdimAllDims) {
  expect_gradcheck([](const Vars& v) { return logsumexp(v[0]); }, {random({2, 3}, 34)});
  expect_gradcheck([](const Vars& v) { return logsumexp(v[0], {1}, true); },
                   {random({2, 3, 2}, 35)});
  expect_gradcheck([](const Vars& v) { return logsumexp(v[0], {-2}); }, {transposed(36)});
  expect_gradcheck([](const Vars& v) { return logsumexp(v[0] * v[0], {0}); }, {random({1, 3}, 37)});
}

TEST(LogsumexpBackward, GradientIsTheSoftmax) {
  // x = [0, ln 3]: exp(x) = [1, 3], so d/dx logsumexp = [1/4, 3/4].
  Variable x = leaf({0, std::log(3.0)}, {2});
  expect_all_near(grad_of(x, logsumexp(x)), {0.25, 0.75});
  // Large logits stay finite: [1000, 1000] -> [1/2, 1/2].
  Variable z = leaf({1000, 1000}, {2});
  expect_all_near(grad_of(z, logsumexp(z)), {0.5, 0.5});
}

// ---- norm --------------------------------------------------------------------

GRADCHECK_TEST(NormBackward, PEqualsTwoDimsKeepdim) {
  expect_gradcheck([](const Vars& v) { return norm(v[0]); }, {random({2, 3}, 38)});
  expect_gradcheck([](const Vars& v) { return norm(v[0], 2, {1}, true); }, {random({2, 3}, 39)});
  expect_gradcheck([](const Vars& v) { return norm(v[0], 2, {-1}); }, {transposed(40)});
}

GRADCHECK_TEST(NormBackward, OtherP) {
  // Values away from 0 (|x| has a kink there for p = 1).
  Tensor x = f64({0.5, -1.2, 2.0, -0.7, 1.1, 0.3}, {2, 3});
  for (double p : {1.0, 3.0, 0.5, -1.5})
    expect_gradcheck([p](const Vars& v) { return norm(v[0], p, {1}); }, {x});
  // p = +-inf with distinct |x| per row.
  expect_gradcheck([](const Vars& v) { return norm(v[0], kInf, {1}); }, {x});
  expect_gradcheck([](const Vars& v) { return norm(v[0], -kInf, {0}, true); }, {x});
}

TEST(NormBackward, GradientByHand) {
  // p = 2: d||x||/dx = x / ||x||; [3, 4] -> [0.6, 0.8].
  Variable x = leaf({3, -4}, {2});
  expect_all_near(grad_of(x, norm(x)), {0.6, -0.8});
  // p = 1: sign(x).
  Variable a = leaf({3, -4}, {2});
  expect_all_near(grad_of(a, norm(a, 1)), {1, -1});
  // p = 3: sign(x) x^2 / y^2 with y^3 = 27 + 64 = 91.
  Variable b = leaf({3, -4}, {2});
  const double y2 = std::pow(91.0, 2.0 / 3);
  expect_all_near(grad_of(b, norm(b, 3)), {9 / y2, -16 / y2});
  // p = inf with a tie of |x|: sign(x) / 2 at each of the two.
  Variable c = leaf({-3, 3, 1}, {3});
  expect_all_near(grad_of(c, norm(c, kInf)), {-0.5, 0.5, 0});
  // p = 0 counts non-zeros: gradient 0.
  Variable d = leaf({-3, 0, 1}, {3});
  expect_all_near(grad_of(d, norm(d, 0)), {0, 0, 0});
}

TEST(NormBackward, GradientIsZeroAtZero) {
  // The norm of a zero vector has no gradient; it is defined as 0 for every p,
  // as is the gradient of a zero element for p < 1.
  for (double p : {2.0, 1.0, 3.0, 0.5, kInf}) {
    Variable x = leaf({0, 0, 0, 1, 0, -2}, {2, 3});
    std::vector<double> g = grad_of(x, norm(x, p, {1}));
    for (int i = 0; i < 3; ++i) EXPECT_EQ(g[i], 0.0) << "p = " << p << ", element " << i;
    EXPECT_EQ(g[4], 0.0) << "p = " << p;
    for (double v : g) EXPECT_TRUE(std::isfinite(v)) << "p = " << p;
  }
}

// ---- dtypes and errors -------------------------------------------------------

TEST(ReduceGradients, TakeTheInputDtype) {
  Variable x(f64({1, 2, 3, 4}, {2, 2}).to(DType::f32), true);
  Variable y = mean(x, {0});
  y.backward(ones({2}, DType::f32));
  EXPECT_EQ(x.grad().dtype(), DType::f32);
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0.5, 0.5, 0.5, 0.5}));
}

TEST(ReduceErrors, NameTheOpAndTheValues) {
  Variable x(random({2, 3}, 41), true);
  expect_error([&] { sum(x, {2}); }, {"sum", "2"});
  expect_error([&] { mean(x, {1, 1}); }, {"mean", "1"});
  expect_error([&] { max(x, 5); }, {"max", "5"});
  expect_error([&] { var(Variable(zeros({3}, DType::i64))); }, {"var", "i64"});
  expect_error([&] { amax(Variable(zeros({0, 2}, DType::f64), true), {0}); }, {"amax"});
  expect_error([&] { norm(x, std::numeric_limits<double>::quiet_NaN()); }, {"norm", "NaN"});
}

}  // namespace
}  // namespace nabla
