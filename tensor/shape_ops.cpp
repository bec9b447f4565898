// Shape operations (see NOTE [ Views ] in shape_ops.h). Every view is built by
// make_view from new sizes, strides and offset onto the input's storage; only
// reshape (as a fallback), cat and stack allocate.
#include "tensor/shape_ops.h"

#include <algorithm>
#include <array>
#include <limits>
#include <string_view>

namespace nabla {
namespace {

// A view of t's storage. A 0-element view keeps t's offset so that it never
// points past the storage it shares.
Tensor make_view(const Tensor& t, const Shape& shape, const Strides& strides, std::int64_t offset) {
  return as_strided(t, shape, strides, numel(shape) == 0 ? t.offset() : offset);
}

void check_rank(std::int64_t rank, const Shape& shape, std::string_view op) {
  NABLA_CHECK(rank <= kMaxRank, op, "rank ", rank, " exceeds the maximum of ", kMaxRank, " (shape ",
              shape, ")");
}

// Resolves a -1 in `shape` against `count` elements and checks the total.
Shape infer_shape(const Shape& shape, std::int64_t count, std::string_view op) {
  check_rank(shape.rank(), shape, op);
  Shape out = shape;
  std::int64_t infer = -1;
  std::int64_t known = 1;
  for (std::int64_t d = 0; d < shape.rank(); ++d) {
    if (shape[d] == -1) {
      NABLA_CHECK(infer < 0, op, "only one dimension can be inferred (-1), got shape ", shape);
      infer = d;
    } else {
      NABLA_CHECK(shape[d] >= 0, op, "invalid size ", shape[d], " at dim ", d, " in shape ", shape);
      // A product past int64 can never match a real tensor's element count.
      NABLA_CHECK(shape[d] == 0 || known <= std::numeric_limits<std::int64_t>::max() / shape[d], op,
                  "shape ", shape, " is invalid for a tensor of ", count, " elements");
      known *= shape[d];
    }
  }
  if (infer >= 0) {
    // With a 0 among the known sizes, any value would fit the -1.
    NABLA_CHECK(known != 0, op, "cannot infer the -1 in shape ", shape, " for a tensor of ", count,
                " elements (any size would fit)");
    NABLA_CHECK(count % known == 0, op, "shape ", shape, " is invalid for a tensor of ", count,
                " elements");
    out[infer] = count / known;
  } else {
    NABLA_CHECK(known == count, op, "shape ", shape, " is invalid for a tensor of ", count,
                " elements");
  }
  return out;
}

// Sets `out` to strides that view a tensor of (old_shape, old_strides) as
// new_shape without copying and returns true, or returns false when none
// exist. This is PyTorch's computeStride: the old dims are split into chunks
// that are contiguous among themselves, and each chunk must map onto a run of
// new dims of the same element count.
bool view_strides(const Shape& old_shape,
                  const Strides& old_strides,
                  const Shape& new_shape,
                  Strides& out) {
  if (numel(old_shape) == 0 || old_shape.empty()) {
    out = contiguous_strides(new_shape);
    return true;
  }
  out.assign(new_shape.size(), 0);
  std::int64_t view_d = new_shape.rank() - 1;
  std::int64_t chunk_base_stride = old_strides.back();
  std::int64_t tensor_numel = 1;
  std::int64_t view_numel = 1;
  for (std::int64_t d = old_shape.rank() - 1; d >= 0; --d) {
    tensor_numel *= old_shape[d];
    const bool chunk_ends =
        d == 0 || (old_shape[d - 1] != 1 && old_strides[d - 1] != tensor_numel * chunk_base_stride);
    if (!chunk_ends) continue;
    while (view_d >= 0 && (view_numel < tensor_numel || new_shape[view_d] == 1)) {
      out[view_d] = view_numel * chunk_base_stride;
      view_numel *= new_shape[view_d];
      --view_d;
    }
    if (view_numel != tensor_numel) return false;
    if (d > 0) {
      chunk_base_stride = old_strides[d - 1];
      tensor_numel = 1;
      view_numel = 1;
    }
  }
  return view_d == -1;
}

// The dim of a rank-r tensor that an op such as narrow works on; rank 0 has none.
std::int64_t sized_dim(const Tensor& t, std::int64_t dim, std::string_view op) {
  NABLA_CHECK(t.dim() > 0, op, "cannot be applied to a rank-0 tensor");
  return normalize_dim(dim, t.dim(), op);
}

Tensor expand_impl(const Tensor& t, const Shape& shape, std::string_view op) {
  check_defined(t, op);
  check_rank(shape.rank(), shape, op);
  NABLA_CHECK(shape.rank() >= t.dim(), op, "the target shape ", shape,
              " has fewer dims than the tensor's shape ", t.shape());
  const std::int64_t lead = shape.rank() - t.dim();
  Shape sizes(shape.size());
  Strides strides(shape.size());
  for (std::int64_t d = 0; d < shape.rank(); ++d) {
    const std::int64_t want = shape[d];
    if (d < lead) {
      NABLA_CHECK(want >= 0, op, "size ", want, " is not allowed in new leading dim ", d,
                  " (shape ", t.shape(), " to ", shape, ")");
      sizes[d] = want;
      strides[d] = 0;
      continue;
    }
    const std::int64_t have = t.shape()[d - lead];
    NABLA_CHECK(want >= -1, op, "invalid size ", want, " at dim ", d, " in shape ", shape);
    if (want == -1 || want == have) {
      sizes[d] = have;
      strides[d] = t.strides()[d - lead];
    } else {
      NABLA_CHECK(have == 1, op, "the size ", have, " of dim ", d - lead, " cannot be expanded to ",
                  want, " (shape ", t.shape(), " to ", shape,
                  "); only size-1 dims can be expanded");
      sizes[d] = want;
      strides[d] = 0;
    }
  }
  return make_view(t, sizes, strides, t.offset());
}

// Checks the list shared by cat and stack and returns the promoted dtype.
DType check_list(const std::vector<Tensor>& tensors, std::string_view op) {
  NABLA_CHECK(!tensors.empty(), op, "expected a non-empty list of tensors");
  DType dtype = DType::i64;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    NABLA_CHECK(tensors[i].defined(), op, "tensor ", i, " is undefined");
    dtype = i == 0 ? tensors[i].dtype() : promote(dtype, tensors[i].dtype());
  }
  return dtype;
}

}  // namespace

