// A small MLP learns the two-spiral problem (the TensorFlow playground's
// hardest data set) with a hand-written training loop: nn modules for the
// model, a loss function, Adam and a learning-rate schedule. This is the loop
// that a Keras-style fit() runs for you.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numbers>
#include <vector>

#include "nabla.h"

using namespace nabla;

// Two interleaved spirals of n points each: class c's point i lies at radius
// r = 5 i / n and angle 1.75 · 2π i / n + c π.
std::pair<Tensor, Tensor> two_spirals(int n) {
  std::vector<float> x;
  std::vector<std::int64_t> labels;
  for (int c = 0; c < 2; ++c) {
    for (int i = 1; i <= n; ++i) {
      const double s = static_cast<double>(i) / n;
      const double angle = 1.75 * 2 * std::numbers::pi * s + c * std::numbers::pi;
      x.push_back(static_cast<float>(5 * s * std::sin(angle)));
      x.push_back(static_cast<float>(5 * s * std::cos(angle)));
      labels.push_back(c);
    }
  }
  return {from_vector(x, {2 * n, 2}), from_vector(labels, {2 * n})};
}

double accuracy(nn::Module& model, const Tensor& x, const Tensor& labels) {
  NoGradGuard no_grad;
  Tensor predicted = argmax(model(x).value(), 1);
  return mean(eq(predicted, labels).to(DType::f64)).item<double>();
}

int main() {
  manual_seed(1);
  const auto [x, labels] = two_spirals(100);

  nn::Sequential model(
      nn::Linear(2, 32, {.activation = nn::Activation::tanh}),
      nn::Linear(32, 32, {.activation = nn::Activation::tanh, .weight_regularizer = nn::l2(1e-5)}),
      nn::Linear(32, 2));
  std::cout << model << "\n" << nn::summary(model, {2});

  optim::Adam opt(model.named_parameters(), {.lr = 0.02});
  optim::StepLR schedule(opt, {.step_size = 500, .gamma = 0.5});

  for (int step = 1; step <= 1500; ++step) {
    opt.zero_grad();
    Variable loss = nn::cross_entropy(model(x), labels) + model.regularization_loss();
    loss.backward();
    opt.step();
    schedule.step();
    if (step % 250 == 0)
      std::printf("step %4d  lr %.4f  loss %.4f  accuracy %.3f\n", step, opt.lr(),
                  loss.item<double>(), accuracy(model, x, labels));
  }
  // The spirals are learned perfectly well before the last step; far less means a bug.
  return accuracy(model, x, labels) >= 0.9 ? 0 : 1;
}
