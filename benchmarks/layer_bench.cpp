// A large layer: nn::Linear 4096 -> 4096 on a batch of 256 f32 inputs, forward
// and backward (the input's, the weight's and the bias's gradients), on 1 and
// 2 threads. One iteration is one forward + backward. The libtorch counterpart
// is BM_TorchLinearLayer in benchmarks/torch/graph_torch.cpp.
#include <benchmark/benchmark.h>

#include "nabla.h"

namespace {

using namespace nabla;

void BM_LinearLayer(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  manual_seed(7);
  nn::Linear layer(4096, 4096);
  Variable x(randn({256, 4096}), true);
  const Tensor grad = randn({256, 4096});
  for (auto _ : state) {
    Variable y = layer(x);
    y.backward(grad);
    layer.zero_grad();
    x.zero_grad();
    benchmark::DoNotOptimize(y.value().raw_data());
  }
}
BENCHMARK(BM_LinearLayer)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// nabla's build (compiler, threads, kernels) in the JSON output's context,
// for benchmarks/compare_torch.py.
const bool kContext = [] {
  benchmark::AddCustomContext("nabla", build_info());
  return true;
}();

}  // namespace
