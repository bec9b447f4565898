// Reduction kernels. Every reduction over a set of dims goes through one
// engine, reduce_into, driven by an accumulator Op (init / step / combine):
//
// NOTE [ Reduction layouts ]
// The kept and the reduced dims are each coalesced (merged where the input
// walks them as one); reduced dims are first sorted by stride so the smallest
// stride is innermost. Then one of two loops runs, both reading the input in
// place through its strides (no transpose copy):
// - row:    the innermost reduced dim is the fastest-moving one (e.g. the last
//           dim of a row-major matrix, or everything for a full sum). Each
//           output accumulates a row with kLanes independent accumulators,
//           which the compiler turns into SIMD adds.
// - column: the innermost kept dim has stride 1 (e.g. sum over dim 0 of
//           [N, C], the bias gradient). A tile of up to kTile outputs keeps its
//           accumulators in a small buffer and adds whole input rows into it,
//           vectorised over the columns.
// Work is split across threads over outputs when there are enough of them,
// otherwise over the reduction itself, with partial results combined at the end.
//
// Single-dim ops that need positions (max/min with indices) view a contiguous
// input as [outer, size(dim), inner] instead, as softmax does (nn_ops.cpp).
// The accumulators and the row loop are shared with softmax (reduce_row.h).
#include "tensor/reduce.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <type_traits>
#include <vector>

#include "tensor/dispatch.h"
#include "tensor/factory.h"
#include "tensor/iterate.h"
#include "tensor/parallel.h"
#include "tensor/reduce_row.h"
#include "tensor/vec_math.h"

namespace nabla {
namespace {

using detail::exp_t;
using detail::ExtremeOf;
using detail::Identity;
using detail::kTile;
using detail::ProdOf;
using detail::reduce_row;
using detail::Slices;
using detail::slices;
using detail::SumOf;
using detail::Wide;

// Partial results of a reduction split across threads: a fixed count per
// length (not per thread), so the summation order does not depend on threads.
constexpr std::int64_t kMaxChunks = 64;
// Fewer outputs (or column tiles) than this, each a reduction of more than
// 2 kParallelGrain elements, are computed as chunks of each reduction, summed
// in chunk order: enough parts for any thread count.
constexpr std::int64_t kFewOutputs = 8;

template <class T>
bool is_nan(T x) {
  if constexpr (std::is_floating_point_v<T>)
    return std::isnan(x);
  else
    return false;
}

// Walks the offsets of a multi-dim index space in row-major order.
struct Walker {
  const std::int64_t* sizes = nullptr;
  const std::int64_t* strides = nullptr;
  std::int64_t rank = 0;
  std::array<std::int64_t, kMaxRank> idx{};
  std::int64_t off = 0;

  Walker(const Shape& s, const Strides& st, std::int64_t r, std::int64_t flat)
      : sizes(s.data()), strides(st.data()), rank(r) {
    for (std::int64_t d = rank - 1; d >= 0; --d) {
      idx[d] = flat % sizes[d];
      flat /= sizes[d];
      off += idx[d] * strides[d];
    }
  }
  void next() {
    for (std::int64_t d = rank - 1; d >= 0; --d) {
      off += strides[d];
      if (++idx[d] < sizes[d]) return;
      off -= strides[d] * sizes[d];
      idx[d] = 0;
    }
  }
};

// The coalesced iteration spaces of a reduction (NOTE [ Reduction layouts ]).
struct Layout {
  Shape out_shape;  // the result's shape, honouring keepdim
  Shape keep_sizes;
  Strides keep_strides;
  Shape red_sizes;  // never empty: a reduction over nothing is one element
  Strides red_strides;
  std::int64_t n_out = 1;
  std::int64_t n_red = 1;
};

// Turns `dims` into a per-dim mask; empty dims means all. Throws for a bad or
// repeated dim.
std::array<bool, kMaxRank> dim_mask(const Tensor& t, const Dims& dims, std::string_view op) {
  std::array<bool, kMaxRank> mask{};
  const std::int64_t rank = t.dim();
  if (dims.empty()) {
    mask.fill(true);
    return mask;
  }
  for (std::int64_t d : dims) {
    const std::int64_t n = normalize_dim(d, rank, op);
    NABLA_CHECK(!mask[n], op, "dim ", d, " appears more than once in dims ", dims);
    mask[n] = true;
  }
  return mask;
}

// Merges adjacent dims of (sizes, strides) that are walked as one and drops size-1 dims.
void merge_dims(Shape& sizes, Strides& strides) {
  Shape s;
  Strides st;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == 1) continue;
    if (!s.empty() && st.back() == strides[i] * sizes[i]) {
      s.back() *= sizes[i];
      st.back() = strides[i];
    } else {
      s.push_back(sizes[i]);
      st.push_back(strides[i]);
    }
  }
  sizes = s;
  strides = st;
}

