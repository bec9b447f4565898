// MinMaxScaler: maps each feature linearly from the range [min, max] it has
// in the training data onto [low, high] (default [0, 1]; [−1, 1] for tanh
// units), as scikit-learn's MinMaxScaler:
//   x' = low + (x − min) · (high − low) / (max − min).
// A constant feature (max = min) maps to low. On byte Datasets the transform
// is a change of the per-feature affine map, not a copy.
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"
#include "tensor/state_dict.h"
#include "tensor/tensor.h"

namespace nabla::data {

struct MinMaxScalerOptions {
  /// The target range [low, high], low < high.
  double low = 0.0;
  double high = 1.0;
};

class MinMaxScaler {
 public:
  /// Throws nabla::Error unless low < high (both finite).
  explicit MinMaxScaler(MinMaxScalerOptions options = {});

  /// Records the per-feature minimum and maximum of the floating samples x
  /// [n, F...] and returns *this. Throws nabla::Error for an undefined,
  /// non-floating or 0-dimensional x, n = 0, or a non-finite value.
  MinMaxScaler& fit(const Tensor& x);
  /// Fits on the inputs of `data` (byte inputs a block of rows at a time).
  MinMaxScaler& fit(const Dataset& data);

  /// Returns x · scale + offset per feature (see scale()), in x's dtype and
  /// shape; values outside the training range map outside [low, high]. Throws
  /// nabla::Error before fit, for a non-floating x, or when x's samples do not
  /// have num_features() features.
  Tensor transform(const Tensor& x) const;
  /// Returns `data` with transformed inputs (for bytes, a new affine map).
  Dataset transform(const Dataset& data) const;
  /// Returns (x − offset) / scale, undoing transform. Throws like transform.
  Tensor inverse_transform(const Tensor& x) const;
  Dataset inverse_transform(const Dataset& data) const;

  /// fit(x) then transform(x).
  Tensor fit_transform(const Tensor& x);
  Dataset fit_transform(const Dataset& data);

  const MinMaxScalerOptions& options() const { return options_; }
  bool fitted() const { return data_min_.defined(); }
  /// The number of features seen by fit. Throws nabla::Error before fit.
  std::int64_t num_features() const;
  /// The per-feature minimum and maximum of the training data [F] (f64).
  const Tensor& data_min() const;
  const Tensor& data_max() const;
  /// scale = (high − low) / (max − min), or high − low when max = min, and
  /// offset = low − min · scale, both [F] (f64). Throw nabla::Error before fit.
  const Tensor& scale() const;
  const Tensor& offset() const;

  /// {"data_min": [F] f64, "data_max": [F] f64}; the range [low, high] is an
  /// option of the constructor. Throws nabla::Error before fit.
  StateDict state_dict() const;
  /// Restores a state_dict(). Throws nabla::Error for missing entries, tensors
  /// that are not floating [F] of equal length, non-finite values, or a
  /// minimum above its maximum.
  void load_state_dict(const StateDict& state);

 private:
  void set_range(std::vector<double> min, std::vector<double> max);
  void check_fitted(const char* op) const;
  MinMaxScalerOptions options_;
  Tensor data_min_, data_max_;  // [F] f64
  Tensor scale_, offset_;       // [F] f64
};

}  // namespace nabla::data
