// Tests of tensor/linalg.h: matmul and linear against hand-computed products and
// a triple loop in double written here, every shape combination matmul accepts
// (vectors, matrices, broadcast batches), operand layouts BLIS receives as they
// are (transposed views, column slices) and those that must be copied first
// (general strides, expanded stride-0 views), size-1 dims with odd strides,
// empty dims, f64, and every error path; linear_backward against products
// written here, with and without its two products side by side.
#include "tensor/linalg.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "tensor/factory.h"
#include "tensor/parallel.h"
#include "tensor/random.h"

#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;

using ::testing::HasSubstr;

// A [rows, cols] tensor with small integer entries ((5 i + 3 j + seed) % 9) - 4,
// so f32 products are exact.
Tensor patterned(std::int64_t rows, std::int64_t cols, int seed, DType dtype = DType::f32) {
  std::vector<double> v;
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j) v.push_back(double((5 * i + 3 * j + seed) % 9) - 4);
  return from_vector(v, {rows, cols}).to(dtype);
}
Tensor patterned(const Shape& shape, int seed, DType dtype = DType::f32) {
  const std::int64_t cols = shape.back();
  return as_strided(patterned(numel(shape) / cols, cols, seed, dtype), shape,
                    contiguous_strides(shape), 0)
      .contiguous();
}

// Reference product of row-major [m, k] and [k, n] matrices in double.
std::vector<double> reference(const std::vector<double>& a,
                              const std::vector<double>& b,
                              std::int64_t m,
                              std::int64_t k,
                              std::int64_t n) {
  std::vector<double> c(static_cast<std::size_t>(m * n), 0.0);
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (std::int64_t p = 0; p < k; ++p) s += a[i * k + p] * b[p * n + j];
      c[i * n + j] = s;
    }
  return c;
}

void expect_values(const Tensor& t, const std::vector<double>& want, double tol = 1e-5) {
  const std::vector<double> got = t.to_vector<double>();
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], tol * std::max(1.0, std::abs(want[i]))) << "at " << i;
}

// matmul of two 2-D tensors compared with the reference on their row-major values.
void expect_matches_reference(const Tensor& a, const Tensor& b, double tol = 1e-5) {
  const Tensor c = matmul(a, b);
  ASSERT_EQ(c.shape(), Shape({a.size(0), b.size(1)}));
  expect_values(
      c, reference(a.to_vector<double>(), b.to_vector<double>(), a.size(0), a.size(1), b.size(1)),
      tol);
}

// The transpose of a fresh contiguous [cols, rows] tensor, as a [rows, cols] view.
Tensor transposed(const Tensor& base) {
  return as_strided(base, {base.size(1), base.size(0)}, {1, base.size(1)}, 0);
}

TEST(Matmul, TwoByTwoByHand) {
  const Tensor c = matmul(tensor({{1, 2}, {3, 4}}), tensor({{5, 6}, {7, 8}}));
  EXPECT_EQ(c.shape(), Shape({2, 2}));
  EXPECT_EQ(c.dtype(), DType::f32);
  expect_values(c, {19, 22, 43, 50});
}

TEST(Matmul, RectangularMatchesReference) {
  expect_matches_reference(patterned(5, 7, 1), patterned(7, 3, 2));
  expect_matches_reference(patterned(1, 9, 1), patterned(9, 40, 2));
  expect_matches_reference(patterned(70, 33, 4), patterned(33, 1, 5));
}

TEST(Matmul, F64MatchesReference) {
  const Tensor a = patterned(33, 65, 1, DType::f64).mul_(0.1);
  const Tensor b = patterned(65, 17, 2, DType::f64).mul_(1.0 / 3.0);
  const Tensor c = matmul(a, b);
  EXPECT_EQ(c.dtype(), DType::f64);
  expect_values(c, reference(a.to_vector<double>(), b.to_vector<double>(), 33, 65, 17), 1e-12);
}

TEST(Matmul, DotOfVectorsIsRank0) {
  const Tensor c = matmul(tensor({1, 2, 3}), tensor({4, 5, 6}));
  EXPECT_EQ(c.dim(), 0);
  EXPECT_EQ(c.item<double>(), 32.0);
  const Tensor d = matmul(tensor({0.5, -1}, DType::f64), tensor({2, 3}, DType::f64));
  EXPECT_EQ(d.dtype(), DType::f64);
  EXPECT_DOUBLE_EQ(d.item<double>(), -2.0);
}

