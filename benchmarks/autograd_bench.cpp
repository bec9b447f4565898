// The fixed cost of the graph: forward + backward per op on tiny Variables
// (1 and 16 f32 elements) chained 1000 deep, and a micrograd-style MLP built
// from scalar Variables (2-16-16-1, batch of 16 points, about 10,000 nodes per
// step, with the SGD update; also at batches of 1 to 64). Counters report time
// per op / per node.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "nabla.h"

namespace {

using nabla::DType;
using nabla::Shape;
using nabla::Tensor;
using nabla::Variable;

constexpr int kDepth = 1000;

// Adds a counter `name` = elapsed time / (iterations x units per iteration).
void report_time_per(benchmark::State& state, const char* name, double units) {
  state.counters[name] =
      benchmark::Counter(static_cast<double>(state.iterations()) * units,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

enum class Op { kTanh, kMulVariable, kAddVariable, kMixed };

// One step of the chain: y -> f(y) (the Variable w enters the binary ops).
Variable step(Op op, const Variable& y, const Variable& w, int k) {
  switch (op) {
    case Op::kTanh:
      return nabla::tanh(y);
    case Op::kMulVariable:
      return y * w;
    case Op::kAddVariable:
      return y + w;
    case Op::kMixed:
      switch (k % 3) {
        case 0:
          return y * w;
        case 1:
          return y + w;
        default:
          return nabla::tanh(y);
      }
  }
  return y;
}

void BM_ChainForwardBackward(benchmark::State& state) {
  const Op op = static_cast<Op>(state.range(0));
  const std::int64_t n = state.range(1);
  Variable x(nabla::full(Shape{n}, 0.5), true);
  Variable w(nabla::full(Shape{n}, 0.999), true);
  const Tensor seed = nabla::ones(Shape{n});
  for (auto _ : state) {
    Variable y = x;
    for (int k = 0; k < kDepth; ++k) y = step(op, y, w, k);
    y.backward(seed);
    x.zero_grad();
    w.zero_grad();
  }
  report_time_per(state, "time_per_op", kDepth);
}
BENCHMARK(BM_ChainForwardBackward)
    ->ArgNames({"op", "n"})
    ->ArgsProduct({{int(Op::kTanh), int(Op::kMulVariable), int(Op::kAddVariable), int(Op::kMixed)},
                   {1, 16}})
    ->Unit(benchmark::kMicrosecond);

// Forward only, to separate recording from the backward walk.
void BM_ChainForward(benchmark::State& state) {
  Variable x(nabla::full(Shape{1}, 0.5), true);
  for (auto _ : state) {
    Variable y = x;
    for (int k = 0; k < kDepth; ++k) y = nabla::tanh(y);
    benchmark::DoNotOptimize(y.value().raw_data());
  }
  report_time_per(state, "time_per_op", kDepth);
}
BENCHMARK(BM_ChainForward)->Unit(benchmark::kMicrosecond);

// The same chain under NoGradGuard: what the tensor ops alone cost.
void BM_ChainNoGrad(benchmark::State& state) {
  Variable x(nabla::full(Shape{1}, 0.5), true);
  for (auto _ : state) {
    nabla::NoGradGuard no_grad;
    Variable y = x;
    for (int k = 0; k < kDepth; ++k) y = nabla::tanh(y);
    benchmark::DoNotOptimize(y.value().raw_data());
  }
  report_time_per(state, "time_per_op", kDepth);
}
BENCHMARK(BM_ChainNoGrad)->Unit(benchmark::kMicrosecond);

// micrograd's MLP: every weight is its own scalar Variable.
class ScalarMlp {
 public:
  explicit ScalarMlp(const std::vector<int>& sizes) {
    nabla::Generator gen(1);
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
      Layer layer;
      for (int o = 0; o < sizes[l + 1]; ++o) {
        Neuron neuron;
        for (int i = 0; i < sizes[l]; ++i)
          neuron.w.emplace_back(nabla::rand(Shape{}, gen) * 2.0 - 1.0, true);
        neuron.b = Variable(nabla::zeros(Shape{}), true);
        layer.push_back(std::move(neuron));
      }
      layers_.push_back(std::move(layer));
    }
  }

  Variable operator()(std::vector<Variable> x) const {
    for (std::size_t l = 0; l < layers_.size(); ++l) {
      std::vector<Variable> out;
      for (const Neuron& neuron : layers_[l]) {
        Variable act = neuron.b;
        for (std::size_t i = 0; i < x.size(); ++i) act = act + neuron.w[i] * x[i];
        out.push_back(l + 1 < layers_.size() ? nabla::tanh(act) : act);
      }
      x = std::move(out);
    }
    return x.front();
  }

  template <class F>
  void for_each_parameter(F f) {
    for (Layer& layer : layers_)
      for (Neuron& neuron : layer) {
        for (Variable& w : neuron.w) f(w);
        f(neuron.b);
      }
  }

 private:
  struct Neuron {
    std::vector<Variable> w;
    Variable b;
  };
  using Layer = std::vector<Neuron>;
  std::vector<Layer> layers_;
};

std::int64_t count_nodes(const Variable& root) {
  std::vector<const nabla::Node*> stack{root.grad_fn().get()};
  std::vector<const nabla::Node*> seen = stack;
  while (!stack.empty()) {
    const nabla::Node* node = stack.back();
    stack.pop_back();
    for (const nabla::Edge& e : node->inputs()) {
      if (e.node && std::find(seen.begin(), seen.end(), e.node.get()) == seen.end()) {
        seen.push_back(e.node.get());
        stack.push_back(e.node.get());
      }
    }
  }
  return static_cast<std::int64_t>(seen.size());
}

// One SGD step of the scalar MLP per iteration on `batch` points.
void scalar_mlp_steps(benchmark::State& state, int batch) {
  ScalarMlp model({2, 16, 16, 1});
  nabla::Generator gen(2);
  std::vector<std::vector<Variable>> inputs(batch);
  std::vector<Variable> targets;  // negated, so the error is output + target
  for (int p = 0; p < batch; ++p) {
    inputs[p] = {Variable(nabla::randn(Shape{}, gen)), Variable(nabla::randn(Shape{}, gen))};
    targets.emplace_back(nabla::full(Shape{}, p % 2 ? -1.0 : 1.0));  // -target
  }
  auto loss_fn = [&] {
    Variable loss;
    for (int p = 0; p < batch; ++p) {
      Variable d = model(inputs[p]) + targets[p];
      loss = loss.defined() ? loss + d * d : d * d;
    }
    return loss;
  };
  const std::int64_t nodes = count_nodes(loss_fn());
  for (auto _ : state) {
    Variable loss = loss_fn();
    loss.backward();
    nabla::NoGradGuard no_grad;
    model.for_each_parameter([](Variable& p) {
      p.value().sub_(p.grad() * 0.01);
      p.zero_grad();
    });
  }
  state.counters["nodes"] = static_cast<double>(nodes);
  report_time_per(state, "time_per_node", static_cast<double>(nodes));
}

// The row of benchmarks/compare_torch.py: a batch of 16 points.
void BM_ScalarMlpStep(benchmark::State& state) {
  scalar_mlp_steps(state, 16);
}
BENCHMARK(BM_ScalarMlpStep)->Unit(benchmark::kMillisecond);

// The same at other batches: the graph of a step grows with the batch (about
// 640 nodes per point), and each weight's gradient gathers one contribution
// per point.
void BM_ScalarMlpBatch(benchmark::State& state) {
  scalar_mlp_steps(state, static_cast<int>(state.range(0)));
}
BENCHMARK(BM_ScalarMlpBatch)
    ->ArgName("batch")
    ->Arg(1)
    ->Arg(2)
    ->Arg(16)
    ->Arg(64)
    ->Unit(benchmark::kMillisecond);

}  // namespace
