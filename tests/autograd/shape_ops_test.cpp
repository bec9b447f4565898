// Shape operations on Variables: a gradcheck for every node (negative dims,
// non-contiguous and size-1 inputs, cat/stack of unequal inputs, uneven
// splits), hand-derived gradients, views sharing storage, dtype conversion and
// errors.
#include <gtest/gtest.h>

#include <type_traits>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/reduce.h"
#include "autograd/shape_ops.h"
#include "gradcheck_case.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;
using testing::expect_gradcheck;
using testing::f64;
using testing::grad_of;
using testing::leaf;
using testing::random;
using testing::transposed;
using testing::values;
using Vars = std::vector<Variable>;

// ---- reshape, view, flatten, squeeze, unsqueeze ------------------------------

GRADCHECK_TEST(ReshapeBackward, ReshapeAndView) {
  expect_gradcheck([](const Vars& v) { return reshape(v[0], {3, -1}); }, {random({2, 3}, 1)});
  // A transposed input cannot be viewed as 1-D: reshape copies.
  expect_gradcheck([](const Vars& v) { return reshape(v[0], {12}); }, {transposed(2)});
  expect_gradcheck([](const Vars& v) { return view(v[0], {2, 1, 3}); }, {random({6}, 3)});
}

GRADCHECK_TEST(ReshapeBackward, FlattenSqueezeUnsqueeze) {
  expect_gradcheck([](const Vars& v) { return flatten(v[0], 1); }, {random({2, 3, 2}, 4)});
  expect_gradcheck([](const Vars& v) { return flatten(v[0], -3, -2); }, {random({2, 1, 3}, 5)});
  expect_gradcheck([](const Vars& v) { return squeeze(v[0]); }, {random({1, 3, 1}, 6)});
  expect_gradcheck([](const Vars& v) { return squeeze(v[0], -1); }, {random({3, 1}, 7)});
  expect_gradcheck([](const Vars& v) { return squeeze(v[0], 0); }, {random({3, 1}, 8)});
  expect_gradcheck([](const Vars& v) { return unsqueeze(v[0], -1); }, {transposed(9)});
}

TEST(ReshapeBackward, GradientHasTheInputShape) {
  Variable x = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  Variable y = reshape(x, {3, 2});
  y.backward(f64({10, 20, 30, 40, 50, 60}, {3, 2}));
  EXPECT_EQ(x.grad().shape(), Shape({2, 3}));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{10, 20, 30, 40, 50, 60}));
}

// ---- transpose and permute ---------------------------------------------------

GRADCHECK_TEST(TransposeBackward, NegativeDimsAndNonContiguous) {
  expect_gradcheck([](const Vars& v) { return transpose(v[0], 0, 1); }, {random({2, 3}, 10)});
  expect_gradcheck([](const Vars& v) { return transpose(v[0], -1, 0); }, {random({2, 1, 3}, 11)});
  expect_gradcheck([](const Vars& v) { return transpose(v[0], 1, 0) * v[1]; },
                   {transposed(12), random({4, 3}, 13)});
}

GRADCHECK_TEST(PermuteBackward, PermutationsAndNegativeDims) {
  expect_gradcheck([](const Vars& v) { return permute(v[0], {2, 0, 1}); }, {random({2, 3, 2}, 14)});
  expect_gradcheck(
      [](const Vars& v) {
        return permute(v[0], {-1, 0, 1});
      },
      {random({1, 2, 3}, 15)});
  expect_gradcheck([](const Vars& v) { return permute(v[0], {1, 0}); }, {transposed(16)});
}

TEST(PermuteBackward, GradientIsPermutedBack) {
  // y = permute(x, {1, 2, 0}) has y[j][k][i] = x[i][j][k], so dL/dx[i][j][k] =
  // grad_out[j][k][i]. With grad_out[j][k][i] = 4j + 2k + i (row-major 0..11 in
  // y's shape [3, 2, 2]) the gradient at x[i][j][k] is 4j + 2k + i.
  Variable x(zeros({2, 3, 2}, DType::f64), true);
  Variable y = permute(x, {1, 2, 0});
  EXPECT_EQ(y.shape(), Shape({3, 2, 2}));
  y.backward(reshape(arange(0, 12, 1, DType::f64), {3, 2, 2}));
  std::vector<double> expected;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 2; ++k) expected.push_back(4 * j + 2 * k + i);
  EXPECT_EQ(values(x.grad()), expected);
}

// ---- expand and broadcast_to -------------------------------------------------

