// The own route of NOTE [ GEMM routes ]: nabla's single-precision GEMM for
// AVX-512 CPUs, used for every f32 product that is not thin, instead of BLIS.
// Compiled with target attributes and chosen at run time (avx512_available),
// so the library still runs on CPUs without AVX-512.
//
// NOTE [ Own f32 kernel ]
// BLIS 0.9's skx sgemm reaches 140-185 GFLOP/s on one core that sustains
// 225-245 with register-only FMAs (benchmarks/matmul_bench.cpp, BM_FmaPeak);
// at the sizes of a small network's layers its second thread gains little.
// This kernel keeps a 6 x 64 block of C in 24 vector registers (8 x 32 in 16
// when C has fewer than 64 columns) and adds to it, for each k, the product of
// six broadcast entries of A with one row of B (four vectors). k is cut into
// even blocks of at most kKc: the rows of A of one register block stay in L1
// while B streams from L2, and C's block, read once per block of k, is
// prefetched when its sums start.
// - B is read in place when its rows are contiguous and kc of them fit in half
//   of L2; otherwise (a transposed view, or a large product) it is copied, in
//   blocks of as many 64-column panels as fit there, into panels whose rows
//   are contiguous (a transposed view: 16 x 16 tiles transposed in registers).
// - A is read in place through its strides when one of them is 1 (row-major,
//   or a transposed view, whose entries for the next k are prefetched by hand)
//   and packed k by k otherwise, and also when it is a transposed view and B is
//   cut into blocks (its block is then read once for all of B's panels).
// Threads split C into independent column or row ranges with no shared
// packing, or k into the kernel's own two blocks of k (sgemm_avx512_k_split;
// the split rule is in tensor/gemm/gemm.cpp). Each C element is a sum over k
// in order (blockwise), whatever the blocks of columns and rows, so results
// differ from BLIS's only by rounding and do not depend on the number of
// threads or on the cache size.
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

#include <unistd.h>

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
  // C's block is read once, after all of kc: ask for its lines now, so that
  // they arrive while the sums run (it is often in L3 or memory by then).
  {
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v)
        _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + 16 * v), _MM_HINT_T0);
  }
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

