// Linear systems through LAPACK (Debian's liblapack, reference LAPACK on the
// BLAS that libblas.so.3 points at, BLIS here): solve for a square system by
// LU with partial pivoting (?gesv) and lstsq for the least-squares solution
// of an over- or underdetermined system by QR or LQ (?gels). Both copy their
// operands into column-major scratch buffers (LAPACK's layout), so any view
// may be passed. Tensors only: the differentiable solve and lstsq on
// Variables, with their backward rules, are in autograd/solve.h.
#pragma once

#include "tensor/tensor.h"

namespace nabla {

/// Returns x with a·x = b, for a square `a` [n, n] and `b` [n] or [n, k]
/// (x has b's shape), in a's dtype (f32 or f64, b of the same dtype). Throws
/// nabla::Error naming "solve" for an undefined, i64 or mixed-dtype operand, a
/// non-square `a`, b's rows differing from n ("solve: a is [3, 3] but b is
/// [4]"), and a singular `a` (an exactly zero pivot, naming its column, or a
/// solution that is not finite).
Tensor solve(const Tensor& a, const Tensor& b);

/// Returns the x minimising ‖a·x − b‖₂ for `a` [m, n] of full rank and `b`
/// [m] or [m, k] (x is [n] or [n, k]); for m < n the solution of minimum norm
/// among the exact ones. f32 or f64, b of a's dtype. Throws nabla::Error
/// naming "lstsq" for an undefined, i64 or mixed-dtype operand, an `a` that is
/// not 2-D, b's rows differing from m, an empty system, and an `a` that is
/// not of full rank (a zero diagonal element of its triangular factor).
Tensor lstsq(const Tensor& a, const Tensor& b);

}  // namespace nabla