Tensor reshape(const Tensor& t, const Shape& shape) {
  check_defined(t, "reshape");
  const Shape target = infer_shape(shape, t.numel(), "reshape");
  Strides strides;
  if (view_strides(t.shape(), t.strides(), target, strides))
    return make_view(t, target, strides, t.offset());
  const Tensor c = t.contiguous();
  return make_view(c, target, contiguous_strides(target), c.offset());
}

Tensor view(const Tensor& t, const Shape& shape) {
  check_defined(t, "view");
  const Shape target = infer_shape(shape, t.numel(), "view");
  Strides strides;
  NABLA_CHECK(view_strides(t.shape(), t.strides(), target, strides), "view", "a tensor of shape ",
              t.shape(), " and strides ", t.strides(), " cannot be viewed as shape ", target,
              " without a copy; use reshape");
  return make_view(t, target, strides, t.offset());
}

Tensor flatten(const Tensor& t, std::int64_t start_dim, std::int64_t end_dim) {
  check_defined(t, "flatten");
  if (t.dim() == 0) {
    normalize_dim(start_dim, 0, "flatten");
    normalize_dim(end_dim, 0, "flatten");
    return make_view(t, Shape{1}, Strides{1}, t.offset());
  }
  const std::int64_t s = normalize_dim(start_dim, t.dim(), "flatten");
  const std::int64_t e = normalize_dim(end_dim, t.dim(), "flatten");
  NABLA_CHECK(s <= e, "flatten", "start_dim ", start_dim, " comes after end_dim ", end_dim,
              " for a tensor of rank ", t.dim());
  Shape target(t.shape().begin(), t.shape().begin() + s);
  std::int64_t merged = 1;
  for (std::int64_t d = s; d <= e; ++d) merged *= t.shape()[d];
  target.push_back(merged);
  target.insert(target.end(), t.shape().begin() + e + 1, t.shape().end());
  return reshape(t, target);
}

Tensor transpose(const Tensor& t, std::int64_t d0, std::int64_t d1) {
  check_defined(t, "transpose");
  const std::int64_t a = normalize_dim(d0, t.dim(), "transpose");
  const std::int64_t b = normalize_dim(d1, t.dim(), "transpose");
  if (t.dim() == 0) return t;
  Shape shape = t.shape();
  Strides strides = t.strides();
  std::swap(shape[a], shape[b]);
  std::swap(strides[a], strides[b]);
  return make_view(t, shape, strides, t.offset());
}

Tensor permute(const Tensor& t, const Dims& dims) {
  check_defined(t, "permute");
  NABLA_CHECK(dims.rank() == t.dim(), "permute", "dims ", dims, " do not match the rank ", t.dim(),
              " of a tensor of shape ", t.shape());
  Shape shape(dims.size());
  Strides strides(dims.size());
  std::array<bool, kMaxRank> seen{};
  for (std::int64_t i = 0; i < dims.rank(); ++i) {
    const std::int64_t d = normalize_dim(dims[i], t.dim(), "permute");
    NABLA_CHECK(!seen[d], "permute", "dims ", dims, " are not a permutation (dim ", d, " repeats)");
    seen[d] = true;
    shape[i] = t.shape()[d];
    strides[i] = t.strides()[d];
  }
  return make_view(t, shape, strides, t.offset());
}