// Transposes the 16 x 16 matrix whose row i is r[i], in place: three rounds
// of shuffles (pairs of floats, then of 128-bit lanes), no memory traffic.
// Each shuffle is the masked form with every lane on: the plain forms trip
// GCC 12's maybe-uninitialized warning inside the intrinsics.
__attribute__((target("avx512f"))) inline void transpose_16x16(__m512 r[16]) {
  __m512 t[16];
  // t[2i], t[2i + 1]: rows 2i and 2i + 1 interleaved, low and high halves of each lane.
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_maskz_unpacklo_ps(0xffff, r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_maskz_unpackhi_ps(0xffff, r[2 * i], r[2 * i + 1]);
  }
  // r[4i + q], lane L: column 4L + q of rows 4i .. 4i + 3.
  for (int i = 0; i < 4; ++i) {
    r[4 * i] = _mm512_maskz_shuffle_ps(0xffff, t[4 * i], t[4 * i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[4 * i + 1] = _mm512_maskz_shuffle_ps(0xffff, t[4 * i], t[4 * i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[4 * i + 2] =
        _mm512_maskz_shuffle_ps(0xffff, t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[4 * i + 3] =
        _mm512_maskz_shuffle_ps(0xffff, t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  // Column 4L + q gathers lane L of r[q], r[4 + q], r[8 + q], r[12 + q].
  for (int q = 0; q < 4; ++q) {
    const __m512 even_lo = _mm512_maskz_shuffle_f32x4(0xffff, r[q], r[4 + q], 0x88);  // lanes 0, 2
    const __m512 odd_lo = _mm512_maskz_shuffle_f32x4(0xffff, r[q], r[4 + q], 0xdd);   // lanes 1, 3
    const __m512 even_hi = _mm512_maskz_shuffle_f32x4(0xffff, r[8 + q], r[12 + q], 0x88);
    const __m512 odd_hi = _mm512_maskz_shuffle_f32x4(0xffff, r[8 + q], r[12 + q], 0xdd);
    t[q] = _mm512_maskz_shuffle_f32x4(0xffff, even_lo, even_hi, 0x88);
    t[8 + q] = _mm512_maskz_shuffle_f32x4(0xffff, even_lo, even_hi, 0xdd);
    t[4 + q] = _mm512_maskz_shuffle_f32x4(0xffff, odd_lo, odd_hi, 0x88);
    t[12 + q] = _mm512_maskz_shuffle_f32x4(0xffff, odd_lo, odd_hi, 0xdd);
  }
  for (int i = 0; i < 16; ++i) r[i] = t[i];
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
  for (std::int64_t j0 = 0; j0 < cols; j0 += nr) {
    float* panel = out + j0 * kc;
    const std::int64_t width = std::min(nr, cols - j0);
    // A transposed view (rs == 1): 16 columns x 16 k at a time, read along
    // k and transposed in registers.
    if (rs == 1 && width == nr) {
      for (std::int64_t v = 0; v < nr; v += 16) {
        for (std::int64_t k0 = 0; k0 < kc; k0 += 16) {
          const std::int64_t depth = std::min<std::int64_t>(16, kc - k0);
          const __mmask16 rows = depth == 16 ? __mmask16(0xffff) : __mmask16((1u << depth) - 1);
          __m512 r[16];
          for (int j = 0; j < 16; ++j)
            r[j] = _mm512_maskz_loadu_ps(rows, b + (j0 + v + j) * cs + k0);
          transpose_16x16(r);
          for (std::int64_t kk = 0; kk < depth; ++kk)
            _mm512_store_ps(panel + (k0 + kk) * nr + v, r[kk]);
        }
      }
      continue;
    }
    // Rows of B contiguous: a panel's row k is a copy of nr of them.
    if (cs == 1 && width == nr) {
      for (std::int64_t kk = 0; kk < kc; ++kk)
        for (std::int64_t v = 0; v < nr; v += 16)
          _mm512_store_ps(panel + kk * nr + v, _mm512_loadu_ps(b + kk * rs + j0 + v));
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

// Columns of B per block: as many whole panels of nr columns as keep kc rows
// of them in half of this CPU's L2 cache (read once; 1 MB assumed when the OS
// does not say), so that each panel streams from L2 for every block of rows of
// A. The block width changes which columns are computed together, never the
// order of a sum, so it cannot change a result.
std::int64_t column_block(std::int64_t kc, std::int64_t nr) {
  static const std::int64_t l2_bytes = [] {
    const long size = sysconf(_SC_LEVEL2_CACHE_SIZE);
    return size >= (std::int64_t{256} << 10) ? std::int64_t{size} : std::int64_t{1} << 20;
  }();
  const std::int64_t cols = l2_bytes / 2 / (kc * std::int64_t{sizeof(float)});
  return std::max(nr, cols / nr * nr);
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
  // B is packed into contiguous panels when its rows are not contiguous (a
  // transposed view) or when kc of its rows do not fit in L2: then it is cut
  // into blocks of nc columns. A is packed when neither stride is 1, and when
  // it is a transposed view of a product whose B is cut (its entries for one
  // k lie a whole column apart; packed, a block of A is read once per k block
  // and then streams for every column block).
  const std::int64_t nc = column_block(kc, nr);
  const bool pack_rows_of_b = bcs != 1 || n > nc;
  const bool pack_rows_of_a = acs != 1 && (ars != 1 || n > nc);
  const std::int64_t width = pack_rows_of_b ? std::min(n, nc) : n;
  // Packed panels from the buffer cache (64-byte aligned, as pack_b needs).
  std::optional<Storage> b_panels, a_blocks;
  if (pack_rows_of_b)
    b_panels.emplace(sizeof(float) * static_cast<std::size_t>((width + nr - 1) / nr * nr * kc));
  if (pack_rows_of_a)
    a_blocks.emplace(sizeof(float) * static_cast<std::size_t>((mc + MR - 1) / MR * MR * kc));
  float* packed_b = b_panels ? static_cast<float*>(b_panels->data()) : nullptr;
  float* packed_a = a_blocks ? static_cast<float*>(a_blocks->data()) : nullptr;
  for (std::int64_t jc = 0; jc < n; jc += width) {
    const std::int64_t nb = std::min(width, n - jc);
    for (std::int64_t k0 = 0; k0 < k; k0 += kc) {
      const std::int64_t kb = std::min(kc, k - k0);
      const float* bk = b + k0 * brs + jc * bcs;
      if (pack_rows_of_b) pack_b(bk, brs, bcs, kb, nb, nr, packed_b);
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
          for (std::int64_t j0 = 0; j0 < nb; j0 += nr) {
            const std::int64_t cols = std::min(nr, nb - j0);
            const float* bj = pack_rows_of_b ? packed_b + j0 * kb : bk + j0;
            blocks[cols == nr][static_cast<std::size_t>(rows - 1)](
                kb, ar, r_stride, k_stride, bj, pack_rows_of_b ? nr : brs, c + i * ldc + jc + j0,
                ldc, cols, beta_k);
          }
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
  if (n >= 64)
    blocked_gemm<kWideRows, 4>(m, n, k, a, ars, acs, b, brs, bcs, beta, c, ldc);
  else
    blocked_gemm<kNarrowRows, 2>(m, n, k, a, ars, acs, b, brs, bcs, beta, c, ldc);
}

}  // namespace nabla::gemm
