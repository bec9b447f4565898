// Tests of tensor/shape_ops.h: result shapes and values against hand-written
// expectations, storage sharing of every view (writes through a view reach the
// base), non-contiguous inputs (transposed, strided, expanded, views of views),
// f32/f64/i64, empty and rank-0 tensors, and every error path.
#include "tensor/shape_ops.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "tensor/factory.h"

#include "test_util.h"

namespace nabla {
namespace {

using testing::values;

using testing::expect_error;

using ::testing::HasSubstr;

// 0, 1, ..., n-1 reshaped to `shape` (built without the ops under test).
Tensor iota(const Shape& shape, DType dtype = DType::f32) {
  std::vector<double> v(static_cast<std::size_t>(numel(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);
  return from_vector(v, shape).to(dtype);
}

// ---- reshape / view / flatten ------------------------------------------------

TEST(ShapeOpsReshape, ContiguousIsViewSharingStorage) {
  const Tensor t = iota({2, 3});
  Tensor r = reshape(t, {3, 2});
  EXPECT_EQ(r.shape(), Shape({3, 2}));
  EXPECT_TRUE(r.shares_storage(t));
  EXPECT_EQ(values(r), std::vector<double>({0, 1, 2, 3, 4, 5}));
  // Row 1 of the [3, 2] view is elements 2 and 3 of the base.
  select(r, 0, 1).fill_(9);
  EXPECT_EQ(values(t), std::vector<double>({0, 1, 9, 9, 4, 5}));
}

TEST(ShapeOpsReshape, InfersMinusOne) {
  const Tensor t = iota({12}, DType::f64);
  EXPECT_EQ(reshape(t, {3, -1}).shape(), Shape({3, 4}));
  EXPECT_EQ(reshape(t, {-1, 2, 2}).shape(), Shape({3, 2, 2}));
  EXPECT_EQ(reshape(t, {-1}).shape(), Shape({12}));
  EXPECT_EQ(reshape(t, {3, -1}).dtype(), DType::f64);
}

TEST(ShapeOpsReshape, TransposedInputCopiesInRowMajorOrder) {
  const Tensor t = tensor({{1, 2, 3}, {4, 5, 6}});
  const Tensor tt = transpose(t, 0, 1);  // [[1, 4], [2, 5], [3, 6]]
  const Tensor flat = reshape(tt, {6});
  EXPECT_FALSE(flat.shares_storage(t));
  EXPECT_EQ(values(flat), std::vector<double>({1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(values(reshape(tt, {2, 3})), std::vector<double>({1, 4, 2, 5, 3, 6}));
}

TEST(ShapeOpsReshape, NonContiguousButViewableStaysAView) {
  // Splitting a dim of a transposed matrix or of a strided slice needs no copy.
  const Tensor t = iota({4, 6});
  const Tensor tt = transpose(t, 0, 1);  // [6, 4], strides [1, 6]
  const Tensor split_dim = reshape(tt, {2, 3, 4});
  EXPECT_TRUE(split_dim.shares_storage(t));
  EXPECT_EQ(split_dim.strides(), Strides({3, 1, 6}));
  // Element [a, b, c] is tt[3a + b, c] = t[c, 3a + b] = 6c + 3a + b.
  const std::vector<double> got = values(split_dim);
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 3; ++b)
      for (int c = 0; c < 4; ++c) EXPECT_EQ(got[a * 12 + b * 4 + c], 6 * c + 3 * a + b);

  const Tensor cols = slice(t, 1, 0, 4, 2);  // columns 0 and 2: [4, 2], strides [6, 2]
  const Tensor r = reshape(cols, {2, 2, 2});
  EXPECT_TRUE(r.shares_storage(t));
  EXPECT_EQ(values(r), std::vector<double>({0, 2, 6, 8, 12, 14, 18, 20}));
  // Merging the two dims of the strided slice is impossible without a copy.
  EXPECT_FALSE(reshape(cols, {8}).shares_storage(t));
  EXPECT_EQ(values(reshape(cols, {8})), values(r));
  // Every other column of all 6 is evenly spaced in memory, so it merges as a view.
  const Tensor even = slice(t, 1, 0, 6, 2);  // [4, 3], strides [6, 2]
  const Tensor merged = reshape(even, {12});
  EXPECT_TRUE(merged.shares_storage(t));
  EXPECT_EQ(merged.strides(), Strides({2}));
  EXPECT_EQ(values(merged), std::vector<double>({0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22}));
}

TEST(ShapeOpsReshape, ExpandedInputCopies) {
  const Tensor e = expand(tensor({{1, 2, 3}}), {2, 3});
  const Tensor r = reshape(e, {6});
  EXPECT_EQ(values(r), std::vector<double>({1, 2, 3, 1, 2, 3}));
  EXPECT_FALSE(r.shares_storage(e));
}

TEST(ShapeOpsReshape, EmptyAndRankZero) {
  const Tensor e = zeros({2, 0, 3});
  EXPECT_EQ(reshape(e, {-1, 3}).shape(), Shape({0, 3}));
  EXPECT_EQ(reshape(e, {0, 5}).shape(), Shape({0, 5}));
  EXPECT_EQ(reshape(e, {0, 5}).numel(), 0);
  const Tensor s = scalar_tensor(7.0, DType::i64);
  const Tensor r = reshape(s, {1, 1});
  EXPECT_EQ(r.shape(), Shape({1, 1}));
  EXPECT_EQ(r.item<std::int64_t>(), 7);
  EXPECT_EQ(reshape(r, {}).dim(), 0);
  EXPECT_EQ(reshape(r, {}).item<std::int64_t>(), 7);
}

TEST(ShapeOpsReshape, Errors) {
  const Tensor t = iota({3, 4});
  expect_error(
      [&] {
        reshape(t, {4, 4});
      },
      "reshape: shape [4, 4] is invalid for a tensor of 12 elements");
  expect_error([&] { reshape(t, {-1, -1}); }, "reshape: only one dimension can be inferred");
  expect_error([&] { reshape(t, {-2, -6}); }, "reshape: invalid size -2");
  expect_error([&] { reshape(t, {5, -1}); }, "reshape: shape [5, -1] is invalid");
  expect_error([&] { reshape(t, {12, 1, 1, 1, 1, 1, 1, 1, 1}); }, "reshape: rank 9 exceeds");
  expect_error([&] { reshape(zeros({0, 3}), {0, -1}); }, "reshape: cannot infer the -1");
  expect_error([&] { reshape(Tensor(), {1}); }, "reshape: undefined tensor");
}

TEST(ShapeOpsView, SharesStorageAndThrowsOnIncompatibleStrides) {
  const Tensor t = iota({2, 3}, DType::i64);
  Tensor v = view(t, {3, 2});
  EXPECT_TRUE(v.shares_storage(t));
  v.fill_(4);
  EXPECT_EQ(values(t), std::vector<double>(6, 4));
  expect_error([&] { view(transpose(t, 0, 1), {6}); },
               "view: a tensor of shape [3, 2] and strides [1, 3] cannot be viewed as shape [6]");
  expect_error([&] { view(t, {4}); }, "view: shape [4] is invalid for a tensor of 6 elements");
}

TEST(ShapeOpsFlatten, MergesDims) {
  const Tensor t = iota({2, 3, 4});
  EXPECT_EQ(flatten(t).shape(), Shape({24}));
  EXPECT_EQ(flatten(t, 1).shape(), Shape({2, 12}));
  EXPECT_EQ(flatten(t, 0, 1).shape(), Shape({6, 4}));
  EXPECT_EQ(flatten(t, -2, -1).shape(), Shape({2, 12}));
  EXPECT_EQ(flatten(t, 1, 1).shape(), Shape({2, 3, 4}));
  EXPECT_TRUE(flatten(t, 1).shares_storage(t));
  EXPECT_EQ(values(flatten(t)), values(t));
  EXPECT_EQ(flatten(scalar_tensor(3.0)).shape(), Shape({1}));
  // A transposed input flattens in its own (logical) row-major order.
  EXPECT_EQ(values(flatten(transpose(tensor({{1, 2}, {3, 4}}), 0, 1))),
            std::vector<double>({1, 3, 2, 4}));
  expect_error([&] { flatten(t, 2, 1); }, "flatten: start_dim 2 comes after end_dim 1");
  expect_error([&] { flatten(t, 3); }, "flatten: dim 3 out of range");
}

// ---- transpose / permute / squeeze / unsqueeze ------------------------------

TEST(ShapeOpsTranspose, SwapsShapeAndStridesAsAView) {
  Tensor t = tensor({{1, 2, 3}, {4, 5, 6}}, DType::f64);
  Tensor tt = transpose(t, 0, 1);
  EXPECT_EQ(tt.shape(), Shape({3, 2}));
  EXPECT_EQ(tt.strides(), Strides({1, 3}));
  EXPECT_FALSE(tt.is_contiguous());
  EXPECT_EQ(values(tt), std::vector<double>({1, 4, 2, 5, 3, 6}));
  select(tt, 0, 2).fill_(0);  // column 2 of t
  EXPECT_EQ(values(t), std::vector<double>({1, 2, 0, 4, 5, 0}));
  EXPECT_EQ(values(transpose(t, -1, -2)), values(tt));
  EXPECT_EQ(values(transpose(transpose(t, 0, 1), 1, 0)), values(t));
  EXPECT_EQ(transpose(t, 1, 1).strides(), t.strides());
  EXPECT_EQ(transpose(scalar_tensor(2.0), 0, -1).item<double>(), 2.0);
  expect_error([&] { transpose(t, 0, 2); }, "transpose: dim 2 out of range");
}

TEST(ShapeOpsPermute, ReordersDims) {
  const Tensor t = iota({2, 3, 4}, DType::i64);
  const Tensor p = permute(t, {2, 0, 1});
  EXPECT_EQ(p.shape(), Shape({4, 2, 3}));
  EXPECT_TRUE(p.shares_storage(t));
  const std::vector<std::int64_t> got = p.to_vector<std::int64_t>();
  // p[k, i, j] = t[i, j, k] = 12 i + 4 j + k.
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j) EXPECT_EQ(got[k * 6 + i * 3 + j], 12 * i + 4 * j + k);
  EXPECT_EQ(permute(t, {-1, 0, 1}).shape(), Shape({4, 2, 3}));
  EXPECT_EQ(values(permute(p, {1, 2, 0})), values(t));
}

TEST(ShapeOpsPermute, Errors) {
  const Tensor t = iota({2, 3, 4});
  expect_error([&] { permute(t, {0, 1}); }, "permute: dims [0, 1] do not match the rank 3");
  expect_error([&] { permute(t, {0, 1, 1}); }, "permute: dims [0, 1, 1] are not a permutation");
  expect_error([&] { permute(t, {0, 2, -1}); }, "permute: dims [0, 2, -1] are not a permutation");
  expect_error([&] { permute(t, {0, 1, 3}); }, "permute: dim 3 out of range");
}

TEST(ShapeOpsSqueeze, RemovesSizeOneDims) {
  const Tensor t = iota({1, 3, 1, 2});
  const Tensor s = squeeze(t);
  EXPECT_EQ(s.shape(), Shape({3, 2}));
  EXPECT_TRUE(s.shares_storage(t));
  EXPECT_EQ(values(s), values(t));
  EXPECT_EQ(squeeze(t, 0).shape(), Shape({3, 1, 2}));
  EXPECT_EQ(squeeze(t, -2).shape(), Shape({1, 3, 2}));
  // A dim whose size is not 1 is left alone, as in PyTorch.
  EXPECT_EQ(squeeze(t, 1).shape(), Shape({1, 3, 1, 2}));
  EXPECT_EQ(squeeze(ones({1, 1})).dim(), 0);
  EXPECT_EQ(squeeze(zeros({0, 1})).shape(), Shape({0}));
  expect_error([&] { squeeze(t, 4); }, "squeeze: dim 4 out of range");
}

TEST(ShapeOpsUnsqueeze, InsertsSizeOneDim) {
  const Tensor t = iota({2, 3});
  EXPECT_EQ(unsqueeze(t, 0).shape(), Shape({1, 2, 3}));
  EXPECT_EQ(unsqueeze(t, 1).shape(), Shape({2, 1, 3}));
  EXPECT_EQ(unsqueeze(t, 2).shape(), Shape({2, 3, 1}));
  EXPECT_EQ(unsqueeze(t, -1).shape(), Shape({2, 3, 1}));
  EXPECT_EQ(unsqueeze(t, -3).shape(), Shape({1, 2, 3}));
  EXPECT_TRUE(unsqueeze(t, 1).is_contiguous());
  EXPECT_TRUE(unsqueeze(t, 1).shares_storage(t));
  EXPECT_EQ(values(unsqueeze(transpose(t, 0, 1), 1)), std::vector<double>({0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(unsqueeze(scalar_tensor(1.0), 0).shape(), Shape({1}));
  expect_error([&] { unsqueeze(t, 3); }, "unsqueeze: dim 3 out of range");
  expect_error([&] { unsqueeze(ones({1, 1, 1, 1, 1, 1, 1, 1}), 0); }, "unsqueeze: rank 9 exceeds");
}

// ---- expand / broadcast_to --------------------------------------------------

TEST(ShapeOpsExpand, BroadcastsWithStrideZeroAndSharesStorage) {
  Tensor base = from_vector(std::vector<float>{1, 2, 3}, {3, 1});
  const Tensor e = expand(base, {2, 3, 4});
  EXPECT_EQ(e.shape(), Shape({2, 3, 4}));
  EXPECT_EQ(e.strides(), Strides({0, 1, 0}));
  EXPECT_TRUE(e.shares_storage(base));
  std::vector<double> want;
  for (int a = 0; a < 2; ++a)
    for (int b = 1; b <= 3; ++b)
      for (int c = 0; c < 4; ++c) want.push_back(b);
  EXPECT_EQ(values(e), want);
  base.mul_(10.0);
  EXPECT_EQ(values(select(select(e, 0, 1), 1, 3)), std::vector<double>({10, 20, 30}));
}

TEST(ShapeOpsExpand, MinusOneKeepsSizeAndBroadcastToMatches) {
  const Tensor t = tensor({1, 2, 3}, DType::i64);
  EXPECT_EQ(expand(t, {2, -1}).shape(), Shape({2, 3}));
  EXPECT_EQ(values(expand(t, {2, -1})), std::vector<double>({1, 2, 3, 1, 2, 3}));
  EXPECT_EQ(values(broadcast_to(t, {2, 3})), std::vector<double>({1, 2, 3, 1, 2, 3}));
  EXPECT_EQ(expand(t, {3}).strides(), t.strides());
  EXPECT_EQ(expand(ones({1, 3}), {0, 3}).numel(), 0);
  EXPECT_EQ(expand(scalar_tensor(5.0), {2, 2}).shape(), Shape({2, 2}));
  // Expanding a non-contiguous view keeps its strides.
  const Tensor col = select(transpose(tensor({{1, 2}, {3, 4}}), 0, 1), 0, 0);  // [1, 3], stride 2
  EXPECT_EQ(values(expand(unsqueeze(col, 0), {2, 2})), std::vector<double>({1, 3, 1, 3}));
}

TEST(ShapeOpsExpand, Errors) {
  const Tensor t = ones({2, 3});
  expect_error([&] { expand(t, {2, 4}); }, "expand: the size 3 of dim 1 cannot be expanded to 4");
  expect_error([&] { expand(t, {-1, 2, 3}); }, "expand: size -1 is not allowed in new leading dim");
  expect_error([&] { expand(t, {3}); }, "expand: the target shape [3] has fewer dims");
  expect_error([&] { expand(t, {2, -2}); }, "expand: invalid size -2");
  expect_error([&] { expand(t, {1, 1, 1, 1, 1, 1, 1, 2, 3}); }, "expand: rank 9 exceeds");
  expect_error([&] { broadcast_to(t, {4, 3}); }, "broadcast_to: the size 2 of dim 0");
}

// ---- narrow / slice / select -------------------------------------------------

TEST(ShapeOpsNarrow, ViewsARangeAndWritesThrough) {
  Tensor t = iota({4, 3}, DType::f64);
  Tensor n = narrow(t, 0, 1, 2);
  EXPECT_EQ(n.shape(), Shape({2, 3}));
  EXPECT_TRUE(n.shares_storage(t));
  EXPECT_EQ(values(n), std::vector<double>({3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(values(narrow(t, 1, -2, 2)), std::vector<double>({1, 2, 4, 5, 7, 8, 10, 11}));
  EXPECT_EQ(narrow(t, 0, 4, 0).shape(), Shape({4 - 4, 3}));
  narrow(t, 1, 2, 1).fill_(-1);
  EXPECT_EQ(values(t), std::vector<double>({0, 1, -1, 3, 4, -1, 6, 7, -1, 9, 10, -1}));
}

TEST(ShapeOpsNarrow, Errors) {
  const Tensor t = iota({4, 3});
  expect_error([&] { narrow(t, 0, 3, 2); }, "narrow: start 3 + length 2 exceeds dim 0 of size 4");
  expect_error([&] { narrow(t, 0, 5, 0); }, "narrow: start 5 out of range for dim 0 of size 4");
  expect_error([&] { narrow(t, 0, -5, 1); }, "narrow: start -5 out of range");
  expect_error([&] { narrow(t, 0, 0, -1); }, "narrow: negative length -1");
  expect_error([&] { narrow(t, 2, 0, 1); }, "narrow: dim 2 out of range");
  expect_error([&] { narrow(scalar_tensor(1.0), 0, 0, 1); },
               "narrow: cannot be applied to a rank-0");
}

TEST(ShapeOpsSlice, StepsAndClampsLikePython) {
  const Tensor t = iota({10}, DType::i64);
  EXPECT_EQ(values(slice(t, 0, 1, 8, 3)), std::vector<double>({1, 4, 7}));
  EXPECT_EQ(values(slice(t, 0, 1, 9, 3)), std::vector<double>({1, 4, 7}));
  EXPECT_EQ(values(slice(t, 0, 1, 10, 3)), std::vector<double>({1, 4, 7}));
  EXPECT_EQ(values(slice(t, 0, 0, 10, 5)), std::vector<double>({0, 5}));
  EXPECT_EQ(values(slice(t, 0, -3, 100)), std::vector<double>({7, 8, 9}));
  EXPECT_EQ(values(slice(t, 0, -100, 2)), std::vector<double>({0, 1}));
  EXPECT_EQ(values(slice(t, 0, 2, -6)), std::vector<double>({2, 3}));
  EXPECT_EQ(slice(t, 0, 5, 2).numel(), 0);
  EXPECT_EQ(slice(t, 0, 20, 30).numel(), 0);
  EXPECT_EQ(slice(t, 0, 1, 8, 3).strides(), Strides({3}));
  EXPECT_TRUE(slice(t, 0, 1, 8, 3).shares_storage(t));
}

TEST(ShapeOpsSlice, TwoDimAndErrors) {
  Tensor t = iota({3, 4});
  const Tensor s = slice(t, 1, 1, 4, 2);  // columns 1 and 3
  EXPECT_EQ(values(s), std::vector<double>({1, 3, 5, 7, 9, 11}));
  slice(t, -1, 0, 4, 3).fill_(0);  // columns 0 and 3
  EXPECT_EQ(values(select(t, 0, 1)), std::vector<double>({0, 5, 6, 0}));
  EXPECT_EQ(values(s), std::vector<double>({1, 0, 5, 0, 9, 0}));
  expect_error([&] { slice(t, 0, 0, 2, 0); }, "slice: step must be at least 1, got 0");
  expect_error([&] { slice(t, 0, 0, 2, -1); }, "slice: step must be at least 1, got -1");
  expect_error([&] { slice(t, 2, 0, 1); }, "slice: dim 2 out of range");
  expect_error([&] { slice(scalar_tensor(1.0), 0, 0, 1); }, "slice: cannot be applied to a rank-0");
}

TEST(ShapeOpsSelect, RemovesDimAndWritesThrough) {
  Tensor t = iota({2, 3, 2});
  const Tensor s = select(t, 1, 2);
  EXPECT_EQ(s.shape(), Shape({2, 2}));
  EXPECT_EQ(values(s), std::vector<double>({4, 5, 10, 11}));
  EXPECT_EQ(values(select(t, 1, -1)), values(s));
  EXPECT_EQ(values(select(t, -1, 0)), std::vector<double>({0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(select(select(select(t, 0, 1), 0, 1), 0, 1).dim(), 0);
  EXPECT_EQ(select(select(select(t, 0, 1), 0, 1), 0, 1).item<double>(), 9);
  select(t, 0, 0).fill_(-1);
  EXPECT_EQ(values(select(t, 1, 0)), std::vector<double>({-1, -1, 6, 7}));
  // Selecting from an empty tensor along a non-empty dim gives an empty result.
  EXPECT_EQ(select(zeros({0, 3}), 1, 2).shape(), Shape({0}));
}

TEST(ShapeOpsSelect, Errors) {
  const Tensor t = iota({2, 3});
  expect_error([&] { select(t, 1, 3); }, "select: index 3 out of range for dim 1 of size 3");
  expect_error([&] { select(t, 0, -3); }, "select: index -3 out of range for dim 0 of size 2");
  expect_error(
      [&] {
        select(zeros({0, 3}), 0, 0);
      },
      "select: index 0 out of range for dim 0 of size 0");
  expect_error([&] { select(t, -3, 0); }, "select: dim -3 out of range");
  expect_error([&] { select(scalar_tensor(1.0), 0, 0); }, "select: cannot be applied to a rank-0");
}

TEST(ShapeOpsViews, ViewsOfViewsShareOneStorage) {
  Tensor t = iota({4, 6}, DType::i64);
  // Columns 1..2 of t, rows 1 and 3, taken through the transpose.
  Tensor v = slice(slice(transpose(t, 0, 1), 0, 1, 3), 1, 1, 5, 2);  // [2, 2]
  EXPECT_EQ(v.shape(), Shape({2, 2}));
  // v[i, j] = t[1 + 2 j, 1 + i] = 6 (1 + 2 j) + 1 + i.
  EXPECT_EQ(values(v), std::vector<double>({7, 19, 8, 20}));
  const Tensor w = reshape(unsqueeze(v, 0), {4});  // not viewable: copies
  EXPECT_EQ(values(w), std::vector<double>({7, 19, 8, 20}));
  v.fill_(0);
  EXPECT_EQ(values(select(t, 1, 1)), std::vector<double>({1, 0, 13, 0}));
  EXPECT_EQ(values(select(t, 1, 2)), std::vector<double>({2, 0, 14, 0}));
  EXPECT_EQ(values(w), std::vector<double>({7, 19, 8, 20}));
}

// ---- cat / stack --------------------------------------------------------------

TEST(ShapeOpsCat, JoinsAlongDims) {
  const Tensor a = tensor({{1, 2}, {3, 4}});
  const Tensor b = tensor({{5, 6}});
  const Tensor c0 = cat({a, b}, 0);
  EXPECT_EQ(c0.shape(), Shape({3, 2}));
  EXPECT_EQ(values(c0), std::vector<double>({1, 2, 3, 4, 5, 6}));
  EXPECT_FALSE(c0.shares_storage(a));
  const Tensor c1 = cat({a, transpose(b, 0, 1), a}, -1);
  EXPECT_EQ(c1.shape(), Shape({2, 5}));
  EXPECT_EQ(values(c1), std::vector<double>({1, 2, 5, 1, 2, 3, 4, 6, 3, 4}));
  EXPECT_EQ(values(cat({a}, 1)), values(a));
}

TEST(ShapeOpsCat, NonContiguousInputsAndDtypes) {
  const Tensor a = transpose(tensor({{1, 2}, {3, 4}}, DType::f64), 0, 1);  // [[1, 3], [2, 4]]
  const Tensor b = expand(full({1, 1}, 7, DType::f64), {2, 2});
  const Tensor c = cat({a, b}, 1);
  EXPECT_EQ(c.dtype(), DType::f64);
  EXPECT_EQ(values(c), std::vector<double>({1, 3, 7, 7, 2, 4, 7, 7}));
  const Tensor i = tensor({1, 2}, DType::i64);
  EXPECT_EQ(cat({i, i}).dtype(), DType::i64);
  const Tensor m = cat({i, tensor({0.5}, DType::f32)});
  EXPECT_EQ(m.dtype(), DType::f32);
  EXPECT_EQ(values(m), std::vector<double>({1, 2, 0.5}));
  EXPECT_EQ(cat({tensor({1.0}, DType::f32), tensor({2.0}, DType::f64), i}).dtype(), DType::f64);
}

TEST(ShapeOpsCat, EmptyTensors) {
  const Tensor a = tensor({{1, 2}, {3, 4}});
  EXPECT_EQ(values(cat({zeros({0, 2}), a, zeros({0, 2})}, 0)), values(a));
  EXPECT_EQ(cat({zeros({2, 0}), a}, 1).shape(), Shape({2, 2}));
  // A 1-D empty tensor joins anything (PyTorch's legacy rule).
  EXPECT_EQ(values(cat({zeros({0}), a}, 1)), values(a));
  EXPECT_EQ(cat({zeros({0}), zeros({0})}).shape(), Shape({0}));
  EXPECT_EQ(cat({zeros({0, 3}), zeros({0, 3})}, 0).shape(), Shape({0, 3}));
}

TEST(ShapeOpsCat, Errors) {
  const Tensor a = ones({2, 3});
  expect_error([&] { cat({}, 0); }, "cat: expected a non-empty list of tensors");
  expect_error(
      [&] {
        cat({a, ones({2, 4})}, 0);
      },
      "cat: tensor 1 has shape [2, 4] but tensor 0 has shape [2, 3]; sizes must match "
      "except in dim 0");
  expect_error([&] { cat({a, a, ones({3})}, 0); }, "cat: tensor 2 has shape [3]");
  expect_error([&] { cat({a, Tensor()}, 0); }, "cat: tensor 1 is undefined");
  expect_error([&] { cat({scalar_tensor(1.0)}, 0); }, "cat: tensor 0 is rank 0");
  expect_error([&] { cat({a, a}, 2); }, "cat: dim 2 out of range");
}

TEST(ShapeOpsStack, StacksAlongNewDim) {
  const Tensor a = tensor({1, 2, 3});
  const Tensor b = tensor({4, 5, 6}, DType::f64);
  const Tensor s0 = stack({a, b});
  EXPECT_EQ(s0.shape(), Shape({2, 3}));
  EXPECT_EQ(s0.dtype(), DType::f64);
  EXPECT_EQ(values(s0), std::vector<double>({1, 2, 3, 4, 5, 6}));
  const Tensor s1 = stack({a, b}, 1);
  EXPECT_EQ(s1.shape(), Shape({3, 2}));
  EXPECT_EQ(values(s1), std::vector<double>({1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(values(stack({a, b}, -1)), values(s1));
  EXPECT_EQ(values(stack({scalar_tensor(1.0), scalar_tensor(2.0)})), std::vector<double>({1, 2}));
  EXPECT_EQ(stack({zeros({0, 2}), zeros({0, 2})}, 1).shape(), Shape({0, 2, 2}));
}

TEST(ShapeOpsStack, Errors) {
  const Tensor a = ones({2, 3});
  expect_error([&] { stack({}, 0); }, "stack: expected a non-empty list of tensors");
  expect_error(
      [&] {
        stack({a, ones({3, 2})});
      },
      "stack: tensor 1 has shape [3, 2] but tensor 0 has shape [2, 3]");
  expect_error([&] { stack({a, a}, 3); }, "stack: dim 3 out of range");
  expect_error([&] { stack({ones({1, 1, 1, 1, 1, 1, 1, 1})}); }, "stack: rank 9 exceeds");
}

// ---- split / chunk -------------------------------------------------------------

TEST(ShapeOpsSplit, BySizeGivesViews) {
  Tensor t = iota({7, 2}, DType::i64);
  std::vector<Tensor> parts = split(t, 3);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].shape(), Shape({3, 2}));
  EXPECT_EQ(parts[2].shape(), Shape({1, 2}));
  EXPECT_EQ(values(parts[1]), std::vector<double>({6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(values(parts[2]), std::vector<double>({12, 13}));
  parts[1].fill_(0);
  EXPECT_EQ(values(select(t, 0, 4)), std::vector<double>({0, 0}));
  const std::vector<Tensor> cols = split(t, 1, 1);
  ASSERT_EQ(cols.size(), 2u);
  EXPECT_EQ(values(cols[1]), std::vector<double>({1, 3, 5, 0, 0, 0, 13}));
  EXPECT_EQ(split(t, 10).size(), 1u);
  // An empty dim splits into one empty piece, even with split_size 0.
  EXPECT_EQ(split(zeros({0, 2}), 0).size(), 1u);
  EXPECT_EQ(split(zeros({0, 2}), 3)[0].shape(), Shape({0, 2}));
}

TEST(ShapeOpsSplit, BySizesWithZeros) {
  const Tensor t = iota({2, 5}, DType::f64);
  const std::vector<Tensor> parts = split(t, std::vector<std::int64_t>{2, 0, 3}, 1);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(values(parts[0]), std::vector<double>({0, 1, 5, 6}));
  EXPECT_EQ(parts[1].shape(), Shape({2, 0}));
  EXPECT_EQ(values(parts[2]), std::vector<double>({2, 3, 4, 7, 8, 9}));
  EXPECT_TRUE(parts[2].shares_storage(t));
  EXPECT_EQ(split(zeros({0}), std::vector<std::int64_t>{0, 0}).size(), 2u);
}

TEST(ShapeOpsSplit, Errors) {
  const Tensor t = iota({5});
  expect_error([&] { split(t, -1); }, "split: split_size must be non-negative, got -1");
  expect_error([&] { split(t, 0); }, "split: split_size 0 is only valid for an empty dim");
  expect_error(
      [&] {
        split(t, std::vector<std::int64_t>{2, 2});
      },
      "split: split sizes add up to 4 but dim 0 has size 5");
  expect_error(
      [&] {
        split(t, std::vector<std::int64_t>{-1, 6});
      },
      "split: negative split size -1");
  expect_error([&] { split(t, 2, 1); }, "split: dim 1 out of range");
}

TEST(ShapeOpsChunk, SplitsIntoAtMostNPieces) {
  const Tensor t = iota({7});
  std::vector<Tensor> c = chunk(t, 3);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(values(c[0]), std::vector<double>({0, 1, 2}));
  EXPECT_EQ(values(c[2]), std::vector<double>({6}));
  // 6 elements in 4 chunks of ceil(6/4) = 2 leave only 3 chunks.
  EXPECT_EQ(chunk(iota({6}), 4).size(), 3u);
  EXPECT_EQ(chunk(iota({2, 6}), 2, 1)[1].shape(), Shape({2, 3}));
  EXPECT_EQ(values(chunk(iota({2, 6}), 2, 1)[1]), std::vector<double>({3, 4, 5, 9, 10, 11}));
  const std::vector<Tensor> e = chunk(zeros({0, 2}), 3);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[2].shape(), Shape({0, 2}));
  expect_error([&] { chunk(t, 0); }, "chunk: chunks must be at least 1, got 0");
  expect_error([&] { chunk(t, 2, 1); }, "chunk: dim 1 out of range");
}

TEST(ShapeOpsLimits, HugeSizesThrowOrClampInsteadOfOverflowing) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  const Tensor t = iota({7});
  expect_error([&] { reshape(t, {kMax / 2, 4}); }, "reshape: shape [");
  expect_error([&] { reshape(t, {kMax / 2, 4, -1}); }, "reshape: shape [");
  expect_error([&] { narrow(t, 0, 1, kMax); }, "narrow: start 1 + length");
  expect_error([&] { split(t, std::vector<std::int64_t>{kMax, kMax}); }, "split: split sizes [");
  EXPECT_EQ(values(slice(t, 0, 2, kMax, kMax)), std::vector<double>({2}));
  EXPECT_EQ(values(slice(t, 0, -kMax, kMax, 3)), std::vector<double>({0, 3, 6}));
  EXPECT_EQ(split(t, kMax).size(), 1u);
  EXPECT_EQ(chunk(t, kMax).size(), 7u);
}

}  // namespace
}  // namespace nabla