Tensor squeeze(const Tensor& t) {
  check_defined(t, "squeeze");
  Shape shape;
  Strides strides;
  for (std::int64_t d = 0; d < t.dim(); ++d) {
    if (t.shape()[d] == 1) continue;
    shape.push_back(t.shape()[d]);
    strides.push_back(t.strides()[d]);
  }
  return make_view(t, shape, strides, t.offset());
}

Tensor squeeze(const Tensor& t, std::int64_t dim) {
  check_defined(t, "squeeze");
  const std::int64_t d = normalize_dim(dim, t.dim(), "squeeze");
  if (t.dim() == 0 || t.shape()[d] != 1) return t;
  Shape shape = t.shape();
  Strides strides = t.strides();
  shape.erase(shape.begin() + d);
  strides.erase(strides.begin() + d);
  return make_view(t, shape, strides, t.offset());
}

Tensor unsqueeze(const Tensor& t, std::int64_t dim) {
  check_defined(t, "unsqueeze");
  const std::int64_t d = normalize_dim(dim, t.dim() + 1, "unsqueeze");
  Shape shape = t.shape();
  Strides strides = t.strides();
  // Any stride works for a size-1 dim; this one keeps a contiguous tensor contiguous.
  const std::int64_t stride = d < t.dim() ? t.shape()[d] * t.strides()[d] : 1;
  shape.insert(shape.begin() + d, 1);
  strides.insert(strides.begin() + d, stride);
  check_rank(shape.rank(), shape, "unsqueeze");
  return make_view(t, shape, strides, t.offset());
}

Tensor expand(const Tensor& t, const Shape& shape) {
  return expand_impl(t, shape, "expand");
}

Tensor broadcast_to(const Tensor& t, const Shape& shape) {
  return expand_impl(t, shape, "broadcast_to");
}

Tensor narrow(const Tensor& t, std::int64_t dim, std::int64_t start, std::int64_t length) {
  check_defined(t, "narrow");
  const std::int64_t d = sized_dim(t, dim, "narrow");
  const std::int64_t size = t.shape()[d];
  NABLA_CHECK(start >= -size && start <= size, "narrow", "start ", start, " out of range for dim ",
              d, " of size ", size);
  const std::int64_t s = start < 0 ? start + size : start;
  NABLA_CHECK(length >= 0, "narrow", "negative length ", length);
  NABLA_CHECK(length <= size - s, "narrow", "start ", start, " + length ", length, " exceeds dim ",
              d, " of size ", size);
  Shape shape = t.shape();
  shape[d] = length;
  return make_view(t, shape, t.strides(), t.offset() + s * t.strides()[d]);
}

Tensor slice(
    const Tensor& t, std::int64_t dim, std::int64_t start, std::int64_t end, std::int64_t step) {
  check_defined(t, "slice");
  const std::int64_t d = sized_dim(t, dim, "slice");
  NABLA_CHECK(step >= 1, "slice", "step must be at least 1, got ", step);
  const std::int64_t size = t.shape()[d];
  auto clamp = [size](std::int64_t i) {
    if (i < 0) i += size;
    return std::clamp<std::int64_t>(i, 0, size);
  };
  const std::int64_t s = clamp(start);
  const std::int64_t e = std::max(clamp(end), s);
  Shape shape = t.shape();
  Strides strides = t.strides();
  shape[d] = e == s ? 0 : (e - s - 1) / step + 1;  // ceil((e - s) / step) without overflow
  strides[d] *= step;
  return make_view(t, shape, strides, t.offset() + s * t.strides()[d]);
}

Tensor select(const Tensor& t, std::int64_t dim, std::int64_t index) {
  check_defined(t, "select");
  const std::int64_t d = sized_dim(t, dim, "select");
  const std::int64_t size = t.shape()[d];
  NABLA_CHECK(index >= -size && index < size, "select", "index ", index, " out of range for dim ",
              d, " of size ", size);
  const std::int64_t i = index < 0 ? index + size : index;
  Shape shape = t.shape();
  Strides strides = t.strides();
  shape.erase(shape.begin() + d);
  strides.erase(strides.begin() + d);
  return make_view(t, shape, strides, t.offset() + i * t.strides()[d]);
}

