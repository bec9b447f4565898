#include "tensor/shape.h"

#include <algorithm>
#include <limits>
#include <ostream>
#include <sstream>

#include "tensor/error.h"

namespace nabla {

void Shape::throw_too_many(std::size_t n) {
  detail::throw_error("shape", n, " sizes exceed the ", kCapacity,
                      " a Shape can hold (the maximum tensor rank is ", kMaxRank, ")");
}

Shape::iterator Shape::insert(const_iterator pos, std::size_t n, std::int64_t value) {
  const std::size_t at = static_cast<std::size_t>(pos - begin());
  reserve(size_ + n);
  std::copy_backward(dims_ + at, dims_ + size_, dims_ + size_ + n);
  std::fill(dims_ + at, dims_ + at + n, value);
  size_ += n;
  return dims_ + at;
}

Shape::iterator Shape::erase(const_iterator first, const_iterator last) {
  const std::size_t at = static_cast<std::size_t>(first - begin());
  const std::size_t n = static_cast<std::size_t>(last - first);
  std::copy(dims_ + at + n, dims_ + size_, dims_ + at);
  size_ -= n;
  return dims_ + at;
}

std::int64_t numel(const Shape& shape) {
  for (std::int64_t s : shape) NABLA_CHECK(s >= 0, "numel", "negative size in shape ", shape);
  // A zero anywhere makes the product 0, even after an overflowing prefix.
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) return 0;
  std::int64_t n = 1;
  for (std::int64_t s : shape) {
    NABLA_CHECK(n <= std::numeric_limits<std::int64_t>::max() / s, "numel", "shape ", shape,
                " has more than 2^63 elements");
    n *= s;
  }
  return n;
}

Strides contiguous_strides(const Shape& shape) {
  Strides strides(shape.size());
  std::int64_t stride = 1;
  for (std::int64_t d = shape.rank() - 1; d >= 0; --d) {
    strides[d] = stride;
    // The outermost size never enters a stride. A zero-size tensor may have
    // sizes whose product overflows; its strides address nothing, so saturate.
    if (d > 0 && __builtin_mul_overflow(stride, std::max<std::int64_t>(shape[d], 1), &stride))
      stride = std::numeric_limits<std::int64_t>::max();
  }
  return strides;
}

void check_shape(const Shape& shape, std::string_view op) {
  NABLA_CHECK(shape.rank() <= kMaxRank, op, "rank ", shape.rank(), " exceeds the maximum of ",
              kMaxRank, " (shape ", shape, ")");
  for (std::int64_t s : shape) NABLA_CHECK(s >= 0, op, "negative size in shape ", shape);
  // numel()'s rule, under the name of the op the caller called.
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) return;
  std::int64_t n = 1;
  for (std::int64_t s : shape)
    NABLA_CHECK(!__builtin_mul_overflow(n, s, &n), op, "shape ", shape,
                " has more than 2^63 elements");
}

Shape broadcast_shapes(const Shape& a, const Shape& b, std::string_view op) {
  if (a == b) return a;
  const std::int64_t rank = std::max(a.rank(), b.rank());
  Shape out(static_cast<std::size_t>(rank));
  for (std::int64_t i = 0; i < rank; ++i) {
    const std::int64_t da = i < rank - a.rank() ? 1 : a[i - (rank - a.rank())];
    const std::int64_t db = i < rank - b.rank() ? 1 : b[i - (rank - b.rank())];
    NABLA_CHECK(da == db || da == 1 || db == 1, op, "shapes ", a, " and ", b,
                " cannot be broadcast (dim ", i, ": ", da, " vs ", db, ")");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::int64_t normalize_dim(std::int64_t dim, std::int64_t rank, std::string_view op) {
  // A rank-0 tensor accepts dim 0 and -1, as in PyTorch.
  const std::int64_t r = std::max<std::int64_t>(rank, 1);
  NABLA_CHECK(dim >= -r && dim < r, op, "dim ", dim, " out of range for a tensor of rank ", rank,
              " (expected ", -r, " to ", r - 1, ")");
  return dim < 0 ? dim + r : dim;
}

std::string to_string(const Shape& shape) {
  std::ostringstream out;
  out << shape;
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const Shape& shape) {
  out << '[';
  for (std::size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  return out << ']';
}

}  // namespace nabla
