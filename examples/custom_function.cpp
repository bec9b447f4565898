// A differentiable function written by hand: swish(x) = x · sigmoid(βx), with
// its forward on Tensors and its backward rule derived on paper, checked by
// gradcheck against central finite differences. A second version with a
// classic slip in the chain rule shows what a failing report looks like, and
// why a check should use non-trivial parameter values.
#include <iostream>
#include <vector>

#include "nabla.h"

namespace {

using namespace nabla;
using autograd::FunctionContext;

// y = x s with s = sigmoid(βx). By the product and chain rules
//   dy/dx = s + x · β s (1 − s) = s + β y (1 − s).
struct Swish : autograd::Function<Swish> {
  static constexpr const char* name = "SwishBackward";
  static Tensor forward(FunctionContext& ctx, const Tensor& x, double beta) {
    Tensor s = sigmoid(x * beta);
    Tensor y = x * s;
    ctx.save_for_backward({s, y});
    ctx.set("beta", beta);
    return y;
  }
  static GradList backward(FunctionContext& ctx, const Tensor& grad_out) {
    const Tensor& s = ctx.saved()[0];
    const Tensor& y = ctx.saved()[1];
    const double beta = ctx.get<double>("beta");
    return {grad_out * (s + beta * y * (1.0 - s))};
  }
};

// The same function with the inner derivative d(βx)/dx = β forgotten:
// dy/dx = s + y (1 − s). Right for β = 1 only.
struct SwishForgotBeta : autograd::Function<SwishForgotBeta> {
  static constexpr const char* name = "SwishForgotBetaBackward";
  static Tensor forward(FunctionContext& ctx, const Tensor& x, double beta) {
    Tensor s = sigmoid(x * beta);
    Tensor y = x * s;
    ctx.save_for_backward({s, y});
    return y;
  }
  static GradList backward(FunctionContext& ctx, const Tensor& grad_out) {
    const Tensor& s = ctx.saved()[0];
    const Tensor& y = ctx.saved()[1];
    return {grad_out * (s + y * (1.0 - s))};
  }
};

}  // namespace

int main() {
  Generator gen(0);
  const Tensor x = randn({2, 3}, gen, DType::f64);
  autograd::GradcheckOptions options;
  options.names = {"x"};

  const autograd::GradcheckResult right = autograd::gradcheck(
      [](const std::vector<Variable>& v) { return Swish::apply(v[0], 1.5); }, {x}, options);
  std::cout << "Swish, beta = 1.5:\n" << right;

  // The slip goes unnoticed at beta = 1, where the forgotten factor is 1 ...
  std::cout << "\nSwishForgotBeta, beta = 1:\n"
            << autograd::gradcheck(
                   [](const std::vector<Variable>& v) { return SwishForgotBeta::apply(v[0], 1.0); },
                   {x}, options);
  // ... and is caught as soon as beta is not.
  const autograd::GradcheckResult wrong = autograd::gradcheck(
      [](const std::vector<Variable>& v) { return SwishForgotBeta::apply(v[0], 1.5); }, {x},
      options);
  std::cout << "\nSwishForgotBeta, beta = 1.5:\n" << wrong;

  // A custom function is a node like any other: it composes with built-in ops
  // and shows up in traces and graph exports under its name.
  Variable w(x, /*requires_grad=*/true);
  w.set_name("x");
  Variable loss = sum(Swish::apply(w, 1.5));
  loss.backward();
  std::cout << "\nd sum(swish(x))/dx =\n" << w.grad() << "\n\n" << autograd::to_dot(loss);
  return right.ok && !wrong.ok ? 0 : 1;  // the right version must pass, the wrong one fail
}
