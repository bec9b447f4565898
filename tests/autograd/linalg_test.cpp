// Gradients of matmul and linear: gradcheck over every shape case of matmul
// (vectors, matrices, broadcast batches, transposed views) and of linear (with
// and without bias, batched input), plus gradients derived by hand.
#include <gtest/gtest.h>

#include "autograd/linalg.h"
#include "autograd/node.h"
#include "autograd/shape_ops.h"
#include "gradcheck_case.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;
using testing::expect_gradcheck;
using testing::random;
using testing::values;

Variable matmul_fn(const std::vector<Variable>& v) {
  return matmul(v[0], v[1]);
}

GRADCHECK_TEST(MatmulBackward, VectorDotVector) {
  expect_gradcheck(matmul_fn, {random({3}, 1), random({3}, 2)});
}

GRADCHECK_TEST(MatmulBackward, MatrixTimesMatrix) {
  expect_gradcheck(matmul_fn, {random({2, 3}, 3), random({3, 4}, 4)});
}

GRADCHECK_TEST(MatmulBackward, VectorTimesMatrix) {
  expect_gradcheck(matmul_fn, {random({3}, 5), random({3, 4}, 6)});
}

GRADCHECK_TEST(MatmulBackward, MatrixTimesVector) {
  expect_gradcheck(matmul_fn, {random({2, 3}, 7), random({3}, 8)});
}

GRADCHECK_TEST(MatmulBackward, TransposedNonContiguousOperands) {
  // a = (4x3)^T and b = (5x4)^T: both are strided views, multiplied without a copy.
  expect_gradcheck(matmul_fn,
                   {transpose(random({3, 2}, 9), 0, 1), transpose(random({4, 3}, 10), 0, 1)});
  expect_gradcheck(matmul_fn, {transpose(random({2, 3, 2}, 11), 1, 2), random({3}, 12)});
}

GRADCHECK_TEST(MatmulBackward, BatchTimesMatrix) {
  // [B, M, K] x [K, N]: b is shared by the batch, its gradient sums over B.
  expect_gradcheck(matmul_fn, {random({2, 2, 3}, 13), random({3, 4}, 14)});
  expect_gradcheck(matmul_fn, {random({2, 3}, 15), random({2, 3, 2}, 16)});
}

GRADCHECK_TEST(MatmulBackward, BroadcastBatchDims) {
  // [B, 1, M, K] x [C, K, N] -> [B, C, M, N]
  expect_gradcheck(matmul_fn, {random({2, 1, 2, 3}, 17), random({3, 3, 2}, 18)});
  expect_gradcheck(matmul_fn, {random({1, 2, 2}, 19), random({3, 2, 2}, 20)});
}

GRADCHECK_TEST(MatmulBackward, VectorWithBatch) {
  expect_gradcheck(matmul_fn, {random({3}, 21), random({2, 3, 2}, 22)});
  expect_gradcheck(matmul_fn, {random({2, 2, 3}, 23), random({3}, 24)});
}

TEST(MatmulBackward, GradientsByHand) {
  // C = A B with grad_out = ones:
  //   grad_A = ones · Bᵀ: each row is the row sums of B = [5+6, 7+8] = [11, 15]
  //   grad_B = Aᵀ · ones: each column is the column sums of A = [1+3, 2+4] = [4, 6]
  Variable a(from_vector<double>({1, 2, 3, 4}, {2, 2}), true);
  Variable b(from_vector<double>({5, 6, 7, 8}, {2, 2}), true);
  matmul(a, b).backward(ones({2, 2}, DType::f64));
  EXPECT_EQ(values(a.grad()), (std::vector<double>{11, 15, 11, 15}));
  EXPECT_EQ(values(b.grad()), (std::vector<double>{4, 4, 6, 6}));
}

TEST(MatmulBackward, DotProductGradientsAreTheOtherVector) {
  // d(a·b)/da = b, d(a·b)/db = a, scaled by grad_out = 2
  Variable a(from_vector<double>({1, 2, 3}, {3}), true);
  Variable b(from_vector<double>({4, 5, 6}, {3}), true);
  Variable y = matmul(a, b);
  EXPECT_EQ(y.shape(), Shape{});
  y.backward(full({}, 2.0, DType::f64));
  EXPECT_EQ(values(a.grad()), (std::vector<double>{8, 10, 12}));
  EXPECT_EQ(values(b.grad()), (std::vector<double>{2, 4, 6}));
}

