// Tests of Tensor itself: views over shared storage, contiguity, bounds checks
// of as_strided, element access, copies and dtype conversion, empty, rank-0
// and undefined tensors.
#include "tensor/tensor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "tensor/factory.h"

#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;

using ::testing::HasSubstr;

// The transpose of a contiguous [rows, cols] tensor, built with as_strided only.
Tensor transposed(const Tensor& t) {
  return as_strided(t, Shape{t.shape()[1], t.shape()[0]}, Strides{1, t.shape()[1]}, 0);
}

TEST(Tensor, FromLiteralHasShapeAndValues) {
  Tensor t = tensor({{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(t.shape(), (Shape{2, 3}));
  EXPECT_EQ(t.dtype(), DType::f32);
  EXPECT_EQ(t.to_vector<float>(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(Tensor, AccessorsReportLayout) {
  Tensor t = zeros({2, 3, 4}, DType::f64);
  EXPECT_EQ(t.dim(), 3);
  EXPECT_EQ(t.numel(), 24);
  EXPECT_EQ(t.size(-1), 4);
  EXPECT_EQ(t.size(0), 2);
  EXPECT_EQ(t.stride(0), 12);
  EXPECT_EQ(t.stride(-2), 4);
  EXPECT_EQ(t.offset(), 0);
  EXPECT_EQ(t.element_size(), 8u);
  expect_error([&] { t.size(3); }, {"size", "dim 3", "rank 3"});
  expect_error([&] { t.stride(-4); }, {"stride", "dim -4"});
}

TEST(Tensor, AsStridedViewSharesStorage) {
  Tensor base = arange(6.0);                                // 0..5
  Tensor view = as_strided(base, Shape{2}, Strides{2}, 1);  // elements 1 and 3
  EXPECT_TRUE(view.shares_storage(base));
  EXPECT_EQ(view.to_vector<float>(), (std::vector<float>{1, 3}));
  base.data<float>()[3] = 42;
  EXPECT_EQ(view.to_vector<float>(), (std::vector<float>{1, 42}));
  Tensor copy = base;  // copying a Tensor aliases too
  EXPECT_TRUE(copy.shares_storage(base));
  EXPECT_FALSE(base.clone().shares_storage(base));
}

TEST(Tensor, IsContiguousForVariousStrides) {
  Tensor base = zeros({24});
  EXPECT_TRUE(as_strided(base, Shape{2, 3, 4}, Strides{12, 4, 1}, 0).is_contiguous());
  EXPECT_FALSE(as_strided(base, Shape{3, 2}, Strides{1, 3}, 0).is_contiguous());
  EXPECT_FALSE(as_strided(base, Shape{3}, Strides{2}, 0).is_contiguous());
  // A size-1 dim may have any stride.
  EXPECT_TRUE(as_strided(base, Shape{1, 4}, Strides{99, 1}, 0).is_contiguous());
  EXPECT_TRUE(as_strided(base, Shape{4, 1}, Strides{1, 7}, 0).is_contiguous());
  // A stride-0 (expanded) dim is not contiguous.
  EXPECT_FALSE(as_strided(base, Shape{3, 4}, Strides{0, 1}, 0).is_contiguous());
  // A row slice at an offset is still contiguous.
  EXPECT_TRUE(as_strided(base, Shape{2, 4}, Strides{4, 1}, 8).is_contiguous());
  // A column slice is not.
  EXPECT_FALSE(as_strided(base, Shape{4, 2}, Strides{4, 1}, 0).is_contiguous());
  EXPECT_TRUE(zeros({}).is_contiguous());
}

TEST(Tensor, AsStridedOutOfBoundsThrows) {
  Tensor base = zeros({6});
  expect_error(
      [&] {
        as_strided(base, Shape{2, 3}, Strides{3, 1}, 1);
      },
      {"as_strided", "[2, 3]", "reaches element 6", "storage of 6"});
  expect_error([&] { as_strided(base, Shape{4}, Strides{2}, 0); }, {"as_strided", "[4]"});
  expect_error([&] { as_strided(base, Shape{2}, Strides{1}, -1); },
               {"as_strided", "negative offset -1"});
  expect_error(
      [&] {
        as_strided(base, Shape{2}, Strides{1, 1}, 0);
      },
      {"as_strided", "differ in rank"});
  expect_error([&] { as_strided(base, Shape{2}, Strides{-1}, 1); },
               {"as_strided", "negative stride"});
  // Strides so large that the reach wraps around int64 must not pass the check.
  expect_error([&] { as_strided(base, Shape{3}, Strides{std::int64_t{1} << 62}, 0); },
               {"as_strided", "beyond 2^63"});
  expect_error(
      [&] {
        as_strided(base, Shape{2, 2}, Strides{1, 1}, std::numeric_limits<std::int64_t>::max());
      },
      {"as_strided", "[2, 2]"});
  // An empty view may sit anywhere inside the storage.
  EXPECT_EQ(as_strided(base, Shape{0, 100}, Strides{100, 1}, 6).numel(), 0);
}

TEST(Tensor, ItemReturnsTheSingleElement) {
  EXPECT_EQ(tensor({2.5}).item<float>(), 2.5f);
  EXPECT_EQ(scalar_tensor(7, DType::i64).item<std::int64_t>(), 7);
  EXPECT_EQ(from_vector(std::vector<double>{3.75}, Shape{1, 1}).item<double>(), 3.75);
  // item converts: 2.9 as an integer truncates.
  EXPECT_EQ(scalar_tensor(2.9, DType::f64).item<std::int64_t>(), 2);
}

TEST(Tensor, ItemOnManyElementsNamesTheShape) {
  Tensor t = zeros({2, 3});
  expect_error([&] { t.item<float>(); }, {"item", "[2, 3]", "6 elements"});
  expect_error([&] { zeros({0}).item<float>(); }, {"item", "[0]"});
}

TEST(Tensor, DataWithWrongTypeThrows) {
  Tensor t = zeros({2}, DType::f64);
  EXPECT_NE(t.data<double>(), nullptr);
  expect_error([&] { t.data<float>(); }, {"data", "f32", "f64"});
  expect_error([&] { zeros({2}, DType::i64).data<double>(); }, {"data", "f64", "i64"});
}

TEST(Tensor, ContiguousOfTransposeHasRowMajorOrder) {
  Tensor a = tensor({{1, 2, 3}, {4, 5, 6}});
  Tensor t = transposed(a);
  EXPECT_FALSE(t.is_contiguous());
  Tensor c = t.contiguous();
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_FALSE(c.shares_storage(a));
  EXPECT_EQ(c.shape(), (Shape{3, 2}));
  EXPECT_EQ(c.to_vector<float>(), (std::vector<float>{1, 4, 2, 5, 3, 6}));
  // An already contiguous tensor is returned as is.
  EXPECT_TRUE(a.contiguous().shares_storage(a));
}

TEST(Tensor, ContiguousOfStridedAndExpandedViews) {
  Tensor base = arange(12.0, DType::f64);  // 0..11
  // Every other element of the middle two rows of a [3, 4] view.
  Tensor v = as_strided(base, Shape{2, 2}, Strides{4, 2}, 4);
  EXPECT_EQ(v.contiguous().to_vector<double>(), (std::vector<double>{4, 6, 8, 10}));
  // A row repeated three times via stride 0.
  Tensor e = as_strided(base, Shape{3, 2}, Strides{0, 1}, 1);
  EXPECT_EQ(e.contiguous().to_vector<double>(), (std::vector<double>{1, 2, 1, 2, 1, 2}));
}

TEST(Tensor, CloneIsIndependent) {
  Tensor a = tensor({1, 2, 3});
  Tensor b = a.clone();
  b.data<float>()[0] = 100;
  EXPECT_EQ(a.to_vector<float>(), (std::vector<float>{1, 2, 3}));
  a.data<float>()[2] = -1;
  EXPECT_EQ(b.to_vector<float>(), (std::vector<float>{100, 2, 3}));
  // Cloning a strided view gives a contiguous independent copy.
  Tensor t = transposed(tensor({{1, 2}, {3, 4}}));
  Tensor tc = t.clone();
  EXPECT_TRUE(tc.is_contiguous());
  EXPECT_EQ(tc.to_vector<float>(), (std::vector<float>{1, 3, 2, 4}));
}

TEST(Tensor, ToConvertsBetweenDtypes) {
  Tensor f = tensor({1.5, -2.75, 3.0});
  Tensor d = f.to(DType::f64);
  EXPECT_EQ(d.dtype(), DType::f64);
  EXPECT_EQ(d.to_vector<double>(), (std::vector<double>{1.5, -2.75, 3.0}));
  EXPECT_EQ(d.to(DType::f32).to_vector<float>(), (std::vector<float>{1.5f, -2.75f, 3.0f}));
  // Floating to integer truncates toward zero, as static_cast does.
  Tensor i = tensor({2.9, -2.9, 0.5}).to(DType::i64);
  EXPECT_EQ(i.dtype(), DType::i64);
  EXPECT_EQ(i.to_vector<std::int64_t>(), (std::vector<std::int64_t>{2, -2, 0}));
  Tensor back = i.to(DType::f32);
  EXPECT_EQ(back.to_vector<float>(), (std::vector<float>{2, -2, 0}));
  // The same dtype returns the tensor itself.
  EXPECT_TRUE(f.to(DType::f32).shares_storage(f));
  EXPECT_FALSE(d.shares_storage(f));
}

TEST(Tensor, ToOfStridedViewConverts) {
  Tensor t = transposed(tensor({{1, 2, 3}, {4, 5, 6}}, DType::f64));
  EXPECT_EQ(t.to(DType::i64).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{1, 4, 2, 5, 3, 6}));
}

TEST(Tensor, ToVectorConvertsAndFollowsStrides) {
  Tensor t = from_vector(std::vector<std::int64_t>{5, -6, 7, 8}, Shape{2, 2});
  EXPECT_EQ(t.to_vector<double>(), (std::vector<double>{5, -6, 7, 8}));
  EXPECT_EQ(transposed(t).to_vector<std::int64_t>(), (std::vector<std::int64_t>{5, 7, -6, 8}));
}

TEST(Tensor, EmptyTensorsWork) {
  Tensor e = zeros({0, 3});
  EXPECT_EQ(e.numel(), 0);
  EXPECT_EQ(e.dim(), 2);
  EXPECT_TRUE(e.to_vector<float>().empty());
  EXPECT_EQ(e.clone().shape(), (Shape{0, 3}));
  EXPECT_EQ(e.to(DType::f64).shape(), (Shape{0, 3}));
  EXPECT_EQ(e.contiguous().numel(), 0);
  EXPECT_NO_THROW(e.fill_(1.0));
}

TEST(Tensor, RankZeroTensor) {
  Tensor s = scalar_tensor(3.5);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.numel(), 1);
  EXPECT_EQ(s.shape(), Shape{});
  EXPECT_TRUE(s.is_contiguous());
  EXPECT_EQ(s.item<float>(), 3.5f);
  EXPECT_EQ(s.to_vector<double>(), (std::vector<double>{3.5}));
  expect_error([&] { s.size(0); }, {"size", "rank-0"});
  expect_error([&] { s.stride(-1); }, {"stride", "rank-0"});
}

TEST(Tensor, UndefinedTensorThrowsWithOpName) {
  Tensor u;
  EXPECT_FALSE(u.defined());
  EXPECT_EQ(u.raw_data(), nullptr);
  EXPECT_EQ(u.numel(), 0);
  expect_error([&] { u.contiguous(); }, {"contiguous", "undefined tensor"});
  expect_error([&] { u.clone(); }, {"clone", "undefined tensor"});
  expect_error([&] { u.to(DType::f64); }, {"to", "undefined tensor"});
  expect_error([&] { u.item<float>(); }, {"item", "undefined tensor"});
  expect_error([&] { u.to_vector<float>(); }, {"to_vector", "undefined tensor"});
  expect_error([&] { as_strided(u, Shape{1}, Strides{1}, 0); }, {"as_strided", "undefined"});
  expect_error([&] { u.fill_(1); }, {"fill_", "undefined tensor"});
  expect_error([&] { zeros({2}).add_(u); }, {"add_", "undefined tensor"});
}

TEST(Tensor, EmptyFactoryRejectsBadShapes) {
  expect_error([] { empty(Shape{2, -3}); }, {"empty", "negative size"});
  expect_error([] { empty(Shape{1, 1, 1, 1, 1, 1, 1, 1, 1}); }, {"empty", "rank 9"});
}

}  // namespace
}  // namespace nabla

namespace nabla {
namespace {

TEST(Tensor, ZeroSizeTensorWithHugeSizesHasNoOverflow) {
  const Tensor t = empty({0, std::int64_t{1} << 40, std::int64_t{1} << 40});
  EXPECT_EQ(t.numel(), 0);
  EXPECT_EQ(t.stride(2), 1);
  EXPECT_EQ(t.stride(1), std::int64_t{1} << 40);
}

}  // namespace
}  // namespace nabla
