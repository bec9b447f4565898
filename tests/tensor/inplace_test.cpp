// Tests of the in-place Tensor methods: values computed by hand, broadcasting
// of the other operand, writes through views, dtype conversion in copy_,
// aliasing between self and the operand, and every error path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tensor/factory.h"
#include "tensor/tensor.h"

#include "test_util.h"

namespace nabla {
namespace {

using testing::values;

using testing::expect_error;

using ::testing::HasSubstr;

Tensor transposed(const Tensor& t) {
  return as_strided(t, Shape{t.shape()[1], t.shape()[0]}, Strides{1, t.shape()[1]}, t.offset());
}

TEST(InPlace, AddWithAlpha) {
  for (DType dt : {DType::f32, DType::f64}) {
    Tensor a = tensor({1, 2, 3}, dt);
    a.add_(tensor({10, 20, 30}, dt), 0.5);
    EXPECT_EQ(values(a), (std::vector<double>{6, 12, 18}));
    a.add_(tensor({1, 1, 1}, dt));
    EXPECT_EQ(values(a), (std::vector<double>{7, 13, 19}));
  }
  Tensor i = tensor({1, 2}, DType::i64);
  i.add_(tensor({3, 4}, DType::i64), -2);
  EXPECT_EQ(i.to_vector<std::int64_t>(), (std::vector<std::int64_t>{-5, -6}));
}

TEST(InPlace, OtherOperandBroadcasts) {
  Tensor a = zeros({2, 3}, DType::f64);
  a.add_(tensor({1, 2, 3}, DType::f64));                          // row
  a.add_(from_vector(std::vector<double>{10, 20}, Shape{2, 1}));  // column
  a.mul_(scalar_tensor(2, DType::f64));                           // rank 0
  EXPECT_EQ(values(a), (std::vector<double>{22, 24, 26, 42, 44, 46}));
  // The operand's dtype is converted to self's.
  Tensor f = ones({2});
  f.sub_(tensor({0.5, 0.25}, DType::f64));
  EXPECT_EQ(f.dtype(), DType::f32);
  EXPECT_EQ(values(f), (std::vector<double>{0.5, 0.75}));
}

TEST(InPlace, ScalarOps) {
  Tensor a = tensor({1, -2, 4}, DType::f64);
  a.add_(1).mul_(3).sub_(2).div_(2);  // ((x + 1) * 3 - 2) / 2
  EXPECT_EQ(values(a), (std::vector<double>{2, -2.5, 6.5}));
  a.neg_();
  EXPECT_EQ(values(a), (std::vector<double>{-2, 2.5, -6.5}));
  Tensor b = tensor({4, 9, 0.25});
  b.sqrt_();
  EXPECT_EQ(values(b), (std::vector<double>{2, 3, 0.5}));
  b.div_(tensor({4, 2, 1}));
  EXPECT_EQ(values(b), (std::vector<double>{0.5, 1.5, 0.5}));
  b.mul_(tensor({2, 2, 4}));
  EXPECT_EQ(values(b), (std::vector<double>{1, 3, 2}));
  b.fill_(7);
  EXPECT_EQ(values(b), (std::vector<double>{7, 7, 7}));
  b.zero_();
  EXPECT_EQ(values(b), (std::vector<double>{0, 0, 0}));
}

TEST(InPlace, WritingThroughAViewChangesTheBase) {
  Tensor base = zeros({3, 4});
  Tensor col = as_strided(base, Shape{3}, Strides{4}, 1);  // column 1
  col.add_(5);
  col.mul_(tensor({1, 2, 3}));
  EXPECT_EQ(values(base), (std::vector<double>{0, 5, 0, 0, 0, 10, 0, 0, 0, 15, 0, 0}));
  Tensor t = transposed(base);  // [4, 3]
  // Adds 1 to row 0 of t, which is column 0 of base.
  t.add_(from_vector(std::vector<float>{1, 0, 0, 0}, Shape{4, 1}));
  EXPECT_EQ(values(base), (std::vector<double>{1, 5, 0, 0, 1, 10, 0, 0, 1, 15, 0, 0}));
  // zero_ on a non-contiguous view leaves the rest alone.
  col.zero_();
  EXPECT_EQ(values(base), (std::vector<double>{1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0}));
}

TEST(InPlace, NonBroadcastableOrGrowingOperandThrows) {
  Tensor a = zeros({2, 3});
  expect_error([&] { a.add_(zeros({4})); }, {"add_", "[2, 3]", "[4]", "cannot be broadcast"});
  // [2, 1] + [2, 3] broadcasts to [2, 3], which would not fit in self.
  Tensor b = zeros({2, 1});
  expect_error([&] { b.add_(zeros({2, 3})); }, {"add_", "[2, 3]", "[2, 1]"});
  expect_error([&] { b.mul_(zeros({3, 2, 1})); }, {"mul_", "[3, 2, 1]"});
  expect_error([&] { a.sub_(zeros({3, 2})); }, {"sub_"});
  expect_error([&] { a.div_(zeros({5})); }, {"div_"});
}

TEST(InPlace, ClampBoundsAndErrors) {
  Tensor a = tensor({-3, 0.5, 7}, DType::f64);
  a.clamp_(-1, 2);
  EXPECT_EQ(values(a), (std::vector<double>{-1, 0.5, 2}));
  Tensor i = tensor({-5, 1, 9}, DType::i64);
  i.clamp_(0, 4);
  EXPECT_EQ(i.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 1, 4}));
  expect_error([&] { a.clamp_(3, 1); }, {"clamp_", "min 3", "max 1"});
  expect_error([&] { a.clamp_(NAN, 1); }, {"clamp_", "NaN"});
}

