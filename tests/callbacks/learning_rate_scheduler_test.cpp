#include "callbacks/learning_rate_scheduler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <vector>

#include "callbacks/callback_harness.h"
#include "optim/lr_scheduler.h"
#include "test_util.h"

namespace nabla::callbacks {
namespace {

using callback_testing::CallbackHarness;
using metrics::Logs;

// Drives `callback` through `epochs` epochs of `batches` batches and returns
// the lr each batch trained with (read at on_batch_begin).
std::vector<double> lrs_per_batch(Callback& callback, CallbackHarness& h, int epochs, int batches) {
  std::vector<double> lrs;
  callback.on_train_begin(h.context);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    callback.on_epoch_begin(h.context, epoch);
    for (int batch = 0; batch < batches; ++batch) {
      callback.on_batch_begin(h.context, batch);
      lrs.push_back(h.optimizer.lr());
      callback.on_batch_end(h.context, batch, Logs());
    }
    callback.on_epoch_end(h.context, epoch, Logs());
  }
  callback.on_train_end(h.context, Logs());
  return lrs;
}

TEST(LearningRateScheduler, FunctionSetsTheLrBeforeEachEpoch) {
  // Keras's example: keep the lr for 2 epochs, then halve it each epoch.
  CallbackHarness h(0.1);
  std::vector<std::int64_t> epochs_seen;
  LearningRateScheduler scheduler([&](std::int64_t epoch, double lr) {
    epochs_seen.push_back(epoch);
    return epoch < 2 ? lr : lr * 0.5;
  });
  const std::vector<double> lrs = lrs_per_batch(scheduler, h, 4, 1);
  EXPECT_EQ(epochs_seen, (std::vector<std::int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(lrs, (std::vector<double>{0.1, 0.1, 0.1 * 0.5, 0.1 * 0.5 * 0.5}));
}

TEST(LearningRateScheduler, StepsAnEpochScheduleAfterEachEpoch) {
  // StepLR(step_size 2, γ 0.1) from 0.1: epoch t trains with 0.1 · 0.1^⌊t/2⌋.
  CallbackHarness h(0.1);
  auto step = std::make_shared<optim::StepLR>(h.optimizer,
                                              optim::StepLROptions{.step_size = 2, .gamma = 0.1});
  LearningRateScheduler scheduler(step);
  const std::vector<double> lrs = lrs_per_batch(scheduler, h, 5, 2);
  ASSERT_EQ(lrs.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    const int epoch = i / 2;
    EXPECT_DOUBLE_EQ(lrs[i], 0.1 * std::pow(0.1, epoch / 2)) << "batch " << i;
  }
  EXPECT_EQ(step->last_epoch(), 5);
}

TEST(LearningRateScheduler, StepsABatchScheduleAfterEachBatch) {
  // ExponentialLR(γ 0.5) per batch: global batch t trains with 0.1 · 0.5^t.
  CallbackHarness h(0.1);
  auto exponential = std::make_shared<optim::ExponentialLR>(
      h.optimizer, optim::ExponentialLROptions{.gamma = 0.5});
  LearningRateScheduler scheduler(exponential, {.interval = ScheduleInterval::batch});
  const std::vector<double> lrs = lrs_per_batch(scheduler, h, 2, 3);
  ASSERT_EQ(lrs.size(), 6u);
  for (int t = 0; t < 6; ++t) EXPECT_DOUBLE_EQ(lrs[t], 0.1 * std::pow(0.5, t)) << "batch " << t;
  EXPECT_EQ(exponential->last_epoch(), 6);
}

TEST(LearningRateScheduler, VerbosePrintsTheLrOfEachEpoch) {
  CallbackHarness h(0.1);
  std::ostringstream out;
  LearningRateScheduler scheduler([](std::int64_t, double lr) { return lr / 4; },
                                  {.verbose = 1, .out = &out});
  lrs_per_batch(scheduler, h, 2, 1);
  EXPECT_EQ(out.str(),
            "Epoch 1: LearningRateScheduler setting learning rate to 0.025.\n"
            "Epoch 2: LearningRateScheduler setting learning rate to 0.00625.\n");
}

TEST(LearningRateScheduler, RejectsInvalidArgumentsAndResults) {
  testing::expect_error([] { LearningRateScheduler(LearningRateScheduler::Schedule{}); },
                        {"LearningRateScheduler", "empty"});
  testing::expect_error([] { LearningRateScheduler(std::shared_ptr<optim::LRScheduler>{}); },
                        {"LearningRateScheduler", "null"});
  testing::expect_error(
      [] { LearningRateScheduler([](std::int64_t, double lr) { return lr; }, {.verbose = -1}); },
      {"LearningRateScheduler", "verbose", "-1"});
  CallbackHarness h(0.1);
  LearningRateScheduler negative([](std::int64_t, double) { return -0.5; });
  testing::expect_error([&] { negative.on_epoch_begin(h.context, 3); },
                        {"LearningRateScheduler", "-0.5", "epoch 3"});
  LearningRateScheduler nan(
      [](std::int64_t, double) { return std::numeric_limits<double>::quiet_NaN(); });
  testing::expect_error([&] { nan.on_epoch_begin(h.context, 0); },
                        {"LearningRateScheduler", "nan"});
  EXPECT_EQ(h.optimizer.lr(), 0.1);
}

}  // namespace
}  // namespace nabla::callbacks
