// matmul and linear on BLIS's typed GEMM (bli_sgemm / bli_dgemm), except
// thin products (NOTE [ Thin products ]) and mid-sized f32 products on AVX-512
// CPUs (NOTE [ Own f32 kernel ] in tensor/gemm_avx512.h), which run on
// nabla's own kernels.
//
// NOTE [ Strides handed to BLIS ]
// BLIS multiplies matrices with any row stride rs and column stride cs, so a
// transposed view (rs = 1) or a column slice (rs > cols) is passed as it is and
// BLIS's packing absorbs the layout. BLIS 0.9 rejects some combinations
// (bli_check_matrix_strides) and would abort the process:
// - a zero stride (an expanded dim) unless that dim has size 1;
// - rs == cs == 1 for a matrix that is not a vector;
// - a unit column stride with rs < cols (or a unit row stride with cs < rows).
// The stride of a size-1 dim is never used to address an element, so it is
// replaced by a value BLIS accepts; for any other rejected layout, and for
// layouts where neither stride is 1 (general stride is slow to pack), the
// operand is copied with contiguous() first.
#include "tensor/linalg.h"

#include <blis.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <vector>

#include "tensor/blis_config.h"
#include "tensor/dispatch.h"
#include "tensor/gemm_avx512.h"
#include "tensor/parallel.h"

