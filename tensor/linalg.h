// Linear algebra kernels: matmul with NumPy/PyTorch semantics (vectors,
// matrices and broadcast batches of matrices) and linear, the fused
// y = x·W + b of a Dense layer. Both read the operands through their own row and
// column strides, so transposed and strided views multiply without a copy. The
// products run on BLIS, except thin ones (nabla's vector loops) and mid-sized
// f32 ones on AVX-512 CPUs (tensor/gemm_avx512.h): see docs/architecture.md.
// Gradients of these ops live in autograd/, not here.
#pragma once

#include "tensor/tensor.h"

namespace nabla {

/// Returns the matrix product of `a` and `b`, following torch.matmul:
/// - [k] x [k] -> rank-0 dot product;
/// - [m, k] x [k, n] -> [m, n];
/// - [k] x [..., k, n] -> [..., n] and [..., m, k] x [k] -> [..., m] (a 1 is
///   prepended to / appended to the vector and removed from the result);
/// - batched [..., m, k] x [..., k, n] -> [..., m, n] with the batch dims
///   broadcast, e.g. [2, 1, 3, 4] x [5, 4, 6] -> [2, 5, 3, 6].
/// An inner dimension k of 0 gives zeros. Both operands must have the same
/// floating dtype (f32 or f64). Throws nabla::Error for an undefined or rank-0
/// operand, an i64 operand ("matmul: expected a floating dtype ..."), different
/// dtypes, different inner dimensions ("matmul: inner dimensions differ:
/// [32, 784] x [78, 10]") and batch dims that do not broadcast.
Tensor matmul(const Tensor& a, const Tensor& b);

/// Returns x·w + b for an input `x` of shape [..., in], a weight `w` of shape
/// [in, out] (the Dense layer's [in_features, out_features]) and a bias `b` of
/// shape [out], or an undefined Tensor() for no bias; the result has shape
/// [..., out]. The bias is written first and the product accumulated onto it
/// in one GEMM. Throws nabla::Error for an undefined x or w, a rank-0 x, a
/// weight that is not 2-D, x.size(-1) != w.size(0), a bias that is not [out],
/// an i64 operand or operands of different dtypes.
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b = Tensor());

namespace detail {

/// Writes a·b into `out` for 2-D floating a [m, k] and b [k, n] of out's dtype
/// and a contiguous out [m, n], on the calling thread only (no worker threads
/// are asked for). For callers that run independent products side by side on
/// their own threads, such as the two gradients of linear. The shapes and
/// dtypes are the caller's responsibility (checked only by NABLA_CHECK).
void matmul_into_on_this_thread(const Tensor& a, const Tensor& b, const Tensor& out);

}  // namespace detail
}  // namespace nabla
