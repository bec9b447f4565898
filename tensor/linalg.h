// Linear algebra kernels: matmul with NumPy/PyTorch semantics (vectors,
// matrices and broadcast batches of matrices) and linear, the fused
// y = x·W + b of a Dense layer. Both read the operands through their own row and
// column strides, so transposed and strided views multiply without a copy. The
// products run on BLIS, except thin ones (nabla's vector loops) and mid-sized
// f32 ones on AVX-512 CPUs (nabla's own kernel): the route table of
// tensor/gemm/gemm.h, see docs/architecture.md. linear_backward computes
// linear's three gradients for the autograd rule and for manual backprop.
#pragma once

#include <array>

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

/// The gradients of linear; each is an undefined Tensor when not asked for.
struct LinearGrads {
  Tensor grad_x;  ///< grad_out·wᵀ, of x's shape [..., in]
  Tensor grad_w;  ///< xᵀ·grad_out over the rows of x, [in, out]
  Tensor grad_b;  ///< grad_out summed over rows, [out]
};

/// Returns the gradients of y = linear(x, w, b) given grad_out = dL/dy of
/// shape [..., out], for the ones `needs` asks for (needs[0]: grad_x,
/// needs[1]: grad_w, needs[2]: grad_b). The leading dims of x are flattened
/// into rows. When both products are needed and mid-sized, they run side by
/// side on the threads (tensor/gemm/gemm.h), else one after the other.
/// Throws nabla::Error for an undefined
/// operand, x not [..., in] or w not [in, out], grad_out not of y's shape, an
/// i64 operand or operands of different dtypes.
LinearGrads linear_backward(const Tensor& grad_out,
                            const Tensor& x,
                            const Tensor& w,
                            std::array<bool, 3> needs);

}  // namespace nabla
