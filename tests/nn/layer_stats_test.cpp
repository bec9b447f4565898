// Per-layer diagnostics on a two-layer ReLU network whose gradients were
// worked out by hand, on sigmoid and tanh layers with known saturation, and
// the update ratio of a known weight change.
#include "nn/layer_stats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <vector>

#include "autograd/elementwise.h"
#include "nn/activation_modules.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::nn {
namespace {

using testing::expect_error;
using ::testing::HasSubstr;

Tensor f64(std::vector<double> values, Shape shape) {
  return from_vector(values, shape);
}

// Linear(2, 2, relu) with W1 = [[1, −1], [1, −1]], b1 = 0, then Linear(2, 1)
// with W2 = [[1], [2]], b2 = 0.
Sequential relu_net() {
  Sequential net(Linear(2, 2, {.activation = Activation::relu, .dtype = DType::f64}),
                 Linear(2, 1, {.dtype = DType::f64}));
  auto params = net.parameters();
  params[0].value().copy_(f64({1, -1, 1, -1}, {2, 2}));
  params[1].value().fill_(0);
  params[2].value().copy_(f64({1, 2}, {2, 1}));
  params[3].value().fill_(0);
  return net;
}

TEST(LayerStats, TwoLayerReluNetByHand) {
  Sequential net = relu_net();
  // x = [[1, 2], [2, 1]]: pre-activations [[3, −3], [3, −3]], h = [[3, 0], [3, 0]]
  // (unit 2 dead), y = h·W2 = [3, 3]; MSE against 1: ∂L/∂y = 2(y − t)/2 = [2, 2].
  // ∇W2 = hᵀ·g = [[12], [0]], ∇b2 = 4 → ‖·‖ = √160.
  // δh = g·W2ᵀ ⊙ relu' = [[2, 0], [2, 0]]; ∇W1 = xᵀ·δh = [[6, 0], [6, 0]],
  // ∇b1 = [4, 0] → ‖·‖ = √88.
  const auto rows =
      layer_stats(net, Variable(f64({1, 2, 2, 1}, {2, 2})), f64({1, 1}, {2, 1}), MSELoss{});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].layer, "0");
  EXPECT_EQ(rows[0].kind, "Linear(relu)");
  EXPECT_NEAR(rows[0].grad_norm, std::sqrt(88.0), 1e-12);
  EXPECT_NEAR(rows[0].weight_norm, 2.0, 1e-12);
  EXPECT_TRUE(std::isnan(rows[0].update_ratio));
  EXPECT_NEAR(rows[0].activation_mean, 1.5, 1e-12);
  EXPECT_NEAR(rows[0].activation_std, 1.5, 1e-12);
  EXPECT_DOUBLE_EQ(rows[0].dead_fraction, 0.5);
  EXPECT_TRUE(std::isnan(rows[0].saturated_fraction));

  EXPECT_EQ(rows[1].layer, "1");
  EXPECT_EQ(rows[1].kind, "Linear");
  EXPECT_NEAR(rows[1].grad_norm, std::sqrt(160.0), 1e-12);
  EXPECT_NEAR(rows[1].weight_norm, std::sqrt(5.0), 1e-12);
  EXPECT_NEAR(rows[1].activation_mean, 3.0, 1e-12);
  EXPECT_NEAR(rows[1].activation_std, 0.0, 1e-12);
  EXPECT_TRUE(std::isnan(rows[1].dead_fraction));
}

TEST(LayerStats, SaturatedSigmoidAndTanhUnits) {
  // Pre-activations [[10, 0.1], [−10, −0.1]]: the first unit saturates.
  for (const bool sigmoid : {true, false}) {
    Sequential net(Linear(1, 2, {.dtype = DType::f64}));
    if (sigmoid) {
      net.add(Sigmoid());
    } else {
      net.add(Tanh());
    }
    auto params = net.parameters();
    params[0].value().copy_(f64({10, 0.1}, {1, 2}));
    params[1].value().fill_(0);
    const auto rows =
        layer_stats(net, Variable(f64({1, -1}, {2, 1})), f64({0, 0, 0, 0}, {2, 2}), MSELoss{});
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1].kind, sigmoid ? "Sigmoid" : "Tanh");
    EXPECT_TRUE(std::isnan(rows[1].grad_norm));  // no parameters
    EXPECT_DOUBLE_EQ(rows[1].saturated_fraction, 0.5);
    // The Linear row's outputs are not an activation of a known kind.
    EXPECT_TRUE(std::isnan(rows[0].saturated_fraction));
    EXPECT_TRUE(std::isnan(rows[0].dead_fraction));
  }
}

TEST(LayerStatsProbe, UpdateRatioOfAKnownChange) {
  Sequential net = relu_net();
  LayerStatsProbe probe(net);
  probe.snapshot_weights();
  // W1 += 0.1 in all four entries: ‖ΔW1‖ = 0.2, ‖W1 before‖ = 2 → 0.1.
  net.parameters()[0].value().add_(full({2, 2}, 0.1, DType::f64));
  const auto rows = probe.stats();
  EXPECT_NEAR(rows[0].update_ratio, 0.1, 1e-12);
  EXPECT_NEAR(rows[1].update_ratio, 0.0, 1e-15);
  // Not armed: no activation recorded, no gradient yet.
  EXPECT_TRUE(std::isnan(rows[0].activation_mean));
  EXPECT_TRUE(std::isnan(rows[0].grad_norm));
}

TEST(LayerStatsProbe, HooksAreRemovedWithTheProbe) {
  Sequential net = relu_net();
  {
    LayerStatsProbe probe(net);
    probe.arm(true);
    net(Variable(f64({1, 2}, {1, 2})));
    EXPECT_FALSE(std::isnan(probe.stats()[0].activation_mean));
  }
  // A forward after the probe is gone must not touch it.
  EXPECT_NO_THROW(net(Variable(f64({1, 2}, {1, 2}))));
}

TEST(LayerStats, TableAndCsv) {
  Sequential net = relu_net();
  const auto rows =
      layer_stats(net, Variable(f64({1, 2, 2, 1}, {2, 2})), f64({1, 1}, {2, 1}), MSELoss{});
  std::ostringstream table;
  print_layer_stats(table, rows);
  EXPECT_THAT(table.str(), HasSubstr("grad_norm"));
  EXPECT_THAT(table.str(), HasSubstr("Linear(relu)"));
  EXPECT_THAT(table.str(), HasSubstr("9.381"));  // √88
  EXPECT_EQ(layer_stats_csv_header(),
            "layer,kind,grad_norm,weight_norm,update_ratio,activation_mean,activation_std,"
            "dead_fraction,saturated_fraction");
  EXPECT_EQ(layer_stats_csv(rows),
            "0,Linear(relu),9.38083152,2,nan,1.5,1.5,0.5,nan\n"
            "1,Linear,12.6491106,2.23606798,nan,3,0,nan,nan\n");
}

TEST(LayerStats, Errors) {
  Sequential empty;
  expect_error([&] { LayerStatsProbe probe(empty); }, {"LayerStatsProbe", "no layer"});
  Sequential net = relu_net();
  expect_error(
      [&] {
        layer_stats(net, Variable(f64({1, 2, 2, 1}, {2, 2})), f64({1, 1}, {2, 1}),
                    [](const Variable& y, const Tensor&) { return y * 2.0; });
      },
      {"layer_stats", "scalar"});
}

}  // namespace
}  // namespace nabla::nn
