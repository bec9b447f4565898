// Reductions: sums, means, variances, extrema, norms and logsumexp over any set
// of dims; max/min/argmax/argmin with indices over one dim; and sum_to, the
// un-broadcast the autograd engine applies to every gradient. Elementwise maps
// live in elementwise.h, softmax and log_softmax in nn_ops.h.
//
// Conventions shared by every function here:
// - `dims` is a set of dims, negative values counting from the end; an empty
//   Dims means every dim. A dim out of range or repeated throws nabla::Error.
// - With keepdim the reduced dims stay as size 1, otherwise they are removed.
// - Results are new contiguous tensors of the input's dtype (indices are i64).
// - Floating sums accumulate in double, so f32 sums of millions of values stay
//   accurate to about 1e-7 relative, whatever the reduction layout.
// - Ops that need real numbers (mean, var, std_dev, logsumexp, norm) throw on
//   i64 inputs; sum, prod, amax, amin, max, min, argmax and argmin accept i64.
#pragma once

#include <cstdint>

#include "tensor/tensor.h"

namespace nabla {

/// Returns the sum over `dims` (0 for an empty reduction); i64 sums stay i64
/// and wrap modulo 2^64 on overflow, as in PyTorch (prod likewise).
/// Throws for a bad or repeated dim.
Tensor sum(const Tensor& t, const Dims& dims = {}, bool keepdim = false);

/// Returns the product over `dims` (1 for an empty reduction). Throws for a bad
/// or repeated dim.
Tensor prod(const Tensor& t, const Dims& dims = {}, bool keepdim = false);

/// Returns the arithmetic mean over `dims`; the mean of no elements is NaN, as
/// in NumPy and PyTorch. Throws for i64 and for a bad or repeated dim.
Tensor mean(const Tensor& t, const Dims& dims = {}, bool keepdim = false);

/// Returns the variance sum((x - mean)^2) / max(0, n - correction) over `dims`,
/// computed in two passes (mean first, then squared deviations). correction = 1
/// is Bessel's correction; n <= correction gives NaN or inf, as in PyTorch.
/// Throws for i64 and for a bad or repeated dim.
Tensor var(const Tensor& t,
           const Dims& dims = {},
           std::int64_t correction = 1,
           bool keepdim = false);

/// Returns sqrt(var(t, dims, correction, keepdim)), the standard deviation.
/// Named std_dev rather than std: a function nabla::std would hide namespace
/// std for unqualified `std::` lookups inside namespace nabla. Throws like var.
Tensor std_dev(const Tensor& t,
               const Dims& dims = {},
               std::int64_t correction = 1,
               bool keepdim = false);

/// Returns the largest value over `dims` (NaN if any value is NaN). Throws when
/// a reduced dim has size 0 and for a bad or repeated dim.
Tensor amax(const Tensor& t, const Dims& dims = {}, bool keepdim = false);

/// Returns the smallest value over `dims` (NaN if any value is NaN). Throws like amax.
Tensor amin(const Tensor& t, const Dims& dims = {}, bool keepdim = false);

/// Returns log(sum(exp(x))) over `dims`, computed as m + log(sum(exp(x - m)))
/// with m the maximum, so logits of 1e4 give finite results; a slice of only
/// -inf gives -inf and an empty reduction gives -inf. Throws for i64 and for a
/// bad or repeated dim.
Tensor logsumexp(const Tensor& t, const Dims& dims = {}, bool keepdim = false);

/// Returns the vector p-norm over `dims`: (sum |x|^p)^(1/p); p = inf gives
/// max |x| (0 for no elements), p = -inf gives min |x|, p = 0 counts non-zero
/// elements. Throws for i64, NaN p, p = -inf over an empty reduction, and for a
/// bad or repeated dim.
Tensor norm(const Tensor& t, double p = 2.0, const Dims& dims = {}, bool keepdim = false);

/// The result of max(t, dim) and min(t, dim): the extreme values and their
/// positions (i64) along the reduced dim.
struct ValuesIndices {
  Tensor values;
  Tensor indices;
};

/// Returns the largest values along `dim` and their indices. Ties pick the
/// first (lowest) index; a NaN counts as larger than everything, so the first
/// NaN wins. Throws for a bad dim or when size(dim) == 0.
ValuesIndices max(const Tensor& t, std::int64_t dim, bool keepdim = false);

/// Returns the smallest values along `dim` and their indices; ties pick the
/// first index, the first NaN wins. Throws like max(t, dim).
ValuesIndices min(const Tensor& t, std::int64_t dim, bool keepdim = false);

/// Returns the largest element as a rank-0 tensor. Throws for an empty tensor.
Tensor max(const Tensor& t);

/// Returns the smallest element as a rank-0 tensor. Throws for an empty tensor.
Tensor min(const Tensor& t);

/// Returns the i64 index of the largest value along `dim` (ties: the first
/// index). Throws for a bad dim or when size(dim) == 0.
Tensor argmax(const Tensor& t, std::int64_t dim, bool keepdim = false);

/// Returns the i64 index of the smallest value along `dim` (ties: the first
/// index). Throws like argmax.
Tensor argmin(const Tensor& t, std::int64_t dim, bool keepdim = false);

/// Returns the rank-0 i64 index of the largest element of the row-major
/// flattened tensor (ties: the first). Throws for an empty tensor.
Tensor argmax(const Tensor& t);

/// Returns the rank-0 i64 index of the smallest element of the flattened
/// tensor (ties: the first). Throws for an empty tensor.
Tensor argmin(const Tensor& t);

/// Returns `t` summed down to `shape`, the inverse of broadcasting `shape` to
/// t.shape(): leading extra dims are summed away and dims where `shape` has
/// size 1 are summed with keepdim. Returns `t` itself (no copy) when the shapes
/// are equal. Throws when `shape` does not broadcast to t.shape().
Tensor sum_to(const Tensor& t, const Shape& shape);

}  // namespace nabla
