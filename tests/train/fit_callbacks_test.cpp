// Callbacks run by fit itself rather than by a harness: what they see and
// what they change of the model.

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "callbacks/callback.h"
#include "callbacks/callback_harness.h"
#include "callbacks/early_stopping.h"
#include "data/dataset.h"
#include "metrics/history.h"
#include "nn/loss.h"
#include "tensor/random.h"
#include "tensor/state_dict.h"
#include "train/fit.h"

namespace nabla::train {
namespace {

using callbacks::Callback;
using callbacks::EarlyStopping;
using callbacks::EarlyStoppingOptions;
using callbacks::TrainContext;
using callbacks::callback_testing::CallbackHarness;
using callbacks::callback_testing::same_state;
using metrics::History;
using metrics::Logs;

// Keeps a copy of the model's state at the end of every epoch.
class StateRecorder : public Callback {
 public:
  void on_epoch_end(TrainContext& context, std::int64_t, const Logs&) override {
    states.push_back(context.model.state_dict().clone());
  }
  std::vector<StateDict> states;
};

TEST(EarlyStopping, InFitRestoresTheBestEpochAfterTheLast) {
  // A min_delta so large that only the first epoch improves (on +∞): with
  // patience 1, fit stops after epoch 1 and ends with epoch 0's weights.
  Generator gen(5);
  data::Dataset set(randn({64, 2}, gen), randn({64, 1}, gen));
  CallbackHarness h;
  auto stopper = std::make_shared<EarlyStopping>(
      EarlyStoppingOptions{.min_delta = 1e9, .patience = 1, .restore_best_weights = true});
  auto recorder = std::make_shared<StateRecorder>();
  const History history = fit(h.model, nn::MSELoss{}, h.optimizer, set,
                              {.epochs = 10,
                               .batch_size = 16,
                               .validation_split = 0.25,
                               .callbacks = {stopper, recorder},
                               .verbose = 0});
  EXPECT_EQ(history.size(), 2);
  EXPECT_EQ(stopper->stopped_epoch(), 1);
  ASSERT_EQ(recorder->states.size(), 2u);
  EXPECT_TRUE(same_state(h.model.state_dict(), recorder->states[0]));
  EXPECT_FALSE(same_state(h.model.state_dict(), recorder->states[1]));
}

}  // namespace
}  // namespace nabla::train
