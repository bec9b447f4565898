// Throughput of the elementwise kernels on contiguous f32 tensors from 1e3 to
// 1e7 elements, next to a memcpy of the same buffer (the bandwidth bound an
// add should approach) and glibc's tanhf (what tanh costs without nabla's own
// kernel), and the fixed cost of one op on 1-element tensors.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "tensor/elementwise.h"
#include "tensor/factory.h"

namespace {

using nabla::Shape;
using nabla::Tensor;

void sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t n : {1000, 10000, 100000, 1000000, 10000000}) b->Arg(n);
}

// Two reads and one write of n floats per op: op(a, b) (a from -1 to 1).
template <class Op>
void binary_f32(benchmark::State& state, Op op) {
  const std::int64_t n = state.range(0);
  Tensor a = nabla::linspace(-1.0, 1.0, n);
  const Tensor b = nabla::full(Shape{n}, 2.5);
  for (auto _ : state) {
    Tensor c = op(a, b);
    benchmark::DoNotOptimize(c.raw_data());
  }
  state.SetBytesProcessed(state.iterations() * 3 * n * 4);
}

void BM_AddF32(benchmark::State& state) {
  binary_f32(state, [](const Tensor& a, const Tensor& b) { return a + b; });
}
BENCHMARK(BM_AddF32)->Apply(sizes)->UseRealTime();

// a += b: the gradient accumulation and the optimizers' in-place updates.
void BM_AddInPlaceF32(benchmark::State& state) {
  binary_f32(state, [](Tensor& a, const Tensor& b) { return a.add_(b); });
}
BENCHMARK(BM_AddInPlaceF32)->Apply(sizes)->UseRealTime();

// ReLU's backward rule (gradient b where the output a is positive): as fast
// as an add once vectorized (NOTE [ Row kernels are not inlined ]).
void BM_ReluBackwardF32(benchmark::State& state) {
  binary_f32(state, [](const Tensor& y, const Tensor& g) { return nabla::relu_backward(g, y); });
}
BENCHMARK(BM_ReluBackwardF32)->Apply(sizes)->UseRealTime();

// One read and one write of n floats per op: op(a) for a from lo to hi.
template <class Op>
void unary_f32(benchmark::State& state, double lo, double hi, Op op) {
  const std::int64_t n = state.range(0);
  const Tensor a = nabla::linspace(lo, hi, n);
  for (auto _ : state) {
    Tensor c = op(a);
    benchmark::DoNotOptimize(c.raw_data());
  }
  state.SetBytesProcessed(state.iterations() * 2 * n * 4);
}

void BM_ExpF32(benchmark::State& state) {
  unary_f32(state, 0.5, 0.5, [](const Tensor& a) { return nabla::exp(a); });
}
BENCHMARK(BM_ExpF32)->Apply(sizes)->UseRealTime();

void BM_ReluF32(benchmark::State& state) {
  unary_f32(state, -1.0, 1.0, [](const Tensor& a) { return nabla::relu(a); });
}
BENCHMARK(BM_ReluF32)->Apply(sizes)->UseRealTime();

void BM_LeakyReluF32(benchmark::State& state) {
  unary_f32(state, -1.0, 1.0, [](const Tensor& a) { return nabla::leaky_relu(a, 0.01); });
}
BENCHMARK(BM_LeakyReluF32)->Apply(sizes)->UseRealTime();

void BM_TanhF32(benchmark::State& state) {
  unary_f32(state, -3.0, 3.0, [](const Tensor& a) { return nabla::tanh(a); });
}
BENCHMARK(BM_TanhF32)->Apply(sizes)->UseRealTime();

// The reference for tanh: glibc's tanhf over the same values, one call per element.
void BM_TanhLibmF32(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  const std::vector<float> src = nabla::linspace(-3.0, 3.0, n).to_vector<float>();
  std::vector<float> dst(src.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < src.size(); ++i) dst[i] = std::tanh(src[i]);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * 2 * n * 4);
}
BENCHMARK(BM_TanhLibmF32)->Apply(sizes)->UseRealTime();

// The bandwidth reference: one read and one write of n floats.
void BM_MemcpyF32(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  std::vector<float> src(static_cast<std::size_t>(n), 1.0f);
  std::vector<float> dst(static_cast<std::size_t>(n));
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), src.size() * sizeof(float));
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * 2 * n * 4);
}
BENCHMARK(BM_MemcpyF32)->Arg(10000000)->UseRealTime();

// Per-op overhead: dtype dispatch, shape checks and the output allocation.
void BM_AddOneElement(benchmark::State& state) {
  const Tensor a = nabla::full(Shape{1}, 1.5);
  const Tensor b = nabla::full(Shape{1}, 2.5);
  for (auto _ : state) {
    Tensor c = a + b;
    benchmark::DoNotOptimize(c.raw_data());
  }
}
BENCHMARK(BM_AddOneElement);

void BM_ExpOneElement(benchmark::State& state) {
  const Tensor a = nabla::full(Shape{1}, 0.5);
  for (auto _ : state) {
    Tensor c = nabla::exp(a);
    benchmark::DoNotOptimize(c.raw_data());
  }
}
BENCHMARK(BM_ExpOneElement);

}  // namespace
