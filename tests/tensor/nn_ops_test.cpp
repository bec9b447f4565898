// Tests of tensor/nn_ops.h: softmax and log_softmax against the definition
// evaluated in double; the cross-entropy label kernels and the batch-norm
// kernels against hand-computed values, against reference loops in double and
// against the composed formula written here in tensor ops, on their fused and
// composed paths; and every error path.
#include "tensor/nn_ops.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/random.h"
#include "tensor/reduce.h"
#include "tensor/shape_ops.h"

#include "test_util.h"

namespace nabla {
namespace {

using testing::values;

using testing::expect_error;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void expect_near(const Tensor& t, const std::vector<double>& want, double tol) {
  const std::vector<double> got = values(t);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], tol * std::max(1.0, std::abs(want[i]))) << "at " << i;
}

// A [rows, cols] tensor with element (i, j) = ((7 i + 3 j) % 11) - 5.
Tensor patterned(std::int64_t rows, std::int64_t cols, DType dtype) {
  std::vector<double> v;
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j)
      v.push_back(static_cast<double>((7 * i + 3 * j) % 11) - 5.0);
  return from_vector(v, {rows, cols}).to(dtype);
}

// The transpose of a contiguous [rows, cols] tensor as a strided view.
Tensor transposed(const Tensor& t) {
  return as_strided(t, Shape{t.shape()[1], t.shape()[0]}, Strides{1, t.shape()[1]}, t.offset());
}

// A [rows, cols] tensor holding the values of `t` [rows, cols] but laid out
// column-major (not contiguous), so that kernels take their composed path.
Tensor column_major(const Tensor& t) {
  return transposed(transposed(t).contiguous());
}

// ---------------------------------------------------------------- softmax, log_softmax

// Softmax of one slice by the definition, in double.
std::vector<double> softmax_ref(const std::vector<double>& x) {
  double m = -kInf;
  for (double v : x) m = std::max(m, v);
  double s = 0.0;
  for (double v : x) s += std::exp(v - m);
  std::vector<double> y;
  for (double v : x) y.push_back(std::exp(v - m) / s);
  return y;
}

// f32 class labels [N] are the common slip: the message names both target
// forms instead of calling them probabilities of the wrong shape.
TEST(CrossEntropyTarget, MessagesNameBothTargetForms) {
  const Shape logits{2, 3};
  testing::expect_error(
      [&] {
        detail::check_cross_entropy_target(from_vector<float>({0, 2}, Shape{2}), logits, "ce");
      },
      {"ce", "the target is f32 [2]", "class labels (i64 of shape [2])",
       "probabilities (f32 of shape [2, 3])", ".to(DType::i64)"});
  testing::expect_error(
      [&] {
        detail::check_cross_entropy_target(zeros({2, 4}, DType::f64), logits, "ce");
      },
      {"ce", "the target is f64 [2, 4]", "probabilities (f64 of shape [2, 3])"});
  testing::expect_error(
      [&] {
        detail::check_cross_entropy_target(from_vector<std::int64_t>({0, 3}, Shape{2}), logits,
                                           "ce");
      },
      {"ce", "label 3 at position 1 is outside [0, 3)"});
  detail::check_cross_entropy_target(from_vector<std::int64_t>({0, 2}, Shape{2}), logits, "ce");
  detail::check_cross_entropy_target(zeros({2, 3}), logits, "ce");
}

TEST(ReduceSoftmax, LastDimMatchesDefinition) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor t = tensor({{1, 2, 3}, {0, 0, 0}}, dt);
    const Tensor y = softmax(t, 1);
    EXPECT_EQ(y.shape(), (Shape{2, 3}));
    EXPECT_EQ(y.dtype(), dt);
    std::vector<double> want = softmax_ref({1, 2, 3});
    for (double v : softmax_ref({0, 0, 0})) want.push_back(v);
    expect_near(y, want, 1e-6);
    expect_near(sum(softmax(t, -1), {1}), {1.0, 1.0}, 1e-6);
  }
}

