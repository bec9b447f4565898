// Explain mode: backprop told node by node. Two graphs run inside an
// autograd::ExplainGuard, which prints, for each node in the order the engine
// runs it, its output value, the gradient it received, its local derivative
// rule (from the op registry), and what it sends to each input, with the
// numbers plugged into the rule:
//   1. one neuron o = tanh(x1·w1 + x2·w2 + b) on named scalars, where the
//      input x1 feeds two ops, so its gradient is the sum of two parts;
//   2. a 2-2-1 network (nn::Sequential) with a squared-error loss, explained
//      for its output layer only (module "2"), and drawn with values,
//      gradients, rules and modules to runs/explain_backward.dot (and .png
//      when Graphviz is installed).
// The program checks the gradients against the chain rule worked out by hand
// and exits 1 if one differs.
#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>

#include "nabla.h"

namespace {

using namespace nabla;

Variable scalar(double value, const std::string& name) {
  Variable v(full({}, value, DType::f64), /*requires_grad=*/true);
  v.set_name(name);
  return v;
}

bool near(double a, double b) {
  return std::abs(a - b) < 1e-12;
}

// o = tanh(x1·w1 + x2·w2 + b) + x1 (x1 used twice). By hand, with
// n = x1·w1 + x2·w2 + b and 1 − o_t² the derivative of the tanh:
// do/dx1 = w1 (1 − tanh(n)²) + 1, do/dw1 = x1 (1 − tanh(n)²), do/db = 1 − tanh(n)².
bool neuron() {
  autograd::ExplainGuard explain(std::cout);
  Variable x1 = scalar(2.0, "x1");
  Variable x2 = scalar(0.0, "x2");
  Variable w1 = scalar(-3.0, "w1");
  Variable w2 = scalar(1.0, "w2");
  Variable b = scalar(6.8813735870195432, "b");  // tanh(n) = 1/√2, so 1 − tanh² = 1/2
  Variable n = (x1 * w1 + x2 * w2 + b).set_name("n");
  Variable t = tanh(n).set_name("t");
  Variable o = (t + x1).set_name("o");
  o.backward();
  const double dt = 1 - t.item<double>() * t.item<double>();
  return near(x1.grad().item<double>(), -3.0 * dt + 1) && near(w1.grad().item<double>(), 2 * dt) &&
         near(x2.grad().item<double>(), 1.0 * dt) && near(w2.grad().item<double>(), 0.0) &&
         near(b.grad().item<double>(), dt);
}

// The output layer of a 2-2-1 network, explained, and the whole net drawn.
bool network() {
  nn::Sequential model(nn::Linear(2, 2, {.dtype = DType::f64}), nn::Tanh(),
                       nn::Linear(2, 1, {.dtype = DType::f64}));
  const auto output = model.at<nn::Linear>(2);
  {
    NoGradGuard no_grad;
    model.at<nn::Linear>(0)->weight.value().copy_(
        from_vector(std::vector<double>{0.5, -0.3, 0.2, 0.8}, {2, 2}));
    output->weight.value().copy_(from_vector(std::vector<double>{1.0, -1.5}, {2, 1}));
    output->bias.value().fill_(0.2);
  }
  const Tensor x = from_vector(std::vector<double>{1.0, 2.0}, {1, 2});
  const Tensor target = from_vector(std::vector<double>{0.5}, {1, 1});

  std::cout << "\n";
  autograd::ExplainGuard explain(std::cout, {.module = "2"});
  Variable loss = nn::mse_loss(model(x), target).set_name("loss");
  loss.backward();

  std::filesystem::create_directories("runs");
  autograd::write_dot(loss, "runs/explain_backward.dot",
                      {.show_values = true,
                       .show_grads = true,
                       .show_rules = true,
                       .module_clusters = true,
                       .mark_parameters = true});
  const bool png = autograd::render_dot("runs/explain_backward.dot", "runs/explain_backward.png");
  std::cout << "\nwrote runs/explain_backward.dot" << (png ? " and runs/explain_backward.png" : "")
            << "\n";

  // By hand: h = tanh(x·W1 + b1), y = h·W2 + b2, L = (y − t)²:
  // ∂L/∂W2 = hᵀ · 2(y − t), ∂L/∂b2 = 2(y − t).
  const auto hidden = model.at<nn::Linear>(0);
  const Tensor h = tanh(matmul(x, hidden->weight.value()) + hidden->bias.value());
  const Tensor y = matmul(h, output->weight.value()) + output->bias.value();
  const Tensor dy = 2.0 * (y - target);
  const Tensor dw = matmul(transpose(h, 0, 1), dy);
  return amax(abs(output->weight.grad() - dw)).item<double>() < 1e-12 &&
         near(output->bias.grad().item<double>(), dy.item<double>());
}

}  // namespace

int main() {
  const bool neuron_ok = neuron();
  const bool network_ok = network();
  if (!neuron_ok) std::cout << "the neuron's gradients differ from the ones by hand\n";
  if (!network_ok) std::cout << "the network's gradients differ from the ones by hand\n";
  return neuron_ok && network_ok ? 0 : 1;
}
