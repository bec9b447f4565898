// The node-wise check of models: a custom function with a wrong rule placed
// after a Linear is found and named with its module path; correct f32 models
// of every layer type and loss pass; BatchNorm's running statistics and a
// seeded Dropout's generator are left as they were.
#include "nn/node_check.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/function.h"
#include "autograd/nn_ops.h"
#include "nn/activation_modules.h"
#include "nn/batch_norm.h"
#include "nn/dropout.h"
#include "nn/flatten.h"
#include "nn/identity.h"
#include "nn/layer_norm.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/residual.h"
#include "nn/sequential.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla::nn {
namespace {

using autograd::NodeCheckResult;
using autograd::NodeCheckStatus;
using ::testing::HasSubstr;

// y = x^3; `Slip` picks the backward: 3 x^2, or the slip 2x.
template <bool Slip>
struct Cube : autograd::Function<Cube<Slip>> {
  static constexpr const char* name = Slip ? "SlippedCubeBackward" : "GoodCubeBackward";
  static Tensor forward(autograd::FunctionContext& ctx, const Tensor& x) {
    ctx.save_for_backward({x});
    return x * x * x;
  }
  static GradList backward(autograd::FunctionContext& ctx, const Tensor& grad_out) {
    const Tensor& x = ctx.saved()[0];
    return {Slip ? grad_out * 2.0 * x : grad_out * 3.0 * x * x};
  }
};

template <bool Slip>
class CubeLayer : public Module {
 public:
  Variable forward(const Variable& x) override { return Cube<Slip>::apply(x); }
  std::string type_name() const override { return "CubeLayer"; }
};

Tensor inputs(const Shape& shape, std::uint64_t seed) {
  Generator gen(seed);
  return randn(shape, gen);
}

TEST(NodeCheckModel, FindsAWrongRuleAfterALinearAndNamesItsModule) {
  manual_seed(1);
  Sequential model(Linear(3, 4), CubeLayer<true>(), Linear(4, 2));
  const Tensor x = inputs({5, 3}, 2);
  const Tensor labels = from_vector(std::vector<std::int64_t>{0, 1, 1, 0, 1}, {5});
  const NodeCheckResult result =
      check_nodes(model, [&] { return cross_entropy(model(x), labels); });

  ASSERT_FALSE(result.ok) << result.report();
  const autograd::NodeInputCheck* failure = result.first_failure();
  ASSERT_NE(failure, nullptr);
  EXPECT_EQ(failure->name, "SlippedCubeBackward");
  EXPECT_EQ(failure->module, "1 (CubeLayer)");
  EXPECT_EQ(failure->input, 0u);
  EXPECT_EQ(failure->source, "LinearBackward #1");
  EXPECT_EQ(failure->input_shape, (Shape{5, 4}));
  EXPECT_TRUE(failure->localised);
  // Only that rule is wrong: the Linears (module 0 and 2) and the loss pass.
  for (const autograd::NodeInputCheck& c : result.checks) {
    if (c.name == "SlippedCubeBackward") continue;
    EXPECT_EQ(c.status, NodeCheckStatus::passed) << c.name << " in " << c.module;
  }
  EXPECT_THAT(result.report(),
              HasSubstr("first failure: #2 SlippedCubeBackward (custom function) in 1 "
                        "(CubeLayer), input 0 from LinearBackward #1 [5, 4]: MISMATCH"));

  // The same model with the right rule passes.
  Sequential good(Linear(3, 4), CubeLayer<false>(), Linear(4, 2));
  const NodeCheckResult right = check_nodes(good, [&] { return cross_entropy(good(x), labels); });
  EXPECT_TRUE(right.ok) << right.report();
}

// A model of every layer type, in f32, with `loss` on top.
std::shared_ptr<Sequential> every_layer() {
  auto model = std::make_shared<Sequential>(
      Linear(6, 8), BatchNorm1d(8), ReLU(), Dropout({.p = 0.25, .seed = 3}),
      Residual(Sequential(Linear(8, 8, {.activation = Activation::tanh}), Linear(8, 8)),
               {.activation = Activation::relu}),
      LayerNorm(8), Linear(8, 8), LeakyReLU(), Linear(8, 8), ELU(), Linear(8, 8), GELU(),
      Linear(8, 8), Sigmoid(), Linear(8, 8), Tanh(), Linear(8, 8), Softplus(), Linear(8, 8),
      Softmax(), Linear(8, 8), LogSoftmax(), Identity(), Flatten(), Linear(8, 4));
  return model;
}

TEST(NodeCheckModel, ACorrectModelOfEveryLayerTypeAndLossPasses) {
  manual_seed(4);
  std::shared_ptr<Sequential> model = every_layer();
  const Tensor x = inputs({6, 6}, 5);
  const Tensor labels = from_vector(std::vector<std::int64_t>{0, 1, 2, 3, 1, 2}, {6});
  const Tensor target = inputs({6, 4}, 6);
  const Tensor probabilities = softmax(inputs({6, 4}, 7), 1);
  const Tensor bits =
      from_vector(std::vector<float>(24, 1.0f), {6, 4}) * gt(inputs({6, 4}, 8), 0.0);
  const std::vector<std::pair<std::string, std::function<Variable(const Variable&)>>> losses = {
      {"cross_entropy", [&](const Variable& y) { return cross_entropy(y, labels); }},
      {"cross_entropy probabilities",
       [&](const Variable& y) { return cross_entropy(y, probabilities, Reduction::sum, 0.1); }},
      {"nll_loss", [&](const Variable& y) { return nll_loss(log_softmax(y, 1), labels); }},
      {"mse_loss", [&](const Variable& y) { return mse_loss(y, target); }},
      {"huber_loss", [&](const Variable& y) { return huber_loss(y, target, 0.5); }},
      {"sse_loss", [&](const Variable& y) { return sse_loss(softmax(y, 1), probabilities); }},
      {"binary_cross_entropy",
       [&](const Variable& y) { return binary_cross_entropy(sigmoid(y), bits); }},
      {"binary_cross_entropy_with_logits",
       [&](const Variable& y) { return binary_cross_entropy_with_logits(y, bits); }},
  };
  for (const auto& [name, loss] : losses) {
    const NodeCheckResult result = check_nodes(*model, [&] { return loss((*model)(x)); });
    EXPECT_TRUE(result.ok) << name << "\n" << result.report();
    for (const autograd::NodeInputCheck& c : result.checks)
      EXPECT_NE(c.status, NodeCheckStatus::skipped) << name << ": " << c.name << " " << c.note;
  }
}

TEST(NodeCheckModel, LeavesBatchNormStatisticsAndTheDropoutGeneratorAsTheyWere) {
  manual_seed(9);
  Sequential model(Linear(4, 6), BatchNorm1d(6), Dropout({.p = 0.5, .seed = 12}), Linear(6, 1));
  const Tensor x = inputs({8, 4}, 10);
  const Tensor running_mean = model.buffer("1.running_mean").clone();
  const Tensor running_var = model.buffer("1.running_var").clone();
  Generator* dropout_generator = nullptr;
  for (const auto& [path, module] : model.named_modules())
    for (const auto& [name, gen] : module->named_generators()) dropout_generator = gen;
  ASSERT_NE(dropout_generator, nullptr);
  const std::uint64_t offset = dropout_generator->offset();

  const NodeCheckResult result = check_nodes(model, x);
  EXPECT_TRUE(result.ok) << result.report();
  bool dropout_checked = false;
  for (const autograd::NodeInputCheck& c : result.checks)
    dropout_checked |= c.name == "DropoutBackward" && c.status == NodeCheckStatus::passed;
  EXPECT_TRUE(dropout_checked) << result.report();
  EXPECT_EQ(model.buffer("1.running_mean").to_vector<float>(), running_mean.to_vector<float>());
  EXPECT_EQ(model.buffer("1.running_var").to_vector<float>(), running_var.to_vector<float>());
  EXPECT_EQ(dropout_generator->offset(), offset);
  EXPECT_EQ(model.parameter("0.weight").dtype(), DType::f32);
}

TEST(NodeCheckModel, AModelInEvalModePasses) {
  // In eval mode BatchNorm1d reads its f32 running statistics into the f64 replay.
  manual_seed(3);
  Sequential model(Linear(4, 6), BatchNorm1d(6), ReLU(), Dropout({.p = 0.3}), LayerNorm(6),
                   Linear(6, 2));
  const Tensor x = inputs({8, 4}, 11);
  model(x);  // running statistics away from their initial values
  model.eval();
  const NodeCheckResult result = check_nodes(model, [&] {
    return mse_loss(model(x), zeros({8, 2}));
  });
  EXPECT_TRUE(result.ok) << result.report();
  EXPECT_EQ(result.first_failure(), nullptr);
  bool batch_norm_checked = false;
  for (const autograd::NodeInputCheck& c : result.checks)
    batch_norm_checked |= c.name == "BatchNormBackward" && c.status == NodeCheckStatus::passed;
  EXPECT_TRUE(batch_norm_checked) << result.report();
}

TEST(NodeCheckModel, WithoutTheModelTheSeededDropoutIsSkipped) {
  manual_seed(9);
  Sequential model(Linear(4, 6), Dropout({.p = 0.5, .seed = 12}), Linear(6, 1));
  const Tensor x = inputs({8, 4}, 10);
  const NodeCheckResult result = autograd::check_nodes([&] { return model(x); });
  bool skipped = false;
  for (const autograd::NodeInputCheck& c : result.checks)
    skipped |= c.name == "DropoutBackward" && c.status == NodeCheckStatus::skipped;
  EXPECT_TRUE(skipped) << result.report();
}

}  // namespace
}  // namespace nabla::nn
