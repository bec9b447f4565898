// Whether threads ever hurt: the same workloads on 1 thread and on the default
// thread count (threads:0), for benchmarks/thread_check.py, which runs them on
// an idle machine and beside a CPU-bound process and compares the two counts.
// - BM_Step: a training step of the MLP 784-256-128-10 (ReLU, cross-entropy,
//   Adam) at batch 1, 16, 128 and 512;
// - BM_SmallFit: one epoch of fit of a 64-unit MLP on 1,024 samples of 64
//   features (10 classes, batches of 32, accuracy metric);
// - BM_Add, BM_Exp, BM_Sum, BM_SumRows, BM_Softmax: element-wise ops and
//   reductions from 1,000 to 10 million elements.
// Times are wall-clock (UseRealTime): waiting for a thread is the point.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "nabla.h"

namespace {

using namespace nabla;

// threads:0 is the default count (NABLA_NUM_THREADS, OMP_NUM_THREADS, or the
// CPUs of the process), found once before any benchmark changes it.
int thread_count(std::int64_t arg) {
  static const int default_count = get_num_threads();
  return arg == 0 ? default_count : static_cast<int>(arg);
}

void BM_Step(benchmark::State& state) {
  set_num_threads(thread_count(state.range(0)));
  const std::int64_t batch = state.range(1);
  manual_seed(7);
  nn::Sequential model(nn::Linear(784, 256, {.activation = nn::Activation::relu}),
                       nn::Linear(256, 128, {.activation = nn::Activation::relu}),
                       nn::Linear(128, 10));
  optim::Adam adam(model.parameters(), {.lr = 1e-3});
  const Variable x(randn({batch, 784}));
  const Tensor labels = randint(0, 10, {batch});
  for (auto _ : state) {
    Variable loss = nn::cross_entropy(model(x), labels);
    adam.zero_grad();
    loss.backward();
    adam.step();
    benchmark::DoNotOptimize(loss.value().raw_data());
  }
}
BENCHMARK(BM_Step)
    ->ArgNames({"threads", "batch"})
    ->ArgsProduct({{1, 0}, {1, 16, 128, 512}})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void BM_SmallFit(benchmark::State& state) {
  set_num_threads(thread_count(state.range(0)));
  Generator gen(3);
  const Tensor x = randn({1024, 64}, gen);
  const Tensor y = argmax(matmul(x, randn({64, 10}, gen)), 1);
  const data::Dataset dataset(x, y);
  manual_seed(7);
  nn::Sequential model(nn::Linear(64, 64, {.activation = nn::Activation::relu}),
                       nn::Linear(64, 10));
  optim::Adam adam(model.named_parameters(), {.lr = 1e-3});
  std::int64_t epoch = 0;
  for (auto _ : state) {
    metrics::History history = train::fit(model, nn::CrossEntropyLoss{}, adam, dataset,
                                          {.epochs = epoch + 1,
                                           .batch_size = 32,
                                           .metrics = {"accuracy"},
                                           .verbose = 0,
                                           .initial_epoch = epoch});
    benchmark::DoNotOptimize(history);
    ++epoch;
  }
}
BENCHMARK(BM_SmallFit)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(0)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void sizes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"threads", "n"});
  for (std::int64_t n : {1'000, 10'000, 100'000, 1'000'000, 10'000'000})
    for (std::int64_t t : {1, 0}) b->Args({t, n});
  b->UseRealTime();
}

void BM_Add(benchmark::State& state) {
  set_num_threads(thread_count(state.range(0)));
  const Tensor a = randn({state.range(1)}), b = randn({state.range(1)});
  for (auto _ : state) benchmark::DoNotOptimize(add(a, b).raw_data());
}
BENCHMARK(BM_Add)->Apply(sizes);

void BM_Exp(benchmark::State& state) {
  set_num_threads(thread_count(state.range(0)));
  const Tensor a = randn({state.range(1)});
  for (auto _ : state) benchmark::DoNotOptimize(exp(a).raw_data());
}
BENCHMARK(BM_Exp)->Apply(sizes);

void BM_Sum(benchmark::State& state) {
  set_num_threads(thread_count(state.range(0)));
  const Tensor a = randn({state.range(1)});
  for (auto _ : state) benchmark::DoNotOptimize(sum(a).raw_data());
}
BENCHMARK(BM_Sum)->Apply(sizes);

// Row sums of [n / 100, 100]: many short reductions.
void BM_SumRows(benchmark::State& state) {
  set_num_threads(thread_count(state.range(0)));
  const Tensor a = randn({state.range(1) / 100, 100});
  for (auto _ : state) benchmark::DoNotOptimize(sum(a, {1}).raw_data());
}
BENCHMARK(BM_SumRows)->Apply(sizes);

// Softmax over rows of 1,000 classes.
void BM_Softmax(benchmark::State& state) {
  set_num_threads(thread_count(state.range(0)));
  const Tensor a = randn({state.range(1) / 1000, 1000});
  for (auto _ : state) benchmark::DoNotOptimize(softmax(a, 1).raw_data());
}
BENCHMARK(BM_Softmax)->Apply(sizes);

}  // namespace