Layout make_layout(const Tensor& t, const std::array<bool, kMaxRank>& mask, bool keepdim) {
  Layout l;
  std::array<std::int64_t, kMaxRank> order{};
  std::int64_t n_red_dims = 0;
  for (std::int64_t d = 0; d < t.dim(); ++d) {
    const std::int64_t size = t.shape()[d];
    if (mask[d]) {
      l.n_red *= size;
      order[n_red_dims++] = d;
      if (keepdim) l.out_shape.push_back(1);
    } else {
      l.n_out *= size;
      l.out_shape.push_back(size);
      l.keep_sizes.push_back(size);
      l.keep_strides.push_back(t.strides()[d]);
    }
  }
  // The order of a sum does not matter; walking the smallest stride innermost does.
  std::stable_sort(order.begin(), order.begin() + n_red_dims,
                   [&](std::int64_t a, std::int64_t b) { return t.strides()[a] > t.strides()[b]; });
  for (std::int64_t i = 0; i < n_red_dims; ++i) {
    l.red_sizes.push_back(t.shape()[order[i]]);
    l.red_strides.push_back(t.strides()[order[i]]);
  }
  merge_dims(l.keep_sizes, l.keep_strides);
  merge_dims(l.red_sizes, l.red_strides);
  if (l.red_sizes.empty()) {
    l.red_sizes.push_back(1);
    l.red_strides.push_back(1);
  }
  return l;
}

// Reduces the flat reduction positions [rb, re) starting at `base`.
template <class Op, class T>
typename Op::Acc reduce_range(
    const Op& op, const T* base, const Layout& l, std::int64_t rb, std::int64_t re) {
  const std::int64_t rank = l.red_sizes.rank();
  const std::int64_t inner = l.red_sizes.back();
  const std::int64_t s = l.red_strides.back();
  std::int64_t i = rb % inner;
  Walker outer(l.red_sizes, l.red_strides, rank - 1, rb / inner);
  auto acc = op.init();
  while (rb < re) {
    const std::int64_t n = std::min(inner - i, re - rb);
    acc = op.combine(acc, reduce_row(op, base + outer.off + i * s, n, s));
    rb += n;
    i = 0;
    outer.next();
  }
  return acc;
}

// Column loop: acc[j] = step(acc[j], base[r + j]) for the reduction offsets r
// of flat positions [rb, re) and j < width.
template <class Op, class T>
void reduce_columns(const Op& op,
                    const T* base,
                    const Layout& l,
                    std::int64_t rb,
                    std::int64_t re,
                    typename Op::Acc* acc,
                    std::int64_t width) {
  Walker red(l.red_sizes, l.red_strides, l.red_sizes.rank(), rb);
  // Four rows per sweep, still added in row order (the same values as one row
  // at a time), so each accumulator is loaded and stored once per four rows.
  for (; rb + 4 <= re; rb += 4) {
    const T* p0 = base + red.off;
    red.next();
    const T* p1 = base + red.off;
    red.next();
    const T* p2 = base + red.off;
    red.next();
    const T* p3 = base + red.off;
    red.next();
    for (std::int64_t j = 0; j < width; ++j)
      acc[j] = op.step(op.step(op.step(op.step(acc[j], p0[j]), p1[j]), p2[j]), p3[j]);
  }
  for (; rb < re; ++rb, red.next()) {
    const T* p = base + red.off;
    for (std::int64_t j = 0; j < width; ++j) acc[j] = op.step(acc[j], p[j]);
  }
}

