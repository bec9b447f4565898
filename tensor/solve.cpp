#include "tensor/solve.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <vector>

#include "tensor/error.h"
#include "tensor/factory.h"

// LAPACK's Fortran entry points. gfortran passes the length of a character
// argument as a hidden trailing size_t.
extern "C" {
void sgesv_(const int* n,
            const int* nrhs,
            float* a,
            const int* lda,
            int* ipiv,
            float* b,
            const int* ldb,
            int* info);
void dgesv_(const int* n,
            const int* nrhs,
            double* a,
            const int* lda,
            int* ipiv,
            double* b,
            const int* ldb,
            int* info);
void sgels_(const char* trans,
            const int* m,
            const int* n,
            const int* nrhs,
            float* a,
            const int* lda,
            float* b,
            const int* ldb,
            float* work,
            const int* lwork,
            int* info,
            std::size_t trans_length);
void dgels_(const char* trans,
            const int* m,
            const int* n,
            const int* nrhs,
            double* a,
            const int* lda,
            double* b,
            const int* ldb,
            double* work,
            const int* lwork,
            int* info,
            std::size_t trans_length);
}

namespace nabla {
namespace {

void gesv(int n, int nrhs, float* a, int* ipiv, float* b, int* info) {
  sgesv_(&n, &nrhs, a, &n, ipiv, b, &n, info);
}
void gesv(int n, int nrhs, double* a, int* ipiv, double* b, int* info) {
  dgesv_(&n, &nrhs, a, &n, ipiv, b, &n, info);
}
void gels(int m, int n, int nrhs, float* a, float* b, int ldb, float* work, int lwork, int* info) {
  sgels_("N", &m, &n, &nrhs, a, &m, b, &ldb, work, &lwork, info, 1);
}
void gels(
    int m, int n, int nrhs, double* a, double* b, int ldb, double* work, int lwork, int* info) {
  dgels_("N", &m, &n, &nrhs, a, &m, b, &ldb, work, &lwork, info, 1);
}

// The operands' common checks; returns b's column count (1 for a vector).
std::int64_t check_operands(const Tensor& a, const Tensor& b, std::string_view op) {
  check_defined(a, op);
  check_defined(b, op);
  NABLA_CHECK(is_floating(a.dtype()), op, "expected a floating dtype (f32 or f64), got ",
              a.dtype());
  NABLA_CHECK(a.dtype() == b.dtype(), op, "a and b have different dtypes: ", a.dtype(), " and ",
              b.dtype());
  NABLA_CHECK(a.dim() == 2, op, "a must be a matrix [m, n], got shape ", a.shape());
  NABLA_CHECK(b.dim() == 1 || b.dim() == 2, op, "b must be [m] or [m, k], got shape ", b.shape());
  NABLA_CHECK(b.size(0) == a.size(0), op, "a is ", a.shape(), " but b is ", b.shape());
  // LAPACK takes int sizes.
  NABLA_CHECK(a.numel() < INT_MAX && b.numel() < INT_MAX, op, "the system is too large: a ",
              a.shape(), ", b ", b.shape());
  return b.dim() == 1 ? 1 : b.size(1);
}

// The column-major copy of a row-major matrix [rows, cols] into `ld` rows
// (ld >= rows; the rows beyond are zero).
template <class T>
std::vector<T> column_major(const Tensor& t,
                            std::int64_t rows,
                            std::int64_t cols,
                            std::int64_t ld) {
  const std::vector<T> row_major = t.contiguous().to_vector<T>();
  std::vector<T> out(static_cast<std::size_t>(ld * cols), T(0));
  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t j = 0; j < cols; ++j) out[j * ld + i] = row_major[i * cols + j];
  }
  return out;
}

// The first `rows` rows of a column-major [ld, cols] buffer as a row-major
// tensor of `shape`.
template <class T>
Tensor from_column_major(const std::vector<T>& buffer,
                         std::int64_t rows,
                         std::int64_t cols,
                         std::int64_t ld,
                         const Shape& shape,
                         std::string_view op) {
  std::vector<T> out(static_cast<std::size_t>(rows * cols));
  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t j = 0; j < cols; ++j) {
      const T value = buffer[j * ld + i];
      NABLA_CHECK(std::isfinite(value), op,
                  "the matrix is singular to working precision (the solution is not finite)");
      out[i * cols + j] = value;
    }
  }
  return from_vector(out, shape);
}

template <class T>
Tensor solve_typed(const Tensor& a, const Tensor& b, std::int64_t k) {
  const std::int64_t n = a.size(0);
  std::vector<T> lu = column_major<T>(a, n, n, n);
  std::vector<T> x = column_major<T>(b, n, k, n);
  std::vector<int> pivots(static_cast<std::size_t>(n));
  int info = 0;
  gesv(static_cast<int>(n), static_cast<int>(k), lu.data(), pivots.data(), x.data(), &info);
  NABLA_CHECK(info <= 0, "solve", "a ", a.shape(), " is singular: U[", info - 1, ", ", info - 1,
              "] of its LU factorisation is exactly zero");
  NABLA_CHECK(info == 0, "solve", "LAPACK ?gesv rejected argument ", -info);
  return from_column_major(x, n, k, n, b.shape(), "solve");
}

template <class T>
Tensor lstsq_typed(const Tensor& a, const Tensor& b, std::int64_t k) {
  const std::int64_t m = a.size(0);
  const std::int64_t n = a.size(1);
  const std::int64_t ld = std::max(m, n);  // b holds m rows in, n rows out
  std::vector<T> qr = column_major<T>(a, m, n, m);
  std::vector<T> x = column_major<T>(b, m, k, ld);
  int info = 0;
  T work_size = 0;
  gels(static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), qr.data(), x.data(),
       static_cast<int>(ld), &work_size, -1, &info);  // workspace query
  NABLA_CHECK(info == 0, "lstsq", "LAPACK ?gels rejected argument ", -info);
  std::vector<T> work(static_cast<std::size_t>(std::max<T>(work_size, 1)));
  gels(static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), qr.data(), x.data(),
       static_cast<int>(ld), work.data(), static_cast<int>(work.size()), &info);
  NABLA_CHECK(info <= 0, "lstsq", "a ", a.shape(), " is not of full rank: diagonal element ",
              info - 1, " of its triangular factor is exactly zero");
  NABLA_CHECK(info == 0, "lstsq", "LAPACK ?gels rejected argument ", -info);
  Shape shape = b.shape();
  shape[0] = n;
  return from_column_major(x, n, k, ld, shape, "lstsq");
}

}  // namespace

Tensor solve(const Tensor& a, const Tensor& b) {
  const std::int64_t k = check_operands(a, b, "solve");
  NABLA_CHECK(a.size(0) == a.size(1), "solve", "a must be square, got shape ", a.shape());
  if (a.size(0) == 0 || k == 0) return zeros(b.shape(), b.dtype());
  return a.dtype() == DType::f64 ? solve_typed<double>(a, b, k) : solve_typed<float>(a, b, k);
}

Tensor lstsq(const Tensor& a, const Tensor& b) {
  const std::int64_t k = check_operands(a, b, "lstsq");
  NABLA_CHECK(a.size(0) > 0 && a.size(1) > 0, "lstsq", "the system is empty: a is ", a.shape());
  if (k == 0) return zeros(b.dim() == 1 ? Shape{a.size(1)} : Shape{a.size(1), 0}, b.dtype());
  return a.dtype() == DType::f64 ? lstsq_typed<double>(a, b, k) : lstsq_typed<float>(a, b, k);
}

}  // namespace nabla