TEST(MatmulBackward, BroadcastBatchGradientIsSummedToTheOperandShape) {
  // a [1, 1, 2] is used by all 3 batches of b [3, 2, 1]: grad_a = Σ_batch bᵀ
  // = [1+3+5, 2+4+6] = [9, 12]; each batch of b gets aᵀ · 1 = [1, 1]ᵀ.
  Variable a(from_vector<double>({1, 1}, {1, 1, 2}), true);
  Variable b(from_vector<double>({1, 2, 3, 4, 5, 6}, {3, 2, 1}), true);
  matmul(a, b).backward(ones({3, 1, 1}, DType::f64));
  EXPECT_EQ(a.grad().shape(), Shape({1, 1, 2}));
  EXPECT_EQ(values(a.grad()), (std::vector<double>{9, 12}));
  EXPECT_EQ(b.grad().shape(), Shape({3, 2, 1}));
  EXPECT_EQ(values(b.grad()), (std::vector<double>{1, 1, 1, 1, 1, 1}));
}

TEST(MatmulBackward, OnlyTheOperandThatNeedsAGradientGetsOne) {
  Variable a(from_vector<double>({1, 2}, {1, 2}), true);
  Variable b(from_vector<double>({3, 4}, {2, 1}));
  matmul(a, b).backward(ones({1, 1}, DType::f64));
  EXPECT_EQ(values(a.grad()), (std::vector<double>{3, 4}));
  EXPECT_FALSE(b.grad().defined());
}

TEST(MatmulBackward, ErrorsNameTheOpAndShapes) {
  Variable a(zeros({2, 3}), true);
  Variable b(zeros({4, 5}), true);
  expect_error([&] { matmul(a, b); }, {"matmul", "inner dimensions differ", "[2, 3]", "[4, 5]"});
}

Variable linear_fn(const std::vector<Variable>& v) {
  return linear(v[0], v[1], v[2]);
}

GRADCHECK_TEST(LinearBackward, WithBias) {
  expect_gradcheck(linear_fn, {random({3, 4}, 31), random({4, 2}, 32), random({2}, 33)});
}

GRADCHECK_TEST(LinearBackward, WithoutBias) {
  expect_gradcheck([](const std::vector<Variable>& v) { return linear(v[0], v[1]); },
                   {random({3, 4}, 34), random({4, 2}, 35)});
}

GRADCHECK_TEST(LinearBackward, BatchedInput) {
  // x [2, 3, 4]: the 6 rows share W and b.
  expect_gradcheck(linear_fn, {random({2, 3, 4}, 36), random({4, 2}, 37), random({2}, 38)});
}

GRADCHECK_TEST(LinearBackward, VectorInput) {
  expect_gradcheck(linear_fn, {random({4}, 39), random({4, 3}, 40), random({3}, 41)});
}

GRADCHECK_TEST(LinearBackward, NonContiguousInputAndWeight) {
  expect_gradcheck(linear_fn, {transpose(random({4, 3}, 42), 0, 1),
                               transpose(random({2, 4}, 43), 0, 1), random({2}, 44)});
}

TEST(LinearBackward, GradientsByHand) {
  // x = [[1, 2], [3, 4]], W = [[1, 0, 2], [0, 1, 1]], grad_out = δ = ones [2, 3]:
  //   grad_x = δ Wᵀ: each row = row sums of W = [3, 2]
  //   grad_W = xᵀ δ: row i = Σ_n x[n, i] = [4, 6] for every column
  //   grad_b = Σ_n δ_n = [2, 2, 2]
  Variable x(from_vector<double>({1, 2, 3, 4}, {2, 2}), true);
  Variable w(from_vector<double>({1, 0, 2, 0, 1, 1}, {2, 3}), true);
  Variable b(from_vector<double>({0.5, -1, 2}, {3}), true);
  Variable y = linear(x, w, b);
  EXPECT_EQ(values(y.value()), (std::vector<double>{1.5, 1, 6, 3.5, 3, 12}));
  y.backward(ones({2, 3}, DType::f64));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{3, 2, 3, 2}));
  EXPECT_EQ(values(w.grad()), (std::vector<double>{4, 4, 4, 6, 6, 6}));
  EXPECT_EQ(values(b.grad()), (std::vector<double>{2, 2, 2}));
}

TEST(LinearBackward, ConstantInputStillGivesWeightGradients) {
  Variable x(from_vector<double>({1, 2}, {1, 2}));
  Variable w(from_vector<double>({1, 2, 3, 4}, {2, 2}), true);
  Variable y = linear(x, w);
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_STREQ(y.grad_fn()->name(), "LinearBackward");
  y.backward(ones({1, 2}, DType::f64));
  EXPECT_EQ(values(w.grad()), (std::vector<double>{1, 1, 2, 2}));
  EXPECT_FALSE(x.grad().defined());
}

TEST(LinearBackward, ErrorsNameTheOpAndShapes) {
  Variable x(zeros({2, 3}), true);
  Variable w(zeros({4, 5}), true);
  expect_error([&] { linear(x, w); }, {"linear", "[2, 3]"});
  expect_error(
      [&] {
        linear(x, Variable(zeros({3, 5}), true), Variable(zeros({4})));
      },
      {"linear", "[4]"});
}

}  // namespace
}  // namespace nabla
