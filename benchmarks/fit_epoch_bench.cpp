// One epoch of train::fit on Fashion-MNIST: 60,000 images in 469 batches of
// 128, MLP 784-256-128-10 (ReLU), softmax cross-entropy, Adam (lr 1e-3),
// shuffled, with the accuracy metric and the progress bar (whose output is
// discarded), on 1 and 2 threads. The images stay bytes; each batch is
// standardized as it is gathered. One iteration is one epoch. Skipped when the
// data set is not installed.
#include <benchmark/benchmark.h>

#include <iostream>
#include <memory>
#include <sstream>

#include "nabla.h"

namespace {

using namespace nabla;

const data::Dataset* training_set() {
  static const std::unique_ptr<data::Dataset> set = []() -> std::unique_ptr<data::Dataset> {
    if (!data::datasets::fashion_mnist_available()) return nullptr;
    data::StandardScaler scaler;
    return std::make_unique<data::Dataset>(
        scaler.fit_transform(data::datasets::fashion_mnist().train));
  }();
  return set.get();
}

void BM_FitEpoch(benchmark::State& state) {
  const data::Dataset* train_set = training_set();
  if (train_set == nullptr) {
    state.SkipWithError("Fashion-MNIST is not installed (dataset-fashion-mnist)");
    return;
  }
  set_num_threads(static_cast<int>(state.range(0)));
  manual_seed(7);
  nn::Sequential model(nn::Linear(784, 256, {.activation = nn::Activation::relu}),
                       nn::Linear(256, 128, {.activation = nn::Activation::relu}),
                       nn::Linear(128, 10));
  optim::Adam adam(model.named_parameters(), {.lr = 1e-3});
  std::ostringstream sink;  // the progress bar's lines
  std::streambuf* const out = std::cout.rdbuf(sink.rdbuf());
  std::int64_t epoch = 0;
  for (auto _ : state) {
    metrics::History history = train::fit(
        model, nn::CrossEntropyLoss{}, adam, *train_set,
        {.epochs = epoch + 1, .batch_size = 128, .metrics = {"accuracy"}, .initial_epoch = epoch});
    benchmark::DoNotOptimize(history);
    ++epoch;
    sink.str("");
  }
  std::cout.rdbuf(out);
  state.counters["steps"] = 469;
}
BENCHMARK(BM_FitEpoch)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
