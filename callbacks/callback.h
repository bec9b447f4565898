// Callback: code fit runs at the edges of training, epochs and batches, as
// Keras callbacks. A callback sees the model, the optimizer and the history
// through the TrainContext and may stop training by setting stop_training.
#pragma once

#include <cstdint>

#include "metrics/history.h"
#include "metrics/logs.h"

namespace nabla::nn {
class Module;
}
namespace nabla::optim {
class Optimizer;
}

namespace nabla::callbacks {

/// What fit shares with its callbacks.
struct TrainContext {
  nn::Module& model;
  optim::Optimizer& optimizer;
  /// The epochs completed so far in this run (and before it, when resuming).
  metrics::History& history;
  /// The epoch fit stops before (fit runs epochs initial_epoch .. epochs-1).
  std::int64_t epochs = 0;
  /// Batches per epoch.
  std::int64_t steps_per_epoch = 0;
  /// Samples per epoch.
  std::int64_t samples = 0;
  /// 0 silent, 1 a progress bar, 2 one line per epoch.
  int verbose = 1;
  /// Set by a callback to end training after the current batch.
  bool stop_training = false;
};

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_train_begin(TrainContext& /*context*/) {}
  /// `logs` are those of the last epoch (empty when no epoch ran).
  virtual void on_train_end(TrainContext& /*context*/, const metrics::Logs& /*logs*/) {}
  virtual void on_epoch_begin(TrainContext& /*context*/, std::int64_t /*epoch*/) {}
  /// `logs`: the epoch's training loss and metrics, their "val_" counterparts
  /// when there is validation data, and "lr".
  virtual void on_epoch_end(TrainContext& /*context*/,
                            std::int64_t /*epoch*/,
                            const metrics::Logs& /*logs*/) {}
  virtual void on_batch_begin(TrainContext& /*context*/, std::int64_t /*batch*/) {}
  /// After the batch's backward(): its gradient has just been added to the
  /// parameters' .grad (with gradient accumulation, to those of the batches
  /// before it in the group).
  virtual void on_after_backward(TrainContext& /*context*/, std::int64_t /*batch*/) {}
  /// Before each optimizer step, once the gradients are complete (every batch
  /// of an accumulation group) and before fit clips them: the gradients and
  /// the weights the step starts from (Lightning's on_before_optimizer_step).
  virtual void on_before_step(TrainContext& /*context*/, std::int64_t /*batch*/) {}
  /// `logs`: the running means of the loss and metrics over the epoch's
  /// batches so far ("loss", "accuracy", ...), and "batch_size".
  virtual void on_batch_end(TrainContext& /*context*/,
                            std::int64_t /*batch*/,
                            const metrics::Logs& /*logs*/) {}
};

}  // namespace nabla::callbacks
