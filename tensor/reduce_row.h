// The accumulators and the row loop behind the reductions (reduce.cpp) and the
// softmax kernels (nn_ops.cpp), shared so that a softmax sums and takes the
// maximum of a row exactly as sum() and amax() do. Internal to tensor/.
//
// The function templates are static: each file that includes them gets its own
// copy with internal linkage, which GCC inlines as it does a file's own
// functions (a shared, weakly linked copy it keeps out of line, one call per
// row).
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "tensor/shape.h"

namespace nabla::detail {

// Independent accumulators per row: enough to fill several SIMD registers of
// doubles, so the adds pipeline instead of waiting on one another.
constexpr std::int64_t kLanes = 16;
// Outputs per column tile: 1024 double accumulators (8 KiB) stay in L1.
constexpr std::int64_t kTile = 1024;

// Accumulates in double for floating types and in uint64 for i64: an i64 sum
// or product wraps modulo 2^64 as PyTorch's does, without the undefined
// behaviour of a signed overflow (the conversion back to int64 is modular).
template <class T>
using Wide = std::conditional_t<std::is_floating_point_v<T>, double, std::uint64_t>;

// Accumulator Ops. Acc init(); Acc step(Acc, T); Acc combine(Acc, Acc).
template <class T, class F>
struct SumOf {  // sum of f(x)
  using Acc = Wide<T>;
  F f;
  Acc init() const { return Acc(0); }
  Acc step(Acc a, T x) const { return a + static_cast<Acc>(f(x)); }
  Acc combine(Acc a, Acc b) const { return a + b; }
};

template <class T>
struct ProdOf {
  using Acc = Wide<T>;
  Acc init() const { return Acc(1); }
  Acc step(Acc a, T x) const { return a * static_cast<Acc>(x); }
  Acc combine(Acc a, Acc b) const { return a * b; }
};

// max (kMax) or min of f(x); NaN propagates.
template <class T, bool kMax, class F>
struct ExtremeOf {
  using Acc = T;
  F f;
  T start;
  Acc init() const { return start; }
  Acc step(Acc a, T x) const { return pick(a, f(x)); }
  Acc combine(Acc a, Acc b) const { return pick(a, b); }
  static T pick(T a, T b) {
    // Non-short-circuit `|` keeps this a branch-free select that vectorises.
    const bool take = (kMax ? b > a : b < a) | (b != b);
    return take ? b : a;
  }
};

struct Identity {
  template <class T>
  T operator()(T x) const {
    return x;
  }
};

// max (kMax) or min of a contiguous floating row, NaN propagating. The
// compiler does not vectorise a NaN-aware select on its own (it is not a
// plain max), so this spells the lanes out with GCC vector types.
template <bool kMax, class T>
static T extreme_contiguous(const T* p, std::int64_t n, T acc) {
  constexpr std::int64_t kWidth = 64 / sizeof(T);
  using Vec [[gnu::vector_size(64)]] = T;
  Vec a0, a1;
  for (std::int64_t k = 0; k < kWidth; ++k) a0[k] = a1[k] = acc;
  // a ← b where b is more extreme or NaN. (In place by reference: a 64-byte
  // vector passed or returned by value has another ABI without AVX-512, which
  // GCC warns about in builds without -march=native.)
  auto pick = [](Vec& a, const Vec& b) {
    if constexpr (kMax)
      a = ((b > a) | (b != b)) ? b : a;
    else
      a = ((b < a) | (b != b)) ? b : a;
  };
  std::int64_t i = 0;
  for (; i + 2 * kWidth <= n; i += 2 * kWidth) {
    Vec b0, b1;
    std::memcpy(&b0, p + i, sizeof b0);
    std::memcpy(&b1, p + i + kWidth, sizeof b1);
    pick(a0, b0);
    pick(a1, b1);
  }
  pick(a0, a1);
  using Op = ExtremeOf<T, kMax, Identity>;
  for (std::int64_t k = 0; k < kWidth; ++k) acc = Op::pick(acc, a0[k]);
  for (; i < n; ++i) acc = Op::pick(acc, p[i]);
  return acc;
}

template <class Op>
inline constexpr bool kPlainExtreme = false;
template <class T, bool kMax>
inline constexpr bool kPlainExtreme<ExtremeOf<T, kMax, Identity>> = std::is_floating_point_v<T>;
template <class Op>
inline constexpr bool kPlainMax = false;
template <class T>
inline constexpr bool kPlainMax<ExtremeOf<T, true, Identity>> = true;

// Accumulates n elements p[0], p[s], ... into a fresh accumulator.
template <class Op, class T>
static typename Op::Acc reduce_row(const Op& op, const T* p, std::int64_t n, std::int64_t s) {
  using Acc = typename Op::Acc;
  if constexpr (kPlainExtreme<Op>) {
    if (s == 1) return extreme_contiguous<kPlainMax<Op>>(p, n, op.init());
  }
  Acc acc = op.init();
  std::int64_t i = 0;
  if (s == 1 && n >= kLanes) {
    Acc lanes[kLanes];
    for (std::int64_t k = 0; k < kLanes; ++k) lanes[k] = op.init();
    for (; i + kLanes <= n; i += kLanes)
      for (std::int64_t k = 0; k < kLanes; ++k) lanes[k] = op.step(lanes[k], p[i + k]);
    for (std::int64_t k = 0; k < kLanes; ++k) acc = op.combine(acc, lanes[k]);
  }
  for (; i < n; ++i) acc = op.step(acc, p[i * s]);
  return acc;
}

// [outer, size(dim), inner] view of a contiguous tensor, for single-dim ops
// that need positions or several passes (max/min with indices, softmax).
struct Slices {
  std::int64_t outer = 1;
  std::int64_t len = 1;
  std::int64_t inner = 1;
};

inline Slices slices(const Shape& shape, std::int64_t dim) {
  Slices s;
  for (std::int64_t d = 0; d < shape.rank(); ++d) {
    if (d < dim)
      s.outer *= shape[d];
    else if (d == dim)
      s.len = shape[d];
    else
      s.inner *= shape[d];
  }
  return s;
}

}  // namespace nabla::detail