GRADCHECK_TEST(ExpandBackward, ExpandAndBroadcastTo) {
  expect_gradcheck([](const Vars& v) { return expand(v[0], {2, 3, 4}); }, {random({3, 1}, 17)});
  expect_gradcheck([](const Vars& v) { return expand(v[0], {-1, 3}); }, {random({2, 1}, 18)});
  expect_gradcheck([](const Vars& v) { return broadcast_to(v[0], {2, 3}); }, {random({3}, 19)});
}

TEST(ExpandBackward, GradientSumsOverTheCopies) {
  // x [3] broadcast to [2, 3]: each x_j has 2 copies, so with grad_out = ones
  // d/dx_j = 2; x [2, 1] to [2, 4]: 4 copies each.
  Variable x = leaf({1, 2, 3}, {3});
  EXPECT_EQ(grad_of(x, broadcast_to(x, {2, 3})), (std::vector<double>{2, 2, 2}));
  Variable z = leaf({1, 2}, {2, 1});
  EXPECT_EQ(grad_of(z, expand(z, {2, 4})), (std::vector<double>{4, 4}));
  EXPECT_EQ(z.grad().shape(), Shape({2, 1}));
}

// ---- narrow, split, chunk ----------------------------------------------------

GRADCHECK_TEST(NarrowBackward, Narrow) {
  expect_gradcheck([](const Vars& v) { return narrow(v[0], 1, 1, 2); }, {random({2, 4}, 20)});
  expect_gradcheck([](const Vars& v) { return narrow(v[0], -2, -2, 2); }, {transposed(21)});
}

GRADCHECK_TEST(NarrowBackward, UnevenSplitEveryPieceFeedsTheLoss) {
  // 5 rows split by 2 -> pieces of 2, 2, 1 rows, each used differently.
  expect_gradcheck(
      [](const Vars& v) {
        std::vector<Variable> p = split(v[0], 2, 0);
        EXPECT_EQ(p.size(), 3u);
        return sum(tanh(p[0])) + sum(p[1] * p[1]) + sum(p[2] * p[2] * p[2]);
      },
      {random({5, 2}, 22)});
  expect_gradcheck(
      [](const Vars& v) {
        std::vector<Variable> p = split(v[0], std::vector<std::int64_t>{1, 3}, -1);
        return sum(p[0] * p[0], {0}) + sum(tanh(p[1]), {1});
      },
      {transposed(23)});
}

GRADCHECK_TEST(NarrowBackward, Chunk) {
  // 7 columns in 3 chunks: 3, 3, 1.
  expect_gradcheck(
      [](const Vars& v) {
        std::vector<Variable> p = chunk(v[0], 3, 1);
        EXPECT_EQ(p.size(), 3u);
        return sum(p[0] * p[0]) + sum(tanh(p[1])) + sum(p[2]);
      },
      {random({2, 7}, 24)});
}

TEST(NarrowBackward, GradientIsZeroOutsideTheRange) {
  Variable x = leaf({1, 2, 3, 4, 5}, {5});
  EXPECT_EQ(grad_of(x, narrow(x, 0, -3, 2)), (std::vector<double>{0, 0, 1, 1, 0}));
  // Using only the last piece of a split: the other rows get 0.
  Variable z = leaf({1, 2, 3, 4, 5, 6}, {3, 2});
  std::vector<Variable> pieces = split(z, 2);
  EXPECT_STREQ(pieces[1].grad_fn()->name(), "NarrowBackward");
  EXPECT_EQ(grad_of(z, pieces[1] * pieces[1]), (std::vector<double>{0, 0, 0, 0, 10, 12}));
}

// ---- slice and select --------------------------------------------------------

GRADCHECK_TEST(SliceBackward, StepsAndNegativeBounds) {
  expect_gradcheck([](const Vars& v) { return slice(v[0], 1, 0, 4, 2); }, {random({2, 5}, 25)});
  expect_gradcheck([](const Vars& v) { return slice(v[0], -1, -3, -1); }, {transposed(26)});
  expect_gradcheck([](const Vars& v) { return slice(v[0], 0, 1, 100, 3); }, {random({7}, 27)});
}

TEST(SliceBackward, GradientLandsOnTheSlicedElements) {
  // x[1:6:2] of 7 elements picks indices 1, 3, 5.
  Variable x = leaf({0, 1, 2, 3, 4, 5, 6}, {7});
  Variable y = slice(x, 0, 1, 6, 2);
  y.backward(f64({10, 20, 30}, {3}));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0, 10, 0, 20, 0, 30, 0}));
}

