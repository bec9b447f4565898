// A custom differentiable function shared by the function and gradcheck tests.
#pragma once

#include "autograd/function.h"
#include "tensor/elementwise.h"

namespace nabla::testing {

// y = x^3, dy/dx = 3 x^2
struct Cube : autograd::Function<Cube> {
  static constexpr const char* name = "CubeBackward";
  static Tensor forward(autograd::FunctionContext& ctx, const Tensor& x) {
    ctx.save_for_backward({x});
    return x * x * x;
  }
  static GradList backward(autograd::FunctionContext& ctx, const Tensor& grad_out) {
    const Tensor& x = ctx.saved()[0];
    return {grad_out * 3.0 * x * x};
  }
};

}  // namespace nabla::testing
