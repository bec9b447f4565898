// Curriculum experiment 5: vanishing gradients.
//
// Stacks of 1, 10 and 20 hidden layers of 32 sigmoid or tanh units with
// weights drawn from U(−0.5, 0.5), against 20 layers of ReLU with He
// initialisation, and 20 sigmoid layers with residual connections, with
// batch normalisation, and with both. For each: the gradient norm of every
// layer at initialisation (nn::layer_stats; table and log-scale plot) and
// the training curve on two concentric circles (SGD with momentum).
//
// Backpropagation multiplies the gradient by Wᵀ·diag(σ'(z)) once per layer,
// and σ' ≤ 1/4: through 20 sigmoid layers the gradient shrinks by orders of
// magnitude and the first layers stop learning. A skip connection adds an
// identity path (∂(x + f(x))/∂x = I + ∂f/∂x), and batch normalisation keeps
// the pre-activations where σ' is large.
//
// Usage: 05_vanishing_gradients [--epochs N] [--samples N] [--out DIR]
// Exits 1 unless the 20-layer sigmoid stack's first-layer gradient norm is
// below 1e-3 times its last layer's at initialisation, and residual + batch
// norm trains the 20-layer sigmoid stack (accuracy >= 0.9) where the plain one
// stays near chance.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <numbers>
#include <string>

#include "curriculum.h"
#include "nabla.h"

using namespace nabla;

