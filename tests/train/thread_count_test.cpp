// The contract of docs/reliability.md, "Same results for any thread count", on
// a whole training run: an MLP with BatchNorm and Dropout trained by fit on 1,
// 2 and 3 threads leaves training-state files that are the same bytes.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "checkpoint/training_state.h"
#include "data/dataset.h"
#include "nn/activation_modules.h"
#include "nn/batch_norm.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "optim/adam.h"
#include "temp_dir.h"
#include "tensor/linalg.h"
#include "tensor/random.h"
#include "tensor/reduce.h"
#include "train/fit.h"

namespace nabla::train {
namespace {

namespace fs = std::filesystem;

// 1,024 samples of 256 features in 10 classes, 3 epochs of batches of 256
// (wide enough that the products, the element-wise kernels and the
// reductions all split across threads), then the training state.
std::string train_and_save(int threads, const fs::path& path) {
  manual_seed(5);
  Generator data_gen(9);
  const Tensor x = randn({1024, 256}, data_gen);
  const Tensor y = argmax(matmul(x, randn({256, 10}, data_gen)), 1);
  const data::Dataset dataset(x, y);
  nn::Sequential model(nn::Linear(256, 512), nn::BatchNorm1d(512), nn::ReLU(),
                       nn::Dropout({.p = 0.2, .seed = 3}), nn::Linear(512, 256),
                       nn::BatchNorm1d(256), nn::ReLU(), nn::Linear(256, 10));
  optim::Adam adam(model.named_parameters(), {.lr = 1e-3});
  const metrics::History history =
      fit(model, nn::CrossEntropyLoss{}, adam, dataset,
          {.epochs = 3, .batch_size = 256, .seed = 11, .verbose = 0, .threads = threads});
  checkpoint::save_training_state(path, model, adam, 3, history);
  return testing::read_file(path);
}

TEST(ThreadCount, TrainingOnOneTwoAndThreeThreadsLeavesTheSameCheckpoint) {
  testing::TempDir dir;
  const std::string one = train_and_save(1, dir / "1.safetensors");
  ASSERT_GT(one.size(), 500'000u);
  for (int threads : {2, 3}) {
    const fs::path path = dir / (std::to_string(threads) + ".safetensors");
    EXPECT_TRUE(train_and_save(threads, path) == one)
        << threads << " threads give another checkpoint than 1";
  }
}

}  // namespace
}  // namespace nabla::train
