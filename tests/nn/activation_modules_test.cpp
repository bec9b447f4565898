#include "nn/activation_modules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>
#include <vector>

#include "autograd/reduce.h"
#include "module_gradcheck.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla::nn {
namespace {

using testing::expect_all_near;
using testing::expect_error;
using testing::values;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The module applied to f64 values.
std::vector<double> apply(Module& m, const std::vector<double>& x) {
  return values(m(from_vector(x)).value());
}

// dy/dx at the points x of an elementwise module, by one backward of Σ y.
std::vector<double> derivative(Module& m, const std::vector<double>& x) {
  Variable v(from_vector(x), /*requires_grad=*/true);
  sum(m(v)).backward();
  return values(v.grad());
}

std::string printed(const Module& m) {
  std::ostringstream out;
  out << m;
  return out.str();
}

TEST(Activation, ActivateAppliesTheNamedActivation) {
  Activate linear(Activation::linear);
  Variable x(tensor({-1, 2}), /*requires_grad=*/true);
  EXPECT_EQ(linear(x).impl(), x.impl());  // the identity: no node
  Activate relu_by_name(Activation::relu);
  expect_all_near(apply(relu_by_name, {-1, 0, 2}), {0, 0, 2});
  Activate tanh_by_name(Activation::tanh);
  // tanh(ln 2) = (2 − 1/2) / (2 + 1/2) = 0.6
  expect_all_near(apply(tanh_by_name, {std::log(2.0)}), {0.6});
  EXPECT_EQ(tanh_by_name.activation(), Activation::tanh);
  EXPECT_EQ(printed(tanh_by_name), "Activate(activation=tanh)");
}

TEST(Activation, ReLU) {
  ReLU relu;
  expect_all_near(apply(relu, {-1, 0, 2}), {0, 0, 2});
  expect_all_near(derivative(relu, {-1, 0, 2}), {0, 0, 1});  // relu'(0) = 0
  EXPECT_EQ(printed(relu), "ReLU()");
}

TEST(Activation, LeakyReLU) {
  LeakyReLU leaky;
  // −2 → 0.01 · −2 = −0.02; 3 → 3.
  expect_all_near(apply(leaky, {-2, 3}), {-0.02, 3});
  LeakyReLU steep({.negative_slope = 0.2});
  expect_all_near(apply(steep, {-2, 3}), {-0.4, 3});
  expect_all_near(derivative(steep, {-2, 3}), {0.2, 1});
  EXPECT_EQ(printed(leaky), "LeakyReLU(negative_slope=0.01)");
}

TEST(Activation, ELU) {
  ELU elu;
  // −1 → e^−1 − 1; 1.5 → 1.5.
  expect_all_near(apply(elu, {-1, 1.5}), {std::exp(-1.0) - 1, 1.5});
  ELU elu2({.alpha = 2});
  // −ln 2 → 2 (1/2 − 1) = −1, with slope α e^x = 2 · 1/2 = 1.
  expect_all_near(apply(elu2, {-std::log(2.0)}), {-1});
  expect_all_near(derivative(elu2, {-std::log(2.0), 3}), {1, 1});
  EXPECT_EQ(printed(elu2), "ELU(alpha=2)");
}

TEST(Activation, GELU) {
  // Exact: x Φ(x), Φ(x) = ½ (1 + erf(x / √2)).
  auto exact = [](double x) { return x * 0.5 * (1 + std::erf(x / std::sqrt(2.0))); };
  // Approximation: ½ x (1 + tanh(√(2/π) (x + 0.044715 x³))).
  auto approx = [](double x) {
    return 0.5 * x * (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (x + 0.044715 * x * x * x)));
  };
  GELU gelu;
  expect_all_near(apply(gelu, {-1, 0, 1, 2.5}), {exact(-1), 0, exact(1), exact(2.5)});
  // gelu'(0) = Φ(0) + 0 · φ(0) = ½.
  expect_all_near(derivative(gelu, {0}), {0.5});
  GELU tanh_gelu({.approximate = true});
  expect_all_near(apply(tanh_gelu, {-1, 1, 2.5}), {approx(-1), approx(1), approx(2.5)});
  EXPECT_NE(apply(tanh_gelu, {1})[0], exact(1));
  EXPECT_EQ(printed(gelu), "GELU(approximate=false)");
  EXPECT_EQ(printed(tanh_gelu), "GELU(approximate=true)");
}

TEST(Activation, SigmoidWithSlope) {
  Sigmoid sigmoid;
  // σ(0) = ½, σ'(0) = σ (1 − σ) = ¼.
  expect_all_near(apply(sigmoid, {0}), {0.5});
  expect_all_near(derivative(sigmoid, {0}), {0.25});
  Sigmoid steep({.slope = 2});
  // 1 / (1 + e^(−2 · ln 3 / 2)) = 1 / (1 + 1/3) = 3/4.
  expect_all_near(apply(steep, {0, std::log(3.0) / 2}), {0.5, 0.75});
  // y' = λ y (1 − y): λ/4 = 0.5 at 0, and 2 · 3/4 · 1/4 = 3/8 at ln 3 / 2.
  expect_all_near(derivative(steep, {0, std::log(3.0) / 2}), {0.5, 0.375});
  EXPECT_EQ(printed(sigmoid), "Sigmoid()");
  EXPECT_EQ(printed(steep), "Sigmoid(slope=2)");
}

