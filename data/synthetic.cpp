#include "data/synthetic.h"

#include <cmath>
#include <numbers>
#include <string>

#include "tensor/error.h"
#include "tensor/factory.h"
#include "tensor/random.h"

namespace nabla::data::datasets {

namespace {

constexpr double kPi = std::numbers::pi;

void check_common(std::int64_t n, const char* n_name, double noise, DType dtype, const char* op) {
  NABLA_CHECK(n >= 1, op, n_name, " must be at least 1, got ", n);
  NABLA_CHECK(noise >= 0, op, "the noise must be non-negative, got ", noise);
  NABLA_CHECK(is_floating(dtype), op, "inputs are f32 or f64, not ", dtype);
}

// `count` standard normal (or uniform [0, 1)) draws as doubles.
std::vector<double> normal(std::int64_t count, Generator& gen) {
  return randn(Shape{count}, gen, DType::f64).to_vector<double>();
}
std::vector<double> uniform(std::int64_t count, Generator& gen) {
  return rand(Shape{count}, gen, DType::f64).to_vector<double>();
}

// The value as `dtype` stores it, so that targets computed from it in double
// match the inputs the Dataset holds.
double stored(double x, DType dtype) {
  return dtype == DType::f32 ? static_cast<double>(static_cast<float>(x)) : x;
}

// Two-dimensional points [2 · per_class ...] with labels in blocks of per_class.
Dataset points_2d(const std::vector<double>& xy,
                  std::int64_t classes,
                  std::int64_t per_class,
                  const std::vector<std::int64_t>& block_labels,
                  DType dtype) {
  const std::int64_t n = classes * per_class;
  std::vector<std::int64_t> labels(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    labels[static_cast<std::size_t>(i)] = block_labels[static_cast<std::size_t>(i / per_class)];
  }
  return Dataset(from_vector(xy, Shape{n, 2}).to(dtype), from_vector(labels));
}

// Adds noise · N(0, 1) to every value (draws only when there is noise, so
// the noiseless sets do not depend on the generator at all).
void add_noise(std::vector<double>& values, double noise, Generator& gen) {
  if (noise == 0) return;
  const std::vector<double> eps = normal(static_cast<std::int64_t>(values.size()), gen);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] += noise * eps[i];
}

}  // namespace

Dataset two_spirals(const SpiralOptions& options) {
  const std::int64_t n = options.n_per_class;
  check_common(n, "n_per_class", options.noise, options.dtype, "two_spirals");
  NABLA_CHECK(options.turns > 0 && options.radius > 0, "two_spirals",
              "turns and radius must be positive, got ", options.turns, " and ", options.radius);
  std::vector<double> xy;
  xy.reserve(static_cast<std::size_t>(4 * n));
  for (int c = 0; c < 2; ++c) {
    for (std::int64_t i = 0; i < n; ++i) {
      const double s = static_cast<double>(i) / static_cast<double>(n);
      const double r = options.radius * s;
      const double theta = 2 * kPi * options.turns * s + c * kPi;
      xy.push_back(r * std::sin(theta));
      xy.push_back(r * std::cos(theta));
    }
  }
  Generator gen(options.seed);
  add_noise(xy, options.noise, gen);
  return points_2d(xy, 2, n, {0, 1}, options.dtype);
}

Dataset moons(const MoonsOptions& options) {
  const std::int64_t n = options.n_per_class;
  check_common(n, "n_per_class", options.noise, options.dtype, "moons");
  std::vector<double> xy;
  xy.reserve(static_cast<std::size_t>(4 * n));
  // t runs over [0, π] inclusive, as numpy's linspace; one point sits at t = 0
  const double step = n > 1 ? kPi / static_cast<double>(n - 1) : 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    const double t = step * static_cast<double>(i);
    xy.push_back(std::cos(t));
    xy.push_back(std::sin(t));
  }
  for (std::int64_t i = 0; i < n; ++i) {
    const double t = step * static_cast<double>(i);
    xy.push_back(1 - std::cos(t));
    xy.push_back(0.5 - std::sin(t));
  }
  Generator gen(options.seed);
  add_noise(xy, options.noise, gen);
  return points_2d(xy, 2, n, {0, 1}, options.dtype);
}

Dataset circles(const CirclesOptions& options) {
  const std::int64_t n = options.n_per_class;
  check_common(n, "n_per_class", options.noise, options.dtype, "circles");
  NABLA_CHECK(options.factor >= 0 && options.factor < 1, "circles",
              "factor must lie in [0, 1), got ", options.factor);
  std::vector<double> xy;
  xy.reserve(static_cast<std::size_t>(4 * n));
  for (double r : {1.0, options.factor}) {
    for (std::int64_t i = 0; i < n; ++i) {
      const double t = 2 * kPi * static_cast<double>(i) / static_cast<double>(n);
      xy.push_back(r * std::cos(t));
      xy.push_back(r * std::sin(t));
    }
  }
  Generator gen(options.seed);
  add_noise(xy, options.noise, gen);
  return points_2d(xy, 2, n, {0, 1}, options.dtype);
}

