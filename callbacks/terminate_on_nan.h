// TerminateOnNaN: stops training as soon as a batch's loss is NaN or
// infinite, as keras.callbacks.TerminateOnNaN.
#pragma once

#include <cstdint>
#include <iostream>

#include "callbacks/callback.h"

namespace nabla::callbacks {

struct TerminateOnNaNOptions {
  /// Where the message "Batch N: invalid loss nan, terminating training" goes.
  std::ostream* out = &std::cout;
};

/// After each batch whose logs hold a "loss" that is NaN or ±∞: prints
/// "Batch <batch>: invalid loss <value>, terminating training" to `out`
/// (batch 0-based within its epoch, as Keras) and sets
/// context.stop_training. Batches without "loss" are ignored.
class TerminateOnNaN : public Callback {
 public:
  /// Throws nabla::Error for a null `out`.
  explicit TerminateOnNaN(TerminateOnNaNOptions options = {});

  void on_train_begin(TrainContext& context) override;
  void on_epoch_begin(TrainContext& context, std::int64_t epoch) override;
  void on_batch_end(TrainContext& context, std::int64_t batch, const metrics::Logs& logs) override;

  /// The epoch and batch (0-based) whose loss stopped training, or -1 when none did.
  std::int64_t terminated_epoch() const { return terminated_epoch_; }
  std::int64_t terminated_batch() const { return terminated_batch_; }

 private:
  TerminateOnNaNOptions options_;
  std::int64_t epoch_ = 0;
  std::int64_t terminated_epoch_ = -1;
  std::int64_t terminated_batch_ = -1;
};

}  // namespace nabla::callbacks
