// Differentiable reductions on Variables: sums, means, products, variances,
// extrema, logsumexp and norms. Each has the same name and arguments as its
// Tensor kernel in tensor/reduce.h (an empty Dims means every dim, negative
// dims count from the end, keepdim keeps reduced dims as size 1); its backward
// rule sits under its forward in reduce.cpp, and docs/ops.md lists every
// derivative. The rules broadcast grad_out back over the reduced dims.
//
// Derivatives where the function has no unique one (documented in docs/ops.md):
// - amax/amin and max(x)/min(x) split the gradient evenly among tied extrema;
//   max(x, dim)/min(x, dim) send it whole to the index the kernel returns
//   (the first of the ties).
// - norm has gradient 0 where the norm is 0, and for p < 1 at elements that
//   are 0; std_dev has gradient 0 where the standard deviation is 0.
// - prod is differentiated exactly even when the slice holds zeros.
// argmax and argmin are not differentiable: they return i64 Tensors.
#pragma once

#include <cstdint>

#include "autograd/variable.h"

namespace nabla {

/// The result of max(x, dim) and min(x, dim): the extreme values (differentiable)
/// and their i64 positions along the reduced dim.
struct VariableIndices {
  Variable values;
  Tensor indices;
};

/// Returns the sum over `dims`. Throws for a bad or repeated dim.
Variable sum(const Variable& x, const Dims& dims = {}, bool keepdim = false);

/// Returns the mean over `dims`. Throws for i64 and a bad or repeated dim.
Variable mean(const Variable& x, const Dims& dims = {}, bool keepdim = false);

/// Returns the product over `dims`; its gradient is exact when the slice holds
/// zeros. Throws for a bad or repeated dim.
Variable prod(const Variable& x, const Dims& dims = {}, bool keepdim = false);

/// Returns the variance sum((x - mean)^2) / (n - correction) over `dims`.
/// Throws for i64 and a bad or repeated dim.
Variable var(const Variable& x,
             const Dims& dims = {},
             std::int64_t correction = 1,
             bool keepdim = false);

/// Returns the standard deviation sqrt(var(x, dims, correction, keepdim)); its
/// gradient is 0 where the result is 0. Throws like var.
Variable std_dev(const Variable& x,
                 const Dims& dims = {},
                 std::int64_t correction = 1,
                 bool keepdim = false);

/// Returns the largest value over `dims`; tied maxima share the gradient evenly.
/// Throws when a reduced dim has size 0 and for a bad or repeated dim.
Variable amax(const Variable& x, const Dims& dims = {}, bool keepdim = false);

/// Returns the smallest value over `dims`; tied minima share the gradient
/// evenly. Throws like amax.
Variable amin(const Variable& x, const Dims& dims = {}, bool keepdim = false);

/// Returns the largest element as a rank-0 Variable (amax over every dim: ties
/// share the gradient evenly). Throws for an empty tensor.
Variable max(const Variable& x);

/// Returns the smallest element as a rank-0 Variable (amin over every dim).
/// Throws for an empty tensor.
Variable min(const Variable& x);

/// Returns the largest values along `dim` and their indices; the gradient of
/// each value goes to the element at its index (ties: the first). Throws for a
/// bad dim or when size(dim) == 0.
VariableIndices max(const Variable& x, std::int64_t dim, bool keepdim = false);

/// Returns the smallest values along `dim` and their indices; gradients as for
/// max(x, dim). Throws like max(x, dim).
VariableIndices min(const Variable& x, std::int64_t dim, bool keepdim = false);

/// Returns the i64 index of the largest value along `dim` (not differentiable:
/// a plain Tensor). Throws like argmax of tensor/reduce.h.
Tensor argmax(const Variable& x, std::int64_t dim, bool keepdim = false);

/// Returns the i64 index of the smallest value along `dim` (not differentiable).
Tensor argmin(const Variable& x, std::int64_t dim, bool keepdim = false);

/// Returns the rank-0 i64 index of the largest element (not differentiable).
Tensor argmax(const Variable& x);

/// Returns the rank-0 i64 index of the smallest element (not differentiable).
Tensor argmin(const Variable& x);

/// Returns log(sum(exp(x))) over `dims`, computed stably. Throws for i64 and a
/// bad or repeated dim.
Variable logsumexp(const Variable& x, const Dims& dims = {}, bool keepdim = false);

/// Returns the vector p-norm over `dims` (p = inf: max |x|, p = 0: the count of
/// non-zeros, whose gradient is 0). The gradient is 0 where the norm is 0.
/// Throws for i64, NaN p, p = -inf over an empty reduction and a bad or
/// repeated dim.
Variable norm(const Variable& x, double p = 2.0, const Dims& dims = {}, bool keepdim = false);

}  // namespace nabla
