// Tests of tensor/reduce.h: values against hand-computed numbers or the
// defining formula evaluated in plain double loops, every layout the kernels
// distinguish (row, column, split across threads, strided and stride-0 views),
// empty tensors, i64, numerical stability and every error path.
#include "tensor/reduce.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tensor/factory.h"
#include "tensor/parallel.h"

#include "test_util.h"

namespace nabla {
namespace {

using testing::values;

using testing::expect_error;

using ::testing::HasSubstr;

constexpr double kInf = std::numeric_limits<double>::infinity();

void expect_near(const Tensor& t, const std::vector<double>& want, double tol) {
  const std::vector<double> got = values(t);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], tol * std::max(1.0, std::abs(want[i]))) << "at " << i;
}

// A [rows, cols] tensor with element (i, j) = ((7 i + 3 j) % 11) - 5, and its
// value as a function for reference loops.
double pattern(std::int64_t i, std::int64_t j) {
  return static_cast<double>((7 * i + 3 * j) % 11) - 5.0;
}
Tensor patterned(std::int64_t rows, std::int64_t cols, DType dtype) {
  std::vector<double> v;
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j) v.push_back(pattern(i, j));
  return from_vector(v, {rows, cols}).to(dtype);
}

// [[1, 4], [2, 5], [3, 6]] as the transpose of a row-major [[1, 2, 3], [4, 5, 6]].
Tensor transposed_view(DType dtype) {
  const Tensor base = tensor({{1, 2, 3}, {4, 5, 6}}, dtype);
  return as_strided(base, {3, 2}, {1, 3}, 0);
}

// ---------------------------------------------------------------- sum

TEST(ReduceSum, AllElementsF32AndF64) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor s = sum(tensor({{1, 2, 3}, {4, 5, 6}}, dt));
    EXPECT_EQ(s.shape(), Shape{});
    EXPECT_EQ(s.dtype(), dt);
    EXPECT_EQ(s.item<double>(), 21.0);
  }
}

TEST(ReduceSum, SingleDimsAndKeepdim) {
  const Tensor t = tensor({{1, 2, 3}, {4, 5, 6}}, DType::f64);
  EXPECT_EQ(values(sum(t, {0})), (std::vector<double>{5, 7, 9}));
  EXPECT_EQ(values(sum(t, {1})), (std::vector<double>{6, 15}));
  EXPECT_EQ(sum(t, {0}).shape(), (Shape{3}));
  EXPECT_EQ(sum(t, {0}, true).shape(), (Shape{1, 3}));
  EXPECT_EQ(sum(t, {1}, true).shape(), (Shape{2, 1}));
  EXPECT_EQ(sum(t, {}, true).shape(), (Shape{1, 1}));
  EXPECT_EQ(sum(t, {}, true).item<double>(), 21.0);
}

TEST(ReduceSum, NegativeDimsMatchPositive) {
  const Tensor t = tensor({{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(values(sum(t, {-1})), (std::vector<double>{6, 15}));
  EXPECT_EQ(values(sum(t, {-2})), (std::vector<double>{5, 7, 9}));
  EXPECT_EQ(sum(t, {-2, -1}).item<double>(), 21.0);
}

TEST(ReduceSum, MultipleDimsOfRank3) {
  // t[i][j][k] = 12 i + 4 j + k, shape [2, 3, 4].
  const Tensor t = arange(24.0, DType::f64);
  const Tensor t3 = as_strided(t, {2, 3, 4}, {12, 4, 1}, 0);
  std::vector<double> want_j(3, 0.0), want_ik(8, 0.0);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) {
        want_j[j] += 12 * i + 4 * j + k;
        want_ik[i * 4 + k] += 12 * i + 4 * j + k;
      }
  const Tensor s02 = sum(t3, {0, 2});
  EXPECT_EQ(s02.shape(), (Shape{3}));
  EXPECT_EQ(values(s02), want_j);
  EXPECT_EQ(sum(t3, {2, 0}, true).shape(), (Shape{1, 3, 1}));
  EXPECT_EQ(values(sum(t3, {2, -3}, true)), want_j);
  const Tensor s1 = sum(t3, {1});
  EXPECT_EQ(s1.shape(), (Shape{2, 4}));
  EXPECT_EQ(values(s1), want_ik);
}

TEST(ReduceSum, NonContiguousTransposedView) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor v = transposed_view(dt);  // [[1, 4], [2, 5], [3, 6]]
    EXPECT_FALSE(v.is_contiguous());
    EXPECT_EQ(values(sum(v, {0})), (std::vector<double>{6, 15}));
    EXPECT_EQ(values(sum(v, {1})), (std::vector<double>{5, 7, 9}));
    EXPECT_EQ(sum(v).item<double>(), 21.0);
  }
}

