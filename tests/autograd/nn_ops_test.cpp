// Gradients and values of the neural-network ops: softmax, log_softmax, the
// fused cross-entropies, batch_norm and dropout. Reference values are computed
// in the tests from the published formulas in plain double arithmetic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "autograd/nn_ops.h"
#include "autograd/shape_ops.h"
#include "gradcheck_case.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;
using testing::expect_gradcheck;
using testing::random;
using testing::values;

void expect_near(const std::vector<double>& actual,
                 const std::vector<double>& expected,
                 double tol) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i], tol) << "at element " << i;
}

// ---------------------------------------------------------------------------
// softmax, log_softmax

GRADCHECK_TEST(SoftmaxBackward, AlongFirstAndLastDim) {
  expect_gradcheck([](const auto& v) { return softmax(v[0], 0); }, {random({3, 4}, 1)});
  expect_gradcheck([](const auto& v) { return softmax(v[0], -1); }, {random({3, 4}, 2)});
  expect_gradcheck([](const auto& v) { return softmax(v[0], 1); }, {random({2, 3, 2}, 3)});
  expect_gradcheck([](const auto& v) { return softmax(v[0], -1); },
                   {transpose(random({4, 3}, 4), 0, 1)});
}

TEST(SoftmaxBackward, GradientByHand) {
  // x = [0, ln 3] -> y = [1/4, 3/4]. L = y_0: dL/dx_j = y_0 (δ_0j − y_j)
  //   = [1/4 · 3/4, −1/4 · 3/4] = [0.1875, −0.1875]
  Variable x(from_vector<double>({0, std::log(3.0)}, {2}), true);
  Variable y = softmax(x, 0);
  expect_near(values(y.value()), {0.25, 0.75}, 1e-15);
  y.backward(from_vector<double>({1, 0}, {2}));
  expect_near(values(x.grad()), {0.1875, -0.1875}, 1e-15);
}

GRADCHECK_TEST(LogSoftmaxBackward, AlongFirstAndLastDim) {
  expect_gradcheck([](const auto& v) { return log_softmax(v[0], 0); }, {random({3, 4}, 5)});
  expect_gradcheck([](const auto& v) { return log_softmax(v[0], -1); }, {random({3, 4}, 6)});
  expect_gradcheck([](const auto& v) { return log_softmax(v[0], 1); },
                   {transpose(random({2, 3, 2}, 7), 0, 2)});
}

TEST(LogSoftmaxBackward, GradientByHand) {
  // L = Σ_i log_softmax(x)_i = Σ_i x_i − C logsumexp(x): dL/dx = 1 − C softmax(x)
  // x = [0, ln 3], C = 2: [1 − 2/4, 1 − 6/4] = [0.5, −0.5]
  Variable x(from_vector<double>({0, std::log(3.0)}, {2}), true);
  log_softmax(x, 0).backward(ones({2}, DType::f64));
  expect_near(values(x.grad()), {0.5, -0.5}, 1e-15);
}

TEST(SoftmaxBackward, ErrorsNameTheOp) {
  Variable x(zeros({2, 3}), true);
  expect_error([&] { softmax(x, 2); }, {"softmax", "2"});
  expect_error([&] { log_softmax(x, -3); }, {"log_softmax", "-3"});
}

// ---------------------------------------------------------------------------
// softmax_cross_entropy

// The cross-entropy of one row in plain double: −Σ_c t_c (z_c − logsumexp(z)).
double row_cross_entropy(const std::vector<double>& z, const std::vector<double>& t) {
  double m = z[0];
  for (double v : z) m = std::max(m, v);
  double s = 0;
  for (double v : z) s += std::exp(v - m);
  const double lse = m + std::log(s);
  double loss = 0;
  for (std::size_t c = 0; c < z.size(); ++c) loss -= t[c] * (z[c] - lse);
  return loss;
}

const std::vector<Reduction> kReductions = {Reduction::none, Reduction::mean, Reduction::sum};

