// Curriculum experiment 10: the learning rate.
//
// One MLP on the two-spiral task trained with SGD + momentum under five
// learning-rate policies — constant, step decay, exponential decay, cosine
// annealing and ReduceLROnPlateau — from the same initial weights; then the
// learning-rate range test (train::lr_find), which sweeps the learning rate
// exponentially over a few hundred batches and suggests the one where the
// smoothed loss falls fastest, and a run at that suggestion.
//
// Usage: 10_learning_rate [--epochs N] [--samples N] [--steps N] [--out DIR]
// Exits 1 when the range test leaves the model or the optimizer changed, its
// suggestion is not below the learning rate of the lowest loss, or training
// at the suggestion does not lower the loss by at least a fifth.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
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

std::shared_ptr<nn::Sequential> make_model() {
  Generator gen(3);
  const auto he = nn::init::he_normal(std::numbers::sqrt2, nn::init::FanMode::fan_in, &gen);
  return std::make_shared<nn::Sequential>(
      nn::Linear(2, 64, {.activation = nn::Activation::relu, .weight_initializer = he}),
      nn::Linear(64, 64, {.activation = nn::Activation::relu, .weight_initializer = he}),
      nn::Linear(64, 2, {.weight_initializer = he}));
}

bool same_bytes(const StateDict& a, const StateDict& b) {
  if (a.keys() != b.keys()) return false;
  for (const auto& [key, t] : a) {
    const Tensor& u = b.at(key);
    if (t.dtype() != u.dtype() || t.shape() != u.shape()) return false;
    const std::vector<double> x = t.to(DType::f64).to_vector<double>();
    const std::vector<double> y = u.to(DType::f64).to_vector<double>();
    if (std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) != 0) return false;
  }
  return true;
}

struct Policy {
  std::string name;
  // Makes the policy's callback for an optimizer; null: constant.
  std::function<std::shared_ptr<callbacks::Callback>(optim::Optimizer&)> make;
};

}  // namespace

