// Experiment 9, optimizers: SGD, momentum, Nesterov, Adagrad, RMSprop,
// Adadelta, Adam and NAdam on Rosenbrock's valley,
//   f(x, y) = (1 − x)² + 100 (y − x²)²,  minimum f(1, 1) = 0,
// from (−1.2, 1), with their paths drawn over its contours; then the same
// optimizers training an MLP on two spirals.
//
// The valley is steep across and nearly flat along: plain SGD must take a
// small step to stay stable across it and then crawls along it; momentum
// builds up speed along the valley; the adaptive methods (Adagrad, RMSprop,
// Adam) divide each coordinate's step by its own gradient scale, so steep
// and flat directions move at similar speeds. Each optimizer has its own
// learning rate (the table says which); they are reasonable choices, not the
// best ones. Exits 1 when an optimizer ends above its starting point on the
// surface or when Adam does not get within 0.1 of the minimum.
//
//   09_optimizers --steps 3000 --epochs 150 --seed 1 --out runs/curriculum/09
#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "curriculum.h"
#include "nabla.h"

using namespace nabla;
using curriculum::format;

namespace {

struct Choice {
  std::string name;
  double surface_lr;  // on Rosenbrock's function
  double mlp_lr;      // on the MLP
};

std::unique_ptr<optim::Optimizer> make_optimizer(const std::string& name,
                                                 std::vector<Variable> params,
                                                 double lr) {
  if (name == "SGD") return std::make_unique<optim::SGD>(params, optim::SGDOptions{.lr = lr});
  if (name == "momentum")
    return std::make_unique<optim::SGD>(params, optim::SGDOptions{.lr = lr, .momentum = 0.9});
  if (name == "Nesterov")
    return std::make_unique<optim::SGD>(
        params, optim::SGDOptions{.lr = lr, .momentum = 0.9, .nesterov = true});
  if (name == "Adagrad")
    return std::make_unique<optim::Adagrad>(params, optim::AdagradOptions{.lr = lr});
  if (name == "RMSprop")
    return std::make_unique<optim::RMSprop>(params, optim::RMSpropOptions{.lr = lr});
  if (name == "Adadelta")
    return std::make_unique<optim::Adadelta>(params, optim::AdadeltaOptions{.lr = lr});
  if (name == "Adam") return std::make_unique<optim::Adam>(params, optim::AdamOptions{.lr = lr});
  return std::make_unique<optim::NAdam>(params, optim::NAdamOptions{.lr = lr});
}

double rosenbrock(double x, double y) {
  return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
}

}  // namespace

