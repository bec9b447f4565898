// The shapes of matmul_bench.cpp through raw bli_sgemm / bli_dgemm on plain
// buffers with the same strides, after nabla::configure_blis() so that BLIS
// uses the same kernel configuration. The baseline nabla's matmul is measured
// against in docs/benchmarks.md.
#include <benchmark/benchmark.h>
#include <blis.h>

#include <cstdint>
#include <vector>

#include "tensor/blis_config.h"

namespace {

// Args: m, k, n, layout (0 plain, 1 a transposed, 2 b transposed), threads.
template <class T>
void run(benchmark::State& state) {
  const std::int64_t m = state.range(0), k = state.range(1), n = state.range(2);
  const std::int64_t layout = state.range(3);
  nabla::configure_blis();
  bli_thread_set_num_threads(state.range(4));
  std::vector<T> a(m * k, T(0.5)), b(k * n, T(0.5)), c(m * n);
  // Row-major [m, k], or the transpose view of a row-major [k, m].
  const inc_t rsa = layout == 1 ? 1 : k, csa = layout == 1 ? m : 1;
  const inc_t rsb = layout == 2 ? 1 : n, csb = layout == 2 ? k : 1;
  T alpha = 1, beta = 0;
  for (auto _ : state) {
    if constexpr (std::is_same_v<T, float>)
      bli_sgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, m, n, k, &alpha, a.data(), rsa, csa, b.data(),
                rsb, csb, &beta, c.data(), n, 1);
    else
      bli_dgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, m, n, k, &alpha, a.data(), rsa, csa, b.data(),
                rsb, csb, &beta, c.data(), n, 1);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOPS"] = benchmark::Counter(
      2.0 * double(m) * double(n) * double(k) * 1e-9 * double(state.iterations()),
      benchmark::Counter::kIsRate);
}

void BM_BlisRaw(benchmark::State& state) {
  run<float>(state);
}
void BM_BlisRawF64(benchmark::State& state) {
  run<double>(state);
}

void shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"m", "k", "n", "layout", "threads"});
  for (std::int64_t threads : {1, 2}) {
    for (std::int64_t s : {64, 128, 256, 512, 1024, 2048}) b->Args({s, s, s, 0, threads});
    b->Args({128, 784, 256, 0, threads});
    b->Args({784, 128, 256, 1, threads});
    b->Args({128, 256, 784, 2, threads});
    b->Args({128, 256, 10, 0, threads});
    b->Args({128, 128, 10, 0, threads});
  }
}
BENCHMARK(BM_BlisRaw)->Apply(shapes)->UseRealTime();
BENCHMARK(BM_BlisRawF64)
    ->ArgNames({"m", "k", "n", "layout", "threads"})
    ->Args({1024, 1024, 1024, 0, 1})
    ->Args({1024, 1024, 1024, 0, 2})
    ->UseRealTime();

}  // namespace