namespace nabla {
namespace {

// One GEMM operand or result: a rows x cols matrix at `data` with strides
// rs, cs (in elements).
template <class T>
struct Mat {
  T* data;
  std::int64_t rows, cols, rs, cs;
};

// Fixes the strides of size-1 dims (see NOTE [ Strides handed to BLIS ]) and
// returns whether BLIS can then take the layout without a copy.
bool blis_strides(std::int64_t rows, std::int64_t cols, std::int64_t& rs, std::int64_t& cs) {
  if (rows == 1 && cols == 1) {
    rs = cs = 1;
    return true;
  }
  if (rows == 1) {
    if (cs == 0) return false;
    rs = cs == 1 ? cols : 1;
    return true;
  }
  if (cols == 1) {
    if (rs == 0) return false;
    cs = rs == 1 ? rows : 1;
    return true;
  }
  return (cs == 1 && rs >= cols) || (rs == 1 && cs >= rows);
}

// Below about this many multiply-adds a product runs on one BLIS thread (and a
// batch of them is split across threads instead): a 64^3 product takes a few
// microseconds, about the cost of waking a second thread.
constexpr std::int64_t kSmallGemm = 64 * 64 * 64;
// Up to about this many multiply-adds, a product on two threads runs as two
// independent halves (see gemm); above it BLIS's own threading does better.
constexpr std::int64_t kHalvesWork = std::int64_t{1} << 23;

// Runtime settings for one-thread BLIS calls, one per calling thread (BLIS
// copies it at entry, so it is never shared between running calls).
rntm_t* one_thread() {
  thread_local rntm_t rntm = [] {
    rntm_t r;
    bli_rntm_init(&r);
    bli_rntm_set_num_threads(1, &r);
    return r;
  }();
  return &rntm;
}

// NOTE [ Thin products ]
// A product with at most kThin output columns (an output layer of 10 classes:
// h·W and its weight gradient hᵀ·δ) or at most kThin inner dims (δ·Wᵀ through
// that layer) is too thin for BLIS's 32 x 12 register blocks: packing and
// setting up the call take several times longer than its few hundred thousand
// multiply-adds. Such products run here, on one thread, with a row of C in
// vector lanes: all its columns (thin n) or a run of them (thin k). Each element of C is
// still a sum over k in T, in order, so results differ from BLIS's only by
// rounding. Larger products (kThinWork) go to BLIS, which can use threads.
constexpr std::int64_t kThin = 16;
constexpr std::int64_t kThinWork = std::int64_t{1} << 22;

// A buffer per thread and element type for the thin kernels' packed operands.
template <class T>
T* scratch(std::vector<T>& buffer, std::int64_t size) {
  if (static_cast<std::int64_t>(buffer.size()) < size)
    buffer.resize(static_cast<std::size_t>(size));
  return buffer.data();
}

// C = A B + beta C for C with n <= kThin columns. A row of C is one vector
// of kThin lanes (B padded with zero columns), accumulated as A[i, k] times
// B's row k; kRows rows at a time give independent chains of multiply-adds.
template <class T>
void thin_n_gemm(const Mat<const T>& a, const Mat<const T>& b, T beta, const Mat<T>& c) {
  constexpr std::int64_t kRows = 8;
  using Vec [[gnu::vector_size(kThin * sizeof(T))]] = T;
  thread_local std::vector<T> b_buffer;
  const std::int64_t m = c.rows, n = c.cols, k = a.cols;
  T* bp = scratch(b_buffer, k * kThin);
  for (std::int64_t kk = 0; kk < k; ++kk)
    for (std::int64_t j = 0; j < kThin; ++j)
      bp[kk * kThin + j] = j < n ? b.data[kk * b.rs + j * b.cs] : T(0);
  for (std::int64_t i0 = 0; i0 < m; i0 += kRows) {
    // Rows past the end repeat the last one (their sums are computed and dropped).
    const T* ar[kRows];
    for (std::int64_t r = 0; r < kRows; ++r) ar[r] = a.data + std::min(i0 + r, m - 1) * a.rs;
    Vec acc[kRows];
    for (Vec& v : acc) v = Vec{};
    for (std::int64_t kk = 0; kk < k; ++kk) {
      Vec bv;
      std::memcpy(&bv, bp + kk * kThin, sizeof bv);
      for (std::int64_t r = 0; r < kRows; ++r) acc[r] += ar[r][kk * a.cs] * bv;
    }
    for (std::int64_t r = 0; r < std::min(kRows, m - i0); ++r) {
      T* ci = c.data + (i0 + r) * c.rs;
      for (std::int64_t j = 0; j < n; ++j) {
        T& cij = ci[j * c.cs];
        cij = beta == T(0) ? acc[r][j] : beta * cij + acc[r][j];
      }
    }
  }
}

// C = A B + beta C for k <= kThin inner dims and rows of C contiguous: a
// row of C is the sum of k rows of B (packed contiguous) scaled by A's
// entries, kept in registers kVecs vectors at a time.
template <class T>
void thin_k_gemm(const Mat<const T>& a, const Mat<const T>& b, T beta, const Mat<T>& c) {
  constexpr std::int64_t kWidth = 64 / sizeof(T);
  constexpr std::int64_t kVecs = 4;
  using Vec [[gnu::vector_size(64)]] = T;
  thread_local std::vector<T> b_buffer;
  const std::int64_t m = c.rows, n = c.cols, k = a.cols;
  T* bp = scratch(b_buffer, k * n);
  for (std::int64_t kk = 0; kk < k; ++kk)
    for (std::int64_t j = 0; j < n; ++j) bp[kk * n + j] = b.data[kk * b.rs + j * b.cs];
  const std::int64_t full = n / (kVecs * kWidth) * (kVecs * kWidth);
  for (std::int64_t i = 0; i < m; ++i) {
    T* ci = c.data + i * c.rs;
    const T* ai = a.data + i * a.rs;
    for (std::int64_t j0 = 0; j0 < full; j0 += kVecs * kWidth) {
      Vec acc[kVecs];
      for (std::int64_t q = 0; q < kVecs; ++q) {
        acc[q] = Vec{};
        if (beta != T(0)) {
          std::memcpy(&acc[q], ci + j0 + q * kWidth, sizeof(Vec));
          acc[q] *= beta;
        }
      }
      for (std::int64_t kk = 0; kk < k; ++kk) {
        const T s = ai[kk * a.cs];
        for (std::int64_t q = 0; q < kVecs; ++q) {
          Vec bv;
          std::memcpy(&bv, bp + kk * n + j0 + q * kWidth, sizeof bv);
          acc[q] += s * bv;
        }
      }
      for (std::int64_t q = 0; q < kVecs; ++q)
        std::memcpy(ci + j0 + q * kWidth, &acc[q], sizeof(Vec));
    }
    for (std::int64_t j = full; j < n; ++j) {
      T sum = beta == T(0) ? T(0) : beta * ci[j];
      for (std::int64_t kk = 0; kk < k; ++kk) sum += ai[kk * a.cs] * bp[kk * n + j];
      ci[j] = sum;
    }
  }
}

// f32 products up to this many multiply-adds, with C's rows contiguous, run on
// nabla's own AVX-512 kernel when the CPU has it (NOTE [ Own f32 kernel ] in
// tensor/gemm_avx512.h); larger ones go to BLIS, whose cache blocking and
// packing pay off there.
constexpr std::int64_t kOwnMaxWork = std::int64_t{1} << 26;

// C = A B + beta C on the own f32 kernel. A null rntm splits the product
// between get_num_threads() threads when it is not small:
// - on two threads, when k is the largest dim and the kernel cuts it into two
//   blocks, into those two blocks of k: one thread adds its block's product to
//   C, the other writes its own into a buffer, which is then added to C. This
//   is the kernel's own order of operations (see sgemm_avx512_k_split), and
//   each thread touches one half of B's rows: for the first layer's x·W, the
//   half of W that the same thread later updates in the optimizer step (whose
//   two halves are W's first and last rows) and whose gradient rows it
//   computes (the row split below), so the three stay in that core's cache;
// - into column ranges of whole register blocks (64 columns, or 32 when C is
//   narrower) when C is at least as wide as tall (each thread then reads all of
//   A and its part of B);
// - into row ranges of whole 8-row runs otherwise.
// Every element is computed as on one thread, bit for bit.
void own_gemm(const Mat<const float>& a,
              const Mat<const float>& b,
              float beta,
              const Mat<float>& c,
              rntm_t* rntm) {
  const std::int64_t m = c.rows, n = c.cols, k = a.cols;
  const std::int64_t work = m * n * k;
  const bool by_cols = n >= m;
  const std::int64_t unit = by_cols ? (n >= 64 ? 64 : 32) : 8;
  const std::int64_t units = ((by_cols ? n : m) + unit - 1) / unit;
  const std::int64_t parts =
      rntm == nullptr && work >= kSmallGemm ? std::min<std::int64_t>(get_num_threads(), units) : 1;
  if (parts <= 1) {
    detail::sgemm_avx512(m, n, k, a.data, a.rs, a.cs, b.data, b.rs, b.cs, beta, c.data, c.rs);
    return;
  }
  const std::int64_t k_split = detail::sgemm_avx512_k_split(k);
  if (get_num_threads() == 2 && k_split > 0 && k >= std::max(m, n)) {
    thread_local std::vector<float> partial;
    partial.resize(static_cast<std::size_t>(m * n));
    float* second = partial.data();
    std::exception_ptr error[2];
    parallel_for(0, 2, 1, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t h = begin; h < end; ++h) {
        try {
          if (h == 0)
            detail::sgemm_avx512(m, n, k_split, a.data, a.rs, a.cs, b.data, b.rs, b.cs, beta,
                                 c.data, c.rs);
          else
            detail::sgemm_avx512(m, n, k - k_split, a.data + k_split * a.cs, a.rs, a.cs,
                                 b.data + k_split * b.rs, b.rs, b.cs, 0.0f, second, n);
        } catch (...) {
          error[h] = std::current_exception();
        }
      }
    });
    for (const std::exception_ptr& e : error)
      if (e) std::rethrow_exception(e);
    for (std::int64_t i = 0; i < m; ++i) {
      float* __restrict ci = c.data + i * c.rs;
      const float* __restrict si = second + i * n;
      for (std::int64_t j = 0; j < n; ++j) ci[j] += si[j];
    }
    return;
  }
  // An exception (out of memory for a packed panel) must not leave an OpenMP
  // thread: kept and rethrown.
  std::vector<std::exception_ptr> error(static_cast<std::size_t>(parts));
  parallel_for(0, parts, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t p = begin; p < end; ++p) {
      const std::int64_t u0 = units * p / parts, u1 = units * (p + 1) / parts;
      try {
        if (by_cols) {
          const std::int64_t j0 = u0 * unit, j1 = std::min(n, u1 * unit);
          detail::sgemm_avx512(m, j1 - j0, k, a.data, a.rs, a.cs, b.data + j0 * b.cs, b.rs, b.cs,
                               beta, c.data + j0, c.rs);
        } else {
          const std::int64_t i0 = u0 * unit, i1 = std::min(m, u1 * unit);
          detail::sgemm_avx512(i1 - i0, n, k, a.data + i0 * a.rs, a.rs, a.cs, b.data, b.rs, b.cs,
                               beta, c.data + i0 * c.rs, c.rs);
        }
      } catch (...) {
        error[static_cast<std::size_t>(p)] = std::current_exception();
      }
    }
  });
  for (const std::exception_ptr& e : error)
    if (e) std::rethrow_exception(e);
}

