// Index operations (see NOTE [ Index tensors ] in index.h). gather and
// scatter_add walk the index tensor with an odometer over its shape, so every
// operand may be strided; index_select copies whole rows with memcpy when its
// input is contiguous (the mini-batch gather of a data loader); where and
// masked_fill go through detail::map_into.
#include "tensor/index.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>
#include <vector>

#include "tensor/dispatch.h"
#include "tensor/factory.h"
#include "tensor/iterate.h"
#include "tensor/parallel.h"

namespace nabla {
namespace {

void check_index(const Tensor& index, std::string_view op) {
  NABLA_CHECK(index.defined(), op, "undefined index tensor");
  NABLA_CHECK(index.dtype() == DType::i64, op, "index tensor must have dtype i64, got ",
              index.dtype());
}

// Calls f(off) for every element of `shape` in row-major order, where off[k]
// is the element's offset under strides[k]. Incremental, so no division per
// element.
template <std::size_t N, class F>
void for_each_offset(const Shape& shape, const std::array<Strides, N>& strides, F&& f) {
  const std::int64_t n = numel(shape);
  const std::int64_t rank = shape.rank();
  std::array<std::int64_t, kMaxRank> idx{};
  std::array<std::int64_t, N> off{};
  for (std::int64_t i = 0; i < n; ++i) {
    f(off);
    for (std::int64_t d = rank - 1; d >= 0; --d) {
      for (std::size_t k = 0; k < N; ++k) off[k] += strides[k][d];
      if (++idx[d] < shape[d]) break;
      for (std::size_t k = 0; k < N; ++k) off[k] -= strides[k][d] * shape[d];
      idx[d] = 0;
    }
  }
}

// The size and stride of dim `d` of `t`; a rank-0 tensor acts as one element.
std::int64_t dim_size(const Tensor& t, std::int64_t d) {
  return t.dim() == 0 ? 1 : t.shape()[d];
}
std::int64_t dim_stride(const Tensor& t, std::int64_t d) {
  return t.dim() == 0 ? 0 : t.strides()[d];
}

// t's strides with dim d zeroed: the offset of the "row" an index points into.
Strides base_strides(const Tensor& t, std::int64_t d) {
  Strides s = t.strides();
  if (t.dim() > 0) s[d] = 0;
  return s;
}

// Throws unless every element of `index` lies in [0, size).
void check_bounds(const Tensor& index, std::int64_t size, std::int64_t d, std::string_view op) {
  const std::int64_t* p = index.data<std::int64_t>();
  for_each_offset<1>(index.shape(), {index.strides()}, [&](const auto& off) {
    const std::int64_t i = p[off[0]];
    NABLA_CHECK(i >= 0 && i < size, op, "index ", i, " is out of bounds for dim ", d, " of size ",
                size);
  });
}

// Checks the shapes shared by gather and scatter_add: index has t's rank and
// fits inside t except along `dim`.
void check_index_shape(const Tensor& t, const Tensor& index, std::int64_t d, std::string_view op) {
  NABLA_CHECK(index.dim() == t.dim(), op, "index of shape ", index.shape(),
              " must have the same rank as the tensor of shape ", t.shape());
  for (std::int64_t k = 0; k < t.dim(); ++k)
    NABLA_CHECK(k == d || index.shape()[k] <= t.shape()[k], op, "index of shape ", index.shape(),
                " is larger than the tensor of shape ", t.shape(), " in dim ", k);
}

// The dtype of a tensor-scalar op (NOTE [ Elementwise dtypes ] in
// elementwise.h): the tensor's, or f32 for an i64 tensor with a scalar that is
// not an integer representable in i64.
DType scalar_dtype(DType t, double s) {
  if (t != DType::i64) return t;
  const bool integral = std::isfinite(s) && std::trunc(s) == s && std::abs(s) < 0x1p63;
  return integral ? DType::i64 : DType::f32;
}

Tensor where_impl(const Tensor& cond, const Tensor& a, const Tensor& b, DType dtype) {
  const Shape shape =
      broadcast_shapes(broadcast_shapes(cond.shape(), a.shape(), "where"), b.shape(), "where");
  const Tensor x = a.to(dtype);
  const Tensor y = b.to(dtype);
  Tensor out = empty(shape, dtype);
  dispatch(dtype, [&]<class O>() {
    dispatch(cond.dtype(), [&]<class C>() {
      detail::map_into<O, C, O, O>(
          out, [](C c, O p, O q) { return c != C(0) ? p : q; }, cond, x, y);
    });
  });
  return out;
}

// scatter_add_ with the op name used in messages (the out-of-place form names itself).
Tensor& scatter_add_impl(
    Tensor& t, std::int64_t dim, const Tensor& index, const Tensor& src, std::string_view op) {
  check_defined(t, op);
  check_defined(src, op);
  check_index(index, op);
  for (std::int64_t k = 0; k < t.dim(); ++k)
    NABLA_CHECK(t.shape()[k] <= 1 || t.strides()[k] != 0, op,
                "cannot write in place into a broadcast (stride-0) dim ", k, " of shape ",
                t.shape(), "; call contiguous() first");
  const std::int64_t d = normalize_dim(dim, t.dim(), op);
  check_index_shape(t, index, d, op);
  NABLA_CHECK(src.dim() == index.dim(), op, "src of shape ", src.shape(),
              " must have the same rank as the index of shape ", index.shape());
  for (std::int64_t k = 0; k < src.dim(); ++k)
    NABLA_CHECK(index.shape()[k] <= src.shape()[k], op, "index of shape ", index.shape(),
                " is larger than src of shape ", src.shape(), " in dim ", k);
  const std::int64_t size = dim_size(t, d);
  // All indices are checked before the first write, so a bad one leaves t unchanged.
  check_bounds(index, size, d, op);
  const Tensor s = src.to(t.dtype());
  const std::int64_t step = dim_stride(t, d);
  dispatch(t.dtype(), [&]<class T>() {
    T* tp = t.data<T>();
    const std::int64_t* ip = index.data<std::int64_t>();
    const T* sp = s.data<T>();
    const std::array<Strides, 3> strides = {index.strides(), s.strides(), base_strides(t, d)};
    for_each_offset<3>(index.shape(), strides,
                       [&](const auto& off) { tp[off[2] + ip[off[0]] * step] += sp[off[1]]; });
  });
  return t;
}

}  // namespace

Tensor index_select(const Tensor& t, std::int64_t dim, const Tensor& index) {
  check_defined(t, "index_select");
  check_index(index, "index_select");
  NABLA_CHECK(t.dim() > 0, "index_select", "cannot be applied to a rank-0 tensor");
  const std::int64_t d = normalize_dim(dim, t.dim(), "index_select");
  NABLA_CHECK(index.dim() <= 1, "index_select", "index must be 1-D, got shape ", index.shape());
  const Tensor idx = index.contiguous();
  const std::int64_t size = t.shape()[d];
  check_bounds(idx, size, d, "index_select");

  const std::int64_t n = idx.numel();
  Shape shape = t.shape();
  shape[d] = n;
  Tensor out = empty(shape, t.dtype());
  if (out.numel() == 0) return out;
  const std::int64_t* ip = idx.data<std::int64_t>();

  if (!t.is_contiguous()) {
    // One strided copy per selected slice; no copy of the whole input.
    Shape row_shape = t.shape();
    row_shape[d] = 1;
    for (std::int64_t k = 0; k < n; ++k) {
      as_strided(out, row_shape, out.strides(), k * out.strides()[d])
          .copy_(as_strided(t, row_shape, t.strides(), t.offset() + ip[k] * t.strides()[d]));
    }
    return out;
  }
  // Contiguous input: out is [outer, n, inner] and row (o, k) is a copy of
  // row (o, index[k]) of t viewed as [outer, size, inner].
  std::int64_t outer = 1;
  std::int64_t inner = 1;
  for (std::int64_t k = 0; k < d; ++k) outer *= shape[k];
  for (std::int64_t k = d + 1; k < t.dim(); ++k) inner *= shape[k];
  const std::size_t row_bytes = static_cast<std::size_t>(inner) * t.element_size();
  const char* src = static_cast<const char*>(t.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  const std::int64_t grain = std::max<std::int64_t>(1, kParallelGrain / inner);
  parallel_for(0, outer * n, grain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
      const std::int64_t o = r / n;
      const std::int64_t k = r % n;
      std::memcpy(dst + r * row_bytes, src + (o * size + ip[k]) * row_bytes, row_bytes);
    }
  });
  return out;
}