GRADCHECK_TEST(SoftmaxCrossEntropyBackward, LabelsEachReduction) {
  const Tensor labels = from_vector<std::int64_t>({0, 3, 3}, {3});
  for (Reduction r : kReductions) {
    expect_gradcheck([&](const auto& v) { return softmax_cross_entropy(v[0], labels, r); },
                     {random({3, 4}, 8)});
  }
  expect_gradcheck([&](const auto& v) { return softmax_cross_entropy(v[0], labels); },
                   {transpose(random({4, 3}, 9), 0, 1)});
}

GRADCHECK_TEST(SoftmaxCrossEntropyBackward, ProbabilitiesEachReduction) {
  // Soft targets whose rows sum to 1, and unnormalized ones (the gradient is
  // then p Σ t − t, not p − t).
  const Tensor soft = from_vector<double>({0.1, 0.6, 0.3, 0.5, 0.5, 0.0}, {2, 3});
  const Tensor unnormalized = from_vector<double>({0.2, 1.0, 0.3, 0.0, 0.4, 2.0}, {2, 3});
  for (Reduction r : kReductions) {
    expect_gradcheck([&](const auto& v) { return softmax_cross_entropy(v[0], soft, r); },
                     {random({2, 3}, 10)});
    expect_gradcheck([&](const auto& v) { return softmax_cross_entropy(v[0], unnormalized, r); },
                     {random({2, 3}, 11)});
  }
}

GRADCHECK_TEST(SoftmaxCrossEntropyBackward, LabelSmoothing) {
  const Tensor labels = from_vector<std::int64_t>({2, 0}, {2});
  const Tensor one_hot_f32 = from_vector<float>({0, 0, 1, 1, 0, 0}, {2, 3});
  for (Reduction r : kReductions) {
    expect_gradcheck([&](const auto& v) { return softmax_cross_entropy(v[0], labels, r, 0.1); },
                     {random({2, 3}, 12)});
    expect_gradcheck(
        [&](const auto& v) { return softmax_cross_entropy(v[0], one_hot_f32, r, 0.3); },
        {random({2, 3}, 13)});
  }
}

TEST(SoftmaxCrossEntropyBackward, ValuesAndGradientAgainstTheFormula) {
  const std::vector<double> z = {1.0, -0.5, 2.0, 0.3, 0.0, 0.7, -1.2, 3.0};  // [2, 4]
  const std::vector<std::int64_t> labels = {2, 1};
  const double eps = 0.2;
  const int n = 2, c = 4;
  // Smoothed one-hot targets and the expected losses and mean-gradient (p − t) / N.
  std::vector<double> expected_rows, expected_grad;
  for (int i = 0; i < n; ++i) {
    std::vector<double> zi(z.begin() + i * c, z.begin() + (i + 1) * c), ti(c);
    for (int k = 0; k < c; ++k) ti[k] = (1 - eps) * (k == labels[i] ? 1.0 : 0.0) + eps / c;
    expected_rows.push_back(row_cross_entropy(zi, ti));
    double s = 0;
    for (double v : zi) s += std::exp(v);
    for (int k = 0; k < c; ++k) expected_grad.push_back((std::exp(zi[k]) / s - ti[k]) / n);
  }
  const Tensor target = from_vector(labels, {2});
  Variable logits(from_vector(z, {2, 4}), true);

  Variable none = softmax_cross_entropy(logits, target, Reduction::none, eps);
  EXPECT_EQ(none.shape(), Shape({2}));
  expect_near(values(none.value()), expected_rows, 1e-12);
  Variable total = softmax_cross_entropy(logits, target, Reduction::sum, eps);
  EXPECT_NEAR(total.item<double>(), expected_rows[0] + expected_rows[1], 1e-12);

  Variable loss = softmax_cross_entropy(logits, target, Reduction::mean, eps);
  EXPECT_EQ(loss.shape(), Shape{});
  EXPECT_NEAR(loss.item<double>(), (expected_rows[0] + expected_rows[1]) / 2, 1e-12);
  loss.backward();
  expect_near(values(logits.grad()), expected_grad, 1e-12);
}

