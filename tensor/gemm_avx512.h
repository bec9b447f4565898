// nabla's own single-precision GEMM for AVX-512 CPUs, used by tensor/linalg.cpp
// for mid-sized f32 products (the layers of a small network) instead of BLIS.
//
// NOTE [ Own f32 kernel ]
// BLIS 0.9's skx sgemm reaches 140-165 GFLOP/s on products such as
// 128x784 x 784x256 on one core that sustains 225 with register-only FMAs,
// whatever its block sizes, and its second thread gains little at these sizes.
// This kernel keeps an 8 x 32 block of C in 16 vector registers and adds to it,
// for each k, the product of eight broadcast entries of A with one row of B
// (two vectors). A is read in place through its strides (row-major, a
// transposed view, anything), B in place when its rows are contiguous and
// packed into 32-column panels otherwise, so most calls copy nothing, and two
// threads split C into independent halves with no shared packing. k is cut
// into even blocks of at most kKc (a 32-column panel of B of kKc rows stays in
// L1) and m into blocks of A that stay in L2. Each C element is still a sum
// over k in order (blockwise), so results differ from BLIS's only by rounding
// and do not depend on the number of threads.
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

namespace nabla::detail {

/// Returns whether this CPU and OS run AVX-512F code (checked once).
inline bool avx512_gemm_available() {
  static const bool available = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
  }();
  return available;
}

namespace avx512_gemm {

constexpr std::int64_t kMr = 8;              // rows of C per register block
constexpr std::int64_t kNr = 32;             // columns of C per register block (two vectors)
constexpr std::int64_t kKc = 256;            // most k per block
constexpr std::int64_t kBlockA = 64 * 1024;  // most elements of A per m block
constexpr std::int64_t kAlign = 64 / sizeof(float);  // packed panels start on a cache line

// Lanes of the two vectors of a block row that hold columns < cols.
struct Masks {
  __mmask16 lo, hi;
};
inline Masks masks(std::int64_t cols) {
  auto mask = [](std::int64_t c) -> __mmask16 {
    return c >= 16 ? __mmask16(0xffff) : c <= 0 ? __mmask16(0) : __mmask16((1u << c) - 1);
  };
  return {mask(cols), mask(cols - 16)};
}

// C[0:R, 0:cols] = A[0:R, 0:kc]·B[0:kc, 0:cols] + beta C, with A(r, k) at
// a[r * ars + k * acs], B's row k at b + k * ldb and cols <= kNr. beta == 0
// never reads C.
template <int R>
__attribute__((target("avx512f"))) void block(std::int64_t kc,
                                              const float* __restrict a,
                                              std::int64_t ars,
                                              std::int64_t acs,
                                              const float* __restrict b,
                                              std::int64_t ldb,
                                              float* c,
                                              std::int64_t ldc,
                                              std::int64_t cols,
                                              float beta) {
  __m512 lo[R], hi[R];
  for (int r = 0; r < R; ++r) lo[r] = hi[r] = _mm512_setzero_ps();
  const Masks m = masks(cols);
  if (cols == kNr) {
#pragma GCC unroll 2
    for (std::int64_t kk = 0; kk < kc; ++kk, a += acs, b += ldb) {
      const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) {
        const __m512 ar = _mm512_set1_ps(a[r * ars]);
        lo[r] = _mm512_fmadd_ps(ar, b0, lo[r]);
        hi[r] = _mm512_fmadd_ps(ar, b1, hi[r]);
      }
    }
  } else {
    // The last columns: masked loads, so nothing past row end is read.
    for (std::int64_t kk = 0; kk < kc; ++kk, a += acs, b += ldb) {
      const __m512 b0 = _mm512_maskz_loadu_ps(m.lo, b), b1 = _mm512_maskz_loadu_ps(m.hi, b + 16);
#pragma GCC unroll 8
      for (int r = 0; r < R; ++r) {
        const __m512 ar = _mm512_set1_ps(a[r * ars]);
        lo[r] = _mm512_fmadd_ps(ar, b0, lo[r]);
        hi[r] = _mm512_fmadd_ps(ar, b1, hi[r]);
      }
    }
  }
  const __m512 vbeta = _mm512_set1_ps(beta);
  for (int r = 0; r < R; ++r) {
    float* cr = c + r * ldc;
    if (beta != 0.0f) {
      lo[r] = _mm512_fmadd_ps(vbeta, _mm512_maskz_loadu_ps(m.lo, cr), lo[r]);
      hi[r] = _mm512_fmadd_ps(vbeta, _mm512_maskz_loadu_ps(m.hi, cr + 16), hi[r]);
    }
    _mm512_mask_storeu_ps(cr, m.lo, lo[r]);
    _mm512_mask_storeu_ps(cr + 16, m.hi, hi[r]);
  }
}

