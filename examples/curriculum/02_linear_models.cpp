// Curriculum experiment 2: linear models.
//
// Part 1, regression: the least-squares weights of a linear neuron, solved
// in one step by LAPACK (nabla::lstsq), against gradient descent on the
// neuron's SSE, batch (one step per epoch on the whole set) and online (the
// delta rule, one step per sample). Batch gradient descent converges to the
// least-squares W; the online rule with a constant learning rate keeps
// jittering around it on noisy data, and converges to it exactly when the
// data are noise-free (every sample then agrees with W).
//
// Part 2, classification: one linear layer on three Gaussian blobs, with
// softmax + cross-entropy against sigmoid outputs + SSE, from the same large
// initial weights. Sigmoid units saturated on the wrong side (output near 0
// where the target is 1) have σ'(z) ≈ 0 and hardly learn; cross-entropy's
// gradient (y − t)·x has no σ' factor.
//
// Usage: 02_linear_models [--epochs N] [--samples N] [--out DIR]
// Exits 1 when least squares and batch gradient descent (or the online rule
// on noise-free data) differ by more than 1e-6, or when softmax + CE does not
// learn faster than sigmoid + SSE (80% training accuracy first).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include "curriculum.h"
#include "nabla.h"

using namespace nabla;

namespace {

// "--name value" pairs.
// The weights [w; b] of a Linear(F, 1) as one column [F + 1].
Tensor stacked(const nn::Linear& neuron) {
  return cat({reshape(neuron.weight.value(), {-1}), reshape(neuron.bias.value(), {-1})}, 0);
}

double distance(const Tensor& a, const Tensor& b) {
  return max(abs(a - b)).item<double>();
}

struct DescentRun {
  std::vector<double> epochs, distances;
  Tensor w;
};

// Gradient descent on SSE (½ Σ_k (y − t)² per sample, averaged over a batch)
// from zero weights; records max |W − W_ls| after each epoch.
DescentRun descend(const data::Dataset& set,
                   std::int64_t batch_size,
                   double lr,
                   std::int64_t epochs,
                   const Tensor& w_ls) {
  nn::Linear neuron(set.num_features(), 1,
                    {.weight_initializer = nn::init::zeros(), .dtype = DType::f64});
  optim::SGD sgd(neuron.parameters(), {.lr = lr});
  DescentRun run;
  for (std::int64_t e = 0; e < epochs; ++e) {
    train::fit(
        neuron, nn::SSELoss{}, sgd, set,
        {.epochs = e + 1, .batch_size = batch_size, .seed = 1, .verbose = 0, .initial_epoch = e});
    run.epochs.push_back(static_cast<double>(e + 1));
    run.distances.push_back(std::max(distance(stacked(neuron), w_ls), 1e-17));
  }
  run.w = stacked(neuron);
  return run;
}

Tensor least_squares(const data::Dataset& set) {
  const Tensor x = set.inputs(DType::f64);
  const Tensor design = cat({x, ones({x.size(0), 1}, DType::f64)}, 1);  // [n, F + 1]
  return reshape(lstsq(design, set.targets()), {-1});
}

struct ClassifierRun {
  std::vector<double> accuracy;
  double saturated_at_start = 0;  // sigmoid only
};

ClassifierRun classify(const data::Dataset& set, bool softmax, std::int64_t epochs, double lr) {
  Generator gen(7);
  nn::Linear layer(2, 3,
                   {.weight_initializer = nn::init::normal(0.0, 3.0, &gen), .dtype = DType::f64});
  optim::SGD sgd(layer.parameters(), {.lr = lr});
  const Tensor one_hot = data::one_hot(set.targets(), 3, {.dtype = DType::f64});
  const data::Dataset coded = set.with_targets(one_hot);
  ClassifierRun run;
  if (!softmax) {
    NoGradGuard no_grad;
    const Tensor y = sigmoid(layer(Variable(set.inputs(DType::f64))).value());
    // Wrong-side saturation: σ' < 0.01 while |y − t| > 0.5.
    const Tensor wrong = gt(abs(y - one_hot), 0.5) * lt(y * (1.0 - y), 0.01);
    run.saturated_at_start = mean(wrong.to(DType::f64)).item<double>();
  }
  for (std::int64_t e = 0; e < epochs; ++e) {
    if (softmax) {
      train::fit(layer, nn::CrossEntropyLoss{}, sgd, set,
                 {.epochs = e + 1, .batch_size = 16, .seed = 2, .verbose = 0, .initial_epoch = e});
    } else {
      train::fit(layer,
                 [](const Variable& z, const Tensor& t) { return nn::sse_loss(sigmoid(z), t); },
                 sgd, coded,
                 {.epochs = e + 1, .batch_size = 16, .seed = 2, .verbose = 0, .initial_epoch = e});
    }
    const Tensor predicted = train::predict_classes(layer, set.inputs(DType::f64));
    run.accuracy.push_back(mean(eq(predicted, set.targets()).to(DType::f64)).item<double>());
  }
  return run;
}

std::int64_t epochs_to_reach(const std::vector<double>& accuracy, double target) {
  for (std::size_t e = 0; e < accuracy.size(); ++e) {
    if (accuracy[e] >= target) return static_cast<std::int64_t>(e + 1);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  curriculum::Args args(argc, argv,
                        "Least squares against gradient descent on a linear neuron; softmax + "
                        "cross-entropy against sigmoid + SSE.");
  const auto epochs = args.get_int("epochs", 60, "training epochs");
  const auto samples = args.get_int("samples", 200, "samples in the data set");
  const std::filesystem::path out =
      args.get_string("out", "runs/02_linear_models", "directory of the plots");
  args.finish();
  std::filesystem::create_directories(out);
  bool ok = true;

  // ---- Part 1: least squares against gradient descent.
  const std::vector<double> w_true = {2.0, -1.0, 0.5};
  const data::Dataset noisy = data::datasets::linear_regression({.n = samples,
                                                                 .weights = w_true,
                                                                 .bias = 0.3,
                                                                 .noise = 0.2,
                                                                 .seed = 3,
                                                                 .dtype = DType::f64})
                                  .data;
  const data::Dataset clean = data::datasets::linear_regression({.n = samples,
                                                                 .weights = w_true,
                                                                 .bias = 0.3,
                                                                 .noise = 0.0,
                                                                 .seed = 3,
                                                                 .dtype = DType::f64})
                                  .data;
  const Tensor ls_noisy = least_squares(noisy);
  const Tensor ls_clean = least_squares(clean);
  const DescentRun batch = descend(noisy, samples, 0.5, epochs, ls_noisy);
  const DescentRun online = descend(noisy, 1, 0.02, epochs, ls_noisy);
  const DescentRun online_clean = descend(clean, 1, 0.02, epochs, ls_clean);

  std::printf("Part 1: a linear neuron y = x·w + b on %lld samples (w = [2, -1, 0.5], b = 0.3)\n\n",
              static_cast<long long>(samples));
  std::printf("%-34s %9s %9s %9s %9s %14s\n", "method", "w1", "w2", "w3", "b", "max|W - W_ls|");
  const auto row = [](const char* name, const Tensor& w, double d) {
    const std::vector<double> v = w.to_vector<double>();
    std::printf("%-34s %9.5f %9.5f %9.5f %9.5f %14.2e\n", name, v[0], v[1], v[2], v[3], d);
  };
  row("least squares (lstsq), noisy", ls_noisy, 0.0);
  row("batch GD (lr 0.5), noisy", batch.w, batch.distances.back());
  row("online delta rule (lr 0.02), noisy", online.w, online.distances.back());
  row("least squares (lstsq), noise-free", ls_clean, 0.0);
  row("online delta rule, noise-free", online_clean.w, online_clean.distances.back());
  std::printf(
      "\n(%lld epochs; batch GD takes one step per epoch, the online rule one per sample)\n",
      static_cast<long long>(epochs));
  if (batch.distances.back() > 1e-6 || online_clean.distances.back() > 1e-6) {
    std::printf("FAILED: gradient descent did not reach the least-squares W within 1e-6\n");
    ok = false;
  }
  using plot::Style;
  plot::plot_curves(
      {{.title = "Gradient descent against the least-squares solution",
        .x_label = "epoch",
        .y_label = "max |W - W_ls|",
        .log_y = true,
        .curves = {{"batch GD, noisy data", batch.epochs, batch.distances, Style::line_points},
                   {"online delta rule, noisy data", online.epochs, online.distances,
                    Style::line_points},
                   {"online delta rule, noise-free data", online_clean.epochs,
                    online_clean.distances, Style::line_points}}}},
      out / "distance_to_least_squares.png");

  // ---- Part 2: softmax + cross-entropy against sigmoid + SSE.
  const data::Dataset blobs = data::datasets::blobs({.n_per_class = samples / 2,
                                                     .centers = {{-2, 0}, {2, 0}, {0, 2.5}},
                                                     .std = 1.0,
                                                     .seed = 4,
                                                     .dtype = DType::f64});
  const std::int64_t class_epochs = std::max<std::int64_t>(epochs / 2, 5);
  const ClassifierRun ce = classify(blobs, true, class_epochs, 0.1);
  const ClassifierRun sse = classify(blobs, false, class_epochs, 0.1);
  const std::int64_t ce_reach = epochs_to_reach(ce.accuracy, 0.8);
  const std::int64_t sse_reach = epochs_to_reach(sse.accuracy, 0.8);

  std::printf(
      "\nPart 2: one linear layer, 3 Gaussian blobs (%lld samples), initial weights "
      "N(0, 3^2), SGD lr 0.1\n\n",
      static_cast<long long>(blobs.size()));
  std::printf("%-26s %14s %14s %14s %18s\n", "outputs + loss", "acc. epoch 1", "acc. epoch 5",
              "acc. last", "epochs to 80%");
  const auto class_row = [](const char* name, const ClassifierRun& r, std::int64_t reach) {
    std::printf("%-26s %14.3f %14.3f %14.3f %18s\n", name, r.accuracy[0],
                r.accuracy[std::min<std::size_t>(4, r.accuracy.size() - 1)], r.accuracy.back(),
                reach < 0 ? "not reached" : std::to_string(reach).c_str());
  };
  class_row("softmax + cross-entropy", ce, ce_reach);
  class_row("sigmoid + SSE", sse, sse_reach);
  std::printf(
      "\nAt the start %.1f%% of the sigmoid outputs are saturated on the wrong side "
      "(|y - t| > 0.5 and y(1 - y) < 0.01): their gradient is almost 0.\n",
      100 * sse.saturated_at_start);
  std::vector<double> e_axis;
  for (std::size_t e = 0; e < ce.accuracy.size(); ++e) e_axis.push_back(static_cast<double>(e + 1));
  plot::plot_curves(
      {{.title = "Linear classifier: softmax + CE against sigmoid + SSE",
        .x_label = "epoch",
        .y_label = "training accuracy",
        .legend = plot::Legend::bottom_right,
        .curves = {{"softmax + cross-entropy", e_axis, ce.accuracy, Style::line_points},
                   {"sigmoid + SSE", e_axis, sse.accuracy, Style::line_points}}}},
      out / "classifier_accuracy.png");
  if (!(ce_reach > 0 && (sse_reach < 0 || ce_reach < sse_reach))) {
    std::printf("FAILED: softmax + cross-entropy did not reach 80%% before sigmoid + SSE\n");
    ok = false;
  }

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\nPlots: %s/distance_to_least_squares.png, classifier_accuracy.png (%.1f s)\n",
              out.string().c_str(), seconds);
  return ok ? 0 : 1;
}
