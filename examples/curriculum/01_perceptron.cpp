// Experiment 1, the perceptron: a threshold unit y = step(w·x + b) trained
// with Rosenblatt's rule w ← w + η (t − y) x, b ← b + η (t − y).
//
// On linearly separable data the rule stops after finitely many updates
// (Novikoff: at most (R/γ)² with R the largest |(x, 1)| and γ the margin of a
// separating unit vector); on XOR no line separates the classes, so it never
// stops; a small MLP trained by backprop solves XOR. Exits 1 when any of the
// three is not what happened.
//
//   01_perceptron --n 200 --epochs 100 --mlp-epochs 300 --seed 1 --out runs/curriculum/01
#include <cmath>
#include <cstdio>
#include <vector>

#include "curriculum.h"
#include "nabla.h"

using namespace nabla;
using curriculum::format;

namespace {

struct Perceptron {
  double w0 = 0, w1 = 0, b = 0;
  int output(double x0, double x1) const { return w0 * x0 + w1 * x1 + b > 0 ? 1 : 0; }
};

struct RuleResult {
  std::int64_t updates = 0;
  std::int64_t epochs = 0;
  std::int64_t errors = 0;  // misclassified points after the last epoch
  bool converged = false;   // an epoch without any update
};

// Rosenblatt's rule with η = 1, sample by sample in a fixed order, until an
// epoch makes no update or max_epochs have run.
RuleResult train_perceptron(Perceptron& p,
                            const std::vector<double>& x,
                            const std::vector<std::int64_t>& t,
                            std::int64_t max_epochs) {
  RuleResult r;
  const std::size_t n = t.size();
  for (r.epochs = 1; r.epochs <= max_epochs; ++r.epochs) {
    std::int64_t updates = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const int error = static_cast<int>(t[i]) - p.output(x[2 * i], x[2 * i + 1]);
      if (error == 0) continue;
      p.w0 += error * x[2 * i];
      p.w1 += error * x[2 * i + 1];
      p.b += error;
      ++updates;
    }
    r.updates += updates;
    if (updates == 0) {
      r.converged = true;
      break;
    }
  }
  r.epochs = std::min(r.epochs, max_epochs);
  for (std::size_t i = 0; i < n; ++i) r.errors += p.output(x[2 * i], x[2 * i + 1]) != t[i];
  return r;
}

// The perceptron as a Linear(2, 1) whose output is w·x + b (class 1 where > 0),
// so plot_decision_boundary draws its line.
nn::Linear as_linear(const Perceptron& p) {
  nn::Linear layer(2, 1, {.dtype = DType::f64});
  layer.weight.value().copy_(from_vector(std::vector<double>{p.w0, p.w1}, Shape{2, 1}));
  layer.bias.value().copy_(from_vector(std::vector<double>{p.b}));
  return layer;
}

}  // namespace

