// Dataset: samples held in memory, inputs and targets row by row.
//
// Inputs are kept either as a floating Tensor [n, ...] or, for 8-bit images
// (MNIST, Fashion-MNIST), as the raw bytes with a per-feature affine map
//   x_j = scale_j · byte_j + shift_j
// applied only when a batch is gathered: 60,000 28x28 images take 47 MB as
// bytes instead of 188 MB as f32, and scaling or standardizing them is a change
// of (scale, shift), not a copy.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "tensor/tensor.h"

namespace nabla::data {

/// A batch of samples: inputs [b, ...] (floating) and targets [b, ...] (as stored).
struct Batch {
  Tensor inputs;
  Tensor targets;
};

class Dataset {
 public:
  Dataset() = default;

  /// Floating inputs [n, ...] and targets [n, ...] (i64 class labels [n] or
  /// floating targets). Throws nabla::Error when the row counts differ, when
  /// inputs are not floating or are 0-dimensional, or when either is undefined.
  Dataset(Tensor inputs, Tensor targets);

  /// 8-bit inputs: `bytes` holds n samples of the shape `sample_shape`, row
  /// after row; their values are used as they are (scale 1, shift 0) until a
  /// scaler changes the map. Throws nabla::Error when bytes.size() differs from
  /// n · prod(sample_shape) with n = targets.size(0), when a size of
  /// sample_shape is negative or when that product is beyond int64.
  static Dataset from_bytes(std::vector<std::uint8_t> bytes, Shape sample_shape, Tensor targets);

  std::int64_t size() const { return targets_.defined() ? targets_.size(0) : 0; }
  bool empty() const { return size() == 0; }
  /// The shape of one input sample ([784] for flattened images, [28, 28] ...).
  const Shape& sample_shape() const { return sample_shape_; }
  /// prod(sample_shape()).
  std::int64_t num_features() const;
  /// True for inputs stored as bytes.
  bool is_bytes() const { return bytes_ != nullptr; }

  /// Every input as one floating Tensor [n, ...] (with the affine map applied
  /// for byte inputs).
  Tensor inputs(DType dtype = DType::f32) const;
  /// Every target, as stored.
  const Tensor& targets() const { return targets_; }

  /// The rows `rows` gathered into a batch: inputs in `dtype`, targets as
  /// stored. Throws nabla::Error naming the index for a row outside [0, n).
  Batch batch(std::span<const std::int64_t> rows, DType dtype = DType::f32) const;
  /// The contiguous rows [begin, end).
  Batch batch(std::int64_t begin, std::int64_t end, DType dtype = DType::f32) const;

  /// A new Dataset of the rows `rows` (copied; the affine map is kept).
  Dataset subset(std::span<const std::int64_t> rows) const;

  /// The per-feature affine map of byte inputs: scale and shift [num_features]
  /// in f64. Throws nabla::Error for float inputs.
  const Tensor& scale() const;
  const Tensor& shift() const;
  /// Returns a copy whose inputs are x' = a ⊙ x + b per feature (a, b of shape
  /// [num_features], or scalars [1]): composed with the existing map for byte
  /// inputs (no copy of the bytes), applied at once for floating inputs.
  Dataset affine(const Tensor& a, const Tensor& b) const;

  /// A copy with other targets (same number of rows), e.g. one-hot coded labels.
  Dataset with_targets(Tensor targets) const;

 private:
  Tensor inputs_;  // floating inputs [n, ...], or undefined for bytes
  std::shared_ptr<const std::vector<std::uint8_t>> bytes_;
  Tensor scale_, shift_;  // [num_features] f64, byte inputs only
  Shape sample_shape_;
  Tensor targets_;
};

}  // namespace nabla::data