Dataset xor_data(const XorOptions& options) {
  const std::int64_t n = options.n_per_quadrant;
  check_common(n, "n_per_quadrant", 0.0, options.dtype, "xor_data");
  NABLA_CHECK(options.margin >= 0 && options.margin < 1, "xor_data",
              "margin must lie in [0, 1), got ", options.margin);
  NABLA_CHECK(options.std >= 0, "xor_data", "std must be non-negative, got ", options.std);
  const bool blobs = options.layout == XorLayout::gaussian_blobs;
  Generator gen(options.seed);
  const std::vector<double> draws = blobs ? normal(8 * n, gen) : uniform(8 * n, gen);
  constexpr double kSigns[4][2] = {{1, 1}, {-1, 1}, {-1, -1}, {1, -1}};
  std::vector<double> xy(static_cast<std::size_t>(8 * n));
  for (std::size_t k = 0; k < xy.size(); ++k) {
    const double sign = kSigns[k / 2 / static_cast<std::size_t>(n)][k % 2];
    // blobs: centre ±1 plus noise; quadrants: |coordinate| uniform in [margin, 1]
    xy[k] = blobs ? sign + options.std * draws[k]
                  : sign * (options.margin + (1 - options.margin) * draws[k]);
  }
  return points_2d(xy, 4, n, {0, 1, 0, 1}, options.dtype);
}

Dataset blobs(const BlobsOptions& options) {
  const std::int64_t n = options.n_per_class;
  check_common(n, "n_per_class", 0.0, options.dtype, "blobs");
  NABLA_CHECK(options.std >= 0, "blobs", "std must be non-negative, got ", options.std);
  NABLA_CHECK(!options.centers.empty(), "blobs", "at least one centre is needed");
  const std::size_t d = options.centers[0].size();
  for (std::size_t c = 0; c < options.centers.size(); ++c) {
    NABLA_CHECK(d >= 1 && options.centers[c].size() == d, "blobs", "centre ", c, " has ",
                options.centers[c].size(), " coordinates, centre 0 has ", d,
                "; all need the same number, at least 1");
  }
  const auto k = static_cast<std::int64_t>(options.centers.size());
  const auto dims = static_cast<std::int64_t>(d);
  Generator gen(options.seed);
  std::vector<double> x = normal(k * n * dims, gen);
  std::vector<std::int64_t> labels(static_cast<std::size_t>(k * n));
  for (std::int64_t i = 0; i < k * n; ++i) {
    const std::vector<double>& centre = options.centers[static_cast<std::size_t>(i / n)];
    labels[static_cast<std::size_t>(i)] = i / n;
    for (std::size_t j = 0; j < d; ++j) {
      double& v = x[static_cast<std::size_t>(i * dims) + j];
      v = centre[j] + options.std * v;
    }
  }
  return Dataset(from_vector(x, Shape{k * n, dims}).to(options.dtype), from_vector(labels));
}

LinearRegressionData linear_regression(const LinearRegressionOptions& options) {
  const std::int64_t n = options.n;
  check_common(n, "n", options.noise, options.dtype, "linear_regression");
  const auto given = static_cast<std::int64_t>(options.weights.size());
  NABLA_CHECK(options.features >= 0, "linear_regression", "features must be non-negative, got ",
              options.features);
  NABLA_CHECK(options.features == 0 || given == 0 || options.features == given, "linear_regression",
              "features = ", options.features, " but ", given, " weights are given");
  const std::int64_t f = options.features > 0 ? options.features : (given > 0 ? given : 1);
  Generator gen(options.seed);
  std::vector<double> w = given > 0 ? options.weights : normal(f, gen);
  const double b = options.bias ? *options.bias : normal(1, gen)[0];
  std::vector<double> x = normal(n * f, gen);
  for (double& v : x) v = stored(v, options.dtype);
  std::vector<double> y(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    double dot = b;
    for (std::int64_t j = 0; j < f; ++j) {
      dot += x[static_cast<std::size_t>(i * f + j)] * w[static_cast<std::size_t>(j)];
    }
    y[static_cast<std::size_t>(i)] = dot;
  }
  add_noise(y, options.noise, gen);
  LinearRegressionData out;
  out.data = Dataset(from_vector(x, Shape{n, f}).to(options.dtype),
                     from_vector(y, Shape{n, 1}).to(options.dtype));
  out.weights = from_vector(w);
  out.bias = b;
  return out;
}

Dataset polynomial_regression(const PolynomialRegressionOptions& options) {
  const std::int64_t n = options.n;
  check_common(n, "n", options.noise, options.dtype, "polynomial_regression");
  NABLA_CHECK(!options.coefficients.empty(), "polynomial_regression",
              "at least one coefficient is needed");
  NABLA_CHECK(options.low < options.high, "polynomial_regression", "low ", options.low,
              " must be below high ", options.high);
  Generator gen(options.seed);
  std::vector<double> x = uniform(n, gen);
  std::vector<double> y(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = stored(options.low + (options.high - options.low) * x[i], options.dtype);
    double p = 0;
    for (auto c = options.coefficients.rbegin(); c != options.coefficients.rend(); ++c) {
      p = p * x[i] + *c;
    }
    y[i] = p;
  }
  add_noise(y, options.noise, gen);
  return Dataset(from_vector(x, Shape{n, 1}).to(options.dtype),
                 from_vector(y, Shape{n, 1}).to(options.dtype));
}

}  // namespace nabla::data::datasets
