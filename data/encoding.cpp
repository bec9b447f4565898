#include "data/encoding.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "tensor/elementwise.h"
#include "tensor/error.h"
#include "tensor/factory.h"
#include "tensor/index.h"

namespace nabla::data {

namespace {

// The first few classes, for error messages ("1, 3, 5, ..." for long lists).
template <class T>
std::string some_of(const std::vector<T>& classes) {
  constexpr std::size_t kShown = 8;
  std::ostringstream out;
  for (std::size_t i = 0; i < classes.size() && i < kShown; ++i) {
    out << (i ? ", " : "") << classes[i];
  }
  if (classes.size() > kShown) out << ", ...";
  return out.str();
}

template <class T>
std::vector<T> sorted_unique(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

// The code of `value` among the sorted `classes` (binary search), or −1.
template <class T>
std::int64_t code_of(const std::vector<T>& classes, const T& value) {
  auto it = std::lower_bound(classes.begin(), classes.end(), value);
  return it != classes.end() && *it == value ? it - classes.begin() : -1;
}

}  // namespace

Tensor one_hot(const Tensor& labels, std::int64_t num_classes, const OneHotOptions& options) {
  if (options.dtype == DType::i64) {
    NABLA_CHECK(std::trunc(options.negative) == options.negative &&
                    std::trunc(options.positive) == options.positive,
                "one_hot", "i64 entries need integral negative and positive values, got ",
                options.negative, " and ", options.positive);
  }
  // nabla::one_hot checks the labels and num_classes and gives the 0/1 coding;
  // e · (positive − negative) + negative turns 1 into positive and 0 into negative.
  Tensor hot = nabla::one_hot(labels, num_classes, options.dtype);
  if (options.negative == 0.0 && options.positive == 1.0) return hot;
  if (options.dtype == DType::i64) {
    return add(mul(hot, static_cast<double>(options.positive - options.negative)),
               options.negative);
  }
  hot.mul_(options.positive - options.negative).add_(options.negative);
  return hot;
}

LabelEncoder& LabelEncoder::fit(const Tensor& values) {
  check_defined(values, "LabelEncoder::fit");
  NABLA_CHECK(values.dtype() == DType::i64, "LabelEncoder::fit",
              "expected i64 values (or strings), got ", values.dtype());
  NABLA_CHECK(values.numel() > 0, "LabelEncoder::fit", "needs at least one value, got shape ",
              values.shape());
  classes_ = sorted_unique(values.to_vector<std::int64_t>());
  string_classes_.clear();
  holds_strings_ = false;
  fitted_ = true;
  return *this;
}

LabelEncoder& LabelEncoder::fit(const std::vector<std::string>& values) {
  NABLA_CHECK(!values.empty(), "LabelEncoder::fit", "needs at least one value, got none");
  string_classes_ = sorted_unique(values);
  classes_.clear();
  holds_strings_ = true;
  fitted_ = true;
  return *this;
}

void LabelEncoder::check_mode(bool strings, const char* op) const {
  NABLA_CHECK(fitted_, op, "the encoder is not fitted: call fit first");
  NABLA_CHECK(holds_strings_ == strings, op, "the encoder was fitted on ",
              holds_strings_ ? "strings" : "integers", ", not ", strings ? "strings" : "integers");
}

std::int64_t LabelEncoder::num_classes() const {
  NABLA_CHECK(fitted_, "LabelEncoder::num_classes", "the encoder is not fitted: call fit first");
  return static_cast<std::int64_t>(holds_strings_ ? string_classes_.size() : classes_.size());
}

Tensor LabelEncoder::transform(const Tensor& values) const {
  check_mode(false, "LabelEncoder::transform");
  check_defined(values, "LabelEncoder::transform");
  NABLA_CHECK(values.dtype() == DType::i64, "LabelEncoder::transform", "expected i64 values, got ",
              values.dtype());
  std::vector<std::int64_t> codes = values.to_vector<std::int64_t>();
  for (std::int64_t& v : codes) {
    const std::int64_t code = code_of(classes_, v);
    NABLA_CHECK(code >= 0, "LabelEncoder::transform", "unknown value ", v,
                " (the classes seen by fit: ", some_of(classes_), ")");
    v = code;
  }
  return from_vector(codes, values.shape());
}

Tensor LabelEncoder::transform(const std::vector<std::string>& values) const {
  check_mode(true, "LabelEncoder::transform");
  std::vector<std::int64_t> codes(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    codes[i] = code_of(string_classes_, values[i]);
    NABLA_CHECK(codes[i] >= 0, "LabelEncoder::transform", "unknown value \"", values[i],
                "\" (the classes seen by fit: ", some_of(string_classes_), ")");
  }
  return from_vector(codes);
}

Tensor LabelEncoder::fit_transform(const Tensor& values) {
  return fit(values).transform(values);
}

Tensor LabelEncoder::fit_transform(const std::vector<std::string>& values) {
  return fit(values).transform(values);
}

std::vector<std::int64_t> LabelEncoder::checked_codes(const Tensor& codes, const char* op) const {
  check_defined(codes, op);
  NABLA_CHECK(codes.dtype() == DType::i64, op, "expected i64 codes, got ", codes.dtype());
  std::vector<std::int64_t> c = codes.to_vector<std::int64_t>();
  const std::int64_t k = num_classes();
  for (std::int64_t v : c) {
    NABLA_CHECK(v >= 0 && v < k, op, "code ", v, " is outside [0, ", k, ")");
  }
  return c;
}

Tensor LabelEncoder::inverse_transform(const Tensor& codes) const {
  check_mode(false, "LabelEncoder::inverse_transform");
  std::vector<std::int64_t> c = checked_codes(codes, "LabelEncoder::inverse_transform");
  for (std::int64_t& v : c) v = classes_[static_cast<std::size_t>(v)];
  return from_vector(c, codes.shape());
}

std::vector<std::string> LabelEncoder::inverse_transform_strings(const Tensor& codes) const {
  check_mode(true, "LabelEncoder::inverse_transform_strings");
  const std::vector<std::int64_t> c =
      checked_codes(codes, "LabelEncoder::inverse_transform_strings");
  std::vector<std::string> out;
  out.reserve(c.size());
  for (std::int64_t v : c) out.push_back(string_classes_[static_cast<std::size_t>(v)]);
  return out;
}

}  // namespace nabla::data