TEST(Matmul, VectorTimesMatrixDropsPrependedDim) {
  // [1, 2] x [[1, 2, 3], [4, 5, 6]] = [9, 12, 15]
  const Tensor c = matmul(tensor({1, 2}), tensor({{1, 2, 3}, {4, 5, 6}}));
  EXPECT_EQ(c.shape(), Shape({3}));
  expect_values(c, {9, 12, 15});
}

TEST(Matmul, MatrixTimesVectorDropsAppendedDim) {
  // [[1, 2, 3], [4, 5, 6]] x [1, 0, -1] = [-2, -2]
  const Tensor c = matmul(tensor({{1, 2, 3}, {4, 5, 6}}), tensor({1, 0, -1}));
  EXPECT_EQ(c.shape(), Shape({2}));
  expect_values(c, {-2, -2});
}

TEST(Matmul, VectorTimesBatch) {
  const Tensor v = tensor({1, -2, 3});
  const Tensor b = patterned({4, 3, 5}, 3);
  const Tensor c = matmul(v, b);
  ASSERT_EQ(c.shape(), Shape({4, 5}));
  const std::vector<double> bv = b.to_vector<double>();
  std::vector<double> want;
  for (int i = 0; i < 4; ++i) {
    const std::vector<double> bi(bv.begin() + i * 15, bv.begin() + (i + 1) * 15);
    for (double x : reference({1, -2, 3}, bi, 1, 3, 5)) want.push_back(x);
  }
  expect_values(c, want);
}

TEST(Matmul, BatchTimesVector) {
  const Tensor a = patterned({2, 3, 4}, 1);
  const Tensor c = matmul(a, tensor({1, 2, 3, 4}));
  ASSERT_EQ(c.shape(), Shape({2, 3}));
  expect_values(c, reference(a.to_vector<double>(), {1, 2, 3, 4}, 6, 4, 1));
}

// Reference for a batched product: `a` and `b` are already broadcast to the
// batch, given as row-major values.
std::vector<double> batched_reference(const std::vector<double>& a,
                                      const std::vector<double>& b,
                                      std::int64_t batch,
                                      std::int64_t m,
                                      std::int64_t k,
                                      std::int64_t n) {
  std::vector<double> out;
  for (std::int64_t i = 0; i < batch; ++i) {
    const std::vector<double> ai(a.begin() + i * m * k, a.begin() + (i + 1) * m * k);
    const std::vector<double> bi(b.begin() + i * k * n, b.begin() + (i + 1) * k * n);
    for (double x : reference(ai, bi, m, k, n)) out.push_back(x);
  }
  return out;
}

TEST(Matmul, BatchDimsBroadcast) {
  const Tensor a = patterned({2, 1, 3, 4}, 1);
  const Tensor b = patterned({5, 4, 6}, 2);
  const Tensor c = matmul(a, b);
  ASSERT_EQ(c.shape(), Shape({2, 5, 3, 6}));
  // Broadcast by hand: batch (i, j) uses a[i, 0] and b[j].
  const std::vector<double> av = a.to_vector<double>(), bv = b.to_vector<double>();
  std::vector<double> ab, bb;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 5; ++j) {
      ab.insert(ab.end(), av.begin() + i * 12, av.begin() + (i + 1) * 12);
      bb.insert(bb.end(), bv.begin() + j * 24, bv.begin() + (j + 1) * 24);
    }
  expect_values(c, batched_reference(ab, bb, 10, 3, 4, 6));
}

TEST(Matmul, BatchTimesSharedMatrix) {
  const Tensor a = patterned({2, 3, 4, 5}, 1);
  const Tensor b = patterned(5, 6, 2);
  const std::vector<double> want =
      reference(a.to_vector<double>(), b.to_vector<double>(), 24, 5, 6);
  const Tensor c = matmul(a, b);
  ASSERT_EQ(c.shape(), Shape({2, 3, 4, 6}));
  expect_values(c, want);
  // A shared matrix with size-1 batch dims of higher rank gives a longer batch.
  const Tensor d = matmul(a, as_strided(b, {1, 1, 1, 5, 6}, {0, 0, 0, 6, 1}, 0));
  ASSERT_EQ(d.shape(), Shape({1, 2, 3, 4, 6}));
  expect_values(d, want);
}

