// A GoogleTest program, as a test author writes one: the backward pass of a
// small classifier derived by hand in Tensor ops and checked against autograd
// with nabla's assertions (testing/testing.h, CMake target nabla::testing).
//
//   z1 = x·W1 + b1,  h = tanh(z1)      [N, H]   fc1: Linear(D, H) with tanh
//   z2 = h·W2 + b2                     [N, C]   fc2: Linear(H, C), the logits
//   L  = −(1/N) Σ_n log softmax(z2)[n, label_n]
//
// Backward, one line per equation:
//   dz2 = (softmax(z2) − onehot(labels)) / N          [N, C]
//   dW2 = hᵀ·dz2    [H, N] x [N, C] -> [H, C];   db2 = Σ_rows dz2
//   dh  = dz2·W2ᵀ   [N, C] x [C, H] -> [N, H]
//   dz1 = dh ⊙ (1 − h²)                               tanh' = 1 − tanh²
//   dW1 = xᵀ·dz1    [D, N] x [N, H] -> [D, H];   db1 = Σ_rows dz1
//
// The model keeps f32, nn's default, so the assertions apply the f32
// tolerances. A last test shows that the check catches a slip: the same
// backward pass without tanh's derivative. Run with
// --gtest_also_run_disabled_tests to see the failure that slip produces.
#include <gtest/gtest.h>

#include <iostream>
#include <memory>

#include "nabla.h"
#include "testing/testing.h"

namespace {

using namespace nabla;
using test::NamedTensors;
using test::NamedVariables;
using test::Verdict;

constexpr std::int64_t kSamples = 16;  // N
constexpr std::int64_t kInputs = 4;    // D
constexpr std::int64_t kHidden = 8;    // H
constexpr std::int64_t kClasses = 3;   // C

class Classifier : public nn::Module {
 public:
  Classifier()
      : fc1(register_module(
            "fc1",
            std::make_shared<nn::Linear>(
                kInputs, kHidden, nn::LinearOptions{.activation = nn::Activation::tanh}))),
        fc2(register_module("fc2", std::make_shared<nn::Linear>(kHidden, kClasses))) {}

  Variable forward(const Variable& x) override { return fc2(fc1(x)); }

  nn::Submodule<nn::Linear> fc1;
  nn::Submodule<nn::Linear> fc2;
};

// The gradients of one backward pass, by hand.
struct HandGradients {
  Tensor logits, loss;  // the forward pass, for comparison with the model's
  Tensor dz2, dh, dw1, db1, dw2, db2;
};

HandGradients backprop_by_hand(const Classifier& model,
                               const Tensor& x,
                               const Tensor& labels,
                               bool forget_tanh_derivative = false) {
  const Tensor& w1 = model.fc1->weight.value();
  const Tensor& b1 = model.fc1->bias.value();
  const Tensor& w2 = model.fc2->weight.value();
  const Tensor& b2 = model.fc2->bias.value();
  const double n = static_cast<double>(kSamples);
  HandGradients g;
  const Tensor h = tanh(matmul(x, w1) + b1);
  g.logits = matmul(h, w2) + b2;
  const Tensor onehot = one_hot(labels, kClasses);
  g.loss = -sum(log_softmax(g.logits, 1) * onehot) / n;

  g.dz2 = (softmax(g.logits, 1) - onehot) / n;
  g.dw2 = matmul(transpose(h, 0, 1), g.dz2);
  g.db2 = sum(g.dz2, {0});
  g.dh = matmul(g.dz2, transpose(w2, 0, 1));
  const Tensor dz1 = forget_tanh_derivative ? g.dh : g.dh * (1.0 - h * h);
  g.dw1 = matmul(transpose(x, 0, 1), dz1);
  g.db1 = sum(dz1, {0});
  return g;
}

NamedTensors parameter_gradients(const HandGradients& g) {
  return {{"fc1.weight", g.dw1}, {"fc1.bias", g.db1}, {"fc2.weight", g.dw2}, {"fc2.bias", g.db2}};
}

class ClassifierBackprop : public ::testing::Test {
 protected:
  void SetUp() override {
    manual_seed(0);  // the Linear layers' initial weights
    model_ = std::make_unique<Classifier>();
    Generator gen(1);
    x_ = randn({kSamples, kInputs}, gen);
    labels_ = randint(0, kClasses, {kSamples}, gen);
    // Forward hooks keep the two layers' outputs, with their gradients.
    model_->fc1->register_forward_hook([this](nn::Module&, const Variable&, const Variable& y) {
      hidden_ = y;
      hidden_.retain_grad();
    });
    model_->fc2->register_forward_hook([this](nn::Module&, const Variable&, const Variable& y) {
      logits_ = y;
      logits_.retain_grad();
    });
    loss_ = nn::cross_entropy((*model_)(x_), labels_);
    loss_.backward();
  }

  std::unique_ptr<Classifier> model_;
  Tensor x_, labels_;
  Variable hidden_, logits_, loss_;
};

TEST_F(ClassifierBackprop, ForwardByHandMatchesTheModel) {
  const HandGradients g = backprop_by_hand(*model_, x_, labels_);
  EXPECT_TENSOR_NEAR(g.logits, logits_);
  EXPECT_TENSOR_NEAR(g.loss, loss_);
}

TEST_F(ClassifierBackprop, HandWrittenGradientsMatchAutograd) {
  const HandGradients g = backprop_by_hand(*model_, x_, labels_);
  const NamedTensors manual = parameter_gradients(g);
  // Against the module: its parameters by their paths.
  EXPECT_GRADIENTS_MATCH(manual, *model_);

  // The intermediate gradients too, as each step of the derivation is checked
  // in turn, and the table every comparison prints.
  NamedTensors every_step = manual;
  every_step.push_back({"hidden", g.dh});
  every_step.push_back({"logits", g.dz2});
  NamedVariables named = model_->named_parameters();
  named.push_back({"hidden", hidden_});
  named.push_back({"logits", logits_});
  const test::GradientComparison table = test::compare_gradients(every_step, named);
  std::cout << table;
  EXPECT_TRUE(table.ok);
}

TEST_F(ClassifierBackprop, CatchesAForgottenTanhDerivative) {
  const HandGradients slip =
      backprop_by_hand(*model_, x_, labels_, /*forget_tanh_derivative=*/true);
  const test::GradientComparison result =
      test::compare_gradients(parameter_gradients(slip), *model_);
  EXPECT_FALSE(result.ok);
  // Only the layer below the slip is wrong.
  ASSERT_EQ(result.rows.size(), 4u);
  EXPECT_EQ(result.rows[0].verdict, Verdict::mismatch);  // fc1.weight
  EXPECT_EQ(result.rows[1].verdict, Verdict::mismatch);  // fc1.bias
  EXPECT_TRUE(result.rows[2].passed());                  // fc2.weight
  EXPECT_TRUE(result.rows[3].passed());                  // fc2.bias
}

// Fails on purpose: what a test author sees when the derivation has a slip.
TEST_F(ClassifierBackprop, DISABLED_ShowsTheFailureOfAForgottenTanhDerivative) {
  const HandGradients slip =
      backprop_by_hand(*model_, x_, labels_, /*forget_tanh_derivative=*/true);
  const NamedTensors manual = parameter_gradients(slip);
  EXPECT_GRADIENTS_MATCH(manual, *model_);
  EXPECT_TENSOR_NEAR(slip.db1, model_->fc1->bias.grad());
}

}  // namespace