TEST(ReduceSoftmax, FirstDimAndNonContiguous) {
  const Tensor t = tensor({{1, 5}, {2, 5}, {4, 5}}, DType::f64);
  const Tensor y = softmax(t, 0);
  const std::vector<double> c0 = softmax_ref({1, 2, 4});
  expect_near(y, {c0[0], 1.0 / 3, c0[1], 1.0 / 3, c0[2], 1.0 / 3}, 1e-12);
  // Softmax along dim 1 of the transposed view = along dim 0 of t.
  const Tensor v = as_strided(t, {2, 3}, {1, 2}, 0);
  expect_near(softmax(v, 1), {c0[0], c0[1], c0[2], 1.0 / 3, 1.0 / 3, 1.0 / 3}, 1e-12);
}

TEST(ReduceSoftmax, StableForExtremeLogits) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor t = tensor({{1e4, 1e4, 0}, {-1e4, -1e4, -1e4}, {1e4, -1e4, 0}}, dt);
    const Tensor y = softmax(t, 1);
    expect_near(y, {0.5, 0.5, 0.0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0, 0.0, 0.0}, 1e-6);
    const Tensor ly = log_softmax(t, 1);
    const double l3 = -std::log(3.0);
    expect_near(ly,
                {-std::log(2.0), -std::log(2.0), -1e4 - std::log(2.0), l3, l3, l3, 0.0, -2e4, -1e4},
                1e-6);
    for (double v : values(ly)) EXPECT_TRUE(std::isfinite(v));
  }
}

TEST(ReduceSoftmax, LogSoftmaxMatchesDefinitionAlongEachDim) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor t = tensor({{0.5, -1, 2}, {3, 0, -2}}, dt);
    const std::vector<double> r0 = softmax_ref({0.5, -1, 2});
    const std::vector<double> r1 = softmax_ref({3, 0, -2});
    expect_near(log_softmax(t, 1),
                {std::log(r0[0]), std::log(r0[1]), std::log(r0[2]), std::log(r1[0]),
                 std::log(r1[1]), std::log(r1[2])},
                1e-6);
    const std::vector<double> a = softmax_ref({0.5, 3}), b = softmax_ref({-1, 0}),
                              c = softmax_ref({2, -2});
    expect_near(log_softmax(t, 0),
                {std::log(a[0]), std::log(b[0]), std::log(c[0]), std::log(a[1]), std::log(b[1]),
                 std::log(c[1])},
                1e-6);
  }
}

TEST(ReduceSoftmax, RelativeAccuracyOverWideRange) {
  // Logits spread over [-80, 0] (and beyond, into f32 denormals and below):
  // every probability, however small, is within a few ulp of the definition.
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor t = linspace(-80.0, 0.0, 801, dt);
    const std::vector<double> x = values(t);
    const std::vector<double> want = softmax_ref(x);
    const std::vector<double> got = values(softmax(t, 0));
    for (std::size_t i = 0; i < x.size(); ++i)
      EXPECT_NEAR(got[i], want[i], 3e-6 * want[i]) << "logit " << x[i];
    const Tensor tail = tensor({0.0, -100.0, -120.0, -kInf}, dt);
    const std::vector<double> p = values(softmax(tail, 0));
    EXPECT_NEAR(p[0], 1.0, 1e-7);
    // A denormal in f32: within one denormal step (1.4e-45).
    EXPECT_NEAR(p[1], std::exp(-100.0), 1.5e-45);
    EXPECT_EQ(p[3], 0.0);
    EXPECT_NEAR(logsumexp(t).item<double>(), std::log(1.0 / want.back()), 1e-6);
  }
}

TEST(ReduceSoftmax, LargeRowsSumToOne) {
  const Tensor t = patterned(300, 1000, DType::f32);
  expect_near(sum(softmax(t, 1), {1}), std::vector<double>(300, 1.0), 1e-5);
  expect_near(sum(softmax(t, 0), {0}), std::vector<double>(1000, 1.0), 1e-5);
}

TEST(ReduceSoftmax, EmptyAndErrors) {
  EXPECT_EQ(softmax(zeros({0, 3}), 1).shape(), (Shape{0, 3}));
  EXPECT_EQ(log_softmax(zeros({2, 0}), 1).shape(), (Shape{2, 0}));
  expect_error([] { softmax(zeros({2}, DType::i64), 0); }, "softmax: expected a floating dtype");
  expect_error([] { log_softmax(zeros({2}, DType::i64), 0); },
               "log_softmax: expected a floating dtype");
  expect_error([] { softmax(zeros({2, 2}), 2); }, "softmax: dim 2 out of range");
  expect_error([] { log_softmax(zeros({2, 2}), -3); }, "log_softmax: dim -3 out of range");
}

