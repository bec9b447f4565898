// Forward and backward of every elementwise op. Each rule returns gradients in
// the output's broadcast shape; the engine sums them to the inputs' shapes.
// Piecewise rules select with masks from the comparison kernels (gt(x, 0.0) is
// 1 where x > 0, else 0) through where(), so an inf or NaN in the branch not
// taken never leaks into the gradient.
#include "autograd/elementwise.h"

#include <cmath>
#include <limits>
#include <numbers>

#include "autograd/record.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/index.h"

namespace nabla {

namespace {

// x + s, s + x and x - s share one node: the local derivative is 1 in each.
Variable record_add_scalar(const Tensor& y, const Variable& x) {
  // d(x + s)/dx = 1
  return record("AddScalarBackward", y, {x}, [](const Tensor& grad_out) { return grad_out; });
}

// x * s and s * x share one node.
Variable record_mul_scalar(const Tensor& y, const Variable& x, double s) {
  // d(x s)/dx = s
  return record("MulScalarBackward", y, {x}, [s](const Tensor& grad_out) { return grad_out * s; });
}

// clamp, clamp_min and clamp_max share one node; a missing bound is infinite.
Variable record_clamp(const Tensor& y, const Variable& x, double min, double max) {
  // d clamp(x, min, max)/dx = 1 for min <= x <= max (bounds included), 0 outside
  return record("ClampBackward", y, {x}, save(x.value()),
                [min, max](const Tensor& grad_out, const Tensor& x) {
                  return where(ge(x, min) * le(x, max), grad_out, 0.0);
                });
}

// dy/dx of y = gelu(x) = x Phi(x): Phi(x) + x phi(x), phi(x) = e^(-x^2/2) / sqrt(2 pi).
// nabla has no erf kernel, so Phi(x) is read off the output as y / x (Phi = 1/2 to
// working precision for |x| < 1e-20, which covers x = 0).
Tensor gelu_derivative(const Tensor& x, const Tensor& y) {
  constexpr double inv_sqrt_2pi = 0.5 * std::numbers::sqrt2 * std::numbers::inv_sqrtpi;
  const Tensor cdf = where(lt(abs(x), 1e-20), 0.5, y / x);
  const Tensor pdf = inv_sqrt_2pi * exp(-0.5 * x * x);
  return cdf + x * pdf;
}

// dy/dx of the tanh form y = x/2 (1 + t), t = tanh(u), u = k (x + c x^3),
// k = sqrt(2/pi), c = 0.044715: dy/dx = (1 + t)/2 + x/2 (1 - t^2) k (1 + 3c x^2).
Tensor gelu_tanh_derivative(const Tensor& x) {
  constexpr double k = std::numbers::sqrt2 * std::numbers::inv_sqrtpi;
  constexpr double c = 0.044715;
  const Tensor x2 = x * x;
  const Tensor t = tanh(k * x * (1.0 + c * x2));
  const Tensor du_dx = k * (1.0 + 3.0 * c * x2);
  return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du_dx;
}

}  // namespace

// ---- Binary arithmetic ------------------------------------------------------

Variable add(const Variable& a, const Variable& b) {
  Tensor y = add(a.value(), b.value());
  // d(a + b)/da = 1, d(a + b)/db = 1
  return record("AddBackward", y, {a, b}, [](const Tensor& grad_out) -> GradList {
    return {grad_out, grad_out};
  });
}

Variable add(const Variable& a, double s) {
  return record_add_scalar(add(a.value(), s), a);
}

Variable add(double s, const Variable& b) {
  return record_add_scalar(add(s, b.value()), b);
}

Variable sub(const Variable& a, const Variable& b) {
  Tensor y = sub(a.value(), b.value());
  // d(a - b)/da = 1, d(a - b)/db = -1
  return record("SubBackward", y, {a, b}, [](const Tensor& grad_out, NeedsGrad needs) -> GradList {
    return {grad_out, needs[1] ? -grad_out : Tensor()};
  });
}

Variable sub(const Variable& a, double s) {
  return record_add_scalar(sub(a.value(), s), a);
}

Variable sub(double s, const Variable& b) {
  Tensor y = sub(s, b.value());
  // d(s - b)/db = -1
  return record("ScalarSubBackward", y, {b}, [](const Tensor& grad_out) { return -grad_out; });
}

Variable mul(const Variable& a, const Variable& b) {
  Tensor y = mul(a.value(), b.value());
  // d(a b)/da = b, d(a b)/db = a
  return record(
      "MulBackward", y, {a, b}, save(a.value(), b.value()),
      [](const Tensor& grad_out, NeedsGrad needs, const Tensor& a, const Tensor& b) -> GradList {
        return {needs[0] ? grad_out * b : Tensor(), needs[1] ? grad_out * a : Tensor()};
      });
}

Variable mul(const Variable& a, double s) {
  return record_mul_scalar(mul(a.value(), s), a, s);
}

Variable mul(double s, const Variable& b) {
  return record_mul_scalar(mul(s, b.value()), b, s);
}

Variable div(const Variable& a, const Variable& b) {
  Tensor y = div(a.value(), b.value());
  // d(a / b)/da = 1 / b, d(a / b)/db = -a / b^2
  return record(
      "DivBackward", y, {a, b}, save(a.value(), b.value()),
      [](const Tensor& grad_out, NeedsGrad needs, const Tensor& a, const Tensor& b) -> GradList {
        return {needs[0] ? grad_out / b : Tensor(), needs[1] ? -grad_out * a / (b * b) : Tensor()};
      });
}

Variable div(const Variable& a, double s) {
  Tensor y = div(a.value(), s);
  // d(a / s)/da = 1 / s
  return record("DivScalarBackward", y, {a}, [s](const Tensor& grad_out) { return grad_out / s; });
}

Variable div(double s, const Variable& b) {
  Tensor y = div(s, b.value());
  // d(s / b)/db = -s / b^2 = -y / b
  return record(
      "ScalarDivBackward", y, {b}, save(b.value(), y),
      [](const Tensor& grad_out, const Tensor& b, const Tensor& y) { return -grad_out * y / b; });
}

// ---- Powers -----------------------------------------------------------------

Variable pow(const Variable& a, const Variable& b) {
  Tensor y = pow(a.value(), b.value());
  // d(a^b)/da = b a^(b-1), d(a^b)/db = a^b ln a = y ln a
  // As in PyTorch: d/da = 0 where b == 0 (a^0 is constant, even at a = 0), and
  // d/db = 0 where a == 0 and b >= 0 (the one-sided limit; ln 0 = -inf would
  // give 0 * -inf = NaN). For a < 0, ln a is NaN and so is d/db.
  return record("PowBackward", y, {a, b}, save(a.value(), b.value(), y),
                [](const Tensor& grad_out, NeedsGrad needs, const Tensor& a, const Tensor& b,
                   const Tensor& y) -> GradList {
                  Tensor grad_a, grad_b;
                  if (needs[0]) grad_a = where(eq(b, 0.0), 0.0, grad_out * b * pow(a, b - 1.0));
                  if (needs[1]) grad_b = where(eq(a, 0.0) * ge(b, 0.0), 0.0, grad_out * y * log(a));
                  return {grad_a, grad_b};
                });
}

Variable pow(const Variable& a, double s) {
  Tensor y = pow(a.value(), s);
  // d(a^s)/da = s a^(s-1); for s == 0, a^0 = 1 is constant and the gradient is 0
  // (also at a = 0, where s a^(s-1) would be 0 * inf), as in PyTorch.
  return record("PowScalarBackward", y, {a}, save(a.value()),
                [s](const Tensor& grad_out, const Tensor& a) {
                  if (s == 0.0) return zeros_like(grad_out);
                  return grad_out * s * pow(a, s - 1.0);
                });
}

Variable pow(double s, const Variable& b) {
  Tensor y = pow(s, b.value());
  // d(s^b)/db = s^b ln s = y ln s. For s == 0 the gradient is 0 where b >= 0
  // (as for PowBackward); for s < 0, ln s is NaN.
  const double ln_s = std::log(s);
  return record("ScalarPowBackward", y, {b}, save(b.value(), y),
                [s, ln_s](const Tensor& grad_out, const Tensor& b, const Tensor& y) {
                  Tensor grad_b = grad_out * y * ln_s;
                  return s == 0.0 ? where(ge(b, 0.0), 0.0, grad_b) : grad_b;
                });
}

// ---- Extrema ----------------------------------------------------------------

Variable maximum(const Variable& a, const Variable& b) {
  Tensor y = maximum(a.value(), b.value());
  // d max(a, b)/da = 1 where a > b, 1/2 where a == b, 0 where a < b; b symmetric
  return record(
      "MaximumBackward", y, {a, b}, save(a.value(), b.value()),
      [](const Tensor& grad_out, NeedsGrad needs, const Tensor& a, const Tensor& b) -> GradList {
        const Tensor tie = 0.5 * eq(a, b);
        return {needs[0] ? grad_out * (gt(a, b) + tie) : Tensor(),
                needs[1] ? grad_out * (lt(a, b) + tie) : Tensor()};
      });
}

Variable maximum(const Variable& a, double s) {
  // i64 never needs a gradient; its kernel keeps the scalar dtype rule (f32 for 0.5).
  if (!is_floating(a.dtype())) return Variable(maximum(a.value(), s));
  // A rank-0 constant of a's dtype, so ties with s split as in maximum(a, b).
  return maximum(a, Variable(full({}, s, a.dtype())));
}

Variable minimum(const Variable& a, const Variable& b) {
  Tensor y = minimum(a.value(), b.value());
  // d min(a, b)/da = 1 where a < b, 1/2 where a == b, 0 where a > b; b symmetric
  return record(
      "MinimumBackward", y, {a, b}, save(a.value(), b.value()),
      [](const Tensor& grad_out, NeedsGrad needs, const Tensor& a, const Tensor& b) -> GradList {
        const Tensor tie = 0.5 * eq(a, b);
        return {needs[0] ? grad_out * (lt(a, b) + tie) : Tensor(),
                needs[1] ? grad_out * (gt(a, b) + tie) : Tensor()};
      });
}

Variable minimum(const Variable& a, double s) {
  if (!is_floating(a.dtype())) return Variable(minimum(a.value(), s));
  return minimum(a, Variable(full({}, s, a.dtype())));
}

// ---- Operators --------------------------------------------------------------

Variable operator+(const Variable& a, const Variable& b) {
  return add(a, b);
}
Variable operator+(const Variable& a, double s) {
  return add(a, s);
}
Variable operator+(double s, const Variable& b) {
  return add(s, b);
}
Variable operator-(const Variable& a, const Variable& b) {
  return sub(a, b);
}
Variable operator-(const Variable& a, double s) {
  return sub(a, s);
}
Variable operator-(double s, const Variable& b) {
  return sub(s, b);
}
Variable operator*(const Variable& a, const Variable& b) {
  return mul(a, b);
}
Variable operator*(const Variable& a, double s) {
  return mul(a, s);
}
Variable operator*(double s, const Variable& b) {
  return mul(s, b);
}
Variable operator/(const Variable& a, const Variable& b) {
  return div(a, b);
}
Variable operator/(const Variable& a, double s) {
  return div(a, s);
}
Variable operator/(double s, const Variable& b) {
  return div(s, b);
}
Variable operator-(const Variable& x) {
  return neg(x);
}

// ---- Unary math -------------------------------------------------------------

Variable neg(const Variable& x) {
  Tensor y = neg(x.value());
  // d(-x)/dx = -1
  return record("NegBackward", y, {x}, [](const Tensor& grad_out) { return -grad_out; });
}

Variable abs(const Variable& x) {
  Tensor y = abs(x.value());
  // d|x|/dx = sign(x), so abs'(0) = sign(0) = 0
  return record("AbsBackward", y, {x}, save(x.value()),
                [](const Tensor& grad_out, const Tensor& x) { return grad_out * sign(x); });
}

Variable sign(const Variable& x) {
  Tensor y = sign(x.value());
  // d sign(x)/dx = 0 almost everywhere (the jump at 0 has no derivative; 0 is used there too)
  return record("SignBackward", y, {x},
                [](const Tensor& grad_out) { return zeros_like(grad_out); });
}

Variable square(const Variable& x) {
  Tensor y = square(x.value());
  // d x^2/dx = 2x
  return record("SquareBackward", y, {x}, save(x.value()),
                [](const Tensor& grad_out, const Tensor& x) { return grad_out * 2.0 * x; });
}

Variable exp(const Variable& x) {
  Tensor y = exp(x.value());
  // d e^x/dx = e^x = y
  return record("ExpBackward", y, {x}, save(y),
                [](const Tensor& grad_out, const Tensor& y) { return grad_out * y; });
}

Variable log(const Variable& x) {
  Tensor y = log(x.value());
  // d ln x/dx = 1 / x
  return record("LogBackward", y, {x}, save(x.value()),
                [](const Tensor& grad_out, const Tensor& x) { return grad_out / x; });
}

Variable log1p(const Variable& x) {
  Tensor y = log1p(x.value());
  // d ln(1 + x)/dx = 1 / (1 + x)
  return record("Log1pBackward", y, {x}, save(x.value()),
                [](const Tensor& grad_out, const Tensor& x) { return grad_out / (1.0 + x); });
}

Variable sqrt(const Variable& x) {
  Tensor y = sqrt(x.value());
  // d sqrt(x)/dx = 1 / (2 sqrt(x)) = 1 / (2y)
  return record("SqrtBackward", y, {x}, save(y),
                [](const Tensor& grad_out, const Tensor& y) { return grad_out / (2.0 * y); });
}

Variable rsqrt(const Variable& x) {
  Tensor y = rsqrt(x.value());
  // d x^(-1/2)/dx = -1/2 x^(-3/2) = -y^3 / 2
  return record("RsqrtBackward", y, {x}, save(y), [](const Tensor& grad_out, const Tensor& y) {
    return grad_out * (-0.5) * y * y * y;
  });
}

Variable reciprocal(const Variable& x) {
  Tensor y = reciprocal(x.value());
  // d(1/x)/dx = -1 / x^2 = -y^2
  return record("ReciprocalBackward", y, {x}, save(y),
                [](const Tensor& grad_out, const Tensor& y) { return -grad_out * y * y; });
}

Variable sin(const Variable& x) {
  Tensor y = sin(x.value());
  // d sin(x)/dx = cos(x)
  return record("SinBackward", y, {x}, save(x.value()),
                [](const Tensor& grad_out, const Tensor& x) { return grad_out * cos(x); });
}

Variable cos(const Variable& x) {
  Tensor y = cos(x.value());
  // d cos(x)/dx = -sin(x)
  return record("CosBackward", y, {x}, save(x.value()),
                [](const Tensor& grad_out, const Tensor& x) { return -grad_out * sin(x); });
}

// ---- Activations ------------------------------------------------------------

Variable tanh(const Variable& x) {
  Tensor y = tanh(x.value());
  // d tanh(x)/dx = 1 - tanh(x)^2 = 1 - y^2
  return record("TanhBackward", y, {x}, save(y), [](const Tensor& grad_out, const Tensor& y) {
    return tanh_backward(grad_out, y);  // grad_out * (1 - y * y)
  });
}

Variable sigmoid(const Variable& x) {
  Tensor y = sigmoid(x.value());
  // d sigmoid(x)/dx = sigmoid(x) (1 - sigmoid(x)) = y (1 - y)
  return record("SigmoidBackward", y, {x}, save(y), [](const Tensor& grad_out, const Tensor& y) {
    return sigmoid_backward(grad_out, y);  // grad_out * y * (1 - y)
  });
}

Variable relu(const Variable& x) {
  Tensor y = relu(x.value());
  // d relu(x)/dx = 1 where x > 0 (i.e. y > 0), else 0; relu'(0) = 0
  return record("ReluBackward", y, {x}, save(y),
                [](const Tensor& grad_out, const Tensor& y) { return relu_backward(grad_out, y); });
}

Variable leaky_relu(const Variable& x, double negative_slope) {
  Tensor y = leaky_relu(x.value(), negative_slope);
  // d leaky_relu(x)/dx = 1 where x > 0, else s; leaky_relu'(0) = s
  return record("LeakyReluBackward", y, {x}, save(x.value()),
                [negative_slope](const Tensor& grad_out, const Tensor& x) {
                  return where(gt(x, 0.0), grad_out, grad_out * negative_slope);
                });
}

Variable elu(const Variable& x, double alpha) {
  Tensor y = elu(x.value(), alpha);
  // d elu(x)/dx = 1 where x > 0, else alpha e^x = y + alpha; elu'(0) = alpha
  return record("EluBackward", y, {x}, save(x.value(), y),
                [alpha](const Tensor& grad_out, const Tensor& x, const Tensor& y) {
                  return where(gt(x, 0.0), grad_out, grad_out * (y + alpha));
                });
}

Variable gelu(const Variable& x, bool tanh_approximation) {
  Tensor y = gelu(x.value(), tanh_approximation);
  // y = x Phi(x): dy/dx = Phi(x) + x phi(x); the tanh form: see gelu_tanh_derivative
  return record("GeluBackward", y, {x}, save(x.value(), y),
                [tanh_approximation](const Tensor& grad_out, const Tensor& x, const Tensor& y) {
                  return grad_out *
                         (tanh_approximation ? gelu_tanh_derivative(x) : gelu_derivative(x, y));
                });
}

Variable softplus(const Variable& x, double beta, double threshold) {
  Tensor y = softplus(x.value(), beta, threshold);
  // d/dx [ln(1 + e^(beta x)) / beta] = sigmoid(beta x); 1 where beta x > threshold,
  // where the forward returns x itself
  return record("SoftplusBackward", y, {x}, save(x.value()),
                [beta, threshold](const Tensor& grad_out, const Tensor& x) {
                  const Tensor bx = x * beta;
                  return where(gt(bx, threshold), grad_out, grad_out * sigmoid(bx));
                });
}

// ---- Clamping ---------------------------------------------------------------

Variable clamp(const Variable& x, double min, double max) {
  return record_clamp(clamp(x.value(), min, max), x, min, max);
}

Variable clamp_min(const Variable& x, double min) {
  return record_clamp(clamp_min(x.value(), min), x, min, std::numeric_limits<double>::infinity());
}

Variable clamp_max(const Variable& x, double max) {
  return record_clamp(clamp_max(x.value(), max), x, -std::numeric_limits<double>::infinity(), max);
}

}  // namespace nabla