// Splits [0, n) into a fixed number of chunks of at least kParallelGrain.
std::int64_t chunk_count(std::int64_t n) {
  return std::clamp<std::int64_t>(n / kParallelGrain, 1, kMaxChunks);
}

// out[o] = fin(reduction of output o), for every output of `l`, reading `t`
// through its strides. Requires n_out > 0.
template <class T, class Op, class O, class Fin>
void reduce_into(const Tensor& t, const Layout& l, const Op& op, O* out, Fin fin) {
  using Acc = typename Op::Acc;
  const T* in = static_cast<const T*>(t.raw_data());
  const std::int64_t n_out = l.n_out;
  const std::int64_t n_red = l.n_red;
  // Whether a reduction is split into chunks depends on the shapes alone, never
  // on the thread count, which only decides who sums which chunk: the same
  // bytes for any thread count.
  const std::int64_t keep_rank = l.keep_sizes.rank();
  const bool columns =
      keep_rank > 0 && l.keep_strides.back() == 1 && l.red_strides.back() != 1 && n_red > 1;

  if (!columns) {
    if (n_out >= kFewOutputs || chunk_count(n_red) == 1) {
      const std::int64_t grain =
          std::max<std::int64_t>(1, kParallelGrain / std::max<std::int64_t>(n_red, 1));
      parallel_for(0, n_out, grain, [&](std::int64_t ob, std::int64_t oe) {
        Walker keep(l.keep_sizes, l.keep_strides, keep_rank, ob);
        for (std::int64_t o = ob; o < oe; ++o, keep.next())
          out[o] = fin(reduce_range(op, in + keep.off, l, 0, n_red));
      });
      return;
    }
    // Few outputs, long reductions (a full sum): split each reduction.
    const std::int64_t chunks = chunk_count(n_red);
    std::vector<Acc> partial(static_cast<std::size_t>(chunks));
    Walker keep(l.keep_sizes, l.keep_strides, keep_rank, 0);
    for (std::int64_t o = 0; o < n_out; ++o, keep.next()) {
      parallel_for(0, chunks, 1, [&](std::int64_t cb, std::int64_t ce) {
        for (std::int64_t c = cb; c < ce; ++c)
          partial[c] =
              reduce_range(op, in + keep.off, l, n_red * c / chunks, n_red * (c + 1) / chunks);
      });
      Acc acc = op.init();
      for (const Acc& a : partial) acc = op.combine(acc, a);
      out[o] = fin(acc);
    }
    return;
  }

  // Column loop over tiles (outer kept index, column range).
  const std::int64_t cols = l.keep_sizes.back();
  const std::int64_t outer = n_out / cols;
  const std::int64_t tiles_per_row = (cols + kTile - 1) / kTile;
  const std::int64_t tiles = outer * tiles_per_row;
  auto tile_range = [&](std::int64_t tile, std::int64_t& o0, std::int64_t& width,
                        std::int64_t& in_off) {
    const std::int64_t row = tile / tiles_per_row;
    const std::int64_t c0 = (tile % tiles_per_row) * kTile;
    width = std::min(kTile, cols - c0);
    o0 = row * cols + c0;
    in_off = Walker(l.keep_sizes, l.keep_strides, keep_rank - 1, row).off + c0;
  };
  if (tiles >= kFewOutputs || chunk_count(n_red) == 1) {
    const std::int64_t grain = std::max<std::int64_t>(1, kParallelGrain / (kTile * n_red));
    parallel_for(0, tiles, grain, [&](std::int64_t tb, std::int64_t te) {
      std::vector<Acc> acc(static_cast<std::size_t>(std::min(kTile, cols)));
      for (std::int64_t tile = tb; tile < te; ++tile) {
        std::int64_t o0, width, in_off;
        tile_range(tile, o0, width, in_off);
        std::fill(acc.begin(), acc.begin() + width, op.init());
        reduce_columns(op, in + in_off, l, 0, n_red, acc.data(), width);
        for (std::int64_t j = 0; j < width; ++j) out[o0 + j] = fin(acc[j]);
      }
    });
    return;
  }
  // Few tiles, many rows (e.g. [1e6, 8] over dim 0): each chunk of rows fills
  // its own partial accumulators for all outputs.
  const std::int64_t chunks = chunk_count(n_red);
  std::vector<Acc> partial(static_cast<std::size_t>(chunks * n_out), op.init());
  parallel_for(0, chunks, 1, [&](std::int64_t cb, std::int64_t ce) {
    for (std::int64_t c = cb; c < ce; ++c) {
      for (std::int64_t tile = 0; tile < tiles; ++tile) {
        std::int64_t o0, width, in_off;
        tile_range(tile, o0, width, in_off);
        reduce_columns(op, in + in_off, l, n_red * c / chunks, n_red * (c + 1) / chunks,
                       partial.data() + c * n_out + o0, width);
      }
    }
  });
  for (std::int64_t o = 0; o < n_out; ++o) {
    Acc acc = partial[o];
    for (std::int64_t c = 1; c < chunks; ++c) acc = op.combine(acc, partial[c * n_out + o]);
    out[o] = fin(acc);
  }
}

