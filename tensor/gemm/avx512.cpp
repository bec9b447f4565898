// The own route of NOTE [ GEMM routes ]: nabla's single-precision GEMM for
// AVX-512 CPUs, used for mid-sized f32 products (the layers of a small network)
// instead of BLIS. Compiled with target attributes and chosen at run time
// (avx512_available), so the library still runs on CPUs without AVX-512.
//
// NOTE [ Own f32 kernel ]
// BLIS 0.9's skx sgemm reaches 140-165 GFLOP/s on products such as
// 128x784 x 784x256 on one core that sustains 225 with register-only FMAs,
// whatever its block sizes, and its second thread gains little at these sizes.
// This kernel keeps a 6 x 64 block of C in 24 vector registers (8 x 32 in 16
// when C has fewer than 64 columns) and adds to it, for each k, the product of
// six broadcast entries of A with one row of B (four vectors). A is read in
// place through its strides when one of them is 1 (row-major, or a transposed
// view, whose entries for the next k are prefetched by hand) and packed k by k
// otherwise; B is read in place when its rows are contiguous and gathered into
// 64-column panels otherwise (a transposed view), so only δ·Wᵀ copies
// anything. Threads split C into independent column or row ranges with no
// shared packing, or k into the kernel's own two blocks of k
// (sgemm_avx512_k_split; the split rule is in tensor/gemm/gemm.cpp).
// k is cut into even blocks of at most kKc (the rows of A of one register
// block stay in L1 while B streams from L2) and m into blocks of A that stay
// in L2. Each C element is still a sum over k in order (blockwise), so results
// differ from BLIS's only by rounding and do not depend on the number of
// threads.
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

#include "tensor/error.h"
#include "tensor/gemm/kernels.h"
#include "tensor/storage.h"

namespace nabla::gemm {
namespace {

// Register blocks: kWideRows x 64 columns (four vectors, 24 accumulators) when
// C has at least 64 columns, kNarrowRows x 32 (two vectors) otherwise.
constexpr std::int64_t kWideRows = 6;
constexpr std::int64_t kNarrowRows = 8;
constexpr std::int64_t kKc = 512;            // most k per block
constexpr std::int64_t kBlockA = 64 * 1024;  // most elements of A per m block
constexpr std::int64_t kPackedCols = 512;    // most columns of B packed at once
constexpr std::int64_t kPrefetch = 16;       // k steps ahead a strided A is prefetched

// Lane masks of the NV vectors of a block row for its first `cols` columns.
template <int NV>
struct Masks {
  __mmask16 m[NV];
  explicit Masks(std::int64_t cols) {
    for (int v = 0; v < NV; ++v) {
      const std::int64_t c = cols - 16 * v;
      m[v] = c >= 16 ? __mmask16(0xffff) : c <= 0 ? __mmask16(0) : __mmask16((1u << c) - 1);
    }
  }
};

// C[0:R, 0:cols] = A[0:R, 0:kc]·B[0:kc, 0:cols] + beta C for cols <= 16 NV,
// with A(r, k) at a[r * ars + k * acs] and B's row k at b + k * ldb. beta == 0
// never reads C. kFull: cols == 16 NV (plain loads; otherwise masked loads,
// so nothing past a row's end is read).
template <int R, int NV, bool kFull>
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
  __m512 acc[R][NV];
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_ps();
  const Masks<NV> mask(cols);
#pragma GCC unroll 2
  for (std::int64_t kk = 0; kk < kc; ++kk, a += acs, b += ldb) {
    // A's entries for one k lie a whole column after the previous k's when A
    // is a transposed view: too far for the hardware prefetcher, so the
    // (one or two) cache lines kPrefetch steps ahead are requested here.
    if (acs != 1) {
      _mm_prefetch(reinterpret_cast<const char*>(a + kPrefetch * acs), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(a + kPrefetch * acs + (R - 1) * ars), _MM_HINT_T0);
    }
    __m512 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v)
      bv[v] = kFull ? _mm512_loadu_ps(b + 16 * v) : _mm512_maskz_loadu_ps(mask.m[v], b + 16 * v);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      const __m512 ar = _mm512_set1_ps(a[r * ars]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(ar, bv[v], acc[r][v]);
    }
  }
  const __m512 vbeta = _mm512_set1_ps(beta);
#pragma GCC unroll 8
  for (int r = 0; r < R; ++r) {
    float* cr = c + r * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      if (beta != 0.0f)
        acc[r][v] =
            _mm512_fmadd_ps(vbeta, _mm512_maskz_loadu_ps(mask.m[v], cr + 16 * v), acc[r][v]);
      _mm512_mask_storeu_ps(cr + 16 * v, mask.m[v], acc[r][v]);
    }
  }
}

