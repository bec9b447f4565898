// Differentiable matrix products on Variables: matmul (vectors, matrices and
// broadcast batches of matrices) and linear, the fused y = x·W + b of a Dense
// layer with W of shape [in, out]. Each has the same name and arguments as its
// Tensor kernel in tensor/linalg.h; the backward rules sit under the forwards in
// linalg.cpp with the shapes of every product in a comment.
#pragma once

#include "autograd/variable.h"

namespace nabla {

/// Returns the matrix product of `a` and `b` with torch.matmul's semantics
/// (see tensor/linalg.h): 1-D operands are promoted to a row ([k] -> [1, k])
/// or a column ([k] -> [k, 1]) and the unit dim removed from the result, and
/// batch dims broadcast. The gradients are grad_out·bᵀ and aᵀ·grad_out, summed
/// over broadcast batch dims. Throws nabla::Error like the Tensor kernel
/// (rank-0 or i64 operands, different dtypes, inner dimensions that differ,
/// batch dims that do not broadcast).
Variable matmul(const Variable& a, const Variable& b);

/// Returns x·w + b for x of shape [..., in], w of shape [in, out] and b of
/// shape [out]; an undefined Variable b means no bias. The gradients are
/// grad_x = grad_out·wᵀ, grad_w = xᵀ·grad_out (leading dims of x flattened into
/// rows) and grad_b = the sum of grad_out over rows. Throws nabla::Error like
/// the Tensor kernel (w not 2-D, x.size(-1) != w.size(0), b not [out], i64 or
/// mixed dtypes).
Variable linear(const Variable& x, const Variable& w, const Variable& b = Variable());

}  // namespace nabla
