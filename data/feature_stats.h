// Per-feature statistics of samples: count, mean, population variance,
// minimum and maximum of every feature, computed a block of rows at a time in
// double, so a byte Dataset of 60,000 images is never held as floats at once.
// The scalers (standard_scaler.h, min_max_scaler.h) fit with them.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "data/dataset.h"
#include "tensor/tensor.h"

namespace nabla::data {

/// The statistics of F features over n samples.
struct FeatureStats {
  std::int64_t count = 0;
  std::vector<double> mean;
  /// The population variance (1/n) Σ (x − mean)².
  std::vector<double> var;
  std::vector<double> min;
  std::vector<double> max;
};

/// The statistics of the floating x [n, F...] (features = prod of the trailing
/// dims; a 1-D x holds n samples of one feature). Means and variances are
/// merged block by block with Chan et al.'s pairwise update, which keeps the
/// accuracy of a two-pass computation. Throws nabla::Error, naming `op`, for
/// an undefined, non-floating or 0-dimensional x, n = 0, or a non-finite value.
FeatureStats feature_stats(const Tensor& x, std::string_view op = "feature_stats");

/// The statistics of the inputs of `data` (with the affine map applied for
/// byte inputs), gathered in f64 blocks of rows. Throws nabla::Error, naming
/// `op`, for an empty Dataset or a non-finite value.
FeatureStats feature_stats(const Dataset& data, std::string_view op = "feature_stats");

/// The floating samples x [n, F...] as a contiguous [n, F] tensor (a 1-D x
/// is n samples of one feature), for a transform fitted on `features`
/// features. Throws nabla::Error, naming `op`, for an undefined, non-floating
/// or 0-dimensional x, or samples with another number of features.
Tensor feature_rows(const Tensor& x, std::int64_t features, std::string_view op);

}  // namespace nabla::data
