// callbacks::ReduceLROnPlateau: the callback that lowers the optimizer's learning
// rate when a monitored quantity has stopped improving, with the options and
// semantics of keras.callbacks.ReduceLROnPlateau. The counting is done by
// optim::ReduceLROnPlateau (torch's rule) with the options translated.
#pragma once

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include "callbacks/callback.h"
#include "callbacks/monitor.h"
#include "optim/reduce_lr_on_plateau.h"

namespace nabla::callbacks {

/// keras.callbacks.ReduceLROnPlateau's options, in its order.
struct ReduceLROnPlateauOptions {
  /// The log key watched at the end of each epoch.
  std::string monitor = "val_loss";
  /// lr ← max(lr · factor, min_lr) on a plateau.
  double factor = 0.1;
  /// Epochs without improvement after which the lr is reduced.
  std::int64_t patience = 10;
  /// 1: print "Epoch N: ReduceLROnPlateau reducing learning rate to <lr>." to `out`.
  int verbose = 0;
  MonitorMode mode = MonitorMode::automatic;
  /// The smallest change that counts as an improvement (absolute).
  double min_delta = 1e-4;
  /// Epochs after a reduction during which bad epochs are not counted.
  std::int64_t cooldown = 0;
  /// The lr is never reduced below this.
  double min_lr = 0.0;
  /// Where the verbose messages go.
  std::ostream* out = &std::cout;
};

/// Keras's rule, at the end of each epoch whose logs hold the monitored value
/// v (a missing key warns once on stderr and is skipped):
///   if cooldown_counter > 0: cooldown_counter ← cooldown_counter − 1, wait ← 0;
///   if v improves on best (v < best − min_delta for min, v > best + min_delta
///   for max): best ← v, wait ← 0;
///   else if cooldown_counter == 0: wait ← wait + 1, and if wait >= patience
///   and lr > min_lr: lr ← max(lr · factor, min_lr), cooldown_counter ←
///   cooldown, wait ← 0.
/// So with patience p the lr drops after p epochs without improvement, and a
/// cooldown c leaves the c − 1 epochs after a reduction uncounted. The lr read
/// is the optimizer's current one; the state is reset by on_train_begin.
class ReduceLROnPlateau : public Callback {
 public:
  /// Throws nabla::Error ("ReduceLROnPlateau: ...") for factor outside (0, 1),
  /// patience, cooldown or min_lr < 0, an empty monitor, a negative min_delta,
  /// verbose outside [0, 2] and a null `out`.
  explicit ReduceLROnPlateau(ReduceLROnPlateauOptions options = {});

  void on_train_begin(TrainContext& context) override;
  void on_epoch_end(TrainContext& context, std::int64_t epoch, const metrics::Logs& logs) override;

  /// The best monitored value since on_train_begin (±∞ before one was seen).
  double best() const;
  /// Bad epochs counted since the last improvement or reduction.
  std::int64_t wait() const;
  /// The number of coming epochs that will not be counted as bad (cooldown − 1
  /// right after a reduction, then one less per epoch, down to 0).
  std::int64_t cooldown_counter() const;
  const ReduceLROnPlateauOptions& options() const { return options_; }

 private:
  ReduceLROnPlateauOptions options_;
  Monitor monitor_;
  std::unique_ptr<optim::ReduceLROnPlateau> plateau_;
};

}  // namespace nabla::callbacks
