#include "data/dataset.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include "tensor/dispatch.h"
#include "tensor/elementwise.h"
#include "tensor/error.h"
#include "tensor/factory.h"
#include "tensor/index.h"
#include "tensor/parallel.h"

namespace nabla::data {

namespace {

// How many rows ahead Dataset::batch prefetches byte rows.
constexpr std::int64_t kPrefetchRows = 4;

Tensor rows_tensor(std::span<const std::int64_t> rows) {
  Tensor index({static_cast<std::int64_t>(rows.size())}, DType::i64);
  std::copy(rows.begin(), rows.end(), index.data<std::int64_t>());
  return index;
}

void check_rows(std::span<const std::int64_t> rows, std::int64_t n, const char* op) {
  for (std::int64_t row : rows) {
    NABLA_CHECK(row >= 0 && row < n, op, "row ", row, " is out of range for a dataset of ", n,
                " samples");
  }
}

Shape sample_shape_of(const Shape& shape) {
  return Shape(shape.begin() + 1, shape.end());
}

// A per-feature coefficient [F] or a scalar [1] as F doubles.
std::vector<double> per_feature(const Tensor& t, std::int64_t features, const char* what) {
  check_defined(t, "Dataset::affine");
  NABLA_CHECK(is_floating(t.dtype()) && (t.numel() == features || t.numel() == 1),
              "Dataset::affine", what, " must be floating with ", features,
              " elements (one per feature) or 1, got ", t.dtype(), " ", t.shape());
  std::vector<double> values = t.contiguous().to(DType::f64).to_vector<double>();
  if (values.size() == 1) values.assign(static_cast<std::size_t>(features), values[0]);
  return values;
}

}  // namespace

Dataset::Dataset(Tensor inputs, Tensor targets) {
  check_defined(inputs, "Dataset");
  check_defined(targets, "Dataset");
  NABLA_CHECK(is_floating(inputs.dtype()), "Dataset", "inputs must be floating (f32 or f64), got ",
              inputs.dtype());
  NABLA_CHECK(inputs.dim() >= 1 && targets.dim() >= 1, "Dataset",
              "inputs and targets need a sample dimension, got shapes ", inputs.shape(), " and ",
              targets.shape());
  NABLA_CHECK(inputs.size(0) == targets.size(0), "Dataset", "inputs have ", inputs.size(0),
              " rows but targets have ", targets.size(0));
  inputs_ = inputs.contiguous();
  targets_ = targets.contiguous();
  sample_shape_ = sample_shape_of(inputs.shape());
}

Dataset Dataset::from_bytes(std::vector<std::uint8_t> bytes, Shape sample_shape, Tensor targets) {
  check_defined(targets, "Dataset::from_bytes");
  NABLA_CHECK(targets.dim() >= 1, "Dataset::from_bytes",
              "targets need a sample dimension, got shape ", targets.shape());
  // Negative sizes could multiply to a plausible count (-2 * -2 = 4) and an
  // overflowing product to any; numel() rejects both.
  for (std::int64_t s : sample_shape)
    NABLA_CHECK(s >= 0, "Dataset::from_bytes", "sample shape ", sample_shape,
                " has a negative size");
  const std::int64_t n = targets.size(0);
  Shape all = sample_shape;
  all.insert(all.begin(), n);
  std::int64_t total = 0;
  try {
    total = numel(all);
  } catch (const Error&) {
    NABLA_CHECK(false, "Dataset::from_bytes", n, " samples of shape ", sample_shape,
                " are more than 2^63 bytes");
  }
  NABLA_CHECK(static_cast<std::int64_t>(bytes.size()) == total, "Dataset::from_bytes", bytes.size(),
              " bytes do not hold ", n, " samples of shape ", sample_shape, " (", total, " bytes)");
  const std::int64_t features = numel(sample_shape);
  Dataset d;
  d.bytes_ = std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
  d.sample_shape_ = sample_shape;
  d.scale_ = ones({features}, DType::f64);
  d.shift_ = zeros({features}, DType::f64);
  d.targets_ = targets.contiguous();
  return d;
}

std::int64_t Dataset::num_features() const {
  return numel(sample_shape_);
}

Tensor Dataset::inputs(DType dtype) const {
  std::vector<std::int64_t> all(static_cast<std::size_t>(size()));
  std::iota(all.begin(), all.end(), std::int64_t{0});
  return batch(all, dtype).inputs;
}

Batch Dataset::batch(std::int64_t begin, std::int64_t end, DType dtype) const {
  NABLA_CHECK(0 <= begin && begin <= end && end <= size(), "Dataset::batch", "rows [", begin, ", ",
              end, ") are out of range for a dataset of ", size(), " samples");
  std::vector<std::int64_t> rows(static_cast<std::size_t>(end - begin));
  std::iota(rows.begin(), rows.end(), begin);
  return batch(rows, dtype);
}

Batch Dataset::batch(std::span<const std::int64_t> rows, DType dtype) const {
  NABLA_CHECK(is_floating(dtype), "Dataset::batch", "inputs are produced as f32 or f64, not ",
              dtype);
  check_rows(rows, size(), "Dataset::batch");
  const Tensor index = rows_tensor(rows);
  Batch out;
  out.targets = index_select(targets_, 0, index);
  if (!is_bytes()) {
    out.inputs = index_select(inputs_, 0, index);
    if (out.inputs.dtype() != dtype) out.inputs = out.inputs.to(dtype);
    return out;
  }
  Shape shape = sample_shape_;
  shape.insert(shape.begin(), static_cast<std::int64_t>(rows.size()));
  out.inputs = nabla::empty(shape, dtype);
  const std::int64_t features = num_features();
  dispatch_floating(dtype, "Dataset::batch", [&]<class T>() {
    // x = scale · byte + shift in the output precision, one row per task.
    const std::vector<double> scale64 = scale_.to_vector<double>();
    const std::vector<double> shift64 = shift_.to_vector<double>();
    std::vector<T> scale(scale64.begin(), scale64.end());
    std::vector<T> shift(shift64.begin(), shift64.end());
    const std::uint8_t* src = bytes_->data();
    T* dst = out.inputs.data<T>();
    const T* a = scale.data();
    const T* b = shift.data();
    parallel_for(0, static_cast<std::int64_t>(rows.size()),
                 4096 / std::max<std::int64_t>(features, 1) + 1,
                 [&](std::int64_t lo, std::int64_t hi) {
                   const auto prefetch_row = [&](std::int64_t i) {
                     const std::uint8_t* row = src + rows[static_cast<std::size_t>(i)] * features;
                     for (std::int64_t j = 0; j < features; j += 64) __builtin_prefetch(row + j);
                   };
                   for (std::int64_t i = lo; i < std::min(hi, lo + kPrefetchRows); ++i) {
                     prefetch_row(i);
                   }
                   for (std::int64_t i = lo; i < hi; ++i) {
                     // Shuffled rows are scattered over the whole byte array: fetch
                     // a few rows ahead so that memory latency overlaps the work.
                     if (i + kPrefetchRows < hi) prefetch_row(i + kPrefetchRows);
                     const std::uint8_t* s = src + rows[static_cast<std::size_t>(i)] * features;
                     T* __restrict d = dst + i * features;
                     for (std::int64_t j = 0; j < features; ++j) {
                       d[j] = a[j] * static_cast<T>(s[j]) + b[j];
                     }
                   }
                 });
  });
  return out;
}

Dataset Dataset::subset(std::span<const std::int64_t> rows) const {
  check_rows(rows, size(), "Dataset::subset");
  const Tensor index = rows_tensor(rows);
  Dataset d;
  d.sample_shape_ = sample_shape_;
  d.targets_ = index_select(targets_, 0, index);
  if (!is_bytes()) {
    d.inputs_ = index_select(inputs_, 0, index);
    return d;
  }
  const auto features = static_cast<std::size_t>(num_features());
  std::vector<std::uint8_t> bytes(rows.size() * features);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::copy_n(bytes_->data() + static_cast<std::size_t>(rows[i]) * features, features,
                bytes.data() + i * features);
  }
  d.bytes_ = std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
  d.scale_ = scale_;
  d.shift_ = shift_;
  return d;
}