TEST(Matmul, MatrixTimesBatch) {
  const Tensor a = patterned(3, 4, 1);
  const Tensor b = patterned({2, 4, 5}, 2);
  const Tensor c = matmul(a, b);
  ASSERT_EQ(c.shape(), Shape({2, 3, 5}));
  std::vector<double> ab = a.to_vector<double>();
  ab.insert(ab.end(), ab.begin(), ab.end());
  expect_values(c, batched_reference(ab, b.to_vector<double>(), 2, 3, 4, 5));
}

TEST(Matmul, TransposedViewsMultiplyWithoutCopy) {
  // The backward-pass layouts: x^T · grad and grad · W^T.
  const Tensor x = patterned(12, 7, 1);     // [N, in]
  const Tensor grad = patterned(12, 5, 2);  // [N, out]
  const Tensor w = patterned(7, 5, 3);      // [in, out]
  const Tensor xt = transposed(x);          // [in, N], strides (1, in)
  const Tensor wt = transposed(w);          // [out, in]
  EXPECT_FALSE(xt.is_contiguous());
  expect_matches_reference(xt, grad);
  expect_matches_reference(grad, wt);
  expect_matches_reference(xt, transposed(patterned(3, 12, 4)));
}

TEST(Matmul, ColumnAndRowSlices) {
  const Tensor base = patterned(6, 10, 1);
  // Columns 2..6: row stride 10, unit column stride, offset 2.
  const Tensor cols = as_strided(base, {6, 4}, {10, 1}, 2);
  expect_matches_reference(cols, patterned(4, 3, 2));
  expect_matches_reference(patterned(3, 6, 3), cols);
  // Rows 1..3 of the transposed view: a strided view with a unit row stride.
  const Tensor rows = as_strided(base, {3, 6}, {1, 10}, 1);
  expect_matches_reference(rows, patterned(6, 2, 4));
}

TEST(Matmul, GeneralStridesAreCopied) {
  const Tensor base = patterned(8, 10, 1);
  // Every other row and every other column: neither stride is 1.
  const Tensor a = as_strided(base, {4, 5}, {20, 2}, 0);
  expect_matches_reference(a, patterned(5, 3, 2));
  expect_matches_reference(patterned(2, 4, 3), a);
  // A 1-D vector with a stride of 3.
  const Tensor v = as_strided(base, {5}, {3}, 1);
  const Tensor c = matmul(v, patterned(5, 2, 4));
  expect_values(c,
                reference(v.to_vector<double>(), patterned(5, 2, 4).to_vector<double>(), 1, 5, 2));
  const Tensor d = matmul(patterned(2, 5, 4), v);
  expect_values(d,
                reference(patterned(2, 5, 4).to_vector<double>(), v.to_vector<double>(), 2, 5, 1));
}

TEST(Matmul, ExpandedStrideZeroOperands) {
  const Tensor row = tensor({{1, 2, 3}});
  // Every row the same: stride 0 along rows.
  const Tensor a = as_strided(row, {4, 3}, {0, 1}, 0);
  expect_matches_reference(a, patterned(3, 2, 1));
  // Every column the same: stride 0 along columns of b.
  const Tensor col = from_vector(std::vector<float>{1, -1, 2}, {3, 1});
  const Tensor b = as_strided(col, {3, 5}, {1, 0}, 0);
  expect_matches_reference(patterned(2, 3, 2), b);
  // A scalar expanded to a whole matrix.
  const Tensor s = as_strided(scalar_tensor(2.0), {3, 3}, {0, 0}, 0);
  expect_matches_reference(s, patterned(3, 2, 3));
  // An expanded batch dim: the same matrix for every batch entry.
  const Tensor m = patterned(3, 4, 4);
  const Tensor batch = as_strided(m, {5, 3, 4}, {0, 4, 1}, 0);
  const Tensor c = matmul(batch, patterned({5, 4, 2}, 5));
  std::vector<double> ab;
  for (int i = 0; i < 5; ++i) {
    const std::vector<double> mv = m.to_vector<double>();
    ab.insert(ab.end(), mv.begin(), mv.end());
  }
  expect_values(c, batched_reference(ab, patterned({5, 4, 2}, 5).to_vector<double>(), 5, 3, 4, 2));
}

