#include "data/synthetic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::data::datasets {
namespace {

constexpr double kPi = std::numbers::pi;

std::vector<std::int64_t> labels_of(const Dataset& d) {
  return d.targets().to_vector<std::int64_t>();
}

// The number of rows of each label 0 … k−1.
std::vector<int> label_counts(const Dataset& d, int k) {
  std::vector<int> counts(static_cast<std::size_t>(k), 0);
  for (std::int64_t y : labels_of(d)) ++counts.at(static_cast<std::size_t>(y));
  return counts;
}

TEST(TwoSpirals, ShapesLabelsAndDtype) {
  Dataset d = two_spirals({.n_per_class = 30, .noise = 0.1, .dtype = DType::f64});
  EXPECT_EQ(d.inputs(DType::f64).shape(), (Shape{60, 2}));
  EXPECT_EQ(d.targets().dtype(), DType::i64);
  EXPECT_EQ(d.targets().shape(), Shape{60});
  EXPECT_EQ(label_counts(d, 2), (std::vector<int>{30, 30}));
  EXPECT_EQ(labels_of(d)[29], 0);
  EXPECT_EQ(labels_of(d)[30], 1);
}

TEST(TwoSpirals, NoiselessPointsLieOnTheSpiral) {
  // Without noise, a point at radius r has the angle θ = 2π · turns · r / radius
  // (+π for class 1): its direction (sin θ, cos θ) must be (x, y) / r.
  const double turns = 1.5, radius = 4.0;
  Dataset d =
      two_spirals({.n_per_class = 40, .turns = turns, .radius = radius, .dtype = DType::f64});
  const std::vector<double> xy = d.inputs(DType::f64).to_vector<double>();
  const std::vector<std::int64_t> y = labels_of(d);
  double largest = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double px = xy[2 * i], py = xy[2 * i + 1];
    const double r = std::hypot(px, py);
    largest = std::max(largest, r);
    if (r < 1e-12) continue;  // the centre has no direction
    const double theta = 2 * kPi * turns * r / radius + static_cast<double>(y[i]) * kPi;
    EXPECT_NEAR(px / r, std::sin(theta), 1e-9) << "row " << i;
    EXPECT_NEAR(py / r, std::cos(theta), 1e-9) << "row " << i;
  }
  // the last point of n = 40 sits at radius · 39/40
  EXPECT_NEAR(largest, radius * 39 / 40, 1e-12);
}

TEST(TwoSpirals, SeedDecidesTheNoise) {
  Dataset a = two_spirals({.n_per_class = 20, .noise = 0.2, .seed = 1});
  Dataset b = two_spirals({.n_per_class = 20, .noise = 0.2, .seed = 1});
  Dataset c = two_spirals({.n_per_class = 20, .noise = 0.2, .seed = 2});
  EXPECT_TRUE(equal(a.inputs(), b.inputs()));
  EXPECT_FALSE(equal(a.inputs(), c.inputs()));
  Dataset clean = two_spirals({.n_per_class = 20});
  EXPECT_FALSE(equal(a.inputs(), clean.inputs()));
}

TEST(Moons, NoiselessHalfCircles) {
  Dataset d = moons({.n_per_class = 25, .dtype = DType::f64});
  EXPECT_EQ(d.inputs(DType::f64).shape(), (Shape{50, 2}));
  EXPECT_EQ(label_counts(d, 2), (std::vector<int>{25, 25}));
  const std::vector<double> xy = d.inputs(DType::f64).to_vector<double>();
  const std::vector<std::int64_t> y = labels_of(d);
  for (std::size_t i = 0; i < y.size(); ++i) {
    // class 0: unit upper half circle around (0, 0); class 1: unit lower half
    // circle around (1, 0.5)
    const double cx = y[i] == 0 ? 0.0 : 1.0, cy = y[i] == 0 ? 0.0 : 0.5;
    const double dx = xy[2 * i] - cx, dy = xy[2 * i + 1] - cy;
    EXPECT_NEAR(dx * dx + dy * dy, 1.0, 1e-12);
    EXPECT_TRUE(y[i] == 0 ? dy >= -1e-12 : dy <= 1e-12);
  }
  // the ends of the outer moon: (1, 0) and (−1, 0)
  EXPECT_NEAR(xy[0], 1.0, 1e-12);
  EXPECT_NEAR(xy[2 * 24], -1.0, 1e-12);
}

