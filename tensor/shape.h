// Shape: the sizes of a tensor's dimensions, held inline in a fixed array (never
// on the heap), and the shape arithmetic every op needs: element counts,
// contiguous strides, broadcasting and dim normalisation.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <iterator>
#include <string>
#include <string_view>

namespace nabla {

/// The largest rank a tensor may have.
inline constexpr std::int64_t kMaxRank = 8;

/// Sizes (or strides) of a tensor, one int64_t per dimension, stored inline in
/// a fixed array. It is trivially copyable, so copying a Tensor's shape and
/// strides (which every op does several times) is a few vector moves with no
/// call and no branch. It holds one size more than kMaxRank, so that a shape
/// one dimension too long (an unsqueeze or a stack of a rank-8 tensor) still
/// reaches the op that rejects it with its own message; more throws
/// nabla::Error. Kept that small because every Tensor holds two of them and a
/// graph of scalar ops holds several Tensors per node. The interface is
/// std::vector's.
class Shape {
 public:
  using value_type = std::int64_t;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using reference = std::int64_t&;
  using const_reference = const std::int64_t&;
  using pointer = std::int64_t*;
  using const_pointer = const std::int64_t*;
  using iterator = std::int64_t*;
  using const_iterator = const std::int64_t*;
  using reverse_iterator = std::reverse_iterator<iterator>;
  using const_reverse_iterator = std::reverse_iterator<const_iterator>;

  /// The most sizes a Shape can hold.
  static constexpr std::size_t kCapacity = kMaxRank + 1;

  Shape() = default;
  Shape(std::initializer_list<std::int64_t> sizes) { assign(sizes.begin(), sizes.end()); }
  explicit Shape(std::size_t n, std::int64_t value = 0) { assign(n, value); }
  template <std::input_iterator It>
  Shape(It first, It last) {
    assign(first, last);
  }

  /// Number of dimensions.
  std::int64_t rank() const { return static_cast<std::int64_t>(size_); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  static constexpr std::size_t capacity() { return kCapacity; }
  static constexpr std::size_t max_size() { return kCapacity; }

  std::int64_t* data() { return dims_; }
  const std::int64_t* data() const { return dims_; }
  iterator begin() { return dims_; }
  iterator end() { return dims_ + size_; }
  const_iterator begin() const { return dims_; }
  const_iterator end() const { return dims_ + size_; }
  const_iterator cbegin() const { return begin(); }
  const_iterator cend() const { return end(); }
  reverse_iterator rbegin() { return reverse_iterator(end()); }
  reverse_iterator rend() { return reverse_iterator(begin()); }
  const_reverse_iterator rbegin() const { return const_reverse_iterator(end()); }
  const_reverse_iterator rend() const { return const_reverse_iterator(begin()); }

  std::int64_t& operator[](std::size_t i) { return dims_[i]; }
  const std::int64_t& operator[](std::size_t i) const { return dims_[i]; }
  std::int64_t& front() { return dims_[0]; }
  const std::int64_t& front() const { return dims_[0]; }
  std::int64_t& back() { return dims_[size_ - 1]; }
  const std::int64_t& back() const { return dims_[size_ - 1]; }

  void push_back(std::int64_t value) {
    reserve(size_ + 1);
    dims_[size_++] = value;
  }
  std::int64_t& emplace_back(std::int64_t value) {
    push_back(value);
    return back();
  }
  void pop_back() { --size_; }
  iterator insert(const_iterator pos, std::int64_t value) { return insert(pos, 1, value); }
  iterator insert(const_iterator pos, std::size_t n, std::int64_t value);
  template <std::input_iterator It>
  iterator insert(const_iterator pos, It first, It last) {
    const Shape items(first, last);
    const std::size_t at = static_cast<std::size_t>(pos - begin());
    reserve(size_ + items.size());
    std::copy_backward(dims_ + at, dims_ + size_, dims_ + size_ + items.size());
    std::copy(items.begin(), items.end(), dims_ + at);
    size_ += items.size();
    return dims_ + at;
  }
  iterator erase(const_iterator pos) { return erase(pos, pos + 1); }
  iterator erase(const_iterator first, const_iterator last);
  void resize(std::size_t n, std::int64_t value = 0) {
    reserve(n);
    for (std::size_t i = size_; i < n; ++i) dims_[i] = value;
    size_ = n;
  }
  /// Throws nabla::Error when n exceeds kCapacity (there is nothing to allocate).
  void reserve(std::size_t n) const {
    if (n > kCapacity) [[unlikely]]
      throw_too_many(n);
  }
  void clear() { size_ = 0; }
  void assign(std::size_t n, std::int64_t value) {
    size_ = 0;
    resize(n, value);
  }
  template <std::input_iterator It>
  void assign(It first, It last) {
    size_ = 0;
    for (; first != last; ++first) push_back(static_cast<std::int64_t>(*first));
  }
  void assign(std::initializer_list<std::int64_t> sizes) { assign(sizes.begin(), sizes.end()); }

  // A plain loop: std::equal on int64 becomes a call to memcmp, whose cost
  // for a few dims was 8% of a chain of one-element ops with their backward.
  friend bool operator==(const Shape& a, const Shape& b) {
    if (a.size_ != b.size_) return false;
    for (std::size_t i = 0; i < a.size_; ++i)
      if (a.dims_[i] != b.dims_[i]) return false;
    return true;
  }

 private:
  [[noreturn]] static void throw_too_many(std::size_t n);

  std::size_t size_ = 0;
  // Not zeroed: only the first size_ are ever read, and zeroing 128 bytes was
  // a tenth of a one-element op.
  std::int64_t dims_[kCapacity];
};

/// Strides are measured in elements and stored like shapes.
using Strides = Shape;
/// A set of dimensions for reductions; negative values count from the end.
using Dims = Shape;

/// Returns the product of the sizes (1 for rank 0). Throws if a size is negative.
std::int64_t numel(const Shape& shape);

/// Returns row-major strides for `shape` (the last dim has stride 1).
Strides contiguous_strides(const Shape& shape);

/// Throws "op: rank N exceeds the maximum of 8", "op: negative size ..." or
/// "op: shape [...] has more than 2^63 elements" for an invalid shape.
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