int main(int argc, char** argv) {
  curriculum::Args args(argc, argv, "Experiment 9: optimizers on Rosenbrock's valley and an MLP");
  const std::int64_t steps = args.get_int("steps", 3000, "steps on Rosenbrock's function");
  const std::int64_t epochs = args.get_int("epochs", 150, "epochs of the MLP");
  const auto seed = static_cast<std::uint64_t>(args.get_int("seed", 1, "random seed"));
  const int threads = static_cast<int>(
      args.get_int("threads", 1, "worker threads (the models are small: one is fastest)"));
  const std::filesystem::path out = args.get_string("out", "runs/curriculum/09", "plots go here");
  args.finish();
  std::filesystem::create_directories(out);
  set_num_threads(threads);

  const std::vector<Choice> choices = {{"SGD", 1e-3, 0.1},       {"momentum", 2e-4, 0.05},
                                       {"Nesterov", 2e-4, 0.05}, {"Adagrad", 0.5, 0.05},
                                       {"RMSprop", 1e-2, 2e-3},  {"Adadelta", 1.0, 1.0},
                                       {"Adam", 0.05, 5e-3},     {"NAdam", 0.05, 5e-3}};
  const double x0 = -1.2, y0 = 1.0;

  // Rosenbrock's function: two scalar Variables and their paths.
  curriculum::Table surface(
      {"optimizer", "lr", "final x", "final y", "f(x, y)", "distance to (1, 1)", "first f < 0.01"});
  std::vector<plot::Curve> paths, surface_curves;
  curriculum::Checks checks;
  for (const Choice& c : choices) {
    Variable x(from_vector(std::vector<double>{x0}), true);
    Variable y(from_vector(std::vector<double>{y0}), true);
    auto opt = make_optimizer(c.name, {x, y}, c.surface_lr);
    plot::Curve path{c.name, {x0}, {y0}};
    plot::Curve curve{c.name, {0}, {rosenbrock(x0, y0)}};
    std::int64_t first_below = -1;
    for (std::int64_t step = 1; step <= steps; ++step) {
      Variable f = square(1.0 - x) + 100.0 * square(y - square(x));
      opt->zero_grad();
      sum(f).backward();
      opt->step();
      const double xv = x.value().item<double>(), yv = y.value().item<double>();
      path.x.push_back(xv);
      path.y.push_back(yv);
      curve.x.push_back(static_cast<double>(step));
      curve.y.push_back(rosenbrock(xv, yv));
      if (first_below < 0 && curve.y.back() < 0.01) first_below = step;
    }
    const double xv = path.x.back(), yv = path.y.back();
    const double distance = std::hypot(xv - 1, yv - 1);
    surface.add({c.name, format("%g", c.surface_lr), format("%.4f", xv), format("%.4f", yv),
                 format("%.3g", rosenbrock(xv, yv)), format("%.4f", distance),
                 first_below < 0 ? std::string("never") : std::to_string(first_below)});
    checks.expect(rosenbrock(xv, yv) < rosenbrock(x0, y0), c.name + " descends the surface");
    if (c.name == "Adam") checks.expect(distance < 0.1, "Adam ends within 0.1 of the minimum");
    paths.push_back(path);
    surface_curves.push_back(curve);
  }
  std::printf("Rosenbrock's function from (%g, %g), %lld steps\n\n", x0, y0,
              static_cast<long long>(steps));
  surface.print();

  std::vector<double> levels;
  for (double level = 0.25; level < 3000; level *= 4) levels.push_back(level);
  plot::plot_contour(rosenbrock, paths, out / "rosenbrock_paths.png",
                     {.x_min = -1.5,
                      .x_max = 1.5,
                      .y_min = -0.5,
                      .y_max = 2,
                      .resolution = 120,
                      .levels = levels,
                      .title = "Rosenbrock's function: optimizer paths",
                      .width = 760,
                      .height = 560});
  plot::plot_curves({{.title = "Rosenbrock's function along the path",
                      .x_label = "step",
                      .y_label = "f(x, y)",
                      .log_y = true,
                      .legend = plot::Legend::outside_right,
                      .curves = surface_curves}},
                    out / "rosenbrock_loss.png", {.width = 560, .height = 400});

  // The same optimizers on an MLP.
  const data::Dataset spirals =
      data::datasets::two_spirals({.n_per_class = 200, .noise = 0.1, .seed = seed});
  curriculum::Table mlp_table({"optimizer", "lr", "loss epoch 1", "final loss", "accuracy"});
  std::vector<plot::Curve> mlp_curves;
  for (const Choice& c : choices) {
    manual_seed(seed);
    nn::Sequential model(nn::Linear(2, 32, {.activation = nn::Activation::tanh}),
                         nn::Linear(32, 32, {.activation = nn::Activation::tanh}),
                         nn::Linear(32, 2));
    auto opt = make_optimizer(c.name, model.parameters(), c.mlp_lr);
    const metrics::History history = train::fit(
        model, nn::CrossEntropyLoss{}, *opt, spirals,
        {.epochs = epochs, .batch_size = 32, .seed = seed, .metrics = {"accuracy"}, .verbose = 0});
    const std::vector<double> loss = history["loss"];
    std::vector<double> epoch_axis;
    for (std::size_t e = 1; e <= loss.size(); ++e) epoch_axis.push_back(static_cast<double>(e));
    mlp_table.add({c.name, format("%g", c.mlp_lr), format("%.4f", loss.front()),
                   format("%.4f", loss.back()), format("%.3f", history["accuracy"].back())});
    mlp_curves.push_back({c.name, epoch_axis, loss});
  }
  std::printf("\nMLP 2-32-32-2 (tanh) on two spirals (%lld points), %lld epochs, batch 32\n\n",
              static_cast<long long>(spirals.size()), static_cast<long long>(epochs));
  mlp_table.print();
  plot::plot_curves({{.title = "MLP on two spirals",
                      .x_label = "epoch",
                      .y_label = "training loss",
                      .log_y = true,
                      .legend = plot::Legend::outside_right,
                      .curves = mlp_curves}},
                    out / "mlp_loss.png", {.width = 560, .height = 400});
  std::cout << "\nWrote rosenbrock_paths.png, rosenbrock_loss.png and mlp_loss.png in "
            << out.string() << "\n\n";
  return checks.status();
}