Tensor cat(const std::vector<Tensor>& tensors, std::int64_t dim) {
  const DType dtype = check_list(tensors, "cat");
  // PyTorch's legacy rule: a 1-D empty tensor joins anything, so that a list
  // can start from an empty accumulator.
  auto skipped = [](const Tensor& t) { return t.dim() == 1 && t.numel() == 0; };
  std::size_t ref = 0;
  while (ref + 1 < tensors.size() && skipped(tensors[ref])) ++ref;
  const Tensor& first = tensors[ref];
  NABLA_CHECK(first.dim() > 0, "cat", "tensor ", ref,
              " is rank 0 and cannot be concatenated; unsqueeze it or use stack");
  const std::int64_t d = normalize_dim(dim, first.dim(), "cat");
  Shape shape = first.shape();
  shape[d] = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (skipped(t) && i != ref) continue;
    bool same = t.dim() == first.dim();
    for (std::int64_t k = 0; same && k < t.dim(); ++k)
      same = k == d || t.shape()[k] == first.shape()[k];
    NABLA_CHECK(same, "cat", "tensor ", i, " has shape ", t.shape(), " but tensor ", ref,
                " has shape ", first.shape(), "; sizes must match except in dim ", d);
    shape[d] += t.shape()[d];
  }
  Tensor out = empty(shape, dtype);
  std::int64_t at = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if ((skipped(t) && i != ref) || t.numel() == 0) continue;
    narrow(out, d, at, t.shape()[d]).copy_(t);
    at += t.shape()[d];
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& tensors, std::int64_t dim) {
  check_list(tensors, "stack");
  const Shape& shape = tensors[0].shape();
  for (std::size_t i = 1; i < tensors.size(); ++i)
    NABLA_CHECK(tensors[i].shape() == shape, "stack", "tensor ", i, " has shape ",
                tensors[i].shape(), " but tensor 0 has shape ", shape,
                "; all shapes must be equal");
  const std::int64_t d = normalize_dim(dim, tensors[0].dim() + 1, "stack");
  check_rank(shape.rank() + 1, shape, "stack");
  std::vector<Tensor> parts;
  parts.reserve(tensors.size());
  for (const Tensor& t : tensors) parts.push_back(unsqueeze(t, d));
  return cat(parts, d);
}

std::vector<Tensor> split(const Tensor& t, std::int64_t split_size, std::int64_t dim) {
  check_defined(t, "split");
  const std::int64_t d = sized_dim(t, dim, "split");
  const std::int64_t size = t.shape()[d];
  NABLA_CHECK(split_size >= 0, "split", "split_size must be non-negative, got ", split_size);
  NABLA_CHECK(split_size > 0 || size == 0, "split", "split_size 0 is only valid for an empty dim, ",
              "but dim ", d, " has size ", size);
  std::vector<Tensor> out;
  if (size == 0) {
    out.push_back(narrow(t, d, 0, 0));
    return out;
  }
  for (std::int64_t at = 0; at < size;) {
    const std::int64_t n = std::min(split_size, size - at);
    out.push_back(narrow(t, d, at, n));
    at += n;
  }
  return out;
}

std::vector<Tensor> split(const Tensor& t,
                          const std::vector<std::int64_t>& sizes,
                          std::int64_t dim) {
  check_defined(t, "split");
  const std::int64_t d = sized_dim(t, dim, "split");
  std::int64_t total = 0;
  for (std::int64_t s : sizes) {
    NABLA_CHECK(s >= 0, "split", "negative split size ", s);
    NABLA_CHECK(s <= t.shape()[d] - total, "split", "split sizes ",
                Shape(sizes.begin(), sizes.end()), " exceed dim ", d, " of size ", t.shape()[d]);
    total += s;
  }
  NABLA_CHECK(total == t.shape()[d], "split", "split sizes add up to ", total, " but dim ", d,
              " has size ", t.shape()[d]);
  std::vector<Tensor> out;
  out.reserve(sizes.size());
  std::int64_t at = 0;
  for (std::int64_t s : sizes) {
    out.push_back(narrow(t, d, at, s));
    at += s;
  }
  return out;
}

std::vector<Tensor> chunk(const Tensor& t, std::int64_t chunks, std::int64_t dim) {
  check_defined(t, "chunk");
  const std::int64_t d = sized_dim(t, dim, "chunk");
  NABLA_CHECK(chunks >= 1, "chunk", "chunks must be at least 1, got ", chunks);
  const std::int64_t size = t.shape()[d];
  // An empty dim gives `chunks` empty pieces, as in PyTorch.
  if (size == 0) return split(t, std::vector<std::int64_t>(chunks, 0), d);
  return split(t, (size - 1) / chunks + 1, d);
}

}  // namespace nabla