// C = alpha A B + beta C. A null rntm uses BLIS's global thread count, except
// for small products, which run on one thread; thin ones do not reach BLIS
// (NOTE [ Thin products ]), nor do mid-sized f32 ones on AVX-512 CPUs.
template <class T>
void gemm(const Mat<const T>& a, const Mat<const T>& b, T beta, const Mat<T>& c, rntm_t* rntm) {
  const std::int64_t work = c.rows * c.cols * a.cols;
  if (work <= kThinWork && a.cols > 0) {
    if (c.cols <= kThin) return thin_n_gemm(a, b, beta, c);
    if (a.cols <= kThin && c.cs == 1) return thin_k_gemm(a, b, beta, c);
  }
  if constexpr (std::is_same_v<T, float>) {
    if (work <= kOwnMaxWork && a.cols > 0 && c.cs == 1 && c.cols > kThin &&
        detail::avx512_gemm_available())
      return own_gemm(a, b, beta, c, rntm);
  }
  if (rntm == nullptr && work >= kSmallGemm && work <= kHalvesWork && c.rows >= 64 &&
      get_num_threads() == 2) {
    // Two halves of C's rows side by side, each on one BLIS thread: for
    // mid-sized products BLIS's own two-thread split gains little over one
    // thread (a 128 x 256 x 128 product: 62 us against 70), independent halves
    // more (51 us). Each element is computed as before, so results are equal.
    const std::int64_t half = (c.rows / 2 + 31) / 32 * 32;  // whole 32-row panels
    // An exception (out of memory) must not leave an OpenMP thread: kept and rethrown.
    std::exception_ptr error[2];
    parallel_for(0, 2, 1, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t h = begin; h < end; ++h) {
        const std::int64_t r0 = h == 0 ? 0 : half, rows = h == 0 ? half : c.rows - half;
        try {
          gemm<T>({a.data + r0 * a.rs, rows, a.cols, a.rs, a.cs}, b, beta,
                  {c.data + r0 * c.rs, rows, c.cols, c.rs, c.cs}, one_thread());
        } catch (...) {
          error[h] = std::current_exception();
        }
      }
    });
    for (const std::exception_ptr& e : error)
      if (e) std::rethrow_exception(e);
    return;
  }
  T alpha = 1;
  T* pa = const_cast<T*>(a.data);
  T* pb = const_cast<T*>(b.data);
  if (rntm == nullptr && work < kSmallGemm) rntm = one_thread();
  // The _ex forms with a null rntm are exactly the plain calls.
  if constexpr (std::is_same_v<T, float>) {
    bli_sgemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, c.rows, c.cols, a.cols, &alpha, pa, a.rs,
                 a.cs, pb, b.rs, b.cs, &beta, c.data, c.rs, c.cs, nullptr, rntm);
  } else {
    bli_dgemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, c.rows, c.cols, a.cols, &alpha, pa, a.rs,
                 a.cs, pb, b.rs, b.cs, &beta, c.data, c.rs, c.cs, nullptr, rntm);
  }
}

