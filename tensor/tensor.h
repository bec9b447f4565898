// Tensor: a view (shape, strides, offset, dtype) onto shared Storage. Copying a
// Tensor is cheap and aliases the same elements, like PyTorch's at::Tensor; use
// clone() for an independent copy. Views (reshape, transpose, slice, ...) share
// storage with their base. Knows nothing about autograd.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "tensor/dtype.h"
#include "tensor/error.h"
#include "tensor/shape.h"
#include "tensor/storage.h"

namespace nabla {

class Tensor {
 public:
  /// An undefined tensor (no storage); defined() is false. Used for "no value",
  /// e.g. a gradient that was never computed. User-provided, so that `Tensor()`
  /// sets the members and does not zero all 200 bytes first.
  Tensor() noexcept {}  // NOLINT(modernize-use-equals-default)

  /// A contiguous tensor of `shape` with uninitialised elements (see empty()).
  Tensor(const Shape& shape, DType dtype);

  /// A view onto `storage`. Throws when the view would reach outside it.
  Tensor(std::shared_ptr<Storage> storage,
         const Shape& shape,
         const Strides& strides,
         std::int64_t offset,
         DType dtype);

  bool defined() const { return storage_ != nullptr; }
  const Shape& shape() const { return shape_; }
  const Strides& strides() const { return strides_; }
  /// Number of dimensions.
  std::int64_t dim() const { return shape_.rank(); }
  /// Size of dimension `d` (negative counts from the end).
  std::int64_t size(std::int64_t d) const;
  /// Stride of dimension `d` in elements (negative counts from the end).
  std::int64_t stride(std::int64_t d) const;
  std::int64_t numel() const { return numel_; }
  DType dtype() const { return dtype_; }
  /// Offset of element [0, ..., 0] in the storage, in elements.
  std::int64_t offset() const { return offset_; }
  std::size_t element_size() const { return size_of(dtype_); }
  const std::shared_ptr<Storage>& storage() const { return storage_; }

  /// True when the elements are laid out row-major without gaps.
  bool is_contiguous() const;
  /// True when both tensors view the same Storage.
  bool shares_storage(const Tensor& other) const {
    return storage_ != nullptr && storage_ == other.storage_;
  }

  /// Pointer to element [0, ..., 0]. Throws when T does not match dtype().
  template <class T>
  T* data() const {
    NABLA_CHECK(dtype_of<T>() == dtype_, "data", "requested ", dtype_of<T>(),
                " elements from a tensor of dtype ", dtype_);
    return static_cast<T*>(raw_data());
  }
  /// Untyped pointer to element [0, ..., 0] (null for an undefined tensor).
  void* raw_data() const;

  /// This tensor if contiguous, else a contiguous copy.
  Tensor contiguous() const;
  /// An independent contiguous copy.
  Tensor clone() const;
  /// A copy converted to `dtype` (this tensor itself when the dtype matches).
  Tensor to(DType dtype) const;

  /// The single element as T (converted). Throws unless numel() == 1.
  template <class T>
  T item() const;
  /// All elements in row-major order, converted to T.
  template <class T>
  std::vector<T> to_vector() const;

  /// The version counter of the storage (0 for an undefined tensor): how many
  /// in-place writes it has seen. Shared by every view of the same storage.
  std::uint32_t version() const { return storage_ ? storage_->version() : 0; }
  /// Counts one in-place write. Every '_' method calls it; code that writes
  /// into an existing tensor through data() (an optimizer's fused update, an
  /// initializer) calls it too, so that autograd can tell a saved tensor was
  /// changed before backward read it.
  void bump_version() const {
    if (storage_) storage_->bump_version();
  }

  // In-place operations (they write into this tensor's storage, so every view
  // of it sees the change, and bump its version). `other` is broadcast to this
  // tensor's shape.
  Tensor& fill_(double value);
  Tensor& zero_();
  /// Copies `src` (broadcast to shape(), converted to dtype()) into this tensor.
  Tensor& copy_(const Tensor& src);
  Tensor& add_(const Tensor& other, double alpha = 1.0);  ///< this += alpha * other
  Tensor& add_(double value);
  Tensor& sub_(const Tensor& other);
  Tensor& sub_(double value);
  Tensor& mul_(const Tensor& other);
  Tensor& mul_(double value);
  Tensor& div_(const Tensor& other);
  Tensor& div_(double value);
  Tensor& clamp_(double min, double max);
  Tensor& sqrt_();
  Tensor& neg_();
  /// this += value * a * b
  Tensor& addcmul_(const Tensor& a, const Tensor& b, double value = 1.0);
  /// this += value * a / b
  Tensor& addcdiv_(const Tensor& a, const Tensor& b, double value = 1.0);

 private:
  std::shared_ptr<Storage> storage_;
  Shape shape_;
  Strides strides_;
  std::int64_t offset_ = 0;
  std::int64_t numel_ = 0;
  DType dtype_ = DType::f32;
};

/// Creates a contiguous tensor with uninitialised elements.
Tensor empty(const Shape& shape, DType dtype = DType::f32);

/// A view onto `t`'s storage with the given sizes, strides and offset (in
/// elements). Throws when it would reach outside the storage.
Tensor as_strided(const Tensor& t, const Shape& shape, const Strides& strides, std::int64_t offset);

/// Throws "op: undefined tensor" when `t` is undefined.
void check_defined(const Tensor& t, std::string_view op);

namespace detail {
/// Throws naming `op`, the value and its position when an element of the
/// floating tensor `src` is NaN, infinite or beyond +-2^63 (whose conversion
/// to int64 would be undefined).
void check_fits_int64(const Tensor& src, std::string_view op);
}  // namespace detail

}  // namespace nabla
