// Encodings of categorical values: one-hot coding of class labels with 0/1 or
// −1/+1 entries (the latter for tanh outputs), and LabelEncoder, which maps
// the distinct values of a column (integers or strings) to the codes 0 … k−1
// in sorted order (ordinal or label encoding) and back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace nabla::data {

struct OneHotOptions {
  /// The entry of the other classes: 0 for the usual 0/1 coding (softmax,
  /// sigmoid outputs), −1 for ±1 coding (tanh outputs).
  double negative = 0.0;
  /// The entry of the sample's class.
  double positive = 1.0;
  DType dtype = DType::f32;
};

/// Returns the one-hot coding of the i64 `labels` [...]: shape [..., num_classes]
/// with `positive` at each label's position and `negative` elsewhere, in
/// options.dtype. num_classes = −1 uses max(labels) + 1. The options have no
/// default so that the two-argument call stays nabla::one_hot (0/1 coding).
/// Throws nabla::Error for non-i64 labels, a label outside [0, num_classes),
/// num_classes < −1, or an i64 dtype with non-integral entries.
Tensor one_hot(const Tensor& labels, std::int64_t num_classes, const OneHotOptions& options);

/// Maps the distinct values seen by fit, sorted ascending (integers by value,
/// strings by byte order), to the codes 0 … k−1, as scikit-learn's LabelEncoder
/// and OrdinalEncoder. E.g. fit on {30, 10, 20, 10} gives the classes
/// {10, 20, 30}, and transform({20, 30}) = {1, 2}.
class LabelEncoder {
 public:
  LabelEncoder() = default;

  /// Learns the classes of the i64 `values` (any shape) and returns *this.
  /// Throws nabla::Error for an undefined, non-i64 or empty tensor.
  LabelEncoder& fit(const Tensor& values);
  /// Learns the classes of the strings `values`. Throws nabla::Error when
  /// `values` is empty.
  LabelEncoder& fit(const std::vector<std::string>& values);

  /// The codes of the i64 `values`, as i64 of the same shape. Throws
  /// nabla::Error before fit, after a fit on strings, for non-i64 values, or
  /// for a value fit did not see (naming it).
  Tensor transform(const Tensor& values) const;
  /// The codes of the strings, as i64 [n]. Throws nabla::Error before fit,
  /// after a fit on integers, or for a string fit did not see (naming it).
  Tensor transform(const std::vector<std::string>& values) const;

  /// fit(values) then transform(values).
  Tensor fit_transform(const Tensor& values);
  Tensor fit_transform(const std::vector<std::string>& values);

  /// The integer classes of the i64 `codes` (any shape). Throws nabla::Error
  /// before fit, after a fit on strings, for non-i64 codes, or for a code
  /// outside [0, num_classes()).
  Tensor inverse_transform(const Tensor& codes) const;
  /// The string classes of the i64 `codes`, in row-major order. Throws
  /// nabla::Error before fit, after a fit on integers, or for a code outside
  /// [0, num_classes()).
  std::vector<std::string> inverse_transform_strings(const Tensor& codes) const;

  bool fitted() const { return fitted_; }
  /// True after a fit on strings.
  bool holds_strings() const { return holds_strings_; }
  /// The number of classes k. Throws nabla::Error before fit.
  std::int64_t num_classes() const;
  /// The sorted classes of a fit on integers (empty otherwise).
  const std::vector<std::int64_t>& classes() const { return classes_; }
  /// The sorted classes of a fit on strings (empty otherwise).
  const std::vector<std::string>& string_classes() const { return string_classes_; }

 private:
  void check_mode(bool strings, const char* op) const;
  std::vector<std::int64_t> checked_codes(const Tensor& codes, const char* op) const;
  bool fitted_ = false;
  bool holds_strings_ = false;
  std::vector<std::int64_t> classes_;
  std::vector<std::string> string_classes_;
};

}  // namespace nabla::data
