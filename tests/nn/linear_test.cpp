#include "nn/linear.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "autograd/reduce.h"
#include "module_gradcheck.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::nn {
namespace {

using ::testing::ElementsAre;
using testing::expect_error;
using ::testing::Pointwise;

std::vector<std::string> names_of(const auto& entries) {
  std::vector<std::string> names;
  for (const auto& entry : entries) names.push_back(entry.first);
  return names;
}

// W = [[1, 2], [3, 4], [5, 6]], b = [0.5, −1].
void set_hand_values(Linear& layer) {
  layer.weight.value().copy_(tensor({{1, 2}, {3, 4}, {5, 6}}));
  if (layer.has_bias()) layer.bias.value().copy_(tensor({0.5, -1}));
}

TEST(Linear, ComputesXWPlusB) {
  Linear layer(3, 2);
  set_hand_values(layer);
  Variable y = layer(tensor({{1, 0, -1}, {2, 1, 0}}));
  // Row 1: [1 − 5, 2 − 6] + b = [−4, −4] + [0.5, −1] = [−3.5, −5].
  // Row 2: [2 + 3, 4 + 4] + b = [5, 8] + [0.5, −1] = [5.5, 7].
  EXPECT_EQ(y.shape(), (Shape{2, 2}));
  EXPECT_THAT(y.value().to_vector<float>(), ElementsAre(-3.5f, -5.0f, 5.5f, 7.0f));
}

TEST(Linear, AcceptsASingleSampleAndLeadingDims) {
  Linear layer(3, 2);
  set_hand_values(layer);
  // [in] -> [out]: [2, 1, 0]·W + b = [5.5, 7].
  Variable y = layer(tensor({2, 1, 0}));
  EXPECT_EQ(y.shape(), (Shape{2}));
  EXPECT_THAT(y.value().to_vector<float>(), ElementsAre(5.5f, 7.0f));
  // [2, 2, 3] -> [2, 2, 2], each row as above.
  Variable z = layer(tensor({{{1, 0, -1}, {2, 1, 0}}, {{2, 1, 0}, {1, 0, -1}}}));
  EXPECT_EQ(z.shape(), (Shape{2, 2, 2}));
  EXPECT_THAT(z.value().to_vector<float>(),
              ElementsAre(-3.5f, -5.0f, 5.5f, 7.0f, 5.5f, 7.0f, -3.5f, -5.0f));
}

TEST(Linear, ParametersAreWeightInOutAndBias) {
  Linear layer(784, 10);
  EXPECT_THAT(names_of(layer.named_parameters()), ElementsAre("weight", "bias"));
  EXPECT_EQ(layer.weight.shape(), (Shape{784, 10}));
  EXPECT_EQ(layer.bias.shape(), (Shape{10}));
  EXPECT_TRUE(layer.weight.requires_grad());
  EXPECT_TRUE(layer.bias.requires_grad());
  // 784 · 10 + 10 = 7,850.
  EXPECT_EQ(layer.num_parameters(), 7850);
  EXPECT_EQ(layer.parameter("weight").impl(), layer.weight.impl());
  EXPECT_EQ(layer.in_features(), 784);
  EXPECT_EQ(layer.out_features(), 10);
}

TEST(Linear, WithoutBiasRegistersOnlyTheWeight) {
  Linear layer(3, 2, {.bias = false});
  EXPECT_THAT(names_of(layer.named_parameters()), ElementsAre("weight"));
  EXPECT_FALSE(layer.has_bias());
  EXPECT_FALSE(layer.bias.defined());
  EXPECT_EQ(layer.num_parameters(), 6);
  set_hand_values(layer);
  EXPECT_THAT(layer(tensor({{1, 0, -1}})).value().to_vector<float>(), ElementsAre(-4.0f, -4.0f));
}

TEST(Linear, AppliesTheActivation) {
  Linear layer(3, 2, {.activation = Activation::relu});
  set_hand_values(layer);
  // relu([−3.5, −5; 5.5, 7]) = [0, 0; 5.5, 7].
  EXPECT_THAT(layer(tensor({{1, 0, -1}, {2, 1, 0}})).value().to_vector<float>(),
              ElementsAre(0.0f, 0.0f, 5.5f, 7.0f));
  Linear squashed(3, 2, {.activation = Activation::tanh});
  set_hand_values(squashed);
  std::vector<float> expected{std::tanh(-3.5f), std::tanh(-5.0f), std::tanh(5.5f), std::tanh(7.0f)};
  EXPECT_THAT(squashed(tensor({{1, 0, -1}, {2, 1, 0}})).value().to_vector<float>(),
              Pointwise(::testing::FloatNear(1e-6f), expected));
}

TEST(Linear, PrintsItsConfiguration) {
  EXPECT_EQ(Linear(784, 10).extra_repr(), "in_features=784, out_features=10, bias=true");
  std::ostringstream out;
  out << Linear(784, 500, {.bias = false, .activation = Activation::relu});
  EXPECT_EQ(out.str(), "Linear(in_features=784, out_features=500, bias=false, activation=relu)");
}

TEST(Linear, GradcheckWithBias) {
  Generator gen(1);
  Linear layer(3, 2);
  EXPECT_MODULE_GRADCHECK(layer, randn({4, 3}, gen));
}

TEST(Linear, GradcheckWithActivationAndNoBias) {
  Generator gen(2);
  Linear tanh_layer(3, 2, {.activation = Activation::tanh});
  EXPECT_MODULE_GRADCHECK(tanh_layer, randn({4, 3}, gen));
  Linear sigmoid_layer(4, 3, {.bias = false, .activation = Activation::sigmoid});
  EXPECT_MODULE_GRADCHECK(sigmoid_layer, randn({2, 4}, gen));
}

TEST(Linear, ActivationSlope) {
  Linear layer(3, 2, {.activation = Activation::tanh, .activation_slope = 0.5});
  set_hand_values(layer);
  // x = [1, 0, 0]: x·W + b = [1.5, 1]; tanh(0.5 · [1.5, 1]).
  const Tensor y = layer(tensor({{1, 0, 0}})).value();
  // f32 parameters: within f32 rounding of the f64 values.
  testing::expect_all_near(testing::values(y), {std::tanh(0.75), std::tanh(0.5)}, 1e-6);
  Linear logistic(3, 2, {.activation = Activation::sigmoid, .activation_slope = 2});
  set_hand_values(logistic);
  testing::expect_all_near(testing::values(logistic(tensor({{1, 0, 0}})).value()),
                           {1 / (1 + std::exp(-3.0)), 1 / (1 + std::exp(-2.0))}, 1e-6);
  EXPECT_EQ(layer.activation_slope(), 0.5);
  EXPECT_EQ(layer.extra_repr(),
            "in_features=3, out_features=2, bias=true, activation=tanh, activation_slope=0.5");
}

TEST(Linear, GradcheckWithActivationSlope) {
  Generator gen(3);
  // The bias [2] broadcasts over the batch of 4.
  Linear tanh_layer(3, 2, {.activation = Activation::tanh, .activation_slope = 1.7});
  EXPECT_MODULE_GRADCHECK(tanh_layer, randn({4, 3}, gen));
  Linear sigmoid_layer(4, 3, {.activation = Activation::sigmoid, .activation_slope = 0.3});
  EXPECT_MODULE_GRADCHECK(sigmoid_layer, randn({2, 4}, gen));
}

// Nguyen & Widrow (1990), computed here from the published recipe with the
// same generator stream: w ~ U(−0.5, 0.5), each unit's column rescaled to norm
// β = 0.7 · H^(1/n), then b ~ U(−β, β).
TEST(Linear, NguyenWidrowLayerInitializerFollowsTheFormula) {
  const std::int64_t n = 2, h = 9;
  Generator gen(11);
  Linear layer(n, h,
               {.activation = Activation::tanh,
                .layer_initializer = init::nguyen_widrow(&gen),
                .dtype = DType::f64});
  Generator ref(11);
  std::vector<double> w = rand({n, h}, ref, DType::f64).to_vector<double>();
  const double beta = 0.7 * std::pow(9.0, 1.0 / 2.0);  // 0.7 · 3 = 2.1
  EXPECT_DOUBLE_EQ(beta, 2.1);
  for (double& v : w) v -= 0.5;
  for (std::int64_t j = 0; j < h; ++j) {
    const double norm = std::hypot(w[j], w[h + j]);
    w[j] *= beta / norm;
    w[h + j] *= beta / norm;
  }
  const std::vector<double> u = rand({h}, ref, DType::f64).to_vector<double>();
  std::vector<double> b;
  for (double v : u) b.push_back(-beta + 2 * beta * v);
  testing::expect_all_near(layer.weight.value().to_vector<double>(), w, 1e-12);
  testing::expect_all_near(layer.bias.value().to_vector<double>(), b, 1e-12);
  expect_error([] { Linear(2, 3, {.bias = false, .layer_initializer = init::nguyen_widrow()}); },
               {"Linear", "layer_initializer", "bias = false"});
  expect_error(
      [] { Linear(2, 3, {.layer_initializer = [](Tensor& w, Tensor&) { w = zeros({1}); }}); },
      {"Linear", "layer_initializer", "[1]"});
}

TEST(Linear, UsesTheInitializers) {
  Linear constant(3, 2,
                  {.weight_initializer = init::constant(0.5),
                   .bias_initializer = init::ones(),
                   .dtype = DType::f64});
  EXPECT_EQ(constant.weight.dtype(), DType::f64);
  EXPECT_THAT(constant.weight.value().to_vector<double>(), ::testing::Each(0.5));
  EXPECT_THAT(constant.bias.value().to_vector<double>(), ::testing::Each(1.0));

  // Default: Glorot uniform, bound √(6 / (300 + 200)) = √0.012, and a zero bias.
  Linear glorot(300, 200);
  const double bound = std::sqrt(6.0 / 500.0);
  double sum_sq = 0;
  for (float w : glorot.weight.value().to_vector<float>()) {
    ASSERT_LE(std::abs(w), bound);
    sum_sq += static_cast<double>(w) * w;
  }
  // Var = bound²/3 = 0.004; SE of the mean square ≈ √(4 bound⁴/45 / n), n = 60,000.
  EXPECT_NEAR(sum_sq / 60000.0, bound * bound / 3.0,
              5.0 * std::sqrt(4.0 * std::pow(bound, 4) / 45.0 / 60000.0));
  EXPECT_THAT(glorot.bias.value().to_vector<float>(), ::testing::Each(0.0f));

  // A seeded initializer makes two layers identical.
  Generator g1(9), g2(9);
  Linear a(4, 3,
           {.weight_initializer = init::he_normal(std::sqrt(2.0), init::FanMode::fan_in, &g1)});
  Linear b(4, 3,
           {.weight_initializer = init::he_normal(std::sqrt(2.0), init::FanMode::fan_in, &g2)});
  EXPECT_EQ(a.weight.value().to_vector<float>(), b.weight.value().to_vector<float>());
}

TEST(Linear, RegularizationLossByHand) {
  Linear layer(3, 2,
               {.weight_initializer = init::constant(0.5),
                .bias_initializer = init::ones(),
                .weight_regularizer = l2(0.01),
                .bias_regularizer = l1(0.1)});
  // Kernel: 0.01 · Σ w² = 0.01 · 6 · 0.25 = 0.015. Bias: 0.1 · Σ|b| = 0.1 · 2 = 0.2.
  Variable penalty = layer.regularization_loss();
  EXPECT_NEAR(penalty.item<double>(), 0.215, 1e-6);
  penalty.backward();
  // ∂/∂w of 0.01 Σ w² = 0.02 · w = 0.01.
  EXPECT_THAT(layer.weight.grad().to_vector<float>(),
              ::testing::Each(::testing::FloatNear(0.01f, 1e-7f)));
}

TEST(Linear, ActivityRegularizerPenalizesTheOutput) {
  Linear layer(3, 2, {.activity_regularizer = l1(0.1)});
  set_hand_values(layer);
  EXPECT_EQ(layer.regularization_loss().item<double>(), 0.0);
  layer(tensor({{1, 0, -1}, {2, 1, 0}}));
  // 0.1 · Σ|y| / N = 0.1 · (3.5 + 5 + 5.5 + 7) / 2 = 1.05.
  EXPECT_NEAR(layer.regularization_loss().item<double>(), 1.05, 1e-6);
}

TEST(Linear, RejectsBadArguments) {
  expect_error([] { Linear(0, 10); }, {"Linear", "in_features must be > 0, got 0"});
  expect_error([] { Linear(3, -1); }, {"Linear", "out_features must be > 0, got -1"});
  expect_error([] { Linear(3, 2, {.dtype = DType::i64}); }, {"Linear", "floating", "i64"});
  expect_error([] { Linear(3, 2, {.activation = Activation::relu, .activation_slope = 2}); },
               {"Linear", "activation_slope 2", "relu"});
  expect_error([] { Linear(3, 2, {.activation = Activation::tanh, .activation_slope = -1}); },
               {"Linear", "activation_slope", "-1"});
  expect_error([] { Linear(3, 2, {.bias = false, .bias_regularizer = l2(0.1)}); },
               {"Linear", "bias_regularizer", "bias = false"});
  expect_error([] { Linear(3, 2, {.weight_regularizer = l2(-1.0)}); },
               {"Linear", "weight_regularizer", "negative"});
  expect_error([] { Linear(3, 2, {.weight_initializer = nullptr}); },
               {"Linear", "weight_initializer is empty"});
  expect_error([] { Linear(3, 2, {.bias_initializer = [](Tensor& t) { t = zeros({5}); }}); },
               {"Linear", "bias_initializer", "[2]", "[5]"});
  expect_error(
      [] {
        Linear(3, 2,
               {.weight_initializer = init::orthogonal(1.0),
                .bias_initializer = init::orthogonal(1.0)});
      },
      {"init::orthogonal_", "[2]"});
  Linear layer(784, 10);
  expect_error(
      [&] {
        layer(zeros({32, 78}));
      },
      "Linear: expected input with 784 features (last dim), got [32, 78] for weight [784, 10]");
  expect_error([&] { layer(zeros({})); }, {"Linear", "784 features", "[]"});
}

}  // namespace
}  // namespace nabla::nn
