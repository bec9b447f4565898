#include "data/standard_scaler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <utility>
#include <vector>

#include "data/feature_stats.h"
#include "tensor/elementwise.h"
#include "tensor/error.h"
#include "tensor/factory.h"
#include "tensor/shape_ops.h"

namespace nabla::data {

namespace {

// (mean, scale) from the statistics.
std::pair<Tensor, Tensor> mean_and_scale(const FeatureStats& s) {
  std::vector<double> scale(s.var.size());
  for (std::size_t j = 0; j < scale.size(); ++j) {
    // A constant feature's deviation comes out as rounding noise rather than
    // exactly 0; dividing by it would blow that noise up, so it keeps scale 1.
    const double sd = std::sqrt(s.var[j]);
    const double tiny =
        10 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::abs(s.mean[j]));
    scale[j] = sd <= tiny ? 1.0 : sd;
  }
  return {from_vector(s.mean), from_vector(scale)};
}

// A [F] f64 coefficient as [1, F] in `dtype`, to broadcast over rows.
Tensor row(const Tensor& t, DType dtype) {
  return reshape(t, Shape{1, t.numel()}).to(dtype);
}

}  // namespace

StandardScaler& StandardScaler::fit(const Tensor& x) {
  std::tie(mean_, scale_) = mean_and_scale(feature_stats(x, "StandardScaler::fit"));
  return *this;
}

StandardScaler& StandardScaler::fit(const Dataset& data) {
  std::tie(mean_, scale_) = mean_and_scale(feature_stats(data, "StandardScaler::fit"));
  return *this;
}

void StandardScaler::check_fitted(const char* op) const {
  NABLA_CHECK(fitted(), op, "the scaler is not fitted: call fit first");
}

std::int64_t StandardScaler::num_features() const {
  check_fitted("StandardScaler::num_features");
  return mean_.numel();
}

const Tensor& StandardScaler::mean() const {
  check_fitted("StandardScaler::mean");
  return mean_;
}

const Tensor& StandardScaler::scale() const {
  check_fitted("StandardScaler::scale");
  return scale_;
}

Tensor StandardScaler::transform(const Tensor& x) const {
  check_fitted("StandardScaler::transform");
  const Tensor rows = feature_rows(x, mean_.numel(), "StandardScaler::transform");
  const Tensor y = div(sub(rows, row(mean_, x.dtype())), row(scale_, x.dtype()));
  return reshape(y, x.shape());
}

Tensor StandardScaler::inverse_transform(const Tensor& x) const {
  check_fitted("StandardScaler::inverse_transform");
  const Tensor rows = feature_rows(x, mean_.numel(), "StandardScaler::inverse_transform");
  const Tensor y = add(mul(rows, row(scale_, x.dtype())), row(mean_, x.dtype()));
  return reshape(y, x.shape());
}

Dataset StandardScaler::transform(const Dataset& data) const {
  check_fitted("StandardScaler::transform");
  NABLA_CHECK(data.num_features() == mean_.numel(), "StandardScaler::transform", "fitted on ",
              mean_.numel(), " features, got a Dataset of samples ", data.sample_shape(), " (",
              data.num_features(), " features)");
  // (x − mean) / scale = (1 / scale) · x − mean / scale
  return data.affine(reciprocal(scale_), neg(div(mean_, scale_)));
}

Dataset StandardScaler::inverse_transform(const Dataset& data) const {
  check_fitted("StandardScaler::inverse_transform");
  NABLA_CHECK(data.num_features() == mean_.numel(), "StandardScaler::inverse_transform",
              "fitted on ", mean_.numel(), " features, got a Dataset of samples ",
              data.sample_shape(), " (", data.num_features(), " features)");
  return data.affine(scale_, mean_);
}

Tensor StandardScaler::fit_transform(const Tensor& x) {
  return fit(x).transform(x);
}

Dataset StandardScaler::fit_transform(const Dataset& data) {
  return fit(data).transform(data);
}

StateDict StandardScaler::state_dict() const {
  check_fitted("StandardScaler::state_dict");
  StateDict state;
  state.insert("mean", mean_.clone());
  state.insert("scale", scale_.clone());
  return state;
}

void StandardScaler::load_state_dict(const StateDict& state) {
  const char* op = "StandardScaler::load_state_dict";
  NABLA_CHECK(state.contains("mean") && state.contains("scale"), op,
              "expected entries \"mean\" and \"scale\"");
  const Tensor& mean = state.at("mean");
  const Tensor& scale = state.at("scale");
  NABLA_CHECK(is_floating(mean.dtype()) && is_floating(scale.dtype()) && mean.dim() == 1 &&
                  scale.dim() == 1 && mean.numel() == scale.numel() && mean.numel() > 0,
              op, "mean and scale must be floating [F] tensors of equal length, got ", mean.dtype(),
              " ", mean.shape(), " and ", scale.dtype(), " ", scale.shape());
  const std::vector<double> s = scale.to(DType::f64).to_vector<double>();
  for (std::size_t j = 0; j < s.size(); ++j) {
    NABLA_CHECK(std::isfinite(s[j]) && s[j] > 0, op, "scale of feature ", j,
                " must be positive and finite, got ", s[j]);
  }
  const std::vector<double> m = mean.to(DType::f64).to_vector<double>();
  for (std::size_t j = 0; j < m.size(); ++j) {
    NABLA_CHECK(std::isfinite(m[j]), op, "mean of feature ", j, " is not finite: ", m[j]);
  }
  mean_ = from_vector(m);
  scale_ = from_vector(s);
}

}  // namespace nabla::data
