// The node-wise gradient check on a model: a custom layer whose backward rule
// has a slip (2x instead of 3x² for x³) sits between two Linears. gradcheck of
// the whole loss would only say that the gradient is wrong; check_nodes checks
// every node at the values it saw and names the one whose rule is wrong, its
// module and its input, with the worst element of its Jacobian (gradcheck of a
// small function with the same rule is shown first, for comparison). The same
// model with the right rule passes.
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "nabla.h"

namespace {

using namespace nabla;

// y = x³; with Slip the backward forgets a factor: dy/dx = 2x instead of 3x².
template <bool Slip>
struct Cube : autograd::Function<Cube<Slip>> {
  static constexpr const char* name = Slip ? "SlippedCubeBackward" : "CubeBackward";
  static Tensor forward(autograd::FunctionContext& ctx, const Tensor& x) {
    ctx.save_for_backward({x});
    return x * x * x;
  }
  static GradList backward(autograd::FunctionContext& ctx, const Tensor& grad_out) {
    const Tensor& x = ctx.saved()[0];
    return {Slip ? grad_out * 2.0 * x : grad_out * 3.0 * x * x};
  }
};

template <bool Slip>
class CubeLayer : public nn::Module {
 public:
  Variable forward(const Variable& x) override { return Cube<Slip>::apply(x); }
  std::string type_name() const override { return "CubeLayer"; }
};

}  // namespace

int main() {
  manual_seed(0);
  Generator gen(1);

  // gradcheck of a small function with the slipped rule: it says that the
  // gradient of an input is wrong and lists the rules it ran, not which one.
  const autograd::GradcheckResult whole = autograd::gradcheck(
      [](const std::vector<Variable>& in) { return sum(Cube<true>::apply(matmul(in[0], in[1]))); },
      {randn({2, 3}, gen, DType::f64), randn({3, 2}, gen, DType::f64)}, {.names = {"x", "w"}});
  std::cout << "gradcheck of sum(cube(x w)):\n" << whole << "\n";

  const Tensor x = randn({16, 4}, gen);  // f32, as a model is usually trained
  const Tensor labels = randint(0, 3, {16}, gen);

  nn::Sequential slipped(nn::Linear(4, 8), CubeLayer<true>(), nn::Linear(8, 3));
  const autograd::NodeCheckResult wrong =
      nn::check_nodes(slipped, [&] { return nn::cross_entropy(slipped(x), labels); });
  std::cout << "With the slip:\n" << wrong << "\n";

  nn::Sequential right(nn::Linear(4, 8), CubeLayer<false>(), nn::Linear(8, 3));
  const autograd::NodeCheckResult passed =
      nn::check_nodes(right, [&] { return nn::cross_entropy(right(x), labels); });
  std::cout << "With the right rule:\n" << passed;

  // The check must blame the slipped rule, in module 1, and pass the right one.
  const autograd::NodeInputCheck* failure = wrong.first_failure();
  const bool named = failure != nullptr && failure->name == "SlippedCubeBackward" &&
                     failure->module == "1 (CubeLayer)" && failure->input == 0;
  return named && passed.ok && !whole.ok ? 0 : 1;
}
