// Gradients of the index ops: gradcheck for every differentiable input, with
// repeated indices (whose gradients must add up), broadcast conditions and
// masks; hand-derived gradients; and errors.
#include <gtest/gtest.h>

#include "autograd/index.h"
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

Tensor indices(std::vector<std::int64_t> v, const Shape& shape) {
  return from_vector(v, shape);
}

GRADCHECK_TEST(IndexSelectBackward, RepeatedIndicesAlongEachDim) {
  const Tensor rows = indices({0, 2, 0, 3}, {4});
  expect_gradcheck([&](const auto& v) { return index_select(v[0], 0, rows); }, {random({4, 3}, 1)});
  const Tensor cols = indices({2, 2, 0}, {3});
  expect_gradcheck([&](const auto& v) { return index_select(v[0], 1, cols); },
                   {random({2, 3, 2}, 2)});
  expect_gradcheck([&](const auto& v) { return index_select(v[0], -1, cols); },
                   {transpose(random({3, 2}, 3), 0, 1)});
}

GRADCHECK_TEST(IndexSelectBackward, RankZeroIndex) {
  const Tensor one = from_vector<std::int64_t>({1}, {});
  expect_gradcheck([&](const auto& v) { return index_select(v[0], 1, one); }, {random({2, 3}, 4)});
}

TEST(IndexSelectBackward, RepeatedIndicesAccumulate) {
  // y = x[[1, 0, 1, 1]], L = Σ y: x[1] is read three times, x[0] once, x[2] never.
  Variable x(from_vector<double>({10, 20, 30}, {3}), true);
  Variable y = index_select(x, 0, indices({1, 0, 1, 1}, {4}));
  EXPECT_EQ(values(y.value()), (std::vector<double>{20, 10, 20, 20}));
  y.backward(ones({4}, DType::f64));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{1, 3, 0}));
}

TEST(IndexSelectBackward, RowsAccumulateInTwoDims) {
  // y = x[:, [2, 0, 2]] with grad_out = [[1, 2, 3], [4, 5, 6]]:
  // column 2 gets 1 + 3 and 4 + 6, column 0 gets 2 and 5, column 1 nothing.
  Variable x(zeros({2, 3}, DType::f64), true);
  index_select(x, 1, indices({2, 0, 2}, {3}))
      .backward(from_vector<double>({1, 2, 3, 4, 5, 6}, {2, 3}));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{2, 0, 4, 5, 0, 10}));
}

GRADCHECK_TEST(GatherBackward, RepeatedIndices) {
  const Tensor idx1 = indices({0, 0, 3, 1, 2, 1, 3, 3, 3}, {3, 3});
  expect_gradcheck([&](const auto& v) { return gather(v[0], 1, idx1); }, {random({3, 4}, 5)});
  // index smaller than x outside dim 0: rows 0 and 2 are read twice.
  const Tensor idx0 = indices({0, 2, 2, 0}, {2, 2});
  expect_gradcheck([&](const auto& v) { return gather(v[0], 0, idx0); },
                   {transpose(random({3, 3}, 6), 0, 1)});
}

TEST(GatherBackward, RepeatedIndicesAccumulate) {
  // y[i][j] = x[i][index[i][j]], L = Σ_ij w_ij y_ij with w = [[1, 2], [3, 4]]:
  // row 0 reads x[0][1] twice -> 1 + 2; row 1 reads x[1][0] and x[1][2].
  Variable x(zeros({2, 3}, DType::f64), true);
  gather(x, 1, indices({1, 1, 0, 2}, {2, 2})).backward(from_vector<double>({1, 2, 3, 4}, {2, 2}));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0, 3, 0, 3, 0, 4}));
}

TEST(GatherBackward, ErrorsNameTheIndex) {
  Variable x(zeros({2, 3}), true);
  expect_error([&] { gather(x, 1, indices({0, 7}, {1, 2})); }, {"gather", "7"});
}

GRADCHECK_TEST(ScatterAddBackward, BothInputsWithRepeatedIndices) {
  const Tensor idx = indices({0, 2, 0, 2, 2, 1}, {2, 3});
  expect_gradcheck([&](const auto& v) { return scatter_add(v[0], 0, idx, v[1]); },
                   {random({3, 3}, 7), random({2, 3}, 8)});
  expect_gradcheck([&](const auto& v) { return scatter_add(v[0], 1, idx, v[1]); },
                   {random({2, 4}, 9), transpose(random({3, 2}, 10), 0, 1)});
}

GRADCHECK_TEST(ScatterAddBackward, SourceLargerThanIndex) {
  // Only src[:2, :2] is scattered; the rest has gradient 0.
  const Tensor idx = indices({1, 0, 1, 1}, {2, 2});
  expect_gradcheck([&](const auto& v) { return scatter_add(v[0], 0, idx, v[1]); },
                   {random({2, 3}, 11), random({3, 3}, 12)});
}

