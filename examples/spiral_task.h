// The two-spiral task (the TensorFlow playground's hardest data set) trained
// with fit: shared by examples/spiral.cpp and by the Fashion-MNIST demo, which
// falls back to it when the data set is not installed.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "nabla.h"

/// Trains a 2-32-32-2 tanh MLP on two noisy spirals for `epochs` epochs, prints
/// the accuracy on training and held-out points and writes the decision
/// boundary to out/spiral_boundary.png. Returns 0 on success, 1 when the
/// held-out accuracy is below `min_accuracy` (a process exit code).
inline int run_spiral_task(const std::filesystem::path& out,
                           std::uint64_t seed,
                           std::int64_t epochs = 300,
                           double min_accuracy = 0.0) {
  using namespace nabla;
  manual_seed(seed);
  const data::Dataset train_set =
      data::datasets::two_spirals({.n_per_class = 200, .noise = 0.1, .seed = seed});
  const data::Dataset test_set =
      data::datasets::two_spirals({.n_per_class = 200, .noise = 0.1, .seed = seed + 1});

  nn::Sequential model(nn::Linear(2, 32, {.activation = nn::Activation::tanh}),
                       nn::Linear(32, 32, {.activation = nn::Activation::tanh}), nn::Linear(32, 2));
  std::cout << model << "\n";
  optim::Adam adam(model.named_parameters(), {.lr = 0.02});
  const metrics::History history = train::fit(model, nn::CrossEntropyLoss{}, adam, train_set,
                                               {.epochs = epochs,
                                                .batch_size = 64,
                                                .seed = seed,
                                                .validation_data = &test_set,
                                                .metrics = {"accuracy"},
                                                .verbose = 0});
  const metrics::Logs train_logs =
      train::evaluate(model, nn::CrossEntropyLoss{}, train_set, {.metrics = {"accuracy"}});
  const metrics::Logs test_logs =
      train::evaluate(model, nn::CrossEntropyLoss{}, test_set, {.metrics = {"accuracy"}});
  std::printf("two spirals after %lld epochs: training accuracy %.3f, held-out accuracy %.3f\n",
              static_cast<long long>(history.size()), train_logs.at("accuracy"),
              test_logs.at("accuracy"));
  std::filesystem::create_directories(out);
  plot::plot_decision_boundary(model, train_set, out / "spiral_boundary.png");
  plot::plot_history(history, out / "spiral_history.png");
  std::cout << "Wrote " << (out / "spiral_boundary.png").string() << " and spiral_history.png\n";
  if (test_logs.at("accuracy") < min_accuracy) {
    std::printf("held-out accuracy %.3f is below the expected %.3f\n", test_logs.at("accuracy"),
                min_accuracy);
    return 1;
  }
  return 0;
}