// Runs reduce_into with output dtype `out_dtype`; an empty reduction gives
// fin(init) everywhere.
template <class T, class O, class Op, class Fin>
Tensor reduce(const Tensor& t, const Layout& l, DType out_dtype, const Op& op, Fin fin) {
  Tensor out = empty(l.out_shape, out_dtype);
  if (l.n_out == 0) return out;
  O* o = static_cast<O*>(out.raw_data());
  if (l.n_red == 0) {
    std::fill(o, o + l.n_out, static_cast<O>(fin(op.init())));
    return out;
  }
  reduce_into<T>(t, l, op, o, fin);
  return out;
}

Layout checked_layout(const Tensor& t, const Dims& dims, bool keepdim, std::string_view op) {
  check_defined(t, op);
  return make_layout(t, dim_mask(t, dims, op), keepdim);
}

void check_nonempty_reduction(const Layout& l,
                              const Tensor& t,
                              const Dims& dims,
                              std::string_view op) {
  NABLA_CHECK(l.n_red > 0, op, "cannot reduce over zero elements: shape ", t.shape(), ", dims ",
              dims.empty() ? std::string("all") : to_string(dims));
}

template <bool kMax>
Tensor extreme(const Tensor& t, const Dims& dims, bool keepdim, std::string_view op) {
  const Layout l = checked_layout(t, dims, keepdim, op);
  check_nonempty_reduction(l, t, dims, op);
  return dispatch(t.dtype(), [&]<class T>() {
    const T start = kMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    const ExtremeOf<T, kMax, Identity> ext{{}, start};
    return reduce<T, T>(t, l, t.dtype(), ext, [](T a) { return a; });
  });
}

// The same tensor's contiguous buffer, seen with another shape of equal numel.
Tensor reshaped(const Tensor& contiguous, const Shape& shape) {
  return as_strided(contiguous, shape, contiguous_strides(shape), contiguous.offset());
}

// Shape of a single-dim reduction of `shape` over `dim`.
Shape reduced_shape(const Shape& shape, std::int64_t dim, bool keepdim) {
  Shape out;
  for (std::int64_t d = 0; d < shape.rank(); ++d) {
    if (d != dim)
      out.push_back(shape[d]);
    else if (keepdim)
      out.push_back(1);
  }
  return out;
}

