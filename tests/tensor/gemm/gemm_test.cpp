// Tests of the route table and thread splits of tensor/gemm/gemm.h, through
// gemm::multiply and gemm::multiply_side_by_side on plain row-major buffers:
// each route (thin-n, thin-k, own, panels, blis) gives the product of a
// triple loop in double written here, with beta 0 and beta != 0; every split
// (the own kernel's k blocks, columns and rows, BLIS row panels, two products
// side by side) gives the same bits as the whole product on one thread, for
// 2, 3 and 4 threads and the betas nabla uses.
#include "tensor/gemm/gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "tensor/parallel.h"

#include "test_util.h"

namespace nabla {
namespace {

struct Shape3 {
  std::int64_t m, k, n;
};

// Row-major A [m, k], B [k, n] and C [m, n] (C's start values for beta).
template <class T>
struct Operands {
  Shape3 s;
  std::vector<T> a, b, c;

  // Small integers (exact products and sums) or normal draws (whose sums
  // round, so that any change in the order of additions shows).
  Operands(Shape3 shape, bool exact, unsigned seed) : s(shape) {
    std::mt19937 gen(seed);
    std::normal_distribution<double> normal;
    auto fill = [&](std::vector<T>& v, std::int64_t size) {
      for (std::int64_t i = 0; i < size; ++i)
        v.push_back(exact ? T(static_cast<int>(gen() % 9) - 4) : T(normal(gen)));
    };
    fill(a, s.m * s.k);
    fill(b, s.k * s.n);
    fill(c, s.m * s.n);
  }

  // C = A·B + beta C into `out` (initialised with C's start values).
  gemm::Product<T> product(T beta, std::vector<T>& out) const {
    out = c;
    return {{a.data(), s.m, s.k, s.k, 1},
            {b.data(), s.k, s.n, s.n, 1},
            beta,
            {out.data(), s.m, s.n, s.n, 1}};
  }

