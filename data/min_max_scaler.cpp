#include "data/min_max_scaler.h"

#include <cmath>
#include <utility>
#include <vector>

#include "data/feature_stats.h"
#include "tensor/elementwise.h"
#include "tensor/error.h"
#include "tensor/factory.h"
#include "tensor/shape_ops.h"

namespace nabla::data {

namespace {

// A [F] f64 coefficient as [1, F] in `dtype`, to broadcast over rows.
Tensor row(const Tensor& t, DType dtype) {
  return reshape(t, Shape{1, t.numel()}).to(dtype);
}

}  // namespace

MinMaxScaler::MinMaxScaler(MinMaxScalerOptions options) : options_(options) {
  NABLA_CHECK(
      std::isfinite(options.low) && std::isfinite(options.high) && options.low < options.high,
      "MinMaxScaler", "the range needs finite low < high, got [", options.low, ", ", options.high,
      "]");
}

void MinMaxScaler::set_range(std::vector<double> min, std::vector<double> max) {
  const double width = options_.high - options_.low;
  std::vector<double> scale(min.size()), offset(min.size());
  for (std::size_t j = 0; j < min.size(); ++j) {
    // a constant feature keeps a range of 1 (as scikit-learn), so it maps to low
    const double range = max[j] > min[j] ? max[j] - min[j] : 1.0;
    scale[j] = width / range;
    offset[j] = options_.low - min[j] * scale[j];
  }
  data_min_ = from_vector(min);
  data_max_ = from_vector(max);
  scale_ = from_vector(scale);
  offset_ = from_vector(offset);
}

MinMaxScaler& MinMaxScaler::fit(const Tensor& x) {
  FeatureStats s = feature_stats(x, "MinMaxScaler::fit");
  set_range(std::move(s.min), std::move(s.max));
  return *this;
}

MinMaxScaler& MinMaxScaler::fit(const Dataset& data) {
  FeatureStats s = feature_stats(data, "MinMaxScaler::fit");
  set_range(std::move(s.min), std::move(s.max));
  return *this;
}

void MinMaxScaler::check_fitted(const char* op) const {
  NABLA_CHECK(fitted(), op, "the scaler is not fitted: call fit first");
}

std::int64_t MinMaxScaler::num_features() const {
  check_fitted("MinMaxScaler::num_features");
  return data_min_.numel();
}

const Tensor& MinMaxScaler::data_min() const {
  check_fitted("MinMaxScaler::data_min");
  return data_min_;
}

const Tensor& MinMaxScaler::data_max() const {
  check_fitted("MinMaxScaler::data_max");
  return data_max_;
}

const Tensor& MinMaxScaler::scale() const {
  check_fitted("MinMaxScaler::scale");
  return scale_;
}

const Tensor& MinMaxScaler::offset() const {
  check_fitted("MinMaxScaler::offset");
  return offset_;
}

Tensor MinMaxScaler::transform(const Tensor& x) const {
  check_fitted("MinMaxScaler::transform");
  const Tensor rows = feature_rows(x, scale_.numel(), "MinMaxScaler::transform");
  return reshape(add(mul(rows, row(scale_, x.dtype())), row(offset_, x.dtype())), x.shape());
}

Tensor MinMaxScaler::inverse_transform(const Tensor& x) const {
  check_fitted("MinMaxScaler::inverse_transform");
  const Tensor rows = feature_rows(x, scale_.numel(), "MinMaxScaler::inverse_transform");
  return reshape(div(sub(rows, row(offset_, x.dtype())), row(scale_, x.dtype())), x.shape());
}

Dataset MinMaxScaler::transform(const Dataset& data) const {
  check_fitted("MinMaxScaler::transform");
  NABLA_CHECK(data.num_features() == scale_.numel(), "MinMaxScaler::transform", "fitted on ",
              scale_.numel(), " features, got a Dataset of samples ", data.sample_shape(), " (",
              data.num_features(), " features)");
  return data.affine(scale_, offset_);
}

Dataset MinMaxScaler::inverse_transform(const Dataset& data) const {
  check_fitted("MinMaxScaler::inverse_transform");
  NABLA_CHECK(data.num_features() == scale_.numel(), "MinMaxScaler::inverse_transform",
              "fitted on ", scale_.numel(), " features, got a Dataset of samples ",
              data.sample_shape(), " (", data.num_features(), " features)");
  // x = (x' − offset) / scale = (1 / scale) · x' − offset / scale
  return data.affine(reciprocal(scale_), neg(div(offset_, scale_)));
}

Tensor MinMaxScaler::fit_transform(const Tensor& x) {
  return fit(x).transform(x);
}

Dataset MinMaxScaler::fit_transform(const Dataset& data) {
  return fit(data).transform(data);
}

StateDict MinMaxScaler::state_dict() const {
  check_fitted("MinMaxScaler::state_dict");
  StateDict state;
  state.insert("data_min", data_min_.clone());
  state.insert("data_max", data_max_.clone());
  return state;
}

void MinMaxScaler::load_state_dict(const StateDict& state) {
  const char* op = "MinMaxScaler::load_state_dict";
  NABLA_CHECK(state.contains("data_min") && state.contains("data_max"), op,
              "expected entries \"data_min\" and \"data_max\"");
  const Tensor& lo = state.at("data_min");
  const Tensor& hi = state.at("data_max");
  NABLA_CHECK(is_floating(lo.dtype()) && is_floating(hi.dtype()) && lo.dim() == 1 &&
                  hi.dim() == 1 && lo.numel() == hi.numel() && lo.numel() > 0,
              op, "data_min and data_max must be floating [F] tensors of equal length, got ",
              lo.dtype(), " ", lo.shape(), " and ", hi.dtype(), " ", hi.shape());
  std::vector<double> min = lo.to(DType::f64).to_vector<double>();
  std::vector<double> max = hi.to(DType::f64).to_vector<double>();
  for (std::size_t j = 0; j < min.size(); ++j) {
    NABLA_CHECK(std::isfinite(min[j]) && std::isfinite(max[j]) && min[j] <= max[j], op, "feature ",
                j, " needs finite data_min <= data_max, got ", min[j], " and ", max[j]);
  }
  set_range(std::move(min), std::move(max));
}

}  // namespace nabla::data
