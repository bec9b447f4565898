// Index operations: selecting by index tensors (index_select, gather), the
// scatter that reverses gather (scatter_add, scatter_add_), one_hot encoding,
// and selecting by mask (where, masked_fill).
//
// NOTE [ Index tensors ]
// Index and label tensors must have dtype i64. Every index is checked against
// the size of the dim it addresses before any element is read or written; a
// bad one throws nabla::Error naming the op, the index value and the dim size
// (e.g. "gather: index 7 is out of bounds for dim 1 of size 3"). Negative
// indices are out of bounds, as in PyTorch's gather and index_select. Masks
// and conditions may have any dtype; nonzero means true.
#pragma once

#include <cstdint>

#include "tensor/tensor.h"

namespace nabla {

/// Returns the elements of `t` at positions `index` (1-D i64; rank 0 counts as
/// one index) along `dim`: the result has t's shape with dim `dim` resized to
/// index.numel(). Throws for a non-i64 index or one of rank 2 or more, an
/// out-of-bounds index, a rank-0 `t` or an out-of-range dim.
Tensor index_select(const Tensor& t, std::int64_t dim, const Tensor& index);

/// Returns out with out[i][j][k] = t[index[i][j][k]][j][k] for dim 0 (and so
/// on for other dims), shaped like `index`, in t's dtype. `index` is i64 with
/// t's rank and index.size(d) <= t.size(d) for d != dim. Throws otherwise, and
/// for an out-of-bounds index.
Tensor gather(const Tensor& t, std::int64_t dim, const Tensor& index);

/// Adds src[i][j][k] into t[index[i][j][k]][j][k] (for dim 0) for every
/// element of `index`, in place, and returns t. `index` is i64, t, index and
/// src have the same rank, index.size(d) <= src.size(d) for all d and
/// index.size(d) <= t.size(d) for d != dim; src is converted to t's dtype.
/// Throws otherwise, for an out-of-bounds index (before writing anything), or
/// when t has broadcast (stride-0) dims. src must not share t's storage.
Tensor& scatter_add_(Tensor& t, std::int64_t dim, const Tensor& index, const Tensor& src);

/// Returns a copy of t with src scattered in as by scatter_add_. Throws like
/// scatter_add_ (except for stride-0 dims in t, which are fine here).
Tensor scatter_add(const Tensor& t, std::int64_t dim, const Tensor& index, const Tensor& src);

/// Returns the one-hot encoding of i64 `labels`: shape [..., num_classes] with
/// 1 at each label's position and 0 elsewhere, in `dtype`. num_classes = -1
/// uses max(labels) + 1. Throws for non-i64 labels, a label outside
/// [0, num_classes), num_classes < -1, or -1 with empty labels.
Tensor one_hot(const Tensor& labels, std::int64_t num_classes, DType dtype = DType::f32);

/// Returns cond ? a : b elementwise, with cond, a and b broadcast together;
/// cond may have any dtype (nonzero is true) and the result has
/// promote(a.dtype(), b.dtype()). Throws for shapes that do not broadcast.
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);

/// Returns cond ? a : b with a scalar a. The result has b's dtype, or f32 when
/// b is i64 and a is not integral (the tensor-scalar rule of elementwise.h).
Tensor where(const Tensor& cond, double a, const Tensor& b);

/// Returns cond ? a : b with a scalar b; dtype as in the overload above.
Tensor where(const Tensor& cond, const Tensor& a, double b);

/// Returns a copy of t with `value` wherever `mask` (broadcast to t's shape,
/// any dtype) is nonzero. Throws when mask does not broadcast to t's shape or
/// when t is i64 and value is not an integer that fits in i64.
Tensor masked_fill(const Tensor& t, const Tensor& mask, double value);

}  // namespace nabla
