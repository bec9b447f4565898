// StandardScaler: standardizes each feature to zero mean and unit variance,
//   x' = (x − mean) / scale,
// with the mean and the population standard deviation of the training data
// (as scikit-learn's StandardScaler). Fit on the training set, then transform
// it and every other set with the same statistics. On byte Datasets the
// transform is a change of the per-feature affine map, not a copy.
#pragma once

#include <cstdint>

#include "data/dataset.h"
#include "tensor/state_dict.h"
#include "tensor/tensor.h"

namespace nabla::data {

class StandardScaler {
 public:
  StandardScaler() = default;

  /// Computes the per-feature mean and scale of the floating samples x
  /// [n, F...] (features = prod of the trailing dims) and returns *this.
  /// scale = sqrt((1/n) Σ (x − mean)²), replaced by 1 for a constant feature
  /// (scale <= 10 · ε · max(1, |mean|)), so that it maps to 0 instead of
  /// dividing by zero. Throws nabla::Error for an undefined, non-floating or
  /// 0-dimensional x, n = 0, or a non-finite value.
  StandardScaler& fit(const Tensor& x);
  /// Fits on the inputs of `data`; byte inputs are read a block of rows at a
  /// time (see feature_stats.h). Throws nabla::Error for an empty Dataset or a
  /// non-finite value.
  StandardScaler& fit(const Dataset& data);

  /// Returns (x − mean) / scale per feature, in x's dtype and shape. Throws
  /// nabla::Error before fit, for a non-floating x, or when x's samples do not
  /// have num_features() features.
  Tensor transform(const Tensor& x) const;
  /// Returns `data` with inputs (x − mean) / scale: for byte inputs the affine
  /// map is composed with it (Dataset::affine), nothing is copied. Throws like
  /// transform(Tensor).
  Dataset transform(const Dataset& data) const;
  /// Returns x · scale + mean, undoing transform. Throws like transform.
  Tensor inverse_transform(const Tensor& x) const;
  Dataset inverse_transform(const Dataset& data) const;

  /// fit(x) then transform(x).
  Tensor fit_transform(const Tensor& x);
  Dataset fit_transform(const Dataset& data);

  bool fitted() const { return mean_.defined(); }
  /// The number of features seen by fit. Throws nabla::Error before fit.
  std::int64_t num_features() const;
  /// The per-feature mean and scale [F] (f64). Throw nabla::Error before fit.
  const Tensor& mean() const;
  const Tensor& scale() const;

  /// {"mean": [F] f64, "scale": [F] f64}, to save with a model. Throws
  /// nabla::Error before fit.
  StateDict state_dict() const;
  /// Restores a state_dict(). Throws nabla::Error when "mean" or "scale" is
  /// missing, they are not floating 1-D tensors of equal length, or a scale is
  /// not positive and finite.
  void load_state_dict(const StateDict& state);

 private:
  void check_fitted(const char* op) const;
  Tensor mean_;   // [F] f64
  Tensor scale_;  // [F] f64
};

}  // namespace nabla::data
