// Benchmarks of nabla::matmul in GFLOP/s (2 m n k flops per product): square
// f32 products from 64 to 2048, the Fashion-MNIST MLP layer 128x784 · 784x256
// with its two backward products on transposed views, the thin output layers,
// and f64 1024^3, each on 1 and 2 threads. blis_raw_bench.cpp runs the same
// shapes through bli_sgemm directly; docs/benchmarks.md compares the two.
#include <benchmark/benchmark.h>

#include "tensor/factory.h"
#include "tensor/linalg.h"
#include "tensor/parallel.h"
#include "tensor/random.h"

namespace nabla {
namespace {

// How the operands of an [m, k] x [k, n] product are laid out.
enum Layout : std::int64_t {
  kPlain = 0,   // both contiguous
  kLeftT = 1,   // a is the transpose view of a contiguous [k, m] (x^T · grad)
  kRightT = 2,  // b is the transpose view of a contiguous [n, k] (grad · W^T)
};

Tensor operand(std::int64_t rows, std::int64_t cols, bool transposed, DType dtype) {
  if (!transposed) return full({rows, cols}, 0.5, dtype);
  const Tensor base = full({cols, rows}, 0.5, dtype);
  return as_strided(base, {rows, cols}, {1, rows}, 0);
}

// Args: m, k, n, layout, threads.
void run(benchmark::State& state, DType dtype) {
  const std::int64_t m = state.range(0), k = state.range(1), n = state.range(2);
  const auto layout = static_cast<Layout>(state.range(3));
  set_num_threads(static_cast<int>(state.range(4)));
  const Tensor a = operand(m, k, layout == kLeftT, dtype);
  const Tensor b = operand(k, n, layout == kRightT, dtype);
  for (auto _ : state) benchmark::DoNotOptimize(matmul(a, b));
  state.counters["GFLOPS"] = benchmark::Counter(
      2.0 * double(m) * double(n) * double(k) * 1e-9 * double(state.iterations()),
      benchmark::Counter::kIsRate);
}

void BM_Matmul(benchmark::State& state) {
  run(state, DType::f32);
}
void BM_MatmulF64(benchmark::State& state) {
  run(state, DType::f64);
}

void shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"m", "k", "n", "layout", "threads"});
  for (std::int64_t threads : {1, 2}) {
    for (std::int64_t s : {64, 128, 256, 512, 1024, 2048}) b->Args({s, s, s, kPlain, threads});
    b->Args({128, 784, 256, kPlain, threads});   // MLP forward x · W
    b->Args({784, 128, 256, kLeftT, threads});   // grad_W = x^T · grad
    b->Args({128, 256, 784, kRightT, threads});  // grad_x = grad · W^T
    b->Args({128, 256, 10, kPlain, threads});    // output layer
    b->Args({128, 128, 10, kPlain, threads});
  }
}
BENCHMARK(BM_Matmul)->Apply(shapes)->UseRealTime();
BENCHMARK(BM_MatmulF64)
    ->ArgNames({"m", "k", "n", "layout", "threads"})
    ->Args({1024, 1024, 1024, kPlain, 1})
    ->Args({1024, 1024, 1024, kPlain, 2})
    ->UseRealTime();

}  // namespace
}  // namespace nabla