  std::vector<T> multiplied(T beta, int threads) const {
    std::vector<T> out;
    gemm::multiply(product(beta, out), threads);
    return out;
  }
};

// The shapes of each route (NOTE [ GEMM routes ]): thin-n (10 output columns),
// thin-k (8 inner dims), own (f32 only; split by k, by rows, by columns),
// panels (f64, or f32 without AVX-512), blis (small, or over kMidGemm);
// 600 x 400 x 300 is above kMidGemm: two own parts per thread, B in blocks of
// columns.
const Shape3 kShapes[] = {{100, 256, 10},  {100, 8, 300},   {128, 784, 256},
                          {784, 128, 256}, {64, 100, 300},  {128, 256, 128},
                          {40, 30, 20},    {300, 300, 300}, {600, 400, 300}};

template <class T>
void expect_routes_give_the_product() {
  ThreadCountGuard guard;
  set_num_threads(2);
  for (const Shape3& s : kShapes) {
    const Operands<T> op(s, /*exact=*/true, 1);
    for (T beta : {T(0), T(0.5)})
      for (int threads : {1, 2}) {
        const std::vector<T> got = op.multiplied(beta, threads);
        for (std::int64_t i = 0; i < s.m; ++i)
          for (std::int64_t j = 0; j < s.n; ++j) {
            double want = double(beta) * double(op.c[i * s.n + j]);
            for (std::int64_t p = 0; p < s.k; ++p)
              want += double(op.a[i * s.k + p]) * double(op.b[p * s.n + j]);
            ASSERT_EQ(double(got[i * s.n + j]), want)
                << "at (" << i << ", " << j << ") of " << s.m << "x" << s.k << "x" << s.n
                << ", beta " << beta << ", " << threads << " threads";
          }
      }
  }
}

TEST(GemmRoutes, EveryRouteGivesTheProductF32) {
  expect_routes_give_the_product<float>();
}

TEST(GemmRoutes, EveryRouteGivesTheProductF64) {
  expect_routes_give_the_product<double>();
}

template <class T>
void expect_splits_keep_every_bit() {
  ThreadCountGuard guard;
  set_num_threads(2);
  for (const Shape3& s : kShapes) {
    const Operands<T> op(s, /*exact=*/false, 2);
    // The betas nabla uses: 0 (matmul) and 1 (linear accumulating onto its
    // bias). With other betas BLIS's row panels can round differently from
    // the whole product (f64, beta 0.75).
    for (T beta : {T(0), T(1)}) {
      const std::vector<T> one = op.multiplied(beta, 1);
      for (int threads : {2, 3, 4})
        EXPECT_EQ(op.multiplied(beta, threads), one) << s.m << "x" << s.k << "x" << s.n << ", beta "
                                                     << beta << ", " << threads << " threads";
    }
  }
}

TEST(GemmSplits, SameBitsAsOneThreadF32) {
  expect_splits_keep_every_bit<float>();
}

TEST(GemmSplits, SameBitsAsOneThreadF64) {
  expect_splits_keep_every_bit<double>();
}

template <class T>
void expect_side_by_side_keeps_every_bit() {
  ThreadCountGuard guard;
  set_num_threads(2);
  // linear's two gradients of a 128-256-128 layer: δ·Wᵀ and xᵀ·δ (as plain
  // matrices), and a pair of different shapes.
  const Shape3 pairs[][2] = {{{128, 128, 256}, {256, 128, 128}}, {{128, 784, 256}, {64, 100, 300}}};
  for (const auto& pair : pairs) {
    const Operands<T> p(pair[0], /*exact=*/false, 3), q(pair[1], /*exact=*/false, 4);
    const std::vector<T> p_one = p.multiplied(T(0), 1), q_one = q.multiplied(T(0), 1);
    for (int threads : {2, 3, 4}) {
      std::vector<T> p_out, q_out;
      gemm::multiply_side_by_side(p.product(T(0), p_out), q.product(T(0), q_out), threads);
      EXPECT_EQ(p_out, p_one) << threads << " threads";
      EXPECT_EQ(q_out, q_one) << threads << " threads";
    }
  }
}

TEST(GemmSideBySide, SameBitsAsOneAfterTheOtherF32) {
  expect_side_by_side_keeps_every_bit<float>();
}

TEST(GemmSideBySide, SameBitsAsOneAfterTheOtherF64) {
  expect_side_by_side_keeps_every_bit<double>();
}

// The own kernel's packed paths: B a transposed view (16 x 16 tiles
// transposed in registers, with k not a multiple of 16), B cut into blocks of
// columns (n above what half of any L2 holds for one block of k, with a last
// panel of 40 columns), A a transposed view packed for those blocks. Small
// integers, so every sum is exact and equals the triple loop in double.
TEST(GemmRoutes, PackedOperandsGiveTheProductF32) {
  ThreadCountGuard guard;
  const Shape3 shapes[] = {{64, 600, 3000}, {100, 333, 777}, {7, 1000, 300}, {130, 45, 200}};
  for (const Shape3& s : shapes) {
    const Operands<float> op(s, /*exact=*/true, 5);
    // Transposed copies: at [k, m] and bt [n, k], read back through strides.
    std::vector<float> at(op.a.size()), bt(op.b.size());
    for (std::int64_t i = 0; i < s.m; ++i)
      for (std::int64_t p = 0; p < s.k; ++p) at[p * s.m + i] = op.a[i * s.k + p];
    for (std::int64_t p = 0; p < s.k; ++p)
      for (std::int64_t j = 0; j < s.n; ++j) bt[j * s.k + p] = op.b[p * s.n + j];
    for (int layout = 0; layout < 4; ++layout) {
      const bool a_view = layout & 1, b_view = layout & 2;
      for (int threads : {1, 2}) {
        std::vector<float> out = op.c;
        const gemm::Mat<const float> a =
            a_view ? gemm::Mat<const float>{at.data(), s.m, s.k, 1, s.m}
                   : gemm::Mat<const float>{op.a.data(), s.m, s.k, s.k, 1};
        const gemm::Mat<const float> b =
            b_view ? gemm::Mat<const float>{bt.data(), s.k, s.n, 1, s.k}
                   : gemm::Mat<const float>{op.b.data(), s.k, s.n, s.n, 1};
        gemm::multiply<float>({a, b, 1.0f, {out.data(), s.m, s.n, s.n, 1}}, threads);
        for (std::int64_t i = 0; i < s.m; ++i)
          for (std::int64_t j = 0; j < s.n; ++j) {
            double want = op.c[i * s.n + j];
            for (std::int64_t p = 0; p < s.k; ++p)
              want += double(op.a[i * s.k + p]) * double(op.b[p * s.n + j]);
            ASSERT_EQ(double(out[i * s.n + j]), want)
                << "at (" << i << ", " << j << ") of " << s.m << "x" << s.k << "x" << s.n
                << (a_view ? ", A a transposed view" : "")
                << (b_view ? ", B a transposed view" : "") << ", " << threads << " threads";
          }
      }
    }
  }
}

TEST(GemmSideBySide, PaysForMidSizedProductsOnTwoOrMoreThreads) {
  EXPECT_FALSE(gemm::side_by_side_pays(128 * 256 * 128, 1));
  EXPECT_TRUE(gemm::side_by_side_pays(128 * 256 * 128, 2));
  EXPECT_TRUE(gemm::side_by_side_pays(128 * 256 * 128, 4));
  EXPECT_FALSE(gemm::side_by_side_pays(32 * 32 * 32, 2));     // small: one thread is enough
  EXPECT_FALSE(gemm::side_by_side_pays(512 * 512 * 512, 2));  // large: each on all threads
}

}  // namespace
}  // namespace nabla