// Values and first indices of the maximum (kMax) or minimum along `dim`.
template <bool kMax>
ValuesIndices arg_extreme(const Tensor& t, std::int64_t dim, bool keepdim, std::string_view op) {
  check_defined(t, op);
  const std::int64_t d = normalize_dim(dim, t.dim(), op);
  const Slices s = t.dim() == 0 ? Slices{} : slices(t.shape(), d);
  NABLA_CHECK(s.len > 0, op, "cannot reduce over dim ", dim, " of size 0 (shape ", t.shape(), ")");
  const Shape out_shape = t.dim() == 0 ? Shape{} : reduced_shape(t.shape(), d, keepdim);
  ValuesIndices r{empty(out_shape, t.dtype()), empty(out_shape, DType::i64)};
  if (r.values.numel() == 0) return r;
  const Tensor x = t.contiguous();
  dispatch(t.dtype(), [&]<class T>() {
    const T* in = x.data<T>();
    T* val = r.values.data<T>();
    std::int64_t* idx = r.indices.data<std::int64_t>();
    if (s.inner == 1) {
      // Along the last dim (classes, a flattened tensor): one row per output,
      // the running extreme and its index kept in registers rather than in
      // the output arrays (a store and a reload per element, 5x slower).
      parallel_for(0, s.outer, std::max<std::int64_t>(1, kParallelGrain / s.len),
                   [&](std::int64_t ob, std::int64_t oe) {
                     for (std::int64_t o = ob; o < oe; ++o) {
                       const T* p = in + o * s.len;
                       T best = p[0];
                       std::int64_t at = 0;
                       for (std::int64_t k = 1; k < s.len && !is_nan(best); ++k) {
                         const T a = p[k];
                         if ((kMax ? a > best : a < best) || is_nan(a)) {
                           best = a;
                           at = k;
                         }
                       }
                       val[o] = best;
                       idx[o] = at;
                     }
                   });
      return;
    }
    const std::int64_t tiles_per_row = (s.inner + kTile - 1) / kTile;
    const std::int64_t grain = std::max<std::int64_t>(1, kParallelGrain / (s.len * kTile));
    parallel_for(0, s.outer * tiles_per_row, grain, [&](std::int64_t tb, std::int64_t te) {
      for (std::int64_t tile = tb; tile < te; ++tile) {
        const std::int64_t o = tile / tiles_per_row;
        const std::int64_t c0 = (tile % tiles_per_row) * kTile;
        const std::int64_t width = std::min(kTile, s.inner - c0);
        const T* p = in + o * s.len * s.inner + c0;
        T* v = val + o * s.inner + c0;
        std::int64_t* ix = idx + o * s.inner + c0;
        for (std::int64_t j = 0; j < width; ++j) {
          v[j] = p[j];
          ix[j] = 0;
        }
        // Strict comparisons keep the first index on ties; a NaN replaces a
        // number but not an earlier NaN.
        for (std::int64_t k = 1; k < s.len; ++k) {
          const T* row = p + k * s.inner;
          for (std::int64_t j = 0; j < width; ++j) {
            const T a = row[j];
            const bool better = kMax ? a > v[j] : a < v[j];
            if (better || (is_nan(a) && !is_nan(v[j]))) {
              v[j] = a;
              ix[j] = k;
            }
          }
        }
      }
    });
  });
  return r;
}

}  // namespace

Tensor sum(const Tensor& t, const Dims& dims, bool keepdim) {
  const Layout l = checked_layout(t, dims, keepdim, "sum");
  return dispatch(t.dtype(), [&]<class T>() {
    return reduce<T, T>(t, l, t.dtype(), SumOf<T, Identity>{},
                        [](Wide<T> a) { return static_cast<T>(a); });
  });
}

Tensor prod(const Tensor& t, const Dims& dims, bool keepdim) {
  const Layout l = checked_layout(t, dims, keepdim, "prod");
  return dispatch(t.dtype(), [&]<class T>() {
    return reduce<T, T>(t, l, t.dtype(), ProdOf<T>{}, [](Wide<T> a) { return static_cast<T>(a); });
  });
}

