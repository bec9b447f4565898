// fit resumed from a training state (checkpoint/training_state.h) gives the
// same parameters and History as one uninterrupted fit.

#include <gtest/gtest.h>

#include <filesystem>

#include "checkpoint/training_state.h"
#include "checkpoint/training_state_fixtures.h"
#include "metrics/history.h"
#include "nn/loss.h"
#include "optim/adam.h"
#include "temp_dir.h"
#include "train/fit.h"

namespace nabla::train {
namespace {

namespace fs = std::filesystem;
using checkpoint::load_training_state;
using checkpoint::save_training_state;
using metrics::History;
using testing::expect_same_history;
using testing::make_model;
using testing::regression_data;
using testing::state_bytes;
using testing::TempDir;

TEST(TrainingState, FitResumedFromACheckpointMatchesOneUninterruptedFit) {
  TempDir dir;
  fs::path path = dir / "state.safetensors";
  const data::Dataset dataset = regression_data();
  // (Members set one by one: GCC 12 warns about designated initializers that
  // leave out members with default initializers.)
  FitOptions options;
  options.epochs = 4;
  options.batch_size = 8;
  options.seed = 9;
  options.validation_split = 0.25;
  options.verbose = 0;

  manual_seed(42);
  auto straight = make_model();
  optim::Adam straight_adam(straight->named_parameters(), {.lr = 0.01});
  const History straight_history = fit(*straight, nn::MSELoss{}, straight_adam, dataset, options);
  ASSERT_EQ(straight_history.size(), 4);

  manual_seed(42);
  {
    auto first = make_model();
    optim::Adam first_adam(first->named_parameters(), {.lr = 0.01});
    FitOptions two = options;
    two.epochs = 2;
    const History first_history = fit(*first, nn::MSELoss{}, first_adam, dataset, two);
    save_training_state(path, *first, first_adam, 2, first_history);
  }
  manual_seed(1234);
  auto resumed = make_model();
  optim::Adam resumed_adam(resumed->named_parameters(), {.lr = 0.01});
  History history;
  FitOptions rest = options;
  rest.initial_epoch = load_training_state(path, *resumed, resumed_adam, history);
  EXPECT_EQ(rest.initial_epoch, 2);
  history.extend(fit(*resumed, nn::MSELoss{}, resumed_adam, dataset, rest));

  EXPECT_EQ(state_bytes(*resumed), state_bytes(*straight));
  expect_same_history(history, straight_history);
  EXPECT_TRUE(history.contains("val_loss"));
}

}  // namespace
}  // namespace nabla::train