TEST(Matmul, SizeOneDimsWithUnusualStrides) {
  const Tensor base = patterned(6, 6, 1);
  // A [1, 4] row whose row stride is 0 and a [4, 1] column with column stride 0:
  // BLIS would reject these strides, but they never address an element.
  const Tensor row = as_strided(base, {1, 4}, {0, 1}, 1);
  const Tensor colv = as_strided(base, {4, 1}, {6, 0}, 2);
  expect_matches_reference(row, colv);
  expect_matches_reference(colv, row);
  // A 1 x 1 matrix with strides (0, 0), and a [1, 4] row read with stride 6.
  const Tensor one = as_strided(base, {1, 1}, {0, 0}, 7);
  expect_matches_reference(one, as_strided(base, {1, 4}, {0, 6}, 0));
  // A [3, 1] column with both strides equal (6, 6).
  const Tensor col6 = as_strided(base, {3, 1}, {6, 6}, 0);
  expect_matches_reference(col6, patterned(1, 2, 2));
}

TEST(Matmul, BatchOfTransposedMatrices) {
  const Tensor base = patterned({3, 4, 2}, 1);  // each matrix stored as [k, m]
  const Tensor a = as_strided(base, {3, 2, 4}, {8, 1, 2}, 0);
  const Tensor b = patterned({3, 4, 5}, 2);
  const Tensor c = matmul(a, b);
  ASSERT_EQ(c.shape(), Shape({3, 2, 5}));
  expect_values(c, batched_reference(a.to_vector<double>(), b.to_vector<double>(), 3, 2, 4, 5));
  // The same view folded with a shared matrix: a's rows do not merge, so it loops.
  const Tensor d = matmul(a, patterned(4, 5, 3));
  std::vector<double> bb;
  for (int i = 0; i < 3; ++i) {
    const std::vector<double> bv = patterned(4, 5, 3).to_vector<double>();
    bb.insert(bb.end(), bv.begin(), bv.end());
  }
  expect_values(d, batched_reference(a.to_vector<double>(), bb, 3, 2, 4, 5));
}

TEST(Matmul, LargeBatchOfTinyMatricesOnTwoThreads) {
  const int before = get_num_threads();
  set_num_threads(2);
  const Tensor a = patterned({300, 3, 4}, 1, DType::f64);
  const Tensor b = patterned({300, 4, 2}, 2, DType::f64);
  const Tensor c = matmul(a, b);
  set_num_threads(before);
  expect_values(c, batched_reference(a.to_vector<double>(), b.to_vector<double>(), 300, 3, 4, 2),
                1e-12);
}

TEST(Matmul, EmptyDims) {
  const Tensor c = matmul(zeros({0, 3}), zeros({3, 4}));
  EXPECT_EQ(c.shape(), Shape({0, 4}));
  EXPECT_EQ(matmul(zeros({2, 3}), zeros({3, 0})).shape(), Shape({2, 0}));
  EXPECT_EQ(matmul(zeros({0, 2, 3}), zeros({3, 4})).shape(), Shape({0, 2, 4}));
  EXPECT_EQ(matmul(zeros({2, 0, 3}), zeros({5, 1, 3, 4})).shape(), Shape({5, 2, 0, 4}));
  // k == 0: an empty sum is 0 in every entry.
  const Tensor z = matmul(empty({2, 0}), empty({0, 3}, DType::f32));
  EXPECT_EQ(z.shape(), Shape({2, 3}));
  expect_values(z, std::vector<double>(6, 0.0));
  const Tensor d = matmul(empty({0}, DType::f64), empty({0}, DType::f64));
  EXPECT_EQ(d.dim(), 0);
  EXPECT_EQ(d.item<double>(), 0.0);
}

