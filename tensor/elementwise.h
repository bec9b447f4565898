// Elementwise kernels: binary arithmetic and comparisons with NumPy
// broadcasting (tensor-tensor, tensor-scalar, scalar-tensor), the arithmetic
// and ordering operators, unary math and activation functions, clamping, and
// the comparison helpers allclose/equal. In-place variants live on Tensor
// (tensor.h); reductions live in reduce.h.
//
// NOTE [ Elementwise dtypes ]
// - Two tensors compute in promote(a, b) (i64 < f32 < f64) and return it.
// - A tensor and a `double` scalar keep the tensor's dtype, except that an i64
//   tensor with a non-integral (or non-finite) scalar, or one beyond +-2^63,
//   gives f32 (i64 + 1e300 is inf in f32, as in PyTorch).
// - add, sub and mul on i64 wrap modulo 2^64 on overflow, as in PyTorch.
// - div is true division: a result from i64 operands is f32, as in PyTorch.
//   Dividing by an integer zero (an i64 divisor tensor holding 0, or an integral
//   scalar 0 dividing an i64 tensor) throws instead of giving inf.
// - pow on i64 base and exponent stays i64 (wrapping on overflow); a negative
//   integer exponent throws.
// - Comparisons return 1 and 0 in the dtype the operands compute in, since nabla
//   has no bool dtype; they can be used directly as masks in mul.
// - Math that is only defined on reals (exp, log, tanh, ...) throws on i64;
//   abs, neg, sign, square, relu, clamp, maximum and minimum accept i64.
// - Out-of-domain inputs follow IEEE 754 as PyTorch does: log(-1) is NaN,
//   log(0) is -inf, 1/0 is inf in floating dtypes.
#pragma once

#include "tensor/tensor.h"

namespace nabla {

// ---- Binary arithmetic ------------------------------------------------------
// Each throws "op: undefined tensor" for an undefined operand and "op: shapes
// [..] and [..] cannot be broadcast" for incompatible shapes.

/// Returns a + b, broadcast.
Tensor add(const Tensor& a, const Tensor& b);
/// Returns a + s.
Tensor add(const Tensor& a, double s);
/// Returns s + b.
Tensor add(double s, const Tensor& b);
/// Returns a - b, broadcast.
Tensor sub(const Tensor& a, const Tensor& b);
/// Returns a - s.
Tensor sub(const Tensor& a, double s);
/// Returns s - b.
Tensor sub(double s, const Tensor& b);
/// Returns a * b, broadcast.
Tensor mul(const Tensor& a, const Tensor& b);
/// Returns a * s.
Tensor mul(const Tensor& a, double s);
/// Returns s * b.
Tensor mul(double s, const Tensor& b);
/// Returns a / b (true division; f32 for two i64 operands). Throws when an i64
/// divisor holds 0.
Tensor div(const Tensor& a, const Tensor& b);
/// Returns a / s; f32 for an i64 tensor. Throws for an i64 tensor and s == 0.
Tensor div(const Tensor& a, double s);
/// Returns s / b; f32 for an i64 tensor. Throws when s is integral and an i64 b holds 0.
Tensor div(double s, const Tensor& b);
/// Returns a ** b, broadcast. Throws for i64 operands with a negative exponent.
Tensor pow(const Tensor& a, const Tensor& b);
/// Returns a ** s. Throws for an i64 tensor and a negative integral s.
Tensor pow(const Tensor& a, double s);
/// Returns s ** b. Throws for an integral s and an i64 b holding a negative value.
Tensor pow(double s, const Tensor& b);
/// Returns the elementwise maximum, broadcast; NaN wins in floating dtypes.
Tensor maximum(const Tensor& a, const Tensor& b);
/// Returns max(a, s) elementwise; NaN in a propagates.
Tensor maximum(const Tensor& a, double s);
/// Returns the elementwise minimum, broadcast; NaN wins in floating dtypes.
Tensor minimum(const Tensor& a, const Tensor& b);
/// Returns min(a, s) elementwise; NaN in a propagates.
Tensor minimum(const Tensor& a, double s);

// ---- Comparisons (1 where true, 0 where false; see NOTE above) --------------

/// Returns a == b as 1/0 in the promoted dtype, broadcast.
Tensor eq(const Tensor& a, const Tensor& b);
/// Returns a == s as 1/0.
Tensor eq(const Tensor& a, double s);
/// Returns a != b as 1/0 in the promoted dtype, broadcast.
Tensor ne(const Tensor& a, const Tensor& b);
/// Returns a != s as 1/0.
Tensor ne(const Tensor& a, double s);
/// Returns a < b as 1/0 in the promoted dtype, broadcast.
Tensor lt(const Tensor& a, const Tensor& b);
/// Returns a < s as 1/0.
Tensor lt(const Tensor& a, double s);
/// Returns a <= b as 1/0 in the promoted dtype, broadcast.
Tensor le(const Tensor& a, const Tensor& b);
/// Returns a <= s as 1/0.
Tensor le(const Tensor& a, double s);
/// Returns a > b as 1/0 in the promoted dtype, broadcast.
Tensor gt(const Tensor& a, const Tensor& b);
/// Returns a > s as 1/0.
Tensor gt(const Tensor& a, double s);
/// Returns a >= b as 1/0 in the promoted dtype, broadcast.
Tensor ge(const Tensor& a, const Tensor& b);
/// Returns a >= s as 1/0.
Tensor ge(const Tensor& a, double s);

// ---- Operators (same results and errors as the named functions) ------------
// == and != are deliberately absent: they would read as "same tensor" yet
// return a tensor; use eq/ne or equal().

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, double s);
Tensor operator+(double s, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, double s);
Tensor operator-(double s, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, double s);
Tensor operator*(double s, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, double s);
Tensor operator/(double s, const Tensor& b);
/// Returns -a.
Tensor operator-(const Tensor& a);
Tensor operator<(const Tensor& a, const Tensor& b);
Tensor operator<(const Tensor& a, double s);
Tensor operator<=(const Tensor& a, const Tensor& b);
Tensor operator<=(const Tensor& a, double s);
Tensor operator>(const Tensor& a, const Tensor& b);
Tensor operator>(const Tensor& a, double s);
Tensor operator>=(const Tensor& a, const Tensor& b);
Tensor operator>=(const Tensor& a, double s);