// If dims [0, last] of `t` can be stepped through as one dim (each dim of
// size > 1 strides exactly over the next inner one), sets `stride` to the
// stride of that merged dim and returns true. Size-1 dims are skipped.
bool merge_leading(const Tensor& t, std::int64_t last, std::int64_t& stride) {
  bool have = false;
  std::int64_t expected = 0;
  stride = 0;
  for (std::int64_t d = last; d >= 0; --d) {
    if (t.size(d) == 1) continue;
    if (have && t.stride(d) != expected) return false;
    if (!have) stride = t.stride(d);
    have = true;
    expected = t.stride(d) * t.size(d);
  }
  return true;
}

// The matrix of a matmul operand: rows, cols and strides of its last two dims,
// with a 1-D vector read as [1, k] (left) or [k, 1] (right).
struct Layout {
  std::int64_t rows, cols, rs, cs;
};
Layout matrix_layout(const Tensor& t, bool left) {
  if (t.dim() == 1) {
    if (left) return {1, t.size(0), 0, t.stride(0)};
    return {t.size(0), 1, t.stride(0), 0};
  }
  return {t.size(-2), t.size(-1), t.stride(-2), t.stride(-1)};
}

// Returns `t`, or a contiguous copy when BLIS cannot take its matrices'
// strides; `layout` is updated to the tensor returned.
Tensor blis_ready(const Tensor& t, bool left, Layout& layout) {
  layout = matrix_layout(t, left);
  if (blis_strides(layout.rows, layout.cols, layout.rs, layout.cs)) return t;
  Tensor c = t.contiguous();
  layout = matrix_layout(c, left);
  blis_strides(layout.rows, layout.cols, layout.rs, layout.cs);
  return c;
}

