#include "nn/init.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "tensor/error.h"
#include "tensor/factory.h"
#include "tensor/print.h"

namespace nabla::nn::init {

namespace {

// Every initializer fills a parameter: a defined, floating, non-empty tensor.
void check_fillable(const Tensor& t, const char* op) {
  check_defined(t, op);
  NABLA_CHECK(is_floating(t.dtype()), op, "expected a floating tensor (f32 or f64), got ",
              t.dtype());
  NABLA_CHECK(t.numel() > 0, op, "tensor has no elements (shape ", t.shape(), ")");
}

Generator& generator_or_default(Generator* gen) {
  return gen != nullptr ? *gen : default_generator();
}

Fans fans_of(const Tensor& t, const char* op) {
  check_fillable(t, op);
  NABLA_CHECK(t.dim() >= 2, op, "fan_in and fan_out need a tensor of rank >= 2, got shape ",
              t.shape());
  return compute_fans(t.shape());
}

double fan_of(const Tensor& t, FanMode mode, const char* op) {
  Fans fans = fans_of(t, op);
  return static_cast<double>(mode == FanMode::fan_in ? fans.fan_in : fans.fan_out);
}

// U(−bound, bound) and N(0, std²) after the checks of the caller.
void fill_uniform(Tensor& t, double bound, Generator* gen) {
  nabla::uniform_(t, -bound, bound, generator_or_default(gen));
}
void fill_normal(Tensor& t, double std, Generator* gen) {
  nabla::normal_(t, 0.0, std, generator_or_default(gen));
}

// Householder QR of the m×n row-major matrix `a` (m ≥ n). Returns the m×n
// factor Q with orthonormal columns, each column multiplied by the sign of
// R's diagonal entry so that A = Q·R with diag(R) > 0 (the factorization that
// is unique, hence Haar-distributed for a Gaussian A).
std::vector<double> orthonormal_factor(std::vector<double> a, std::int64_t m, std::int64_t n) {
  std::vector<std::vector<double>> reflectors(static_cast<std::size_t>(n));
  std::vector<double> reflector_norm2(static_cast<std::size_t>(n), 0.0);
  std::vector<double> r_diag(static_cast<std::size_t>(n), 0.0);
  auto at = [n](std::vector<double>& x, std::int64_t i, std::int64_t j) -> double& {
    return x[static_cast<std::size_t>(i * n + j)];
  };
  for (std::int64_t k = 0; k < n; ++k) {
    double norm = 0.0;
    for (std::int64_t i = k; i < m; ++i) norm += at(a, i, k) * at(a, i, k);
    norm = std::sqrt(norm);
    // R_kk = alpha; its sign is opposite to a_kk's so that v = x − alpha·e₁
    // suffers no cancellation.
    const double alpha = at(a, k, k) > 0 ? -norm : norm;
    std::vector<double> v(static_cast<std::size_t>(m - k));
    for (std::int64_t i = k; i < m; ++i) v[static_cast<std::size_t>(i - k)] = at(a, i, k);
    v[0] -= alpha;
    double v_norm2 = 0.0;
    for (double vi : v) v_norm2 += vi * vi;
    r_diag[static_cast<std::size_t>(k)] = alpha;
    if (v_norm2 > 0.0) {
      // A[k:, k:] ← (I − 2 v vᵀ / vᵀv) A[k:, k:]
      for (std::int64_t j = k; j < n; ++j) {
        double s = 0.0;
        for (std::int64_t i = k; i < m; ++i) s += v[static_cast<std::size_t>(i - k)] * at(a, i, j);
        const double f = 2.0 * s / v_norm2;
        for (std::int64_t i = k; i < m; ++i) at(a, i, j) -= f * v[static_cast<std::size_t>(i - k)];
      }
    }
    reflectors[static_cast<std::size_t>(k)] = std::move(v);
    reflector_norm2[static_cast<std::size_t>(k)] = v_norm2;
  }
  // Q = H₀ H₁ ⋯ H_{n−1} [I; 0], applied right to left.
  std::vector<double> q(static_cast<std::size_t>(m * n), 0.0);
  for (std::int64_t j = 0; j < n; ++j) at(q, j, j) = 1.0;
  for (std::int64_t k = n - 1; k >= 0; --k) {
    const auto& v = reflectors[static_cast<std::size_t>(k)];
    const double v_norm2 = reflector_norm2[static_cast<std::size_t>(k)];
    if (v_norm2 == 0.0) continue;
    for (std::int64_t j = 0; j < n; ++j) {
      double s = 0.0;
      for (std::int64_t i = k; i < m; ++i) s += v[static_cast<std::size_t>(i - k)] * at(q, i, j);
      const double f = 2.0 * s / v_norm2;
      for (std::int64_t i = k; i < m; ++i) at(q, i, j) -= f * v[static_cast<std::size_t>(i - k)];
    }
  }
  for (std::int64_t j = 0; j < n; ++j)
    if (r_diag[static_cast<std::size_t>(j)] < 0.0)
      for (std::int64_t i = 0; i < m; ++i) at(q, i, j) = -at(q, i, j);
  return q;
}

}  // namespace

Fans compute_fans(const Shape& shape) {
  NABLA_CHECK(shape.rank() >= 2, "init::compute_fans",
              "fan_in and fan_out need a tensor of rank >= 2, got shape ", shape);
  std::int64_t receptive_field = 1;
  for (std::int64_t d = 0; d + 2 < shape.rank(); ++d) receptive_field *= shape[d];
  return {.fan_in = shape[shape.size() - 2] * receptive_field,
          .fan_out = shape[shape.size() - 1] * receptive_field};
}

double calculate_gain(Activation activation, std::optional<double> param) {
  NABLA_CHECK(!param.has_value() || activation == Activation::leaky_relu, "init::calculate_gain",
              "param is only used by leaky_relu, got ", *param, " for ", activation);
  switch (activation) {
    case Activation::tanh:
      return 5.0 / 3.0;
    case Activation::relu:
      return std::numbers::sqrt2;
    case Activation::leaky_relu: {
      const double slope = param.value_or(0.01);
      NABLA_CHECK(std::isfinite(slope), "init::calculate_gain",
                  "leaky_relu slope must be finite, got ", slope);
      return std::sqrt(2.0 / (1.0 + slope * slope));
    }
    case Activation::linear:
    case Activation::sigmoid:
    case Activation::softmax:
    case Activation::log_softmax:
    case Activation::elu:
    case Activation::gelu:
    case Activation::softplus:
      return 1.0;
  }
  return 1.0;
}

void zeros_(Tensor& t) {
  check_fillable(t, "init::zeros_");
  t.zero_();
}

void ones_(Tensor& t) {
  check_fillable(t, "init::ones_");
  t.fill_(1.0);
}

void constant_(Tensor& t, double value) {
  check_fillable(t, "init::constant_");
  t.fill_(value);
}

void uniform_(Tensor& t, double a, double b, Generator* gen) {
  check_fillable(t, "init::uniform_");
  NABLA_CHECK(a <= b, "init::uniform_", "a must be <= b, got a = ", a, ", b = ", b);
  nabla::uniform_(t, a, b, generator_or_default(gen));
}

void normal_(Tensor& t, double mean, double std, Generator* gen) {
  check_fillable(t, "init::normal_");
  NABLA_CHECK(std >= 0.0, "init::normal_", "std must be >= 0, got ", std);
  nabla::normal_(t, mean, std, generator_or_default(gen));
}

void glorot_uniform_(Tensor& t, double gain, Generator* gen) {
  Fans fans = fans_of(t, "init::glorot_uniform_");
  fill_uniform(t, gain * std::sqrt(6.0 / static_cast<double>(fans.fan_in + fans.fan_out)), gen);
}

void glorot_normal_(Tensor& t, double gain, Generator* gen) {
  Fans fans = fans_of(t, "init::glorot_normal_");
  fill_normal(t, gain * std::sqrt(2.0 / static_cast<double>(fans.fan_in + fans.fan_out)), gen);
}

void he_uniform_(Tensor& t, double gain, FanMode mode, Generator* gen) {
  const double fan = fan_of(t, mode, "init::he_uniform_");
  fill_uniform(t, gain * std::sqrt(3.0 / fan), gen);
}

void he_normal_(Tensor& t, double gain, FanMode mode, Generator* gen) {
  const double fan = fan_of(t, mode, "init::he_normal_");
  fill_normal(t, gain / std::sqrt(fan), gen);
}

void lecun_normal_(Tensor& t, Generator* gen) {
  const double fan_in = fan_of(t, FanMode::fan_in, "init::lecun_normal_");
  fill_normal(t, 1.0 / std::sqrt(fan_in), gen);
}

void lecun_uniform_(Tensor& t, Generator* gen) {
  const double fan_in = fan_of(t, FanMode::fan_in, "init::lecun_uniform_");
  fill_uniform(t, std::sqrt(3.0 / fan_in), gen);
}

void orthogonal_(Tensor& t, double gain, Generator* gen) {
  check_fillable(t, "init::orthogonal_");
  NABLA_CHECK(t.dim() >= 2, "init::orthogonal_", "expected a tensor of rank >= 2, got shape ",
              t.shape());
  const std::int64_t rows = t.size(0);
  const std::int64_t cols = t.numel() / rows;
  std::vector<double> a =
      randn({rows, cols}, generator_or_default(gen), DType::f64).to_vector<double>();
  std::vector<double> result(a.size());
  if (rows >= cols) {
    std::vector<double> q = orthonormal_factor(std::move(a), rows, cols);
    for (std::size_t i = 0; i < q.size(); ++i) result[i] = gain * q[i];
  } else {
    // Factor Aᵀ (cols × rows, tall) and return Qᵀ, whose rows are orthonormal.
    std::vector<double> a_t(a.size());
    for (std::int64_t i = 0; i < rows; ++i)
      for (std::int64_t j = 0; j < cols; ++j)
        a_t[static_cast<std::size_t>(j * rows + i)] = a[static_cast<std::size_t>(i * cols + j)];
    std::vector<double> q = orthonormal_factor(std::move(a_t), cols, rows);
    for (std::int64_t i = 0; i < rows; ++i)
      for (std::int64_t j = 0; j < cols; ++j)
        result[static_cast<std::size_t>(i * cols + j)] =
            gain * q[static_cast<std::size_t>(j * rows + i)];
  }
  t.copy_(from_vector(result, t.shape()));
}

void nguyen_widrow_(Tensor& weight, Tensor& bias, Generator* gen) {
  check_fillable(weight, "init::nguyen_widrow_");
  check_fillable(bias, "init::nguyen_widrow_");
  NABLA_CHECK(weight.dim() == 2, "init::nguyen_widrow_",
              "expected a weight of shape [inputs, units], got ", weight.shape());
  const std::int64_t inputs = weight.size(0);
  const std::int64_t units = weight.size(1);
  NABLA_CHECK(bias.shape() == Shape{units} && bias.dtype() == weight.dtype(),
              "init::nguyen_widrow_", "expected a bias of shape [", units, "] and dtype ",
              weight.dtype(), " for a weight ", weight.shape(), ", got ", bias.shape(), " ",
              bias.dtype());
  Generator& g = generator_or_default(gen);
  const double beta = 0.7 * std::pow(static_cast<double>(units), 1.0 / static_cast<double>(inputs));
  Tensor w = rand({inputs, units}, g, DType::f64);
  double* p = w.data<double>();
  for (std::int64_t k = 0; k < inputs * units; ++k) p[k] -= 0.5;  // U(−0.5, 0.5)
  for (std::int64_t j = 0; j < units; ++j) {
    double norm2 = 0.0;
    for (std::int64_t i = 0; i < inputs; ++i) norm2 += p[i * units + j] * p[i * units + j];
    // A zero column has no direction to rescale; it has probability 0.
    if (norm2 == 0.0) continue;
    const double scale = beta / std::sqrt(norm2);
    for (std::int64_t i = 0; i < inputs; ++i) p[i * units + j] *= scale;
  }
  weight.copy_(w);
  nabla::uniform_(bias, -beta, beta, g);
}

Initializer zeros() {
  return [](Tensor& t) { zeros_(t); };
}

Initializer ones() {
  return [](Tensor& t) { ones_(t); };
}

Initializer constant(double value) {
  return [value](Tensor& t) { constant_(t, value); };
}

Initializer uniform(double a, double b, Generator* gen) {
  NABLA_CHECK(a <= b, "init::uniform", "a must be <= b, got a = ", a, ", b = ", b);
  return [a, b, gen](Tensor& t) { uniform_(t, a, b, gen); };
}

Initializer normal(double mean, double std, Generator* gen) {
  NABLA_CHECK(std >= 0.0, "init::normal", "std must be >= 0, got ", std);
  return [mean, std, gen](Tensor& t) { normal_(t, mean, std, gen); };
}

Initializer glorot_uniform(double gain, Generator* gen) {
  return [gain, gen](Tensor& t) { glorot_uniform_(t, gain, gen); };
}

Initializer glorot_normal(double gain, Generator* gen) {
  return [gain, gen](Tensor& t) { glorot_normal_(t, gain, gen); };
}

Initializer xavier_uniform(double gain, Generator* gen) {
  return glorot_uniform(gain, gen);
}

Initializer xavier_normal(double gain, Generator* gen) {
  return glorot_normal(gain, gen);
}

Initializer he_uniform(double gain, FanMode mode, Generator* gen) {
  return [gain, mode, gen](Tensor& t) { he_uniform_(t, gain, mode, gen); };
}

Initializer he_normal(double gain, FanMode mode, Generator* gen) {
  return [gain, mode, gen](Tensor& t) { he_normal_(t, gain, mode, gen); };
}

Initializer kaiming_uniform(double gain, FanMode mode, Generator* gen) {
  return he_uniform(gain, mode, gen);
}

Initializer kaiming_normal(double gain, FanMode mode, Generator* gen) {
  return he_normal(gain, mode, gen);
}

Initializer lecun_normal(Generator* gen) {
  return [gen](Tensor& t) { lecun_normal_(t, gen); };
}

Initializer lecun_uniform(Generator* gen) {
  return [gen](Tensor& t) { lecun_uniform_(t, gen); };
}

Initializer orthogonal(double gain, Generator* gen) {
  return [gain, gen](Tensor& t) { orthogonal_(t, gain, gen); };
}

LayerInitializer nguyen_widrow(Generator* gen) {
  return [gen](Tensor& weight, Tensor& bias) { nguyen_widrow_(weight, bias, gen); };
}

}  // namespace nabla::nn::init
