// Forward and backward of matmul and linear. The backward products run through
// the same route table as the forward (tensor/gemm/gemm.h) and take transposed
// operands as views (the kernels read their strides), so no operand is copied
// to be transposed.
#include "autograd/linalg.h"

#include "autograd/record.h"
#include "tensor/linalg.h"
#include "tensor/shape_ops.h"

namespace nabla {

namespace {

// The last two dims swapped (a view).
Tensor transposed(const Tensor& t) {
  return transpose(t, -2, -1);
}

// matmul's operands and grad_out as the matrices the forward multiplied: a [K]
// is the row [1, K], b [K] the column [K, 1], and grad_out gets back the unit
// dims the forward removed. grad_a and grad_b give a gradient the rank of its
// operand again.
struct AsMatrices {
  Tensor a, b, g;
  bool a_vector, b_vector;

  AsMatrices(const Tensor& grad_out, const Tensor& a0, const Tensor& b0)
      : a(a0.dim() == 1 ? unsqueeze(a0, 0) : a0),
        b(b0.dim() == 1 ? unsqueeze(b0, -1) : b0),
        g(grad_out),
        a_vector(a0.dim() == 1),
        b_vector(b0.dim() == 1) {
    if (b_vector) g = unsqueeze(g, -1);
    if (a_vector) g = unsqueeze(g, -2);
  }
  Tensor grad_a(const Tensor& grad) const { return a_vector ? squeeze(grad, -2) : grad; }
  Tensor grad_b(const Tensor& grad) const { return b_vector ? squeeze(grad, -1) : grad; }
};

}  // namespace

Variable matmul(const Variable& a, const Variable& b) {
  Tensor y = matmul(a.value(), b.value());
  // C = A·B: dL/dA = dL/dC · Bᵀ, dL/dB = Aᵀ · dL/dC
  return record(
      "MatmulBackward", y, {a, b}, save(a.value(), b.value()),
      [](const Tensor& grad_out, NeedsGrad needs, const Tensor& a, const Tensor& b) -> GradList {
        const AsMatrices m(grad_out, a, b);
        // grad_out [..., M, N] x b^T [..., N, K] -> grad_a [..., M, K]
        Tensor grad_a = needs[0] ? m.grad_a(matmul(m.g, transposed(m.b))) : Tensor();
        // a^T [..., K, M] x grad_out [..., M, N] -> grad_b [..., K, N]
        Tensor grad_b = needs[1] ? m.grad_b(matmul(transposed(m.a), m.g)) : Tensor();
        // Batch dims are still broadcast; the engine sums them to a's and b's shapes.
        return {grad_a, grad_b};
      });
}

Variable linear(const Variable& x, const Variable& w, const Variable& b) {
  Tensor y = linear(x.value(), w.value(), b.defined() ? b.value() : Tensor());
  // y = x·W + b: dL/dx = δ·Wᵀ, dL/dW = xᵀ·δ, dL/db = Σ_rows δ (δ = grad_out)
  return record(
      "LinearBackward", y, {x, w, b}, save(x.value(), w.value()),
      [](const Tensor& grad_out, NeedsGrad needs, const Tensor& x, const Tensor& w) -> GradList {
        auto [grad_x, grad_w, grad_b] =
            linear_backward(grad_out, x, w, {needs[0], needs[1], needs[2]});
        return {grad_x, grad_w, grad_b};
      });
}

}  // namespace nabla