TEST(Circles, InnerRadiusIsFactorTimesOuter) {
  Dataset d = circles({.n_per_class = 16, .factor = 0.3, .dtype = DType::f64});
  EXPECT_EQ(label_counts(d, 2), (std::vector<int>{16, 16}));
  const std::vector<double> xy = d.inputs(DType::f64).to_vector<double>();
  const std::vector<std::int64_t> y = labels_of(d);
  for (std::size_t i = 0; i < y.size(); ++i) {
    EXPECT_NEAR(std::hypot(xy[2 * i], xy[2 * i + 1]), y[i] == 0 ? 1.0 : 0.3, 1e-12);
  }
  // with noise the radii spread but the classes stay apart on average
  Dataset noisy = circles({.n_per_class = 200, .factor = 0.3, .noise = 0.05, .seed = 3});
  const std::vector<float> p = noisy.inputs().to_vector<float>();
  double mean_r[2] = {0, 0};
  const std::vector<std::int64_t> yn = labels_of(noisy);
  for (std::size_t i = 0; i < yn.size(); ++i) {
    mean_r[yn[i]] += std::hypot(p[2 * i], p[2 * i + 1]) / 200;
  }
  EXPECT_NEAR(mean_r[0], 1.0, 0.02);
  EXPECT_NEAR(mean_r[1], 0.3, 0.03);
}

TEST(XorData, UniformQuadrantsLabelTheSignsXor) {
  Dataset d = xor_data({.n_per_quadrant = 25, .margin = 0.2, .seed = 4});
  EXPECT_EQ(d.inputs().shape(), (Shape{100, 2}));
  EXPECT_EQ(label_counts(d, 2), (std::vector<int>{50, 50}));
  const std::vector<float> xy = d.inputs().to_vector<float>();
  const std::vector<std::int64_t> y = labels_of(d);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const float px = xy[2 * i], py = xy[2 * i + 1];
    EXPECT_EQ(y[i], px * py < 0 ? 1 : 0) << "row " << i;
    for (float v : {px, py}) {
      EXPECT_GE(std::abs(v), 0.2f);
      EXPECT_LE(std::abs(v), 1.0f);
    }
  }
}

TEST(XorData, GaussianBlobsAroundTheCorners) {
  Dataset d = xor_data({.n_per_quadrant = 400, .layout = XorLayout::gaussian_blobs, .std = 0.1});
  const std::vector<float> xy = d.inputs().to_vector<float>();
  // blob q's mean is its centre (±1, ±1): the means of 400 draws of std 0.1
  // are within 4 · 0.1 / √400 = 0.02 of it
  const double centres[4][2] = {{1, 1}, {-1, 1}, {-1, -1}, {1, -1}};
  for (int q = 0; q < 4; ++q) {
    double mx = 0, my = 0;
    for (int i = 0; i < 400; ++i) {
      mx += xy[static_cast<std::size_t>(2 * (400 * q + i))] / 400.0;
      my += xy[static_cast<std::size_t>(2 * (400 * q + i) + 1)] / 400.0;
    }
    EXPECT_NEAR(mx, centres[q][0], 0.02);
    EXPECT_NEAR(my, centres[q][1], 0.02);
    EXPECT_EQ(labels_of(d)[static_cast<std::size_t>(400 * q)], centres[q][0] * centres[q][1] < 0);
  }
}

