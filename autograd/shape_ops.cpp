// Forward and backward of every shape op. A shape op moves elements without
// changing them, so each rule applies the inverse move to grad_out: reshape
// back, transpose back, write a slice's gradient into zeros of the input's
// shape, cut cat's gradient into the inputs' pieces.
#include "autograd/shape_ops.h"

#include <cstddef>
#include <initializer_list>
#include <utility>
#include <vector>

#include "autograd/record.h"
#include "tensor/factory.h"
#include "tensor/shape_ops.h"

namespace nabla {

namespace {

// reshape, view, flatten, squeeze and unsqueeze keep the row-major order of
// the elements and change only the shape, so they share one node.
Variable record_reshape(const Variable& x, const Tensor& y) {
  // y = x with another shape: grad_x = grad_out reshaped to x's shape
  return record("ReshapeBackward", y, {x},
                [in = x.shape()](const Tensor& grad_out) { return reshape(grad_out, in); });
}

// expand and broadcast_to.
Variable record_expand(const Variable& x, const Tensor& y) {
  // y_i = x_(i mod size): each x element has one copy per broadcast position.
  // The rule passes grad_out on in y's shape and the engine sums it over the
  // copies down to x's shape (NOTE [ Broadcasting in backward ] in engine.cpp).
  return record("ExpandBackward", y, {x}, [](const Tensor& grad_out) { return grad_out; });
}

// narrow and every piece of split and chunk: y = elements start..start+len-1
// of x along dim d (d normalized, start >= 0).
Variable record_narrow(const Variable& x, const Tensor& y, std::int64_t d, std::int64_t start) {
  // dy/dx = 1 on the narrowed range, 0 elsewhere: grad_out written into zeros
  return record("NarrowBackward", y, {x}, [in = x.shape(), d, start](const Tensor& grad_out) {
    Tensor grad_x = zeros(in, grad_out.dtype());
    narrow(grad_x, d, start, grad_out.size(d)).copy_(grad_out);
    return grad_x;
  });
}

// The pieces of split or chunk, each recording its own NarrowBackward.
std::vector<Variable> record_pieces(const Variable& x,
                                    const std::vector<Tensor>& pieces,
                                    std::int64_t dim) {
  const std::int64_t d = normalize_dim(dim, x.dim(), "split");
  std::vector<Variable> out;
  out.reserve(pieces.size());
  std::int64_t start = 0;
  for (const Tensor& piece : pieces) {
    out.push_back(record_narrow(x, piece, d, start));
    start += piece.size(d);
  }
  return out;
}

// cat's gradients: grad_out cut along d into pieces of `sizes` (-1: an input
// the kernel skipped, whose gradient is an empty [0]).
GradList cut_into_pieces(const Tensor& grad_out,
                         const Shape& sizes,
                         std::int64_t d,
                         NeedsGrad needs) {
  GradList grads;
  std::int64_t at = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] < 0) {
      grads.push_back(zeros(Shape{0}, grad_out.dtype()));
      continue;
    }
    grads.push_back(needs[i] ? narrow(grad_out, d, at, sizes[i]) : Tensor());
    at += sizes[i];
  }
  return grads;
}

// clone and contiguous.
Variable record_clone(const Variable& x, const Tensor& y) {
  // y = x (a copy): dy/dx = 1
  return record("CloneBackward", y, {x}, [](const Tensor& grad_out) { return grad_out; });
}

}  // namespace

Variable reshape(const Variable& x, const Shape& shape) {
  return record_reshape(x, reshape(x.value(), shape));
}

Variable view(const Variable& x, const Shape& shape) {
  return record_reshape(x, view(x.value(), shape));
}

Variable flatten(const Variable& x, std::int64_t start_dim, std::int64_t end_dim) {
  return record_reshape(x, flatten(x.value(), start_dim, end_dim));
}

Variable squeeze(const Variable& x) {
  return record_reshape(x, squeeze(x.value()));
}

Variable squeeze(const Variable& x, std::int64_t dim) {
  return record_reshape(x, squeeze(x.value(), dim));
}

Variable unsqueeze(const Variable& x, std::int64_t dim) {
  return record_reshape(x, unsqueeze(x.value(), dim));
}

Variable transpose(const Variable& x, std::int64_t d0, std::int64_t d1) {
  Tensor y = transpose(x.value(), d0, d1);
  // y = x with dims d0 and d1 swapped: grad_x = grad_out swapped back
  return record("TransposeBackward", y, {x},
                [d0, d1](const Tensor& grad_out) { return transpose(grad_out, d0, d1); });
}

Variable permute(const Variable& x, const Dims& dims) {
  Tensor y = permute(x.value(), dims);
  // y dim k = x dim p[k]: grad_x = grad_out permuted by the inverse, inv[p[k]] = k
  Dims inverse(dims.size());
  for (std::size_t k = 0; k < dims.size(); ++k)
    inverse[normalize_dim(dims[k], x.dim(), "permute")] = static_cast<std::int64_t>(k);
  return record("PermuteBackward", y, {x},
                [inverse](const Tensor& grad_out) { return permute(grad_out, inverse); });
}