// ---- Unary ------------------------------------------------------------------
// Each returns a new contiguous tensor of x's shape and dtype and throws
// "op: undefined tensor" for an undefined x. Those marked "floating" throw
// "op: expected a floating dtype (f32 or f64), got i64" for an i64 x.

/// Returns -x (any dtype; i64 wraps).
Tensor neg(const Tensor& x);
/// Returns |x| (any dtype).
Tensor abs(const Tensor& x);
/// Returns -1, 0 or 1 by the sign of x (any dtype; NaN stays NaN).
Tensor sign(const Tensor& x);
/// Returns x * x (any dtype).
Tensor square(const Tensor& x);
/// Returns max(x, 0) (any dtype; NaN stays NaN).
Tensor relu(const Tensor& x);
/// Returns relu's backward given grad_out = dL/dy and the output y = relu(x):
/// grad_out where y > 0, else 0 (relu'(0) = 0), with the two broadcast and the
/// dtype of where(gt(y, 0), grad_out, 0). Throws for an undefined tensor and
/// shapes that do not broadcast.
Tensor relu_backward(const Tensor& grad_out, const Tensor& y);
/// Returns tanh's backward given grad_out = dL/dy and the output y = tanh(x):
/// grad_out * (1 - y^2), in one pass when the two have one shape and dtype.
Tensor tanh_backward(const Tensor& grad_out, const Tensor& y);
/// Returns sigmoid's backward given grad_out = dL/dy and y = sigmoid(x):
/// grad_out * y * (1 - y), in one pass when the two have one shape and dtype.
Tensor sigmoid_backward(const Tensor& grad_out, const Tensor& y);
/// Returns e^x (floating).
Tensor exp(const Tensor& x);
/// Returns ln x (floating; NaN below 0, -inf at 0).
Tensor log(const Tensor& x);
/// Returns ln(1 + x), accurate for small x (floating).
Tensor log1p(const Tensor& x);
/// Returns sqrt(x) (floating; NaN below 0).
Tensor sqrt(const Tensor& x);
/// Returns 1 / sqrt(x) (floating).
Tensor rsqrt(const Tensor& x);
/// Returns 1 / x (floating).
Tensor reciprocal(const Tensor& x);
/// Returns tanh(x) (floating).
Tensor tanh(const Tensor& x);
/// Returns 1 / (1 + e^-x), computed without overflow for any x (floating).
Tensor sigmoid(const Tensor& x);
/// Returns x for x >= 0, negative_slope * x otherwise (floating).
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);
/// Returns x for x > 0, alpha * (e^x - 1) otherwise (floating).
Tensor elu(const Tensor& x, double alpha = 1.0);
/// Returns x * Phi(x) = x/2 * (1 + erf(x / sqrt 2)), or with tanh_approximation
/// x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))) (floating).
Tensor gelu(const Tensor& x, bool tanh_approximation = false);
/// Returns ln(1 + e^(beta x)) / beta, and x itself where beta x > threshold
/// (floating). Throws for beta == 0 or a NaN beta/threshold.
Tensor softplus(const Tensor& x, double beta = 1.0, double threshold = 20.0);
/// Returns sin(x) (floating).
Tensor sin(const Tensor& x);
/// Returns cos(x) (floating).
Tensor cos(const Tensor& x);

/// Returns x limited to [min, max] (any dtype; f32 for an i64 x with a
/// non-integral bound; NaN in x stays NaN). Throws when min > max or a bound is NaN.
Tensor clamp(const Tensor& x, double min, double max);
/// Returns max(x, min), as clamp without an upper bound. Throws for a NaN min.
Tensor clamp_min(const Tensor& x, double min);
/// Returns min(x, max), as clamp without a lower bound. Throws for a NaN max.
Tensor clamp_max(const Tensor& x, double max);

// ---- Whole-tensor comparisons -----------------------------------------------

/// Returns true when |a - b| <= atol + rtol * |b| for every element of the
/// broadcast pair (compared in f64; equal infinities are close, NaN is never
/// close). The defaults are NumPy's, the same for every dtype: rtol 1e-5 and
/// atol 1e-8. Throws for undefined tensors, incompatible shapes or a negative
/// rtol/atol. Tests get tolerances chosen by dtype, and a report of where the
/// tensors differ, from EXPECT_TENSOR_NEAR (testing/assertions.h).
bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8);

/// Returns true when a and b have the same shape and every element compares
/// equal after promotion (the dtypes may differ; NaN is never equal). Throws
/// for an undefined tensor.
bool equal(const Tensor& a, const Tensor& b);

}  // namespace nabla
