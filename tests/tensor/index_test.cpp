// Tests of tensor/index.h: index_select, gather, scatter_add(_), one_hot, where
// and masked_fill against hand-computed values (the gather and scatter_add
// cases are the worked examples of PyTorch's documentation), on contiguous and
// non-contiguous inputs, f32/f64/i64, empty tensors, and every error path
// including out-of-bounds indices.
#include "tensor/index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "tensor/factory.h"
#include "tensor/shape_ops.h"

#include "test_util.h"

namespace nabla {
namespace {

using testing::values;

using testing::expect_error;

using ::testing::HasSubstr;

Tensor idx(std::vector<std::int64_t> v) {
  return from_vector(v);
}
Tensor idx(std::vector<std::int64_t> v, const Shape& shape) {
  return from_vector(v, shape);
}

// 0, 1, ..., n-1 shaped as `shape`.
Tensor iota(const Shape& shape, DType dtype = DType::f32) {
  std::vector<double> v(static_cast<std::size_t>(numel(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);
  return from_vector(v, shape).to(dtype);
}

// ---- index_select ----------------------------------------------------------------

TEST(IndexSelect, RowsOfContiguousMatrixInEveryDtype) {
  for (DType dtype : {DType::f32, DType::f64, DType::i64}) {
    const Tensor t = iota({4, 3}, dtype);
    const Tensor out = index_select(t, 0, idx({3, 0, 3}));
    EXPECT_EQ(out.dtype(), dtype);
    EXPECT_EQ(out.shape(), Shape({3, 3}));
    EXPECT_EQ(values(out), std::vector<double>({9, 10, 11, 0, 1, 2, 9, 10, 11}));
    EXPECT_FALSE(out.shares_storage(t));
  }
}

TEST(IndexSelect, InnerAndMiddleDims) {
  const Tensor t = iota({2, 3, 2}, DType::f64);  // t[i, j, k] = 6 i + 2 j + k
  EXPECT_EQ(values(index_select(t, 1, idx({2, 0}))),
            std::vector<double>({4, 5, 0, 1, 10, 11, 6, 7}));
  EXPECT_EQ(values(index_select(t, -1, idx({1, 1, 0}))),
            std::vector<double>({1, 1, 0, 3, 3, 2, 5, 5, 4, 7, 7, 6, 9, 9, 8, 11, 11, 10}));
  EXPECT_EQ(index_select(t, -1, idx({1, 1, 0})).shape(), Shape({2, 3, 3}));
  // A rank-0 index selects one slice and keeps the dim.
  const Tensor one = index_select(t, 0, scalar_tensor(1.0, DType::i64));
  EXPECT_EQ(one.shape(), Shape({1, 3, 2}));
  EXPECT_EQ(values(one), std::vector<double>({6, 7, 8, 9, 10, 11}));
}

TEST(IndexSelect, LargeRowGatherSplitAcrossThreads) {
  // Enough rows that the row copy runs in parallel chunks; row r holds r.
  const std::int64_t n = 40000;
  std::vector<std::int64_t> rows(n);
  std::vector<float> v(static_cast<std::size_t>(n) * 2);
  for (std::int64_t r = 0; r < n; ++r) {
    rows[r] = (r * 7919) % n;
    v[2 * r] = static_cast<float>(r);
    v[2 * r + 1] = static_cast<float>(-r);
  }
  const Tensor out = index_select(from_vector(v, {n, 2}), 0, idx(rows));
  const std::vector<float> got = out.to_vector<float>();
  for (std::int64_t r = 0; r < n; ++r) {
    ASSERT_EQ(got[2 * r], static_cast<float>(rows[r])) << r;
    ASSERT_EQ(got[2 * r + 1], static_cast<float>(-rows[r])) << r;
  }
}

TEST(IndexSelect, NonContiguousInputAndIndex) {
  const Tensor t = transpose(iota({3, 4}), 0, 1);  // [4, 3], t[i, j] = 4 j + i
  EXPECT_EQ(values(index_select(t, 0, idx({3, 1}))), std::vector<double>({3, 7, 11, 1, 5, 9}));
  EXPECT_EQ(values(index_select(t, 1, idx({2}))), std::vector<double>({8, 9, 10, 11}));
  // A strided index: elements 0 and 2 of [2, 9, 0].
  const Tensor strided = slice(idx({2, 9, 0}), 0, 0, 3, 2);
  EXPECT_EQ(values(index_select(t, 1, strided)), std::vector<double>({8, 0, 9, 1, 10, 2, 11, 3}));
}

TEST(IndexSelect, EmptyIndexAndEmptyInput) {
  EXPECT_EQ(index_select(iota({3, 2}), 0, idx({})).shape(), Shape({0, 2}));
  EXPECT_EQ(index_select(zeros({0, 3}), 1, idx({2, 0})).shape(), Shape({0, 2}));
  EXPECT_EQ(index_select(zeros({2, 0}), 0, idx({1})).shape(), Shape({1, 0}));
}

TEST(IndexSelect, Errors) {
  const Tensor t = iota({3, 2});
  expect_error(
      [&] {
        index_select(t, 0, idx({0, 5}));
      },
      "index_select: index 5 is out of bounds for dim 0 of size 3");
  expect_error([&] { index_select(t, 1, idx({-1})); },
               "index_select: index -1 is out of bounds for dim 1 of size 2");
  expect_error(
      [&] {
        index_select(zeros({0, 3}), 0, idx({0}));
      },
      "index_select: index 0 is out of bounds for dim 0 of size 0");
  expect_error([&] { index_select(t, 0, tensor({0.0})); },
               "index_select: index tensor must have dtype i64, got f32");
  expect_error(
      [&] {
        index_select(t, 0, idx({0, 1}, {1, 2}));
      },
      "index_select: index must be 1-D, got shape [1, 2]");
  expect_error([&] { index_select(t, 2, idx({0})); }, "index_select: dim 2 out of range");
  expect_error([&] { index_select(scalar_tensor(1.0), 0, idx({0})); },
               "index_select: cannot be applied to a rank-0 tensor");
}

// ---- gather ------------------------------------------------------------------------

TEST(Gather, DocumentationExampleBothDims) {
  const Tensor t = tensor({{1, 2}, {3, 4}});
  // out[i][j] = t[i][index[i][j]]
  EXPECT_EQ(values(gather(t, 1, idx({0, 0, 1, 0}, {2, 2}))), std::vector<double>({1, 1, 4, 3}));
  // out[i][j] = t[index[i][j]][j]
  EXPECT_EQ(values(gather(t, 0, idx({1, 0, 0, 0, 1, 1}, {3, 2}))),
            std::vector<double>({3, 2, 1, 2, 3, 4}));
}

TEST(Gather, SmallerIndexThreeDimsAndDtypes) {
  for (DType dtype : {DType::f32, DType::f64, DType::i64}) {
    const Tensor t = iota({2, 3, 4}, dtype);  // t[i, j, k] = 12 i + 4 j + k
    // index [2, 1, 2] along dim 2: out[i, 0, k] = t[i, 0, index[i, 0, k]].
    const Tensor out = gather(t, 2, idx({3, 1, 0, 0}, {2, 1, 2}));
    EXPECT_EQ(out.dtype(), dtype);
    EXPECT_EQ(out.shape(), Shape({2, 1, 2}));
    EXPECT_EQ(values(out), std::vector<double>({3, 1, 12, 12}));
  }
}

TEST(Gather, LabelPicksAsInCrossEntropy) {
  // Picking each row's label column: [N, C] gathered with [N, 1].
  const Tensor logits = tensor({{0.1, 0.2, 0.7}, {0.5, 0.3, 0.2}}, DType::f64);
  const Tensor picked = gather(logits, 1, idx({2, 0}, {2, 1}));
  EXPECT_EQ(picked.shape(), Shape({2, 1}));
  EXPECT_EQ(values(picked), std::vector<double>({0.7, 0.5}));
}

TEST(Gather, NonContiguousInputAndIndex) {
  const Tensor t = transpose(tensor({{1, 2, 3}, {4, 5, 6}}), 0, 1);  // [[1, 4], [2, 5], [3, 6]]
  const Tensor index =
      transpose(idx({1, 0, 1, 0, 0, 1}, {2, 3}), 0, 1);  // [[1, 0], [0, 0], [1, 1]]
  EXPECT_EQ(values(gather(t, 1, index)), std::vector<double>({4, 1, 2, 2, 6, 6}));
  // A stride-0 (expanded) index.
  const Tensor ex = expand(idx({2}, {1, 1}), {2, 1});
  EXPECT_EQ(values(gather(t, 0, ex)), std::vector<double>({3, 3}));
}

TEST(Gather, EmptyIndexAndRankZero) {
  EXPECT_EQ(gather(iota({2, 3}), 1, idx({}, {2, 0})).shape(), Shape({2, 0}));
  EXPECT_EQ(gather(scalar_tensor(4.0), 0, scalar_tensor(0.0, DType::i64)).item<double>(), 4.0);
}

TEST(Gather, Errors) {
  const Tensor t = iota({2, 3});
  expect_error(
      [&] {
        gather(t, 1, idx({0, 3}, {2, 1}));
      },
      "gather: index 3 is out of bounds for dim 1 of size 3");
  expect_error(
      [&] {
        gather(t, 0, idx({-1}, {1, 1}));
      },
      "gather: index -1 is out of bounds for dim 0 of size 2");
  expect_error(
      [&] {
        gather(t, 1, idx({0, 1}));
      },
      "gather: index of shape [2] must have the same rank as the tensor of shape [2, 3]");
  expect_error(
      [&] {
        gather(t, 1, idx({0, 0, 0}, {3, 1}));
      },
      "gather: index of shape [3, 1] is larger than the tensor of shape [2, 3] in dim 0");
  expect_error([&] { gather(t, 1, zeros({2, 1})); }, "gather: index tensor must have dtype i64");
  expect_error([&] { gather(t, 2, idx({0}, {1, 1})); }, "gather: dim 2 out of range");
}

// ---- scatter_add ------------------------------------------------------------------

TEST(ScatterAdd, DocumentationExampleOutOfPlace) {
  const Tensor t = zeros({3, 5});
  const Tensor index = idx({0, 1, 2, 0, 0, 2, 0, 0, 1, 2}, {2, 5});
  const Tensor out = scatter_add(t, 0, index, ones({2, 5}));
  EXPECT_EQ(values(out), std::vector<double>({1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1}));
  EXPECT_EQ(values(t), std::vector<double>(15, 0));
  EXPECT_FALSE(out.shares_storage(t));
}

TEST(ScatterAdd, InPlaceAccumulatesDuplicatesThroughAView) {
  Tensor base = zeros({2, 5}, DType::f64);
  Tensor rows = narrow(base, 1, 1, 3);  // columns 1..3, a strided view
  const Tensor src = tensor({{1, 2, 4}, {8, 16, 32}}, DType::f64);
  Tensor& r = scatter_add_(rows, 1, idx({2, 2, 0, 1, 1, 1}, {2, 3}), src);
  EXPECT_EQ(&r, &rows);
  EXPECT_EQ(values(base), std::vector<double>({0, 4, 0, 3, 0, 0, 0, 56, 0, 0}));
}

TEST(ScatterAdd, UndoesGatherForAPermutationAndConvertsSrc) {
  const Tensor t = iota({3, 2}, DType::i64);
  const Tensor index = idx({2, 0, 0, 1, 1, 2}, {3, 2});  // each column a permutation
  const Tensor g = gather(t, 0, index);
  const Tensor back = scatter_add(zeros({3, 2}, DType::i64), 0, index, g);
  EXPECT_EQ(values(back), values(t));
  // A f32 src added into an i64 tensor is converted to i64.
  EXPECT_EQ(scatter_add(zeros({2}, DType::i64), 0, idx({1}), tensor({3.0})).dtype(), DType::i64);
  EXPECT_EQ(values(scatter_add(zeros({2}, DType::i64), 0, idx({1}), tensor({3.0}))),
            std::vector<double>({0, 3}));
}

TEST(ScatterAdd, SmallerIndexThanSrcAndEmpty) {
  // Only src elements covered by the [1, 2] index are used.
  const Tensor out =
      scatter_add(zeros({2, 3}), 1, idx({2, 2}, {1, 2}), tensor({{1, 2, 9}, {9, 9, 9}}));
  EXPECT_EQ(values(out), std::vector<double>({0, 0, 3, 0, 0, 0}));
  EXPECT_EQ(values(scatter_add(ones({2}), 0, idx({}), zeros({0}))), std::vector<double>({1, 1}));
}

TEST(ScatterAdd, ErrorsLeaveTheTensorUnchanged) {
  Tensor t = zeros({2, 3});
  expect_error(
      [&] {
        scatter_add_(t, 0, idx({0, 1, 2}, {1, 3}), ones({1, 3}));
      },
      "scatter_add_: index 2 is out of bounds for dim 0 of size 2");
  EXPECT_EQ(values(t), std::vector<double>(6, 0));
  expect_error(
      [&] {
        scatter_add(t, 1, idx({-2}, {1, 1}), ones({1, 1}));
      },
      "scatter_add: index -2 is out of bounds for dim 1 of size 3");
  expect_error(
      [&] {
        scatter_add_(t, 0, idx({0, 0}, {1, 2}), ones({1, 1}));
      },
      "scatter_add_: index of shape [1, 2] is larger than src of shape [1, 1] in dim 1");
  expect_error(
      [&] {
        scatter_add_(t, 0, idx({0}, {1, 1}), ones({1}));
      },
      "scatter_add_: src of shape [1] must have the same rank");
  expect_error(
      [&] {
        scatter_add_(t, 0, idx({0, 0, 0, 0}, {1, 4}), ones({1, 4}));
      },
      "scatter_add_: index of shape [1, 4] is larger than the tensor of shape [2, 3]");
  expect_error(
      [&] {
        scatter_add_(t, 0, zeros({1, 1}), ones({1, 1}));
      },
      "scatter_add_: index tensor must have dtype i64");
  Tensor ex = expand(zeros({1, 3}), {2, 3});
  expect_error(
      [&] {
        scatter_add_(ex, 1, idx({0}, {1, 1}), ones({1, 1}));
      },
      "scatter_add_: cannot write in place into a broadcast (stride-0) dim 0");
  EXPECT_EQ(values(scatter_add(ex, 0, idx({1}, {1, 1}), ones({1, 1}))),
            std::vector<double>({0, 0, 0, 1, 0, 0}));
}

// ---- one_hot ------------------------------------------------------------------------

TEST(OneHot, EncodesLabelsWithExplicitAndInferredClasses) {
  const Tensor out = one_hot(idx({2, 0, 1}), 4);
  EXPECT_EQ(out.dtype(), DType::f32);
  EXPECT_EQ(out.shape(), Shape({3, 4}));
  EXPECT_EQ(values(out), std::vector<double>({0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0}));
  const Tensor inferred = one_hot(idx({1, 2, 0, 2}, {2, 2}), -1, DType::i64);
  EXPECT_EQ(inferred.dtype(), DType::i64);
  EXPECT_EQ(inferred.shape(), Shape({2, 2, 3}));
  EXPECT_EQ(values(inferred), std::vector<double>({0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1}));
  // Non-contiguous labels: the transpose of [[0, 0], [1, 1]] is [[0, 1], [0, 1]].
  const Tensor t = one_hot(transpose(idx({0, 0, 1, 1}, {2, 2}), 0, 1), 2, DType::f64);
  EXPECT_EQ(values(t), std::vector<double>({1, 0, 0, 1, 1, 0, 0, 1}));
  EXPECT_EQ(one_hot(idx({}), 5).shape(), Shape({0, 5}));
  EXPECT_EQ(one_hot(scalar_tensor(1.0, DType::i64), 3).shape(), Shape({3}));
}

TEST(OneHot, Errors) {
  expect_error(
      [&] {
        one_hot(idx({0, 3}), 3);
      },
      "one_hot: label 3 is out of bounds for num_classes 3");
  expect_error([&] { one_hot(idx({-1}), 3); }, "one_hot: label -1 is out of bounds");
  expect_error([&] { one_hot(idx({-1}), -1); },
               "one_hot: label -1 is out of bounds for num_classes 0");
  expect_error([&] { one_hot(idx({0}), -2); }, "one_hot: num_classes must be -1 or non-negative");
  expect_error([&] { one_hot(idx({}), -1); }, "one_hot: cannot infer num_classes");
  expect_error([&] { one_hot(tensor({1.0}), 2); }, "one_hot: index tensor must have dtype i64");
  expect_error(
      [&] {
        one_hot(zeros({1, 1, 1, 1, 1, 1, 1, 1}, DType::i64), 2);
      },
      "one_hot: labels of shape [1, 1, 1, 1, 1, 1, 1, 1] would give rank 9");
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  expect_error([&] { one_hot(idx({kMax}), -1); },
               "one_hot: label 9223372036854775807 is too large");
  expect_error([&] { one_hot(idx({0, 1}), kMax); }, "one_hot: 9223372036854775807 classes for 2");
}

// ---- where / masked_fill ------------------------------------------------------------

TEST(Where, SelectsElementwiseWithAnyConditionDtype) {
  const Tensor a = tensor({1, 2, 3, 4});
  const Tensor b = tensor({-1, -2, -3, -4});
  EXPECT_EQ(values(where(tensor({1, 0, 0, 1}, DType::i64), a, b)),
            std::vector<double>({1, -2, -3, 4}));
  // Any nonzero value, including a fraction or a negative number, is true.
  EXPECT_EQ(values(where(tensor({0.5, 0, -2, 0}, DType::f64), a, b)),
            std::vector<double>({1, -2, 3, -4}));
  EXPECT_EQ(values(where(tensor({0, 0, 0, 1}), a, b)), std::vector<double>({-1, -2, -3, 4}));
}

TEST(Where, BroadcastsAllThreeAndPromotes) {
  const Tensor cond = idx({1, 0, 1}, {3, 1});       // [3, 1]
  const Tensor a = tensor({{10, 20}}, DType::i64);  // [1, 2]
  const Tensor b = scalar_tensor(0.5, DType::f32);  // []
  const Tensor out = where(cond, a, b);
  EXPECT_EQ(out.shape(), Shape({3, 2}));
  EXPECT_EQ(out.dtype(), DType::f32);
  EXPECT_EQ(values(out), std::vector<double>({10, 20, 0.5, 0.5, 10, 20}));
  EXPECT_EQ(where(cond, a, tensor({1.0}, DType::f64)).dtype(), DType::f64);
  EXPECT_EQ(where(cond, a, a).dtype(), DType::i64);
  EXPECT_EQ(where(zeros({0, 1}), a, a).shape(), Shape({0, 2}));
}

TEST(Where, NonContiguousOperands) {
  const Tensor m = tensor({{1, 2}, {3, 4}}, DType::f64);
  const Tensor cond = transpose(tensor({{1, 0}, {1, 1}}), 0, 1);  // [[1, 1], [0, 1]]
  EXPECT_EQ(values(where(cond, transpose(m, 0, 1), expand(zeros({1, 1}, DType::f64), {2, 2}))),
            std::vector<double>({1, 3, 0, 4}));
}

TEST(Where, ScalarOverloadsFollowTheScalarDtypeRule) {
  const Tensor cond = tensor({1, 0, 1}, DType::i64);
  const Tensor x = tensor({5, 6, 7}, DType::i64);
  const Tensor s1 = where(cond, x, 2.0);
  EXPECT_EQ(s1.dtype(), DType::i64);
  EXPECT_EQ(values(s1), std::vector<double>({5, 2, 7}));
  const Tensor s2 = where(cond, 0.5, x);
  EXPECT_EQ(s2.dtype(), DType::f32);
  EXPECT_EQ(values(s2), std::vector<double>({0.5, 6, 0.5}));
  const Tensor s3 =
      where(cond, -std::numeric_limits<double>::infinity(), tensor({1, 2, 3}, DType::f64));
  EXPECT_EQ(s3.dtype(), DType::f64);
  EXPECT_EQ(values(s3)[1], 2.0);
  EXPECT_EQ(values(s3)[0], -std::numeric_limits<double>::infinity());
}

TEST(Where, Errors) {
  expect_error([&] { where(ones({3}), ones({2}), ones({3})); },
               "where: shapes [3] and [2] cannot be broadcast");
  expect_error(
      [&] {
        where(ones({2, 3}), ones({3}), ones({4, 1}));
      },
      "where: shapes [2, 3] and [4, 1] cannot be broadcast");
  expect_error([&] { where(Tensor(), ones({3}), ones({3})); }, "where: undefined tensor");
  expect_error([&] { where(ones({3}), 1.0, Tensor()); }, "where: undefined tensor");
}

TEST(MaskedFill, FillsWhereMaskIsNonzero) {
  const Tensor t = tensor({{1, 2, 3}, {4, 5, 6}}, DType::f64);
  const Tensor out = masked_fill(t, tensor({{0, 1, 0}, {1, 0, 2}}, DType::i64), -9);
  EXPECT_EQ(values(out), std::vector<double>({1, -9, 3, -9, 5, -9}));
  EXPECT_EQ(values(t), std::vector<double>({1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(out.dtype(), DType::f64);
  // A row mask broadcast over both rows, on a transposed input.
  const Tensor tt = transpose(t, 0, 1);  // [[1, 4], [2, 5], [3, 6]]
  EXPECT_EQ(values(masked_fill(tt, tensor({1.0, 0.0}), 0)),
            std::vector<double>({0, 4, 0, 5, 0, 6}));
  const Tensor inf =
      masked_fill(tensor({1, 2}), tensor({1, 0}), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(values(inf)[0], -std::numeric_limits<double>::infinity());
  EXPECT_EQ(values(masked_fill(tensor({1, 2}, DType::i64), tensor({0, 1}), 7)),
            std::vector<double>({1, 7}));
  EXPECT_EQ(masked_fill(zeros({0, 2}), ones({2}), 1).shape(), Shape({0, 2}));
}

TEST(MaskedFill, Errors) {
  const Tensor t = ones({2, 3});
  expect_error(
      [&] {
        masked_fill(t, ones({2, 2}), 0);
      },
      "masked_fill: shapes [2, 3] and [2, 2] cannot be broadcast");
  expect_error(
      [&] {
        masked_fill(t, ones({4, 2, 3}), 0);
      },
      "masked_fill: mask of shape [4, 2, 3] does not broadcast to the tensor's shape [2, 3]");
  expect_error([&] { masked_fill(ones({2}, DType::i64), ones({2}), 0.5); },
               "masked_fill: value 0.5 is not representable in a tensor of dtype i64");
  expect_error([&] { masked_fill(t, Tensor(), 0); }, "masked_fill: undefined tensor");
}

}  // namespace
}  // namespace nabla