TEST(SoftmaxCrossEntropyBackward, ProbabilityTargetsMatchTheFormula) {
  const std::vector<double> z = {0.5, 1.5, -1.0, 2.0, 0.0, 1.0};
  const std::vector<double> t = {0.2, 0.3, 0.5, 0.0, 1.0, 0.0};
  Variable loss = softmax_cross_entropy(Variable(from_vector(z, {2, 3})), from_vector(t, {2, 3}),
                                        Reduction::none);
  expect_near(values(loss.value()),
              {row_cross_entropy({0.5, 1.5, -1.0}, {0.2, 0.3, 0.5}),
               row_cross_entropy({2.0, 0.0, 1.0}, {0.0, 1.0, 0.0})},
              1e-12);
}

TEST(SoftmaxCrossEntropyBackward, ExtremeLogitsStayFinite) {
  // Row 0 is confidently right, row 1 confidently wrong (loss 200).
  Variable logits(from_vector<double>({100, -100, -100, 100}, {2, 2}), true);
  Variable loss =
      softmax_cross_entropy(logits, from_vector<std::int64_t>({0, 0}, {2}), Reduction::sum);
  EXPECT_NEAR(loss.item<double>(), 200.0, 1e-9);
  loss.backward();
  // (p − t): row 0 ≈ [0, 0], row 1 = [0 − 1, 1 − 0]
  expect_near(values(logits.grad()), {0, 0, -1, 1}, 1e-12);
}

TEST(SoftmaxCrossEntropyBackward, Errors) {
  Variable logits(zeros({3, 4}), true);
  expect_error(
      [&] {
        softmax_cross_entropy(logits, from_vector<std::int64_t>({0, 5, 1}, {3}));
      },
      {"softmax_cross_entropy", "label 5", "position 1", "[0, 4)"});
  expect_error(
      [&] {
        softmax_cross_entropy(logits, from_vector<std::int64_t>({0, 1, -1}, {3}));
      },
      {"softmax_cross_entropy", "label -1", "position 2"});
  expect_error(
      [&] {
        softmax_cross_entropy(logits, from_vector<std::int64_t>({0, 1}, {2}));
      },
      {"softmax_cross_entropy", "[2]", "[3, 4]"});
  expect_error(
      [&] {
        softmax_cross_entropy(logits, zeros({3, 5}));
      },
      {"softmax_cross_entropy", "[3, 5]", "[3, 4]"});
  expect_error(
      [&] { softmax_cross_entropy(Variable(zeros({4}), true), from_vector<std::int64_t>({0})); },
      {"softmax_cross_entropy", "[N, C]", "[4]"});
  expect_error(
      [&] {
        softmax_cross_entropy(Variable(zeros({2, 3, 4}), true), zeros({2, 3, 4}));
      },
      {"softmax_cross_entropy", "[2, 3, 4]"});
  expect_error(
      [&] {
        softmax_cross_entropy(logits, zeros({3, 4}), Reduction::mean, 1.5);
      },
      {"softmax_cross_entropy", "label_smoothing", "1.5"});
}

// ---------------------------------------------------------------------------
// binary_cross_entropy_with_logits

GRADCHECK_TEST(BinaryCrossEntropyWithLogitsBackward, LogitsAndTargetEachReduction) {
  const Tensor target = from_vector<double>({0, 1, 0.3, 1, 0, 0.8}, {2, 3});
  for (Reduction r : kReductions) {
    expect_gradcheck([&](const auto& v) { return binary_cross_entropy_with_logits(v[0], v[1], r); },
                     {random({2, 3}, 14), target});
  }
  Generator gen(15);
  expect_gradcheck(
      [](const auto& v) { return binary_cross_entropy_with_logits(v[0], v[1], Reduction::sum); },
      {transpose(randn(Shape{3, 2}, gen, DType::f64), 0, 1),
       transpose(rand(Shape{3, 2}, gen, DType::f64), 0, 1)});
}

GRADCHECK_TEST(BinaryCrossEntropyWithLogitsBackward, LargeLogits) {
  expect_gradcheck(
      [](const auto& v) { return binary_cross_entropy_with_logits(v[0], v[1], Reduction::none); },
      {from_vector<double>({30, -30, 12, -12}, {4}), from_vector<double>({1, 0, 0, 1}, {4})});
}

