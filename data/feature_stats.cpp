#include "data/feature_stats.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "tensor/error.h"
#include "tensor/shape_ops.h"

namespace nabla::data {

namespace {

// About 64k doubles per block: big enough to amortize the gather, small enough
// to stay in cache and far below the size of a whole data set.
constexpr std::int64_t kBlockValues = 1 << 16;

class Accumulator {
 public:
  explicit Accumulator(std::int64_t features)
      : features_(static_cast<std::size_t>(features)),
        mean_(features_, 0.0),
        m2_(features_, 0.0),
        min_(features_, std::numeric_limits<double>::infinity()),
        max_(features_, -std::numeric_limits<double>::infinity()),
        block_mean_(features_),
        block_m2_(features_) {}

  // Merges the rows of a contiguous f64 block [rows, F].
  void add(const double* x, std::int64_t rows) {
    if (rows == 0) return;
    // two passes over the block: its own mean, then its squared deviations
    std::fill(block_mean_.begin(), block_mean_.end(), 0.0);
    std::fill(block_m2_.begin(), block_m2_.end(), 0.0);
    for (std::int64_t i = 0; i < rows; ++i) {
      const double* row = x + i * static_cast<std::int64_t>(features_);
      for (std::size_t j = 0; j < features_; ++j) {
        block_mean_[j] += row[j];
        min_[j] = std::min(min_[j], row[j]);
        max_[j] = std::max(max_[j], row[j]);
      }
    }
    const auto nb = static_cast<double>(rows);
    for (double& m : block_mean_) m /= nb;
    for (std::int64_t i = 0; i < rows; ++i) {
      const double* row = x + i * static_cast<std::int64_t>(features_);
      for (std::size_t j = 0; j < features_; ++j) {
        const double d = row[j] - block_mean_[j];
        block_m2_[j] += d * d;
      }
    }
    // Chan et al.: M2 = M2_a + M2_b + δ² · n_a · n_b / (n_a + n_b), δ = mean_b − mean_a
    const auto na = static_cast<double>(count_);
    const double n = na + nb;
    for (std::size_t j = 0; j < features_; ++j) {
      const double delta = block_mean_[j] - mean_[j];
      mean_[j] += delta * nb / n;
      m2_[j] += block_m2_[j] + delta * delta * na * nb / n;
    }
    count_ += rows;
  }

  FeatureStats finish(std::string_view op) const {
    NABLA_CHECK(count_ > 0, op, "needs at least one sample, got none");
    FeatureStats s;
    s.count = count_;
    s.mean = mean_;
    s.min = min_;
    s.max = max_;
    s.var.resize(features_);
    for (std::size_t j = 0; j < features_; ++j) {
      s.var[j] = m2_[j] / static_cast<double>(count_);
      // NaN or ±inf anywhere in the column makes its mean or M2 non-finite
      NABLA_CHECK(std::isfinite(s.mean[j]) && std::isfinite(s.var[j]), op, "feature ", j,
                  " has non-finite values (mean ", s.mean[j], ", variance ", s.var[j], ")");
    }
    return s;
  }

 private:
  std::size_t features_;
  std::int64_t count_ = 0;
  std::vector<double> mean_, m2_, min_, max_;
  std::vector<double> block_mean_, block_m2_;  // scratch
};

std::int64_t block_rows(std::int64_t features) {
  return std::max<std::int64_t>(1, kBlockValues / std::max<std::int64_t>(features, 1));
}

}  // namespace

FeatureStats feature_stats(const Tensor& x, std::string_view op) {
  check_defined(x, op);
  NABLA_CHECK(is_floating(x.dtype()), op, "expected floating samples, got ", x.dtype());
  NABLA_CHECK(x.dim() >= 1, op, "expected samples [n, ...], got a 0-dimensional tensor");
  const std::int64_t n = x.size(0);
  const std::int64_t features = n > 0 ? x.numel() / n : 0;
  const Tensor rows = reshape(x.contiguous(), Shape{n, n > 0 ? features : 0});
  Accumulator acc(features);
  const std::int64_t step = block_rows(features);
  for (std::int64_t begin = 0; begin < n; begin += step) {
    const std::int64_t count = std::min(step, n - begin);
    const Tensor block = narrow(rows, 0, begin, count).contiguous().to(DType::f64);
    acc.add(block.data<double>(), count);
  }
  return acc.finish(op);
}

FeatureStats feature_stats(const Dataset& data, std::string_view op) {
  const std::int64_t n = data.size();
  const std::int64_t features = data.num_features();
  Accumulator acc(features);
  const std::int64_t step = block_rows(features);
  for (std::int64_t begin = 0; begin < n; begin += step) {
    const std::int64_t end = std::min(n, begin + step);
    const Tensor block = data.batch(begin, end, DType::f64).inputs.contiguous();
    acc.add(block.data<double>(), end - begin);
  }
  return acc.finish(op);
}

Tensor feature_rows(const Tensor& x, std::int64_t features, std::string_view op) {
  check_defined(x, op);
  NABLA_CHECK(is_floating(x.dtype()), op, "expected floating samples, got ", x.dtype());
  NABLA_CHECK(x.dim() >= 1, op, "expected samples [n, ...], got a 0-dimensional tensor");
  // With 0 samples the other sizes may multiply beyond int64: numel() checks.
  const std::int64_t got = numel(Shape(x.shape().begin() + 1, x.shape().end()));
  NABLA_CHECK(got == features, op, "fitted on ", features, " features, got samples of shape ",
              x.shape(), " (", got, " features)");
  return reshape(x.contiguous(), Shape{x.size(0), features});
}

}  // namespace nabla::data
