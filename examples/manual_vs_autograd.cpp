// A 2-layer MLP differentiated twice: once by hand, with the backprop
// equations written out in Tensor ops, and once by autograd. The two sets of
// gradients agree to rounding error. Then the same network is trained with a
// hand-written SGD loop.
//
//   z1 = x·W1 + b1      [N, H]
//   h  = tanh(z1)       [N, H]
//   ŷ  = h·W2 + b2      [N, O]
//   L  = mean((ŷ − y)²) over all N·O elements
#include <cmath>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "nabla.h"

namespace {

using namespace nabla;

constexpr std::int64_t kSamples = 64;  // N
constexpr std::int64_t kInputs = 4;    // D
constexpr std::int64_t kHidden = 8;    // H
constexpr std::int64_t kOutputs = 2;   // O

struct Mlp {
  Variable w1, b1, w2, b2;

  Variable forward(const Variable& x) const {
    Variable h = tanh(matmul(x, w1) + b1);
    return matmul(h, w2) + b2;
  }
  std::vector<Variable> parameters() const { return {w1, b1, w2, b2}; }
};

Variable mse(const Variable& y_hat, const Variable& y) {
  return mean(square(y_hat - y));
}

// Weights scaled by 1/sqrt(fan_in) so tanh starts in its linear range.
Mlp make_mlp(Generator& gen) {
  auto param = [&](Shape shape, double scale) {
    return Variable(randn(shape, gen, DType::f64) * scale, /*requires_grad=*/true);
  };
  return {param({kInputs, kHidden}, 1 / std::sqrt(double(kInputs))), param({kHidden}, 0.1),
          param({kHidden, kOutputs}, 1 / std::sqrt(double(kHidden))), param({kOutputs}, 0.1)};
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  return amax(abs(a - b)).item<double>();
}

}  // namespace

int main() {
  Generator gen(0);
  // A regression task: the targets come from a fixed random "teacher" network.
  const Tensor x = randn({kSamples, kInputs}, gen, DType::f64);
  const Tensor teacher_w = randn({kInputs, kOutputs}, gen, DType::f64);
  const Tensor y = sin(matmul(x, teacher_w));
  Mlp mlp = make_mlp(gen);

  // --- Backprop by hand, with Tensor ops only --------------------------------
  const Tensor& w1 = mlp.w1.value();
  const Tensor& b1 = mlp.b1.value();
  const Tensor& w2 = mlp.w2.value();
  const Tensor& b2 = mlp.b2.value();
  const Tensor h = tanh(matmul(x, w1) + b1);
  const Tensor y_hat = matmul(h, w2) + b2;
  const double n_out = double(kSamples * kOutputs);
  // δ2 = ∂L/∂ŷ = 2 (ŷ − y) / (N·O)                                  [N, O]
  const Tensor delta2 = (y_hat - y) * (2.0 / n_out);
  // ∇W2 = hᵀ δ2: [H, N] x [N, O] -> [H, O];  ∇b2 = Σ_rows δ2         [O]
  const Tensor grad_w2 = matmul(transpose(h, 0, 1), delta2);
  const Tensor grad_b2 = sum(delta2, {0});
  // δ1 = (δ2 W2ᵀ) ⊙ (1 − h²): [N, O] x [O, H] -> [N, H], times tanh' = 1 − h²
  const Tensor delta1 = matmul(delta2, transpose(w2, 0, 1)) * (1.0 - h * h);
  // ∇W1 = xᵀ δ1: [D, N] x [N, H] -> [D, H];  ∇b1 = Σ_rows δ1         [H]
  const Tensor grad_w1 = matmul(transpose(x, 0, 1), delta1);
  const Tensor grad_b1 = sum(delta1, {0});

  // --- The same gradients by autograd ---------------------------------------
  Variable loss = mse(mlp.forward(x), y);
  loss.backward();

  std::cout << "loss = " << loss.item<double>() << "\n"
            << "max |manual - autograd| per parameter:\n"
            << std::scientific << std::setprecision(2);
  const double diffs[] = {
      max_abs_diff(grad_w1, mlp.w1.grad()), max_abs_diff(grad_b1, mlp.b1.grad()),
      max_abs_diff(grad_w2, mlp.w2.grad()), max_abs_diff(grad_b2, mlp.b2.grad())};
  const char* names[] = {"W1 [4, 8]", "b1 [8]   ", "W2 [8, 2]", "b2 [2]   "};
  double worst = 0;
  for (int k = 0; k < 4; ++k) {
    std::cout << "  " << names[k] << "  " << diffs[k] << "\n";
    worst = std::max(worst, diffs[k]);
  }
  const bool agree = worst < 1e-12;
  std::cout << (agree ? "the gradients agree\n\n" : "the gradients DISAGREE\n\n");

  // --- Training with a hand-written SGD loop --------------------------------
  std::cout << std::defaultfloat << std::setprecision(4);
  const double lr = 0.2;
  for (Variable& p : mlp.parameters()) p.zero_grad();
  for (int step = 0; step <= 500; ++step) {
    Variable loss_t = mse(mlp.forward(x), y);  // forward: records the graph
    loss_t.backward();                         // backward: fills every p.grad()
    {
      NoGradGuard no_grad;  // the update itself must not be recorded
      for (Variable& p : mlp.parameters()) {
        p.value().sub_(p.grad() * lr);  // w <- w - lr ∂L/∂w
        p.zero_grad();                  // gradients accumulate otherwise
      }
    }
    if (step % 100 == 0)
      std::cout << "step " << std::setw(3) << step << "  loss " << loss_t.item<double>() << "\n";
  }
  return agree ? 0 : 1;
}
