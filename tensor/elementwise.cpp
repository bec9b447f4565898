// Elementwise kernels. Every op reduces to one of three drivers: unary (x),
// binary (a, b broadcast) and scalar (x, s). Each driver picks the element
// type once with dispatch() and runs a plain loop over contiguous operands
// of equal shape (so the compiler vectorises it and a 1-element op costs
// little more than the output allocation); anything else goes through
// detail::map_into, which handles broadcasting and strided views.
//
// Element functors are templates on the element type T and compute in T, so
// the f32 path never widens to double. See NOTE [ Elementwise dtypes ] in
// elementwise.h for the dtype rules implemented here.
#include "tensor/elementwise.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "tensor/dispatch.h"
#include "tensor/factory.h"
#include "tensor/index.h"
#include "tensor/iterate.h"
#include "tensor/parallel.h"
#include "tensor/vec_math.h"
#include "tensor/wrapping.h"

namespace nabla {
namespace {

using detail::exp_t;

using std::int64_t;

template <class T>
constexpr bool kIsInt = std::is_integral_v<T>;

// Signed overflow is undefined behaviour; i64 arithmetic wraps like PyTorch's
// by going through uint64_t.
inline int64_t wrap(std::uint64_t v) {
  return static_cast<int64_t>(v);
}
inline std::uint64_t u(int64_t v) {
  return static_cast<std::uint64_t>(v);
}

// ---- Drivers ----------------------------------------------------------------

// out[i] = f(x[i]); out is a fresh contiguous tensor of x's shape.
template <class R, class T, class F>
void apply_unary(const Tensor& out, const Tensor& x, F f) {
  if (x.is_contiguous()) {
    R* o = static_cast<R*>(out.raw_data());
    const T* p = static_cast<const T*>(x.raw_data());
    parallel_for(0, out.numel(), kParallelGrain, [&](int64_t b, int64_t e) {
      detail::row_fast<0u>(f, o + b, std::tuple{p + b}, e - b, std::make_index_sequence<1>{});
    });
  } else {
    detail::map_into<R, T>(out, f, x);
  }
}

// out[i] = f(a[i], b[i]) with a and b broadcast to out's shape.
template <class R, class T, class F>
void apply_binary(const Tensor& out, const Tensor& a, const Tensor& b, F f) {
  if (a.shape() == out.shape() && b.shape() == out.shape() && a.is_contiguous() &&
      b.is_contiguous()) {
    R* o = static_cast<R*>(out.raw_data());
    const T* p = static_cast<const T*>(a.raw_data());
    const T* q = static_cast<const T*>(b.raw_data());
    parallel_for(0, out.numel(), kParallelGrain, [&](int64_t lo, int64_t hi) {
      detail::row_fast<0u>(f, o + lo, std::tuple{p + lo, q + lo}, hi - lo,
                           std::make_index_sequence<2>{});
    });
  } else {
    detail::map_into<R, T, T>(out, f, a, b);
  }
}

// Holds `t` converted to `dtype` without touching the reference count when no
// conversion is needed (this is on the 1-element hot path).
class Converted {
 public:
  Converted(const Tensor& t, DType dtype) : ref_(t) {
    if (t.dtype() != dtype) {
      copy_ = t.to(dtype);
      ref_ = std::cref(copy_);
    }
  }
  Converted(const Converted&) = delete;
  Converted& operator=(const Converted&) = delete;
  const Tensor& get() const { return ref_.get(); }

