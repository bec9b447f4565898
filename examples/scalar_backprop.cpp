// Backprop on scalars, micrograd-style: one neuron o = tanh(x1 w1 + x2 w2 + b)
// built from named scalar Variables. The backward pass runs with the trace on,
// so every node prints the gradient it receives and the gradients it sends to
// its inputs; then each gradient is printed next to its value derived by hand
// with the chain rule, and the graph is exported to Graphviz DOT (and rendered
// to runs/scalar_backprop.png when Graphviz is installed).
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <string>

#include "nabla.h"

namespace {

// A scalar leaf that requires grad, named so the trace and the graph show it.
nabla::Variable scalar(double value, const std::string& name) {
  nabla::Variable v(nabla::full({}, value, nabla::DType::f64), /*requires_grad=*/true);
  v.set_name(name);
  return v;
}

}  // namespace

int main() {
  using namespace nabla;

  // The inputs, the weights and a bias chosen so that n is about 0.8814 and
  // o = tanh(n) about 0.7071 = 1/sqrt(2), which makes 1 - o^2 exactly 1/2.
  Variable x1 = scalar(2.0, "x1");
  Variable x2 = scalar(0.0, "x2");
  Variable w1 = scalar(-3.0, "w1");
  Variable w2 = scalar(1.0, "w2");
  Variable b = scalar(6.8813735870195432, "b");

  // Forward: every intermediate gets a name, so the trace below can say which
  // value each gradient belongs to.
  Variable x1w1 = (x1 * w1).set_name("x1*w1");
  Variable x2w2 = (x2 * w2).set_name("x2*w2");
  Variable s = (x1w1 + x2w2).set_name("x1*w1 + x2*w2");
  Variable n = (s + b).set_name("n");
  Variable o = tanh(n).set_name("o");
  std::cout << std::setprecision(6) << "n = " << n.item<double>()
            << ", o = tanh(n) = " << o.item<double>() << "\n\n";

  // Backward with the trace: the nodes run in reverse creation order.
  o.backward({.trace = &std::cout});

  // The same gradients by hand. do/dn = 1 - tanh(n)^2 = 1 - o^2; an addition
  // passes its gradient unchanged to both inputs, so do/d(x1*w1) = do/db = do/dn;
  // a product sends each input the gradient times the other input.
  const double o_value = o.item<double>();
  const double do_dn = 1 - o_value * o_value;
  struct Row {
    const char* name;
    const Variable& v;
    double by_hand;
    const char* formula;
  };
  const Row rows[] = {
      {"x1", x1, w1.item<double>() * do_dn, "w1 (1 - o^2)"},
      {"w1", w1, x1.item<double>() * do_dn, "x1 (1 - o^2)"},
      {"x2", x2, w2.item<double>() * do_dn, "w2 (1 - o^2)"},
      {"w2", w2, x2.item<double>() * do_dn, "x2 (1 - o^2)"},
      {"b", b, do_dn, "1 - o^2"},
  };
  std::cout << "\ngradient   autograd    by hand     formula\n";
  bool agree = true;
  for (const Row& row : rows) {
    std::cout << "do/d" << std::left << std::setw(6) << row.name << std::right << std::setw(9)
              << row.v.grad().item<double>() << std::setw(12) << row.by_hand << "     "
              << row.formula << "\n";
    agree = agree && std::abs(row.v.grad().item<double>() - row.by_hand) < 1e-12;
  }

  // The graph as Graphviz DOT: boxes are ops, blue ellipses the leaves.
  std::filesystem::create_directories("runs");
  autograd::write_dot(o, "runs/scalar_backprop.dot");
  std::cout << "\nwrote runs/scalar_backprop.dot";
  if (autograd::render_dot("runs/scalar_backprop.dot", "runs/scalar_backprop.png")) {
    std::cout << " and runs/scalar_backprop.png\n";
  } else {
    std::cout << " (install Graphviz to render it: dot -Tpng runs/scalar_backprop.dot -o "
                 "runs/scalar_backprop.png)\n";
  }
  return agree ? 0 : 1;
}