GRADCHECK_TEST(SelectBackward, IndicesAndDims) {
  expect_gradcheck([](const Vars& v) { return select(v[0], 0, 1); }, {random({2, 3}, 28)});
  expect_gradcheck([](const Vars& v) { return select(v[0], -1, -2); }, {transposed(29)});
  expect_gradcheck([](const Vars& v) { return select(v[0], 1, 0); }, {random({2, 1, 2}, 30)});
}

TEST(SelectBackward, GradientLandsOnTheSelectedRow) {
  Variable x = leaf({1, 2, 3, 4, 5, 6}, {3, 2});
  Variable y = select(x, 0, -1);
  y.backward(f64({7, 8}, {2}));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0, 0, 0, 0, 7, 8}));
}

// ---- cat and stack -----------------------------------------------------------

GRADCHECK_TEST(CatBackward, ThreeInputsOfDifferentSizes) {
  expect_gradcheck(
      [](const Vars& v) {
        return cat({v[0], v[1], v[2]}, 1);
      },
      {random({2, 1}, 31), random({2, 3}, 32), random({2, 2}, 33)});
  expect_gradcheck(
      [](const Vars& v) {
        return cat({v[0], v[1], v[2]}, -2);
      },
      {transposed(34), random({1, 4}, 35), random({2, 4}, 36)});
  // The same input twice accumulates both pieces.
  expect_gradcheck(
      [](const Vars& v) {
        return cat({v[0], v[1], v[0]}, 0);
      },
      {random({2}, 37), random({3}, 38)});
}

TEST(CatBackward, GradientsAreThePiecesInTheInputsDtypes) {
  // y = [a; b] along dim 0 with a f32 [1, 2] and b f64 [2, 2]: y is f64 and
  // each input receives its rows of grad_out, converted to its dtype.
  Variable a(f64({1, 2}, {1, 2}).to(DType::f32), true);
  Variable b = leaf({3, 4, 5, 6}, {2, 2});
  Variable empty(zeros({0}, DType::f64), true);  // skipped, as in PyTorch
  Variable y = cat({a, empty, b});
  EXPECT_EQ(y.dtype(), DType::f64);
  EXPECT_EQ(y.shape(), Shape({3, 2}));
  y.backward(f64({1, 2, 3, 4, 5, 6}, {3, 2}));
  EXPECT_EQ(a.grad().dtype(), DType::f32);
  EXPECT_EQ(values(a.grad()), (std::vector<double>{1, 2}));
  EXPECT_EQ(values(b.grad()), (std::vector<double>{3, 4, 5, 6}));
  EXPECT_EQ(empty.grad().shape(), Shape({0}));
}

GRADCHECK_TEST(StackBackward, ThreeInputsAndDims) {
  expect_gradcheck(
      [](const Vars& v) {
        return stack({v[0], v[1], v[2]}, 1);
      },
      {random({2, 3}, 39), random({2, 3}, 40), random({2, 3}, 41)});
  expect_gradcheck(
      [](const Vars& v) {
        return stack({v[0], v[1], v[2]}, -1);
      },
      {transposed(42), random({3, 4}, 43), random({3, 4}, 44)});
}

TEST(StackBackward, EachInputGetsItsSlice) {
  Variable a = leaf({1, 2}, {2});
  Variable b = leaf({3, 4}, {2});
  Variable y = stack({a, b}, 1);  // [[1, 3], [2, 4]]
  y.backward(f64({10, 20, 30, 40}, {2, 2}));
  EXPECT_EQ(values(a.grad()), (std::vector<double>{10, 30}));
  EXPECT_EQ(values(b.grad()), (std::vector<double>{20, 40}));
}

// ---- clone, contiguous, to ---------------------------------------------------

GRADCHECK_TEST(CloneBackward, CloneAndContiguous) {
  expect_gradcheck([](const Vars& v) { return clone(v[0]); }, {random({2, 3}, 45)});
  expect_gradcheck([](const Vars& v) { return contiguous(v[0]); }, {transposed(46)});
  expect_gradcheck([](const Vars& v) { return contiguous(v[0]); }, {random({3, 1}, 47)});
}

TEST(CloneBackward, CloneCopiesAndContiguousCopiesOnlyWhenNeeded) {
  Variable x(random({2, 3}, 48), true);
  EXPECT_FALSE(clone(x).value().shares_storage(x.value()));
  EXPECT_TRUE(contiguous(x).value().shares_storage(x.value()));
  Variable t = transpose(x, 0, 1);
  Variable c = contiguous(t);
  EXPECT_TRUE(c.value().is_contiguous());
  EXPECT_FALSE(c.value().shares_storage(x.value()));
  EXPECT_STREQ(c.grad_fn()->name(), "CloneBackward");
}

