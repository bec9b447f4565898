// Training resumed from a training state (checkpoint/training_state.h), by a
// hand-written loop and by fit, gives the same parameters and History as
// training that never stopped.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <vector>

#include "checkpoint/training_state.h"
#include "checkpoint/training_state_fixtures.h"
#include "data/data_loader.h"
#include "data/dataset.h"
#include "metrics/history.h"
#include "nn/loss.h"
#include "optim/adam.h"
#include "temp_dir.h"
#include "tensor/factory.h"
#include "tensor/random.h"
#include "train/fit.h"

namespace nabla::train {
namespace {

namespace fs = std::filesystem;
using checkpoint::load_training_state;
using checkpoint::save_training_state;
using metrics::History;
using metrics::Logs;
using testing::expect_same_history;
using testing::make_model;
using testing::state_bytes;
using testing::TempDir;

/// Regression data: targets from a fixed linear map of the inputs plus noise.
inline data::Dataset regression_data() {
  Generator gen(7);
  Tensor x = randn({40, 4}, gen);
  Tensor noise = randn({40, 2}, gen);
  std::vector<double> xs = x.to_vector<double>(), ns = noise.to_vector<double>();
  std::vector<float> ys(80);
  for (std::size_t i = 0; i < 40; ++i) {
    ys[2 * i] = static_cast<float>(xs[4 * i] - 2 * xs[4 * i + 1] + 0.1 * ns[2 * i]);
    ys[2 * i + 1] = static_cast<float>(xs[4 * i + 2] * xs[4 * i + 3] + 0.1 * ns[2 * i + 1]);
  }
  return data::Dataset(x, from_vector(ys, Shape{40, 2}));
}

/// Epochs first .. last-1 of a plain training loop over shuffled mini-batches;
/// each epoch's mean loss goes into `history`.
void run_epochs(nn::Module& model,
                optim::Optimizer& optimizer,
                const data::Dataset& dataset,
                std::int64_t first,
                std::int64_t last,
                History& history) {
  data::DataLoader loader(dataset, {.batch_size = 16, .shuffle = true, .seed = 5});
  for (std::int64_t epoch = first; epoch < last; ++epoch) {
    loader.set_epoch(epoch);
    double sum = 0;
    for (const data::Batch& batch : loader) {
      optimizer.zero_grad();
      Variable loss = nn::mse_loss(model(Variable(batch.inputs)), Variable(batch.targets));
      loss.backward();
      optimizer.step();
      sum += loss.value().item<double>() * static_cast<double>(batch.inputs.size(0));
    }
    Logs logs;
    logs.set("loss", sum / 40.0);
    logs.set("lr", optimizer.lr());
    history.append(epoch, std::move(logs));
  }
}

TEST(TrainingState, ResumingGivesTheSameResultAsNotStopping) {
  TempDir dir;
  fs::path path = dir / "state.safetensors";
  const data::Dataset dataset = regression_data();

  // Four epochs in one go.
  manual_seed(42);
  auto straight = make_model();
  optim::Adam straight_adam(straight->named_parameters(), {.lr = 0.01});
  History straight_history;
  run_epochs(*straight, straight_adam, dataset, 0, 4, straight_history);

  // Two epochs, a checkpoint, then everything rebuilt from scratch.
  manual_seed(42);
  {
    auto first = make_model();
    optim::Adam first_adam(first->named_parameters(), {.lr = 0.01});
    History first_history;
    run_epochs(*first, first_adam, dataset, 0, 2, first_history);
    save_training_state(path, *first, first_adam, 2, first_history);
  }
  manual_seed(1234);  // the default generator elsewhere, other initial weights
  auto resumed = make_model();
  optim::Adam resumed_adam(resumed->named_parameters(), {.lr = 0.5});
  History history;
  ASSERT_EQ(load_training_state(path, *resumed, resumed_adam, history), 2);
  EXPECT_EQ(history.epochs(), (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(resumed_adam.lr(), 0.01);
  run_epochs(*resumed, resumed_adam, dataset, 2, 4, history);

  EXPECT_EQ(state_bytes(*resumed), state_bytes(*straight));
  expect_same_history(history, straight_history);
  EXPECT_EQ(resumed_adam.step_count(), straight_adam.step_count());
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"state.safetensors"});
}

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
