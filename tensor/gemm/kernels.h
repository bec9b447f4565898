// The kernels behind the routes of NOTE [ GEMM routes ] (tensor/gemm/gemm.h),
// each computing C = A·B + beta C on the calling thread (BLIS: on its own
// threads when asked). Only tensor/gemm/gemm.cpp calls them.
#pragma once

#include <cstdint>

#include "tensor/gemm/gemm.h"

namespace nabla::gemm {

/// thin-n: C = A·B + beta C for C with at most kThin columns (thin.cpp).
/// Requires k >= 1. Throws nabla::Error when its packing buffer cannot be
/// allocated.
template <class T>
void thin_n_gemm(const Mat<const T>& a, const Mat<const T>& b, T beta, const Mat<T>& c);

/// thin-k: C = A·B + beta C for at most kThin inner dims and C's rows
/// contiguous (thin.cpp). Requires k >= 1. Throws nabla::Error when its
/// packing buffer cannot be allocated.
template <class T>
void thin_k_gemm(const Mat<const T>& a, const Mat<const T>& b, T beta, const Mat<T>& c);

/// Returns whether this CPU and OS run AVX-512F code (checked once).
bool avx512_available();

/// Returns whether f32 products may take nabla's own AVX-512 kernel: the CPU
/// has AVX-512F and the environment does not say NABLA_OWN_GEMM=0 (read once;
/// any value but 0 and 1 is an error). With 0 those products run on BLIS, as on
/// a CPU without AVX-512: with BLIS_ARCH_TYPE this pins every kernel choice,
/// so that two machines compute the same bytes (docs/threads.md).
bool own_gemm_enabled();

/// Returns the length of the first of the two blocks of k that sgemm_avx512
/// cuts k into when it cuts it into exactly two, else 0.
/// C = (beta C + A[:, :s]·B[:s, :]) + A[:, s:]·B[s:, :] is then exactly what
/// sgemm_avx512 computes, so two threads can each take one block of k and
/// add their results without changing a bit.
std::int64_t sgemm_avx512_k_split(std::int64_t k);

/// own: C = A·B + beta C for f32 A [m, k] (element (i, l) at a[i * ars + l * acs]),
/// B [k, n] (element (l, j) at b[l * brs + j * bcs]) and C [m, n] with
/// contiguous rows (element (i, j) at c[i * ldc + j]), on the calling thread;
/// see NOTE [ Own f32 kernel ] in avx512.cpp. beta == 0 never reads C.
/// Requires avx512_available() and k >= 1; throws nabla::Error when a packed
/// panel cannot be allocated.
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
                  std::int64_t ldc);

/// blis: C = A·B + beta C through BLIS's typed GEMM (blis.cpp), on the
/// calling thread alone (nabla splits products across its own threads). The
/// strides must be ones BLIS accepts (blis_strides).
template <class T>
void blis_gemm(const Mat<const T>& a, const Mat<const T>& b, T beta, const Mat<T>& c);

}  // namespace nabla::gemm