TEST(Matmul, ErrorInnerDimensionsDiffer) {
  expect_error(
      [] {
        matmul(zeros({32, 784}), zeros({78, 10}));
      },
      "matmul: inner dimensions differ: [32, 784] x [78, 10]");
  expect_error([] { matmul(zeros({3}), zeros({4})); },
               "matmul: inner dimensions differ: [3] x [4]");
  expect_error([] { matmul(zeros({2, 3, 4}), zeros({5})); }, "inner dimensions differ");
}

TEST(Matmul, ErrorRank0Operand) {
  expect_error(
      [] {
        matmul(scalar_tensor(2.0), zeros({2, 2}));
      },
      "matmul: expected operands of rank >= 1");
  expect_error([] { matmul(zeros({2}), scalar_tensor(2.0)); },
               "matmul: expected operands of rank >= 1");
}

TEST(Matmul, ErrorDtypes) {
  expect_error(
      [] {
        matmul(zeros({2, 2}), zeros({2, 2}, DType::f64));
      },
      "matmul: dtypes differ: f32 x f64");
  expect_error(
      [] {
        matmul(zeros({2, 2}, DType::i64), zeros({2, 2}, DType::i64));
      },
      "matmul: expected a floating dtype");
  expect_error(
      [] {
        matmul(zeros({2, 2}), zeros({2, 2}, DType::i64));
      },
      "matmul: expected a floating dtype");
}

TEST(Matmul, ErrorBatchDimsDoNotBroadcast) {
  expect_error(
      [] {
        matmul(zeros({2, 3, 4}), zeros({3, 4, 5}));
      },
      "matmul: batch dimensions cannot be broadcast: [2, 3, 4] x [3, 4, 5]");
}

TEST(Matmul, ErrorUndefinedOperand) {
  expect_error([] { matmul(Tensor(), zeros({2, 2})); }, "matmul");
  expect_error([] { matmul(zeros({2, 2}), Tensor()); }, "matmul");
}

// ---- linear -----------------------------------------------------------------

// Reference x·w + b for row-major x [rows, in], w [in, out], b [out].
std::vector<double> linear_reference(const Tensor& x, const Tensor& w, const Tensor& b) {
  const std::int64_t in = w.size(0), out = w.size(1);
  std::vector<double> y =
      reference(x.to_vector<double>(), w.to_vector<double>(), x.numel() / in, in, out);
  if (b.defined()) {
    const std::vector<double> bv = b.to_vector<double>();
    for (std::size_t i = 0; i < y.size(); ++i) y[i] += bv[i % out];
  }
  return y;
}

TEST(Linear, WithBiasByHand) {
  // [[1, 2]] · [[1, 0, 2], [0, 1, 3]] + [10, 20, 30] = [[11, 22, 38]]
  const Tensor y = linear(tensor({{1, 2}}), tensor({{1, 0, 2}, {0, 1, 3}}), tensor({10, 20, 30}));
  EXPECT_EQ(y.shape(), Shape({1, 3}));
  expect_values(y, {11, 22, 38});
}

TEST(Linear, MatchesReferenceWithAndWithoutBias) {
  const Tensor x = patterned(9, 6, 1), w = patterned(6, 4, 2), b = tensor({1, -2, 3, 0.5});
  expect_values(linear(x, w, b), linear_reference(x, w, b));
  expect_values(linear(x, w), linear_reference(x, w, Tensor()));
  expect_values(linear(x, w, Tensor()), linear_reference(x, w, Tensor()));
}

TEST(Linear, F64) {
  const Tensor x = patterned(5, 3, 1, DType::f64).mul_(0.1), w = patterned(3, 2, 2, DType::f64);
  const Tensor b = tensor({0.25, -1.0 / 3.0}, DType::f64);
  const Tensor y = linear(x, w, b);
  EXPECT_EQ(y.dtype(), DType::f64);
  expect_values(y, linear_reference(x, w, b), 1e-12);
}

TEST(Linear, LeadingDimsAndVectorInput) {
  const Tensor x = patterned({2, 3, 4}, 1), w = patterned(4, 5, 2), b = patterned(1, 5, 3);
  const Tensor bias = as_strided(b, {5}, {1}, 0);
  const Tensor y = linear(x, w, bias);
  EXPECT_EQ(y.shape(), Shape({2, 3, 5}));
  expect_values(y, linear_reference(x, w, bias));
  const Tensor v = tensor({1, 2, 3, 4});
  const Tensor yv = linear(v, w, bias);
  EXPECT_EQ(yv.shape(), Shape({5}));
  expect_values(yv, linear_reference(v, w, bias));
}