GRADCHECK_TEST(ToDtypeBackward, FloatingConversion) {
  expect_gradcheck([](const Vars& v) { return to(v[0], DType::f64); }, {transposed(49)});
}

TEST(ToDtypeBackward, GradientIsConvertedBackAndIntegersAreConstants) {
  // y = f64(x) with x f32: dy/dx = 1, and x's gradient is f32.
  Variable x(f64({1.5, -2, 3}, {3}).to(DType::f32), true);
  Variable y = to(x, DType::f64);
  EXPECT_EQ(y.dtype(), DType::f64);
  EXPECT_STREQ(y.grad_fn()->name(), "ToDtypeBackward");
  y.backward(f64({1, 2, 3}, {3}));
  EXPECT_EQ(x.grad().dtype(), DType::f32);
  EXPECT_EQ(values(x.grad()), (std::vector<double>{1, 2, 3}));
  // An integer result is not differentiable: a constant without grad_fn.
  Variable i = to(x, DType::i64);
  EXPECT_EQ(i.dtype(), DType::i64);
  EXPECT_FALSE(i.requires_grad());
  EXPECT_EQ(i.grad_fn(), nullptr);
  EXPECT_EQ(i.value().to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, -2, 3}));
}

TEST(CatStackOfTensors, BracedTensorListsStayTensorOps) {
  // With both overload sets visible, a braced list of Tensors must still pick
  // the Tensor kernels and return a Tensor.
  Tensor a = f64({1, 2}, {2});
  Tensor b = f64({3}, {1});
  static_assert(std::is_same_v<decltype(cat({a, b})), Tensor>);
  static_assert(std::is_same_v<decltype(stack({a, a}, 1)), Tensor>);
  EXPECT_EQ(values(cat({a, b})), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(values(stack({a, a}, 1)), (std::vector<double>{1, 1, 2, 2}));
  // A list holding a Variable is a Variable op.
  Variable x(a, true);
  static_assert(std::is_same_v<decltype(cat({x, b})), Variable>);
  EXPECT_EQ(values(cat({x, b}).value()), (std::vector<double>{1, 2, 3}));
}

// ---- views -------------------------------------------------------------------

TEST(ShapeOpViews, ShareStorageWithTheInput) {
  Variable x(random({2, 3}, 50), true);
  EXPECT_TRUE(reshape(x, {3, 2}).value().shares_storage(x.value()));
  EXPECT_TRUE(transpose(x, 0, 1).value().shares_storage(x.value()));
  EXPECT_TRUE(select(x, 1, 2).value().shares_storage(x.value()));
  EXPECT_TRUE(expand(unsqueeze(x, 0), {4, 2, 3}).value().shares_storage(x.value()));
  // An in-place write on the base Tensor is seen through the view.
  Variable row = select(x, 0, 1);
  {
    NoGradGuard no_grad;
    x.value().fill_(7.0);
  }
  EXPECT_EQ(values(row.value()), (std::vector<double>{7, 7, 7}));
  EXPECT_FALSE(cat({x, x}).value().shares_storage(x.value()));
}

// ---- errors ------------------------------------------------------------------

TEST(ShapeOpErrors, NameTheOpAndTheValues) {
  Variable x(random({2, 3}, 51), true);
  expect_error([&] { reshape(x, {4, 2}); }, {"reshape", "[4, 2]"});
  expect_error([&] { view(transpose(x, 0, 1), {6}); }, {"view"});
  expect_error([&] { cat(std::vector<Variable>{}); }, {"cat", "empty"});
  expect_error([&] { cat({x, Variable(random({2, 2}, 52))}, 0); }, {"cat", "[2, 2]"});
  expect_error([&] { stack({x, Variable(random({3, 2}, 53))}); }, {"stack", "[3, 2]"});
  expect_error([&] { permute(x, {0, 0}); }, {"permute"});
  expect_error([&] { narrow(x, 1, 2, 2); }, {"narrow"});
  expect_error([&] { slice(x, 0, 0, 2, 0); }, {"slice", "0"});
  expect_error([&] { select(x, 0, 2); }, {"select", "2"});
  expect_error([&] { split(x, std::vector<std::int64_t>{1, 1}, 1); }, {"split"});
  expect_error([&] { chunk(x, 0); }, {"chunk", "0"});
  expect_error([&] { expand(x, {3, 3}); }, {"expand", "[3, 3]"});
}

}  // namespace
}  // namespace nabla