const Tensor& Dataset::scale() const {
  NABLA_CHECK(is_bytes(), "Dataset::scale", "the dataset holds floating inputs, not bytes");
  return scale_;
}

const Tensor& Dataset::shift() const {
  NABLA_CHECK(is_bytes(), "Dataset::shift", "the dataset holds floating inputs, not bytes");
  return shift_;
}

Dataset Dataset::affine(const Tensor& a, const Tensor& b) const {
  const std::int64_t features = num_features();
  const std::vector<double> av = per_feature(a, features, "the scale");
  const std::vector<double> bv = per_feature(b, features, "the shift");
  Dataset d = *this;
  if (is_bytes()) {
    // a·(s·byte + t) + b = (a·s)·byte + (a·t + b)
    std::vector<double> s = scale_.to_vector<double>();
    std::vector<double> t = shift_.to_vector<double>();
    for (std::size_t j = 0; j < s.size(); ++j) {
      s[j] *= av[j];
      t[j] = av[j] * t[j] + bv[j];
    }
    d.scale_ = from_vector(s, Shape{features});
    d.shift_ = from_vector(t, Shape{features});
    return d;
  }
  Shape row_shape = sample_shape_;
  row_shape.insert(row_shape.begin(), 1);
  const DType dtype = inputs_.dtype();
  const Tensor at = from_vector(av, row_shape).to(dtype);
  const Tensor bt = from_vector(bv, row_shape).to(dtype);
  d.inputs_ = add(mul(inputs_, at), bt);
  return d;
}

Dataset Dataset::with_targets(Tensor targets) const {
  check_defined(targets, "Dataset::with_targets");
  NABLA_CHECK(targets.dim() >= 1 && targets.size(0) == size(), "Dataset::with_targets",
              "expected targets with ", size(), " rows, got shape ", targets.shape());
  Dataset d = *this;
  d.targets_ = targets.contiguous();
  return d;
}

}  // namespace nabla::data
