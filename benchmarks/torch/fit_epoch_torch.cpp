// The libtorch side of benchmarks/fit_epoch_bench.cpp: one epoch over the
// 60,000 standardized Fashion-MNIST training images in shuffled batches of 128,
// MLP 784-256-128-10 (ReLU), softmax cross-entropy, Adam (lr 1e-3), with the
// running loss and accuracy computed per batch, on 1 and 2 threads — the loop a
// libtorch user writes. The images are read from the gzip IDX files with zlib
// (not timed; nabla is not linked, so libtorch keeps its own BLAS) and held as
// one f32 tensor, as libtorch's MNIST dataset holds them.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include <zlib.h>

#include <filesystem>
#include <string>

namespace {

struct TorchSet {
  torch::Tensor x;       // [60000, 784] f32, standardized per pixel
  torch::Tensor labels;  // [60000] i64
};

constexpr const char* kDir = "/usr/share/datasets/fashion-mnist/";

// The data bytes of a gzip IDX file (after its 4-byte magic and the dims).
std::vector<unsigned char> read_idx(const std::string& path, int dims) {
  std::vector<unsigned char> bytes;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return bytes;
  unsigned char buffer[1 << 16];
  int n = 0;
  while ((n = gzread(file, buffer, sizeof buffer)) > 0)
    bytes.insert(bytes.end(), buffer, buffer + n);
  gzclose(file);
  const std::size_t header = 4 + 4 * static_cast<std::size_t>(dims);
  if (bytes.size() < header) return {};
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(header));
  return bytes;
}

const TorchSet* training_set() {
  static const std::unique_ptr<TorchSet> set = []() -> std::unique_ptr<TorchSet> {
    std::vector<unsigned char> images =
        read_idx(std::string(kDir) + "train-images-idx3-ubyte.gz", 3);
    std::vector<unsigned char> labels =
        read_idx(std::string(kDir) + "train-labels-idx1-ubyte.gz", 1);
    if (images.size() != 60000u * 784 || labels.size() != 60000u) return nullptr;
    auto set = std::make_unique<TorchSet>();
    set->x = torch::from_blob(images.data(), {60000, 784}, torch::kUInt8).to(torch::kFloat);
    const torch::Tensor mean = set->x.mean(0);
    const torch::Tensor std = set->x.std(0, /*unbiased=*/false).clamp_min(1e-6);
    set->x = (set->x - mean) / std;
    set->labels = torch::from_blob(labels.data(), {60000}, torch::kUInt8).to(torch::kLong);
    return set;
  }();
  return set.get();
}

void BM_TorchFitEpoch(benchmark::State& state) {
  const TorchSet* set = training_set();
  if (set == nullptr) {
    state.SkipWithError("Fashion-MNIST is not installed (dataset-fashion-mnist)");
    return;
  }
  torch::set_num_threads(static_cast<int>(state.range(0)));
  torch::manual_seed(7);
  torch::nn::Sequential model(torch::nn::Linear(784, 256), torch::nn::ReLU(),
                              torch::nn::Linear(256, 128), torch::nn::ReLU(),
                              torch::nn::Linear(128, 10));
  model->train();
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(1e-3));
  const std::int64_t n = set->x.size(0);
  constexpr std::int64_t kBatch = 128;
  for (auto _ : state) {
    const torch::Tensor order = torch::randperm(n, torch::kLong);
    double loss_sum = 0;
    std::int64_t correct = 0;
    for (std::int64_t begin = 0; begin < n; begin += kBatch) {
      const torch::Tensor rows = order.slice(0, begin, std::min(begin + kBatch, n));
      const torch::Tensor x = set->x.index_select(0, rows);
      const torch::Tensor y = set->labels.index_select(0, rows);
      const torch::Tensor logits = model->forward(x);
      torch::Tensor loss = torch::nn::functional::cross_entropy(logits, y);
      model->zero_grad(/*set_to_none=*/true);
      loss.backward();
      adam.step();
      loss_sum += loss.item<double>() * static_cast<double>(rows.size(0));
      correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
    }
    benchmark::DoNotOptimize(loss_sum);
    benchmark::DoNotOptimize(correct);
  }
  state.counters["steps"] = 469;
}
BENCHMARK(BM_TorchFitEpoch)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