TEST(BinaryCrossEntropyWithLogitsBackward, ValuesAgainstTheFormula) {
  // loss = −t log σ(z) − (1 − t) log(1 − σ(z)), mean over 3 elements;
  // ∂/∂z = (σ(z) − t) / 3, ∂/∂t = −z / 3
  const std::vector<double> z = {0.5, -1.5, 2.0}, t = {1.0, 0.25, 0.0};
  double expected = 0;
  std::vector<double> grad_z, grad_t;
  for (int i = 0; i < 3; ++i) {
    const double s = 1 / (1 + std::exp(-z[i]));
    expected += (-t[i] * std::log(s) - (1 - t[i]) * std::log(1 - s)) / 3;
    grad_z.push_back((s - t[i]) / 3);
    grad_t.push_back(-z[i] / 3);
  }
  Variable logits(from_vector(z, {3}), true), target(from_vector(t, {3}), true);
  Variable loss = binary_cross_entropy_with_logits(logits, target);
  EXPECT_NEAR(loss.item<double>(), expected, 1e-14);
  loss.backward();
  expect_near(values(logits.grad()), grad_z, 1e-15);
  expect_near(values(target.grad()), grad_t, 1e-15);
}

TEST(BinaryCrossEntropyWithLogitsBackward, ExtremeLogitsGiveFiniteLossAndGradient) {
  // z = ±100: log(1 + e^−100) ≈ 3.7e-44, so the right answers cost ≈ 0 and the
  // wrong ones cost |z| = 100; the gradient is σ(z) − t.
  const std::vector<double> z = {100, -100, 100, -100}, t = {1, 0, 0, 1};
  Variable logits(from_vector(z, {4}), true);
  Variable loss =
      binary_cross_entropy_with_logits(logits, Variable(from_vector(t, {4})), Reduction::none);
  expect_near(values(loss.value()), {0, 0, 100, 100}, 1e-12);
  loss.backward(ones({4}, DType::f64));
  std::vector<double> expected;
  for (int i = 0; i < 4; ++i) expected.push_back(1 / (1 + std::exp(-z[i])) - t[i]);
  expect_near(values(logits.grad()), expected, 1e-15);
  for (double g : values(logits.grad())) EXPECT_TRUE(std::isfinite(g));
}

TEST(BinaryCrossEntropyWithLogitsBackward, ShapesMustBeEqual) {
  Variable logits(zeros({3}), true);
  expect_error(
      [&] {
        binary_cross_entropy_with_logits(logits, Variable(zeros({3, 1})));
      },
      {"binary_cross_entropy_with_logits", "[3, 1]", "[3]"});
}

// ---------------------------------------------------------------------------
// batch_norm

// batch_norm in training on copies of the running statistics, so that every
// evaluation by gradcheck starts from the same state.
Variable batch_norm_train(const std::vector<Variable>& v) {
  const std::int64_t channels = v[0].size(1);
  return batch_norm(v[0], v[1], v[2], zeros({channels}, DType::f64), ones({channels}, DType::f64),
                    /*training=*/true);
}

GRADCHECK_TEST(BatchNormBackward, Training2d) {
  expect_gradcheck(batch_norm_train, {random({4, 3}, 16), random({3}, 17), random({3}, 18)});
  expect_gradcheck(batch_norm_train,
                   {transpose(random({3, 4}, 19), 0, 1), random({3}, 20), random({3}, 21)});
}

GRADCHECK_TEST(BatchNormBackward, Training3d) {
  expect_gradcheck(batch_norm_train, {random({3, 2, 2}, 22), random({2}, 23), random({2}, 24)});
}

GRADCHECK_TEST(BatchNormBackward, TrainingWithoutAffine) {
  expect_gradcheck(
      [](const auto& v) {
        return batch_norm(v[0], Variable(), Variable(), Tensor(), Tensor(), /*training=*/true);
      },
      {random({2, 3, 2}, 25)});
}

