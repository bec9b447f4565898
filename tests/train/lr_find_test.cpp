// The learning-rate range test: the sweep's learning rates, the smoothing, the
// suggestion rule on a curve worked out by hand, divergence, and that the
// model, the optimizer and the default generator are restored byte for byte.

#include "train/lr_find.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "data/dataset.h"
#include "nn/batch_norm.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "optim/adam.h"
#include "optim/sgd.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/linalg.h"
#include "tensor/random.h"
#include "tensor/reduce.h"
#include "tensor/state_dict.h"
#include "test_util.h"

namespace nabla::train {
namespace {

using testing::expect_error;

// Same keys, dtypes, shapes and bytes.
template <class T>
bool same_bytes(const Tensor& a, const Tensor& b) {
  const std::vector<T> x = a.contiguous().to_vector<T>();
  const std::vector<T> y = b.contiguous().to_vector<T>();
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(T)) == 0;
}

void expect_identical(const StateDict& a, const StateDict& b) {
  ASSERT_EQ(a.keys(), b.keys());
  for (const auto& [key, t] : a) {
    const Tensor& u = b.at(key);
    ASSERT_EQ(t.dtype(), u.dtype()) << key;
    ASSERT_EQ(t.shape(), u.shape()) << key;
    bool same = false;
    switch (t.dtype()) {
      case DType::f32:
        same = same_bytes<float>(t, u);
        break;
      case DType::f64:
        same = same_bytes<double>(t, u);
        break;
      case DType::i64:
        same = same_bytes<std::int64_t>(t, u);
        break;
    }
    EXPECT_TRUE(same) << key;
  }
}

data::Dataset regression_set(std::int64_t n, double scale = 1.0) {
  Generator gen(21);
  const Tensor x = randn({n, 3}, gen);
  const Tensor w = from_vector(std::vector<float>{1.5f, -2.0f, 0.5f}, {3, 1});
  return data::Dataset(x * scale, matmul(x * scale, w));
}

nn::Sequential make_model() {
  manual_seed(2);
  return nn::Sequential(nn::Linear(3, 8, {.activation = nn::Activation::relu}), nn::BatchNorm1d(8),
                        nn::Dropout({.p = 0.2}), nn::Linear(8, 1));
}

TEST(LrFind, RestoresModelOptimizerAndGeneratorByteForByte) {
  nn::Sequential model = make_model();
  optim::SGD sgd(model.named_parameters(), {.lr = 0.01, .momentum = 0.9});
  const data::Dataset set = regression_set(64);
  // One ordinary step first, so that momentum buffers exist.
  fit(model, nn::MSELoss{}, sgd, set, {.epochs = 1, .batch_size = 64, .verbose = 0});
  model.eval();
  const StateDict model_before = model.state_dict().clone();
  const StateDict sgd_before = sgd.state_dict();
  const Generator generator_before = default_generator();

  const LrFindResult result =
      lr_find(model, nn::MSELoss{}, sgd, set,
              {.end_lr = 0.1, .num_steps = 30, .batch_size = 16, .divergence = 0});
  ASSERT_EQ(result.lrs.size(), 30u);

  expect_identical(model.state_dict(), model_before);
  expect_identical(sgd.state_dict(), sgd_before);
  EXPECT_FALSE(model.is_training());
  Generator copy = generator_before;
  EXPECT_TRUE(same_bytes<float>(rand({16}), rand({16}, copy)));
}

TEST(LrFind, AFreshAdamStaysFresh) {
  nn::Sequential model = make_model();
  optim::Adam adam(model.named_parameters());
  const StateDict before = adam.state_dict();
  lr_find(model, nn::MSELoss{}, adam, regression_set(32), {.num_steps = 10, .batch_size = 8});
  expect_identical(adam.state_dict(), before);
  EXPECT_EQ(adam.step_count(), 0);
}

TEST(LrFind, SweepsExponentiallyAndSmoothsWithBiasCorrection) {
  nn::Sequential model = make_model();
  optim::SGD sgd(model.parameters(), {.lr = 0.1});
  const LrFindResult result = lr_find(model, nn::MSELoss{}, sgd, regression_set(40),
                                      {.start_lr = 1e-4,
                                       .end_lr = 1e-2,
                                       .num_steps = 5,
                                       .batch_size = 16,
                                       .smoothing = 0.5,
                                       .divergence = 0});
  // 1e-4 · 100^(i/4): half a decade per batch; 40 rows give 3 batches a pass.
  ASSERT_EQ(result.lrs.size(), 5u);
  const double expected[] = {1e-4, 1e-4 * std::sqrt(10.0), 1e-3, 1e-3 * std::sqrt(10.0), 1e-2};
  for (std::size_t i = 0; i < 5; ++i) EXPECT_NEAR(result.lrs[i], expected[i], 1e-12 * expected[i]);
  // s_i = (1 − β) Σ_j β^(i−j) loss_j / (1 − β^(i+1)) with β = ½.
  double average = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    average = 0.5 * average + 0.5 * result.losses[i];
    EXPECT_NEAR(result.smoothed[i], average / (1 - std::pow(0.5, i + 1.0)), 1e-12);
  }
  EXPECT_EQ(result.smoothed[0], result.losses[0]);
  EXPECT_FALSE(result.diverged);
  EXPECT_DOUBLE_EQ(sgd.lr(), 0.1);
}

