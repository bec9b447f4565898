#include "callbacks/early_stopping.h"

#include <cmath>
#include <utility>

#include "nn/module.h"
#include "tensor/error.h"

namespace nabla::callbacks {

EarlyStopping::EarlyStopping(EarlyStoppingOptions options)
    : options_(std::move(options)),
      monitor_(options_.monitor, options_.mode, options_.min_delta, "EarlyStopping"),
      best_(monitor_.worst()) {
  NABLA_CHECK(options_.patience >= 0, "EarlyStopping", "invalid patience: ", options_.patience,
              " (must be >= 0)");
  NABLA_CHECK(options_.start_from_epoch >= 0, "EarlyStopping",
              "invalid start_from_epoch: ", options_.start_from_epoch, " (must be >= 0)");
  NABLA_CHECK(!options_.baseline || !std::isnan(*options_.baseline), "EarlyStopping",
              "invalid baseline: nan");
  NABLA_CHECK(options_.verbose >= 0 && options_.verbose <= 2, "EarlyStopping",
              "invalid verbose: ", options_.verbose, " (must be 0, 1 or 2)");
  NABLA_CHECK(options_.out != nullptr, "EarlyStopping", "out must not be null");
}

void EarlyStopping::on_train_begin(TrainContext& /*context*/) {
  wait_ = 0;
  stopped_epoch_ = -1;
  best_ = monitor_.worst();
  best_epoch_ = -1;
  best_weights_ = StateDict();
  has_best_weights_ = false;
}

void EarlyStopping::on_epoch_end(TrainContext& context,
                                 std::int64_t epoch,
                                 const metrics::Logs& logs) {
  const double* current = monitor_.find(logs);
  if (current == nullptr || epoch < options_.start_from_epoch) return;
  // As Keras: without any improvement the first monitored epoch's weights are
  // the ones to restore.
  if (options_.restore_best_weights && !has_best_weights_) {
    best_weights_ = context.model.state_dict().clone();
    has_best_weights_ = true;
    best_epoch_ = epoch;
  }
  ++wait_;
  if (monitor_.is_improvement(*current, best_)) {
    best_ = *current;
    best_epoch_ = epoch;
    if (options_.restore_best_weights) best_weights_ = context.model.state_dict().clone();
    // The count restarts only once the baseline is beaten too.
    if (!options_.baseline || monitor_.is_improvement(*current, *options_.baseline)) wait_ = 0;
    return;
  }
  // epoch > 0: a single epoch is never a plateau (Keras's rule).
  if (wait_ >= options_.patience && epoch > 0) {
    stopped_epoch_ = epoch;
    context.stop_training = true;
  }
}

void EarlyStopping::on_train_end(TrainContext& context, const metrics::Logs& /*logs*/) {
  if (stopped_epoch_ >= 0 && options_.verbose > 0) {
    *options_.out << "Epoch " << stopped_epoch_ + 1 << ": early stopping\n";
  }
  if (options_.restore_best_weights && has_best_weights_) {
    if (options_.verbose > 0) {
      *options_.out << "Restoring model weights from the end of the best epoch: " << best_epoch_ + 1
                    << ".\n";
    }
    context.model.load_state_dict(best_weights_);
  }
}

}  // namespace nabla::callbacks
