#include "nn/layer_norm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <vector>

#include "module_gradcheck.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla::nn {
namespace {

using ::testing::ElementsAre;
using testing::expect_all_near;
using testing::expect_error;
using testing::values;

TEST(LayerNorm, RegistersWeightAndBiasOfTheNormalizedShape) {
  LayerNorm ln({2, 3});
  ASSERT_EQ(ln.named_parameters().size(), 2U);
  EXPECT_EQ(ln.named_parameters()[0].first, "weight");
  EXPECT_EQ(ln.named_parameters()[1].first, "bias");
  EXPECT_EQ(ln.weight.shape(), (Shape{2, 3}));
  EXPECT_THAT(values(ln.weight.value()), ElementsAre(1, 1, 1, 1, 1, 1));
  EXPECT_THAT(values(ln.bias.value()), ElementsAre(0, 0, 0, 0, 0, 0));
  EXPECT_EQ(LayerNorm(5).normalized_shape(), (Shape{5}));
  LayerNorm plain(4, {.elementwise_affine = false});
  EXPECT_TRUE(plain.named_parameters().empty());
}

TEST(LayerNorm, NormalizesEachRowOverTheLastDim) {
  LayerNorm ln(3);
  // Row 0: x = 1, 2, 3: μ = 2, σ² = (1 + 0 + 1) / 3 = 2/3, y = (−1, 0, 1) / √(2/3 + ε).
  // Row 1: x = −1, −1, 2: μ = 0, σ² = (1 + 1 + 4) / 3 = 2, y = (−1, −1, 2) / √(2 + ε).
  Variable y = ln(tensor({{1, 2, 3}, {-1, -1, 2}}));
  const double s0 = 1 / std::sqrt(2.0 / 3.0 + 1e-5), s1 = 1 / std::sqrt(2.0 + 1e-5);
  expect_all_near(values(y.value()), {-s0, 0, s0, -s1, -s1, 2 * s1}, 1e-6);
}

TEST(LayerNorm, AppliesWeightAndBiasPerPosition) {
  LayerNorm ln(3, {.eps = 0.0});
  ln.weight.value().copy_(tensor({2, 3, -1}));
  ln.bias.value().copy_(tensor({1, 0, 0.5}));
  // x = 0, 3, 6 (a single sample [3]): μ = 3, σ² = (9 + 0 + 9) / 3 = 6,
  // x̂ = (−3, 0, 3) / √6; y = (2 x̂_0 + 1, 3 x̂_1, −x̂_2 + 0.5).
  Variable y = ln(tensor({0, 3, 6}));
  const double h = 3 / std::sqrt(6.0);
  expect_all_near(values(y.value()), {-2 * h + 1, 0, -h + 0.5}, 1e-6);
}

TEST(LayerNorm, NormalizesOverTheLastTwoDims) {
  LayerNorm ln({2, 2}, {.eps = 0.0});
  // Sample 0: 1, 3, 1, 3: μ = 2, σ² = 1, y = ∓1. Sample 1: 0, 0, 0, 4:
  // μ = 1, σ² = (1 + 1 + 1 + 9) / 4 = 3, y = (−1, −1, −1, 3) / √3.
  Variable y = ln(tensor({{{1, 3}, {1, 3}}, {{0, 0}, {0, 4}}}));
  ASSERT_EQ(y.shape(), (Shape{2, 2, 2}));
  const double r = 1 / std::sqrt(3.0);
  expect_all_near(values(y.value()), {-1, 1, -1, 1, -r, -r, -r, 3 * r}, 1e-6);
}

TEST(LayerNorm, EvaluationIsTheSameAsTraining) {
  LayerNorm ln(4);
  Generator gen(1);
  Tensor x = randn({3, 4}, gen);
  const std::vector<double> train = values(ln(x).value());
  ln.eval();
  EXPECT_EQ(values(ln(x).value()), train);
}

TEST(LayerNorm, Gradcheck) {
  Generator gen(2);
  LayerNorm ln(3);
  ln.weight.value().copy_(tensor({1.5, -0.5, 2}));
  ln.bias.value().copy_(tensor({0.1, 0.2, -0.3}));
  EXPECT_MODULE_GRADCHECK(ln, randn({2, 3}, gen));
  EXPECT_MODULE_GRADCHECK(ln, randn({2, 2, 3}, gen));

  LayerNorm ln2({2, 3});
  ln2.weight.value().copy_(randn({2, 3}, gen));
  EXPECT_MODULE_GRADCHECK(ln2, randn({2, 2, 3}, gen));

  LayerNorm plain(4, {.elementwise_affine = false});
  EXPECT_MODULE_GRADCHECK(plain, randn({3, 4}, gen));
}

TEST(LayerNorm, Printing) {
  std::ostringstream out;
  out << LayerNorm(512);
  EXPECT_EQ(out.str(), "LayerNorm([512], eps=1e-05, elementwise_affine=true)");
  EXPECT_EQ(LayerNorm({8, 16}, {.eps = 1e-3, .elementwise_affine = false}).extra_repr(),
            "[8, 16], eps=0.001, elementwise_affine=false");
}

TEST(LayerNorm, Errors) {
  LayerNorm ln(4);
  expect_error(
      [&] {
        ln(zeros({2, 3}));
      },
      {"LayerNorm: expected input with trailing shape [4], got [2, 3]"});
  expect_error([&] { ln(zeros({})); }, {"LayerNorm", "[4]", "[]"});
  expect_error([&] { ln(zeros({2, 4}, DType::f64)); }, {"LayerNorm", "f64", "f32"});
  LayerNorm ln2({2, 3});
  expect_error([&] { ln2(zeros({4, 3, 2})); }, {"LayerNorm", "[2, 3]", "[4, 3, 2]"});
  expect_error([&] { ln2(zeros({3})); }, {"LayerNorm", "[2, 3]", "[3]"});
  expect_error([] { LayerNorm(0); }, {"LayerNorm", "normalized_shape", "[0]"});
  expect_error([] { LayerNorm(Shape{}); }, {"LayerNorm", "normalized_shape", "[]"});
  expect_error([] { LayerNorm({3, -1}); }, {"LayerNorm", "[3, -1]"});
  expect_error([] { LayerNorm(3, {.eps = -0.5}); }, {"LayerNorm", "eps", "-0.5"});
}

}  // namespace
}  // namespace nabla::nn
