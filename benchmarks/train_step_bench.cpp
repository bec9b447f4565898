// One training step of an MLP 784-256-128-10 with ReLU on a batch of 128 f32
// inputs: forward, softmax cross-entropy, backward and an Adam update
// (lr 1e-3), on 1 and 2 threads, written as a user writes it with nn:: and
// optim::. BM_TrainStep/bn:1 adds BatchNorm1d and Dropout(0.2) after each
// hidden layer (Linear -> BatchNorm1d -> ReLU -> Dropout). One iteration is one
// step, so the reported time is the time per step. The libtorch counterpart is
// benchmarks/torch/train_step_torch.cpp (see docs/benchmarks.md).
// BM_AdamStep times the optimizer step alone.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "nabla.h"

namespace {

using nabla::Tensor;
using nabla::Variable;
namespace nn = nabla::nn;
namespace optim = nabla::optim;

constexpr std::int64_t kBatch = 128;

nn::Sequential make_model(bool bn) {
  nn::Sequential model;
  const std::int64_t sizes[] = {784, 256, 128, 10};
  for (int l = 0; l < 3; ++l) {
    model.add(nn::Linear(sizes[l], sizes[l + 1]));
    if (l == 2) break;
    if (bn) model.add(nn::BatchNorm1d(sizes[l + 1]));
    model.add(nn::ReLU());
    if (bn) model.add(nn::Dropout({.p = 0.2, .seed = 7}));
  }
  return model;
}

void BM_TrainStep(benchmark::State& state) {
  nabla::set_num_threads(static_cast<int>(state.range(0)));
  const bool bn = state.range(1) != 0;
  nabla::manual_seed(7);
  nn::Sequential model = make_model(bn);
  model.train();
  optim::Adam adam(model.parameters(), {.lr = 1e-3});
  const Variable x(nabla::randn({kBatch, 784}));
  const Tensor labels = nabla::randint(0, 10, {kBatch});
  for (auto _ : state) {
    Variable loss = nn::cross_entropy(model(x), labels);
    adam.zero_grad();
    loss.backward();
    adam.step();
    benchmark::DoNotOptimize(loss.value().raw_data());
  }
}
BENCHMARK(BM_TrainStep)
    ->ArgNames({"threads", "bn"})
    ->ArgsProduct({{1, 2}, {0, 1}})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

// Adam's step alone on the plain MLP's parameters (235k, with fixed
// gradients): the optimizer's share of BM_TrainStep.
void BM_AdamStep(benchmark::State& state) {
  nabla::set_num_threads(static_cast<int>(state.range(0)));
  nabla::manual_seed(7);
  nn::Sequential model = make_model(false);
  std::vector<Variable> params = model.parameters();
  for (Variable& p : params) p.set_grad(nabla::randn(p.value().shape()));
  optim::Adam adam(params, {.lr = 1e-3});
  for (auto _ : state) {
    adam.step();
    benchmark::DoNotOptimize(params[0].value().raw_data());
  }
}
BENCHMARK(BM_AdamStep)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
