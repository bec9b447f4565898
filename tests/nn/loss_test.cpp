#include "nn/loss.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "autograd/gradcheck_gtest.h"
#include "autograd/nn_ops.h"
#include "autograd/reduce.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla::nn {
namespace {

using autograd::GradcheckOptions;
using testing::expect_all_near;
using testing::expect_error;
using testing::grad_of;
using testing::values;

// f64 tensor of `shape` holding `v`.
Tensor f64(const std::vector<double>& v, const Shape& shape) {
  return from_vector(v, shape);
}

Tensor labels(const std::vector<std::int64_t>& v) {
  return from_vector(v);
}

double sigmoid(double z) {
  return 1 / (1 + std::exp(-z));
}

// The running example of the elementwise losses: y − t = e = (1, 0, −2, −2).
const Tensor& y_example() {
  static const Tensor y = f64({1, 2, 3, -1}, {2, 2});
  return y;
}
const Tensor& t_example() {
  static const Tensor t = f64({0, 2, 5, 1}, {2, 2});
  return t;
}

TEST(Loss, MeanSquaredError) {
  const Tensor& kY = y_example();
  const Tensor& kT = t_example();
  // (y − t)² = 1, 0, 4, 4: sum 9, mean 9 / 4.
  EXPECT_DOUBLE_EQ(mse_loss(kY, kT).item<double>(), 2.25);
  EXPECT_DOUBLE_EQ(mse_loss(kY, kT, Reduction::sum).item<double>(), 9);
  Variable none = mse_loss(kY, kT, Reduction::none);
  EXPECT_EQ(none.shape(), (Shape{2, 2}));
  expect_all_near(values(none.value()), {1, 0, 4, 4});
  // ∂/∂y of the mean: 2 e / 4 = (0.5, 0, −1, −1).
  expect_all_near(grad_of([&](const Variable& y) { return mse_loss(y, kT); }, kY),
                  {0.5, 0, -1, -1});
  EXPECT_DOUBLE_EQ(MSELoss{.reduction = Reduction::sum}(kY, kT).item<double>(), 9);
  EXPECT_DOUBLE_EQ(MSELoss{}(kY, kT).item<double>(), 2.25);
}

TEST(Loss, MeanAbsoluteError) {
  const Tensor& kY = y_example();
  const Tensor& kT = t_example();
  // |y − t| = 1, 0, 2, 2: sum 5, mean 5 / 4.
  EXPECT_DOUBLE_EQ(l1_loss(kY, kT).item<double>(), 1.25);
  EXPECT_DOUBLE_EQ(l1_loss(kY, kT, Reduction::sum).item<double>(), 5);
  expect_all_near(values(l1_loss(kY, kT, Reduction::none).value()), {1, 0, 2, 2});
  // ∂/∂y of the mean: sign(e) / 4, 0 where e = 0.
  expect_all_near(grad_of([&](const Variable& y) { return l1_loss(y, kT); }, kY),
                  {0.25, 0, -0.25, -0.25});
  EXPECT_DOUBLE_EQ(L1Loss{.reduction = Reduction::sum}(kY, kT).item<double>(), 5);
}

TEST(Loss, Huber) {
  const Tensor& kY = y_example();
  const Tensor& kT = t_example();
  // δ = 1: |e| = 1 → ½; 0 → 0; 2 → 1 · (2 − ½) = 1.5 twice: sum 3.5.
  EXPECT_DOUBLE_EQ(huber_loss(kY, kT, 1.0, Reduction::sum).item<double>(), 3.5);
  EXPECT_DOUBLE_EQ(huber_loss(kY, kT).item<double>(), 0.875);
  expect_all_near(values(huber_loss(kY, kT, 1.0, Reduction::none).value()), {0.5, 0, 1.5, 1.5});
  // δ = 2: every |e| <= 2 is quadratic: ½ (1 + 0 + 4 + 4) = 4.5.
  EXPECT_DOUBLE_EQ(huber_loss(kY, kT, 2.0, Reduction::sum).item<double>(), 4.5);
  // ∂/∂y (sum, δ = 1): e inside (|e| = 1 counts as inside), δ sign(e) outside.
  expect_all_near(
      grad_of([&](const Variable& y) { return huber_loss(y, kT, 1.0, Reduction::sum); }, kY),
      {1, 0, -1, -1});
  // δ = 0.5: 1 → 0.5 (1 − 0.25) = 0.375; 2 → 0.5 (2 − 0.25) = 0.875: sum 2.125.
  EXPECT_DOUBLE_EQ((HuberLoss{.delta = 0.5, .reduction = Reduction::sum}(kY, kT)).item<double>(),
                   2.125);
}

TEST(Loss, SumOfSquaresErrorOfTheLectures) {
  const Tensor& kY = y_example();
  const Tensor& kT = t_example();
  // E_n = ½ Σ_k e²: sample 0: ½ (1 + 0) = 0.5, sample 1: ½ (4 + 4) = 4.
  Variable none = sse_loss(kY, kT, Reduction::none);
  EXPECT_EQ(none.shape(), (Shape{2}));
  expect_all_near(values(none.value()), {0.5, 4});
  EXPECT_DOUBLE_EQ(sse_loss(kY, kT, Reduction::sum).item<double>(), 4.5);
  EXPECT_DOUBLE_EQ(sse_loss(kY, kT).item<double>(), 2.25);  // (0.5 + 4) / 2 samples
  // ∂E/∂y = y − t exactly (the ½ cancels the 2), for the sum over samples.
  expect_all_near(grad_of([&](const Variable& y) { return sse_loss(y, kT, Reduction::sum); }, kY),
                  {1, 0, -2, -2});
  // 1-D: one feature per sample, E_n = ½ e_n².
  expect_all_near(
      values(sse_loss(f64({1, 3}, {2}), zeros({2}, DType::f64), Reduction::none).value()),
      {0.5, 4.5});
  // 3-D [2, 2, 1]: the feature dims 1 and 2 are summed.
  expect_all_near(
      values(SSELoss{.reduction = Reduction::none}(reshape(kY, {2, 2, 1}), reshape(kT, {2, 2, 1}))
                 .value()),
      {0.5, 4});
}

TEST(Loss, BinaryCrossEntropyOnProbabilities) {
  const Tensor p = f64({0.5, 0.9, 0.2, 0.75}, {4});
  const Tensor t = f64({1, 1, 0, 0.5}, {4});
  // −[t ln p + (1 − t) ln(1 − p)]: ln 2, −ln 0.9, −ln 0.8, −½ (ln ¾ + ln ¼).
  const std::vector<double> expected = {std::log(2.0), -std::log(0.9), -std::log(0.8),
                                        -0.5 * (std::log(0.75) + std::log(0.25))};
  expect_all_near(values(binary_cross_entropy(p, t, Reduction::none).value()), expected);
  const double total = expected[0] + expected[1] + expected[2] + expected[3];
  EXPECT_NEAR(binary_cross_entropy(p, t, Reduction::sum).item<double>(), total, 1e-12);
  EXPECT_NEAR(BCELoss{}(p, t).item<double>(), total / 4, 1e-12);
  // ∂ℓ/∂p = (p − t) / (p (1 − p)), summed.
  std::vector<double> grad;
  for (int i = 0; i < 4; ++i) {
    const double pi = values(p)[i], ti = values(t)[i];
    grad.push_back((pi - ti) / (pi * (1 - pi)));
  }
  expect_all_near(
      grad_of([&](const Variable& y) { return binary_cross_entropy(y, t, Reduction::sum); }, p),
      grad, 1e-9);
}

TEST(Loss, BinaryCrossEntropyIsFiniteAtZeroAndOne) {
  // Each log is clamped at −100: p = 0, t = 1 and p = 1, t = 0 cost 100; the
  // matching pairs cost 0.
  const Tensor p = f64({0, 1, 0, 1}, {4});
  const Tensor t = f64({1, 0, 0, 1}, {4});
  expect_all_near(values(binary_cross_entropy(p, t, Reduction::none).value()), {100, 100, 0, 0});
  const std::vector<double> grad =
      grad_of([&](const Variable& y) { return binary_cross_entropy(y, t, Reduction::sum); }, p);
  // A clamped log is flat, so its term contributes 0; the unclamped terms at the
  // matching pairs have slope ∓1 (−t/p at p = 1, (1 − t)/(1 − p) at p = 0).
  expect_all_near(grad, {0, 0, 1, -1});
}

TEST(Loss, BinaryCrossEntropyWithLogits) {
  const Tensor z = f64({0, 2, -3}, {3});
  const Tensor t = f64({1, 0, 0.5}, {3});
  std::vector<double> expected, grad;
  for (int i = 0; i < 3; ++i) {
    const double s = sigmoid(values(z)[i]), ti = values(t)[i];
    expected.push_back(-(ti * std::log(s) + (1 - ti) * std::log(1 - s)));
    grad.push_back((s - ti) / 3);  // ∂/∂z of the mean: (σ(z) − t) / 3
  }
  expect_all_near(values(binary_cross_entropy_with_logits(z, t, Reduction::none).value()),
                  expected);
  EXPECT_NEAR(BCEWithLogitsLoss{}(z, t).item<double>(),
              (expected[0] + expected[1] + expected[2]) / 3, 1e-12);
  expect_all_near(
      grad_of([&](const Variable& y) { return binary_cross_entropy_with_logits(y, t); }, z), grad);
}

TEST(Loss, BinaryCrossEntropyWithLogitsIsStableForExtremeLogits) {
  // As z → +∞: ℓ → z (1 − t) and σ(z) − t → 1 − t; as z → −∞: ℓ → −z t, slope −t.
  const Tensor z = f64({1e4, -1e4, 1e4, -1e4}, {4});
  const Tensor t = f64({0, 1, 1, 0}, {4});
  expect_all_near(values(binary_cross_entropy_with_logits(z, t, Reduction::none).value()),
                  {1e4, 1e4, 0, 0});
  expect_all_near(
      grad_of([&](const Variable& y) { return BCEWithLogitsLoss{Reduction::sum}(y, t); }, z),
      {1, -1, 0, 0});
}

TEST(Loss, CrossEntropyWithLabelsAndProbabilities) {
  // Row 0: softmax(0, ln 2, ln 3) = (1, 2, 3) / 6, label 2: −ln ½ = ln 2.
  // Row 1: softmax(0, 0, 0) = ⅓ each, label 0: ln 3.
  const Tensor z = f64({0, std::log(2.0), std::log(3.0), 0, 0, 0}, {2, 3});
  const Tensor y = labels({2, 0});
  expect_all_near(values(cross_entropy(z, y, Reduction::none).value()),
                  {std::log(2.0), std::log(3.0)});
  EXPECT_NEAR(cross_entropy(z, y, Reduction::sum).item<double>(), std::log(6.0), 1e-12);
  EXPECT_NEAR(CrossEntropyLoss{}(z, y).item<double>(), std::log(6.0) / 2, 1e-12);
  // ∂/∂z of the mean: (softmax − one_hot) / 2.
  expect_all_near(grad_of([&](const Variable& v) { return cross_entropy(v, y); }, z),
                  {1.0 / 12, 1.0 / 6, -0.25, -1.0 / 3, 1.0 / 6, 1.0 / 6});
  // One-hot rows give the same loss; soft rows mix the log-probabilities.
  const Tensor one_hot_rows = f64({0, 0, 1, 1, 0, 0}, {2, 3});
  EXPECT_NEAR(cross_entropy(z, one_hot_rows, Reduction::sum).item<double>(), std::log(6.0), 1e-12);
  const Tensor soft = f64({0.5, 0.5, 0, 0, 0, 1}, {2, 3});
  expect_all_near(values(cross_entropy(z, soft, Reduction::none).value()),
                  {-0.5 * (std::log(1.0 / 6) + std::log(1.0 / 3)), std::log(3.0)});
}

TEST(Loss, CrossEntropyWithLabelSmoothingFollowsTheFormula) {
  const double eps = 0.1;
  const std::vector<double> logits = {1.0, -0.5, 2.0, 0.3, 0.3, -1.2};  // [2, 3]
  const std::vector<std::int64_t> label = {0, 2};
  // t' = (1 − ε) one_hot + ε / C;  ℓ_n = −Σ_c t'_c log softmax(z_n)_c.
  double total = 0;
  for (int n = 0; n < 2; ++n) {
    double norm = 0;
    for (int c = 0; c < 3; ++c) norm += std::exp(logits[n * 3 + c]);
    for (int c = 0; c < 3; ++c) {
      const double target = (1 - eps) * (c == label[n] ? 1.0 : 0.0) + eps / 3;
      total -= target * (logits[n * 3 + c] - std::log(norm));
    }
  }
  const Tensor z = f64(logits, {2, 3});
  EXPECT_NEAR(cross_entropy(z, labels(label), Reduction::mean, eps).item<double>(), total / 2,
              1e-12);
  EXPECT_NEAR(
      (CrossEntropyLoss{.reduction = Reduction::sum, .label_smoothing = eps}(z, labels(label)))
          .item<double>(),
      total, 1e-12);
}

TEST(Loss, CrossEntropyIsStableForExtremeLogits) {
  // logits (1e4, 0, −1e4): log Σ e^z = 1e4 (+ e^−1e4), so label 2 costs 2e4 and
  // label 0 costs 0; the gradients are softmax − one_hot = (1, 0, −1) and 0.
  const Tensor z = f64({1e4, 0, -1e4, 1e4, 0, -1e4}, {2, 3});
  const Tensor y = labels({2, 0});
  expect_all_near(values(cross_entropy(z, y, Reduction::none).value()), {2e4, 0});
  expect_all_near(
      grad_of([&](const Variable& v) { return cross_entropy(v, y, Reduction::sum); }, z),
      {1, 0, -1, 0, 0, 0});
}

TEST(Loss, NegativeLogLikelihood) {
  const Tensor log_probs = f64({-1, -2, -3, -0.5, -0.7, -0.9}, {2, 3});
  const Tensor y = labels({1, 2});
  // −log_probs[0, 1] = 2, −log_probs[1, 2] = 0.9.
  expect_all_near(values(nll_loss(log_probs, y, Reduction::none).value()), {2, 0.9});
  EXPECT_NEAR(nll_loss(log_probs, y, Reduction::sum).item<double>(), 2.9, 1e-12);
  EXPECT_NEAR(NLLLoss{}(log_probs, y).item<double>(), 1.45, 1e-12);
  // ∂/∂log_probs of the mean: −1/2 at each picked entry, 0 elsewhere.
  expect_all_near(grad_of([&](const Variable& v) { return nll_loss(v, y); }, log_probs),
                  {0, -0.5, 0, 0, 0, -0.5});
}

TEST(Loss, CrossEntropyEqualsNllOfLogSoftmax) {
  Generator gen(7);
  const Tensor z = randn({4, 5}, gen, DType::f64);
  const Tensor y = labels({4, 0, 2, 2});
  for (Reduction r : {Reduction::mean, Reduction::sum, Reduction::none}) {
    Variable a(z.clone(), true), b(z.clone(), true);
    Variable ce = cross_entropy(a, y, r);
    Variable nll = nll_loss(log_softmax(b, 1), y, r);
    expect_all_near(values(ce.value()), values(nll.value()), 1e-12);
    Tensor grad_out = ones(ce.shape(), DType::f64);
    ce.backward(grad_out);
    nll.backward(grad_out);
    expect_all_near(values(a.grad()), values(b.grad()), 1e-12);
  }
}

TEST(Loss, Gradchecks) {
  Generator gen(3);
  const Tensor y = randn({3, 2}, gen, DType::f64), t = randn({3, 2}, gen, DType::f64);
  for (Reduction r : {Reduction::mean, Reduction::sum, Reduction::none}) {
    // Both prediction and target of the elementwise losses are differentiable.
    EXPECT_GRADCHECK([r](const auto& v) { return mse_loss(v[0], v[1], r); }, {y, t});
    EXPECT_GRADCHECK([r](const auto& v) { return l1_loss(v[0], v[1], r); }, {y, t});
    EXPECT_GRADCHECK([r](const auto& v) { return huber_loss(v[0], v[1], 0.5, r); }, {y, t});
    EXPECT_GRADCHECK([r](const auto& v) { return sse_loss(v[0], v[1], r); }, {y, t});
    const Tensor p = rand({3, 2}, gen, DType::f64) * 0.8 + 0.1;  // away from 0 and 1
    const Tensor soft = rand({3, 2}, gen, DType::f64);
    EXPECT_GRADCHECK([r](const auto& v) { return binary_cross_entropy(v[0], v[1], r); }, {p, soft});
    EXPECT_GRADCHECK([r](const auto& v) { return binary_cross_entropy_with_logits(v[0], v[1], r); },
                     {y, soft});
    const Tensor z = randn({3, 4}, gen, DType::f64);
    const Tensor classes = labels({3, 0, 1});
    EXPECT_GRADCHECK([&](const auto& v) { return cross_entropy(v[0], classes, r); }, {z});
    EXPECT_GRADCHECK([&](const auto& v) { return cross_entropy(v[0], classes, r, 0.2); }, {z});
    const Tensor probabilities = softmax(randn({3, 4}, gen, DType::f64), 1);
    EXPECT_GRADCHECK([&](const auto& v) { return cross_entropy(v[0], probabilities, r); }, {z});
    EXPECT_GRADCHECK([&](const auto& v) { return nll_loss(v[0], classes, r); }, {z});
  }
}

TEST(Loss, ShapesMustMatchExactly) {
  const Tensor y = zeros({4}), t = zeros({4, 1});
  expect_error(
      [&] { mse_loss(y, t); },
      {"mse_loss: target has shape [4, 1] but the prediction has shape [4]", "no broadcasting"});
  expect_error([&] { l1_loss(y, t); }, {"l1_loss", "[4, 1]", "[4]"});
  expect_error([&] { huber_loss(y, t); }, {"huber_loss", "[4, 1]", "[4]"});
  expect_error([&] { sse_loss(y, t); }, {"sse_loss", "[4, 1]", "[4]"});
  expect_error([&] { binary_cross_entropy(y, t); }, {"binary_cross_entropy", "[4, 1]", "[4]"});
  expect_error([&] { binary_cross_entropy_with_logits(y, t); },
               {"binary_cross_entropy_with_logits", "[4, 1]", "[4]"});
  expect_error([&] { MSELoss{}(zeros({2, 3}), zeros({3, 2})); }, {"mse_loss", "[3, 2]", "[2, 3]"});
}

// Class labels read from a file as numbers and never converted: the message
// says what the target must be, not that "probabilities" have the wrong shape.
TEST(Loss, CrossEntropyWithF32LabelsSaysLabelsMustBeI64) {
  const Variable z(zeros({2, 3}), true);
  expect_error(
      [&] {
        cross_entropy(z, from_vector<float>({0, 2}, Shape{2}));
      },
      {"softmax_cross_entropy", "the target is f32 [2]", "class labels (i64 of shape [2])",
       "probabilities (f32 of shape [2, 3])", ".to(DType::i64)"});
}

TEST(Loss, Errors) {
  expect_error([] { mse_loss(arange(3, DType::i64), zeros({3})); },
               {"mse_loss", "floating", "i64"});
  expect_error([] { huber_loss(zeros({2}), zeros({2}), 0.0); }, {"huber_loss", "delta", "0"});
  expect_error([] { HuberLoss{.delta = -1}(zeros({2}), zeros({2})); }, {"huber_loss", "-1"});
  expect_error([] { sse_loss(scalar_tensor(1), scalar_tensor(0)); }, {"sse_loss", "rank-0"});
  expect_error(
      [] {
        binary_cross_entropy(tensor({0.5, 1.5}), tensor({1, 0}));
      },
      {"binary_cross_entropy", "probability 1.5 at position 1", "[0, 1]"});
  expect_error([] { BCELoss{}(tensor({-0.25}), tensor({1})); }, {"binary_cross_entropy", "-0.25"});

  const Tensor log_probs = zeros({3, 3});
  expect_error(
      [&] {
        nll_loss(log_probs, labels({0, 1, 7}));
      },
      {"nll_loss: label 7 at position 2 is outside [0, 3)"});
  expect_error(
      [&] {
        nll_loss(log_probs, labels({-1, 1, 0}));
      },
      {"nll_loss", "label -1 at position 0"});
  expect_error([&] { nll_loss(log_probs, labels({0, 1})); }, {"nll_loss", "[3]", "[2]"});
  expect_error([&] { nll_loss(log_probs, tensor({0, 1, 2})); }, {"nll_loss", "i64", "f32"});
  expect_error([&] { nll_loss(zeros({3}), labels({0, 1, 2})); }, {"nll_loss", "[N, C]", "[3]"});
  expect_error(
      [&] {
        cross_entropy(log_probs, labels({0, 3, 1}));
      },
      {"cross_entropy", "label 3 at position 1"});
  expect_error(
      [&] {
        CrossEntropyLoss{.label_smoothing = 2}(log_probs, labels({0, 1, 2}));
      },
      {"cross_entropy", "label_smoothing", "2"});
}

}  // namespace
}  // namespace nabla::nn