TEST(InPlace, FloatingOnlyOpsRejectI64) {
  Tensor i = tensor({4, 9}, DType::i64);
  expect_error([&] { i.sqrt_(); }, {"sqrt_", "i64"});
  expect_error([&] { i.div_(2); }, {"div_", "i64"});
  expect_error([&] { i.div_(tensor({1, 2}, DType::i64)); }, {"div_", "i64"});
  expect_error([&] { i.addcdiv_(i, i); }, {"addcdiv_", "i64"});
}

TEST(InPlace, FractionalScalarOnI64Throws) {
  Tensor i = tensor({4, 9}, DType::i64);
  expect_error([&] { i.mul_(0.5); }, {"mul_", "0.5", "i64"});
  expect_error([&] { i.add_(i, 0.5); }, {"add_", "0.5"});
  expect_error([&] { i.clamp_(0.5, 3); }, {"clamp_", "0.5"});
  expect_error([&] { i.add_(1e30); }, {"add_", "int64"});
  expect_error([&] { i.add_(INFINITY); }, {"add_", "inf"});
  // Clamping to an infinite bound means no bound on that side.
  Tensor j = tensor({-5, 1, 9}, DType::i64);
  j.clamp_(0, INFINITY);
  EXPECT_EQ(j.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 1, 9}));
  j.clamp_(-INFINITY, 4);
  EXPECT_EQ(j.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 1, 4}));
  i.mul_(3.0);  // integral values are fine
  EXPECT_EQ(i.to_vector<std::int64_t>(), (std::vector<std::int64_t>{12, 27}));
}

TEST(InPlace, AddcmulAndAddcdiv) {
  for (DType dt : {DType::f32, DType::f64}) {
    Tensor x = tensor({1, 2, 3}, dt);
    x.addcmul_(tensor({2, 3, 4}, dt), tensor({5, 6, 7}, dt), 0.5);  // x + 0.5 * a * b
    EXPECT_EQ(values(x), (std::vector<double>{6, 11, 17}));
    x.addcdiv_(tensor({4, 9, 1}, dt), tensor({2, 3, 4}, dt), 2);  // x + 2 * a / b
    EXPECT_EQ(values(x), (std::vector<double>{10, 17, 17.5}));
  }
  // Operands broadcast: a is a column, b a scalar.
  Tensor y = zeros({2, 2}, DType::f64);
  y.addcmul_(from_vector(std::vector<double>{1, 2}, Shape{2, 1}), scalar_tensor(3, DType::f64));
  EXPECT_EQ(values(y), (std::vector<double>{3, 3, 6, 6}));
  expect_error([&] { y.addcmul_(zeros({3}), zeros({2})); }, {"addcmul_", "[3]"});
  expect_error([&] { y.addcdiv_(zeros({2}), zeros({2, 2, 2})); }, {"addcdiv_", "[2, 2, 2]"});
}