// ---------------------------------------------------------------- cross-entropy of labels

// log p of the rows p = [0.5, 0.25, 0.25] and [0.1, 0.2, 0.7].
Tensor log_probabilities(DType dtype) {
  return tensor({{std::log(0.5), std::log(0.25), std::log(0.25)},
                 {std::log(0.1), std::log(0.2), std::log(0.7)}},
                dtype);
}

const Tensor kLabels = from_vector<std::int64_t>({0, 2}, {2});

TEST(NnOpsCrossEntropyLabels, LossMatchesHandComputedValues) {
  for (DType dt : {DType::f32, DType::f64}) {
    // −(log 0.5 + log 0.7): the log-probabilities of the labels
    const double total = -(std::log(0.5) + std::log(0.7));
    const Tensor mean_loss =
        cross_entropy_label_loss(log_probabilities(dt), kLabels, Reduction::mean);
    EXPECT_EQ(mean_loss.shape(), Shape{});
    EXPECT_EQ(mean_loss.dtype(), dt);
    EXPECT_NEAR(mean_loss.item<double>(), total / 2, 1e-6);
    EXPECT_NEAR(
        cross_entropy_label_loss(log_probabilities(dt), kLabels, Reduction::sum).item<double>(),
        total, 1e-6);
    // The same from a non-contiguous log_p.
    EXPECT_NEAR(
        cross_entropy_label_loss(column_major(log_probabilities(dt)), kLabels, Reduction::mean)
            .item<double>(),
        total / 2, 1e-6);
  }
}

TEST(NnOpsCrossEntropyLabels, ManyRowsMatchReferenceSum) {
  // 45 rows: the 16-lane sums and a tail.
  for (DType dt : {DType::f32, DType::f64}) {
    const std::int64_t n = 45, classes = 7;
    const Tensor log_p = log_softmax(patterned(n, classes, dt), 1);
    std::vector<std::int64_t> labels;
    for (std::int64_t i = 0; i < n; ++i) labels.push_back((3 * i) % classes);
    const std::vector<double> lp = values(log_p);
    double total = 0;
    for (std::int64_t i = 0; i < n; ++i) total -= lp[i * classes + labels[i]];
    const Tensor l = from_vector(labels, {n});
    EXPECT_NEAR(cross_entropy_label_loss(log_p, l, Reduction::sum).item<double>(), total,
                1e-6 * total);
    EXPECT_NEAR(cross_entropy_label_loss(log_p, l, Reduction::mean).item<double>(),
                total / static_cast<double>(n), 1e-6 * total / static_cast<double>(n));
  }
}

TEST(NnOpsCrossEntropyLabels, NonFiniteLogProbabilityTakesTheGeneralFormula) {
  for (DType dt : {DType::f32, DType::f64}) {
    // −Σ_c t_c log p_c with one-hot t: 0 · (−inf) in another class gives NaN,
    // −inf at the label gives +inf, NaN anywhere gives NaN.
    const Tensor other = tensor({{-kInf, 0.0}, {std::log(0.5), std::log(0.5)}}, dt);
    const Tensor labels = from_vector<std::int64_t>({1, 0}, {2});
    EXPECT_TRUE(
        std::isnan(cross_entropy_label_loss(other, labels, Reduction::mean).item<double>()));
    const Tensor at_label = tensor({{0.0, -kInf}, {std::log(0.5), std::log(0.5)}}, dt);
    EXPECT_EQ(cross_entropy_label_loss(at_label, labels, Reduction::sum).item<double>(), kInf);
    const Tensor nan = tensor({{kNaN, 0.0}, {std::log(0.5), std::log(0.5)}}, dt);
    EXPECT_TRUE(std::isnan(cross_entropy_label_loss(nan, labels, Reduction::sum).item<double>()));
  }
}

