// Curriculum experiment 11: hyperparameter search.
//
// An MLP on the two-moons task whose hidden size, learning rate, L2 penalty
// and dropout are chosen by k-fold cross-validation (train::cross_validate):
// first a grid search over every combination of a few values, then a random
// search drawing the learning rate and the L2 weight log-uniformly (each
// decade as likely), with early stopping in each fold. Both print the trials
// ranked by mean held-out accuracy, mean ± std over the folds; the folds run
// on two threads, each with its own model, and give the same numbers as on
// one.
//
// Usage: 11_hyperparameters [--samples N] [--epochs N] [--folds K]
//                           [--trials N] [--threads N] [--out DIR]
// Exits 1 when the ranking is not sorted, the best trial's accuracy is below
// 0.8, or the random search gives different numbers on one thread.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <numbers>
#include <string>

#include "curriculum.h"
#include "nabla.h"

using namespace nabla;

namespace {

// A trial: MLP 2 → hidden → hidden → 2 (ReLU, He init), dropout after each
// hidden layer, L2 on the weights, SGD with momentum; every random draw from `seed`.
train::TrialFactory make_factory(std::int64_t epochs) {
  return [epochs](const train::Params& p, std::uint64_t seed) {
    Generator gen(seed);
    const auto hidden = static_cast<std::int64_t>(p.at("hidden"));
    const auto he = nn::init::he_normal(std::numbers::sqrt2, nn::init::FanMode::fan_in, &gen);
    const nn::Regularizer l2 = p.at("l2") > 0 ? nn::l2(p.at("l2")) : nn::Regularizer{};
    auto model = std::make_shared<nn::Sequential>(
        nn::Linear(2, hidden,
                   {.activation = nn::Activation::relu,
                    .weight_initializer = he,
                    .weight_regularizer = l2}),
        nn::Dropout({.p = p.at("dropout"), .seed = seed + 1}),
        nn::Linear(hidden, hidden,
                   {.activation = nn::Activation::relu,
                    .weight_initializer = he,
                    .weight_regularizer = l2}),
        nn::Dropout({.p = p.at("dropout"), .seed = seed + 2}),
        nn::Linear(hidden, 2, {.weight_initializer = he, .weight_regularizer = l2}));
    auto sgd = std::make_shared<optim::SGD>(model->parameters(),
                                            optim::SGDOptions{.lr = p.at("lr"), .momentum = 0.9});
    return train::TrialSetup{
        model, sgd, nn::CrossEntropyLoss{}, {.epochs = epochs, .batch_size = 32, .seed = seed}};
  };
}

bool ranked(const train::SearchResult& r) {
  for (std::size_t i = 1; i < r.trials.size(); ++i) {
    if (r.trials[i].cv.mean > r.trials[i - 1].cv.mean) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  curriculum::Args args(argc, argv,
                        "Grid and random search with k-fold cross-validation: a ranked table.");
  const auto samples = args.get_int("samples", 300, "samples in the data set");
  const auto epochs = args.get_int("epochs", 40, "training epochs");
  const auto folds = args.get_int("folds", 4, "folds of the cross-validation");
  const auto trials = args.get_int("trials", 12, "trials of the random search");
  const int threads =
      static_cast<int>(args.get_int("threads", 2, "threads running trials side by side"));
  const std::filesystem::path out =
      args.get_string("out", "runs/11_hyperparameters", "directory of the plots");
  args.finish();
  std::filesystem::create_directories(out);

  const data::Dataset set =
      data::datasets::moons({.n_per_class = samples / 2, .noise = 0.3, .seed = 8});
  const train::TrialFactory factory = make_factory(epochs);
  const train::CrossValidationOptions cv{
      .k = folds, .stratify = true, .seed = 1, .metric = "accuracy", .threads = threads};

  std::printf(
      "Two moons (%lld points, noise 0.3), MLP 2-h-h-2, SGD momentum 0.9, %lld epochs, "
      "%lld-fold stratified cross-validation, %d threads\n\n",
      static_cast<long long>(set.size()), static_cast<long long>(epochs),
      static_cast<long long>(folds), threads);
  const train::SearchResult grid = train::grid_search(
      factory, set,
      {{"hidden", {8, 32}}, {"lr", {0.01, 0.1}}, {"l2", {0, 1e-3}}, {"dropout", {0, 0.2}}},
      {.cv = cv});
  std::printf("Grid search: %zu combinations\n", grid.trials.size());
  train::print_search_result(std::cout, grid, 8);

  train::CrossValidationOptions random_cv = cv;
  random_cv.patience = 5;
  const std::map<std::string, train::Distribution> space = {
      {"hidden", train::Distribution::choice({4, 8, 16, 32, 64})},
      {"lr", train::Distribution::log_uniform(1e-3, 0.5)},
      {"l2", train::Distribution::log_uniform(1e-6, 1e-2)},
      {"dropout", train::Distribution::uniform(0, 0.5)}};
  const train::SearchResult random =
      train::random_search(factory, set, space, {.n_trials = trials, .seed = 4, .cv = random_cv});
  std::printf(
      "\nRandom search: %lld trials (lr and l2 log-uniform), early stopping (patience 5) "
      "on a fifth of each fold's training rows\n",
      static_cast<long long>(trials));
  train::print_search_result(std::cout, random, 8);

  // The same search on one thread: the same numbers.
  train::CrossValidationOptions one_thread = random_cv;
  one_thread.threads = 1;
  const train::SearchResult again = train::random_search(
      factory, set, space,
      {.n_trials = std::min<std::int64_t>(trials, 3), .seed = 4, .cv = one_thread});
  bool same = true;
  for (const auto& t : again.trials) {
    for (const auto& u : random.trials) {
      if (u.params == t.params && u.cv.scores != t.cv.scores) same = false;
    }
  }
  std::printf("\nThe first trials again on one thread: %s\n",
              same ? "the same scores, bit for bit" : "DIFFERENT scores");

  // Mean accuracy against the learning rate, one point per random trial.
  plot::Curve points{"random trials", {}, {}, plot::Style::points, 1.2};
  for (const auto& t : random.trials) {
    points.x.push_back(t.params.at("lr"));
    points.y.push_back(t.cv.mean);
  }
  plot::plot_curves({{.title = "Random search: cross-validated accuracy against lr",
                      .x_label = "learning rate",
                      .y_label = "mean held-out accuracy",
                      .log_x = true,
                      .legend = plot::Legend::bottom_right,
                      .curves = {points}}},
                    out / "random_search.png");

  bool ok = same && ranked(grid) && ranked(random);
  if (!(grid.best().cv.mean >= 0.8)) {
    std::printf("FAILED: the best grid trial reaches only %.3f\n", grid.best().cv.mean);
    ok = false;
  }
  if (!ok) std::printf("FAILED: see above\n");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\nPlot: %s/random_search.png (%.1f s)\n", out.string().c_str(), seconds);
  return ok ? 0 : 1;
}