TEST(ReduceSum, StrideZeroExpandedView) {
  // A row [1, 2, 3] repeated 4 times without copying.
  const Tensor row = tensor({1, 2, 3});
  const Tensor e = as_strided(row, {4, 3}, {0, 1}, 0);
  EXPECT_EQ(values(sum(e, {0})), (std::vector<double>{4, 8, 12}));
  EXPECT_EQ(values(sum(e, {1})), (std::vector<double>{6, 6, 6, 6}));
  EXPECT_EQ(sum(e).item<double>(), 24.0);
}

TEST(ReduceSum, EveryOtherColumnView) {
  // Columns 0 and 2 of [[1, 2, 3], [4, 5, 6]]: [[1, 3], [4, 6]].
  const Tensor base = tensor({{1, 2, 3}, {4, 5, 6}});
  const Tensor v = as_strided(base, {2, 2}, {3, 2}, 0);
  EXPECT_EQ(values(sum(v, {0})), (std::vector<double>{5, 9}));
  EXPECT_EQ(values(sum(v, {1})), (std::vector<double>{4, 10}));
}

TEST(ReduceSum, LargeMatricesMatchReferenceLoops) {
  // Sizes chosen to hit the parallel row path, the column path, and the
  // split-reduction paths (few outputs, many elements each).
  const std::vector<std::pair<std::int64_t, std::int64_t>> shapes = {
      {1000, 300}, {70000, 2}, {3, 50000}, {40000, 3}};
  for (auto [rows, cols] : shapes) {
    for (DType dt : {DType::f32, DType::f64}) {
      const Tensor t = patterned(rows, cols, dt);
      std::vector<double> col(cols, 0.0), row(rows, 0.0);
      double all = 0.0;
      for (std::int64_t i = 0; i < rows; ++i)
        for (std::int64_t j = 0; j < cols; ++j) {
          col[j] += pattern(i, j);
          row[i] += pattern(i, j);
          all += pattern(i, j);
        }
      expect_near(sum(t, {0}), col, 1e-6);
      expect_near(sum(t, {1}), row, 1e-6);
      EXPECT_NEAR(sum(t).item<double>(), all, 1e-6);
      // The same matrix read through a transposed view.
      const Tensor tt = as_strided(t, {cols, rows}, {1, cols}, 0);
      expect_near(sum(tt, {1}), col, 1e-6);
      expect_near(sum(tt, {0}), row, 1e-6);
    }
  }
}

TEST(ReduceSum, F32AccumulatesAccurately) {
  const std::int64_t n = 10'000'000;
  const double want = static_cast<double>(n) * static_cast<double>(0.1f);
  const Tensor t = full({n}, 0.1, DType::f32);
  EXPECT_NEAR(sum(t).item<double>(), want, 1e-6 * want);
  EXPECT_NEAR(mean(t).item<double>(), static_cast<double>(0.1f), 1e-6 * 0.1);
  // Column layout: 2e6 rows of 0.1f summed into 5 columns.
  const Tensor m = full({2'000'000, 5}, 0.1, DType::f32);
  const double want_col = 2e6 * static_cast<double>(0.1f);
  for (double v : values(sum(m, {0}))) EXPECT_NEAR(v, want_col, 1e-6 * want_col);
}