// Signature shared by every block<R, NV, kFull>.
using BlockFn = void (*)(std::int64_t,
                         const float*,
                         std::int64_t,
                         std::int64_t,
                         const float*,
                         std::int64_t,
                         float*,
                         std::int64_t,
                         std::int64_t,
                         float);

// block<R, NV, full> for R = 1..kRows, indexed [full][R - 1], so that the
// register count is fixed at compile time for every remainder.
template <int NV, int... R>
constexpr std::array<std::array<BlockFn, sizeof...(R)>, 2> block_table(
    std::integer_sequence<int, R...>) {
  return {{{&block<R + 1, NV, false>...}, {&block<R + 1, NV, true>...}}};
}

// B[0:kc, 0:cols] (strides rs, cs) as panels of nr columns of kc rows each,
// the columns past `cols` zero: panel p holds columns [nr p, nr p + nr) at
// out + p * kc * nr. out must be 64-byte aligned.
__attribute__((target("avx512f"))) void pack_b(const float* b,
                                               std::int64_t rs,
                                               std::int64_t cs,
                                               std::int64_t kc,
                                               std::int64_t cols,
                                               std::int64_t nr,
                                               float* out) {
  // A transposed view (rs == 1): a panel's row k gathers 16 floats at a time,
  // a column apart; consecutive k reuse the same cache lines.
  const bool gather = rs == 1 && cs <= (std::int64_t{1} << 25);
  const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i offsets =
      _mm512_mullo_epi32(lanes, _mm512_set1_epi32(static_cast<int>(gather ? cs : 0)));
  // The masked form with a zero source: the plain one trips GCC 12's
  // maybe-uninitialized warning inside the intrinsic.
  const __m512 zero = _mm512_setzero_ps();
  for (std::int64_t j0 = 0; j0 < cols; j0 += nr) {
    float* panel = out + j0 * kc;
    const std::int64_t width = std::min(nr, cols - j0);
    if (gather && width == nr) {
      for (std::int64_t v = 0; v < nr; v += 16) {
        const float* src = b + (j0 + v) * cs;
        for (std::int64_t kk = 0; kk < kc; ++kk)
          _mm512_store_ps(panel + kk * nr + v,
                          _mm512_mask_i32gather_ps(zero, 0xffff, offsets, src + kk, 4));
      }
      continue;
    }
    // Column by column: reads run along k, which is contiguous for a transposed view.
    for (std::int64_t j = 0; j < nr; ++j) {
      if (j >= width) {
        for (std::int64_t kk = 0; kk < kc; ++kk) panel[kk * nr + j] = 0.0f;
        continue;
      }
      const float* src = b + (j0 + j) * cs;
      for (std::int64_t kk = 0; kk < kc; ++kk) panel[kk * nr + j] = src[kk * rs];
    }
  }
}

// A[0:rows, 0:kc] (strides rs, cs) as blocks of mr rows, each stored k by k
// (block q holds A(mr q + r, k) at out + q * kc * mr + k * mr + r), rows past
// `rows` zero. Used when neither of A's strides is 1, so that the entries of a
// block for one k are adjacent.
void pack_a(const float* a,
            std::int64_t rs,
            std::int64_t cs,
            std::int64_t rows,
            std::int64_t kc,
            std::int64_t mr,
            float* out) {
  for (std::int64_t i0 = 0; i0 < rows; i0 += mr) {
    float* panel = out + i0 * kc;
    const std::int64_t height = std::min(mr, rows - i0);
    if (rs == 1 && height == mr) {
      for (std::int64_t kk = 0; kk < kc; ++kk)
        std::memcpy(panel + kk * mr, a + i0 + kk * cs,
                    static_cast<std::size_t>(mr) * sizeof(float));
      continue;
    }
    for (std::int64_t kk = 0; kk < kc; ++kk)
      for (std::int64_t r = 0; r < mr; ++r)
        panel[kk * mr + r] = r < height ? a[(i0 + r) * rs + kk * cs] : 0.0f;
  }
}