// One block of `rows` <= kMr rows (a switch, so the register count is fixed).
inline void block_rows(std::int64_t rows,
                       std::int64_t kc,
                       const float* a,
                       std::int64_t ars,
                       std::int64_t acs,
                       const float* b,
                       std::int64_t ldb,
                       float* c,
                       std::int64_t ldc,
                       std::int64_t cols,
                       float beta) {
  switch (rows) {
    case 8:
      return block<8>(kc, a, ars, acs, b, ldb, c, ldc, cols, beta);
    case 7:
      return block<7>(kc, a, ars, acs, b, ldb, c, ldc, cols, beta);
    case 6:
      return block<6>(kc, a, ars, acs, b, ldb, c, ldc, cols, beta);
    case 5:
      return block<5>(kc, a, ars, acs, b, ldb, c, ldc, cols, beta);
    case 4:
      return block<4>(kc, a, ars, acs, b, ldb, c, ldc, cols, beta);
    case 3:
      return block<3>(kc, a, ars, acs, b, ldb, c, ldc, cols, beta);
    case 2:
      return block<2>(kc, a, ars, acs, b, ldb, c, ldc, cols, beta);
    default:
      return block<1>(kc, a, ars, acs, b, ldb, c, ldc, cols, beta);
  }
}

// B[0:kc, 0:cols] (strides rs, cs) as 32-column panels of kc rows each, the
// columns past `cols` zero: panel p holds columns [32p, 32p + 32) at
// out + p * kc * kNr.
__attribute__((target("avx512f"))) inline void pack_b(const float* b,
                                                      std::int64_t rs,
                                                      std::int64_t cs,
                                                      std::int64_t kc,
                                                      std::int64_t cols,
                                                      float* out) {
  // A transposed view (rs == 1): a full panel's row k gathers 32 floats a
  // column apart; consecutive k reuse the same 32 cache lines.
  const bool gather = rs == 1 && cs <= (std::int64_t{1} << 25);
  const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i offsets =
      _mm512_mullo_epi32(lanes, _mm512_set1_epi32(static_cast<int>(gather ? cs : 0)));
  for (std::int64_t j0 = 0; j0 < cols; j0 += kNr) {
    float* panel = out + j0 * kc;
    const std::int64_t width = std::min(kNr, cols - j0);
    if (gather && width == kNr) {
      const float* lo = b + j0 * cs;
      const float* hi = lo + 16 * cs;
      // The masked form with a zero source: the plain one trips GCC 12's
      // maybe-uninitialized warning inside the intrinsic.
      const __m512 zero = _mm512_setzero_ps();
      for (std::int64_t kk = 0; kk < kc; ++kk) {
        _mm512_store_ps(panel + kk * kNr,
                        _mm512_mask_i32gather_ps(zero, 0xffff, offsets, lo + kk, 4));
        _mm512_store_ps(panel + kk * kNr + 16,
                        _mm512_mask_i32gather_ps(zero, 0xffff, offsets, hi + kk, 4));
      }
      continue;
    }
    // Column by column: reads run along k, which is contiguous for a transposed view.
    for (std::int64_t j = 0; j < kNr; ++j) {
      if (j >= width) {
        for (std::int64_t kk = 0; kk < kc; ++kk) panel[kk * kNr + j] = 0.0f;
        continue;
      }
      const float* src = b + (j0 + j) * cs;
      for (std::int64_t kk = 0; kk < kc; ++kk) panel[kk * kNr + j] = src[kk * rs];
    }
  }
}

// A[0:rows, 0:kc] (strides rs, cs) as blocks of kMr rows, each stored k by k
// (block q holds A(8q + r, k) at out + q * kc * kMr + k * kMr + r), rows past
// `rows` zero. Used when A's rows are not contiguous: a transposed view's
// entries for one k are then 8 adjacent floats, but successive k lie a whole
// column apart, too far for the hardware prefetcher.
inline void pack_a(const float* a,
                   std::int64_t rs,
                   std::int64_t cs,
                   std::int64_t rows,
                   std::int64_t kc,
                   float* out) {
  for (std::int64_t i0 = 0; i0 < rows; i0 += kMr) {
    float* panel = out + i0 * kc;
    const std::int64_t height = std::min(kMr, rows - i0);
    if (rs == 1 && height == kMr) {
      for (std::int64_t kk = 0; kk < kc; ++kk)
        std::memcpy(panel + kk * kMr, a + i0 + kk * cs, kMr * sizeof(float));
      continue;
    }
    for (std::int64_t kk = 0; kk < kc; ++kk)
      for (std::int64_t r = 0; r < kMr; ++r)
        panel[kk * kMr + r] = r < height ? a[(i0 + r) * rs + kk * cs] : 0.0f;
  }
}