int main(int argc, char** argv) {
  curriculum::Args args(argc, argv, "Experiment 1: the perceptron, separable data and XOR");
  const std::int64_t n = args.get_int("n", 200, "points per data set");
  const std::int64_t epochs = args.get_int("epochs", 100, "maximum perceptron epochs");
  const std::int64_t mlp_epochs = args.get_int("mlp-epochs", 300, "epochs of the XOR MLP");
  const auto seed = static_cast<std::uint64_t>(args.get_int("seed", 1, "random seed"));
  const int threads = static_cast<int>(
      args.get_int("threads", 1, "worker threads (the models are small: one is fastest)"));
  const std::filesystem::path out = args.get_string("out", "runs/curriculum/01", "plots go here");
  args.finish();
  std::filesystem::create_directories(out);
  set_num_threads(threads);
  manual_seed(seed);

  // Separable data: points uniform in [−1, 1]², labelled by the side of the
  // line 0.8 x0 − 0.6 x1 + 0.1 = 0 (a unit normal), keeping only points at
  // least γ = 0.1 away from it.
  Generator gen(seed);
  const double gamma = 0.1;
  std::vector<double> sx;
  std::vector<std::int64_t> st;
  double r2 = 0;
  while (static_cast<std::int64_t>(st.size()) < n) {
    const std::vector<double> p = (2.0 * rand({2}, gen, DType::f64) - 1.0).to_vector<double>();
    const double d = 0.8 * p[0] - 0.6 * p[1] + 0.1;
    if (std::abs(d) < gamma) continue;
    sx.insert(sx.end(), p.begin(), p.end());
    st.push_back(d > 0 ? 1 : 0);
    r2 = std::max(r2, p[0] * p[0] + p[1] * p[1] + 1.0);  // |(x, 1)|²
  }
  // With the bias as a weight on a constant input 1, (0.8, −0.6, 0.1) / |·|
  // separates the augmented points with margin γ / |(0.8, −0.6, 0.1)|.
  const double margin = gamma / std::sqrt(1.0 + 0.01);
  const double bound = r2 / (margin * margin);
  const data::Dataset separable(from_vector(sx, Shape{n, 2}), from_vector(st));

  // XOR: the four quadrants, label 1 where the signs differ.
  const data::Dataset xor_set = data::datasets::xor_data(
      {.n_per_quadrant = std::max<std::int64_t>(1, n / 4), .seed = seed, .dtype = DType::f64});
  const std::vector<double> xx = xor_set.inputs(DType::f64).to_vector<double>();
  const std::vector<std::int64_t> xt = xor_set.targets().to_vector<std::int64_t>();

  Perceptron on_separable;
  const RuleResult a = train_perceptron(on_separable, sx, st, epochs);
  Perceptron on_xor;
  const RuleResult b = train_perceptron(on_xor, xx, xt, epochs);

  // An MLP with one hidden tanh layer, trained by backprop.
  nn::Sequential mlp(nn::Linear(2, 8, {.activation = nn::Activation::tanh, .dtype = DType::f64}),
                     nn::Linear(8, 2, {.dtype = DType::f64}));
  optim::Adam adam(mlp.named_parameters(), {.lr = 0.05});
  train::fit(mlp, nn::CrossEntropyLoss{}, adam, xor_set,
             {.epochs = mlp_epochs, .batch_size = 32, .seed = seed, .verbose = 0});
  const double mlp_accuracy =
      train::evaluate(mlp, nn::CrossEntropyLoss{}, xor_set, {.metrics = {"accuracy"}})
          .at("accuracy");
  const auto mlp_errors =
      static_cast<std::int64_t>(std::lround((1.0 - mlp_accuracy) * xor_set.size()));

  curriculum::Table table({"data", "model", "epochs", "updates", "errors", "accuracy"});
  auto accuracy = [](std::int64_t errors, std::int64_t size) {
    return format("%.3f", 1.0 - static_cast<double>(errors) / static_cast<double>(size));
  };
  table.add({"separable", "perceptron", std::to_string(a.epochs), std::to_string(a.updates),
             std::to_string(a.errors), accuracy(a.errors, n)});
  table.add({"XOR", "perceptron", std::to_string(b.epochs), std::to_string(b.updates),
             std::to_string(b.errors), accuracy(b.errors, xor_set.size())});
  table.add({"XOR", "MLP 2-8-2 (tanh)", std::to_string(mlp_epochs), "-", std::to_string(mlp_errors),
             format("%.3f", mlp_accuracy)});
  std::cout << "The perceptron learning rule (η = 1) and an MLP trained by backprop\n\n";
  table.print();
  std::printf(
      "\nNovikoff's bound on the separable data: (R/γ)² = %.0f updates (R = %.3f, γ = %.4f)\n",
      bound, std::sqrt(r2), margin);

  nn::Linear line_a = as_linear(on_separable);
  nn::Linear line_b = as_linear(on_xor);
  plot::plot_decision_boundary(
      line_a, separable, out / "perceptron_separable.png",
      {.resolution = 100, .threshold = 0, .title = "Perceptron on separable data"});
  plot::plot_decision_boundary(
      line_b, xor_set, out / "perceptron_xor.png",
      {.resolution = 100, .threshold = 0, .title = "Perceptron on XOR (last line)"});
  plot::plot_decision_boundary(mlp, xor_set, out / "mlp_xor.png",
                               {.resolution = 100, .title = "MLP 2-8-2 on XOR"});
  std::cout << "Wrote perceptron_separable.png, perceptron_xor.png and mlp_xor.png in "
            << out.string() << "\n\n";

  curriculum::Checks checks;
  checks.expect(a.converged && a.errors == 0,
                "the perceptron separates the separable data in finitely many updates");
  checks.expect(static_cast<double>(a.updates) <= bound, "within Novikoff's bound (R/γ)²");
  checks.expect(!b.converged && b.errors > 0, "the perceptron never separates XOR");
  checks.expect(mlp_accuracy >= 0.95, "the MLP solves XOR (accuracy >= 0.95)");
  return checks.status();
}
