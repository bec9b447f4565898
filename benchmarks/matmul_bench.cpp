// Benchmarks of nabla::matmul in GFLOP/s (2 m n k flops per product): square
// f32 products from 64 to 2048, the Fashion-MNIST MLP layer 128x784 · 784x256
// with its two backward products on transposed views, the thin output layers,
// and f64 1024^3, each on 1 and 2 threads.
//
// BM_FmaPeak is the ceiling: one core's f32 FMA rate with every operand in
// registers (AVX-512 where the CPU has it, else AVX2), in the same GFLOP/s.
//
// BM_BlisRaw runs the same shapes through bli_sgemm / bli_dgemm on plain
// buffers with the same strides (after configure_blis(), so with the same
// kernels): the baseline docs/benchmarks.md compares nabla with. Both live in
// one binary so that --benchmark_enable_random_interleaving can alternate them
// on a busy machine.
#include <benchmark/benchmark.h>
#include <blis.h>

#include <immintrin.h>

#include <cstdint>
#include <type_traits>
#include <vector>

#include "tensor/blis_config.h"
#include "tensor/factory.h"
#include "tensor/linalg.h"
#include "tensor/parallel.h"

namespace nabla {
namespace {

// How the operands of an [m, k] x [k, n] product are laid out.
enum Layout : std::int64_t {
  kPlain = 0,   // both contiguous
  kLeftT = 1,   // a is the transpose view of a contiguous [k, m] (x^T · grad)
  kRightT = 2,  // b is the transpose view of a contiguous [n, k] (grad · W^T)
};

void set_gflops(benchmark::State& state, std::int64_t m, std::int64_t k, std::int64_t n) {
  state.counters["GFLOPS"] = benchmark::Counter(
      2.0 * double(m) * double(n) * double(k) * 1e-9 * double(state.iterations()),
      benchmark::Counter::kIsRate);
}

Tensor operand(std::int64_t rows, std::int64_t cols, bool transposed, DType dtype) {
  if (!transposed) return full({rows, cols}, 0.5, dtype);
  const Tensor base = full({cols, rows}, 0.5, dtype);
  return as_strided(base, {rows, cols}, {1, rows}, 0);
}

// Args of every benchmark: m, k, n, layout, threads.
void run_nabla(benchmark::State& state, DType dtype) {
  const std::int64_t m = state.range(0), k = state.range(1), n = state.range(2);
  const auto layout = static_cast<Layout>(state.range(3));
  set_num_threads(static_cast<int>(state.range(4)));
  const Tensor a = operand(m, k, layout == kLeftT, dtype);
  const Tensor b = operand(k, n, layout == kRightT, dtype);
  for (auto _ : state) benchmark::DoNotOptimize(matmul(a, b));
  set_gflops(state, m, k, n);
}

template <class T>
void run_raw(benchmark::State& state) {
  const std::int64_t m = state.range(0), k = state.range(1), n = state.range(2);
  const auto layout = static_cast<Layout>(state.range(3));
  configure_blis();
  bli_thread_set_num_threads(state.range(4));
  std::vector<T> a(m * k, T(0.5)), b(k * n, T(0.5)), c(m * n);
  const inc_t rsa = layout == kLeftT ? 1 : k, csa = layout == kLeftT ? m : 1;
  const inc_t rsb = layout == kRightT ? 1 : n, csb = layout == kRightT ? k : 1;
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
  set_gflops(state, m, k, n);
}

// Twelve independent chains of fused multiply-adds, enough to cover the FMA
// latency on two pipes: `rounds` x 12 FMAs of 16 (AVX-512) or 8 (AVX2)
// floats, returning a value that depends on all of them so that none is
// optimised away.
__attribute__((target("avx512f"))) float fma_chains_512(std::int64_t rounds) {
  __m512 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm512_set1_ps(0.001f * float(i));
  const __m512 x = _mm512_set1_ps(0.9999f), y = _mm512_set1_ps(1e-4f);
  for (std::int64_t r = 0; r < rounds; ++r) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; ++i) acc[i] = _mm512_fmadd_ps(acc[i], x, y);
  }
  float lanes[16], sum = 0;
  for (int i = 0; i < 12; ++i) {
    _mm512_storeu_ps(lanes, acc[i]);
    for (float v : lanes) sum += v;
  }
  return sum;
}

__attribute__((target("avx2,fma"))) float fma_chains_256(std::int64_t rounds) {
  __m256 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm256_set1_ps(0.001f * float(i));
  const __m256 x = _mm256_set1_ps(0.9999f), y = _mm256_set1_ps(1e-4f);
  for (std::int64_t r = 0; r < rounds; ++r) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; ++i) acc[i] = _mm256_fmadd_ps(acc[i], x, y);
  }
  float lanes[8], sum = 0;
  for (int i = 0; i < 12; ++i) {
    _mm256_storeu_ps(lanes, acc[i]);
    for (float v : lanes) sum += v;
  }
  return sum;
}

void BM_FmaPeak(benchmark::State& state) {
  __builtin_cpu_init();
  const bool wide = __builtin_cpu_supports("avx512f") != 0;
  constexpr std::int64_t kRounds = 1 << 20;
  for (auto _ : state) {
    std::int64_t rounds = kRounds;  // opaque, so the call is not hoisted out of the loop
    benchmark::DoNotOptimize(rounds);
    benchmark::DoNotOptimize(wide ? fma_chains_512(rounds) : fma_chains_256(rounds));
  }
  state.counters["GFLOPS"] = benchmark::Counter(
      2.0 * 12 * (wide ? 16 : 8) * double(kRounds) * 1e-9 * double(state.iterations()),
      benchmark::Counter::kIsRate);
  state.SetLabel(wide ? "AVX-512" : "AVX2");
}

void BM_Matmul(benchmark::State& state) {
  run_nabla(state, DType::f32);
}
void BM_MatmulF64(benchmark::State& state) {
  run_nabla(state, DType::f64);
}
void BM_BlisRaw(benchmark::State& state) {
  run_raw<float>(state);
}
void BM_BlisRawF64(benchmark::State& state) {
  run_raw<double>(state);
}

void f32_shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"m", "k", "n", "layout", "threads"});
  for (std::int64_t threads : {1, 2}) {
    for (std::int64_t s : {64, 128, 256, 512, 1024, 2048}) b->Args({s, s, s, kPlain, threads});
    b->Args({128, 784, 256, kPlain, threads});   // MLP forward x · W
    b->Args({784, 128, 256, kLeftT, threads});   // grad_W = x^T · grad
    b->Args({128, 256, 784, kRightT, threads});  // grad_x = grad · W^T
    b->Args({128, 256, 10, kPlain, threads});    // output layers
    b->Args({128, 128, 10, kPlain, threads});
  }
}
void f64_shapes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"m", "k", "n", "layout", "threads"});
  b->Args({1024, 1024, 1024, kPlain, 1})->Args({1024, 1024, 1024, kPlain, 2});
}
BENCHMARK(BM_FmaPeak)->UseRealTime();
BENCHMARK(BM_Matmul)->Apply(f32_shapes)->UseRealTime();
BENCHMARK(BM_BlisRaw)->Apply(f32_shapes)->UseRealTime();
BENCHMARK(BM_MatmulF64)->Apply(f64_shapes)->UseRealTime();
BENCHMARK(BM_BlisRawF64)->Apply(f64_shapes)->UseRealTime();

}  // namespace
}  // namespace nabla