TEST(ReduceSum, EmptyTensors) {
  const Tensor e = zeros({0, 3});
  EXPECT_EQ(sum(e).item<double>(), 0.0);
  const Tensor s0 = sum(e, {0});
  EXPECT_EQ(s0.shape(), (Shape{3}));
  EXPECT_EQ(values(s0), (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(sum(e, {1}).shape(), (Shape{0}));
  EXPECT_EQ(sum(e, {1}, true).shape(), (Shape{0, 1}));
  EXPECT_EQ(prod(e, {0}).to_vector<double>(), (std::vector<double>{1, 1, 1}));
}

TEST(ReduceSum, RankZeroInput) {
  const Tensor s = scalar_tensor(2.5, DType::f64);
  EXPECT_EQ(sum(s).item<double>(), 2.5);
  EXPECT_EQ(sum(s, {0}).shape(), Shape{});
  EXPECT_EQ(sum(s, {-1}, true).shape(), Shape{});
}

TEST(ReduceSum, I64StaysI64AndExact) {
  const Tensor t = tensor({{1, 2, 3}, {4, 5, 6}}, DType::i64);
  const Tensor s = sum(t, {1});
  EXPECT_EQ(s.dtype(), DType::i64);
  EXPECT_EQ(s.to_vector<std::int64_t>(), (std::vector<std::int64_t>{6, 15}));
  // 2^53 + 1 is not representable in double; an i64 sum must keep it.
  const Tensor big = from_vector(std::vector<std::int64_t>{std::int64_t{1} << 53, 1});
  EXPECT_EQ(sum(big).item<std::int64_t>(), (std::int64_t{1} << 53) + 1);
}

TEST(ReduceSum, ErrorPaths) {
  const Tensor t = zeros({2, 3});
  expect_error([&] { sum(t, {2}); }, "sum: dim 2 out of range");
  expect_error([&] { sum(t, {-3}); }, "sum: dim -3 out of range");
  expect_error([&] { sum(t, {1, 1}); }, "sum: dim 1 appears more than once");
  expect_error([&] { sum(t, {1, -1}); }, "sum: dim -1 appears more than once");
  expect_error([&] { sum(Tensor()); }, "sum");
}

TEST(ReduceProd, ValuesAndI64) {
  const Tensor t = tensor({{1, 2, 3}, {4, 5, 6}}, DType::f64);
  EXPECT_EQ(values(prod(t, {1})), (std::vector<double>{6, 120}));
  EXPECT_EQ(prod(t).item<double>(), 720.0);
  EXPECT_EQ(prod(tensor({2, 3, 7}, DType::i64)).item<std::int64_t>(), 42);
}

// ---------------------------------------------------------------- mean, var, std_dev

TEST(ReduceMean, ValuesF32F64) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor t = tensor({{1, 2, 3}, {4, 5, 6}}, dt);
    EXPECT_EQ(mean(t).item<double>(), 3.5);
    expect_near(mean(t, {0}), {2.5, 3.5, 4.5}, 1e-7);
    expect_near(mean(t, {-1}, true), {2.0, 5.0}, 1e-7);
    EXPECT_EQ(mean(t, {-1}, true).shape(), (Shape{2, 1}));
    expect_near(mean(transposed_view(dt), {0}), {2.0, 5.0}, 1e-7);
  }
}

TEST(ReduceMean, EmptyIsNaNAndI64Throws) {
  EXPECT_TRUE(std::isnan(mean(zeros({0})).item<double>()));
  const Tensor m = mean(zeros({0, 2}), {0});
  EXPECT_EQ(m.shape(), (Shape{2}));
  EXPECT_TRUE(std::isnan(values(m)[0]));
  expect_error([] { mean(zeros({2}, DType::i64)); }, "mean: expected a floating dtype");
  expect_error([] { mean(zeros({2}), {1}); }, "mean: dim 1 out of range");
}

TEST(ReduceVar, HandComputedWithCorrections) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor t = tensor({1, 2, 3, 4}, dt);
    // mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5.
    EXPECT_NEAR(var(t).item<double>(), 5.0 / 3.0, 1e-6);
    EXPECT_NEAR(var(t, {}, 0).item<double>(), 1.25, 1e-6);
    EXPECT_NEAR(std_dev(t).item<double>(), std::sqrt(5.0 / 3.0), 1e-6);
    EXPECT_NEAR(std_dev(t, {0}, 0).item<double>(), std::sqrt(1.25), 1e-6);
  }
}