Tensor gather(const Tensor& t, std::int64_t dim, const Tensor& index) {
  check_defined(t, "gather");
  check_index(index, "gather");
  const std::int64_t d = normalize_dim(dim, t.dim(), "gather");
  check_index_shape(t, index, d, "gather");
  const std::int64_t size = dim_size(t, d);
  check_bounds(index, size, d, "gather");
  Tensor out = empty(index.shape(), t.dtype());
  const std::int64_t step = dim_stride(t, d);
  dispatch(t.dtype(), [&]<class T>() {
    const T* tp = t.data<T>();
    const std::int64_t* ip = index.data<std::int64_t>();
    T* op = out.data<T>();
    const std::array<Strides, 3> strides = {out.strides(), index.strides(), base_strides(t, d)};
    for_each_offset<3>(index.shape(), strides,
                       [&](const auto& off) { op[off[0]] = tp[off[2] + ip[off[1]] * step]; });
  });
  return out;
}

Tensor& scatter_add_(Tensor& t, std::int64_t dim, const Tensor& index, const Tensor& src) {
  scatter_add_impl(t, dim, index, src, "scatter_add_");
  t.bump_version();
  return t;
}

Tensor scatter_add(const Tensor& t, std::int64_t dim, const Tensor& index, const Tensor& src) {
  check_defined(t, "scatter_add");
  Tensor out = t.clone();
  return scatter_add_impl(out, dim, index, src, "scatter_add");
}