// sgemm_avx512 with MR x (16 NV) register blocks.
template <int MR, int NV>
void blocked_gemm(std::int64_t m,
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
  constexpr std::int64_t nr = 16 * NV;
  static constexpr auto blocks = block_table<NV>(std::make_integer_sequence<int, MR>());
  const std::int64_t k_blocks = (k + kKc - 1) / kKc;
  const std::int64_t kc = (k + k_blocks - 1) / k_blocks;  // even blocks: no short last one
  const std::int64_t mc = std::max<std::int64_t>(MR, kBlockA / kc / MR * MR);
  const bool pack_rows_of_b = bcs != 1, pack_rows_of_a = acs != 1 && ars != 1;
  // Packed panels from the buffer cache (64-byte aligned, as pack_b needs).
  std::optional<Storage> b_panels, a_blocks;
  if (pack_rows_of_b)
    b_panels.emplace(sizeof(float) * static_cast<std::size_t>((n + nr - 1) / nr * nr * kc));
  if (pack_rows_of_a)
    a_blocks.emplace(sizeof(float) * static_cast<std::size_t>((mc + MR - 1) / MR * MR * kc));
  float* packed_b = b_panels ? static_cast<float*>(b_panels->data()) : nullptr;
  float* packed_a = a_blocks ? static_cast<float*>(a_blocks->data()) : nullptr;
  for (std::int64_t k0 = 0; k0 < k; k0 += kc) {
    const std::int64_t kb = std::min(kc, k - k0);
    const float* bk = b + k0 * brs;
    if (pack_rows_of_b) pack_b(bk, brs, bcs, kb, n, nr, packed_b);
    const float beta_k = k0 == 0 ? beta : 1.0f;
    for (std::int64_t i0 = 0; i0 < m; i0 += mc) {
      const std::int64_t i1 = std::min(m, i0 + mc);
      const float* ai = a + i0 * ars + k0 * acs;
      if (pack_rows_of_a) pack_a(ai, ars, acs, i1 - i0, kb, MR, packed_a);
      // Row blocks outside: a block's rows of A stay in L1 while B's panels stream.
      for (std::int64_t i = i0, rows = 0; i < i1; i += rows) {
        // Whole blocks of MR rows; when A is read in place, the last MR + r
        // rows (0 < r < MR) run as two blocks of about half that instead of
        // MR and r (128 rows: 20 x 6 + 2 x 4, not 21 x 6 + 2), since a block
        // of a few rows does little work per load of B.
        const std::int64_t left = i1 - i;
        rows = left <= MR ? left : left < 2 * MR && !pack_rows_of_a ? (left + 1) / 2 : MR;
        const float* ar = pack_rows_of_a ? packed_a + (i - i0) * kb : ai + (i - i0) * ars;
        const std::int64_t r_stride = pack_rows_of_a ? 1 : ars,
                           k_stride = pack_rows_of_a ? MR : acs;
        for (std::int64_t j0 = 0; j0 < n; j0 += nr) {
          const std::int64_t cols = std::min(nr, n - j0);
          const float* bj = pack_rows_of_b ? packed_b + j0 * kb : bk + j0;
          blocks[cols == nr][static_cast<std::size_t>(rows - 1)](
              kb, ar, r_stride, k_stride, bj, pack_rows_of_b ? nr : brs, c + i * ldc + j0, ldc,
              cols, beta_k);
        }
      }
    }
  }
}

}  // namespace

bool avx512_available() {
  static const bool available = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") != 0;
  }();
  return available;
}

bool own_gemm_enabled() {
  static const bool enabled = [] {
    const char* text = std::getenv("NABLA_OWN_GEMM");
    const std::string_view value = text == nullptr ? "1" : text;
    NABLA_CHECK(value == "0" || value == "1", "matmul", "NABLA_OWN_GEMM=", value,
                ": expected 0 (products on BLIS) or 1 (nabla's AVX-512 kernel where the CPU has "
                "it)");
    return value == "1" && avx512_available();
  }();
  return enabled;
}

// Two blocks exactly when kKc < k <= 2 kKc; the first is the longer by at most one.
std::int64_t sgemm_avx512_k_split(std::int64_t k) {
  return k > kKc && k <= 2 * kKc ? (k + 1) / 2 : 0;
}

void sgemm_avx512(std::int64_t m,
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
  if (m <= 0 || n <= 0 || k <= 0) return;
  if (bcs != 1 && n > kPackedCols) {
    // B is packed: at most kPackedCols columns at a time, so the panels stay
    // small (2 MB) however wide C is.
    for (std::int64_t j0 = 0; j0 < n; j0 += kPackedCols)
      sgemm_avx512(m, std::min(kPackedCols, n - j0), k, a, ars, acs, b + j0 * bcs, brs, bcs, beta,
                   c + j0, ldc);
    return;
  }
  if (n >= 64)
    blocked_gemm<kWideRows, 4>(m, n, k, a, ars, acs, b, brs, bcs, beta, c, ldc);
  else
    blocked_gemm<kNarrowRows, 2>(m, n, k, a, ars, acs, b, brs, bcs, beta, c, ldc);
}

}  // namespace nabla::gemm