int main(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  curriculum::Args args(argc, argv, "Learning-rate schedules side by side, and the LR range test.");
  const auto epochs = args.get_int("epochs", 60, "training epochs");
  const auto samples = args.get_int("samples", 400, "samples in the data set");
  const auto steps = args.get_int("steps", 300, "batches of the LR range test");
  const double base_lr = 0.05;
  const std::filesystem::path out =
      args.get_string("out", "runs/10_learning_rate", "directory of the plots");
  args.finish();
  std::filesystem::create_directories(out);

  const data::Dataset set =
      data::datasets::two_spirals({.n_per_class = samples / 2, .noise = 0.1, .seed = 2});
  using callbacks::LearningRateScheduler;
  const std::vector<Policy> policies = {
      {"constant", nullptr},
      {"step (x0.3 every 20 epochs)",
       [](optim::Optimizer& o) {
         return std::make_shared<LearningRateScheduler>(std::make_shared<optim::StepLR>(
             o, optim::StepLROptions{.step_size = 20, .gamma = 0.3}));
       }},
      {"exponential (x0.96 per epoch)",
       [](optim::Optimizer& o) {
         return std::make_shared<LearningRateScheduler>(
             std::make_shared<optim::ExponentialLR>(o, optim::ExponentialLROptions{.gamma = 0.96}));
       }},
      {"cosine annealing",
       [epochs](optim::Optimizer& o) {
         return std::make_shared<LearningRateScheduler>(std::make_shared<optim::CosineAnnealingLR>(
             o, optim::CosineAnnealingLROptions{.t_max = epochs}));
       }},
      {"ReduceLROnPlateau (x0.5, patience 3)",
       [](optim::Optimizer&) {
         return std::make_shared<callbacks::ReduceLROnPlateau>(
             callbacks::ReduceLROnPlateauOptions{.monitor = "loss", .factor = 0.5, .patience = 3});
       }},
  };

  std::printf(
      "Two spirals (%lld points), MLP 2-64-64-2 (ReLU), SGD momentum 0.9, base lr %g, "
      "%lld epochs\n\n",
      static_cast<long long>(set.size()), base_lr, static_cast<long long>(epochs));
  std::printf("%-38s %10s %12s %12s %10s\n", "policy", "final lr", "loss ep 10", "final loss",
              "accuracy");
  std::vector<plot::Curve> lr_curves, loss_curves;
  for (const Policy& p : policies) {
    auto model = make_model();
    optim::SGD sgd(model->parameters(), {.lr = base_lr, .momentum = 0.9});
    std::vector<std::shared_ptr<callbacks::Callback>> cbs;
    if (p.make) cbs.push_back(p.make(sgd));
    const metrics::History h = train::fit(*model, nn::CrossEntropyLoss{}, sgd, set,
                                          {.epochs = epochs,
                                           .batch_size = 32,
                                           .seed = 1,
                                           .metrics = {"accuracy"},
                                           .callbacks = cbs,
                                           .verbose = 0});
    const std::vector<double> loss = h["loss"];
    std::printf("%-38s %10.2e %12.4f %12.4f %10.3f\n", p.name.c_str(), h["lr"].back(),
                loss[std::min<std::size_t>(9, loss.size() - 1)], loss.back(), h["accuracy"].back());
    std::vector<double> e_axis;
    for (std::size_t e = 0; e < loss.size(); ++e) e_axis.push_back(static_cast<double>(e + 1));
    lr_curves.push_back({p.name, e_axis, h["lr"]});
    loss_curves.push_back({p.name, e_axis, loss});
  }
  plot::plot_curves({{.title = "Learning rate per epoch",
                      .x_label = "epoch",
                      .y_label = "lr",
                      .log_y = true,
                      .legend = plot::Legend::bottom_left,
                      .curves = lr_curves}},
                    out / "schedules.png", {.width = 720});
  plot::plot_curves({{.title = "Training loss per policy",
                      .x_label = "epoch",
                      .y_label = "loss",
                      .log_y = true,
                      .legend = plot::Legend::bottom_left,
                      .curves = loss_curves}},
                    out / "losses.png", {.width = 720});

  // ---- The range test.
  auto model = make_model();
  optim::SGD sgd(model->parameters(), {.lr = base_lr, .momentum = 0.9});
  const StateDict model_before = model->state_dict().clone();
  const StateDict sgd_before = sgd.state_dict();
  const train::LrFindResult found =
      train::lr_find(*model, nn::CrossEntropyLoss{}, sgd, set,
                     {.start_lr = 1e-5, .end_lr = 10, .num_steps = steps, .batch_size = 32});
  const bool restored =
      same_bytes(model->state_dict(), model_before) && same_bytes(sgd.state_dict(), sgd_before);
  plot::plot_lr_find(found.lrs, found.losses, found.smoothed, out / "lr_find.png",
                     {.suggested_lr = found.suggested_lr});

  sgd.set_lr(found.suggested_lr);
  const metrics::History h = train::fit(
      *model, nn::CrossEntropyLoss{}, sgd, set,
      {.epochs = epochs, .batch_size = 32, .seed = 1, .metrics = {"accuracy"}, .verbose = 0});
  std::printf("\nLR range test: %zu batches from 1e-05 to 10%s\n", found.lrs.size(),
              found.diverged ? " (stopped when the loss diverged)" : "");
  std::printf("%-44s %10s\n", "rule", "lr");
  std::printf("%-44s %10.3g\n", "steepest descent of the smoothed loss", found.suggested_lr);
  std::printf("%-44s %10.3g\n", "lowest smoothed loss", found.min_loss_lr);
  std::printf("%-44s %10.3g\n", "lowest smoothed loss / 10", found.min_loss_lr / 10);
  std::printf("model and optimizer restored byte for byte: %s\n", restored ? "yes" : "NO");
  std::printf("training %lld epochs at the suggested lr: loss %.4f -> %.4f, accuracy %.3f\n",
              static_cast<long long>(epochs), h["loss"].front(), h["loss"].back(),
              h["accuracy"].back());

  bool ok = true;
  if (!restored) {
    std::printf("FAILED: lr_find changed the model or the optimizer\n");
    ok = false;
  }
  if (!(found.suggested_lr < found.min_loss_lr)) {
    std::printf("FAILED: the suggestion is not below the lr of the lowest loss\n");
    ok = false;
  }
  if (!(h["loss"].back() < 0.8 * h["loss"].front())) {
    std::printf("FAILED: training at the suggested lr did not lower the loss by a fifth\n");
    ok = false;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\nPlots: %s/schedules.png, losses.png, lr_find.png (%.1f s)\n", out.string().c_str(),
              seconds);
  return ok ? 0 : 1;
}