TEST(Activation, Tanh) {
  Tanh tanh_module;
  // tanh(ln 2) = 0.6, tanh' = 1 − 0.36 = 0.64.
  expect_all_near(apply(tanh_module, {0, std::log(2.0)}), {0, 0.6});
  expect_all_near(derivative(tanh_module, {std::log(2.0)}), {0.64});
  EXPECT_EQ(printed(tanh_module), "Tanh()");
}

TEST(Activation, TanhWithSlope) {
  Tanh steep({.slope = 2});
  // tanh(2 · ln 2 / 2) = tanh(ln 2) = 0.6; y' = λ (1 − y²) = 2 · 0.64 at that point, λ at 0.
  expect_all_near(apply(steep, {0, std::log(2.0) / 2}), {0, 0.6});
  expect_all_near(derivative(steep, {0, std::log(2.0) / 2}), {2, 1.28});
  EXPECT_EQ(printed(steep), "Tanh(slope=2)");
  Tanh flat({.slope = 0.5});
  // tanh(0.5 · 2 ln 2) = 0.6 again.
  expect_all_near(apply(flat, {2 * std::log(2.0)}), {0.6});
}

// The largest derivative over a fine grid is at x = 0: λ/4 for σ(λx) and λ for
// tanh(λx) (σ' = σ (1 − σ) ≤ 1/4 since σ (1 − σ) is largest at σ = 1/2).
TEST(Activation, DerivativeBoundsWithSlope) {
  std::vector<double> grid;
  for (int i = -4000; i <= 4000; ++i) grid.push_back(i * 0.0025);  // [−10, 10], 0 included
  for (double slope : {0.5, 1.0, 2.0, 4.0}) {
    Sigmoid sigmoid({.slope = slope});
    Tanh tanh_module({.slope = slope});
    const std::vector<double> ds = derivative(sigmoid, grid);
    const std::vector<double> dt = derivative(tanh_module, grid);
    const double max_s = *std::max_element(ds.begin(), ds.end());
    const double max_t = *std::max_element(dt.begin(), dt.end());
    EXPECT_LE(max_s, 0.25 * slope + 1e-15) << "slope " << slope;
    EXPECT_NEAR(max_s, 0.25 * slope, 1e-12) << "slope " << slope;  // attained at x = 0
    EXPECT_LE(max_t, slope + 1e-15) << "slope " << slope;
    EXPECT_NEAR(max_t, slope, 1e-12) << "slope " << slope;
    // Far out, 1 − σ rounds to 0 in f64: the derivative is then exactly 0, never negative.
    EXPECT_GE(*std::min_element(ds.begin(), ds.end()), 0.0);
  }
}

TEST(Activation, ActivateWithSlope) {
  Variable x(from_vector(std::vector<double>{std::log(3.0) / 2}));
  // σ(2 · ln 3 / 2) = 3/4, tanh(2 · ln 3 / 2) = (9 − 1) / (9 + 1) = 0.8.
  expect_all_near(values(activate(Activation::sigmoid, x, 2).value()), {0.75});
  expect_all_near(values(activate(Activation::tanh, x, 2).value()), {0.8});
  EXPECT_TRUE(has_slope(Activation::tanh));
  EXPECT_FALSE(has_slope(Activation::relu));
  expect_error([&] { activate(Activation::relu, x, 2); }, {"activate", "relu", "2"});
  expect_error([&] { activate(Activation::tanh, x, 0); }, {"activate", "slope", "0"});
  expect_error([&] { activate(Activation::sigmoid, x, kNaN); }, {"activate", "nan"});
}

TEST(Activation, Softplus) {
  Softplus softplus;
  // ln(1 + e^0) = ln 2; slope σ(0) = ½.
  expect_all_near(apply(softplus, {0}), {std::log(2.0)});
  expect_all_near(derivative(softplus, {0}), {0.5});
  Softplus sharp({.beta = 2});
  // ln(1 + e^(2 · 0)) / 2 = ln 2 / 2; ln(1 + e^(2 ln 3 / 2)) / 2 = ln 4 / 2 = ln 2.
  expect_all_near(apply(sharp, {0, std::log(3.0) / 2}), {std::log(2.0) / 2, std::log(2.0)});
  // Above the threshold (βx = 2 > 1) the output is x itself, slope 1.
  Softplus linear_early({.beta = 1, .threshold = 1});
  expect_all_near(apply(linear_early, {2, 0.5}), {2, std::log1p(std::exp(0.5))});
  expect_all_near(derivative(linear_early, {2}), {1});
  EXPECT_EQ(printed(softplus), "Softplus(beta=1, threshold=20)");
}