Variable expand(const Variable& x, const Shape& shape) {
  return record_expand(x, expand(x.value(), shape));
}

Variable broadcast_to(const Variable& x, const Shape& shape) {
  return record_expand(x, broadcast_to(x.value(), shape));
}

Variable narrow(const Variable& x, std::int64_t dim, std::int64_t start, std::int64_t length) {
  Tensor y = narrow(x.value(), dim, start, length);
  const std::int64_t d = normalize_dim(dim, x.dim(), "narrow");
  return record_narrow(x, y, d, start < 0 ? start + x.size(d) : start);
}

Variable slice(
    const Variable& x, std::int64_t dim, std::int64_t start, std::int64_t end, std::int64_t step) {
  Tensor y = slice(x.value(), dim, start, end, step);
  // dy/dx = 1 at x[start:end:step], 0 elsewhere: grad_out written into zeros
  return record("SliceBackward", y, {x},
                [in = x.shape(), dim, start, end, step](const Tensor& grad_out) {
                  Tensor grad_x = zeros(in, grad_out.dtype());
                  slice(grad_x, dim, start, end, step).copy_(grad_out);
                  return grad_x;
                });
}

Variable select(const Variable& x, std::int64_t dim, std::int64_t index) {
  Tensor y = select(x.value(), dim, index);
  // dy/dx = 1 at element `index` of dim, 0 elsewhere: grad_out written into zeros
  return record("SelectBackward", y, {x}, [in = x.shape(), dim, index](const Tensor& grad_out) {
    Tensor grad_x = zeros(in, grad_out.dtype());
    select(grad_x, dim, index).copy_(grad_out);
    return grad_x;
  });
}

Variable cat(const std::vector<Variable>& xs, std::int64_t dim) {
  Tensor y = cat(values(xs), dim);
  // The kernel skips 1-D empty inputs (PyTorch's legacy rule) and takes the
  // rank and dim from the first other input; mirror that to find each piece.
  auto skipped = [](const Variable& x) { return x.dim() == 1 && x.numel() == 0; };
  std::size_t ref = 0;
  while (ref + 1 < xs.size() && skipped(xs[ref])) ++ref;
  const std::int64_t d = normalize_dim(dim, xs[ref].dim(), "cat");
  Shape sizes;  // each input's size along d; -1 for a skipped input
  for (std::size_t i = 0; i < xs.size(); ++i)
    sizes.push_back(skipped(xs[i]) && i != ref ? -1 : xs[i].size(d));
  // y = [x_0; x_1; ...] along d: grad_x_i = the range of grad_out that x_i filled
  return record("CatBackward", y, xs, [sizes, d](const Tensor& grad_out, NeedsGrad needs) {
    return cut_into_pieces(grad_out, sizes, d, needs);
  });
}

Variable stack(const std::vector<Variable>& xs, std::int64_t dim) {
  Tensor y = stack(values(xs), dim);
  const std::int64_t d = normalize_dim(dim, xs[0].dim() + 1, "stack");
  const std::size_t n = xs.size();
  // y[..., k, ...] = x_k along the new dim d: grad_x_k = grad_out selected at k
  return record("StackBackward", y, xs, [d, n](const Tensor& grad_out, NeedsGrad needs) {
    GradList grads;
    for (std::size_t k = 0; k < n; ++k)
      grads.push_back(needs[k] ? select(grad_out, d, static_cast<std::int64_t>(k)) : Tensor());
    return grads;
  });
}

Tensor cat(std::initializer_list<Tensor> tensors, std::int64_t dim) {
  return cat(std::vector<Tensor>(tensors), dim);
}

Tensor stack(std::initializer_list<Tensor> tensors, std::int64_t dim) {
  return stack(std::vector<Tensor>(tensors), dim);
}

std::vector<Variable> split(const Variable& x, std::int64_t split_size, std::int64_t dim) {
  return record_pieces(x, split(x.value(), split_size, dim), dim);
}

std::vector<Variable> split(const Variable& x,
                            const std::vector<std::int64_t>& sizes,
                            std::int64_t dim) {
  return record_pieces(x, split(x.value(), sizes, dim), dim);
}

std::vector<Variable> chunk(const Variable& x, std::int64_t chunks, std::int64_t dim) {
  return record_pieces(x, chunk(x.value(), chunks, dim), dim);
}

Variable clone(const Variable& x) {
  return record_clone(x, x.value().clone());
}

Variable contiguous(const Variable& x) {
  return record_clone(x, x.value().contiguous());
}

Variable to(const Variable& x, DType dtype) {
  Tensor y = x.value().to(dtype);
  // Integers are not differentiable (as in PyTorch): an i64 result is a constant.
  if (!is_floating(dtype)) return Variable(y);
  // y = x in another precision: dy/dx = 1; the engine converts grad_out back to x's dtype
  return record("ToDtypeBackward", y, {x}, [](const Tensor& grad_out) { return grad_out; });
}

}  // namespace nabla