TEST(ReduceVar, OverDimsKeepdimAndNonContiguous) {
  const Tensor t = tensor({{1, 2, 3}, {4, 6, 8}}, DType::f64);
  // Row 0: mean 2, var 1; row 1: mean 6, var 4.
  expect_near(var(t, {1}), {1.0, 4.0}, 1e-12);
  EXPECT_EQ(var(t, {1}, 1, true).shape(), (Shape{2, 1}));
  // Columns: pairs (1,4), (2,6), (3,8) -> var (d^2 / 2) = 4.5, 8, 12.5.
  expect_near(var(t, {0}), {4.5, 8.0, 12.5}, 1e-12);
  const Tensor v = as_strided(t, {3, 2}, {1, 3}, 0);  // transpose
  expect_near(var(v, {0}), {1.0, 4.0}, 1e-12);
  expect_near(std_dev(v, {1}), {std::sqrt(4.5), std::sqrt(8.0), std::sqrt(12.5)}, 1e-12);
}

TEST(ReduceVar, TwoPassIsAccurateForLargeOffsets) {
  // One-pass E[x^2] - E[x]^2 would cancel catastrophically in f32 here.
  const Tensor t = tensor({10001, 10002, 10003}, DType::f32);
  EXPECT_NEAR(var(t).item<double>(), 1.0, 1e-5);
}

TEST(ReduceVar, SmallCountsAndErrors) {
  EXPECT_TRUE(std::isnan(var(tensor({3})).item<double>()));  // 0 / 0
  EXPECT_EQ(var(tensor({3}), {}, 0).item<double>(), 0.0);
  expect_error([] { var(zeros({2}, DType::i64)); }, "var: expected a floating dtype");
  expect_error([] { std_dev(zeros({2}, DType::i64)); }, "std_dev: expected a floating dtype");
  expect_error([] { var(zeros({2, 2}), {0, 0}); }, "var: dim 0 appears more than once");
}

// ---------------------------------------------------------------- amax, amin, max(t), min(t)

TEST(ReduceAmax, ValuesDimsAndI64) {
  const Tensor t = tensor({{3, -1, 7}, {2, 9, -4}});
  EXPECT_EQ(amax(t).item<double>(), 9.0);
  EXPECT_EQ(amin(t).item<double>(), -4.0);
  EXPECT_EQ(values(amax(t, {0})), (std::vector<double>{3, 9, 7}));
  EXPECT_EQ(values(amin(t, {1}, true)), (std::vector<double>{-1, -4}));
  EXPECT_EQ(amin(t, {1}, true).shape(), (Shape{2, 1}));
  const Tensor i = tensor({{3, -1, 7}, {2, 9, -4}}, DType::i64);
  EXPECT_EQ(amax(i, {1}).to_vector<std::int64_t>(), (std::vector<std::int64_t>{7, 9}));
  EXPECT_EQ(amax(i, {1}).dtype(), DType::i64);
  EXPECT_EQ(values(amax(as_strided(t, {3, 2}, {1, 3}, 0), {1})), (std::vector<double>{3, 9, 7}));
}

TEST(ReduceAmax, NaNPropagatesAndInfinitiesCount) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Tensor t = from_vector(std::vector<double>{1, nan, 3, -kInf, 2, 5}, {2, 3});
  const std::vector<double> mx = values(amax(t, {1}));
  EXPECT_TRUE(std::isnan(mx[0]));
  EXPECT_EQ(mx[1], 5.0);
  EXPECT_EQ(values(amin(t, {1}))[1], -kInf);
  EXPECT_TRUE(std::isnan(min(t).item<double>()));
  // Long rows take the SIMD path: a NaN anywhere still wins, in either dtype.
  for (DType dt : {DType::f32, DType::f64}) {
    for (std::int64_t at : {0, 17, 517, 999}) {
      std::vector<double> v(1000);
      for (std::size_t i = 0; i < v.size(); ++i) v[i] = pattern(1, static_cast<std::int64_t>(i));
      v[at] = nan;
      const Tensor row = from_vector(v).to(dt);
      EXPECT_TRUE(std::isnan(amax(row).item<double>())) << at;
      EXPECT_TRUE(std::isnan(amin(row).item<double>())) << at;
      v[at] = -kInf;
      EXPECT_EQ(amin(from_vector(v).to(dt)).item<double>(), -kInf);
      EXPECT_EQ(amax(from_vector(v).to(dt)).item<double>(), 5.0);
    }
  }
}

