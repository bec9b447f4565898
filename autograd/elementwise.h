// Differentiable elementwise ops on Variables: arithmetic with NumPy
// broadcasting (and with scalars), powers, extrema, unary math and the
// activation functions. Each has the same name and arguments as its Tensor
// kernel in tensor/elementwise.h; its backward rule sits under its forward in
// elementwise.cpp, and docs/ops.md lists every derivative.
//
// Derivatives at kinks (documented in docs/ops.md): relu'(0) = 0,
// abs'(0) = sign(0) = 0, leaky_relu'(0) = negative_slope, elu'(0) = 1 for
// alpha = 1, clamp passes the gradient on the closed interval [min, max],
// and maximum/minimum split the gradient equally between tied inputs.
#pragma once

#include "autograd/variable.h"

namespace nabla {

Variable add(const Variable& a, const Variable& b);
Variable add(const Variable& a, double s);
Variable add(double s, const Variable& b);
Variable sub(const Variable& a, const Variable& b);
Variable sub(const Variable& a, double s);
Variable sub(double s, const Variable& b);
Variable mul(const Variable& a, const Variable& b);
Variable mul(const Variable& a, double s);
Variable mul(double s, const Variable& b);
Variable div(const Variable& a, const Variable& b);
Variable div(const Variable& a, double s);
Variable div(double s, const Variable& b);
Variable pow(const Variable& a, const Variable& b);
Variable pow(const Variable& a, double s);
Variable pow(double s, const Variable& b);
Variable maximum(const Variable& a, const Variable& b);
Variable maximum(const Variable& a, double s);
Variable minimum(const Variable& a, const Variable& b);
Variable minimum(const Variable& a, double s);

Variable operator+(const Variable& a, const Variable& b);
Variable operator+(const Variable& a, double s);
Variable operator+(double s, const Variable& b);
Variable operator-(const Variable& a, const Variable& b);
Variable operator-(const Variable& a, double s);
Variable operator-(double s, const Variable& b);
Variable operator*(const Variable& a, const Variable& b);
Variable operator*(const Variable& a, double s);
Variable operator*(double s, const Variable& b);
Variable operator/(const Variable& a, const Variable& b);
Variable operator/(const Variable& a, double s);
Variable operator/(double s, const Variable& b);
Variable operator-(const Variable& x);

Variable neg(const Variable& x);
Variable abs(const Variable& x);
Variable sign(const Variable& x);
Variable square(const Variable& x);
Variable exp(const Variable& x);
Variable log(const Variable& x);
Variable log1p(const Variable& x);
Variable sqrt(const Variable& x);
Variable rsqrt(const Variable& x);
Variable reciprocal(const Variable& x);
Variable sin(const Variable& x);
Variable cos(const Variable& x);
Variable tanh(const Variable& x);
Variable sigmoid(const Variable& x);
Variable relu(const Variable& x);
Variable leaky_relu(const Variable& x, double negative_slope = 0.01);
Variable elu(const Variable& x, double alpha = 1.0);
Variable gelu(const Variable& x, bool tanh_approximation = false);
Variable softplus(const Variable& x, double beta = 1.0, double threshold = 20.0);
Variable clamp(const Variable& x, double min, double max);
Variable clamp_min(const Variable& x, double min);
Variable clamp_max(const Variable& x, double max);

}  // namespace nabla
