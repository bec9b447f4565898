// Forward and backward of every elementwise op. Each rule returns gradients in
// the output's broadcast shape; the engine sums them to the inputs' shapes.
#include "autograd/elementwise.h"

#include "autograd/record.h"
#include "tensor/elementwise.h"

namespace nabla {

Variable add(const Variable& a, const Variable& b) {
  Tensor y = add(a.value(), b.value());
  // d(a + b)/da = 1, d(a + b)/db = 1
  return record("AddBackward", y, {a, b}, [](const Tensor& grad_out) -> GradList {
    return {grad_out, grad_out};
  });
}

Variable mul(const Variable& a, const Variable& b) {
  Tensor y = mul(a.value(), b.value());
  // d(a b)/da = b, d(a b)/db = a
  return record(
      "MulBackward", y, {a, b}, save(a.value(), b.value()),
      [](const Tensor& grad_out, NeedsGrad needs, const Tensor& a, const Tensor& b) -> GradList {
        return {needs[0] ? grad_out * b : Tensor(), needs[1] ? grad_out * a : Tensor()};
      });
}

Variable tanh(const Variable& x) {
  Tensor y = tanh(x.value());
  // d tanh(x)/dx = 1 - tanh(x)^2 = 1 - y^2
  return record("TanhBackward", y, {x}, save(y),
                [](const Tensor& grad_out, const Tensor& y) { return grad_out * (1 - y * y); });
}

Variable operator+(const Variable& a, const Variable& b) {
  return add(a, b);
}
Variable operator*(const Variable& a, const Variable& b) {
  return mul(a, b);
}

}  // namespace nabla