void check_floating_pair(const Tensor& a, const Tensor& b, std::string_view op) {
  NABLA_CHECK(is_floating(a.dtype()) && is_floating(b.dtype()), op,
              "expected a floating dtype (f32 or f64), got ", a.dtype(), " x ", b.dtype());
  NABLA_CHECK(a.dtype() == b.dtype(), op, "dtypes differ: ", a.dtype(), " x ", b.dtype(),
              " (convert one operand with to())");
}

template <class T>
void batched_matmul(const Tensor& a,
                    const Layout& la,
                    const Tensor& b,
                    const Layout& lb,
                    const Shape& batch,
                    const Tensor& out,
                    std::int64_t m,
                    std::int64_t n) {
  const std::int64_t nb = batch.rank();
  // Batch strides of each operand, 0 along broadcast or missing dims.
  Strides sa(nb, 0), sb(nb, 0);
  const std::int64_t ra = a.dim() - 2, rb = b.dim() - 2;
  for (std::int64_t d = 0; d < nb; ++d) {
    const std::int64_t da = d - (nb - ra), db = d - (nb - rb);
    if (da >= 0 && a.size(da) != 1) sa[d] = a.stride(da);
    if (db >= 0 && b.size(db) != 1) sb[d] = b.stride(db);
  }
  const std::int64_t count = numel(batch);
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  T* pc = out.data<T>();
  const std::int64_t k = la.cols;
  auto run = [&](std::int64_t begin, std::int64_t end, rntm_t* rntm) {
    for (std::int64_t i = begin; i < end; ++i) {
      std::int64_t oa = 0, ob = 0, rest = i;
      for (std::int64_t d = nb - 1; d >= 0; --d) {
        const std::int64_t idx = rest % batch[d];
        rest /= batch[d];
        oa += idx * sa[d];
        ob += idx * sb[d];
      }
      gemm<T>({pa + oa, m, k, la.rs, la.cs}, {pb + ob, k, n, lb.rs, lb.cs}, T(0),
              {pc + i * m * n, m, n, n == 1 ? 1 : n, 1}, rntm);
    }
  };
  const std::int64_t work = std::max<std::int64_t>(1, m * n * k);
  if (work < kSmallGemm && count > 1 && get_num_threads() > 1) {
    parallel_for(0, count, std::max<std::int64_t>(1, kSmallGemm / work),
                 [&](std::int64_t begin, std::int64_t end) { run(begin, end, one_thread()); });
  } else {
    run(0, count, nullptr);
  }
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  check_defined(a, "matmul");
  check_defined(b, "matmul");
  NABLA_CHECK(a.dim() >= 1 && b.dim() >= 1, "matmul", "expected operands of rank >= 1, got rank ",
              a.dim(), " x rank ", b.dim(), " (", a.shape(), " x ", b.shape(), ")");
  check_floating_pair(a, b, "matmul");
  const std::int64_t k = a.size(-1);
  const std::int64_t kb = b.dim() == 1 ? b.size(0) : b.size(-2);
  NABLA_CHECK(k == kb, "matmul", "inner dimensions differ: ", a.shape(), " x ", b.shape());
  const std::int64_t m = a.dim() == 1 ? 1 : a.size(-2);
  const std::int64_t n = b.dim() == 1 ? 1 : b.size(-1);

  // Broadcast the batch dims (all but the last two) from the right.
  const std::int64_t ra = std::max<std::int64_t>(a.dim() - 2, 0);
  const std::int64_t rb = std::max<std::int64_t>(b.dim() - 2, 0);
  const std::int64_t nb = std::max(ra, rb);
  Shape batch(nb, 1);
  for (std::int64_t d = 0; d < nb; ++d) {
    const std::int64_t da = d - (nb - ra), db = d - (nb - rb);
    const std::int64_t sa = da >= 0 ? a.size(da) : 1, sb = db >= 0 ? b.size(db) : 1;
    NABLA_CHECK(sa == sb || sa == 1 || sb == 1, "matmul",
                "batch dimensions cannot be broadcast: ", a.shape(), " x ", b.shape());
    batch[d] = sa == 1 ? sb : sa;
  }
  Shape out_shape = batch;
  if (a.dim() > 1) out_shape.push_back(m);
  if (b.dim() > 1) out_shape.push_back(n);
  Tensor out = empty(out_shape, a.dtype());
  if (out.numel() == 0) return out;
  if (k == 0) return out.zero_();

  configure_blis();
  dispatch_floating(a.dtype(), "matmul", [&]<class T>() {
    Layout lb;
    const Tensor bb = blis_ready(b, false, lb);
    // When b's matrix is shared by the whole batch and a's batch and row dims
    // merge into one, the batch is one tall GEMM: [batch * m, k] x [k, n].
    std::int64_t row_stride = 0;
    if (ra > 0 && numel(Shape(b.shape().begin(), b.shape().begin() + rb)) == 1 &&
        merge_leading(a, a.dim() - 2, row_stride)) {
      std::int64_t rows = numel(batch) * m, rs = row_stride, cs = a.stride(-1);
      if (blis_strides(rows, k, rs, cs)) {
        gemm<T>({a.data<T>(), rows, k, rs, cs}, {bb.data<T>(), k, n, lb.rs, lb.cs}, T(0),
                {out.data<T>(), rows, n, n == 1 ? 1 : n, 1}, nullptr);
        return;
      }
    }
    Layout la;
    const Tensor aa = blis_ready(a, true, la);
    batched_matmul<T>(aa, la, bb, lb, batch, out, m, n);
  });
  return out;
}

Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  check_defined(x, "linear");
  check_defined(w, "linear");
  NABLA_CHECK(x.dim() >= 1, "linear", "expected an input of shape [..., in_features], got rank 0");
  NABLA_CHECK(w.dim() == 2, "linear", "expected a 2-D weight [in_features, out_features], got ",
              w.shape());
  check_floating_pair(x, w, "linear");
  const std::int64_t in = w.size(0), n = w.size(1);
  NABLA_CHECK(x.size(-1) == in, "linear", "input features differ from weight rows: x ", x.shape(),
              " x w ", w.shape());
  if (b.defined()) {
    check_floating_pair(x, b, "linear");
    NABLA_CHECK(b.dim() == 1 && b.size(0) == n, "linear", "expected a bias of shape [", n,
                "] for weight ", w.shape(), ", got ", b.shape());
  }
  Shape out_shape(x.shape().begin(), x.shape().end() - 1);
  out_shape.push_back(n);
  Tensor y = empty(out_shape, x.dtype());
  if (y.numel() == 0) return y;
  // y = b broadcast over the rows, then y += x·w (beta = 1): one pass over y.
  if (b.defined() && b.dtype() == y.dtype() && b.is_contiguous()) {
    // Row by row: the general broadcasting copy costs more per row than a
    // row of a few hundred elements.
    const std::size_t row_bytes = static_cast<std::size_t>(n) * y.element_size();
    auto* dst = static_cast<unsigned char*>(y.raw_data());
    for (std::int64_t r = 0; r < y.numel() / n; ++r)
      std::memcpy(dst + static_cast<std::size_t>(r) * row_bytes, b.raw_data(), row_bytes);
  } else if (b.defined()) {
    y.copy_(b);
  } else if (in == 0) {
    y.zero_();
  }
  if (in == 0) return y;

  configure_blis();
  dispatch_floating(x.dtype(), "linear", [&]<class T>() {
    const std::int64_t rows = y.numel() / n;
    std::int64_t rs = 0, cs = x.stride(-1);
    Tensor xx = x;
    if (!merge_leading(x, x.dim() - 2, rs) || !blis_strides(rows, in, rs, cs)) {
      xx = x.contiguous();
      rs = in;
      cs = 1;
      blis_strides(rows, in, rs, cs);
    }
    std::int64_t wrs = w.stride(0), wcs = w.stride(1);
    Tensor ww = w;
    if (!blis_strides(in, n, wrs, wcs)) {
      ww = w.contiguous();
      wrs = n;
      wcs = 1;
      blis_strides(in, n, wrs, wcs);
    }
    gemm<T>({xx.data<T>(), rows, in, rs, cs}, {ww.data<T>(), in, n, wrs, wcs},
            T(b.defined() ? 1 : 0), {y.data<T>(), rows, n, n == 1 ? 1 : n, 1}, nullptr);
  });
  return y;
}

