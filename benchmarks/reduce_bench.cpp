// Benchmarks of tensor/reduce.h: full sums (should approach memory bandwidth),
// sums over the leading and the trailing dim of a matrix (the bias-gradient and
// the row-reduction layouts), softmax along the last dim, and argmax along each
// dim (the last: a classifier's predictions).
#include <benchmark/benchmark.h>

#include "tensor/factory.h"
#include "tensor/nn_ops.h"
#include "tensor/random.h"
#include "tensor/reduce.h"

namespace nabla {
namespace {

void BM_SumAll(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const Tensor t = full({n}, 0.5);
  for (auto _ : state) benchmark::DoNotOptimize(sum(t));
  state.SetBytesProcessed(state.iterations() * n * 4);
}
BENCHMARK(BM_SumAll)->RangeMultiplier(10)->Range(1000, 10'000'000);

// Sum over one dim of an f32 [rows, cols] matrix.
void BM_SumDim(benchmark::State& state) {
  const std::int64_t rows = state.range(0), cols = state.range(1), dim = state.range(2);
  const Tensor t = full({rows, cols}, 0.5);
  for (auto _ : state) benchmark::DoNotOptimize(sum(t, {dim}));
  state.SetBytesProcessed(state.iterations() * rows * cols * 4);
}
BENCHMARK(BM_SumDim)
    ->ArgNames({"rows", "cols", "dim"})
    ->Args({1024, 1024, 0})
    ->Args({1024, 1024, 1})
    ->Args({128, 256, 0})
    ->Args({128, 256, 1});

void BM_Softmax(benchmark::State& state) {
  const std::int64_t rows = state.range(0), cols = state.range(1);
  const Tensor t = full({rows, cols}, 0.25);
  for (auto _ : state) benchmark::DoNotOptimize(softmax(t, 1));
  state.SetBytesProcessed(state.iterations() * rows * cols * 4);
}
BENCHMARK(BM_Softmax)->ArgNames({"rows", "cols"})->Args({128, 10})->Args({128, 1000});

// argmax over one dim of an f32 [rows, cols] matrix of random values.
void BM_Argmax(benchmark::State& state) {
  const std::int64_t rows = state.range(0), cols = state.range(1), dim = state.range(2);
  const Tensor t = randn({rows, cols});
  for (auto _ : state) benchmark::DoNotOptimize(argmax(t, dim));
  state.SetBytesProcessed(state.iterations() * rows * cols * 4);
}
BENCHMARK(BM_Argmax)
    ->ArgNames({"rows", "cols", "dim"})
    ->Args({128, 10, 1})
    ->Args({128, 256, 0})
    ->Args({128, 256, 1});

}  // namespace
}  // namespace nabla
