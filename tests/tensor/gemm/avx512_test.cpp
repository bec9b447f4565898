// Tests of the f32 products that run on nabla's own AVX-512 kernel
// (tensor/gemm/avx512.cpp) through matmul and linear: shapes that leave partial
// 8-row and 32-column blocks, several k blocks and several m blocks, every
// operand layout (row-major, transposed views, column slices, general strides
// through a view), the bias accumulated onto in linear, and the same values on
// one and two threads. References are triple loops in double written here; on
// CPUs without AVX-512 the same products run on BLIS and must pass too.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "tensor/factory.h"
#include "tensor/linalg.h"
#include "tensor/parallel.h"
#include "tensor/random.h"
#include "tensor/shape_ops.h"

namespace nabla {
namespace {

// A [rows, cols] f32 tensor with entries ((7 i + 3 j + seed) % 11 - 5) / 4:
// small multiples of 1/4, so every product and partial sum below is exact in
// f32 and the reference comparison can be tight.
Tensor patterned(std::int64_t rows, std::int64_t cols, int seed) {
  std::vector<float> v;
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j)
      v.push_back(static_cast<float>((7 * i + 3 * j + seed) % 11 - 5) / 4.0f);
  return from_vector(v, {rows, cols});
}

// Expects c == a·b (+ bias per column when given), each element within a
// relative 1e-6 of the double triple loop.
void expect_product(const Tensor& c,
                    const Tensor& a,
                    const Tensor& b,
                    const std::vector<double>& bias = {}) {
  const std::int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  ASSERT_EQ(c.shape(), Shape({m, n}));
  const std::vector<double> av = a.to_vector<double>(), bv = b.to_vector<double>();
  const std::vector<double> cv = c.to_vector<double>();
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      double want = bias.empty() ? 0.0 : bias[static_cast<std::size_t>(j)];
      for (std::int64_t p = 0; p < k; ++p)
        want += av[static_cast<std::size_t>(i * k + p)] * bv[static_cast<std::size_t>(p * n + j)];
      const double got = cv[static_cast<std::size_t>(i * n + j)];
      ASSERT_NEAR(got, want, 1e-6 * std::max(1.0, std::abs(want)))
          << "at (" << i << ", " << j << ") of " << m << "x" << k << "x" << n;
    }
}

// The transpose of a fresh contiguous [cols, rows] tensor, as a [rows, cols] view.
Tensor transposed_view(std::int64_t rows, std::int64_t cols, int seed) {
  const Tensor base = patterned(cols, rows, seed);
  return as_strided(base, {rows, cols}, {1, rows}, 0);
}

// Restores the thread count when a test ends.
class GemmKernel : public ::testing::Test {
 protected:
  void TearDown() override { set_num_threads(threads_); }
  int threads_ = get_num_threads();
};

TEST_F(GemmKernel, PartialBlocksAndSeveralKBlocks) {
  // m not a multiple of 8, n not a multiple of 32, k over one 256 block.
  const std::int64_t shapes[][3] = {{1, 300, 17},  {7, 33, 40},   {9, 257, 31},
                                    {37, 45, 301}, {64, 600, 65}, {130, 784, 100}};
  set_num_threads(1);
  for (const auto& s : shapes) {
    const Tensor a = patterned(s[0], s[1], 1), b = patterned(s[1], s[2], 2);
    expect_product(matmul(a, b), a, b);
  }
}

TEST_F(GemmKernel, SeveralRowBlocks) {
  // 600 rows with k = 300 (two k blocks of 150): A's blocks of 432 rows.
  set_num_threads(1);
  const Tensor a = patterned(600, 300, 3), b = patterned(300, 48, 4);
  expect_product(matmul(a, b), a, b);
}

TEST_F(GemmKernel, TransposedOperandsAndSlices) {
  set_num_threads(1);
  // xᵀ·δ and δ·Wᵀ as the backward pass passes them.
  const Tensor at_ = transposed_view(90, 70, 5), b = patterned(70, 50, 6);
  expect_product(matmul(at_, b), at_, b);
  const Tensor a = patterned(45, 70, 7), bt = transposed_view(70, 77, 8);
  expect_product(matmul(a, bt), a, bt);
  expect_product(matmul(at_, transposed_view(70, 33, 9)), at_, transposed_view(70, 33, 9));
  // A transposed B wider than one packed chunk (512 columns).
  const Tensor a_small = patterned(5, 40, 18), bt_wide = transposed_view(40, 600, 19);
  expect_product(matmul(a_small, bt_wide), a_small, bt_wide);
  // Column slices: rows of A and B not adjacent (row stride > columns).
  const Tensor wide = patterned(40, 100, 10);
  const Tensor a_slice = as_strided(wide, {40, 60}, {100, 1}, 3);
  const Tensor b_slice = as_strided(patterned(60, 90, 11), {60, 50}, {90, 1}, 20);
  expect_product(matmul(a_slice, b_slice), a_slice, b_slice);
}

TEST_F(GemmKernel, LinearAccumulatesOntoBias) {
  set_num_threads(1);
  const Tensor x = patterned(21, 130, 12), w = patterned(130, 70, 13);
  const Tensor bias = reshape(patterned(1, 70, 14), {70});
  expect_product(linear(x, w, bias), x, w, bias.to_vector<double>());
  // A transposed weight view (gradient-checking code passes such views).
  const Tensor wt = transposed_view(130, 70, 15);
  expect_product(linear(x, wt, bias), x, wt, bias.to_vector<double>());
}

TEST_F(GemmKernel, TwoThreadsGiveTheSameValuesAsOne) {
  // Split by k (k the largest dim, two k blocks: the MLP's x·W and 64x600x100),
  // by rows (784x128x256, 100x96x40) and by columns (64x100x300). Normal draws,
  // whose sums round, so that any change in the order of additions shows.
  const std::int64_t shapes[][3] = {
      {128, 784, 256}, {64, 600, 100}, {784, 128, 256}, {100, 96, 40}, {64, 100, 300}};
  manual_seed(21);
  for (const auto& s : shapes) {
    const Tensor a = randn({s[0], s[1]}), b = randn({s[1], s[2]}), bias = randn({s[2]});
    set_num_threads(1);
    const std::vector<double> one = matmul(a, b).to_vector<double>();
    const std::vector<double> one_linear = linear(a, b, bias).to_vector<double>();
    set_num_threads(2);
    EXPECT_EQ(matmul(a, b).to_vector<double>(), one) << s[0] << "x" << s[1] << "x" << s[2];
    EXPECT_EQ(linear(a, b, bias).to_vector<double>(), one_linear)
        << s[0] << "x" << s[1] << "x" << s[2];
    // And the split product is the product.
    const Tensor pa = patterned(s[0], s[1], 16), pb = patterned(s[1], s[2], 17);
    expect_product(matmul(pa, pb), pa, pb);
  }
}

}  // namespace
}  // namespace nabla