TEST(NnOpsCrossEntropyLabels, GradMatchesHandComputedValues) {
  for (DType dt : {DType::f32, DType::f64}) {
    // g (p − t) with g = 0.5: p = [0.5, 0.25, 0.25] − [1, 0, 0], [0.1, 0.2, 0.7] − [0, 0, 1]
    const std::vector<double> want = {-0.25, 0.125, 0.125, 0.05, 0.1, -0.15};
    const Tensor grad = cross_entropy_label_grad(log_probabilities(dt), kLabels, full({}, 0.5, dt));
    EXPECT_EQ(grad.shape(), (Shape{2, 3}));
    EXPECT_EQ(grad.dtype(), dt);
    expect_near(grad, want, 1e-6);
    // A one-element [1] gradient of another dtype, and a non-contiguous log_p.
    expect_near(cross_entropy_label_grad(column_major(log_probabilities(dt)), kLabels,
                                         full({1}, 0.5, DType::f64)),
                want, 1e-6);
    // exp(−inf) = 0: the gradient of a class of probability 0 is 0 − t.
    const Tensor lp = tensor({{-kInf, 0.0}}, dt);
    expect_near(
        cross_entropy_label_grad(lp, from_vector<std::int64_t>({0}, {1}), full({}, 1.0, dt)),
        {-1.0, 1.0}, 1e-6);
  }
}

TEST(NnOpsCrossEntropyLabels, Errors) {
  const Tensor lp = log_probabilities(DType::f32);
  expect_error([&] { cross_entropy_label_loss(lp, kLabels, Reduction::none); },
               {"cross_entropy_label_loss", "mean or sum", "none"});
  expect_error(
      [&] {
        cross_entropy_label_loss(lp, from_vector<std::int64_t>({0, 3}, {2}), Reduction::sum);
      },
      {"cross_entropy_label_loss", "label 3", "position 1", "[0, 3)"});
  expect_error(
      [&] {
        cross_entropy_label_grad(lp, from_vector<std::int64_t>({-1, 0}, {2}), full({}, 1.0));
      },
      {"cross_entropy_label_grad", "label -1", "position 0"});
  expect_error(
      [&] {
        cross_entropy_label_loss(lp, from_vector<std::int64_t>({0, 1, 2}, {3}), Reduction::sum);
      },
      {"cross_entropy_label_loss", "labels have shape [3]", "[2]"});
  expect_error(
      [&] {
        cross_entropy_label_loss(lp, tensor({0.0, 2.0}), Reduction::sum);
      },
      {"cross_entropy_label_loss", "i64 labels", "f32"});
  expect_error(
      [&] {
        cross_entropy_label_loss(zeros({2, 3}, DType::i64), kLabels, Reduction::sum);
      },
      {"cross_entropy_label_loss", "floating log-probabilities", "i64"});
  expect_error([&] { cross_entropy_label_loss(zeros({3}), kLabels, Reduction::sum); },
               {"cross_entropy_label_loss", "[N, C]", "[3]"});
  expect_error([&] { cross_entropy_label_grad(lp, kLabels, zeros({2})); },
               {"cross_entropy_label_grad", "one element", "[2]"});
  expect_error([&] { cross_entropy_label_grad(lp, kLabels, Tensor()); },
               {"cross_entropy_label_grad", "undefined"});
  expect_error([&] { cross_entropy_label_loss(Tensor(), kLabels, Reduction::mean); },
               {"cross_entropy_label_loss", "undefined"});
}

// ---------------------------------------------------------------- batch norm

// Batch norm of a [rows, channels] matrix by the definition, in double: the
// mean, the biased variance, x̂ and y = γ x̂ + β per column.
struct BatchNormReference {
  std::vector<double> mean, var, invstd, x_hat, y;
};

BatchNormReference batch_norm_reference(const std::vector<double>& x,
                                        std::int64_t rows,
                                        std::int64_t channels,
                                        const std::vector<double>& gamma,
                                        const std::vector<double>& beta,
                                        double eps) {
  BatchNormReference r;
  r.x_hat.resize(x.size());
  r.y.resize(x.size());
  for (std::int64_t c = 0; c < channels; ++c) {
    double m = 0, v = 0;
    for (std::int64_t i = 0; i < rows; ++i) m += x[i * channels + c];
    m /= static_cast<double>(rows);
    for (std::int64_t i = 0; i < rows; ++i)
      v += (x[i * channels + c] - m) * (x[i * channels + c] - m);
    v /= static_cast<double>(rows);
    r.mean.push_back(m);
    r.var.push_back(v);
    r.invstd.push_back(1 / std::sqrt(v + eps));
    for (std::int64_t i = 0; i < rows; ++i) {
      const std::size_t k = static_cast<std::size_t>(i * channels + c);
      r.x_hat[k] = (x[k] - m) * r.invstd.back();
      r.y[k] = (gamma.empty() ? 1.0 : gamma[c]) * r.x_hat[k] + (beta.empty() ? 0.0 : beta[c]);
    }
  }
  return r;
}