TEST(InPlace, CopyConvertsAndBroadcasts) {
  Tensor d = zeros({2, 3}, DType::f64);
  d.copy_(tensor({1.5, 2.5, 3.5}));  // f32 row broadcast into f64
  EXPECT_EQ(values(d), (std::vector<double>{1.5, 2.5, 3.5, 1.5, 2.5, 3.5}));
  Tensor i = zeros({2, 2}, DType::i64);
  i.copy_(tensor({{1.9, -1.9}, {0.1, 7}}, DType::f64));  // truncates toward zero
  EXPECT_EQ(i.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, -1, 0, 7}));
  Tensor f = zeros({2, 2});
  f.copy_(transposed(tensor({{1, 2}, {3, 4}}, DType::i64)));
  EXPECT_EQ(values(f), (std::vector<double>{1, 3, 2, 4}));
  expect_error([&] { f.copy_(zeros({3})); }, {"copy_", "[3]", "[2, 2]"});
  expect_error([&] { zeros({2}).copy_(zeros({2, 2})); }, {"copy_", "[2, 2]", "[2]"});
}

TEST(InPlace, OperandAliasingSelfIsReadBeforeWriting) {
  // x += x^T must use the original values of x: [[1,2],[3,4]] + [[1,3],[2,4]].
  Tensor x = tensor({{1, 2}, {3, 4}}, DType::f64);
  x.add_(transposed(x));
  EXPECT_EQ(values(x), (std::vector<double>{2, 5, 5, 8}));
  // copy_ from an overlapping shifted view: y[0:4] = y[1:5] of the original.
  Tensor y = arange(5.0, DType::f64);
  Tensor head = as_strided(y, Shape{4}, Strides{1}, 0);
  head.copy_(as_strided(y, Shape{4}, Strides{1}, 1));
  EXPECT_EQ(values(y), (std::vector<double>{1, 2, 3, 4, 4}));
  Tensor tail = as_strided(y, Shape{4}, Strides{1}, 1);
  tail.copy_(as_strided(y, Shape{4}, Strides{1}, 0));  // shift right
  EXPECT_EQ(values(y), (std::vector<double>{1, 1, 2, 3, 4}));
  // The same view as operand is fine: x *= x.
  Tensor z = tensor({3, -2});
  z.mul_(z);
  EXPECT_EQ(values(z), (std::vector<double>{9, 4}));
}

TEST(InPlace, WritingIntoAnExpandedViewThrows) {
  Tensor row = zeros({3});
  Tensor expanded = as_strided(row, Shape{2, 3}, Strides{0, 1}, 0);
  expect_error([&] { expanded.add_(ones({2, 3})); }, {"add_", "stride-0", "[2, 3]"});
  expect_error([&] { expanded.mul_(2); }, {"mul_", "stride-0"});
  expect_error([&] { expanded.copy_(ones({2, 3})); }, {"copy_", "stride-0"});
  // Filling with one value is well defined.
  expanded.fill_(4);
  EXPECT_EQ(values(row), (std::vector<double>{4, 4, 4}));
}

TEST(InPlace, EmptyTensorsAreNoOps) {
  Tensor e = zeros({0, 3});
  EXPECT_NO_THROW(e.add_(ones({3})));
  EXPECT_NO_THROW(e.mul_(2).sqrt_().clamp_(0, 1));
  EXPECT_NO_THROW(e.copy_(zeros({0, 3}, DType::i64)));
  EXPECT_EQ(e.numel(), 0);
}

TEST(InPlace, LargeNonContiguousAddMatchesReference) {
  // Above kParallelGrain, through the threaded strided loop.
  const std::int64_t rows = 300, cols = 250;
  std::vector<double> src(static_cast<std::size_t>(rows * cols));
  for (std::size_t k = 0; k < src.size(); ++k) src[k] = static_cast<double>(k % 97);
  Tensor base = from_vector(src, Shape{rows, cols});
  Tensor t = transposed(base);                                 // [cols, rows]
  t.add_(arange(static_cast<double>(rows), DType::f64), 2.0);  // t[j][i] += 2 * i
  const std::vector<double> got = values(base);
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j) {
      const auto k = static_cast<std::size_t>(i * cols + j);
      ASSERT_EQ(got[k], src[k] + 2.0 * static_cast<double>(i)) << i << ", " << j;
    }
}

}  // namespace
}  // namespace nabla