TEST(ReduceAmax, MaxMinOfAllElements) {
  const Tensor t = tensor({{3, -1, 7}, {2, 9, -4}}, DType::f64);
  EXPECT_EQ(max(t).shape(), Shape{});
  EXPECT_EQ(max(t).item<double>(), 9.0);
  EXPECT_EQ(min(t).item<double>(), -4.0);
  // A long row exercises the multi-lane loop and the parallel split.
  const Tensor big = patterned(1, 100003, DType::f32);
  EXPECT_EQ(max(big).item<double>(), 5.0);
  EXPECT_EQ(min(big).item<double>(), -5.0);
}

TEST(ReduceAmax, EmptyReductionThrows) {
  expect_error([] { amax(zeros({0})); }, "amax: cannot reduce over zero elements");
  expect_error([] { amin(zeros({2, 0}), {1}); }, "amin: cannot reduce over zero elements");
  expect_error([] { max(zeros({0, 3})); }, "max: cannot reduce over zero elements");
  expect_error([] { min(zeros({0})); }, "min: cannot reduce over zero elements");
  // Reducing a non-empty dim of an empty tensor gives an empty result.
  EXPECT_EQ(amax(zeros({0, 3}), {1}).shape(), (Shape{0}));
}

// ---------------------------------------------------------------- logsumexp

TEST(ReduceLogsumexp, MatchesFormula) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor t = tensor({{1, 2, 3}, {-1, 0, 0.5}}, dt);
    const double r0 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
    const double r1 = std::log(std::exp(-1.0) + std::exp(0.0) + std::exp(0.5));
    expect_near(logsumexp(t, {1}), {r0, r1}, 1e-6);
    EXPECT_EQ(logsumexp(t, {1}, true).shape(), (Shape{2, 1}));
    const double c0 = std::log(std::exp(1.0) + std::exp(-1.0));
    expect_near(logsumexp(t, {0}),
                {c0, std::log(std::exp(2.0) + 1.0), std::log(std::exp(3.0) + std::exp(0.5))}, 1e-6);
    EXPECT_NEAR(logsumexp(t).item<double>(), std::log(std::exp(r0) + std::exp(r1)), 1e-6);
  }
}

TEST(ReduceLogsumexp, StableForExtremeLogits) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor t = tensor({{1e4, 1e4}, {-1e4, -1e4}, {1e4, -1e4}}, dt);
    expect_near(logsumexp(t, {1}), {1e4 + std::log(2.0), -1e4 + std::log(2.0), 1e4}, 1e-6);
    const Tensor inf_rows = from_vector(std::vector<double>{-kInf, -kInf, -kInf, 0.0}, {2, 2});
    const std::vector<double> r = values(logsumexp(inf_rows.to(dt), {1}));
    EXPECT_EQ(r[0], -kInf);
    EXPECT_NEAR(r[1], 0.0, 1e-7);
    EXPECT_EQ(logsumexp(from_vector(std::vector<double>{kInf, 1.0})).item<double>(), kInf);
  }
}

TEST(ReduceLogsumexp, EmptyAndErrors) {
  const Tensor r = logsumexp(zeros({2, 0}), {1});
  EXPECT_EQ(r.shape(), (Shape{2}));
  EXPECT_EQ(values(r)[0], -kInf);
  expect_error([] { logsumexp(zeros({2}, DType::i64)); }, "logsumexp: expected a floating dtype");
  expect_error([] { logsumexp(zeros({2}), {3}); }, "logsumexp: dim 3 out of range");
}