// Per-thread buffers for packed panels (slot 0: B, slot 1: A), 64-byte
// aligned, grown on demand.
inline float* pack_buffer(int slot, std::int64_t size) {
  struct Free {
    void operator()(float* p) const { ::operator delete[](p, std::align_val_t(64)); }
  };
  thread_local std::unique_ptr<float[], Free> buffer[2];
  thread_local std::int64_t capacity[2] = {0, 0};
  if (size > capacity[slot]) {
    buffer[slot].reset();
    capacity[slot] = 0;
    buffer[slot].reset(static_cast<float*>(
        ::operator new[](static_cast<std::size_t>(size) * sizeof(float), std::align_val_t(64))));
    capacity[slot] = size;
  }
  return buffer[slot].get();
}

}  // namespace avx512_gemm

/// C = A·B + beta C on the calling thread for f32 A [m, k] (element (i, l) at
/// a[i * ars + l * acs]), B [k, n] (element (l, j) at b[l * brs + j * bcs]) and
/// C [m, n] with contiguous rows (element (i, j) at c[i * ldc + j]); see
/// NOTE [ Own f32 kernel ]. beta == 0 never reads C. Requires
/// avx512_gemm_available(); throws std::bad_alloc when a panel of B cannot be
/// allocated.
inline void sgemm_avx512(std::int64_t m,
                         std::int64_t n,
                         std::int64_t k,
                         const float* a,
                         std::int64_t ars,
                         std::int64_t acs,
                         const float* b,
                         std::int64_t brs,
                         std::int64_t bcs,
                         float beta,
                         float* c,
                         std::int64_t ldc) {
  using namespace avx512_gemm;
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    // C = beta C (beta == 0 writes zeros, whatever C held).
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t j = 0; j < n; ++j)
        c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    return;
  }
  const std::int64_t k_blocks = (k + kKc - 1) / kKc;
  const std::int64_t kc = (k + k_blocks - 1) / k_blocks;  // even blocks: no short last one
  const std::int64_t mc = std::max(kMr, kBlockA / kc / kMr * kMr);
  const bool pack_rows_of_b = bcs != 1, pack_rows_of_a = acs != 1;
  float* packed_b = pack_rows_of_b ? pack_buffer(0, (n + kNr - 1) / kNr * kNr * kc) : nullptr;
  float* packed_a = pack_rows_of_a ? pack_buffer(1, (mc + kMr - 1) / kMr * kMr * kc) : nullptr;
  for (std::int64_t k0 = 0; k0 < k; k0 += kc) {
    const std::int64_t kb = std::min(kc, k - k0);
    const float* bk = b + k0 * brs;
    if (pack_rows_of_b) pack_b(bk, brs, bcs, kb, n, packed_b);
    const float beta_k = k0 == 0 ? beta : 1.0f;
    for (std::int64_t i0 = 0; i0 < m; i0 += mc) {
      const std::int64_t i1 = std::min(m, i0 + mc);
      const float* ai = a + i0 * ars + k0 * acs;
      if (pack_rows_of_a) pack_a(ai, ars, acs, i1 - i0, kb, packed_a);
      for (std::int64_t j0 = 0; j0 < n; j0 += kNr) {
        const float* bj = pack_rows_of_b ? packed_b + j0 * kb : bk + j0;
        const std::int64_t ldb = pack_rows_of_b ? kNr : brs;
        const std::int64_t cols = std::min(kNr, n - j0);
        for (std::int64_t i = i0; i < i1; i += kMr) {
          const std::int64_t rows = std::min(kMr, i1 - i);
          float* ci = c + i * ldc + j0;
          if (pack_rows_of_a)
            block_rows(rows, kb, packed_a + (i - i0) * kb, 1, kMr, bj, ldb, ci, ldc, cols, beta_k);
          else
            block_rows(rows, kb, ai + (i - i0) * ars, ars, 1, bj, ldb, ci, ldc, cols, beta_k);
        }
      }
    }
  }
}

}  // namespace nabla::detail