Tensor mean(const Tensor& t, const Dims& dims, bool keepdim) {
  const Layout l = checked_layout(t, dims, keepdim, "mean");
  return dispatch_floating(t.dtype(), "mean", [&]<class T>() {
    // 0 / 0 gives the NaN mean of an empty reduction.
    const double n = static_cast<double>(l.n_red);
    return reduce<T, T>(t, l, t.dtype(), SumOf<T, Identity>{},
                        [n](double a) { return static_cast<T>(a / n); });
  });
}

Tensor var(const Tensor& t, const Dims& dims, std::int64_t correction, bool keepdim) {
  const Layout l = checked_layout(t, dims, keepdim, "var");
  return dispatch_floating(t.dtype(), "var", [&]<class T>() {
    const Tensor m = mean(t, dims, /*keepdim=*/true);
    // Second pass: squared deviations from the slice's mean (broadcast).
    Tensor dev = empty(t.shape(), t.dtype());
    detail::map_into<T, T, T>(
        dev, [](T x, T mu) { return (x - mu) * (x - mu); }, t, m);
    const double denom =
        std::max<double>(0.0, static_cast<double>(l.n_red) - static_cast<double>(correction));
    const Layout ld = make_layout(dev, dim_mask(dev, dims, "var"), keepdim);
    return reduce<T, T>(dev, ld, t.dtype(), SumOf<T, Identity>{},
                        [denom](double a) { return static_cast<T>(a / denom); });
  });
}

Tensor std_dev(const Tensor& t, const Dims& dims, std::int64_t correction, bool keepdim) {
  check_defined(t, "std_dev");
  NABLA_CHECK(is_floating(t.dtype()), "std_dev", "expected a floating dtype (f32 or f64), got ",
              t.dtype());
  Tensor v = var(t, dims, correction, keepdim);
  v.sqrt_();
  return v;
}

Tensor amax(const Tensor& t, const Dims& dims, bool keepdim) {
  return extreme<true>(t, dims, keepdim, "amax");
}

Tensor amin(const Tensor& t, const Dims& dims, bool keepdim) {
  return extreme<false>(t, dims, keepdim, "amin");
}

Tensor logsumexp(const Tensor& t, const Dims& dims, bool keepdim) {
  const Layout l = checked_layout(t, dims, keepdim, "logsumexp");
  return dispatch_floating(t.dtype(), "logsumexp", [&]<class T>() {
    if (l.n_red == 0) return full(l.out_shape, -std::numeric_limits<double>::infinity(), t.dtype());
    Tensor shift = amax(t, dims, /*keepdim=*/true);
    // An infinite maximum cannot be subtracted (inf - inf = NaN); shifting by
    // 0 instead gives -inf for a slice of -inf and +inf when one value is +inf.
    T* sp = shift.data<T>();
    for (std::int64_t i = 0; i < shift.numel(); ++i)
      if (std::isinf(sp[i])) sp[i] = T(0);
    Tensor e = empty(t.shape(), t.dtype());
    detail::map_into<T, T, T>(
        e, [](T x, T s) { return exp_t<T>(x - s); }, t, shift);
    const Layout le = make_layout(e, dim_mask(e, dims, "logsumexp"), /*keepdim=*/true);
    Tensor out = reduce<T, T>(e, le, t.dtype(), SumOf<T, Identity>{},
                              [](double a) { return static_cast<T>(std::log(a)); });
    out.add_(shift);
    return reshaped(out, l.out_shape);
  });
}

