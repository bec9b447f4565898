// Differentiable elementwise ops on Variables: arithmetic with NumPy
// broadcasting (and with scalars), powers, extrema, unary math and the
// activation functions. Each has the same name and arguments as its Tensor
// kernel in tensor/elementwise.h, returns what that kernel returns and throws
// what it throws (naming the op and the offending shapes or values); its
// backward rule sits under its forward in elementwise.cpp, and docs/ops.md
// lists every derivative. A Tensor operand converts implicitly to a constant
// Variable, so `x * t` works and t receives no gradient. Comparisons (eq, lt,
// ...) are not differentiable and exist for Tensors only.
//
// Derivatives at kinks and ties (documented in docs/ops.md): relu'(0) = 0,
// abs'(0) = sign(0) = 0, sign' = 0 everywhere, leaky_relu'(0) =
// negative_slope, elu'(0) = alpha (the left-hand value; 1 for the default
// alpha = 1, where elu is smooth), clamp passes the gradient on the closed
// interval [min, max], and maximum/minimum split the gradient equally between
// tied inputs. Powers follow PyTorch at 0: d(a^b)/da = 0 where b == 0, and
// d(a^b)/db = 0 where a == 0 and b >= 0.
#pragma once

#include "autograd/variable.h"

namespace nabla {

// ---- Binary arithmetic (NumPy broadcasting; gradients are summed back to each
// input's shape) ---------------------------------------------------------------

/// Returns a + b, broadcast. Throws when the shapes do not broadcast.
Variable add(const Variable& a, const Variable& b);
/// Returns a + s.
Variable add(const Variable& a, double s);
/// Returns s + b.
Variable add(double s, const Variable& b);
/// Returns a - b, broadcast. Throws when the shapes do not broadcast.
Variable sub(const Variable& a, const Variable& b);
/// Returns a - s.
Variable sub(const Variable& a, double s);
/// Returns s - b.
Variable sub(double s, const Variable& b);
/// Returns a * b, broadcast. Throws when the shapes do not broadcast.
Variable mul(const Variable& a, const Variable& b);
/// Returns a * s.
Variable mul(const Variable& a, double s);
/// Returns s * b.
Variable mul(double s, const Variable& b);
/// Returns a / b, broadcast (true division). Throws when the shapes do not
/// broadcast or an i64 divisor holds 0.
Variable div(const Variable& a, const Variable& b);
/// Returns a / s. Throws for an i64 a and s == 0.
Variable div(const Variable& a, double s);
/// Returns s / b.
Variable div(double s, const Variable& b);
/// Returns a^b, broadcast. The gradient with respect to a is 0 where b == 0;
/// the one with respect to b is 0 where a == 0 and b >= 0 and NaN where a < 0.
Variable pow(const Variable& a, const Variable& b);
/// Returns a^s; for s == 0 the gradient is 0 everywhere.
Variable pow(const Variable& a, double s);
/// Returns s^b. For s == 0 the gradient is 0 where b >= 0; NaN for s < 0.
Variable pow(double s, const Variable& b);
/// Returns max(a, b) elementwise, broadcast; tied elements send half the
/// gradient to each input.
Variable maximum(const Variable& a, const Variable& b);
/// Returns max(a, s) elementwise, as maximum(a, b) with a rank-0 constant b
/// (ties with s pass half the gradient to a).
Variable maximum(const Variable& a, double s);
/// Returns min(a, b) elementwise, broadcast; tied elements send half the
/// gradient to each input.
Variable minimum(const Variable& a, const Variable& b);
/// Returns min(a, s) elementwise, as minimum(a, b) with a rank-0 constant b
/// (ties with s pass half the gradient to a).
Variable minimum(const Variable& a, double s);

// ---- Operators (the named functions above) -----------------------------------

/// Returns add(a, b).
Variable operator+(const Variable& a, const Variable& b);
/// Returns add(a, s).
Variable operator+(const Variable& a, double s);
/// Returns add(s, b).
Variable operator+(double s, const Variable& b);
/// Returns sub(a, b).
Variable operator-(const Variable& a, const Variable& b);
/// Returns sub(a, s).
Variable operator-(const Variable& a, double s);
/// Returns sub(s, b).
Variable operator-(double s, const Variable& b);
/// Returns mul(a, b).
Variable operator*(const Variable& a, const Variable& b);
/// Returns mul(a, s).
Variable operator*(const Variable& a, double s);
/// Returns mul(s, b).
Variable operator*(double s, const Variable& b);
/// Returns div(a, b).
Variable operator/(const Variable& a, const Variable& b);
/// Returns div(a, s).
Variable operator/(const Variable& a, double s);
/// Returns div(s, b).
Variable operator/(double s, const Variable& b);
/// Returns neg(x).
Variable operator-(const Variable& x);

// ---- Unary math --------------------------------------------------------------
// Those marked "floating" throw for an i64 x, like their kernels.

/// Returns -x.
Variable neg(const Variable& x);
/// Returns |x|; its gradient is sign(x), 0 at x = 0.
Variable abs(const Variable& x);
/// Returns -1, 0 or 1 by the sign of x; its gradient is 0 (the derivative is 0
/// almost everywhere, and 0 is used at the jump too).
Variable sign(const Variable& x);
/// Returns x^2.
Variable square(const Variable& x);
/// Returns e^x (floating).
Variable exp(const Variable& x);
/// Returns ln x (floating).
Variable log(const Variable& x);
/// Returns ln(1 + x) (floating).
Variable log1p(const Variable& x);
/// Returns sqrt(x) (floating).
Variable sqrt(const Variable& x);
/// Returns 1 / sqrt(x) (floating).
Variable rsqrt(const Variable& x);
/// Returns 1 / x (floating).
Variable reciprocal(const Variable& x);
/// Returns sin x (floating).
Variable sin(const Variable& x);
/// Returns cos x (floating).
Variable cos(const Variable& x);

// ---- Activations -------------------------------------------------------------

/// Returns tanh x (floating).
Variable tanh(const Variable& x);
/// Returns 1 / (1 + e^-x) (floating).
Variable sigmoid(const Variable& x);
/// Returns max(x, 0); the gradient passes where x > 0 only (relu'(0) = 0).
Variable relu(const Variable& x);
/// Returns x for x >= 0 and negative_slope * x otherwise (floating); its
/// derivative is 1 for x > 0 and negative_slope for x <= 0.
Variable leaky_relu(const Variable& x, double negative_slope = 0.01);
/// Returns x for x > 0 and alpha (e^x - 1) otherwise (floating); its
/// derivative is 1 for x > 0 and alpha e^x for x <= 0 (so alpha at 0).
Variable elu(const Variable& x, double alpha = 1.0);
/// Returns x Phi(x), or its tanh approximation on request (floating); the
/// gradient is the exact derivative of the form computed.
Variable gelu(const Variable& x, bool tanh_approximation = false);
/// Returns ln(1 + e^(beta x)) / beta, and x where beta x > threshold
/// (floating); the derivative is sigmoid(beta x), and 1 on the linear branch.
/// Throws for beta == 0 or a NaN beta/threshold.
Variable softplus(const Variable& x, double beta = 1.0, double threshold = 20.0);

// ---- Clamping (the gradient passes where min <= x <= max, bounds included) ---

/// Returns x limited to [min, max]. Throws when min > max or a bound is NaN.
Variable clamp(const Variable& x, double min, double max);
/// Returns max(x, min). Throws for a NaN min.
Variable clamp_min(const Variable& x, double min);
/// Returns min(x, max). Throws for a NaN max.
Variable clamp_max(const Variable& x, double max);

}  // namespace nabla