TEST(ScatterAddBackward, GradientsByHand) {
  // y = x + scatter(src) along dim 0 with index [[1, 0], [1, 1]], src [3, 2]:
  //   dL/dx = grad_out; dL/dsrc[i][j] = grad_out[index[i][j]][j] for i < 2, else 0.
  // grad_out = [[1, 2], [3, 4]] -> grad_src = [[3, 2], [3, 4], [0, 0]]
  Variable x(zeros({2, 2}, DType::f64), true);
  Variable src(ones({3, 2}, DType::f64), true);
  Variable y = scatter_add(x, 0, indices({1, 0, 1, 1}, {2, 2}), src);
  EXPECT_EQ(values(y.value()), (std::vector<double>{0, 1, 2, 1}));
  y.backward(from_vector<double>({1, 2, 3, 4}, {2, 2}));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(values(src.grad()), (std::vector<double>{3, 2, 3, 4, 0, 0}));
}

GRADCHECK_TEST(WhereBackward, BroadcastCondition) {
  // cond [2, 1] with a [2, 3] and b [3]
  const Tensor cond = from_vector<double>({1, 0}, {2, 1});
  expect_gradcheck([&](const auto& v) { return where(cond, v[0], v[1]); },
                   {random({2, 3}, 13), random({3}, 14)});
  // cond [3] broadcast against a [2, 1] and a non-contiguous b [2, 3]
  const Tensor cond3 = from_vector<std::int64_t>({0, 1, 1}, {3});
  expect_gradcheck([&](const auto& v) { return where(cond3, v[0], v[1]); },
                   {random({2, 1}, 15), transpose(random({3, 2}, 16), 0, 1)});
}

GRADCHECK_TEST(WhereBackward, ScalarOverloads) {
  const Tensor cond = from_vector<double>({1, 0, 0, 1}, {2, 2});
  expect_gradcheck([&](const auto& v) { return where(cond, 2.5, v[0]); }, {random({2, 2}, 17)});
  expect_gradcheck([&](const auto& v) { return where(cond, v[0], -1.0); }, {random({2}, 18)});
}

TEST(WhereBackward, GradientGoesToTheSelectedSide) {
  // cond = [1, 0, 1] against a [3] and a scalar-like b [1]:
  //   grad_a = [1, 0, 1] ⊙ grad_out; grad_b = Σ (1 - cond) ⊙ grad_out = 20
  Variable a(from_vector<double>({1, 2, 3}, {3}), true);
  Variable b(from_vector<double>({9}, {1}), true);
  Variable y = where(from_vector<double>({1, 0, 1}, {3}), a, b);
  EXPECT_EQ(values(y.value()), (std::vector<double>{1, 9, 3}));
  y.backward(from_vector<double>({10, 20, 30}, {3}));
  EXPECT_EQ(values(a.grad()), (std::vector<double>{10, 0, 30}));
  EXPECT_EQ(values(b.grad()), (std::vector<double>{20}));
}

TEST(WhereBackward, ErrorsNameTheShapes) {
  Variable a(zeros({2, 3}), true);
  expect_error([&] { where(zeros({4}), a, a); }, {"where", "[4]"});
}

GRADCHECK_TEST(MaskedFillBackward, BroadcastMask) {
  const Tensor mask = from_vector<double>({0, 1, 0}, {3});
  expect_gradcheck([&](const auto& v) { return masked_fill(v[0], mask, 5.0); },
                   {random({2, 3}, 19)});
  const Tensor col = from_vector<std::int64_t>({1, 0}, {2, 1});
  expect_gradcheck([&](const auto& v) { return masked_fill(v[0], col, -1.0); },
                   {transpose(random({3, 2}, 20), 0, 1)});
}

TEST(MaskedFillBackward, FilledPositionsGetNoGradient) {
  Variable x(from_vector<double>({1, 2, 3, 4}, {2, 2}), true);
  Variable y = masked_fill(x, from_vector<double>({1, 0}, {2}), 0.5);
  EXPECT_EQ(values(y.value()), (std::vector<double>{0.5, 2, 0.5, 4}));
  y.backward(from_vector<double>({7, 8, 9, 10}, {2, 2}));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0, 8, 0, 10}));
}

TEST(MaskedFillBackward, ErrorsNameTheShapes) {
  Variable x(zeros({2, 3}), true);
  expect_error([&] { masked_fill(x, zeros({2}), 1.0); }, {"masked_fill", "[2]"});
}

}  // namespace
}  // namespace nabla