namespace {

constexpr std::int64_t kWidth = 32;

enum class Style { plain, residual, batch_norm, residual_batch_norm };

struct Config {
  std::string name;
  nn::Activation activation;
  std::int64_t depth;
  Style style = Style::plain;
  bool he = false;  // He-normal weights instead of U(−0.5, 0.5)
};

// Input layer 2 -> 32, `depth` − 1 further hidden layers (or blocks), output 32 -> 2.
std::shared_ptr<nn::Sequential> build(const Config& c, Generator& gen) {
  const nn::init::Initializer weights =
      c.he ? nn::init::he_normal(std::numbers::sqrt2, nn::init::FanMode::fan_in, &gen)
           : nn::init::uniform(-0.5, 0.5, &gen);
  auto model = std::make_shared<nn::Sequential>();
  model->add(nn::Linear(2, kWidth, {.activation = c.activation, .weight_initializer = weights}));
  for (std::int64_t l = 1; l < c.depth; ++l) {
    switch (c.style) {
      case Style::plain:
        model->add(nn::Linear(kWidth, kWidth,
                              {.activation = c.activation, .weight_initializer = weights}));
        break;
      case Style::residual:
        model->add(nn::Residual(nn::Linear(
            kWidth, kWidth, {.activation = c.activation, .weight_initializer = weights})));
        break;
      case Style::batch_norm:
        model->add(nn::Linear(kWidth, kWidth, {.weight_initializer = weights}));
        model->add(nn::BatchNorm1d(kWidth));
        model->add(nn::Activate(c.activation));
        break;
      case Style::residual_batch_norm:
        model->add(
            nn::Residual(nn::Sequential(nn::Linear(kWidth, kWidth, {.weight_initializer = weights}),
                                        nn::BatchNorm1d(kWidth), nn::Activate(c.activation))));
        break;
    }
  }
  model->add(nn::Linear(kWidth, 2, {.weight_initializer = weights}));
  return model;
}

struct Outcome {
  std::vector<nn::LayerStats> at_init;
  double first = 0, last = 0;  // gradient norms of the first and the last Linear
  std::vector<double> accuracy;
};

Outcome run(const Config& c, const data::Dataset& set, std::int64_t epochs) {
  Generator gen(11);
  std::shared_ptr<nn::Sequential> model = build(c, gen);
  Outcome o;
  o.at_init =
      nn::layer_stats(*model, Variable(set.inputs()), set.targets(), nn::CrossEntropyLoss{});
  std::vector<double> linear_norms;
  for (const nn::LayerStats& row : o.at_init) {
    if (row.kind.starts_with("Linear")) linear_norms.push_back(row.grad_norm);
  }
  o.first = linear_norms.front();
  o.last = linear_norms.back();
  optim::SGD sgd(model->parameters(), {.lr = 0.05, .momentum = 0.9});
  const metrics::History history = train::fit(
      *model, nn::CrossEntropyLoss{}, sgd, set,
      {.epochs = epochs, .batch_size = 32, .seed = 5, .metrics = {"accuracy"}, .verbose = 0});
  o.accuracy = history["accuracy"];
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  curriculum::Args args(argc, argv,
                        "Per-layer gradient norms of deep sigmoid, tanh, ReLU, residual and "
                        "BatchNorm stacks, and their training.");
  const auto epochs = args.get_int("epochs", 40, "training epochs");
  const auto samples = args.get_int("samples", 512, "samples in the data set");
  const std::filesystem::path out =
      args.get_string("out", "runs/05_vanishing_gradients", "directory of the plots");
  args.finish();
  std::filesystem::create_directories(out);

  const data::Dataset set = data::datasets::circles(
      {.n_per_class = samples / 2, .factor = 0.5, .noise = 0.05, .seed = 1});
  using nn::Activation;
  const std::vector<Config> configs = {
      {"sigmoid, 1 layer", Activation::sigmoid, 1},
      {"sigmoid, 10 layers", Activation::sigmoid, 10},
      {"sigmoid, 20 layers", Activation::sigmoid, 20},
      {"tanh, 1 layer", Activation::tanh, 1},
      {"tanh, 10 layers", Activation::tanh, 10},
      {"tanh, 20 layers", Activation::tanh, 20},
      {"ReLU + He, 20 layers", Activation::relu, 20, Style::plain, true},
      {"sigmoid + residual, 20", Activation::sigmoid, 20, Style::residual},
      {"sigmoid + BatchNorm, 20", Activation::sigmoid, 20, Style::batch_norm},
      {"sigmoid + residual + BN, 20", Activation::sigmoid, 20, Style::residual_batch_norm},
  };
  std::vector<Outcome> outcomes;
  for (const Config& c : configs) outcomes.push_back(run(c, set, epochs));

  std::printf(
      "Gradient norms at initialisation (hidden width %lld, weights U(-0.5, 0.5) unless "
      "He), and training on %lld points of two circles (SGD, momentum 0.9, lr 0.05, "
      "%lld epochs)\n\n",
      static_cast<long long>(kWidth), static_cast<long long>(set.size()),
      static_cast<long long>(epochs));
  std::printf("%-28s %14s %14s %12s %10s %10s\n", "network", "|g| 1st layer", "|g| last layer",
              "1st / last", "acc. ep 5", "acc. last");
  for (std::size_t i = 0; i < configs.size(); ++i) {
    const Outcome& o = outcomes[i];
    std::printf("%-28s %14.3e %14.3e %12.2e %10.3f %10.3f\n", configs[i].name.c_str(), o.first,
                o.last, o.first / o.last,
                o.accuracy[std::min<std::size_t>(4, o.accuracy.size() - 1)], o.accuracy.back());
  }

  // Plots: gradient norm per layer at initialisation; accuracy per epoch.
  std::vector<std::pair<std::string, std::vector<nn::LayerStats>>> runs;
  // The Linear layers only, so that stacks with and without BatchNorm line up.
  for (std::size_t i : {2, 5, 6, 7, 8, 9}) {
    std::vector<nn::LayerStats> linear;
    for (const nn::LayerStats& row : outcomes[i].at_init) {
      if (row.kind.starts_with("Linear")) linear.push_back(row);
    }
    runs.push_back({configs[i].name, linear});
  }
  plot::plot_layer_stats(runs, out / "gradient_norms.png",
                         {.title = "Gradient norm per Linear layer at initialisation (20 layers)",
                          .legend = plot::Legend::bottom_right,
                          .width = 800});
  plot::Panel training{.title = "Training accuracy",
                       .x_label = "epoch",
                       .y_label = "accuracy",
                       .legend = plot::Legend::bottom_right};
  for (std::size_t i : {1, 2, 5, 6, 7, 8, 9}) {
    plot::Curve s{configs[i].name, {}, outcomes[i].accuracy, plot::Style::line_points};
    for (std::size_t e = 0; e < s.y.size(); ++e) s.x.push_back(static_cast<double>(e + 1));
    training.curves.push_back(std::move(s));
  }
  plot::plot_curves({training}, out / "training.png", {.width = 800});

  // The lessons that are facts.
  bool ok = true;
  const Outcome& deep_sigmoid = outcomes[2];
  const Outcome& fixed = outcomes[9];
  if (!(deep_sigmoid.first < 1e-3 * deep_sigmoid.last)) {
    std::printf(
        "FAILED: the 20-layer sigmoid stack's first-layer gradient is not 1000 times "
        "smaller than its last layer's\n");
    ok = false;
  }
  if (!(fixed.accuracy.back() >= 0.9) || !(deep_sigmoid.accuracy.back() < 0.7)) {
    std::printf(
        "FAILED: expected residual + BN to train the 20-layer sigmoid stack (>= 0.9) and "
        "the plain stack to stall (< 0.7)\n");
    ok = false;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\nPlots: %s/gradient_norms.png, training.png (%.1f s)\n", out.string().c_str(),
              seconds);
  return ok ? 0 : 1;
}