TEST(Linear, NonContiguousOperands) {
  // Transposed input and weight views, a strided bias, and an input whose
  // leading dims do not merge (so it is copied).
  const Tensor xt = transposed(patterned(6, 8, 1));  // [8, 6]
  const Tensor wt = transposed(patterned(3, 6, 2));  // [6, 3]
  const Tensor bias = as_strided(patterned(1, 6, 3), {3}, {2}, 0);
  expect_values(linear(xt, wt, bias), linear_reference(xt, wt, bias));
  const Tensor base = patterned({4, 3, 5}, 4);
  const Tensor x3 = as_strided(base, {3, 4, 5}, {5, 15, 1}, 0);  // batch dims swapped
  const Tensor w = patterned(5, 2, 5);
  expect_values(linear(x3, w), linear_reference(x3, w, Tensor()));
  // An expanded bias (stride 0) and an expanded weight column.
  const Tensor bexp = as_strided(scalar_tensor(1.5), {2}, {0}, 0);
  const Tensor wexp =
      as_strided(from_vector(std::vector<float>{1, 2, 3, 4, 5}, {5, 1}), {5, 2}, {1, 0}, 0);
  expect_values(linear(x3, wexp, bexp), linear_reference(x3, wexp, bexp));
}

TEST(Linear, EmptyShapes) {
  EXPECT_EQ(linear(zeros({0, 3}), zeros({3, 4}), zeros({4})).shape(), Shape({0, 4}));
  EXPECT_EQ(linear(zeros({2, 3}), zeros({3, 0})).shape(), Shape({2, 0}));
  // in_features == 0: the product is 0, so the result is the bias (or zeros).
  expect_values(linear(empty({2, 0}), empty({0, 2}), tensor({1, 2})), {1, 2, 1, 2});
  expect_values(linear(empty({2, 0}), empty({0, 2})), {0, 0, 0, 0});
}

TEST(Linear, Errors) {
  expect_error(
      [] {
        linear(zeros({4, 3}), zeros({2, 5}));
      },
      "linear: input features differ from weight rows: x [4, 3] x w [2, 5]");
  expect_error(
      [] {
        linear(zeros({4, 3}), zeros({3}));
      },
      "linear: expected a 2-D weight [in_features, out_features], got [3]");
  expect_error(
      [] {
        linear(zeros({4, 3}), zeros({3, 5}), zeros({4}));
      },
      "linear: expected a bias of shape [5]");
  expect_error(
      [] {
        linear(zeros({4, 3}), zeros({3, 5}), zeros({1, 5}));
      },
      "linear: expected a bias of shape [5]");
  expect_error([] { linear(scalar_tensor(1.0), zeros({1, 5})); }, "linear: expected an input");
  expect_error([] { linear(zeros({4, 3}), zeros({3, 5}, DType::f64)); }, "linear: dtypes differ");
  expect_error(
      [] {
        linear(zeros({4, 3}), zeros({3, 5}), zeros({5}, DType::f64));
      },
      "linear: dtypes differ");
  expect_error(
      [] {
        linear(zeros({4, 3}, DType::i64), zeros({3, 5}, DType::i64));
      },
      "linear: expected a floating dtype");
  expect_error([] { linear(Tensor(), zeros({3, 5})); }, "linear");
}

// ---- linear_backward ----------------------------------------------------------

// The row-major values of the transpose of a row-major [rows, cols] matrix.
std::vector<double> transpose_values(const std::vector<double>& v,
                                     std::int64_t rows,
                                     std::int64_t cols) {
  std::vector<double> t(v.size());
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j) t[j * rows + i] = v[i * cols + j];
  return t;
}