GRADCHECK_TEST(BatchNormBackward, Evaluation2dAnd3d) {
  const Tensor running_mean = from_vector<double>({0.5, -0.2, 1.0}, {3});
  const Tensor running_var = from_vector<double>({2.0, 0.5, 1.5}, {3});
  auto eval_fn = [&](const std::vector<Variable>& v) {
    return batch_norm(v[0], v[1], v[2], running_mean, running_var, /*training=*/false);
  };
  expect_gradcheck(eval_fn, {random({2, 3}, 26), random({3}, 27), random({3}, 28)});
  expect_gradcheck(eval_fn, {random({2, 3, 2}, 29), random({3}, 30), random({3}, 31)});
}

TEST(BatchNormBackward, TrainingValuesAndRunningStatistics) {
  // Channel 0 holds {1, 3}: mean 2, biased variance 1, unbiased 2.
  // Channel 1 holds {2, 6}: mean 4, biased variance 4, unbiased 8.
  // With eps = 0, x̂ = [[−1, −1], [1, 1]] and y = γ x̂ + β with γ = [2, 3], β = [0.5, −1].
  // Running stats from mean [0, 0] and var [1, 1] with momentum 0.1:
  //   mean = 0.9·0 + 0.1·[2, 4] = [0.2, 0.4]; var = 0.9·1 + 0.1·[2, 8] = [1.1, 1.7]
  Variable x(from_vector<double>({1, 2, 3, 6}, {2, 2}), true);
  Variable gamma(from_vector<double>({2, 3}, {2}), true);
  Variable beta(from_vector<double>({0.5, -1}, {2}), true);
  Tensor running_mean = zeros({2}, DType::f64);
  Tensor running_var = ones({2}, DType::f64);
  Variable y = batch_norm(x, gamma, beta, running_mean, running_var, true, 0.1, 0.0);
  expect_near(values(y.value()), {-1.5, -4, 2.5, 2}, 1e-15);
  expect_near(values(running_mean), {0.2, 0.4}, 1e-15);
  expect_near(values(running_var), {1.1, 1.7}, 1e-15);

  // L = Σ y: Σ_n x̂ = 0 whatever x is, so dL/dx = 0 and dL/dγ = Σ x̂ = 0; dL/dβ = N = 2.
  y.backward(ones({2, 2}, DType::f64));
  expect_near(values(x.grad()), {0, 0, 0, 0}, 1e-15);
  expect_near(values(gamma.grad()), {0, 0}, 1e-15);
  expect_near(values(beta.grad()), {2, 2}, 1e-15);
}

TEST(BatchNormBackward, RunningStatisticsOf3dInputAndF32Buffers) {
  // x [2, 1, 2] = {1, 2} and {3, 6}: one channel of four values, mean 3,
  // biased var (4 + 1 + 0 + 9) / 4 = 3.5, unbiased 14 / 3. Momentum 0.5 from 0 and 1.
  Variable x(from_vector<double>({1, 2, 3, 6}, {2, 1, 2}));
  Tensor running_mean = zeros({1});
  Tensor running_var = ones({1});
  batch_norm(x, Variable(), Variable(), running_mean, running_var, true, 0.5);
  EXPECT_EQ(running_mean.dtype(), DType::f32);
  EXPECT_NEAR(running_mean.item<double>(), 1.5, 1e-6);
  EXPECT_NEAR(running_var.item<double>(), 0.5 + 0.5 * 14.0 / 3.0, 1e-6);
}

TEST(BatchNormBackward, EvaluationUsesRunningStatistics) {
  // x̂ = (x − running_mean) / sqrt(running_var) with eps = 0:
  //   [(1 − 0) / 2, (2 − 1) / 1] = [0.5, 1]; y = γ x̂ = [1, 3]; dy/dx = γ / σ = [1, 3]
  Variable x(from_vector<double>({1, 2}, {1, 2}), true);
  Variable gamma(from_vector<double>({2, 3}, {2}), true);
  Tensor running_mean = from_vector<double>({0, 1}, {2});
  Tensor running_var = from_vector<double>({4, 1}, {2});
  Variable y = batch_norm(x, gamma, Variable(), running_mean, running_var, false, 0.1, 0.0);
  expect_near(values(y.value()), {1, 3}, 1e-15);
  y.backward(ones({1, 2}, DType::f64));
  expect_near(values(x.grad()), {1, 3}, 1e-15);
  expect_near(values(gamma.grad()), {0.5, 1}, 1e-15);
  EXPECT_EQ(values(running_mean), (std::vector<double>{0, 1}));
  EXPECT_EQ(values(running_var), (std::vector<double>{4, 1}));
}

