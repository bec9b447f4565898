// Shape operations: reshape and view, flatten, transpose and permute,
// squeeze/unsqueeze, expand/broadcast_to, narrow/slice/select, and the
// combining and splitting ops cat, stack, split and chunk.
//
// NOTE [ Views ]
// Every op here except cat and stack returns a view that shares storage with
// its input whenever the result is expressible with strides: writing through
// the view changes the base, and vice versa. reshape copies only when the
// input's strides cannot describe the new shape (e.g. a transposed matrix
// flattened to 1-D); view() throws in that case instead. Dims may be negative
// (counting from the end) everywhere, and every op throws nabla::Error naming
// itself and the offending values on misuse. Gather-style indexing lives in
// index.h.
#pragma once

#include <cstdint>
#include <vector>

#include "tensor/tensor.h"

namespace nabla {

/// Returns `t` with the given shape; one size may be -1 and is inferred. The
/// result is a view when the strides allow it (PyTorch's view rule), else a
/// contiguous copy. Throws for a different element count, more than one -1, a
/// negative size or a rank above kMaxRank.
Tensor reshape(const Tensor& t, const Shape& shape);

/// Returns a view of `t` with the given shape (one size may be -1). Throws like
/// reshape, and also when the strides of `t` cannot express the new shape.
Tensor view(const Tensor& t, const Shape& shape);

/// Returns `t` with dims start_dim..end_dim merged into one (a view when
/// possible). A rank-0 tensor becomes shape [1]. Throws for an out-of-range
/// dim or start_dim > end_dim.
Tensor flatten(const Tensor& t, std::int64_t start_dim = 0, std::int64_t end_dim = -1);

/// Returns a view of `t` with dims d0 and d1 swapped. Throws for an
/// out-of-range dim.
Tensor transpose(const Tensor& t, std::int64_t d0, std::int64_t d1);

/// Returns a view of `t` whose dim i is dim dims[i] of `t`. Throws unless
/// `dims` is a permutation of 0..rank-1 (negative values allowed).
Tensor permute(const Tensor& t, const Dims& dims);

/// Returns a view of `t` without its size-1 dims.
Tensor squeeze(const Tensor& t);

/// Returns a view of `t` without dim `dim` if its size is 1, else `t`
/// unchanged (as in PyTorch). Throws for an out-of-range dim.
Tensor squeeze(const Tensor& t, std::int64_t dim);

/// Returns a view of `t` with a size-1 dim inserted at `dim` (in
/// [-rank-1, rank]). Throws for an out-of-range dim or a result rank above
/// kMaxRank.
Tensor unsqueeze(const Tensor& t, std::int64_t dim);

/// Returns a view of `t` broadcast to `shape` (stride 0 along broadcast dims);
/// -1 keeps the existing size and new leading dims may be added. Throws when a
/// size other than 1 would change, for a -1 in a new leading dim, a negative
/// size, fewer dims than `t` or a rank above kMaxRank.
Tensor expand(const Tensor& t, const Shape& shape);

/// Same as expand (NumPy's name); throws like expand, naming broadcast_to.
Tensor broadcast_to(const Tensor& t, const Shape& shape);

/// Returns a view of elements start..start+length-1 of dim `dim` (a negative
/// start counts from the end). Throws when the range leaves the dim, for a
/// negative length or a rank-0 tensor.
Tensor narrow(const Tensor& t, std::int64_t dim, std::int64_t start, std::int64_t length);

/// Returns a view of t[start:end:step] along `dim`, with Python's rules:
/// negative start/end count from the end and both are clamped to the dim. Throws
/// for step < 1, an out-of-range dim or a rank-0 tensor.
Tensor slice(
    const Tensor& t, std::int64_t dim, std::int64_t start, std::int64_t end, std::int64_t step = 1);

/// Returns a view of element `index` of dim `dim`, with that dim removed
/// (a negative index counts from the end). Throws for an out-of-range index or
/// dim, or a rank-0 tensor.
Tensor select(const Tensor& t, std::int64_t dim, std::int64_t index);

/// Returns a new tensor joining `tensors` along `dim`, in promote() of their
/// dtypes. 1-D empty tensors (shape [0]) are skipped, as in PyTorch. Throws for
/// an empty list, an undefined or rank-0 tensor, or sizes that differ outside
/// `dim` (naming the tensor's index and both shapes).
Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim = 0);

/// Returns a new tensor stacking equally shaped `tensors` along a new dim
/// `dim` (in [-rank-1, rank]), in promote() of their dtypes. Throws for an
/// empty list, differing shapes (naming the tensor's index and both shapes) or
/// an out-of-range dim.
Tensor stack(const std::vector<Tensor>& tensors, std::int64_t dim = 0);

/// Returns views of consecutive pieces of `split_size` elements along `dim`
/// (the last may be shorter). Throws for split_size < 0, split_size 0 on a
/// non-empty dim, or an out-of-range dim.
std::vector<Tensor> split(const Tensor& t, std::int64_t split_size, std::int64_t dim = 0);

/// Returns views of consecutive pieces of the given sizes along `dim`. Throws
/// unless the sizes are non-negative and add up to the size of `dim`.
std::vector<Tensor> split(const Tensor& t,
                          const std::vector<std::int64_t>& sizes,
                          std::int64_t dim = 0);

/// Returns at most `chunks` views of ceil(size / chunks) elements along `dim`
/// (PyTorch's chunk). Throws for chunks < 1 or an out-of-range dim.
std::vector<Tensor> chunk(const Tensor& t, std::int64_t chunks, std::int64_t dim = 0);

}  // namespace nabla