TEST(SuggestLr, SteepestDescentBeforeTheMinimum) {
  // Equal steps in log lr, so the central slope at i is ∝ s[i+1] − s[i−1]:
  // i=1: −0.01, 2: −0.10, 3: −0.49, 4: −0.70, 5: −0.35, 6: +0.10. The
  // minimum is at 6 (0.15).
  const std::vector<double> lrs = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000};
  const std::vector<double> s = {1, 1, 0.99, 0.9, 0.5, 0.2, 0.15, 0.3, 2, 5};
  EXPECT_DOUBLE_EQ(suggest_lr(lrs, s), 1e-2);
  expect_error([&] { suggest_lr({1, 2}, {1, 2}); }, {"suggest_lr", "3"});
  expect_error([&] { suggest_lr({1, 2, 3}, {1, 2}); }, {"suggest_lr", "3", "2"});
}

TEST(LrFind, StopsWhenTheLossDivergesAndSuggestsBelowIt) {
  // Linear regression with inputs of scale 3: SGD diverges beyond lr ≈ 2/λmax
  // of the Hessian (about 2/(2·9) ≈ 0.1), far below end_lr = 100.
  nn::Linear model(3, 1);
  optim::SGD sgd(model.parameters(), {.lr = 0.1});
  const LrFindResult result = lr_find(model, nn::MSELoss{}, sgd, regression_set(256, 3.0),
                                      {.start_lr = 1e-5, .end_lr = 100, .num_steps = 200});
  EXPECT_TRUE(result.diverged);
  EXPECT_LT(result.lrs.size(), 200u);
  EXPECT_LT(result.suggested_lr, result.min_loss_lr);
  EXPECT_LT(result.min_loss_lr, 1.0);
  EXPECT_GT(result.suggested_lr, 1e-4);
  // The loss fell from the start to its minimum.
  EXPECT_LT(*std::min_element(result.smoothed.begin(), result.smoothed.end()),
            0.5 * result.smoothed.front());
}

TEST(LrFind, Errors) {
  nn::Linear model(3, 1);
  optim::SGD sgd(model.parameters(), {.lr = 0.1});
  const data::Dataset set = regression_set(16);
  const auto run = [&](LrFindOptions options) { lr_find(model, nn::MSELoss{}, sgd, set, options); };
  expect_error([&] { run({.start_lr = 0}); }, {"lr_find", "start_lr", "0"});
  expect_error([&] { run({.start_lr = 1, .end_lr = 0.5}); }, {"lr_find", "end_lr", "0.5"});
  expect_error([&] { run({.num_steps = 2}); }, {"lr_find", "num_steps", "2"});
  expect_error([&] { run({.batch_size = 0}); }, {"lr_find", "batch_size"});
  expect_error([&] { run({.smoothing = 1}); }, {"lr_find", "smoothing", "1"});
  expect_error([&] { run({.divergence = 0.5}); }, {"lr_find", "divergence", "0.5"});
  expect_error([&] { lr_find(model, nn::MSELoss{}, sgd, data::Dataset(), {}); },
               {"lr_find", "empty"});
}

}  // namespace
}  // namespace nabla::train