// ---------------------------------------------------------------- norm

TEST(ReduceNorm, PValues) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor t = tensor({3, -4, 0, 1}, dt);
    EXPECT_NEAR(norm(t).item<double>(), std::sqrt(26.0), 1e-6);
    EXPECT_NEAR(norm(t, 1.0).item<double>(), 8.0, 1e-6);
    EXPECT_NEAR(norm(t, kInf).item<double>(), 4.0, 1e-6);
    EXPECT_NEAR(norm(t, -kInf).item<double>(), 0.0, 1e-6);
    EXPECT_NEAR(norm(t, 0.0).item<double>(), 3.0, 1e-6);
    EXPECT_NEAR(norm(t, 3.0).item<double>(), std::cbrt(27.0 + 64.0 + 1.0), 1e-5);
  }
}

TEST(ReduceNorm, OverDimsAndEmpty) {
  const Tensor t = tensor({{3, 4}, {-6, 8}}, DType::f64);
  expect_near(norm(t, 2.0, {1}), {5.0, 10.0}, 1e-12);
  expect_near(norm(t, 1.0, {0}, true), {9.0, 12.0}, 1e-12);
  EXPECT_EQ(norm(t, 1.0, {0}, true).shape(), (Shape{1, 2}));
  expect_near(norm(as_strided(t, {2, 2}, {1, 2}, 0), 2.0, {0}), {5.0, 10.0}, 1e-12);
  EXPECT_EQ(norm(zeros({0})).item<double>(), 0.0);
  EXPECT_EQ(norm(zeros({0}), kInf).item<double>(), 0.0);
}

TEST(ReduceNorm, Errors) {
  expect_error([] { norm(zeros({2}, DType::i64)); }, "norm: expected a floating dtype");
  expect_error([] { norm(zeros({2}), std::nan("")); }, "norm: p must not be NaN");
  expect_error([] { norm(zeros({0}), -kInf); }, "norm: cannot reduce over zero elements");
  expect_error([] { norm(zeros({2}), 2.0, {0, -1}); }, "norm: dim -1 appears more than once");
}

// ---------------------------------------------------------------- max/min with indices, argmax

TEST(ReduceMaxIndices, ValuesAndIndicesAlongEachDim) {
  const Tensor t = tensor({{3, -1, 7}, {2, 9, -4}}, DType::f64);
  const ValuesIndices r1 = max(t, 1);
  EXPECT_EQ(values(r1.values), (std::vector<double>{7, 9}));
  EXPECT_EQ(r1.indices.dtype(), DType::i64);
  EXPECT_EQ(r1.indices.to_vector<std::int64_t>(), (std::vector<std::int64_t>{2, 1}));
  const ValuesIndices r0 = min(t, 0, true);
  EXPECT_EQ(r0.values.shape(), (Shape{1, 3}));
  EXPECT_EQ(r0.indices.shape(), (Shape{1, 3}));
  EXPECT_EQ(values(r0.values), (std::vector<double>{2, -1, -4}));
  EXPECT_EQ(r0.indices.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 0, 1}));
  const ValuesIndices rn = max(t, -2);
  EXPECT_EQ(rn.indices.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 1, 0}));
}

TEST(ReduceMaxIndices, TiesPickFirstIndex) {
  const Tensor t = tensor({{5, 1, 5, 5}, {2, 2, 0, 0}});
  EXPECT_EQ(argmax(t, 1).to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 0}));
  EXPECT_EQ(argmin(t, 1).to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(argmax(t).item<std::int64_t>(), 0);
  EXPECT_EQ(argmin(t).item<std::int64_t>(), 6);
  EXPECT_EQ(argmax(tensor({{1, 1}, {1, 1}}), 0).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{0, 0}));
}

