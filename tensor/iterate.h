// The loop behind every elementwise kernel: map_into<O, I...>(out, f, in...)
// computes out[i] = f(in[i]...) with the inputs broadcast to out's shape.
//
// Dimensions are first coalesced (adjacent dims merged when every operand
// steps through them as one), so a contiguous tensor of any shape becomes one
// flat loop. The innermost loop has a unit-stride fast path, and one where some
// inputs are broadcast scalars along that row (e.g. a bias column); both are
// plain indexed loops the compiler vectorises. Large loops are split across
// threads by parallel_for.
#pragma once

#include <array>
#include <cstdint>
#include <tuple>
#include <utility>

#include "tensor/parallel.h"
#include "tensor/tensor.h"

namespace nabla::detail {

/// Strides of `t` when broadcast to `shape` (0 along broadcast dims). The
/// caller has checked that the shapes broadcast.
Strides broadcast_strides(const Tensor& t, const Shape& shape);

/// Merges adjacent dims that every operand traverses as one, drops size-1
/// dims, and leaves at least one dim. `strides` holds one row per operand.
template <std::size_t N>
void coalesce(Shape& shape, std::array<Strides, N>& strides) {
  Shape s;
  std::array<Strides, N> st;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = !s.empty();
    for (std::size_t k = 0; k < N && merge; ++k) merge = st[k].back() == strides[k][d] * shape[d];
    if (merge) {
      s.back() *= shape[d];
      for (std::size_t k = 0; k < N; ++k) st[k].back() = strides[k][d];
    } else {
      s.push_back(shape[d]);
      for (std::size_t k = 0; k < N; ++k) st[k].push_back(strides[k][d]);
    }
  }
  if (s.empty()) {
    s.push_back(shape.empty() || numel(shape) != 0 ? 1 : 0);
    for (std::size_t k = 0; k < N; ++k) st[k].push_back(1);
  }
  shape = s;
  strides = st;
}

// Picks ptr[i] for a strided input, or the hoisted value for a broadcast one.
template <bool kScalar, class T>
inline auto hoist(const T* p) {
  if constexpr (kScalar)
    return *p;
  else
    return p;
}
template <bool kScalar, class V>
inline auto pick(const V& v, std::int64_t i) {
  if constexpr (kScalar)
    return v;
  else
    return v[i];
}

// NOTE [ Row kernels are not inlined ]
// Inlined into an op's serial path, GCC 12 left the row loop scalar in some
// ops (relu, tanh and sigmoid backward, every in-place binary op: 5-9x slower
// than add at 32k floats on one thread) while vectorizing it in others;
// compiled as a function of its own it is vectorized every time. A
// one-element row (every op of a scalar graph) skips the call.
template <unsigned Mask, class O, class F, class Ptrs, std::size_t... K>
[[gnu::noinline]] void row_loop(
    F& f, O* o, const Ptrs& in, std::int64_t n, std::index_sequence<K...>) {
  [[maybe_unused]] auto v = std::make_tuple(hoist<((Mask >> K) & 1u) != 0>(std::get<K>(in))...);
  for (std::int64_t i = 0; i < n; ++i)
    o[i] = f(pick<((Mask >> K) & 1u) != 0>(std::get<K>(v), i)...);
}

// Row kernel for unit-stride output, each input unit-stride (bit clear in
// Mask) or a broadcast scalar (bit set).
template <unsigned Mask, class O, class F, class Ptrs, std::size_t... K>
void row_fast(F& f, O* o, const Ptrs& in, std::int64_t n, std::index_sequence<K...> seq) {
  if (n == 1) {
    o[0] = f(*std::get<K>(in)...);
    return;
  }
  row_loop<Mask>(f, o, in, n, seq);
}

template <class O, class F, class Ptrs, std::size_t... K>
void row_strided(F& f,
                 O* o,
                 std::int64_t so,
                 const Ptrs& in,
                 const std::int64_t* si,
                 std::int64_t n,
                 std::index_sequence<K...>) {
  for (std::int64_t i = 0; i < n; ++i) o[i * so] = f(std::get<K>(in)[i * si[K]]...);
}

