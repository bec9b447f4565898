// fit with the Keras callbacks together: early stopping that restores the best
// weights, learning-rate reduction on a plateau, a checkpoint of the best model,
// a CSV log and a guard against NaN losses, on a small regression problem
// (docs/callbacks.md's example). Writes runs/log.csv and runs/model-*.safetensors;
// exits 1 when training did not get close to the target function.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "callbacks/callbacks.h"
#include "nn/activation_function.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "optim/adam.h"
#include "optim/lr_scheduler.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/random.h"
#include "tensor/shape_ops.h"
#include "train/train.h"

using namespace nabla;

int main() {
  // y = 2 x0 − x1 + 0.5 on 2,000 random points.
  Generator gen(3);
  Tensor x = randn({2000, 2}, gen);
  Tensor y = reshape(select(x, 1, 0) * 2.0 - select(x, 1, 1) + 0.5, {2000, 1});
  data::Dataset set(x, y);
  std::filesystem::create_directories("runs");

  manual_seed(1);
  nn::Sequential model(nn::Linear(2, 16, {.activation = nn::Activation::relu}), nn::Linear(16, 1));
  optim::Adam adam(model.parameters(), {.lr = 0.01});

  auto early_stopping = std::make_shared<callbacks::EarlyStopping>(
      callbacks::EarlyStoppingOptions{.patience = 5, .verbose = 1, .restore_best_weights = true});
  auto plateau = std::make_shared<callbacks::ReduceLROnPlateau>(
      callbacks::ReduceLROnPlateauOptions{.factor = 0.5, .patience = 2, .min_lr = 1e-5});
  auto checkpoint = std::make_shared<callbacks::ModelCheckpoint>(callbacks::ModelCheckpointOptions{
      .filepath = "runs/model-{epoch:02d}-{val_loss:.4f}.safetensors", .save_best_only = true});
  auto csv = std::make_shared<callbacks::CSVLogger>(
      callbacks::CSVLoggerOptions{.filename = "runs/log.csv"});
  auto nan_guard = std::make_shared<callbacks::TerminateOnNaN>();

  metrics::History history =
      train::fit(model, nn::MSELoss{}, adam, set,
                 {.epochs = 50,
                  .batch_size = 32,
                  .validation_split = 0.2,
                  .metrics = {"mae"},
                  .callbacks = {early_stopping, plateau, checkpoint, csv, nan_guard}});
  // history["val_loss"] holds one value per epoch run.
  const std::vector<double> val_loss = history["val_loss"];
  const double best = val_loss.empty() ? 1e9 : *std::min_element(val_loss.begin(), val_loss.end());
  std::printf("%lld epochs, best val_loss %.5f\n", static_cast<long long>(history.size()), best);
  return best < 0.01 ? 0 : 1;
}
