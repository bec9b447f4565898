// DType: the element types a Tensor can hold, their sizes, names and the
// promotion rule used by binary operations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string_view>

namespace nabla {

/// Element type of a Tensor. f32 is the default; i64 holds indices and labels
/// and is never differentiable.
enum class DType : std::uint8_t { f32, f64, i64 };

/// Returns the size of one element in bytes.
constexpr std::size_t size_of(DType dtype) {
  return dtype == DType::f32 ? 4 : 8;
}

/// Returns "f32", "f64" or "i64".
std::string_view name(DType dtype);

/// Returns true for f32 and f64.
constexpr bool is_floating(DType dtype) {
  return dtype != DType::i64;
}

/// Returns the dtype a binary operation on `a` and `b` computes in: the wider
/// floating type if either is floating (f64 > f32 > i64), i64 otherwise.
constexpr DType promote(DType a, DType b) {
  if (a == DType::f64 || b == DType::f64) return DType::f64;
  if (a == DType::f32 || b == DType::f32) return DType::f32;
  return DType::i64;
}

/// Maps a C++ element type to its DType: float, double or int64_t.
template <class T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::f32;
}
template <>
constexpr DType dtype_of<double>() {
  return DType::f64;
}
template <>
constexpr DType dtype_of<std::int64_t>() {
  return DType::i64;
}

/// True when `x` converts to int64 without overflow: in [-2^63, 2^63), which
/// excludes NaN and the infinities (a cast of anything else is undefined).
constexpr bool fits_int64(double x) {
  return x >= -0x1p63 && x < 0x1p63;
}

std::ostream& operator<<(std::ostream& out, DType dtype);

}  // namespace nabla
