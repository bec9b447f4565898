#include "tensor/tensor.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "tensor/dispatch.h"
#include "tensor/iterate.h"
#include "tensor/object_pool.h"

namespace nabla {

// strides_ starts as a copy of the shape (a few vector moves) so that it has
// the right rank without a fill (GCC emits `rep stos` for it, slow to start).
Tensor::Tensor(const Shape& shape, DType dtype) : shape_(shape), strides_(shape), dtype_(dtype) {
  // One pass for the common case (positive sizes, no overflow): this
  // constructor runs for every op result, so it is on the small-tensor hot path.
  bool simple = shape.rank() <= kMaxRank;
  std::int64_t n = 1;
  for (std::int64_t d = shape.rank() - 1; d >= 0 && simple; --d) {
    strides_[d] = n;
    simple = shape[d] > 0 && !__builtin_mul_overflow(n, shape[d], &n);
  }
  if (simple) {
    numel_ = n;
  } else {
    check_shape(shape, "empty");
    // numel() rejects element counts beyond int64, so the strides below cannot overflow.
    numel_ = nabla::numel(shape);
    strides_ = contiguous_strides(shape);
  }
  NABLA_CHECK(numel_ <= std::numeric_limits<std::int64_t>::max() / 8, "empty", "shape ", shape,
              " is too large to allocate");
  storage_ = make_pooled<Storage>(static_cast<std::size_t>(numel_) * size_of(dtype));
}

Tensor::Tensor(std::shared_ptr<Storage> storage,
               const Shape& shape,
               const Strides& strides,
               std::int64_t offset,
               DType dtype)
    : storage_(std::move(storage)),
      shape_(shape),
      strides_(strides),
      offset_(offset),
      dtype_(dtype) {
  NABLA_CHECK(storage_ != nullptr, "as_strided", "no storage");
  check_shape(shape, "as_strided");
  NABLA_CHECK(strides.size() == shape.size(), "as_strided", "shape ", shape, " and strides ",
              strides, " differ in rank");
  numel_ = nabla::numel(shape);
  NABLA_CHECK(offset >= 0, "as_strided", "negative offset ", offset);
  if (numel_ > 0) {
    std::int64_t last = offset;
    bool overflow = false;
    for (std::size_t d = 0; d < shape.size(); ++d) {
      NABLA_CHECK(strides[d] >= 0, "as_strided", "negative stride in ", strides);
      // A wrapped-around sum could pass the bounds check below and let reads escape the buffer.
      std::int64_t reach = 0;
      overflow = overflow || __builtin_mul_overflow(shape[d] - 1, strides[d], &reach) ||
                 __builtin_add_overflow(last, reach, &last);
    }
    const auto capacity = static_cast<std::int64_t>(storage_->nbytes() / size_of(dtype));
    NABLA_CHECK(!overflow, "as_strided", "view of shape ", shape, ", strides ", strides,
                " and offset ", offset, " reaches beyond 2^63 elements");
    NABLA_CHECK(last < capacity, "as_strided", "view of shape ", shape, ", strides ", strides,
                " and offset ", offset, " reaches element ", last, " of a storage of ", capacity);
  }
}

std::int64_t Tensor::size(std::int64_t d) const {
  // normalize_dim accepts dim 0 for rank 0 (for reductions); here it would index past the end.
  NABLA_CHECK(dim() > 0, "size", "a rank-0 tensor has no dimension ", d);
  return shape_[normalize_dim(d, dim(), "size")];
}

std::int64_t Tensor::stride(std::int64_t d) const {
  NABLA_CHECK(dim() > 0, "stride", "a rank-0 tensor has no dimension ", d);
  return strides_[normalize_dim(d, dim(), "stride")];
}

bool Tensor::is_contiguous() const {
  std::int64_t expected = 1;
  for (std::int64_t d = dim() - 1; d >= 0; --d) {
    if (shape_[d] == 1) continue;
    if (strides_[d] != expected) return false;
    expected *= shape_[d];
  }
  return true;
}

void* Tensor::raw_data() const {
  if (!storage_) return nullptr;
  return static_cast<char*>(storage_->data()) + offset_ * static_cast<std::int64_t>(element_size());
}

Tensor Tensor::contiguous() const {
  check_defined(*this, "contiguous");
  return is_contiguous() ? *this : clone();
}

Tensor Tensor::clone() const {
  check_defined(*this, "clone");
  Tensor out(shape_, dtype_);
  if (is_contiguous()) {
    std::memcpy(out.raw_data(), raw_data(), static_cast<std::size_t>(numel_) * element_size());
  } else {
    out.copy_(*this);
  }
  return out;
}

Tensor Tensor::to(DType dtype) const {
  check_defined(*this, "to");
  if (dtype == dtype_) return *this;
  if (dtype == DType::i64) detail::check_fits_int64(*this, "to");
  Tensor out(shape_, dtype);
  out.copy_(*this);
  return out;
}

template <class T>
T Tensor::item() const {
  check_defined(*this, "item");
  NABLA_CHECK(numel_ == 1, "item", "expected a tensor with one element, got shape ", shape_, " (",
              numel_, " elements)");
  return dispatch(dtype_, [&]<class S>() {
    const S value = *static_cast<S*>(raw_data());
    // A floating value outside T's range has no defined conversion.
    if constexpr (std::is_integral_v<T> && std::is_floating_point_v<S>) {
      constexpr double kMin = static_cast<double>(std::numeric_limits<T>::min());
      NABLA_CHECK(value >= kMin && value < -kMin, "item", "value ", value,
                  " cannot be converted to a ", sizeof(T) * 8, "-bit integer without overflow");
    }
    return static_cast<T>(value);
  });
}

template <class T>
std::vector<T> Tensor::to_vector() const {
  check_defined(*this, "to_vector");
  std::vector<T> v(static_cast<std::size_t>(numel_));
  if (numel_ == 0) return v;
  // copy_ converts and follows strides into a contiguous buffer of T, then one memcpy.
  Tensor dst = empty(shape_, dtype_of<T>());
  dst.copy_(*this);
  std::memcpy(v.data(), dst.raw_data(), v.size() * sizeof(T));
  return v;
}

template float Tensor::item<float>() const;
template double Tensor::item<double>() const;
template std::int64_t Tensor::item<std::int64_t>() const;
template int Tensor::item<int>() const;
template std::vector<float> Tensor::to_vector<float>() const;
template std::vector<double> Tensor::to_vector<double>() const;
template std::vector<std::int64_t> Tensor::to_vector<std::int64_t>() const;

Tensor empty(const Shape& shape, DType dtype) {
  return Tensor(shape, dtype);
}

Tensor as_strided(const Tensor& t,
                  const Shape& shape,
                  const Strides& strides,
                  std::int64_t offset) {
  check_defined(t, "as_strided");
  return Tensor(t.storage(), shape, strides, offset, t.dtype());
}

void check_defined(const Tensor& t, std::string_view op) {
  NABLA_CHECK(t.defined(), op, "undefined tensor");
}

namespace detail {

Strides broadcast_strides(const Tensor& t, const Shape& shape) {
  const std::int64_t lead = shape.rank() - t.dim();
  Strides s(shape.size(), 0);
  for (std::int64_t d = 0; d < t.dim(); ++d) s[lead + d] = t.shape()[d] == 1 ? 0 : t.strides()[d];
  return s;
}

}  // namespace detail
}  // namespace nabla