TEST(BatchNormBackward, Errors) {
  Variable gamma(ones({4}), true);
  Variable beta(zeros({4}), true);
  expect_error(
      [&] {
        batch_norm(Variable(ones({1, 4}), true), gamma, beta, zeros({4}), ones({4}), true);
      },
      "batch_norm: training needs more than one value per channel, got input [1, 4]");
  expect_error(
      [&] {
        batch_norm(Variable(ones({1, 4, 1})), gamma, beta, Tensor(), Tensor(), true);
      },
      {"batch_norm", "[1, 4, 1]"});
  expect_error([&] { batch_norm(Variable(ones({4})), gamma, beta, Tensor(), Tensor(), true); },
               {"batch_norm", "[N, C]", "[4]"});
  expect_error(
      [&] {
        batch_norm(Variable(ones({2, 3})), gamma, beta, Tensor(), Tensor(), true);
      },
      {"batch_norm", "gamma", "[3]", "[4]"});
  expect_error(
      [&] {
        batch_norm(Variable(ones({2, 4})), gamma, beta, zeros({3}), ones({4}), true);
      },
      {"batch_norm", "running_mean", "[4]", "[3]"});
  expect_error(
      [&] {
        batch_norm(Variable(ones({2, 4})), gamma, beta, Tensor(), Tensor(), false);
      },
      {"batch_norm", "running_mean"});
  expect_error(
      [&] {
        batch_norm(Variable(ones({2, 4})), gamma, beta, Tensor(), Tensor(), true, 1.5);
      },
      {"batch_norm", "momentum", "1.5"});
}

// ---------------------------------------------------------------------------
// dropout

GRADCHECK_TEST(DropoutBackward, SameMaskEveryEvaluation) {
  Generator gen;
  expect_gradcheck(
      [&](const auto& v) {
        gen.seed(42);  // every evaluation draws the same mask
        return dropout(v[0], 0.4, /*training=*/true, &gen);
      },
      {random({3, 4}, 32)});
}

TEST(DropoutBackward, KeptFractionAndScaling) {
  // 100k Bernoulli(0.7) draws: the kept fraction has standard deviation
  // sqrt(0.7 · 0.3 / 1e5) ≈ 0.0014, so 0.01 is a 7-sigma bound.
  Generator gen(2024);
  Variable x(ones({100000}), true);
  Variable y = dropout(x, 0.3, true, &gen);
  const std::vector<double> out = values(y.value());
  std::int64_t kept = 0;
  for (double v : out) {
    if (v != 0) {
      ++kept;
      EXPECT_NEAR(v, 1 / 0.7, 1e-6);
    }
  }
  EXPECT_NEAR(static_cast<double>(kept) / 100000.0, 0.7, 0.01);
  // dy/dx = mask / (1 − p): with x = 1 it equals y itself.
  y.backward(ones({100000}));
  EXPECT_EQ(values(x.grad()), out);
}

TEST(DropoutBackward, IdentityWhenNotTrainingOrPZero) {
  Variable x(ones({3}), true);
  EXPECT_EQ(dropout(x, 0.5, false).impl(), x.impl());
  EXPECT_EQ(dropout(x, 0.0, true).impl(), x.impl());
}

TEST(DropoutBackward, POneGivesZerosAndZeroGradient) {
  Variable x(from_vector<double>({1, -2, 3}, {3}), true);
  Variable y = dropout(x, 1.0, true);
  EXPECT_EQ(values(y.value()), (std::vector<double>{0, 0, 0}));
  y.backward(ones({3}, DType::f64));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0, 0, 0}));
}

TEST(DropoutBackward, Errors) {
  Variable x(ones({3}), true);
  expect_error([&] { dropout(x, 1.5, true); }, {"dropout", "1.5"});
  expect_error([&] { dropout(x, -0.1, false); }, {"dropout", "-0.1"});
}

}  // namespace
}  // namespace nabla
