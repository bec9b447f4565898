// Matrix products C = A·B + beta C on strided matrices, for tensor/linalg.cpp:
// the route table that picks a kernel and a thread split for each product, and
// its entry points. The kernels behind the routes are declared in
// tensor/gemm/kernels.h (thin.cpp, avx512.cpp, blis.cpp). Users multiply with
// matmul and linear (tensor/linalg.h); nothing here is meant for them.
//
// NOTE [ GEMM routes ]
// A product C [m, n] = A [m, k] · B [k, n] + beta C of work = m n k
// multiply-adds takes the first route whose condition holds (pick_route in
// gemm.cpp); the route depends on the product alone, never on the threads:
//
//   route   condition                                     kernel
//   thin-n  k >= 1, n <= kThin                            nabla's thin loops (thin.cpp)
//   thin-k  k >= 1, k <= kThin, C's rows contiguous       nabla's thin loops
//   own     f32, AVX-512F CPU, k >= 1,                    nabla's AVX-512 kernel (avx512.cpp)
//           C's rows contiguous
//   blis    everything else (f64, CPUs without AVX-512F,  BLIS, on one thread per call
//           NABLA_OWN_GEMM=0, k = 0)
//
// On t >= 2 threads a product becomes parts, each run on one thread by the
// product's route (parallel_invoke: the caller and the workers take the next
// part not yet taken):
//   own     from kSmallGemm on, min(t, blocks) parts (2t above kMidGemm):
//           two parts by the kernel's two blocks of k when k is the largest
//           dim, else column ranges (n >= m) or row ranges;
//   blis    above kSmallGemm: row panels of whole 32-row blocks (m >= 64) or
//           column panels of whole 32-column blocks, t of them, 2t above
//           kMidGemm;
//   thin    above kThinWork: row panels as for blis.
//
// Two independent products (linear's two gradients, linalg.cpp) run side by
// side when side_by_side_pays: the first on t/2 threads, the second on the
// rest, with the parts of both running at once; on two threads each product
// runs on one. A batch of products below kSmallGemm (matmul of many small
// matrices) is split across threads, each product on one (linalg.cpp).
//
// Every split computes each element of C as the whole product on one thread
// would, bit for bit: a part covers whole rows or columns of C and runs the
// whole product's kernel, and the k split is the kernel's own order of
// operations (tests/tensor/thread_count_test.cpp).
#pragma once

#include <cstdint>

namespace nabla::gemm {

/// Products with at most this many output columns (thin n) or inner dims
/// (thin k) run on nabla's own loops, which keep a row of C in vector lanes:
/// too thin for BLIS's 32 x 12 register blocks (see NOTE [ Thin products ] in
/// tensor/gemm/thin.cpp). The output layer of a 10-class classifier is thin.
inline constexpr std::int64_t kThin = 16;

/// Below this many multiply-adds a product runs on one thread (thin ones too):
/// a 40^3 product takes about 1 us on one core. Above it, the parts of a product
/// follow the slices the threads take in elementwise jobs (thread_pool.h): the
/// first layer's x·W at batch 1 splits W's rows, its gradient's rows split the
/// same way, and the optimizer's step then finds each half of W and of its
/// gradient in the cache of the core that updates it. Split at 2^18 instead,
/// the batch-1 step of a 784-256-128-10 MLP took 1.3x its one-thread time on
/// two threads (the halves moved between cores); at 2^16, 0.85x.
inline constexpr std::int64_t kSmallGemm = std::int64_t{1} << 16;

/// Thin products up to this many multiply-adds run on one thread; larger ones
/// are split into row panels across threads (the slices of kSmallGemm).
inline constexpr std::int64_t kThinWork = kSmallGemm;

/// Up to this many multiply-adds a product is mid-sized: one panel per thread
/// (a 128 x 256 x 128 product: 51 us for two row panels against 70 on one), and
/// two such products side by side keep two threads busy. Above it a product
/// is cut into two panels per thread, so that a thread that starts late (the
/// machine is busy) leaves only a small part for the others to wait for.
inline constexpr std::int64_t kMidGemm = std::int64_t{1} << 23;

/// A rows x cols matrix at `data` with row stride rs and column stride cs (in
/// elements): a GEMM operand or result.
template <class T>
struct Mat {
  T* data;
  std::int64_t rows, cols, rs, cs;
};

/// C = A·B + beta C; beta == 0 never reads C. C's columns are contiguous
/// (c.cs == 1) or C is one column.
template <class T>
struct Product {
  Mat<const T> a, b;
  T beta;
  Mat<T> c;
};

/// Computes p on up to `threads` (>= 1) threads, by the route table of
/// NOTE [ GEMM routes ]. The strides of a and b must be ones BLIS accepts
/// (blis_strides). Throws nabla::Error when a scratch buffer cannot be
/// allocated. Defined for float and double.
template <class T>
void multiply(const Product<T>& p, int threads);

/// Returns whether two independent products of `work` multiply-adds each run
/// side by side on `threads` threads (mid-sized products, two or more threads)
/// rather than one after the other.
inline bool side_by_side_pays(std::int64_t work, int threads) {
  return threads >= 2 && work >= kSmallGemm && work <= kMidGemm;
}

/// Computes p and q side by side on `threads` (>= 2) threads: p on threads / 2
/// of them, q on the rest. Same requirements and results as multiply(p, ...)
/// followed by multiply(q, ...).
template <class T>
void multiply_side_by_side(const Product<T>& p, const Product<T>& q, int threads);

/// Fixes the strides of a rows x cols operand's size-1 dims and returns whether
/// BLIS then takes its layout without a copy (NOTE [ Strides handed to BLIS ]
/// in tensor/gemm/blis.cpp); when it returns false the operand must be copied
/// with contiguous() first.
bool blis_strides(std::int64_t rows, std::int64_t cols, std::int64_t& rs, std::int64_t& cs);

}  // namespace nabla::gemm