TEST(NnOpsBatchNorm, ForwardMatchesHandComputedValues) {
  for (DType dt : {DType::f32, DType::f64}) {
    // Column 0: μ = 3, σ² = 8/3; column 1: μ = 5, σ² = 26/3.
    const Tensor x = tensor({{1, 2}, {3, 4}, {5, 9}}, dt);
    const BatchNormOutput out =
        batch_norm_forward(x, tensor({2.0, 0.5}, dt), tensor({1.0, -1.0}, dt), /*eps=*/0.0);
    const double s0 = std::sqrt(3.0 / 8), s1 = std::sqrt(3.0 / 26);
    EXPECT_EQ(out.mean.shape(), (Shape{1, 2}));
    EXPECT_EQ(out.y.dtype(), dt);
    expect_near(out.mean, {3, 5}, 1e-6);
    expect_near(out.var, {8.0 / 3, 26.0 / 3}, 1e-6);
    expect_near(out.invstd, {s0, s1}, 1e-6);
    expect_near(out.x_hat, {-2 * s0, -3 * s1, 0, -s1, 2 * s0, 4 * s1}, 1e-6);
    expect_near(out.y, {1 - 4 * s0, -1 - 1.5 * s1, 1, -1 - 0.5 * s1, 1 + 4 * s0, -1 + 2 * s1},
                1e-6);
    // Without γ and β, y is x̂.
    const BatchNormOutput plain = batch_norm_forward(x, Tensor(), Tensor(), 0.0);
    expect_near(plain.y, values(out.x_hat), 1e-6);
  }
}

TEST(NnOpsBatchNorm, FusedAndComposedForwardsMatchReference) {
  Generator gen(7);
  for (DType dt : {DType::f32, DType::f64}) {
    const std::int64_t rows = 64, channels = 5;
    const Tensor x = randn({rows, channels}, gen, dt) * 3.0 + 1.0;
    const Tensor gamma = randn({channels}, gen, dt);
    const Tensor beta = randn({channels}, gen, dt);
    const BatchNormReference ref =
        batch_norm_reference(values(x), rows, channels, values(gamma), values(beta), 1e-5);
    const double tol = dt == DType::f32 ? 1e-5 : 1e-12;
    // Contiguous [N, C]: the fused loops; a column-major x: the composed tensor ops.
    for (const Tensor& input : {x, column_major(x)}) {
      const BatchNormOutput out = batch_norm_forward(input, gamma, beta, 1e-5);
      expect_near(out.mean, ref.mean, tol);
      expect_near(out.var, ref.var, tol);
      expect_near(out.invstd, ref.invstd, tol);
      expect_near(out.x_hat, ref.x_hat, tol);
      expect_near(out.y, ref.y, tol);
    }
  }
}

TEST(NnOpsBatchNorm, ThreeDimensionalInputUsesBatchAndLength) {
  // [N, C, L] = [2, 2, 2]: channel c holds x[:, c, :], four values each.
  const Tensor x = tensor({{{1, 2}, {0, 0}}, {{3, 6}, {4, 8}}}, DType::f64);
  const BatchNormOutput out = batch_norm_forward(x, Tensor(), tensor({0.0, 1.0}, DType::f64), 0.0);
  EXPECT_EQ(out.mean.shape(), (Shape{1, 2, 1}));
  // Channel 0: {1, 2, 3, 6}, μ = 3, σ² = (4 + 1 + 0 + 9) / 4 = 3.5;
  // channel 1: {0, 0, 4, 8}, μ = 3, σ² = (9 + 9 + 1 + 25) / 4 = 11.
  expect_near(out.mean, {3, 3}, 1e-12);
  expect_near(out.var, {3.5, 11}, 1e-12);
  const double s0 = 1 / std::sqrt(3.5), s1 = 1 / std::sqrt(11.0);
  expect_near(out.y, {-2 * s0, -s0, 1 - 3 * s1, 1 - 3 * s1, 0, 3 * s0, 1 + s1, 1 + 5 * s1}, 1e-12);
}

