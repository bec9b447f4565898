#include "metrics/regression.h"

#include <cmath>
#include <limits>
#include <string_view>

#include "tensor/dispatch.h"
#include "tensor/error.h"

namespace nabla::metrics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool is_column(const Tensor& t) {
  return t.dim() == 1 || (t.dim() == 2 && t.size(1) == 1);
}

// The number of output columns d of matching outputs and targets [n, ...],
// viewed as [n, d]. Throws when they do not match.
std::int64_t check_shapes(const Tensor& outputs, const Tensor& targets, std::string_view op) {
  NABLA_CHECK(outputs.defined() && targets.defined(), op, "outputs or targets are undefined");
  NABLA_CHECK(outputs.dim() >= 1 && targets.dim() >= 1, op,
              "outputs and targets need a sample dimension, got ", outputs.shape(), " and ",
              targets.shape());
  const bool match =
      outputs.shape() == targets.shape() ||
      (is_column(outputs) && is_column(targets) && outputs.size(0) == targets.size(0));
  NABLA_CHECK(match, op, "outputs ", outputs.shape(), " and targets ", targets.shape(),
              " differ in shape");
  const std::int64_t n = outputs.size(0);
  return n > 0 ? outputs.numel() / n : (is_column(outputs) ? 1 : 0);
}

// Calls f(output, target) for every element pair, in row-major order.
template <class F>
void for_each_pair(const Tensor& outputs, const Tensor& targets, F&& f) {
  const Tensor o = outputs.contiguous();
  const Tensor t = targets.contiguous();
  dispatch(o.dtype(), [&]<class O>() {
    dispatch(t.dtype(), [&]<class T>() {
      const O* po = o.data<O>();
      const T* pt = t.data<T>();
      const std::int64_t n = o.numel();
      for (std::int64_t i = 0; i < n; ++i) {
        f(static_cast<double>(po[i]), static_cast<double>(pt[i]));
      }
    });
  });
}

struct ErrorSums {
  double squared = 0.0;
  double absolute = 0.0;
  std::int64_t count = 0;
};

ErrorSums error_sums(const Tensor& outputs, const Tensor& targets, std::string_view op) {
  check_shapes(outputs, targets, op);
  ErrorSums sums;
  for_each_pair(outputs, targets, [&](double o, double t) {
    const double e = o - t;
    sums.squared += e * e;
    sums.absolute += std::abs(e);
  });
  sums.count = outputs.numel();
  return sums;
}

double ratio_or_nan(double sum, std::int64_t count) {
  return count > 0 ? sum / static_cast<double>(count) : kNaN;
}

}  // namespace

double mse(const Tensor& outputs, const Tensor& targets) {
  const ErrorSums s = error_sums(outputs, targets, "mse");
  return ratio_or_nan(s.squared, s.count);
}

double mae(const Tensor& outputs, const Tensor& targets) {
  const ErrorSums s = error_sums(outputs, targets, "mae");
  return ratio_or_nan(s.absolute, s.count);
}

double rmse(const Tensor& outputs, const Tensor& targets) {
  const ErrorSums s = error_sums(outputs, targets, "rmse");
  return std::sqrt(ratio_or_nan(s.squared, s.count));
}

double r2_score(const Tensor& outputs, const Tensor& targets) {
  check_shapes(outputs, targets, "r2_score");
  R2Score metric;
  metric.update(outputs, targets);
  return metric.result();
}

void ErrorSumMetric::reset() {
  squared_sum_ = 0.0;
  absolute_sum_ = 0.0;
  count_ = 0;
}

void ErrorSumMetric::update(const Tensor& outputs, const Tensor& targets) {
  const ErrorSums s = error_sums(outputs, targets, name());
  squared_sum_ += s.squared;
  absolute_sum_ += s.absolute;
  count_ += s.count;
}

double MeanSquaredError::result() const {
  return ratio_or_nan(squared_sum_, count_);
}
std::unique_ptr<Metric> MeanSquaredError::clone() const {
  return std::make_unique<MeanSquaredError>();
}

double MeanAbsoluteError::result() const {
  return ratio_or_nan(absolute_sum_, count_);
}
std::unique_ptr<Metric> MeanAbsoluteError::clone() const {
  return std::make_unique<MeanAbsoluteError>();
}

double RootMeanSquaredError::result() const {
  return std::sqrt(ratio_or_nan(squared_sum_, count_));
}
std::unique_ptr<Metric> RootMeanSquaredError::clone() const {
  return std::make_unique<RootMeanSquaredError>();
}

void R2Score::reset() {
  count_ = 0;
  mean_.clear();
  m2_.clear();
  residual_sum_.clear();
}

void R2Score::update(const Tensor& outputs, const Tensor& targets) {
  const std::int64_t d = check_shapes(outputs, targets, "R2Score");
  const std::int64_t n = outputs.size(0);
  if (n == 0) return;
  NABLA_CHECK(d > 0, "R2Score", "outputs ", outputs.shape(), " have no columns");
  if (count_ == 0) {
    mean_.assign(static_cast<std::size_t>(d), 0.0);
    m2_.assign(static_cast<std::size_t>(d), 0.0);
    residual_sum_.assign(static_cast<std::size_t>(d), 0.0);
  }
  NABLA_CHECK(static_cast<std::int64_t>(mean_.size()) == d, "R2Score", "outputs ", outputs.shape(),
              " have ", d, " columns per sample, earlier batches had ", mean_.size());

  // This batch's per-column mean, Σ (y − ȳ_batch)² and SS_res, in two passes.
  std::vector<double> mean(static_cast<std::size_t>(d), 0.0);
  std::vector<double> m2(static_cast<std::size_t>(d), 0.0);
  std::int64_t i = 0;
  for_each_pair(outputs, targets,
                [&](double, double t) { mean[static_cast<std::size_t>(i++ % d)] += t; });
  for (double& m : mean) m /= static_cast<double>(n);
  i = 0;
  for_each_pair(outputs, targets, [&](double o, double t) {
    const auto j = static_cast<std::size_t>(i++ % d);
    m2[j] += (t - mean[j]) * (t - mean[j]);
    residual_sum_[j] += (t - o) * (t - o);
  });

  // Chan et al.: merging sets a (count na) and b (count nb) gives
  //   mean = mean_a + δ·nb/n,  M2 = M2_a + M2_b + δ²·na·nb/n,  δ = mean_b − mean_a,
  // the same numbers as one pass over both, without cancellation.
  const auto na = static_cast<double>(count_);
  const auto nb = static_cast<double>(n);
  const double total = na + nb;
  for (std::size_t j = 0; j < mean.size(); ++j) {
    const double delta = mean[j] - mean_[j];
    mean_[j] += delta * nb / total;
    m2_[j] += m2[j] + delta * delta * na * nb / total;
  }
  count_ += n;
}

double R2Score::result() const {
  if (count_ == 0 || mean_.empty()) return kNaN;
  double sum = 0.0;
  for (std::size_t j = 0; j < mean_.size(); ++j) {
    if (m2_[j] == 0.0) {
      sum += residual_sum_[j] == 0.0 ? 1.0 : 0.0;  // constant targets
    } else {
      sum += 1.0 - residual_sum_[j] / m2_[j];
    }
  }
  return sum / static_cast<double>(mean_.size());
}

std::unique_ptr<Metric> R2Score::clone() const {
  return std::make_unique<R2Score>();
}

}  // namespace nabla::metrics