Tensor norm(const Tensor& t, double p, const Dims& dims, bool keepdim) {
  const Layout l = checked_layout(t, dims, keepdim, "norm");
  NABLA_CHECK(!std::isnan(p), "norm", "p must not be NaN");
  return dispatch_floating(t.dtype(), "norm", [&]<class T>() {
    auto cast = [](double a) { return static_cast<T>(a); };
    if (p == 2.0) {
      auto sq = [](T x) { return x * x; };
      return reduce<T, T>(t, l, t.dtype(), SumOf<T, decltype(sq)>{sq},
                          [](double a) { return static_cast<T>(std::sqrt(a)); });
    }
    if (p == 1.0) {
      auto abs = [](T x) { return std::abs(x); };
      return reduce<T, T>(t, l, t.dtype(), SumOf<T, decltype(abs)>{abs}, cast);
    }
    if (p == 0.0) {
      auto nonzero = [](T x) { return x != T(0) ? T(1) : T(0); };
      return reduce<T, T>(t, l, t.dtype(), SumOf<T, decltype(nonzero)>{nonzero}, cast);
    }
    auto abs = [](T x) { return std::abs(x); };
    if (std::isinf(p)) {
      if (p > 0) {
        // |x| >= 0, so 0 is a neutral start and the norm of nothing is 0.
        const ExtremeOf<T, true, decltype(abs)> op{abs, T(0)};
        return reduce<T, T>(t, l, t.dtype(), op, [](T a) { return a; });
      }
      check_nonempty_reduction(l, t, dims, "norm");
      const ExtremeOf<T, false, decltype(abs)> op{abs, std::numeric_limits<T>::infinity()};
      return reduce<T, T>(t, l, t.dtype(), op, [](T a) { return a; });
    }
    auto powp = [p](T x) { return static_cast<T>(std::pow(std::abs(static_cast<double>(x)), p)); };
    return reduce<T, T>(t, l, t.dtype(), SumOf<T, decltype(powp)>{powp},
                        [p](double a) { return static_cast<T>(std::pow(a, 1.0 / p)); });
  });
}

ValuesIndices max(const Tensor& t, std::int64_t dim, bool keepdim) {
  return arg_extreme<true>(t, dim, keepdim, "max");
}

ValuesIndices min(const Tensor& t, std::int64_t dim, bool keepdim) {
  return arg_extreme<false>(t, dim, keepdim, "min");
}

Tensor max(const Tensor& t) {
  return extreme<true>(t, {}, false, "max");
}

Tensor min(const Tensor& t) {
  return extreme<false>(t, {}, false, "min");
}

Tensor argmax(const Tensor& t, std::int64_t dim, bool keepdim) {
  return arg_extreme<true>(t, dim, keepdim, "argmax").indices;
}

Tensor argmin(const Tensor& t, std::int64_t dim, bool keepdim) {
  return arg_extreme<false>(t, dim, keepdim, "argmin").indices;
}

Tensor argmax(const Tensor& t) {
  check_defined(t, "argmax");
  const Tensor flat = reshaped(t.contiguous(), Shape{t.numel()});
  return reshaped(arg_extreme<true>(flat, 0, false, "argmax").indices, Shape{});
}

Tensor argmin(const Tensor& t) {
  check_defined(t, "argmin");
  const Tensor flat = reshaped(t.contiguous(), Shape{t.numel()});
  return reshaped(arg_extreme<false>(flat, 0, false, "argmin").indices, Shape{});
}

Tensor sum_to(const Tensor& t, const Shape& shape) {
  check_defined(t, "sum_to");
  check_shape(shape, "sum_to");
  const Shape& from = t.shape();
  NABLA_CHECK(shape.rank() <= from.rank(), "sum_to", "cannot sum a tensor of shape ", from,
              " to the larger rank shape ", shape);
  if (shape == from) return t;
  const std::int64_t lead = from.rank() - shape.rank();
  std::array<bool, kMaxRank> mask{};
  for (std::int64_t d = 0; d < from.rank(); ++d) {
    if (d < lead) {
      mask[d] = true;
      continue;
    }
    const std::int64_t want = shape[d - lead];
    NABLA_CHECK(want == from[d] || want == 1, "sum_to", "shape ", shape,
                " does not broadcast to the tensor's shape ", from, " (dim ", d, ")");
    mask[d] = want == 1 && from[d] != 1;
  }
  // The kept dims come out in order, so the result is already laid out as `shape`.
  Layout l = make_layout(t, mask, /*keepdim=*/false);
  l.out_shape = shape;
  return dispatch(t.dtype(), [&]<class T>() {
    return reduce<T, T>(t, l, t.dtype(), SumOf<T, Identity>{},
                        [](Wide<T> a) { return static_cast<T>(a); });
  });
}

}  // namespace nabla