TEST(Activation, SoftmaxAndLogSoftmax) {
  Softmax softmax;
  // e^0, e^ln 2, e^ln 3 = 1, 2, 3, sum 6.
  expect_all_near(apply(softmax, {0, std::log(2.0), std::log(3.0)}), {1.0 / 6, 1.0 / 3, 0.5});
  LogSoftmax log_softmax;
  expect_all_near(apply(log_softmax, {0, std::log(2.0), std::log(3.0)}),
                  {std::log(1.0 / 6), std::log(1.0 / 3), std::log(0.5)});
  // Along dim 0 of [[0, 0], [ln 3, 0]]: columns (1, 3) / 4 and (1, 1) / 2.
  Softmax by_column({.dim = 0});
  Tensor x = from_vector(std::vector<double>{0, 0, std::log(3.0), 0}, {2, 2});
  expect_all_near(values(by_column(x).value()), {0.25, 0.5, 0.75, 0.5});
  LogSoftmax log_by_column({.dim = 0});
  expect_all_near(values(log_by_column(x).value()),
                  {std::log(0.25), std::log(0.5), std::log(0.75), std::log(0.5)});
  EXPECT_EQ(printed(softmax), "Softmax(dim=-1)");
  EXPECT_EQ(printed(log_by_column), "LogSoftmax(dim=0)");
}

TEST(Activation, ModuleGradchecks) {
  Generator gen(1);
  auto x = [&gen] { return randn({2, 3}, gen, DType::f64); };
  ReLU relu;
  EXPECT_MODULE_GRADCHECK(relu, x());
  LeakyReLU leaky({.negative_slope = 0.2});
  EXPECT_MODULE_GRADCHECK(leaky, x());
  ELU elu({.alpha = 1.5});
  EXPECT_MODULE_GRADCHECK(elu, x());
  GELU gelu;
  EXPECT_MODULE_GRADCHECK(gelu, x());
  GELU tanh_gelu({.approximate = true});
  EXPECT_MODULE_GRADCHECK(tanh_gelu, x());
  Sigmoid sigmoid({.slope = 3});
  EXPECT_MODULE_GRADCHECK(sigmoid, x());
  Tanh tanh_module;
  EXPECT_MODULE_GRADCHECK(tanh_module, x());
  Tanh steep_tanh({.slope = 2.5});
  EXPECT_MODULE_GRADCHECK(steep_tanh, x());
  Softplus softplus({.beta = 2, .threshold = 1});  // both branches at once
  EXPECT_MODULE_GRADCHECK(softplus, from_vector(std::vector<double>{-1, 0.2, 0.4, 0.6, 2, 3}));
  Softmax softmax;
  EXPECT_MODULE_GRADCHECK(softmax, x());
  Softmax softmax0({.dim = 0});
  EXPECT_MODULE_GRADCHECK(softmax0, x());
  LogSoftmax log_softmax;
  EXPECT_MODULE_GRADCHECK(log_softmax, x());
  for (Activation a : {Activation::linear, Activation::relu, Activation::leaky_relu,
                       Activation::elu, Activation::gelu, Activation::sigmoid, Activation::tanh,
                       Activation::softplus, Activation::softmax, Activation::log_softmax}) {
    Activate activate(a);
    EXPECT_MODULE_GRADCHECK(activate, x()) << a;
  }
}

TEST(Activation, OptionValidation) {
  expect_error([] { LeakyReLU({.negative_slope = kInf}); }, {"LeakyReLU", "negative_slope", "inf"});
  expect_error([] { LeakyReLU({.negative_slope = kNaN}); }, {"LeakyReLU", "nan"});
  expect_error([] { ELU({.alpha = kNaN}); }, {"ELU", "alpha", "nan"});
  EXPECT_NO_THROW(ELU({.alpha = -0.5}));  // accepted, as in PyTorch
  expect_error([] { Sigmoid({.slope = 0}); }, {"Sigmoid", "slope must be > 0", "0"});
  expect_error([] { Sigmoid({.slope = -1}); }, {"Sigmoid", "-1"});
  expect_error([] { Sigmoid({.slope = kInf}); }, {"Sigmoid", "inf"});
  expect_error([] { Tanh({.slope = 0}); }, {"Tanh", "slope must be > 0", "0"});
  expect_error([] { Tanh({.slope = kNaN}); }, {"Tanh", "nan"});
  expect_error([] { Softplus({.beta = 0}); }, {"Softplus", "beta", "0"});
  expect_error([] { Softplus({.beta = -2}); }, {"Softplus", "beta", "-2"});
  expect_error([] { Softplus({.threshold = kNaN}); }, {"Softplus", "threshold"});
}

TEST(Activation, ForwardErrorsComeFromTheOps) {
  Softmax softmax({.dim = 2});
  expect_error([&] { softmax(zeros({2, 3})); }, {"softmax", "2"});
  LogSoftmax log_softmax({.dim = -3});
  expect_error([&] { log_softmax(zeros({2, 3})); }, {"log_softmax", "-3"});
  Tanh tanh_module;
  expect_error([&] { tanh_module(arange(3, DType::i64)); }, {"tanh", "i64"});
}

}  // namespace
}  // namespace nabla::nn
