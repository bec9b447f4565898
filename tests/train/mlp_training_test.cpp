// End-to-end: small MLPs trained by a hand-written loop (forward, loss,
// backward, optimizer step) learn XOR and the two-spiral problem, with
// deterministic seeds and a fixed number of steps.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "autograd/grad_mode.h"
#include "autograd/nn_ops.h"
#include "nn/linear.h"
#include "nn/sequential.h"
#include "optim/adam.h"
#include "optim/sgd.h"
#include "tensor/ops.h"

namespace nabla {
namespace {

struct Problem {
  Tensor x;  ///< [N, 2]
  Tensor t;  ///< [N, 1], 0 or 1
};

Problem xor_problem() {
  return {from_vector(std::vector<float>{0, 0, 0, 1, 1, 0, 1, 1}, {4, 2}),
          from_vector(std::vector<float>{0, 1, 1, 0}, {4, 1})};
}

// Two interleaved spirals as in the TensorFlow playground: class c's point i
// (1 <= i <= n; i = 0 would put both classes at the origin) lies at radius
// r = 5 i / n and angle 1.75 · 2π i / n + c π. `phase` shifts i by a
// fraction, to get points between the training points.
Problem two_spirals(int n, double phase = 0.0) {
  std::vector<float> x, t;
  for (int c = 0; c < 2; ++c) {
    for (int i = 1; i <= n; ++i) {
      const double s = (i + phase) / n;
      const double r = 5.0 * s;
      const double angle = 1.75 * 2 * std::numbers::pi * s + c * std::numbers::pi;
      x.push_back(static_cast<float>(r * std::sin(angle)));
      x.push_back(static_cast<float>(r * std::cos(angle)));
      t.push_back(static_cast<float>(c));
    }
  }
  return {from_vector(x, {2 * n, 2}), from_vector(t, {2 * n, 1})};
}

// Fraction of points whose logit has the wrong sign.
double error_rate(nn::Module& model, const Problem& p) {
  NoGradGuard no_grad;
  std::vector<float> z = model(p.x).value().to_vector<float>();
  std::vector<float> t = p.t.to_vector<float>();
  int wrong = 0;
  for (std::size_t i = 0; i < z.size(); ++i) wrong += (z[i] > 0) != (t[i] > 0.5f);
  return static_cast<double>(wrong) / static_cast<double>(z.size());
}

double train(nn::Module& model, optim::Optimizer& opt, const Problem& p, int steps) {
  double loss_value = 0;
  for (int step = 0; step < steps; ++step) {
    opt.zero_grad();
    Variable loss = binary_cross_entropy_with_logits(model(p.x), p.t);
    loss.backward();
    opt.step();
    loss_value = loss.item<double>();
  }
  return loss_value;
}

TEST(MlpTraining, XorWithSgdMomentum) {
  manual_seed(7);
  nn::Sequential model(nn::Linear(2, 4, {.activation = nn::Activation::tanh}), nn::Linear(4, 1));
  optim::SGD opt(model.parameters(), {.lr = 0.1, .momentum = 0.9});
  const double loss = train(model, opt, xor_problem(), 500);
  EXPECT_LT(loss, 0.05);
  EXPECT_EQ(error_rate(model, xor_problem()), 0.0);
}

TEST(MlpTraining, TwoSpiralsWithAdam) {
  manual_seed(7);
  nn::Sequential model(nn::Linear(2, 32, {.activation = nn::Activation::tanh}),
                       nn::Linear(32, 32, {.activation = nn::Activation::tanh}), nn::Linear(32, 1));
  optim::Adam opt(model.parameters(), {.lr = 0.01});
  const Problem train_set = two_spirals(100);
  train(model, opt, train_set, 1500);
  EXPECT_LT(error_rate(model, train_set), 0.01);
  // Points halfway between the training points: the spirals were learned,
  // not the 200 points.
  EXPECT_LT(error_rate(model, two_spirals(100, -0.5)), 0.03);
}

}  // namespace
}  // namespace nabla
