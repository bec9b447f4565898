// The in-place operations of Tensor (the '_' methods), used by optimizers and
// by gradient accumulation. Each writes through this tensor's strides.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "tensor/dispatch.h"
#include "tensor/iterate.h"
#include "tensor/tensor.h"
#include "tensor/wrapping.h"

namespace nabla {
namespace {

// Throws when several elements of `self` share one memory location (a stride-0
// dim of size > 1, as made by expand): writing to it in place has no defined result.
void check_writable(const Tensor& self, std::string_view op) {
  for (std::int64_t d = 0; d < self.dim(); ++d)
    NABLA_CHECK(self.strides()[d] != 0 || self.shape()[d] <= 1, op,
                "cannot write in place into a broadcast (stride-0) view of shape ", self.shape(),
                " and strides ", self.strides());
}

// Returns `src` unless it views self's storage with a different layout, in
// which case a copy: map_into reads and writes element by element, so a
// partially overlapping input (e.g. x.add_(x transposed)) would read values
// already overwritten.
Tensor unaliased(const Tensor& self, const Tensor& src) {
  const bool same_view = src.offset() == self.offset() && src.strides() == self.strides() &&
                         src.shape() == self.shape();
  return src.shares_storage(self) && !same_view ? src.clone() : src;
}

// Checks that `other` broadcasts to `self` without changing its shape, and
// returns it converted to self's dtype.
Tensor operand(const Tensor& self, const Tensor& other, std::string_view op) {
  // The same shape and dtype on a contiguous tensor (a gradient accumulated):
  // writable, nothing to broadcast or convert.
  if (self.defined() && other.defined() && self.dtype() == other.dtype() &&
      self.shape() == other.shape() && self.is_contiguous())
    return unaliased(self, other);
  check_defined(self, op);
  check_defined(other, op);
  check_writable(self, op);
  const Shape b = broadcast_shapes(self.shape(), other.shape(), op);
  NABLA_CHECK(b == self.shape(), op, "cannot write a result of shape ", b,
              " into a tensor of shape ", self.shape());
  return unaliased(self, other.to(self.dtype()));
}

// Integer tensors would silently truncate a fractional scalar (x.mul_(0.5) on
// i64 would multiply by 0), so that is an error, as in PyTorch; so is a value
// outside int64, whose conversion is undefined.
constexpr double kInt64Limit = 9.2e18;  // just inside +-2^63
void check_scalar(const Tensor& self, double value, std::string_view op) {
  NABLA_CHECK(
      is_floating(self.dtype()) || (value == std::trunc(value) && std::abs(value) <= kInt64Limit),
      op, "value ", value, " is not an int64 integer, and the tensor has dtype ", self.dtype());
}

// self[i] = f(self[i], value), with value converted to the element type first
// so that f32 math stays in f32.
template <class F>
Tensor& apply_scalar(Tensor& self, double value, std::string_view op, F f) {
  check_defined(self, op);
  check_writable(self, op);
  check_scalar(self, value, op);
  dispatch(self.dtype(), [&]<class T>() {
    const T v = static_cast<T>(value);
    detail::map_into<T, T>(
        self, [&](T x) { return static_cast<T>(f(x, v)); }, self);
  });
  self.bump_version();
  return self;
}

template <class F>
Tensor& apply_binary(Tensor& self, const Tensor& other, std::string_view op, F f) {
  const Tensor o = operand(self, other, op);
  dispatch(self.dtype(), [&]<class T>() {
    detail::map_into<T, T, T>(
        self, [&](T x, T y) { return static_cast<T>(f(x, y)); }, self, o);
  });
  self.bump_version();
  return self;
}

}  // namespace

namespace detail {

// Converting NaN, an infinity or a value beyond +-2^63 to int64 is undefined,
// so a floating tensor is checked whole before it is converted.
void check_fits_int64(const Tensor& src, std::string_view op) {
  const Tensor c = src.contiguous();
  dispatch_floating(c.dtype(), op, [&]<class T>() {
    const T* p = c.data<T>();
    for (std::int64_t i = 0; i < c.numel(); ++i)
      NABLA_CHECK(fits_int64(static_cast<double>(p[i])), op, "value ", p[i], " at position ", i,
                  " cannot be converted to i64 without overflow");
  });
}

}  // namespace detail

Tensor& Tensor::fill_(double value) {
  check_defined(*this, "fill_");
  NABLA_CHECK(is_floating(dtype_) || fits_int64(value), "fill_", "value ", value,
              " cannot be converted to i64 without overflow");
  dispatch(dtype_, [&]<class T>() {
    const T v = static_cast<T>(value);
    detail::map_into<T>(*this, [v]() { return v; });
  });
  bump_version();
  return *this;
}

Tensor& Tensor::zero_() {
  check_defined(*this, "zero_");
  if (is_contiguous()) {
    std::memset(raw_data(), 0, static_cast<std::size_t>(numel_) * element_size());
    bump_version();
    return *this;
  }
  return fill_(0.0);
}

Tensor& Tensor::copy_(const Tensor& src) {
  check_defined(*this, "copy_");
  check_defined(src, "copy_");
  check_writable(*this, "copy_");
  const Shape b = broadcast_shapes(shape_, src.shape(), "copy_");
  NABLA_CHECK(b == shape_, "copy_", "cannot copy a tensor of shape ", src.shape(),
              " into one of shape ", shape_);
  const Tensor from = unaliased(*this, src);
  if (dtype_ == DType::i64 && is_floating(src.dtype())) detail::check_fits_int64(from, "copy_");
  dispatch(dtype_, [&]<class O>() {
    dispatch(src.dtype(), [&]<class I>() {
      detail::map_into<O, I>(
          *this, [](I x) { return static_cast<O>(x); }, from);
    });
  });
  bump_version();
  return *this;
}

Tensor& Tensor::add_(const Tensor& other, double alpha) {
  if (alpha == 1.0)
    return apply_binary(*this, other, "add_",
                        [](auto x, auto y) { return detail::wrapping_add(x, y); });
  check_scalar(*this, alpha, "add_");
  return dispatch(dtype_, [&]<class T>() -> Tensor& {
    const T a = static_cast<T>(alpha);
    return apply_binary(*this, other, "add_", [a](T x, T y) {
      return detail::wrapping_add(x, detail::wrapping_mul(a, y));
    });
  });
}
Tensor& Tensor::add_(double value) {
  return apply_scalar(*this, value, "add_",
                      [](auto x, auto v) { return detail::wrapping_add(x, v); });
}
Tensor& Tensor::sub_(const Tensor& other) {
  return apply_binary(*this, other, "sub_",
                      [](auto x, auto y) { return detail::wrapping_sub(x, y); });
}
Tensor& Tensor::sub_(double value) {
  return apply_scalar(*this, value, "sub_",
                      [](auto x, auto v) { return detail::wrapping_sub(x, v); });
}
Tensor& Tensor::mul_(const Tensor& other) {
  return apply_binary(*this, other, "mul_",
                      [](auto x, auto y) { return detail::wrapping_mul(x, y); });
}
Tensor& Tensor::mul_(double value) {
  return apply_scalar(*this, value, "mul_",
                      [](auto x, auto v) { return detail::wrapping_mul(x, v); });
}
Tensor& Tensor::div_(const Tensor& other) {
  NABLA_CHECK(is_floating(dtype_), "div_", "in-place division needs a floating tensor, got ",
              dtype_);
  return apply_binary(*this, other, "div_", [](auto x, auto y) { return x / y; });
}
Tensor& Tensor::div_(double value) {
  NABLA_CHECK(is_floating(dtype_), "div_", "in-place division needs a floating tensor, got ",
              dtype_);
  return apply_scalar(*this, value, "div_", [](auto x, auto v) { return x / v; });
}
Tensor& Tensor::clamp_(double min, double max) {
  NABLA_CHECK(!(min > max), "clamp_", "min ", min, " is greater than max ", max);
  NABLA_CHECK(!std::isnan(min) && !std::isnan(max), "clamp_", "bounds must not be NaN");
  // An integer tensor is clamped to an infinite or huge bound as to the int64 limit.
  if (!is_floating(dtype_)) {
    min = std::clamp(min, -kInt64Limit, kInt64Limit);
    max = std::clamp(max, -kInt64Limit, kInt64Limit);
  }
  check_scalar(*this, min, "clamp_");
  const double lo = min;
  return apply_scalar(*this, max, "clamp_", [lo](auto x, auto hi) {
    using T = decltype(x);
    return std::min(std::max(x, static_cast<T>(lo)), hi);
  });
}
Tensor& Tensor::sqrt_() {
  NABLA_CHECK(is_floating(dtype_), "sqrt_", "expected a floating dtype (f32 or f64), got ", dtype_);
  return apply_scalar(*this, 0.0, "sqrt_", [](auto x, auto) { return std::sqrt(x); });
}
Tensor& Tensor::neg_() {
  return apply_scalar(*this, 0.0, "neg_", [](auto x, auto) { return detail::wrapping_neg(x); });
}

Tensor& Tensor::addcmul_(const Tensor& a, const Tensor& b, double value) {
  check_scalar(*this, value, "addcmul_");
  const Tensor ta = operand(*this, a, "addcmul_");
  const Tensor tb = operand(*this, b, "addcmul_");
  dispatch(dtype_, [&]<class T>() {
    const T v = static_cast<T>(value);
    detail::map_into<T, T, T, T>(
        *this,
        [v](T x, T p, T q) {
          return detail::wrapping_add(x, detail::wrapping_mul(detail::wrapping_mul(v, p), q));
        },
        *this, ta, tb);
  });
  bump_version();
  return *this;
}

Tensor& Tensor::addcdiv_(const Tensor& a, const Tensor& b, double value) {
  NABLA_CHECK(is_floating(dtype_), "addcdiv_", "expected a floating dtype (f32 or f64), got ",
              dtype_);
  const Tensor ta = operand(*this, a, "addcdiv_");
  const Tensor tb = operand(*this, b, "addcdiv_");
  dispatch(dtype_, [&]<class T>() {
    const T v = static_cast<T>(value);
    detail::map_into<T, T, T, T>(
        *this, [v](T x, T p, T q) { return x + v * p / q; }, *this, ta, tb);
  });
  bump_version();
  return *this;
}

}  // namespace nabla
