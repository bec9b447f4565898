// Forward and backward of every reduction. A reduction maps each slice of x
// (the elements sharing the kept coordinates) to one output element, so each
// rule reshapes grad_out to the "kept" shape (reduced dims as size 1) and
// broadcasts it back over the slice. The rules return gradients in x's shape:
// the engine's sum_to only reduces, it cannot expand.
#include "autograd/reduce.h"

#include <cmath>
#include <utility>

#include "autograd/record.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/index.h"
#include "tensor/reduce.h"
#include "tensor/shape_ops.h"

namespace nabla {

namespace {

// x's shape with every reduced dim set to 1: the output's shape under keepdim,
// which broadcasts against x. The forward has already validated `dims`.
Shape kept_shape(const Shape& in, const Dims& dims) {
  Shape kept = in;
  if (dims.empty()) {
    for (std::int64_t& size : kept) size = 1;
  } else {
    for (std::int64_t d : dims) kept[normalize_dim(d, in.rank(), "reduce")] = 1;
  }
  return kept;
}

// How many elements of x were reduced into each output element.
double slice_size(const Shape& in, const Shape& kept) {
  double n = 1;
  for (std::int64_t d = 0; d < in.rank(); ++d)
    if (kept[d] == 1) n *= static_cast<double>(in[d]);
  return n;
}

// grad_out copied to every element of its slice: a [kept] -> [in] broadcast view.
Tensor expand_back(const Tensor& grad_out, const Shape& kept, const Shape& in) {
  return expand(reshape(grad_out, kept), in);
}

// The gradient of amax/amin: grad_out shared evenly among the elements of the
// slice equal to its extreme y, 1/count each.
Tensor split_among_ties(
    const Tensor& grad_out, const Tensor& x, const Tensor& y, const Dims& dims, const Shape& kept) {
  const Tensor is_extreme = eq(x, reshape(y, kept));
  const Tensor count = sum(is_extreme, dims, /*keepdim=*/true);
  return reshape(grad_out, kept) * is_extreme / count;
}

// The gradient of max(x, dim)/min(x, dim): grad_out placed at the index the
// kernel picked along dim d, zeros elsewhere.
Tensor to_indices(
    const Tensor& grad_out, const Tensor& indices, const Shape& in, std::int64_t d, bool keepdim) {
  const Tensor src = keepdim ? grad_out : unsqueeze(grad_out, d);
  const Tensor index = keepdim ? indices : unsqueeze(indices, d);
  return scatter_add(zeros(in, grad_out.dtype()), d, index, src);
}

// prod_{j != i} x_j over each slice of `dims`, in x's shape: y / x_i when the
// slice has no zero. With one zero only that element has a non-zero product of
// the others; with two or more every such product contains a zero.
Tensor prod_of_others(const Tensor& x, const Dims& dims) {
  const Tensor is_zero = eq(x, 0.0);
  const Tensor x_nonzero = where(is_zero, 1.0, x);
  const Tensor prod_nonzero = prod(x_nonzero, dims, /*keepdim=*/true);
  const Tensor zeros_in_slice = sum(is_zero, dims, /*keepdim=*/true);
  return where(eq(zeros_in_slice, 0.0), prod_nonzero / x_nonzero,
               where(is_zero * eq(zeros_in_slice, 1.0), prod_nonzero, 0.0));
}

// d ||x||_p/dx_i with y = ||x||_p over `dims` (see NormBackward), 0 where y = 0.
Tensor norm_derivative(
    const Tensor& x, const Tensor& y, double p, const Dims& dims, const Shape& kept) {
  const Tensor y_kept = reshape(y, kept);
  Tensor dy_dx;
  if (p == 2.0) {
    dy_dx = x / y_kept;
  } else if (std::isinf(p)) {
    dy_dx = sign(x) * split_among_ties(ones(kept, y.dtype()), abs(x), y, dims, kept);
  } else {
    dy_dx = masked_fill(sign(x) * pow(abs(x), p - 1) / pow(y_kept, p - 1), eq(x, 0.0), 0.0);
  }
  return masked_fill(dy_dx, eq(y_kept, 0.0), 0.0);
}

Variable record_amax(const Variable& x, const Tensor& y, const Dims& dims) {
  const Shape kept = kept_shape(x.shape(), dims);
  // d max(x)/dx_i = 1 at the maximum, 0 elsewhere; k tied maxima get 1/k each
  return record("AmaxBackward", y, {x}, save(x.value(), y),
                [dims, kept](const Tensor& grad_out, const Tensor& x, const Tensor& y) {
                  return split_among_ties(grad_out, x, y, dims, kept);
                });
}

Variable record_amin(const Variable& x, const Tensor& y, const Dims& dims) {
  const Shape kept = kept_shape(x.shape(), dims);
  // d min(x)/dx_i = 1 at the minimum, 0 elsewhere; k tied minima get 1/k each
  return record("AminBackward", y, {x}, save(x.value(), y),
                [dims, kept](const Tensor& grad_out, const Tensor& x, const Tensor& y) {
                  return split_among_ties(grad_out, x, y, dims, kept);
                });
}

}  // namespace

Variable sum(const Variable& x, const Dims& dims, bool keepdim) {
  Tensor y = sum(x.value(), dims, keepdim);
  const Shape in = x.shape();
  const Shape kept = kept_shape(in, dims);
  // d sum(x)/dx_i = 1: every element of a slice receives the slice's grad_out
  return record("SumBackward", y, {x},
                [in, kept](const Tensor& grad_out) { return expand_back(grad_out, kept, in); });
}

Variable mean(const Variable& x, const Dims& dims, bool keepdim) {
  Tensor y = mean(x.value(), dims, keepdim);
  const Shape in = x.shape();
  const Shape kept = kept_shape(in, dims);
  const double n = slice_size(in, kept);
  // d mean(x)/dx_i = 1 / N, N = the number of elements per slice
  return record("MeanBackward", y, {x}, [in, kept, n](const Tensor& grad_out) {
    return expand_back(grad_out, kept, in) / n;
  });
}

Variable prod(const Variable& x, const Dims& dims, bool keepdim) {
  Tensor y = prod(x.value(), dims, keepdim);
  const Shape in = x.shape();
  const Shape kept = kept_shape(in, dims);
  // d prod(x)/dx_i = prod_{j != i} x_j (y / x_i when the slice has no zero)
  return record("ProdBackward", y, {x}, save(x.value()),
                [in, kept, dims](const Tensor& grad_out, const Tensor& x) {
                  return expand_back(grad_out, kept, in) * prod_of_others(x, dims);
                });
}

Variable var(const Variable& x, const Dims& dims, std::int64_t correction, bool keepdim) {
  Tensor y = var(x.value(), dims, correction, keepdim);
  const Shape in = x.shape();
  const Shape kept = kept_shape(in, dims);
  const double denom = slice_size(in, kept) - static_cast<double>(correction);
  // d var(x)/dx_i = 2 (x_i - mean(x)) / (N - correction)
  return record("VarBackward", y, {x}, save(x.value()),
                [in, kept, dims, denom](const Tensor& grad_out, const Tensor& x) {
                  return expand_back(grad_out, kept, in) * (2.0 / denom) *
                         (x - mean(x, dims, /*keepdim=*/true));
                });
}

Variable std_dev(const Variable& x, const Dims& dims, std::int64_t correction, bool keepdim) {
  Tensor y = std_dev(x.value(), dims, correction, keepdim);
  const Shape in = x.shape();
  const Shape kept = kept_shape(in, dims);
  const double denom = slice_size(in, kept) - static_cast<double>(correction);
  // d sqrt(var)/dx_i = var'/(2 y) = (x_i - mean(x)) / ((N - correction) y); 0 where y = 0
  return record("StdBackward", y, {x}, save(x.value(), y),
                [in, kept, dims, denom](const Tensor& grad_out, const Tensor& x, const Tensor& y) {
                  const Tensor y_kept = reshape(y, kept);
                  const Tensor grad_x = expand_back(grad_out, kept, in) *
                                        (x - mean(x, dims, /*keepdim=*/true)) / (denom * y_kept);
                  return masked_fill(grad_x, eq(y_kept, 0.0), 0.0);
                });
}

Variable amax(const Variable& x, const Dims& dims, bool keepdim) {
  return record_amax(x, amax(x.value(), dims, keepdim), dims);
}

Variable amin(const Variable& x, const Dims& dims, bool keepdim) {
  return record_amin(x, amin(x.value(), dims, keepdim), dims);
}

Variable max(const Variable& x) {
  return record_amax(x, max(x.value()), {});
}

Variable min(const Variable& x) {
  return record_amin(x, min(x.value()), {});
}

VariableIndices max(const Variable& x, std::int64_t dim, bool keepdim) {
  ValuesIndices y = max(x.value(), dim, keepdim);
  const Shape in = x.shape();
  const std::int64_t d = normalize_dim(dim, x.dim(), "max");
  // d max_k(x_k)/dx_i = 1 for i = the returned index, 0 elsewhere
  Variable values = record("MaxBackward", y.values, {x}, save(y.indices),
                           [in, d, keepdim](const Tensor& grad_out, const Tensor& indices) {
                             return to_indices(grad_out, indices, in, d, keepdim);
                           });
  return {std::move(values), std::move(y.indices)};
}

VariableIndices min(const Variable& x, std::int64_t dim, bool keepdim) {
  ValuesIndices y = min(x.value(), dim, keepdim);
  const Shape in = x.shape();
  const std::int64_t d = normalize_dim(dim, x.dim(), "min");
  // d min_k(x_k)/dx_i = 1 for i = the returned index, 0 elsewhere
  Variable values = record("MinBackward", y.values, {x}, save(y.indices),
                           [in, d, keepdim](const Tensor& grad_out, const Tensor& indices) {
                             return to_indices(grad_out, indices, in, d, keepdim);
                           });
  return {std::move(values), std::move(y.indices)};
}

Tensor argmax(const Variable& x, std::int64_t dim, bool keepdim) {
  return argmax(x.value(), dim, keepdim);
}

Tensor argmin(const Variable& x, std::int64_t dim, bool keepdim) {
  return argmin(x.value(), dim, keepdim);
}

Tensor argmax(const Variable& x) {
  return argmax(x.value());
}

Tensor argmin(const Variable& x) {
  return argmin(x.value());
}

Variable logsumexp(const Variable& x, const Dims& dims, bool keepdim) {
  Tensor y = logsumexp(x.value(), dims, keepdim);
  const Shape kept = kept_shape(x.shape(), dims);
  // d logsumexp(x)/dx_i = exp(x_i) / sum_j exp(x_j) = exp(x_i - y), the softmax of x
  return record("LogsumexpBackward", y, {x}, save(x.value(), y),
                [kept](const Tensor& grad_out, const Tensor& x, const Tensor& y) {
                  return reshape(grad_out, kept) * exp(x - reshape(y, kept));
                });
}

Variable norm(const Variable& x, double p, const Dims& dims, bool keepdim) {
  Tensor y = norm(x.value(), p, dims, keepdim);
  const Shape kept = kept_shape(x.shape(), dims);
  // d ||x||_p/dx_i = sign(x_i) |x_i|^(p-1) / y^(p-1)   (p = 2: x_i / y)
  // p = +-inf: sign(x_i) at the elements with |x_i| = y, shared evenly by ties;
  // p = 0 counts non-zeros, a step function: 0. Defined as 0 where y = 0 and,
  // for p < 1, where x_i = 0 (the derivative is infinite there).
  return record("NormBackward", y, {x}, save(x.value(), y),
                [p, dims, kept](const Tensor& grad_out, const Tensor& x, const Tensor& y) {
                  if (p == 0.0) return zeros(x.shape(), grad_out.dtype());
                  return reshape(grad_out, kept) * norm_derivative(x, y, p, dims, kept);
                });
}

}  // namespace nabla