TEST(Blobs, ClassesScatterAroundTheirCentres) {
  Dataset d = blobs({.n_per_class = 500,
                     .centers = {{0, 0, 0}, {5, -5, 10}},
                     .std = 0.5,
                     .seed = 8,
                     .dtype = DType::f64});
  EXPECT_EQ(d.inputs(DType::f64).shape(), (Shape{1000, 3}));
  EXPECT_EQ(label_counts(d, 2), (std::vector<int>{500, 500}));
  const std::vector<double> x = d.inputs(DType::f64).to_vector<double>();
  const double centre[2][3] = {{0, 0, 0}, {5, -5, 10}};
  for (int c = 0; c < 2; ++c) {
    for (int j = 0; j < 3; ++j) {
      double mean = 0, sq = 0;
      for (int i = 0; i < 500; ++i)
        mean += x[static_cast<std::size_t>(3 * (500 * c + i) + j)] / 500;
      for (int i = 0; i < 500; ++i) {
        const double dev = x[static_cast<std::size_t>(3 * (500 * c + i) + j)] - mean;
        sq += dev * dev / 500;
      }
      // mean within 4 standard errors (4 · 0.5 / √500 ≈ 0.09), std within 10 %
      EXPECT_NEAR(mean, centre[c][j], 0.09);
      EXPECT_NEAR(std::sqrt(sq), 0.5, 0.05);
    }
  }
}

TEST(LinearRegression, NoiselessTargetsAreExactlyLinear) {
  LinearRegressionData r = linear_regression(
      {.n = 50, .weights = {2.0, -3.0, 0.5}, .bias = 1.25, .seed = 2, .dtype = DType::f64});
  EXPECT_EQ(r.weights.to_vector<double>(), (std::vector<double>{2.0, -3.0, 0.5}));
  EXPECT_EQ(r.bias, 1.25);
  const std::vector<double> x = r.data.inputs(DType::f64).to_vector<double>();
  const std::vector<double> y = r.data.targets().to_vector<double>();
  ASSERT_EQ(r.data.targets().shape(), (Shape{50, 1}));
  for (std::size_t i = 0; i < 50; ++i) {
    const double expected = 2.0 * x[3 * i] - 3.0 * x[3 * i + 1] + 0.5 * x[3 * i + 2] + 1.25;
    EXPECT_NEAR(y[i], expected, 1e-12);
  }
}

TEST(LinearRegression, DrawnParametersAndNoise) {
  LinearRegressionData a = linear_regression({.n = 2000, .features = 2, .noise = 0.5, .seed = 6});
  LinearRegressionData b = linear_regression({.n = 2000, .features = 2, .noise = 0.5, .seed = 6});
  EXPECT_EQ(a.weights.shape(), Shape{2});
  EXPECT_TRUE(equal(a.weights, b.weights));
  EXPECT_EQ(a.bias, b.bias);
  EXPECT_TRUE(equal(a.data.targets(), b.data.targets()));
  EXPECT_EQ(a.data.inputs().dtype(), DType::f32);
  EXPECT_EQ(a.data.targets().dtype(), DType::f32);
  // the residuals y − (x · w + b) have standard deviation ≈ 0.5
  const std::vector<float> x = a.data.inputs().to_vector<float>();
  const std::vector<float> y = a.data.targets().to_vector<float>();
  const std::vector<double> w = a.weights.to_vector<double>();
  double sq = 0;
  for (std::size_t i = 0; i < 2000; ++i) {
    const double res = y[i] - (x[2 * i] * w[0] + x[2 * i + 1] * w[1] + a.bias);
    sq += res * res / 2000;
  }
  EXPECT_NEAR(std::sqrt(sq), 0.5, 0.03);
  EXPECT_FALSE(equal(a.weights, linear_regression({.features = 2, .seed = 7}).weights));
}