TEST(ReduceMaxIndices, FlattenedArgmaxAndKeepdim) {
  const Tensor t = tensor({{3, -1, 7}, {2, 9, -4}});
  EXPECT_EQ(argmax(t).shape(), Shape{});
  EXPECT_EQ(argmax(t).dtype(), DType::i64);
  EXPECT_EQ(argmax(t).item<std::int64_t>(), 4);
  EXPECT_EQ(argmin(t).item<std::int64_t>(), 5);
  EXPECT_EQ(argmax(t, 1, true).shape(), (Shape{2, 1}));
  // Flattening follows the logical row-major order of a transposed view:
  // [[3, 2], [-1, 9], [7, -4]] has its 9 at flat index 3.
  EXPECT_EQ(argmax(as_strided(t, {3, 2}, {1, 3}, 0)).item<std::int64_t>(), 3);
}

TEST(ReduceMaxIndices, NonContiguousRank3AndI64) {
  // t[i][j][k] = (5 i + 3 j + 7 k) % 4 for shape [2, 3, 4], read through a
  // view that swaps the last two dims.
  std::vector<std::int64_t> v;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) v.push_back((5 * i + 3 * j + 7 * k) % 4);
  const Tensor base = from_vector(v, {2, 3, 4});
  const Tensor view = as_strided(base, {2, 4, 3}, {12, 1, 4}, 0);  // view[i][k][j]
  const Tensor idx = argmax(view, 2);
  const ValuesIndices mx = max(view, 2);
  EXPECT_EQ(mx.values.dtype(), DType::i64);
  std::vector<std::int64_t> want_idx, want_val;
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 4; ++k) {
      std::int64_t best = -1, at = 0;
      for (int j = 0; j < 3; ++j)
        if (v[i * 12 + j * 4 + k] > best) best = v[i * 12 + j * 4 + k], at = j;
      want_idx.push_back(at);
      want_val.push_back(best);
    }
  EXPECT_EQ(idx.to_vector<std::int64_t>(), want_idx);
  EXPECT_EQ(mx.values.to_vector<std::int64_t>(), want_val);
}

TEST(ReduceMaxIndices, NaNIsTheMaximum) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Tensor t = from_vector(std::vector<double>{1, nan, 3, nan});
  EXPECT_EQ(argmax(t).item<std::int64_t>(), 1);
  EXPECT_EQ(argmin(t).item<std::int64_t>(), 1);
  EXPECT_TRUE(std::isnan(max(t, 0).values.item<double>()));
}

// Rows along the last dim (one output per row), long enough to be split
// across threads, with NaNs and ties, against a loop over the same values:
// the first extreme wins, and the first NaN beats every number.
TEST(ReduceMaxIndices, RowsAlongTheLastDimMatchALoop) {
  const std::int64_t rows = 40, len = 3000;
  std::vector<double> v(static_cast<std::size_t>(rows * len));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>((i * 7919) % 1009);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  v[3 * len + 17] = nan;  // row 3: a NaN, then another
  v[3 * len + 2500] = nan;
  v[5 * len] = nan;            // row 5: a NaN first
  v[7 * len + len - 1] = nan;  // row 7: a NaN last
  const Tensor t = from_vector(v, {rows, len});
  std::vector<std::int64_t> want_max, want_min;
  for (std::int64_t r = 0; r < rows; ++r) {
    std::int64_t hi = -1, lo = -1;
    for (std::int64_t k = 0; k < len && hi < 0; ++k)
      if (std::isnan(v[r * len + k])) hi = lo = k;
    if (hi < 0) {
      hi = lo = 0;
      for (std::int64_t k = 1; k < len; ++k) {
        if (v[r * len + k] > v[r * len + hi]) hi = k;
        if (v[r * len + k] < v[r * len + lo]) lo = k;
      }
    }
    want_max.push_back(hi);
    want_min.push_back(lo);
  }
  const int before = get_num_threads();
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    EXPECT_EQ(argmax(t, 1).to_vector<std::int64_t>(), want_max) << threads << " threads";
    EXPECT_EQ(argmin(t, -1).to_vector<std::int64_t>(), want_min) << threads << " threads";
    EXPECT_EQ(argmax(t.to(DType::f32), 1).to_vector<std::int64_t>(), want_max);
  }
  set_num_threads(before);
  EXPECT_EQ(want_max[3], 17);
  EXPECT_EQ(want_max[5], 0);
  EXPECT_EQ(want_max[7], len - 1);
}

