// Differentiable linear systems on Variables: solve (X = A⁻¹B) and lstsq (the
// least-squares x of a full-column-rank A). Each has the same name and
// arguments as its Tensor kernel in tensor/solve.h (LAPACK, f32 or f64); the
// backward rules sit under the forwards in solve.cpp and solve linear systems
// themselves, through the same kernels.
#pragma once

#include "autograd/variable.h"

namespace nabla {

/// Returns X with A·X = B for a square `a` [n, n] and `b` [n] or [n, k] (X has
/// b's shape). The gradients, with G = ∂L/∂X: ∂L/∂B = A⁻ᵀ·G (a solve with Aᵀ)
/// and ∂L/∂A = −∂L/∂B·Xᵀ (an outer product for a vector b). Throws
/// nabla::Error naming "solve" like the Tensor kernel: a singular a (naming the
/// zero pivot), a non-square a, rows of b that differ from n, i64 or mixed
/// dtypes.
Variable solve(const Variable& a, const Variable& b);

/// Returns the x minimising ‖a·x − b‖₂ for `a` [m, n] of full rank and `b`
/// [m] or [m, k]. Differentiable for m >= n (full column rank; x = (AᵀA)⁻¹Aᵀb):
/// with G = ∂L/∂x, r = b − A·x and z = (AᵀA)⁻¹G, ∂L/∂b = A·z and
/// ∂L/∂A = r·zᵀ − A·z·xᵀ. For m < n (the minimum-norm solution) there is no
/// gradient: a call that would record one (grad mode on and an input requiring
/// grad) throws nabla::Error naming "lstsq" rather than detaching silently.
/// Throws otherwise like the Tensor kernel.
Variable lstsq(const Variable& a, const Variable& b);

}  // namespace nabla
