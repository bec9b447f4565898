// Differentiable shape operations on Variables: reshape and view, flatten,
// squeeze/unsqueeze, transpose and permute, expand/broadcast_to, the slicing
// ops narrow/slice/select/split/chunk, cat and stack, and clone, contiguous and
// dtype conversion. Each has the same name and arguments as its Tensor kernel
// in tensor/shape_ops.h (clone, contiguous and to are Tensor members there);
// its backward rule, the inverse rearrangement, sits under its forward in
// shape_ops.cpp, and docs/ops.md lists every derivative.
//
// Views: as with the Tensor kernels (NOTE [ Views ] in tensor/shape_ops.h),
// every op here except cat, stack, clone and to(dtype) returns a Variable whose
// value shares storage with the input's value when strides allow it. An
// in-place write on either Tensor (value() under NoGradGuard, e.g. an optimizer
// step) is seen by both; if a graph saved one of them, its backward throws
// (autograd/saved_version.h), as PyTorch's does.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "autograd/variable.h"

namespace nabla {

/// Returns x with the given shape (one size may be -1), a view when strides
/// allow. Throws for a different element count, like reshape of tensor/shape_ops.h.
Variable reshape(const Variable& x, const Shape& shape);

/// Returns a view of x with the given shape. Throws like reshape, and when the
/// strides of x cannot express the new shape.
Variable view(const Variable& x, const Shape& shape);

/// Returns x with dims start_dim..end_dim merged into one. Throws for an
/// out-of-range dim or start_dim > end_dim.
Variable flatten(const Variable& x, std::int64_t start_dim = 0, std::int64_t end_dim = -1);

/// Returns a view of x without its size-1 dims.
Variable squeeze(const Variable& x);

/// Returns a view of x without dim `dim` if its size is 1 (else x's elements
/// unchanged). Throws for an out-of-range dim.
Variable squeeze(const Variable& x, std::int64_t dim);

/// Returns a view of x with a size-1 dim inserted at `dim`. Throws for an
/// out-of-range dim or a result rank above kMaxRank.
Variable unsqueeze(const Variable& x, std::int64_t dim);

/// Returns a view of x with dims d0 and d1 swapped. Throws for an out-of-range dim.
Variable transpose(const Variable& x, std::int64_t d0, std::int64_t d1);

/// Returns a view of x whose dim i is dim dims[i] of x. Throws unless `dims`
/// is a permutation of 0..rank-1.
Variable permute(const Variable& x, const Dims& dims);

/// Returns a view of x broadcast to `shape`; its gradient sums over the copies.
/// Throws when a size other than 1 would change (see expand of tensor/shape_ops.h).
Variable expand(const Variable& x, const Shape& shape);

/// Same as expand; throws like it, naming broadcast_to.
Variable broadcast_to(const Variable& x, const Shape& shape);

/// Returns a view of elements start..start+length-1 of dim `dim`. Throws when
/// the range leaves the dim, for a negative length or a rank-0 x.
Variable narrow(const Variable& x, std::int64_t dim, std::int64_t start, std::int64_t length);

/// Returns a view of x[start:end:step] along `dim` (Python's clamping). Throws
/// for step < 1, an out-of-range dim or a rank-0 x.
Variable slice(const Variable& x,
               std::int64_t dim,
               std::int64_t start,
               std::int64_t end,
               std::int64_t step = 1);

/// Returns a view of element `index` of dim `dim`, with that dim removed.
/// Throws for an out-of-range index or dim, or a rank-0 x.
Variable select(const Variable& x, std::int64_t dim, std::int64_t index);

/// Returns the inputs joined along `dim` (a new tensor, dtypes promoted; each
/// input's gradient is converted back to its dtype). Throws for an empty list
/// or sizes that differ outside `dim`, like cat of tensor/shape_ops.h.
Variable cat(const std::vector<Variable>& xs, std::int64_t dim = 0);

/// Returns equally shaped inputs stacked along a new dim `dim` (a new tensor).
/// Throws for an empty list, differing shapes or an out-of-range dim.
Variable stack(const std::vector<Variable>& xs, std::int64_t dim = 0);

/// cat and stack of a braced list of Tensors, cat({a, b}): return the Tensor
/// results of tensor/shape_ops.h. Without these overloads such a list would
/// convert to both std::vector<Tensor> and std::vector<Variable> and the call
/// would be ambiguous wherever this header is included.
Tensor cat(std::initializer_list<Tensor> tensors, std::int64_t dim = 0);
Tensor stack(std::initializer_list<Tensor> tensors, std::int64_t dim = 0);

/// Returns views of consecutive pieces of `split_size` elements along `dim`
/// (the last may be shorter), each differentiable on its own. Throws for
/// split_size < 0, split_size 0 on a non-empty dim, or an out-of-range dim.
std::vector<Variable> split(const Variable& x, std::int64_t split_size, std::int64_t dim = 0);

/// Returns views of consecutive pieces of the given sizes along `dim`. Throws
/// unless the sizes are non-negative and add up to the size of `dim`.
std::vector<Variable> split(const Variable& x,
                            const std::vector<std::int64_t>& sizes,
                            std::int64_t dim = 0);

/// Returns at most `chunks` views of ceil(size / chunks) elements along `dim`.
/// Throws for chunks < 1 or an out-of-range dim.
std::vector<Variable> chunk(const Variable& x, std::int64_t chunks, std::int64_t dim = 0);

/// Returns an independent contiguous copy of x (differentiable, gradient 1).
Variable clone(const Variable& x);

/// Returns x's elements in a contiguous layout: x's value itself when it is
/// already contiguous, else a copy. Always a new Variable with gradient 1.
Variable contiguous(const Variable& x);

/// Returns x converted to `dtype` (x's value itself when the dtype matches).
/// A floating result is differentiable and its gradient is converted back to
/// x's dtype; an i64 result is a constant (requires_grad false, no grad_fn),
/// since integers are not differentiable (as in PyTorch).
Variable to(const Variable& x, DType dtype);

}  // namespace nabla