Tensor one_hot(const Tensor& labels, std::int64_t num_classes, DType dtype) {
  check_index(labels, "one_hot");
  NABLA_CHECK(num_classes >= -1, "one_hot", "num_classes must be -1 or non-negative, got ",
              num_classes);
  NABLA_CHECK(labels.dim() < kMaxRank, "one_hot", "labels of shape ", labels.shape(),
              " would give rank ", labels.dim() + 1, ", above the maximum of ", kMaxRank);
  const Tensor l = labels.contiguous();
  const std::int64_t* lp = l.data<std::int64_t>();
  const std::int64_t n = l.numel();
  if (num_classes == -1) {
    NABLA_CHECK(n > 0, "one_hot", "cannot infer num_classes (-1) from empty labels");
    const std::int64_t max = *std::max_element(lp, lp + n);
    NABLA_CHECK(max < std::numeric_limits<std::int64_t>::max(), "one_hot", "label ", max,
                " is too large");
    num_classes = max + 1;
  }
  for (std::int64_t i = 0; i < n; ++i)
    NABLA_CHECK(lp[i] >= 0 && lp[i] < num_classes, "one_hot", "label ", lp[i],
                " is out of bounds for num_classes ", num_classes);
  NABLA_CHECK(num_classes == 0 || n <= std::numeric_limits<std::int64_t>::max() / 8 / num_classes,
              "one_hot", num_classes, " classes for ", n, " labels are too many elements");
  Shape shape = labels.shape();
  shape.push_back(num_classes);
  Tensor out = zeros(shape, dtype);
  dispatch(dtype, [&]<class T>() {
    T* op = out.data<T>();
    for (std::int64_t i = 0; i < n; ++i) op[i * num_classes + lp[i]] = T(1);
  });
  return out;
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  check_defined(cond, "where");
  check_defined(a, "where");
  check_defined(b, "where");
  return where_impl(cond, a, b, promote(a.dtype(), b.dtype()));
}

Tensor where(const Tensor& cond, double a, const Tensor& b) {
  check_defined(cond, "where");
  check_defined(b, "where");
  const DType dtype = scalar_dtype(b.dtype(), a);
  return where_impl(cond, scalar_tensor(a, dtype), b, dtype);
}

Tensor where(const Tensor& cond, const Tensor& a, double b) {
  check_defined(cond, "where");
  check_defined(a, "where");
  const DType dtype = scalar_dtype(a.dtype(), b);
  return where_impl(cond, a, scalar_tensor(b, dtype), dtype);
}

Tensor masked_fill(const Tensor& t, const Tensor& mask, double value) {
  check_defined(t, "masked_fill");
  check_defined(mask, "masked_fill");
  const Shape b = broadcast_shapes(t.shape(), mask.shape(), "masked_fill");
  NABLA_CHECK(b == t.shape(), "masked_fill", "mask of shape ", mask.shape(),
              " does not broadcast to the tensor's shape ", t.shape());
  NABLA_CHECK(scalar_dtype(t.dtype(), value) == t.dtype(), "masked_fill", "value ", value,
              " is not representable in a tensor of dtype ", t.dtype());
  Tensor out = empty(t.shape(), t.dtype());
  dispatch(t.dtype(), [&]<class T>() {
    const T v = static_cast<T>(value);
    dispatch(mask.dtype(), [&]<class C>() {
      detail::map_into<T, C, T>(
          out, [v](C m, T x) { return m != C(0) ? v : x; }, mask, t);
    });
  });
  return out;
}

}  // namespace nabla
