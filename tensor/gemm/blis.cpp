// The BLIS side of NOTE [ GEMM routes ]: the calls of BLIS's typed GEMM
// (bli_sgemm / bli_dgemm) and the operand strides BLIS accepts.
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
// operand is copied with contiguous() first (tensor/linalg.cpp). Every route
// receives the operands fixed this way, so a product's operands do not depend
// on the route it takes.
#include <blis.h>

#include <cstdint>
#include <type_traits>

#include "tensor/gemm/kernels.h"

namespace nabla::gemm {
namespace {

// Runtime settings for one-thread BLIS calls, one per calling thread (BLIS
// copies it at entry, so it is never shared between running calls).
rntm_t* one_thread_rntm() {
  thread_local rntm_t rntm = [] {
    rntm_t r;
    bli_rntm_init(&r);
    bli_rntm_set_num_threads(1, &r);
    return r;
  }();
  return &rntm;
}

}  // namespace

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

template <class T>
void blis_gemm(const Mat<const T>& a, const Mat<const T>& b, T beta, const Mat<T>& c) {
  T alpha = 1;
  T* pa = const_cast<T*>(a.data);
  T* pb = const_cast<T*>(b.data);
  rntm_t* rntm = one_thread_rntm();
  if constexpr (std::is_same_v<T, float>) {
    bli_sgemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, c.rows, c.cols, a.cols, &alpha, pa, a.rs,
                 a.cs, pb, b.rs, b.cs, &beta, c.data, c.rs, c.cs, nullptr, rntm);
  } else {
    bli_dgemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, c.rows, c.cols, a.cols, &alpha, pa, a.rs,
                 a.cs, pb, b.rs, b.cs, &beta, c.data, c.rs, c.cs, nullptr, rntm);
  }
}

template void blis_gemm<float>(const Mat<const float>&,
                               const Mat<const float>&,
                               float,
                               const Mat<float>&);
template void blis_gemm<double>(const Mat<const double>&,
                                const Mat<const double>&,
                                double,
                                const Mat<double>&);

}  // namespace nabla::gemm
