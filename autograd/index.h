// Differentiable index ops on Variables: selection by index tensors
// (index_select, gather), the scatter that reverses gather (scatter_add), and
// selection by mask (where, masked_fill). Each has the same name and arguments
// as its Tensor kernel in tensor/index.h; the rules sit under the forwards in
// index.cpp.
//
// Index tensors, masks and conditions are plain Tensors: they choose which
// elements move and have no gradient. An index repeated k times receives the
// sum of the k gradients that flow through it (the rules scatter_add).
#pragma once

#include <cstdint>

#include "autograd/variable.h"

namespace nabla {

/// Returns the elements of `x` at positions `index` (1-D i64) along `dim`. The
/// gradient adds each slice of grad_out into the slice of x it was read from.
/// Throws nabla::Error like the Tensor kernel (non-i64 or out-of-bounds index,
/// bad dim).
Variable index_select(const Variable& x, std::int64_t dim, const Tensor& index);

/// Returns out[i][j][k] = x[i][index[i][j][k]][k] for dim 1 (and likewise for
/// other dims), shaped like `index`. The gradient scatter-adds grad_out into
/// zeros shaped like x. Throws nabla::Error like the Tensor kernel.
Variable gather(const Variable& x, std::int64_t dim, const Tensor& index);

/// Returns a copy of `x` with src[i][j][k] added into position
/// [i][index[i][j][k]][k] (dim 1). The gradients are grad_out for x and
/// gather(grad_out, dim, index) for src (0 for elements of src beyond index's
/// extent, which are not read). Throws nabla::Error like the Tensor kernel.
Variable scatter_add(const Variable& x, std::int64_t dim, const Tensor& index, const Variable& src);

/// Returns cond ? a : b elementwise with cond, a and b broadcast together
/// (cond nonzero is true). The gradient goes to a where cond holds and to b
/// elsewhere. Throws nabla::Error for shapes that do not broadcast.
Variable where(const Tensor& cond, const Variable& a, const Variable& b);
/// Returns cond ? a : b with a scalar a; only b has a gradient.
Variable where(const Tensor& cond, double a, const Variable& b);
/// Returns cond ? a : b with a scalar b; only a has a gradient.
Variable where(const Tensor& cond, const Variable& a, double b);

/// Returns a copy of `x` with `value` wherever `mask` (broadcast to x's shape)
/// is nonzero. The gradient is grad_out with zeros at the filled positions.
/// Throws nabla::Error when mask does not broadcast to x's shape.
Variable masked_fill(const Variable& x, const Tensor& mask, double value);

}  // namespace nabla
