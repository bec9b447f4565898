// The libtorch side of benchmarks/autograd_bench.cpp and of BM_LinearLayer in
// benchmarks/layer_bench.cpp, written as a libtorch user writes them:
// - BM_TorchChainForwardBackward: a chain of 1000 ops (y * w, y + w, tanh(y) in
//   turn) on 1-element tensors, forward and backward; counter time_per_op;
// - BM_TorchScalarMlpStep: the micrograd-style MLP 2-16-16-1 of 0-dim tensors
//   on 16 points, forward, backward and an SGD update (time per step; the
//   comparison divides both sides by nabla's node count of the same step);
// - BM_TorchLinearLayer: a Linear 4096 -> 4096 layer on a batch of 256,
//   forward and backward (all three gradients), on 1 and 2 threads.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace {

constexpr int kDepth = 1000;

void report_time_per(benchmark::State& state, const char* name, double units) {
  state.counters[name] =
      benchmark::Counter(static_cast<double>(state.iterations()) * units,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_TorchChainForwardBackward(benchmark::State& state) {
  torch::set_num_threads(1);
  const torch::Tensor x = torch::full({1}, 0.5, torch::requires_grad());
  const torch::Tensor w = torch::full({1}, 0.999, torch::requires_grad());
  const torch::Tensor seed = torch::ones({1});
  for (auto _ : state) {
    torch::Tensor y = x;
    for (int k = 0; k < kDepth; ++k) y = k % 3 == 0 ? y * w : k % 3 == 1 ? y + w : torch::tanh(y);
    y.backward(seed);
    x.mutable_grad().reset();
    w.mutable_grad().reset();
  }
  report_time_per(state, "time_per_op", kDepth);
}
BENCHMARK(BM_TorchChainForwardBackward)->Unit(benchmark::kMicrosecond);

// The scalar MLP of autograd_bench.cpp: neurons of 0-dim tensors.
class ScalarMlp {
 public:
  explicit ScalarMlp(const std::vector<int>& sizes) {
    torch::manual_seed(1);
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
      Layer layer;
      for (int o = 0; o < sizes[l + 1]; ++o) {
        Neuron neuron;
        for (int i = 0; i < sizes[l]; ++i)
          neuron.w.push_back((torch::rand({}) * 2.0 - 1.0).requires_grad_());
        neuron.b = torch::zeros({}, torch::requires_grad());
        layer.push_back(std::move(neuron));
      }
      layers_.push_back(std::move(layer));
    }
  }

  torch::Tensor operator()(std::vector<torch::Tensor> x) const {
    for (std::size_t l = 0; l < layers_.size(); ++l) {
      std::vector<torch::Tensor> out;
      for (const Neuron& neuron : layers_[l]) {
        torch::Tensor act = neuron.b;
        for (std::size_t i = 0; i < x.size(); ++i) act = act + neuron.w[i] * x[i];
        out.push_back(l + 1 < layers_.size() ? torch::tanh(act) : act);
      }
      x = std::move(out);
    }
    return x.front();
  }

  template <class F>
  void for_each_parameter(F f) {
    for (Layer& layer : layers_)
      for (Neuron& neuron : layer) {
        for (torch::Tensor& w : neuron.w) f(w);
        f(neuron.b);
      }
  }

 private:
  struct Neuron {
    std::vector<torch::Tensor> w;
    torch::Tensor b;
  };
  using Layer = std::vector<Neuron>;
  std::vector<Layer> layers_;
};

void BM_TorchScalarMlpStep(benchmark::State& state) {
  torch::set_num_threads(1);
  ScalarMlp model({2, 16, 16, 1});
  constexpr int kBatch = 16;
  std::vector<std::vector<torch::Tensor>> inputs(kBatch);
  std::vector<torch::Tensor> targets;  // negated, so the error is output + target
  for (int p = 0; p < kBatch; ++p) {
    inputs[p] = {torch::randn({}), torch::randn({})};
    targets.push_back(torch::full({}, p % 2 ? -1.0 : 1.0));
  }
  for (auto _ : state) {
    torch::Tensor loss;
    for (int p = 0; p < kBatch; ++p) {
      torch::Tensor d = model(inputs[p]) + targets[p];
      loss = loss.defined() ? loss + d * d : d * d;
    }
    loss.backward();
    torch::NoGradGuard no_grad;
    model.for_each_parameter([](torch::Tensor& p) {
      p.sub_(p.grad() * 0.01);
      p.mutable_grad().reset();
    });
  }
}
BENCHMARK(BM_TorchScalarMlpStep)->Unit(benchmark::kMillisecond);

void BM_TorchLinearLayer(benchmark::State& state) {
  torch::set_num_threads(static_cast<int>(state.range(0)));
  torch::manual_seed(7);
  torch::nn::Linear layer(4096, 4096);
  const torch::Tensor x = torch::randn({256, 4096}, torch::requires_grad());
  const torch::Tensor grad = torch::randn({256, 4096});
  for (auto _ : state) {
    torch::Tensor y = layer->forward(x);
    y.backward(grad);
    layer->zero_grad(/*set_to_none=*/true);
    x.mutable_grad().reset();
    benchmark::DoNotOptimize(y.data_ptr());
  }
}
BENCHMARK(BM_TorchLinearLayer)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
