// Shape: the sizes of a tensor's dimensions, held inline (no heap allocation up
// to kMaxRank dims), and the shape arithmetic every op needs: element counts,
// contiguous strides, broadcasting and dim normalisation.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>

namespace nabla {

/// The largest rank a tensor may have.
inline constexpr std::int64_t kMaxRank = 8;

/// Sizes (or strides) of a tensor, one int64_t per dimension, stored inline.
class Shape : public boost::container::small_vector<std::int64_t, kMaxRank> {
  using Base = boost::container::small_vector<std::int64_t, kMaxRank>;

 public:
  using Base::Base;
  Shape() = default;
  Shape(std::initializer_list<std::int64_t> sizes) : Base(sizes) {}
  template <class It>
  Shape(It first, It last) : Base(first, last) {}

  // GCC 12 false positive: when a copy or move is inlined where the size is not
  // bounded (e.g. `return out;` in broadcast_shapes), it warns that
  // small_vector's memmove from the 64-byte inline buffer may read more than 64
  // bytes, a path that cannot run (more than 8 elements live on the heap).
  // The special members are spelled out only to scope the suppression to them;
  // GCC honours a pragma anywhere on the inlining chain.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overread"
#endif
  Shape(const Shape&) = default;
  Shape(Shape&&) = default;
  Shape& operator=(const Shape&) = default;
  Shape& operator=(Shape&&) = default;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

  /// Number of dimensions.
  std::int64_t rank() const {
    return static_cast<std::int64_t>(size());
  }
};

/// Strides are measured in elements and stored like shapes.
using Strides = Shape;
/// A set of dimensions for reductions; negative values count from the end.
using Dims = Shape;

/// Returns the product of the sizes (1 for rank 0). Throws if a size is negative.
std::int64_t numel(const Shape& shape);

/// Returns row-major strides for `shape` (the last dim has stride 1).
Strides contiguous_strides(const Shape& shape);

/// Throws "op: rank N exceeds the maximum of 8" or "op: negative size ..." for an invalid shape.
void check_shape(const Shape& shape, std::string_view op);

/// Returns the NumPy broadcast of two shapes; throws "op: shapes [..] and [..]
/// cannot be broadcast" when a pair of sizes differs and neither is 1.
Shape broadcast_shapes(const Shape& a, const Shape& b, std::string_view op);

/// Maps `dim` in [-rank, rank) to [0, rank); throws "op: dim d out of range for rank r".
std::int64_t normalize_dim(std::int64_t dim, std::int64_t rank, std::string_view op);

/// Returns "[2, 3]".
std::string to_string(const Shape& shape);
std::ostream& operator<<(std::ostream& out, const Shape& shape);

}  // namespace nabla
