#include "callbacks/reduce_lr_on_plateau.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "optim/optimizer.h"
#include "tensor/error.h"

namespace nabla::callbacks {

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauOptions options)
    : options_(std::move(options)),
      monitor_(options_.monitor, options_.mode, options_.min_delta, "ReduceLROnPlateau") {
  const char* name = "ReduceLROnPlateau";
  NABLA_CHECK(options_.factor > 0.0 && options_.factor < 1.0, name,
              "invalid factor: ", options_.factor, " (must be in (0, 1))");
  NABLA_CHECK(options_.patience >= 0, name, "invalid patience: ", options_.patience,
              " (must be >= 0)");
  NABLA_CHECK(options_.cooldown >= 0, name, "invalid cooldown: ", options_.cooldown,
              " (must be >= 0)");
  NABLA_CHECK(std::isfinite(options_.min_lr) && options_.min_lr >= 0.0, name,
              "invalid min_lr: ", options_.min_lr, " (must be finite and >= 0)");
  NABLA_CHECK(options_.verbose >= 0 && options_.verbose <= 2, name,
              "invalid verbose: ", options_.verbose, " (must be 0, 1 or 2)");
  NABLA_CHECK(options_.out != nullptr, name, "out must not be null");
}

void ReduceLROnPlateau::on_train_begin(TrainContext& context) {
  // Keras and torch differ by one in both counters: Keras reduces once
  // wait >= patience and decrements the cooldown before counting, torch
  // reduces once bad > patience and decrements after counting. Keras (p, c)
  // is therefore torch (max(p − 1, 0), max(c − 1, 0)) with an absolute
  // threshold; eps = 0 makes torch's "lr − lr' > eps" Keras's "lr > min_lr".
  plateau_ = std::make_unique<optim::ReduceLROnPlateau>(
      context.optimizer,
      optim::ReduceLROnPlateauOptions{
          .mode = monitor_.maximize() ? optim::PlateauMode::max : optim::PlateauMode::min,
          .factor = options_.factor,
          .patience = std::max<std::int64_t>(options_.patience - 1, 0),
          .threshold = options_.min_delta,
          .threshold_mode = optim::ThresholdMode::abs,
          .cooldown = std::max<std::int64_t>(options_.cooldown - 1, 0),
          .min_lr = options_.min_lr,
          .eps = 0.0});
}

void ReduceLROnPlateau::on_epoch_end(TrainContext& context,
                                     std::int64_t epoch,
                                     const metrics::Logs& logs) {
  const double* current = monitor_.find(logs);
  if (current == nullptr) return;
  if (plateau_ == nullptr) on_train_begin(context);  // used outside fit
  const double before = context.optimizer.lr();
  plateau_->step(*current);
  const double after = context.optimizer.lr();
  if (after != before && options_.verbose > 0) {
    *options_.out << "Epoch " << epoch + 1 << ": ReduceLROnPlateau reducing learning rate to "
                  << after << ".\n";
  }
}

double ReduceLROnPlateau::best() const {
  return plateau_ ? plateau_->best() : monitor_.worst();
}

std::int64_t ReduceLROnPlateau::wait() const {
  return plateau_ ? plateau_->num_bad_epochs() : 0;
}

std::int64_t ReduceLROnPlateau::cooldown_counter() const {
  return plateau_ ? plateau_->cooldown_counter() : 0;
}

}  // namespace nabla::callbacks
