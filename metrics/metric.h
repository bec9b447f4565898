// Metric: a quantity accumulated over the batches of an epoch and read at its
// end (accuracy, precision, MAE, ...), the interface fit and evaluate use.
// The metrics themselves are in metrics/classification.h, metrics/regression.h,
// metrics/roc_auc.h and metrics/confusion_matrix.h.
#pragma once

#include <memory>
#include <string>

#include "tensor/tensor.h"

namespace nabla::metrics {

class Metric {
 public:
  virtual ~Metric() = default;

  /// The key under which fit logs the result ("accuracy", "mae", ...);
  /// validation results get the prefix "val_".
  virtual std::string name() const = 0;
  /// Forgets every batch seen.
  virtual void reset() = 0;
  /// Accumulates one batch: the model's outputs (as fit computes them, e.g.
  /// logits [b, k]) and the targets as the Dataset stores them.
  virtual void update(const Tensor& outputs, const Tensor& targets) = 0;
  /// The value over every batch since reset(). NaN when undefined (no samples).
  virtual double result() const = 0;
  /// A fresh metric of the same kind and options (fit keeps one for training
  /// and one for validation).
  virtual std::unique_ptr<Metric> clone() const = 0;
};

}  // namespace nabla::metrics