 private:
  Tensor copy_;
  std::reference_wrapper<const Tensor> ref_;
};

Shape result_shape(const Tensor& a, const Tensor& b, std::string_view op) {
  check_defined(a, op);
  check_defined(b, op);
  if (a.shape() == b.shape()) return a.shape();
  return broadcast_shapes(a.shape(), b.shape(), op);
}

// Tensor-tensor op computing and returning `dtype`; f is a functor template
// called as f(T, T) -> T.
template <class F>
Tensor binary(const Tensor& a, const Tensor& b, DType dtype, const Shape& shape, F f) {
  const Converted ca(a, dtype);
  const Converted cb(b, dtype);
  Tensor out(shape, dtype);
  dispatch(dtype, [&]<class T>() { apply_binary<T, T>(out, ca.get(), cb.get(), f); });
  return out;
}

template <class F>
Tensor binary(const Tensor& a, const Tensor& b, std::string_view op, F f) {
  // Same shape and dtype (most calls, and all of a tiny op's cost): no
  // broadcast shape to build and nothing to convert.
  if (a.defined() && b.defined() && a.dtype() == b.dtype() && a.shape() == b.shape()) {
    Tensor out(a.shape(), a.dtype());
    dispatch(a.dtype(), [&]<class T>() { apply_binary<T, T>(out, a, b, f); });
    return out;
  }
  const Shape shape = result_shape(a, b, op);
  return binary(a, b, promote(a.dtype(), b.dtype()), shape, f);
}

bool is_integral(double s) {
  return std::isfinite(s) && std::trunc(s) == s;
}

// The dtype of a tensor-scalar op: the tensor's, or f32 for an i64 tensor
// with a scalar that is not an int64 (fractional, or beyond +-2^63, whose
// conversion would be undefined; PyTorch computes such a float in f32 too).
DType scalar_dtype(DType t, double s) {
  return t == DType::i64 && !(is_integral(s) && fits_int64(s)) ? DType::f32 : t;
}

// Tensor-scalar op in `dtype`; f(T x, T s) -> T. With scalar_first the
// functor is called as f(s, x).
template <bool kScalarFirst = false, class F>
Tensor scalar_op(const Tensor& x, double s, DType dtype, F f) {
  const Converted cx(x, dtype);
  Tensor out(x.shape(), dtype);
  dispatch(dtype, [&]<class T>() {
    const T v = static_cast<T>(s);
    if constexpr (kScalarFirst) {
      apply_unary<T, T>(out, cx.get(), [v, &f](T e) { return f(v, e); });
    } else {
      apply_unary<T, T>(out, cx.get(), [v, &f](T e) { return f(e, v); });
    }
  });
  return out;
}

template <bool kScalarFirst = false, class F>
Tensor scalar_op(const Tensor& x, double s, std::string_view op, F f) {
  check_defined(x, op);
  return scalar_op<kScalarFirst>(x, s, scalar_dtype(x.dtype(), s), f);
}

// Unary op in x's dtype for any dtype; f(T) -> T.
template <class F>
Tensor unary_any(const Tensor& x, std::string_view op, F f) {
  check_defined(x, op);
  Tensor out(x.shape(), x.dtype());
  dispatch(x.dtype(), [&]<class T>() { apply_unary<T, T>(out, x, [&f](T e) { return f(e); }); });
  return out;
}

// Unary op for f32/f64 only; f(T) -> T.
template <class F>
Tensor unary_floating(const Tensor& x, std::string_view op, F f) {
  check_defined(x, op);
  return dispatch_floating(x.dtype(), op, [&]<class T>() {
    Tensor out(x.shape(), x.dtype());
    apply_unary<T, T>(out, x, [&f](T e) { return f(e); });
    return out;
  });
}

// Elements of an i64 tensor satisfying `pred`, without materialising a copy.
template <class Pred>
bool any_i64(const Tensor& t, Pred pred) {
  const Tensor c = t.contiguous();
  const int64_t* p = static_cast<const int64_t*>(c.raw_data());
  for (int64_t i = 0; i < c.numel(); ++i)
    if (pred(p[i])) return true;
  return false;
}

// ---- Element functors ---------------------------------------------------------

struct AddFn {
  template <class T>
  T operator()(T x, T y) const {
    return detail::wrapping_add(x, y);
  }
};
struct SubFn {
  template <class T>
  T operator()(T x, T y) const {
    return detail::wrapping_sub(x, y);
  }
};
struct MulFn {
  template <class T>
  T operator()(T x, T y) const {
    return detail::wrapping_mul(x, y);
  }
};
struct DivFn {
  template <class T>
  T operator()(T x, T y) const {
    return x / y;  // only instantiated for floating T
  }
};
// Integer power by squaring; the caller has rejected negative exponents.
inline int64_t ipow(int64_t base, int64_t e) {
  std::uint64_t r = 1;
  std::uint64_t b = u(base);
  while (e > 0) {
    if (e & 1) r *= b;
    b *= b;
    e >>= 1;
  }
  return wrap(r);
}
struct PowFn {
  template <class T>
  T operator()(T x, T y) const {
    if constexpr (kIsInt<T>)
      return ipow(x, y);
    else
      return std::pow(x, y);
  }
};
struct MaxFn {
  template <class T>
  T operator()(T x, T y) const {
    if constexpr (!kIsInt<T>)
      if (std::isnan(x)) return x;
    return x > y ? x : y;  // y wins when y is NaN
  }
};
struct MinFn {
  template <class T>
  T operator()(T x, T y) const {
    if constexpr (!kIsInt<T>)
      if (std::isnan(x)) return x;
    return x < y ? x : y;
  }
};

// Comparisons write 1 or 0 in T.
#define NABLA_COMPARE_FN(Name, expr) \
  struct Name {                      \
    template <class T>               \
    T operator()(T x, T y) const {   \
      return (expr) ? T(1) : T(0);   \
    }                                \
  };
NABLA_COMPARE_FN(EqFn, x == y)
NABLA_COMPARE_FN(NeFn, x != y)
NABLA_COMPARE_FN(LtFn, x < y)
NABLA_COMPARE_FN(LeFn, x <= y)
NABLA_COMPARE_FN(GtFn, x > y)
NABLA_COMPARE_FN(GeFn, x >= y)
#undef NABLA_COMPARE_FN

// Comparison of a tensor with a scalar. An i64 tensor against a non-integral
// scalar compares exactly in double and writes f32 (the scalar dtype rule).
template <class F>
Tensor compare_scalar(const Tensor& x, double s, std::string_view op, F f) {
  check_defined(x, op);
  const DType dtype = scalar_dtype(x.dtype(), s);
  if (dtype == x.dtype()) return scalar_op(x, s, dtype, f);
  Tensor out(x.shape(), dtype);
  apply_unary<float, int64_t>(
      out, x, [s, &f](int64_t e) { return f(static_cast<double>(e), s) != 0.0 ? 1.0f : 0.0f; });
  return out;
}

}  // namespace

// ---- Binary arithmetic ------------------------------------------------------

Tensor add(const Tensor& a, const Tensor& b) {
  return binary(a, b, "add", AddFn{});
}
Tensor add(const Tensor& a, double s) {
  return scalar_op(a, s, "add", AddFn{});
}
Tensor add(double s, const Tensor& b) {
  return scalar_op<true>(b, s, "add", AddFn{});
}
Tensor sub(const Tensor& a, const Tensor& b) {
  return binary(a, b, "sub", SubFn{});
}
Tensor sub(const Tensor& a, double s) {
  return scalar_op(a, s, "sub", SubFn{});
}
Tensor sub(double s, const Tensor& b) {
  return scalar_op<true>(b, s, "sub", SubFn{});
}
Tensor mul(const Tensor& a, const Tensor& b) {
  return binary(a, b, "mul", MulFn{});
}
Tensor mul(const Tensor& a, double s) {
  return scalar_op(a, s, "mul", MulFn{});
}
Tensor mul(double s, const Tensor& b) {
  return scalar_op<true>(b, s, "mul", MulFn{});
}

Tensor div(const Tensor& a, const Tensor& b) {
  const Shape shape = result_shape(a, b, "div");
  DType dtype = promote(a.dtype(), b.dtype());
  if (dtype == DType::i64) {
    // Integer operands: true division in f32, but a zero divisor is an error
    // (most likely a bad count or index) rather than a silent inf.
    NABLA_CHECK(!any_i64(b, [](int64_t v) { return v == 0; }), "div",
                "integer division by zero (divisor of shape ", b.shape(), " holds 0)");
    dtype = DType::f32;
  }
  return binary(a, b, dtype, shape, DivFn{});
}

Tensor div(const Tensor& a, double s) {
  check_defined(a, "div");
  NABLA_CHECK(!(a.dtype() == DType::i64 && s == 0.0), "div",
              "integer division by zero (i64 tensor of shape ", a.shape(), " divided by 0)");
  const DType dtype = a.dtype() == DType::i64 ? DType::f32 : a.dtype();
  return scalar_op(a, s, dtype, DivFn{});
}

Tensor div(double s, const Tensor& b) {
  check_defined(b, "div");
  if (b.dtype() == DType::i64 && is_integral(s))
    NABLA_CHECK(!any_i64(b, [](int64_t v) { return v == 0; }), "div", "integer division by zero (",
                s, " divided by an i64 tensor of shape ", b.shape(), " holding 0)");
  const DType dtype = b.dtype() == DType::i64 ? DType::f32 : b.dtype();
  return scalar_op<true>(b, s, dtype, DivFn{});
}

Tensor pow(const Tensor& a, const Tensor& b) {
  const Shape shape = result_shape(a, b, "pow");
  const DType dtype = promote(a.dtype(), b.dtype());
  if (dtype == DType::i64)
    NABLA_CHECK(!any_i64(b, [](int64_t v) { return v < 0; }), "pow",
                "integers to negative integer powers are not allowed (exponent of shape ",
                b.shape(), ")");
  return binary(a, b, dtype, shape, PowFn{});
}

Tensor pow(const Tensor& a, double s) {
  check_defined(a, "pow");
  const DType dtype = scalar_dtype(a.dtype(), s);
  NABLA_CHECK(!(dtype == DType::i64 && s < 0), "pow",
              "integers to negative integer powers are not allowed (exponent ", s, ")");
  // x^2 is common (squared errors) and much cheaper as a product.
  if (s == 2.0) return square(a);
  return scalar_op(a, s, dtype, PowFn{});
}

Tensor pow(double s, const Tensor& b) {
  check_defined(b, "pow");
  const DType dtype = scalar_dtype(b.dtype(), s);
  if (dtype == DType::i64)
    NABLA_CHECK(!any_i64(b, [](int64_t v) { return v < 0; }), "pow",
                "integers to negative integer powers are not allowed (exponent of shape ",
                b.shape(), ")");
  return scalar_op<true>(b, s, dtype, PowFn{});
}

Tensor maximum(const Tensor& a, const Tensor& b) {
  return binary(a, b, "maximum", MaxFn{});
}
Tensor maximum(const Tensor& a, double s) {
  return scalar_op(a, s, "maximum", MaxFn{});
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return binary(a, b, "minimum", MinFn{});
}
Tensor minimum(const Tensor& a, double s) {
  return scalar_op(a, s, "minimum", MinFn{});
}

// ---- Comparisons --------------------------------------------------------------

Tensor eq(const Tensor& a, const Tensor& b) {
  return binary(a, b, "eq", EqFn{});
}
Tensor eq(const Tensor& a, double s) {
  return compare_scalar(a, s, "eq", EqFn{});
}
Tensor ne(const Tensor& a, const Tensor& b) {
  return binary(a, b, "ne", NeFn{});
}
Tensor ne(const Tensor& a, double s) {
  return compare_scalar(a, s, "ne", NeFn{});
}
Tensor lt(const Tensor& a, const Tensor& b) {
  return binary(a, b, "lt", LtFn{});
}
Tensor lt(const Tensor& a, double s) {
  return compare_scalar(a, s, "lt", LtFn{});
}
Tensor le(const Tensor& a, const Tensor& b) {
  return binary(a, b, "le", LeFn{});
}
Tensor le(const Tensor& a, double s) {
  return compare_scalar(a, s, "le", LeFn{});
}
Tensor gt(const Tensor& a, const Tensor& b) {
  return binary(a, b, "gt", GtFn{});
}
Tensor gt(const Tensor& a, double s) {
  return compare_scalar(a, s, "gt", GtFn{});
}
Tensor ge(const Tensor& a, const Tensor& b) {
  return binary(a, b, "ge", GeFn{});
}
Tensor ge(const Tensor& a, double s) {
  return compare_scalar(a, s, "ge", GeFn{});
}

// ---- Operators ----------------------------------------------------------------

Tensor operator+(const Tensor& a, const Tensor& b) {
  return add(a, b);
}
Tensor operator+(const Tensor& a, double s) {
  return add(a, s);
}
Tensor operator+(double s, const Tensor& b) {
  return add(s, b);
}
Tensor operator-(const Tensor& a, const Tensor& b) {
  return sub(a, b);
}
Tensor operator-(const Tensor& a, double s) {
  return sub(a, s);
}
Tensor operator-(double s, const Tensor& b) {
  return sub(s, b);
}
Tensor operator*(const Tensor& a, const Tensor& b) {
  return mul(a, b);
}
Tensor operator*(const Tensor& a, double s) {
  return mul(a, s);
}
Tensor operator*(double s, const Tensor& b) {
  return mul(s, b);
}
Tensor operator/(const Tensor& a, const Tensor& b) {
  return div(a, b);
}
Tensor operator/(const Tensor& a, double s) {
  return div(a, s);
}
Tensor operator/(double s, const Tensor& b) {
  return div(s, b);
}
Tensor operator-(const Tensor& a) {
  return neg(a);
}
Tensor operator<(const Tensor& a, const Tensor& b) {
  return lt(a, b);
}
Tensor operator<(const Tensor& a, double s) {
  return lt(a, s);
}
Tensor operator<=(const Tensor& a, const Tensor& b) {
  return le(a, b);
}
Tensor operator<=(const Tensor& a, double s) {
  return le(a, s);
}
Tensor operator>(const Tensor& a, const Tensor& b) {
  return gt(a, b);
}
Tensor operator>(const Tensor& a, double s) {
  return gt(a, s);
}
Tensor operator>=(const Tensor& a, const Tensor& b) {
  return ge(a, b);
}
Tensor operator>=(const Tensor& a, double s) {
  return ge(a, s);
}

// ---- Unary --------------------------------------------------------------------

Tensor neg(const Tensor& x) {
  return unary_any(x, "neg", []<class T>(T v) -> T { return detail::wrapping_neg(v); });
}

Tensor abs(const Tensor& x) {
  return unary_any(x, "abs", []<class T>(T v) -> T {
    if constexpr (kIsInt<T>)
      return v < 0 ? detail::wrapping_neg(v) : v;
    else
      return std::abs(v);
  });
}

Tensor sign(const Tensor& x) {
  // Zero and NaN map to themselves, as in PyTorch.
  return unary_any(x, "sign",
                   []<class T>(T v) -> T { return v > T(0) ? T(1) : (v < T(0) ? T(-1) : v); });
}

Tensor square(const Tensor& x) {
  return unary_any(x, "square", []<class T>(T v) -> T { return MulFn{}(v, v); });
}

Tensor relu(const Tensor& x) {
  // Written as "x < 0 ? 0 : x" so that NaN passes through.
  return unary_any(x, "relu", []<class T>(T v) -> T { return v < T(0) ? T(0) : v; });
}

namespace {

// An activation's backward from its output y, in one pass over grad_out and y
// when they have one shape and floating dtype (the case of every hidden
// layer, every step): out[i] = f(grad_out[i], y[i]), by the element-wise
// loop every binary op uses. Returns an undefined tensor otherwise, for the
// caller's composed expression.
template <class F>
Tensor activation_backward(const Tensor& grad_out, const Tensor& y, std::string_view op, F f) {
  check_defined(grad_out, op);
  check_defined(y, op);
  if (grad_out.shape() != y.shape() || grad_out.dtype() != y.dtype() || !is_floating(y.dtype()))
    return Tensor();
  return dispatch_floating(y.dtype(), op, [&]<class T>() {
    Tensor grad_x(y.shape(), y.dtype());
    apply_binary<T, T>(grad_x, grad_out, y, f);
    return grad_x;
  });
}

}  // namespace

Tensor relu_backward(const Tensor& grad_out, const Tensor& y) {
  // g is read unconditionally: read only where y > 0, GCC makes it a
  // merge-masked load into the previous iteration's register, a dependency
  // chain through the loop (twice the time in a training step).
  Tensor grad_x = activation_backward(grad_out, y, "relu_backward",
                                      []<class T>(T g, T v) { return v > T(0) ? g : T(0); });
  return grad_x.defined() ? grad_x : where(gt(y, 0.0), grad_out, 0.0);
}

Tensor tanh_backward(const Tensor& grad_out, const Tensor& y) {
  Tensor grad_x = activation_backward(grad_out, y, "tanh_backward",
                                      []<class T>(T g, T v) { return g * (T(1) - v * v); });
  return grad_x.defined() ? grad_x : grad_out * (1.0 - y * y);
}

Tensor sigmoid_backward(const Tensor& grad_out, const Tensor& y) {
  Tensor grad_x = activation_backward(grad_out, y, "sigmoid_backward",
                                      []<class T>(T g, T v) { return g * v * (T(1) - v); });
  return grad_x.defined() ? grad_x : grad_out * y * (1.0 - y);
}

Tensor exp(const Tensor& x) {
  return unary_floating(x, "exp", []<class T>(T v) -> T { return exp_t(v); });
}
Tensor log(const Tensor& x) {
  return unary_floating(x, "log", []<class T>(T v) -> T { return std::log(v); });
}
Tensor log1p(const Tensor& x) {
  return unary_floating(x, "log1p", []<class T>(T v) -> T { return std::log1p(v); });
}
Tensor sqrt(const Tensor& x) {
  return unary_floating(x, "sqrt", []<class T>(T v) -> T { return std::sqrt(v); });
}
Tensor rsqrt(const Tensor& x) {
  return unary_floating(x, "rsqrt", []<class T>(T v) -> T { return T(1) / std::sqrt(v); });
}
Tensor reciprocal(const Tensor& x) {
  return unary_floating(x, "reciprocal", []<class T>(T v) -> T { return T(1) / v; });
}
Tensor tanh(const Tensor& x) {
  return unary_floating(x, "tanh", []<class T>(T v) -> T { return detail::tanh_t(v); });
}
Tensor sin(const Tensor& x) {
  return unary_floating(x, "sin", []<class T>(T v) -> T { return std::sin(v); });
}
Tensor cos(const Tensor& x) {
  return unary_floating(x, "cos", []<class T>(T v) -> T { return std::cos(v); });
}

Tensor sigmoid(const Tensor& x) {
  // exp is only taken of -|x| <= 0, so it cannot overflow: for x < 0,
  // 1/(1+e^-x) = e^x/(1+e^x). Branch-free so that the loop vectorises.
  return unary_floating(x, "sigmoid", []<class T>(T v) -> T {
    const T e = exp_t(v < T(0) ? v : -v);
    const T num = v < T(0) ? e : T(1);
    return num / (T(1) + e);
  });
}

Tensor leaky_relu(const Tensor& x, double negative_slope) {
  // The product is computed for every element: only in the branch, GCC
  // keeps the loop scalar (a multiply it may not speculate), 12x slower.
  return unary_floating(x, "leaky_relu", [negative_slope]<class T>(T v) -> T {
    const T scaled = static_cast<T>(negative_slope) * v;
    return v < T(0) ? scaled : v;
  });
}

Tensor elu(const Tensor& x, double alpha) {
  // expm1 keeps precision for small negative x, where e^x - 1 would cancel.
  return unary_floating(x, "elu", [alpha]<class T>(T v) -> T {
    return v > T(0) ? v : static_cast<T>(alpha) * std::expm1(v);
  });
}

Tensor gelu(const Tensor& x, bool tanh_approximation) {
  if (tanh_approximation) {
    return unary_floating(x, "gelu", []<class T>(T v) -> T {
      const T k = static_cast<T>(std::numbers::sqrt2 * std::numbers::inv_sqrtpi);  // sqrt(2/pi)
      return T(0.5) * v * (T(1) + detail::tanh_t(k * (v + T(0.044715) * v * v * v)));
    });
  }
  return unary_floating(x, "gelu", []<class T>(T v) -> T {
    const T inv_sqrt2 = static_cast<T>(1.0 / std::numbers::sqrt2);
    return T(0.5) * v * (T(1) + std::erf(v * inv_sqrt2));
  });
}

Tensor softplus(const Tensor& x, double beta, double threshold) {
  NABLA_CHECK(beta != 0.0 && !std::isnan(beta), "softplus", "beta must be non-zero, got ", beta);
  NABLA_CHECK(!std::isnan(threshold), "softplus", "threshold must not be NaN");
  // Above the threshold log1p(e^(bx))/b equals x to working precision, and
  // e^(bx) could overflow.
  return unary_floating(x, "softplus", [beta, threshold]<class T>(T v) -> T {
    const T b = static_cast<T>(beta);
    const T bx = b * v;
    return bx > static_cast<T>(threshold) ? v : std::log1p(std::exp(bx)) / b;
  });
}

namespace {

// The dtype of clamping x to a bound: an infinite or huge integral bound is
// no bound (it saturates below) and keeps i64, a finite non-integral one gives
// f32 (the scalar dtype rule).
DType clamp_dtype(DType t, double bound) {
  return std::isinf(bound) || is_integral(bound) ? t : scalar_dtype(t, bound);
}

Tensor clamp_impl(const Tensor& x, double min, double max) {
  const DType dtype = clamp_dtype(clamp_dtype(x.dtype(), min), max);
  const Converted cx(x, dtype);
  Tensor out(x.shape(), dtype);
  dispatch(dtype, [&]<class T>() {
    // Bounds beyond the range of i64 saturate instead of overflowing the cast.
    auto bound = [](double v) {
      if constexpr (kIsInt<T>) v = std::clamp(v, -9.2e18, 9.2e18);
      return static_cast<T>(v);
    };
    const T lo = bound(min);
    const T hi = bound(max);
    apply_unary<T, T>(out, cx.get(), [lo, hi](T v) { return v < lo ? lo : (v > hi ? hi : v); });
  });
  return out;
}

}  // namespace

Tensor clamp(const Tensor& x, double min, double max) {
  check_defined(x, "clamp");
  NABLA_CHECK(!std::isnan(min) && !std::isnan(max), "clamp", "bounds must not be NaN, got [", min,
              ", ", max, "]");
  NABLA_CHECK(min <= max, "clamp", "min ", min, " is greater than max ", max);
  return clamp_impl(x, min, max);
}

Tensor clamp_min(const Tensor& x, double min) {
  check_defined(x, "clamp_min");
  NABLA_CHECK(!std::isnan(min), "clamp_min", "bound must not be NaN");
  return clamp_impl(x, min, INFINITY);
}

Tensor clamp_max(const Tensor& x, double max) {
  check_defined(x, "clamp_max");
  NABLA_CHECK(!std::isnan(max), "clamp_max", "bound must not be NaN");
  return clamp_impl(x, -INFINITY, max);
}

// ---- Whole-tensor comparisons ---------------------------------------------------

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol) {
  const Shape shape = result_shape(a, b, "allclose");
  NABLA_CHECK(rtol >= 0 && atol >= 0, "allclose", "tolerances must be non-negative, got rtol ",
              rtol, " and atol ", atol);
  const Converted ca(a, DType::f64);
  const Converted cb(b, DType::f64);
  Tensor close(shape, DType::f64);
  apply_binary<double, double>(close, ca.get(), cb.get(), [rtol, atol](double x, double y) {
    // Infinities are close only to themselves; with an infinite y the
    // tolerance itself would be infinite.
    if (x == y) return 1.0;
    if (!std::isfinite(x) || !std::isfinite(y)) return 0.0;
    return std::abs(x - y) <= atol + rtol * std::abs(y) ? 1.0 : 0.0;
  });
  const double* p = static_cast<const double*>(close.raw_data());
  return std::all_of(p, p + close.numel(), [](double v) { return v != 0.0; });
}

bool equal(const Tensor& a, const Tensor& b) {
  check_defined(a, "equal");
  check_defined(b, "equal");
  if (a.shape() != b.shape()) return false;
  const Tensor same = eq(a, b);
  return dispatch(same.dtype(), [&]<class T>() {
    const T* p = static_cast<const T*>(same.raw_data());
    return std::all_of(p, p + same.numel(), [](T v) { return v != T(0); });
  });
}

}  // namespace nabla
