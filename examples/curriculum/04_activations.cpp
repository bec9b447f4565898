// Experiment 4, activations: each activation function and its derivative,
// computed by autograd (one backward of Σ f(x) gives f'(x) at every x), and
// the sigmoid and tanh with a slope λ, f(λx).
//
// The derivative bounds explain the vanishing gradients of deep sigmoid
// networks: σ' = σ (1 − σ) ≤ 1/4 (at x = 0), so each sigmoid layer shrinks a
// back-propagated gradient at least four-fold unless its weights are large;
// tanh' ≤ 1; the slope scales both bounds by λ. ReLU's derivative is exactly
// 0 or 1. Exits 1 when a measured bound disagrees with these.
//
//   04_activations --points 801 --range 5 --out runs/curriculum/04
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "curriculum.h"
#include "nabla.h"

using namespace nabla;
using curriculum::format;

namespace {

struct Curve {
  std::vector<double> y;
  std::vector<double> dy;
};

// f and f' at every x, f applied to a [points] f64 tensor.
Curve evaluate(nn::Activation activation, double slope, const std::vector<double>& x) {
  Variable v(from_vector(x), /*requires_grad=*/true);
  Variable y = nn::activate(activation, v, slope);
  sum(y).backward();
  return {y.value().to_vector<double>(), v.grad().to_vector<double>()};
}

double max_of(const std::vector<double>& v) {
  return *std::max_element(v.begin(), v.end());
}
double min_of(const std::vector<double>& v) {
  return *std::min_element(v.begin(), v.end());
}

}  // namespace

int main(int argc, char** argv) {
  curriculum::Args args(argc, argv, "Experiment 4: activation functions and their derivatives");
  const std::int64_t points = args.get_int("points", 801, "grid points (odd: x = 0 is one)");
  const double range = args.get_double("range", 5.0, "the grid spans [-range, range]");
  const std::filesystem::path out = args.get_string("out", "runs/curriculum/04", "plots go here");
  args.finish();
  std::filesystem::create_directories(out);

  std::vector<double> x(static_cast<std::size_t>(points));
  for (std::int64_t i = 0; i < points; ++i)
    x[static_cast<std::size_t>(i)] = -range + 2 * range * static_cast<double>(i) / (points - 1);
  const auto zero = static_cast<std::size_t>(points / 2);  // x = 0 for an odd count

  using nn::Activation;
  const std::vector<Activation> all = {Activation::sigmoid,    Activation::tanh, Activation::relu,
                                       Activation::leaky_relu, Activation::elu,  Activation::gelu,
                                       Activation::softplus};
  curriculum::Table table({"activation", "f(x) range on the grid", "min f'", "max f'", "f'(0)"});
  std::vector<plot::Curve> values, derivatives;
  curriculum::Checks checks;
  auto row = [&](const std::string& name, const Curve& c) {
    table.add({name, format("[%.3f, %.3f]", min_of(c.y), max_of(c.y)), format("%.4f", min_of(c.dy)),
               format("%.4f", max_of(c.dy)), format("%.4f", c.dy[zero])});
  };
  for (Activation a : all) {
    const Curve c = evaluate(a, 1.0, x);
    const std::string name(nn::name(a));
    row(name, c);
    values.push_back({name, x, c.y});
    derivatives.push_back({name, x, c.dy});
    if (a == Activation::sigmoid) {
      checks.expect(max_of(c.dy) <= 0.25 + 1e-12, "sigmoid' <= 0.25 everywhere");
      checks.expect(std::abs(c.dy[zero] - 0.25) < 1e-12, "sigmoid'(0) = 0.25, the maximum");
    }
    if (a == Activation::tanh) checks.expect(max_of(c.dy) <= 1 + 1e-12, "tanh' <= 1 everywhere");
    if (a == Activation::relu) {
      checks.expect(
          std::all_of(c.dy.begin(), c.dy.end(), [](double d) { return d == 0 || d == 1; }),
          "relu' is 0 or 1");
    }
  }

  // The slope λ: σ(λx) and tanh(λx).
  std::vector<plot::Curve> sig_values, sig_derivatives, tanh_values, tanh_derivatives;
  for (double slope : {0.5, 1.0, 2.0, 4.0}) {
    const std::string s = format("%g", slope);
    const Curve c = evaluate(Activation::sigmoid, slope, x);
    row("sigmoid λ=" + s, c);
    sig_values.push_back({"λ = " + s, x, c.y});
    sig_derivatives.push_back({"λ = " + s, x, c.dy});
    checks.expect(max_of(c.dy) <= 0.25 * slope + 1e-12, "sigmoid(λx)' <= λ/4 for λ = " + s);
    const Curve t = evaluate(Activation::tanh, slope, x);
    row("tanh λ=" + s, t);
    tanh_values.push_back({"λ = " + s, x, t.y});
    tanh_derivatives.push_back({"λ = " + s, x, t.dy});
    checks.expect(max_of(t.dy) <= slope + 1e-12, "tanh(λx)' <= λ for λ = " + s);
  }

  std::printf("Activations and their derivatives (by autograd) on %lld points in [%g, %g]\n\n",
              static_cast<long long>(points), -range, range);
  table.print();

  plot::plot_curves(
      {{.title = "activation functions", .x_label = "x", .y_label = "f(x)", .curves = values},
       {.title = "derivatives", .x_label = "x", .y_label = "f'(x)", .curves = derivatives}},
      out / "activations.png");
  plot::plot_curves(
      {{.title = "sigmoid(λx)", .x_label = "x", .curves = sig_values},
       {.title = "derivative: λ σ (1 − σ) ≤ λ/4", .x_label = "x", .curves = sig_derivatives},
       {.title = "tanh(λx)", .x_label = "x", .curves = tanh_values},
       {.title = "derivative: λ (1 − tanh²) ≤ λ", .x_label = "x", .curves = tanh_derivatives}},
      out / "slopes.png", {.width = 900, .height = 640});
  std::cout << "\nWrote activations.png and slopes.png in " << out.string() << "\n\n";
  return checks.status();
}