TEST(LinearBackward, GradientsMatchTheirProducts) {
  // x [2, 3, 4]: 6 rows of 4 features; w [4, 5]; grad_out [2, 3, 5].
  const Tensor x = patterned({2, 3, 4}, 1), w = patterned(4, 5, 2), g = patterned({2, 3, 5}, 3);
  const LinearGrads grads = linear_backward(g, x, w, {true, true, true});
  const std::vector<double> xv = x.to_vector<double>(), wv = w.to_vector<double>();
  const std::vector<double> gv = g.to_vector<double>();
  ASSERT_EQ(grads.grad_x.shape(), x.shape());
  expect_values(grads.grad_x, reference(gv, transpose_values(wv, 4, 5), 6, 5, 4));
  ASSERT_EQ(grads.grad_w.shape(), w.shape());
  expect_values(grads.grad_w, reference(transpose_values(xv, 6, 4), gv, 4, 6, 5));
  ASSERT_EQ(grads.grad_b.shape(), Shape({5}));
  std::vector<double> column_sums(5, 0.0);
  for (std::size_t i = 0; i < gv.size(); ++i) column_sums[i % 5] += gv[i];
  expect_values(grads.grad_b, column_sums);
}

TEST(LinearBackward, OnlyTheGradientsAskedForAreDefined) {
  const Tensor x = patterned(3, 4, 1), w = patterned(4, 2, 2), g = patterned(3, 2, 3);
  const LinearGrads only_w = linear_backward(g, x, w, {false, true, false});
  EXPECT_FALSE(only_w.grad_x.defined());
  EXPECT_TRUE(only_w.grad_w.defined());
  EXPECT_FALSE(only_w.grad_b.defined());
  const LinearGrads x_and_b = linear_backward(g, x, w, {true, false, true});
  EXPECT_TRUE(x_and_b.grad_x.defined());
  EXPECT_FALSE(x_and_b.grad_w.defined());
  EXPECT_TRUE(x_and_b.grad_b.defined());
}

TEST(LinearBackward, SideBySideGivesTheSameBitsAsOneAfterTheOther) {
  // A 128-256-128 layer: mid-sized products, side by side on two threads; one
  // after the other when only one is asked for, or on one thread.
  ThreadCountGuard guard;
  manual_seed(5);
  for (DType dtype : {DType::f32, DType::f64}) {
    const Tensor x = randn({128, 256}).to(dtype), w = randn({256, 128}).to(dtype);
    const Tensor g = randn({128, 128}).to(dtype);
    set_num_threads(1);
    const LinearGrads one = linear_backward(g, x, w, {true, true, false});
    set_num_threads(2);
    const LinearGrads both = linear_backward(g, x, w, {true, true, false});
    const Tensor grad_x = linear_backward(g, x, w, {true, false, false}).grad_x;
    const Tensor grad_w = linear_backward(g, x, w, {false, true, false}).grad_w;
    EXPECT_EQ(testing::values(both.grad_x), testing::values(grad_x)) << dtype;
    EXPECT_EQ(testing::values(both.grad_w), testing::values(grad_w)) << dtype;
    EXPECT_EQ(testing::values(both.grad_x), testing::values(one.grad_x)) << dtype;
    EXPECT_EQ(testing::values(both.grad_w), testing::values(one.grad_w)) << dtype;
  }
}

TEST(LinearBackward, Errors) {
  const std::array<bool, 3> all = {true, true, true};
  expect_error(
      [&] {
        linear_backward(zeros({4, 6}), zeros({4, 3}), zeros({3, 5}), all);
      },
      {"linear_backward", "expected grad_out of shape [4, 5]", "got [4, 6]"});
  expect_error(
      [&] {
        linear_backward(zeros({4, 5}), zeros({4, 3}), zeros({2, 5}), all);
      },
      {"linear_backward", "x [4, 3]", "w [2, 5]"});
  expect_error(
      [&] {
        linear_backward(zeros({4, 5}), zeros({4, 3}), zeros({3}), all);
      },
      "linear_backward");
  expect_error(
      [&] {
        linear_backward(zeros({4, 5}, DType::f64), zeros({4, 3}), zeros({3, 5}), all);
      },
      "linear_backward: dtypes differ");
  expect_error(
      [&] {
        linear_backward(Tensor(), zeros({4, 3}), zeros({3, 5}), all);
      },
      "linear_backward");
}

}  // namespace
}  // namespace nabla