TEST(NnOpsBatchNorm, ForwardWithGivenStatistics) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor x = tensor({{1, 2}, {3, 4}, {5, 9}}, dt);
    // Statistics of another dtype are converted to x's.
    const BatchNormOutput out =
        batch_norm_forward(x, tensor({2.0, 0.5}, dt), tensor({1.0, -1.0}, dt),
                           tensor({3.0, 5.0}, DType::f64), tensor({8.0 / 3, 26.0 / 3}, DType::f64),
                           /*eps=*/0.0);
    const double s0 = std::sqrt(3.0 / 8), s1 = std::sqrt(3.0 / 26);
    EXPECT_EQ(out.y.dtype(), dt);
    expect_near(out.y, {1 - 4 * s0, -1 - 1.5 * s1, 1, -1 - 0.5 * s1, 1 + 4 * s0, -1 + 2 * s1},
                1e-6);
    // One row is enough with given statistics: (x − μ) / sqrt(σ² + eps) with eps = 1.
    const BatchNormOutput one = batch_norm_forward(full({1, 1}, 4.0, dt), Tensor(), Tensor(),
                                                   tensor({2.0}, dt), tensor({3.0}, dt), 1.0);
    expect_near(one.y, {1.0}, 1e-6);
  }
}

TEST(NnOpsBatchNorm, BackwardMatchesHandComputedValues) {
  // One channel, x = [−1, 0, 1] with eps = 0: σ² = 2/3, 1/σ = sqrt(1.5),
  // x̂ = [−r, 0, r] with r = sqrt(1.5); g = [1, 0, 0] and γ = 2, so s = 2r.
  // mean(g) = 1/3, mean(g x̂) = −r/3, so
  // grad_x = s (g − 1/3 + x̂ r/3) = 2r ([1, 0, 0] − 1/3 + [−1/2, 0, 1/2]) = 2r [1/6, −1/3, 1/6],
  // grad_γ = Σ g x̂ = −r, grad_β = Σ g = 1; in evaluation grad_x = s g = [2r, 0, 0].
  const double r = std::sqrt(1.5);
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor x_hat = from_vector(std::vector<double>{-r, 0.0, r}, {3, 1}).to(dt);
    const Tensor invstd = full({1, 1}, r, dt);
    const Tensor g = from_vector(std::vector<double>{1.0, 0.0, 0.0}, {3, 1}).to(dt);
    for (const Tensor& grad_out : {g, column_major(g)}) {
      const BatchNormGrads grads =
          batch_norm_backward(grad_out, x_hat, invstd, tensor({2.0}, dt), true, {0});
      expect_near(grads.input, {r / 3, -2 * r / 3, r / 3}, 1e-6);
      expect_near(grads.gamma, {-r}, 1e-6);
      expect_near(grads.beta, {1.0}, 1e-6);
      EXPECT_EQ(grads.gamma.shape(), (Shape{1}));
    }
    const BatchNormGrads eval =
        batch_norm_backward(g, x_hat, invstd, tensor({2.0}, dt), false, {0});
    expect_near(eval.input, {2 * r, 0, 0}, 1e-6);
    expect_near(eval.gamma, {-r}, 1e-6);
    // Without γ, s = 1/σ.
    const BatchNormGrads unscaled = batch_norm_backward(g, x_hat, invstd, Tensor(), true, {0});
    expect_near(unscaled.input, {r / 6, -r / 3, r / 6}, 1e-6);
  }
}