TEST(PolynomialRegression, NoiselessTargetsFollowThePolynomial) {
  // y = 1 − 2x + 3x³ on [−2, 3)
  Dataset d = polynomial_regression(
      {.n = 64, .coefficients = {1, -2, 0, 3}, .low = -2, .high = 3, .seed = 5});
  EXPECT_EQ(d.inputs().shape(), (Shape{64, 1}));
  EXPECT_EQ(d.targets().shape(), (Shape{64, 1}));
  const std::vector<float> x = d.inputs().to_vector<float>();
  const std::vector<float> y = d.targets().to_vector<float>();
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double xi = x[i];
    EXPECT_GE(xi, -2.0);
    EXPECT_LE(xi, 3.0);
    const double expected = 1 - 2 * xi + 3 * xi * xi * xi;
    // y is rounded to f32 once: relative error at most 2^-24
    EXPECT_NEAR(y[i], expected, std::abs(expected) * 6e-8 + 1e-12);
  }
}

TEST(SyntheticData, EqualSeedsGiveEqualSetsOthersDiffer) {
  using Make = Dataset (*)(std::uint64_t);
  const std::vector<Make> makers = {
      [](std::uint64_t s) { return moons({.n_per_class = 20, .noise = 0.1, .seed = s}); },
      [](std::uint64_t s) { return circles({.n_per_class = 20, .noise = 0.1, .seed = s}); },
      [](std::uint64_t s) { return xor_data({.n_per_quadrant = 10, .seed = s}); },
      [](std::uint64_t s) {
        return xor_data({.n_per_quadrant = 10, .layout = XorLayout::gaussian_blobs, .seed = s});
      },
      [](std::uint64_t s) { return blobs({.n_per_class = 10, .seed = s}); },
      [](std::uint64_t s) { return polynomial_regression({.n = 20, .noise = 0.1, .seed = s}); },
  };
  for (std::size_t m = 0; m < makers.size(); ++m) {
    const Dataset a = makers[m](11), b = makers[m](11), c = makers[m](12);
    EXPECT_TRUE(equal(a.inputs(), b.inputs())) << "set " << m;
    EXPECT_TRUE(equal(a.targets(), b.targets())) << "set " << m;
    EXPECT_FALSE(equal(a.inputs(), c.inputs())) << "set " << m;
  }
}

TEST(SyntheticData, Errors) {
  testing::expect_error([] { two_spirals({.n_per_class = 0}); },
                        {"two_spirals", "n_per_class", "0"});
  testing::expect_error([] { two_spirals({.noise = -1}); }, {"two_spirals", "noise", "-1"});
  testing::expect_error([] { two_spirals({.turns = 0}); }, {"two_spirals", "turns"});
  testing::expect_error([] { moons({.dtype = DType::i64}); }, {"moons", "i64"});
  testing::expect_error([] { circles({.factor = 1.0}); }, {"circles", "factor", "1"});
  testing::expect_error([] { xor_data({.margin = 1.5}); }, {"xor_data", "margin", "1.5"});
  testing::expect_error([] { xor_data({.std = -0.1}); }, {"xor_data", "std", "-0.1"});
  testing::expect_error([] { blobs({.centers = {}}); }, {"blobs", "centre"});
  testing::expect_error(
      [] {
        blobs({.centers = {{0, 0}, {1}}});
      },
      {"blobs", "centre 1 has 1", "centre 0 has 2"});
  testing::expect_error(
      [] {
        linear_regression({.features = 3, .weights = {1, 2}});
      },
      {"linear_regression", "features = 3", "2 weights"});
  testing::expect_error([] { linear_regression({.n = -5}); }, {"linear_regression", "-5"});
  testing::expect_error([] { polynomial_regression({.coefficients = {}}); },
                        {"polynomial_regression", "coefficient"});
  testing::expect_error([] { polynomial_regression({.low = 1, .high = 1}); },
                        {"polynomial_regression", "low 1", "high 1"});
}

}  // namespace
}  // namespace nabla::data::datasets