template <class O, class F, class Ptrs, std::size_t M, std::size_t... Masks>
void row_dispatch(F& f,
                  O* o,
                  std::int64_t so,
                  const Ptrs& in,
                  const std::array<std::int64_t, M>& si,
                  std::int64_t n,
                  std::index_sequence<Masks...>) {
  constexpr auto seq = std::make_index_sequence<M>{};
  if (so == 1) {
    unsigned mask = 0;
    bool fast = true;
    for (std::size_t k = 0; k < M; ++k) {
      if (si[k] == 0)
        mask |= 1u << k;
      else
        fast = fast && si[k] == 1;
    }
    if (fast) {
      // One case per mask; the fold stops at the matching one.
      (void)((mask == Masks ? (row_fast<Masks, O>(f, o, in, n, seq), true) : false) || ...);
      return;
    }
  }
  row_strided<O>(f, o, so, in, si.data(), n, seq);
}

/// out[i] = f(ins[i]...) for every element of `out`; inputs broadcast to out's
/// shape and have element types I... (checked by the caller). `out` may be one
/// of the inputs (in-place ops) but must not partially overlap them.
template <class O, class... I, class F>
void map_into(const Tensor& out, F f, const std::conditional_t<true, Tensor, I>&... ins) {
  constexpr std::size_t M = sizeof...(I);
  constexpr std::size_t N = M + 1;
  if (out.numel() == 0) return;
  // Fast path (the common case, and all of the per-op cost for tiny tensors):
  // every operand contiguous with out's shape, so one unit-stride row covers all.
  if (out.is_contiguous() && ((ins.shape() == out.shape() && ins.is_contiguous()) && ...)) {
    O* const o = static_cast<O*>(out.raw_data());
    const std::tuple<const I*...> in{static_cast<const I*>(ins.raw_data())...};
    parallel_for(0, out.numel(), kParallelGrain, [&](std::int64_t begin, std::int64_t end) {
      const auto shifted =
          std::apply([=](const I*... p) { return std::tuple<const I*...>{(p + begin)...}; }, in);
      row_fast<0u, O>(f, o + begin, shifted, end - begin, std::make_index_sequence<M>{});
    });
    return;
  }
  Shape shape = out.shape();
  std::array<Strides, N> strides = {out.strides(), broadcast_strides(ins, shape)...};
  coalesce(shape, strides);
  const std::int64_t rank = shape.rank();
  const std::int64_t inner = shape.back();
  O* const out_base = static_cast<O*>(out.raw_data());
  const std::tuple<const I*...> in_base{static_cast<const I*>(ins.raw_data())...};
  std::array<std::int64_t, M> inner_in{};
  for (std::size_t k = 0; k < M; ++k) inner_in[k] = strides[k + 1].back();

  parallel_for(0, numel(shape), kParallelGrain, [&](std::int64_t begin, std::int64_t end) {
    std::array<std::int64_t, kMaxRank> idx{};
    std::int64_t rem = begin;
    for (std::int64_t d = rank - 1; d >= 0; --d) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
    }
    while (begin < end) {
      const std::int64_t n = std::min(inner - idx[rank - 1], end - begin);
      std::array<std::int64_t, N> off{};
      for (std::int64_t d = 0; d < rank; ++d)
        for (std::size_t k = 0; k < N; ++k) off[k] += idx[d] * strides[k][d];
      auto in = [&]<std::size_t... K>(std::index_sequence<K...>) {
        return std::tuple<const I*...>{(std::get<K>(in_base) + off[K + 1])...};
      }
      (std::make_index_sequence<M>{});
      row_dispatch<O>(f, out_base + off[0], strides[0].back(), in, inner_in, n,
                      std::make_index_sequence<(1u << M)>{});
      begin += n;
      idx[rank - 1] += n;
      for (std::int64_t d = rank - 1; d > 0 && idx[d] == shape[d]; --d) {
        idx[d] = 0;
        ++idx[d - 1];
      }
    }
  });
}

}  // namespace nabla::detail
