// The node-wise gradient check (nn::check_nodes) of the Fashion-MNIST MLP
// 784-256-128-10 with ReLU on a batch of 128 f32 inputs and softmax
// cross-entropy, on 1 thread: BM_NodeCheck/projections:1 is the default check
// (one random projection per checked input, two f64 replays of the forward
// each), projections:3 the same with three. For scale, BM_ForwardBackward times
// one forward and backward of the same model in f32. The timings depend on the
// shapes only, so the inputs are random rather than the dataset's images.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "nabla.h"

namespace {

using nabla::Tensor;
using nabla::Variable;
namespace nn = nabla::nn;

constexpr std::int64_t kBatch = 128;

nn::Sequential make_model() {
  return nn::Sequential(nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 128), nn::ReLU(),
                        nn::Linear(128, 10));
}

void BM_NodeCheck(benchmark::State& state) {
  nabla::set_num_threads(1);
  nabla::manual_seed(7);
  nn::Sequential model = make_model();
  const Tensor x = nabla::randn({kBatch, 784});
  const Tensor labels = nabla::randint(0, 10, {kBatch});
  nabla::autograd::NodeCheckOptions options;
  options.projections = static_cast<int>(state.range(0));
  std::size_t replays = 0;
  for (auto _ : state) {
    const nabla::autograd::NodeCheckResult result = nn::check_nodes(
        model, [&] { return nn::cross_entropy(model(x), labels); }, options);
    if (!result.ok) state.SkipWithError("the node check failed on a correct model");
    replays = result.replays;
  }
  state.counters["replays"] = static_cast<double>(replays);
}
BENCHMARK(BM_NodeCheck)
    ->ArgName("projections")
    ->Arg(1)
    ->Arg(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_ForwardBackward(benchmark::State& state) {
  nabla::set_num_threads(1);
  nabla::manual_seed(7);
  nn::Sequential model = make_model();
  const Tensor x = nabla::randn({kBatch, 784});
  const Tensor labels = nabla::randint(0, 10, {kBatch});
  for (auto _ : state) {
    Variable loss = nn::cross_entropy(model(x), labels);
    loss.backward();
    benchmark::DoNotOptimize(loss.value().raw_data());
  }
}
BENCHMARK(BM_ForwardBackward)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
