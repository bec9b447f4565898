// Forward and backward of solve and lstsq. The rules are written with the
// Tensor kernels (tensor/solve.h, tensor/linalg.h); a vector right-hand side
// is a single column, so its outer products become [n, 1]·[1, m].
#include "autograd/solve.h"

#include "autograd/record.h"
#include "tensor/elementwise.h"
#include "tensor/error.h"
#include "tensor/linalg.h"
#include "tensor/shape_ops.h"
#include "tensor/solve.h"

namespace nabla {

namespace {

// u·vᵀ, a vector taken as a column.
Tensor times_transposed(const Tensor& u, const Tensor& v) {
  return u.dim() == 1 ? matmul(unsqueeze(u, 1), unsqueeze(v, 0)) : matmul(u, transpose(v, 0, 1));
}

Tensor transposed(const Tensor& a) {
  return transpose(a, 0, 1);
}

}  // namespace

Variable solve(const Variable& a, const Variable& b) {
  Tensor x = solve(a.value(), b.value());
  // X = A⁻¹B: ∂L/∂B = A⁻ᵀ·G, ∂L/∂A = −∂L/∂B·Xᵀ (G = ∂L/∂X)
  return record(
      "SolveBackward", x, {a, b}, save(a.value(), x),
      [](const Tensor& grad_out, NeedsGrad needs, const Tensor& a, const Tensor& x) -> GradList {
        // Aᵀ [n, n] \ G [n, k] -> grad_b [n, k]; also needed for grad_a.
        const Tensor grad_b = solve(transposed(a), grad_out);
        // −grad_b [n, k] x Xᵀ [k, n] -> grad_a [n, n]
        Tensor grad_a = needs[0] ? -times_transposed(grad_b, x) : Tensor();
        return {grad_a, needs[1] ? grad_b : Tensor()};
      });
}

Variable lstsq(const Variable& a, const Variable& b) {
  Tensor x = lstsq(a.value(), b.value());
  const std::int64_t m = a.value().size(0), n = a.value().size(1);
  NABLA_CHECK(m >= n || !detail::should_record({a, b}), "lstsq",
              "no gradient for an underdetermined system: a is ", a.value().shape(), " (m = ", m,
              " < n = ", n,
              "); differentiable only for m >= n; call it under NoGradGuard or on Tensors");
  // x = (AᵀA)⁻¹Aᵀb, r = b − A·x, z = (AᵀA)⁻¹G: ∂L/∂b = A·z, ∂L/∂A = r·zᵀ − A·z·xᵀ (G = ∂L/∂x)
  return record("LstsqBackward", x, {a, b}, save(a.value(), b.value(), x),
                [](const Tensor& grad_out, NeedsGrad needs, const Tensor& a, const Tensor& b,
                   const Tensor& x) -> GradList {
                  // AᵀA [n, n] \ G [n, k] -> z [n, k]
                  const Tensor z = solve(matmul(transposed(a), a), grad_out);
                  // A [m, n] x z [n, k] -> grad_b [m, k]; also a term of grad_a.
                  const Tensor grad_b = matmul(a, z);
                  Tensor grad_a;
                  if (needs[0]) {
                    const Tensor r = b - matmul(a, x);  // the residual [m, k]
                    // r [m, k] x zᵀ [k, n] − grad_b [m, k] x xᵀ [k, n] -> grad_a [m, n]
                    grad_a = times_transposed(r, z) - times_transposed(grad_b, x);
                  }
                  return {grad_a, needs[1] ? grad_b : Tensor()};
                });
}

}  // namespace nabla