TEST(ReduceMaxIndices, Errors) {
  const Tensor t = zeros({2, 3});
  expect_error([&] { max(t, 2); }, "max: dim 2 out of range");
  expect_error([&] { min(t, -3); }, "min: dim -3 out of range");
  expect_error([&] { argmax(t, 5); }, "argmax: dim 5 out of range");
  expect_error([] { argmax(zeros({3, 0}), 1); }, "argmax: cannot reduce over dim 1 of size 0");
  expect_error([] { argmin(zeros({0})); }, "argmin: cannot reduce over dim 0 of size 0");
  expect_error([] { max(zeros({0, 2}), 0); }, "max: cannot reduce over dim 0 of size 0");
  // A non-empty reduced dim of an empty tensor gives empty results.
  EXPECT_EQ(argmax(zeros({0, 2}), 1).shape(), (Shape{0}));
}

// ---------------------------------------------------------------- sum_to

TEST(ReduceSumTo, DropsLeadingDims) {
  const Tensor t = tensor({{1, 2, 3}, {4, 5, 6}});
  const Tensor r = sum_to(t, {3});
  EXPECT_EQ(r.shape(), (Shape{3}));
  EXPECT_EQ(values(r), (std::vector<double>{5, 7, 9}));
}

TEST(ReduceSumTo, SumsSizeOneDimsWithKeepdim) {
  const Tensor t = tensor({{1, 2, 3}, {4, 5, 6}}, DType::f64);
  const Tensor r = sum_to(t, {2, 1});
  EXPECT_EQ(r.shape(), (Shape{2, 1}));
  EXPECT_EQ(values(r), (std::vector<double>{6, 15}));
  EXPECT_EQ(sum_to(t, {1, 1}).shape(), (Shape{1, 1}));
  EXPECT_EQ(sum_to(t, {1, 1}).item<double>(), 21.0);
}

TEST(ReduceSumTo, LeadingAndSizeOneTogether) {
  // t[i][j][k] = 6 i + 3 j + k, shape [4, 2, 3] -> [1, 3].
  const Tensor t = as_strided(arange(24.0), {4, 2, 3}, {6, 3, 1}, 0);
  std::vector<double> want(3, 0.0);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 3; ++k) want[k] += 6 * i + 3 * j + k;
  const Tensor r = sum_to(t, {1, 3});
  EXPECT_EQ(r.shape(), (Shape{1, 3}));
  EXPECT_EQ(values(r), want);
  // Through a stride-0 (expanded) view, as the engine sees broadcast gradients.
  const Tensor e = as_strided(tensor({1, 2, 3}), {4, 2, 3}, {0, 0, 1}, 0);
  EXPECT_EQ(values(sum_to(e, {1, 3})), (std::vector<double>{8, 16, 24}));
}

TEST(ReduceSumTo, SameShapeAndScalar) {
  const Tensor t = tensor({{1, 2, 3}, {4, 5, 6}});
  const Tensor same = sum_to(t, {2, 3});
  EXPECT_TRUE(same.shares_storage(t));
  EXPECT_EQ(values(same), values(t));
  const Tensor s = sum_to(t, {});
  EXPECT_EQ(s.shape(), Shape{});
  EXPECT_EQ(s.item<double>(), 21.0);
  const Tensor i = sum_to(tensor({{1, 2}, {3, 4}}, DType::i64), {2});
  EXPECT_EQ(i.to_vector<std::int64_t>(), (std::vector<std::int64_t>{4, 6}));
}

TEST(ReduceSumTo, Errors) {
  const Tensor t = zeros({2, 3});
  expect_error([&] { sum_to(t, {1, 2, 3}); }, "sum_to: cannot sum a tensor of shape [2, 3]");
  expect_error([&] { sum_to(t, {2}); }, "sum_to: shape [2] does not broadcast");
  expect_error([&] { sum_to(t, {3, 3}); }, "sum_to: shape [3, 3] does not broadcast");
  expect_error([&] { sum_to(Tensor(), {1}); }, "sum_to");
}

}  // namespace
}  // namespace nabla
