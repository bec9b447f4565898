// EarlyStopping: stops training when a monitored quantity (by default the
// validation loss) has stopped improving, and optionally restores the weights
// of the best epoch, as keras.callbacks.EarlyStopping.
#pragma once

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include "callbacks/callback.h"
#include "callbacks/monitor.h"
#include "tensor/state_dict.h"

namespace nabla::callbacks {

/// keras.callbacks.EarlyStopping's options, in its order.
struct EarlyStoppingOptions {
  /// The log key watched at the end of each epoch.
  std::string monitor = "val_loss";
  /// The smallest change that counts as an improvement (absolute).
  double min_delta = 0.0;
  /// Epochs without improvement after which training stops.
  std::int64_t patience = 0;
  /// 1: print "Epoch N: early stopping" (and the restoring message) to `out`.
  int verbose = 0;
  MonitorMode mode = MonitorMode::automatic;
  /// A value the monitored quantity must beat: until it does, the epochs keep
  /// counting towards patience even when they improve on the best so far.
  std::optional<double> baseline = std::nullopt;
  /// Keep a copy of the weights (model.state_dict(), buffers included) of the
  /// best epoch and load it back into the model at the end of training.
  bool restore_best_weights = false;
  /// Epochs (0-based) before this one are ignored (a warm-up).
  std::int64_t start_from_epoch = 0;
  /// Where the verbose messages go.
  std::ostream* out = &std::cout;
};

/// At the end of each epoch e >= start_from_epoch whose logs hold the
/// monitored value v (a missing key warns once on stderr and is skipped):
///   wait ← wait + 1;
///   if v improves on best (v < best − min_delta for min, v > best + min_delta
///   for max): best ← v, best_epoch ← e (and the weights are copied), and
///   wait ← 0 unless a baseline is set and v does not improve on it;
///   otherwise, if wait >= patience and e > 0: stopped_epoch ← e and
///   context.stop_training ← true.
/// best starts at +∞ (min) or −∞ (max); with restore_best_weights the weights
/// of the first epoch seen are kept even when it does not improve, so a run
/// that never improves restores its first monitored epoch. on_train_end loads
/// the best weights (whether or not training was stopped early).
/// Everything is reset by on_train_begin, so one object can serve several fits.
class EarlyStopping : public Callback {
 public:
  /// Throws nabla::Error ("EarlyStopping: ...") for an empty monitor, a
  /// negative or non-finite min_delta, patience < 0, start_from_epoch < 0, a
  /// NaN baseline, verbose outside [0, 2] and a null `out`.
  explicit EarlyStopping(EarlyStoppingOptions options = {});

  void on_train_begin(TrainContext& context) override;
  void on_epoch_end(TrainContext& context, std::int64_t epoch, const metrics::Logs& logs) override;
  void on_train_end(TrainContext& context, const metrics::Logs& logs) override;

  /// The epoch (0-based) at which training was stopped, or -1 when it was not.
  std::int64_t stopped_epoch() const { return stopped_epoch_; }
  /// The best monitored value so far (±∞ before one was seen).
  double best() const { return best_; }
  /// The epoch of best(), or -1 when none was seen.
  std::int64_t best_epoch() const { return best_epoch_; }
  /// Epochs counted towards patience.
  std::int64_t wait() const { return wait_; }
  /// The weights kept for restoring (empty unless restore_best_weights).
  const StateDict& best_weights() const { return best_weights_; }
  const EarlyStoppingOptions& options() const { return options_; }

 private:
  EarlyStoppingOptions options_;
  Monitor monitor_;
  std::int64_t wait_ = 0;
  std::int64_t stopped_epoch_ = -1;
  double best_;
  std::int64_t best_epoch_ = -1;
  StateDict best_weights_;
  bool has_best_weights_ = false;
};

}  // namespace nabla::callbacks