TEST(NnOpsBatchNorm, BackwardMatchesComposedFormula) {
  Generator gen(11);
  for (DType dt : {DType::f32, DType::f64}) {
    const double tol = dt == DType::f32 ? 1e-5 : 1e-12;
    // [N, C] (fused when contiguous) and [N, C, L] (composed), with the formula
    // s (g − mean(g) − x̂ mean(g x̂)), Σ g x̂, Σ g written here in tensor ops.
    for (const Shape& shape : {Shape{50, 4}, Shape{6, 4, 3}}) {
      const Dims dims = shape.rank() == 2 ? Dims{0} : Dims{0, 2};
      const Shape stat = shape.rank() == 2 ? Shape{1, 4} : Shape{1, 4, 1};
      const Tensor x = randn(shape, gen, dt);
      const Tensor gamma = randn({4}, gen, dt);
      const Tensor g = randn(shape, gen, dt);
      const Tensor mu = mean(x, dims, true);
      const Tensor invstd = rsqrt(mean((x - mu) * (x - mu), dims, true) + 1e-5);
      const Tensor x_hat = (x - mu) * invstd;
      const Tensor s = reshape(gamma, stat) * invstd;
      const Tensor want_x = s * (g - mean(g, dims, true) - x_hat * mean(g * x_hat, dims, true));
      const BatchNormGrads grads = batch_norm_backward(g, x_hat, invstd, gamma, true, dims);
      expect_near(grads.input, values(want_x), tol);
      expect_near(grads.gamma, values(sum(g * x_hat, dims)), tol);
      expect_near(grads.beta, values(sum(g, dims)), tol);
      EXPECT_EQ(grads.gamma.shape(), (Shape{4}));
      // A γ already shaped like 1/σ gives the same.
      expect_near(batch_norm_backward(g, x_hat, invstd, reshape(gamma, stat), true, dims).input,
                  values(want_x), tol);
    }
  }
}

TEST(NnOpsBatchNorm, BackwardComputesOnlyTheNeededGradients) {
  const Tensor x_hat = tensor({{-1.0, 1.0}, {1.0, -1.0}});
  const Tensor invstd = tensor({{1.0, 2.0}});
  const Tensor g = tensor({{1.0, 2.0}, {3.0, 4.0}});
  for (const Tensor& grad_out : {g, column_major(g)}) {
    const BatchNormGrads grads =
        batch_norm_backward(grad_out, x_hat, invstd, Tensor(), true, {0},
                            {.input = false, .gamma = true, .beta = false});
    EXPECT_FALSE(grads.input.defined());
    EXPECT_FALSE(grads.beta.defined());
    // Σ g x̂ per column: −1 + 3, 2 − 4.
    expect_near(grads.gamma, {2, -2}, 1e-6);
  }
}

TEST(NnOpsBatchNorm, Errors) {
  const Tensor x = ones({4, 2});
  expect_error([&] { batch_norm_forward(ones({4}), Tensor(), Tensor(), 1e-5); },
               {"batch_norm", "expected a floating input", "[4]"});
  expect_error(
      [&] {
        batch_norm_forward(ones({4, 2}, DType::i64), Tensor(), Tensor(), 1e-5);
      },
      {"batch_norm", "expected a floating input", "i64"});
  expect_error([&] { batch_norm_forward(x, ones({3}), Tensor(), 1e-5); },
               {"batch_norm", "gamma must be a floating tensor of shape [2]", "[3]"});
  expect_error(
      [&] {
        batch_norm_forward(x, Tensor(), ones({2, 1}), 1e-5);
      },
      {"batch_norm", "beta must be", "[2, 1]"});
  expect_error([&] { batch_norm_forward(x, Tensor(), Tensor(), -1.0); },
               {"batch_norm", "eps must be non-negative", "-1"});
  expect_error(
      [&] {
        batch_norm_forward(ones({1, 2}), Tensor(), Tensor(), 1e-5);
      },
      {"batch_norm", "more than one value per channel", "[1, 2]"});
  expect_error([&] { batch_norm_forward(x, Tensor(), Tensor(), ones({3}), ones({2}), 1e-5); },
               {"batch_norm", "mean must be", "[3]"});
  expect_error([&] { batch_norm_forward(x, Tensor(), Tensor(), ones({2}), Tensor(), 1e-5); },
               {"batch_norm", "undefined"});
  expect_error([&] { batch_norm_forward(Tensor(), Tensor(), Tensor(), 1e-5); },
               {"batch_norm", "undefined"});
  const Tensor invstd = ones({1, 2});
  expect_error(
      [&] {
        batch_norm_backward(ones({3, 2}), x, invstd, Tensor(), true, {0});
      },
      {"batch_norm_backward", "grad_out has shape [3, 2]", "[4, 2]"});
  expect_error([&] { batch_norm_backward(x, x, invstd, ones({3}), true, {0}); },
               {"batch_norm_backward", "gamma has shape [3]", "2 channels"});
  expect_error([&] { batch_norm_backward(x, x, Tensor(), Tensor(), true, {0}); },
               {"batch_norm_backward", "undefined"});
}

}  // namespace
}  // namespace nabla
