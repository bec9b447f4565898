// The thin-n and thin-k routes of NOTE [ GEMM routes ].
//
// NOTE [ Thin products ]
// A product with at most kThin output columns (an output layer of 10 classes:
// h·W and its weight gradient hᵀ·δ) or at most kThin inner dims (δ·Wᵀ through
// that layer) is too thin for BLIS's 32 x 12 register blocks: packing and
// setting up the call take several times longer than its few hundred thousand
// multiply-adds. Such products run here, with a row of C in vector lanes: all
// its columns (thin n) or a run of them (thin k), on one thread, or as row
// panels on several above kThinWork. Each element of C is still a sum over k
// in T, in order, so results differ from BLIS's only by rounding.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "tensor/gemm/kernels.h"
#include "tensor/storage.h"

namespace nabla::gemm {

// C = A B + beta C for C with n <= kThin columns. A row of C is one vector
// of kThin lanes (B padded with zero columns), accumulated as A[i, k] times
// B's row k; kRows rows at a time give independent chains of multiply-adds.
template <class T>
void thin_n_gemm(const Mat<const T>& a, const Mat<const T>& b, T beta, const Mat<T>& c) {
  constexpr std::int64_t kRows = 8;
  using Vec [[gnu::vector_size(kThin * sizeof(T))]] = T;
  const std::int64_t m = c.rows, n = c.cols, k = a.cols;
  // B's rows padded to kThin columns, from the buffer cache.
  const Storage b_buffer(static_cast<std::size_t>(k * kThin) * sizeof(T));
  T* bp = static_cast<T*>(b_buffer.data());
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
  const std::int64_t m = c.rows, n = c.cols, k = a.cols;
  // B's rows packed contiguous, from the buffer cache.
  const Storage b_buffer(static_cast<std::size_t>(k * n) * sizeof(T));
  T* bp = static_cast<T*>(b_buffer.data());
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

template void thin_n_gemm<float>(const Mat<const float>&,
                                 const Mat<const float>&,
                                 float,
                                 const Mat<float>&);
template void thin_n_gemm<double>(const Mat<const double>&,
                                  const Mat<const double>&,
                                  double,
                                  const Mat<double>&);
template void thin_k_gemm<float>(const Mat<const float>&,
                                 const Mat<const float>&,
                                 float,
                                 const Mat<float>&);
template void thin_k_gemm<double>(const Mat<const double>&,
                                  const Mat<const double>&,
                                  double,
                                  const Mat<double>&);

}  // namespace nabla::gemm
