// Synthetic data sets for small experiments: the two-dimensional
// classification problems of the TensorFlow playground and scikit-learn
// (two spirals, moons, circles, XOR, Gaussian blobs) and noisy linear and
// polynomial regression. Each draws from a Generator seeded with its options'
// seed, so equal options give equal data. Rows come class after class (or in
// the order drawn); shuffle them with a DataLoader or train_test_split.
// Classification targets are i64 labels [n]; regression targets are [n, 1] in
// the inputs' dtype.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "data/dataset.h"
#include "tensor/tensor.h"

namespace nabla::data::datasets {

struct SpiralOptions {
  /// Points per spiral (class).
  std::int64_t n_per_class = 100;
  /// The standard deviation of the Gaussian noise added to each coordinate.
  double noise = 0.0;
  /// How many times each spiral winds around the origin.
  double turns = 1.75;
  /// The radius reached by the last point.
  double radius = 5.0;
  std::uint64_t seed = 0;
  DType dtype = DType::f32;
};

/// Two interleaved spirals, as in the TensorFlow playground: point i of class
/// c (i = 0 … n−1, c = 0, 1) is
///   r = radius · i / n,  θ = 2π · turns · i / n + c · π,
///   (x, y) = (r sin θ, r cos θ) + noise · N(0, I),
/// so without noise r is proportional to θ − cπ. Inputs [2n, 2], labels
/// 0 then 1. Throws nabla::Error for n_per_class < 1, negative noise, turns or
/// radius not positive, or a non-floating dtype.
Dataset two_spirals(const SpiralOptions& options = {});

struct MoonsOptions {
  std::int64_t n_per_class = 100;
  /// The standard deviation of the Gaussian noise added to each coordinate.
  double noise = 0.0;
  std::uint64_t seed = 0;
  DType dtype = DType::f32;
};

/// Two interleaving half circles, as scikit-learn's make_moons: with
/// t_i = π · i / (n − 1), class 0 is (cos t, sin t) and class 1 is
/// (1 − cos t, 0.5 − sin t), plus noise · N(0, I). Inputs [2n, 2], labels 0
/// then 1. Throws nabla::Error for n_per_class < 1, negative noise or a
/// non-floating dtype.
Dataset moons(const MoonsOptions& options = {});

struct CirclesOptions {
  std::int64_t n_per_class = 100;
  /// The radius of the inner circle relative to the outer one, in [0, 1).
  double factor = 0.5;
  /// The standard deviation of the Gaussian noise added to each coordinate.
  double noise = 0.0;
  std::uint64_t seed = 0;
  DType dtype = DType::f32;
};

/// Two concentric circles, as scikit-learn's make_circles: with
/// t_i = 2π · i / n, class 0 is (cos t, sin t) (radius 1) and class 1 is
/// factor · (cos t, sin t), plus noise · N(0, I). Inputs [2n, 2], labels 0
/// then 1. Throws nabla::Error for n_per_class < 1, factor outside [0, 1),
/// negative noise or a non-floating dtype.
Dataset circles(const CirclesOptions& options = {});

enum class XorLayout {
  /// Points uniform in the four squares margin <= |x|, |y| <= 1.
  uniform_quadrants,
  /// Four Gaussian blobs of standard deviation `std` around (±1, ±1).
  gaussian_blobs,
};

struct XorOptions {
  /// Points per quadrant (so 2 · n_per_quadrant per class).
  std::int64_t n_per_quadrant = 50;
  XorLayout layout = XorLayout::uniform_quadrants;
  /// uniform_quadrants: the empty band |x| < margin, |y| < margin along the axes, in [0, 1).
  double margin = 0.1;
  /// gaussian_blobs: the standard deviation of each blob.
  double std = 0.3;
  std::uint64_t seed = 0;
  DType dtype = DType::f32;
};

/// The XOR problem: label 1 where the signs of x and y differ (x · y < 0) and
/// 0 where they agree, i.e. the XOR of the two sign bits. For gaussian_blobs
/// the label is that of the blob's centre (a point may stray across an axis).
/// Rows come quadrant by quadrant: (+, +) label 0, (−, +) label 1, (−, −)
/// label 0, (+, −) label 1. Inputs [4n, 2]. Throws nabla::Error for
/// n_per_quadrant < 1, margin outside [0, 1), negative std or a non-floating dtype.
Dataset xor_data(const XorOptions& options = {});

struct BlobsOptions {
  std::int64_t n_per_class = 100;
  /// One centre per class, all of the same dimension d >= 1.
  std::vector<std::vector<double>> centers = {{-3.0, 0.0}, {3.0, 0.0}, {0.0, 4.0}};
  /// The standard deviation of each coordinate around its centre.
  double std = 1.0;
  std::uint64_t seed = 0;
  DType dtype = DType::f32;
};

/// Isotropic Gaussian blobs, as scikit-learn's make_blobs: class c is
/// centers[c] + std · N(0, I). Inputs [k · n, d], labels 0 … k−1 in blocks.
/// Throws nabla::Error for n_per_class < 1, no centres, centres of different
/// or zero dimension, negative std or a non-floating dtype.
Dataset blobs(const BlobsOptions& options = {});

struct LinearRegressionOptions {
  std::int64_t n = 100;
  /// Input features; 0 means weights.size(), or 1 when no weights are given.
  std::int64_t features = 0;
  /// The true weights; empty: drawn from N(0, 1).
  std::vector<double> weights = {};
  /// The true bias; absent: drawn from N(0, 1).
  std::optional<double> bias = std::nullopt;
  /// The standard deviation of the Gaussian noise added to y.
  double noise = 0.0;
  std::uint64_t seed = 0;
  DType dtype = DType::f32;
};

/// A linear regression problem with its true parameters.
struct LinearRegressionData {
  Dataset data;
  /// The true weights [features] (f64).
  Tensor weights;
  double bias = 0.0;
};

/// Inputs x ~ N(0, I) [n, F] and targets y = x · w + b + noise · N(0, 1)
/// [n, 1], computed in double from the inputs as stored (so with noise 0,
/// y = x · w + b holds up to the rounding of y to dtype). Throws nabla::Error
/// for n < 1, features < 0, features different from weights.size() when both
/// are given, negative noise or a non-floating dtype.
LinearRegressionData linear_regression(const LinearRegressionOptions& options = {});

struct PolynomialRegressionOptions {
  std::int64_t n = 100;
  /// c_0, c_1, …: y = c_0 + c_1 x + c_2 x² + …
  std::vector<double> coefficients = {0.0, 0.0, 1.0};
  /// x is drawn uniformly from [low, high] (high itself only by rounding).
  double low = -1.0;
  double high = 1.0;
  /// The standard deviation of the Gaussian noise added to y.
  double noise = 0.0;
  std::uint64_t seed = 0;
  DType dtype = DType::f32;
};

/// A one-dimensional polynomial: inputs x [n, 1] uniform in [low, high],
/// targets y = Σ_k c_k x^k + noise · N(0, 1) [n, 1] (evaluated in double by
/// Horner's rule from x as stored). Throws nabla::Error for n < 1, no
/// coefficients, low >= high, negative noise or a non-floating dtype.
Dataset polynomial_regression(const PolynomialRegressionOptions& options = {});

}  // namespace nabla::data::datasets
