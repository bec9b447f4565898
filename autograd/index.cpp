// Forward and backward of the index ops. The backward of a selection is the
// scatter that reverses it, with scatter_add so that repeated indices
// accumulate; the backward of a scatter is the matching gather.
#include "autograd/index.h"

#include "autograd/record.h"
#include "tensor/factory.h"
#include "tensor/index.h"
#include "tensor/shape_ops.h"

namespace nabla {

namespace {

// index [k] viewed as [1, .., k, .., 1] along dim d and broadcast to `shape`:
// scatter_add then adds slice k of a tensor of `shape` into slice index[k].
Tensor spread_along(const Tensor& index, std::int64_t d, const Shape& shape) {
  Shape index_shape(static_cast<std::size_t>(shape.rank()), 1);
  index_shape[d] = shape[d];
  return expand(reshape(index, index_shape), shape);
}

// src's gradient from the gathered block_grad: only src's leading
// index.shape() block is scattered into y, so the rest of src gets zeros.
Tensor zero_padded(const Tensor& block_grad, const Shape& src_shape) {
  if (block_grad.shape() == src_shape) return block_grad;
  Tensor padded = zeros(src_shape, block_grad.dtype());
  Tensor block = padded;
  for (std::int64_t d = 0; d < block_grad.dim(); ++d)
    block = narrow(block, d, 0, block_grad.size(d));
  block.copy_(block_grad);
  return padded;
}

}  // namespace

Variable index_select(const Variable& x, std::int64_t dim, const Tensor& index) {
  Tensor y = index_select(x.value(), dim, index);
  const std::int64_t d = normalize_dim(dim, x.dim(), "index_select");
  // y[.., k, ..] = x[.., index[k], ..]: dL/dx[.., i, ..] = Σ_{k: index[k] = i} grad_out[.., k, ..]
  return record("IndexSelectBackward", y, {x}, save(index),
                [d, shape = x.shape()](const Tensor& grad_out, const Tensor& index) {
                  const Tensor spread = spread_along(index, d, grad_out.shape());
                  Tensor grad_x = zeros(shape, grad_out.dtype());
                  scatter_add_(grad_x, d, spread, grad_out);
                  return grad_x;
                });
}

Variable gather(const Variable& x, std::int64_t dim, const Tensor& index) {
  Tensor y = gather(x.value(), dim, index);
  // y[i][j][k] = x[i][index[i][j][k]][k] (dim 1): grad_out[i][j][k] flows back to
  // x[i][index[i][j][k]][k], and an element read several times gets the sum
  return record("GatherBackward", y, {x}, save(index),
                [dim, shape = x.shape()](const Tensor& grad_out, const Tensor& index) {
                  Tensor grad_x = zeros(shape, grad_out.dtype());
                  scatter_add_(grad_x, dim, index, grad_out);
                  return grad_x;
                });
}

Variable scatter_add(const Variable& x,
                     std::int64_t dim,
                     const Tensor& index,
                     const Variable& src) {
  Tensor y = scatter_add(x.value(), dim, index, src.value());
  // y = x + scatter(src): dL/dx = grad_out, dL/dsrc[i][j][k] = grad_out[i][index[i][j][k]][k]
  return record("ScatterAddBackward", y, {x, src}, save(index),
                [dim, src_shape = src.shape()](const Tensor& grad_out, NeedsGrad needs,
                                               const Tensor& index) -> GradList {
                  return {grad_out, needs[1] ? zero_padded(gather(grad_out, dim, index), src_shape)
                                             : Tensor()};
                });
}

namespace {

// cond ? a : b for every overload; the scalar side is an undefined Variable.
Variable record_where(const Tensor& cond, const Tensor& y, const Variable& a, const Variable& b) {
  // dy/da = [cond], dy/db = 1 - [cond]: the gradient goes to the side that was picked
  return record("WhereBackward", y, {a, b}, save(cond),
                [](const Tensor& grad_out, NeedsGrad needs, const Tensor& cond) -> GradList {
                  return {needs[0] ? where(cond, grad_out, 0.0) : Tensor(),
                          needs[1] ? where(cond, 0.0, grad_out) : Tensor()};
                });
}

}  // namespace

Variable where(const Tensor& cond, const Variable& a, const Variable& b) {
  return record_where(cond, where(cond, a.value(), b.value()), a, b);
}

Variable where(const Tensor& cond, double a, const Variable& b) {
  return record_where(cond, where(cond, a, b.value()), Variable(), b);
}

Variable where(const Tensor& cond, const Variable& a, double b) {
  return record_where(cond, where(cond, a.value(), b), a, Variable());
}

Variable masked_fill(const Variable& x, const Tensor& mask, double value) {
  Tensor y = masked_fill(x.value(), mask, value);
  // dy/dx = 0 where mask is set (y is the constant there), 1 elsewhere
  return record(
      "MaskedFillBackward", y, {x}, save(mask),
      [](const Tensor& grad_out, const Tensor& mask) { return masked_fill(grad_out, mask, 0.0); });
}

}  // namespace nabla