namespace detail {

void matmul_into_on_this_thread(const Tensor& a, const Tensor& b, const Tensor& out) {
  NABLA_CHECK(a.dim() == 2 && b.dim() == 2 && out.dim() == 2 && a.size(1) == b.size(0) &&
                  out.size(0) == a.size(0) && out.size(1) == b.size(1) && out.is_contiguous() &&
                  a.dtype() == out.dtype() && b.dtype() == out.dtype() && is_floating(out.dtype()),
              "matmul", "internal product of ", a.shape(), " x ", b.shape(), " into ", out.shape());
  if (out.numel() == 0) return;
  const std::int64_t m = out.size(0), n = out.size(1), k = a.size(1);
  if (k == 0) {
    Tensor(out).zero_();
    return;
  }
  configure_blis();
  dispatch_floating(out.dtype(), "matmul", [&]<class T>() {
    Layout la, lb;
    const Tensor aa = blis_ready(a, true, la);
    const Tensor bb = blis_ready(b, false, lb);
    gemm<T>({aa.data<T>(), m, k, la.rs, la.cs}, {bb.data<T>(), k, n, lb.rs, lb.cs}, T(0),
            {out.data<T>(), m, n, n == 1 ? 1 : n, 1}, one_thread());
  });
}

}  // namespace detail
}  // namespace nabla
