// A model written as a Module subclass — an input layer, a residual block
// y = relu(x + f(x)) and a classifier — trained twice on the two-moons data
// set: once with a hand-written loop (every step spelled out) and once with
// fit, which runs the same loop plus metrics, validation and callbacks.
#include <cstdio>
#include <iostream>
#include <memory>

#include "nabla.h"

using namespace nabla;

// Parameters and submodules are registered by name, so named_parameters()
// reports "input.weight", "block.body.0.weight", ... and state_dict() saves them.
// register_module returns a handle (nn::Submodule) that calls the module.
class ResidualClassifier : public nn::Module {
 public:
  ResidualClassifier(std::int64_t in, std::int64_t width, std::int64_t classes)
      : input(
            register_module("input",
                            std::make_shared<nn::Linear>(
                                in, width, nn::LinearOptions{.activation = nn::Activation::relu}))),
        block(register_module(
            "block",
            std::make_shared<nn::Residual>(
                nn::Sequential(nn::Linear(width, width, {.activation = nn::Activation::relu}),
                               nn::Linear(width, width)),
                nn::ResidualOptions{.activation = nn::Activation::relu}))),
        output(register_module("output", std::make_shared<nn::Linear>(width, classes))) {}

  Variable forward(const Variable& x) override { return output(block(input(x))); }

  nn::Submodule<nn::Linear> input;
  nn::Submodule<nn::Residual> block;
  nn::Submodule<nn::Linear> output;
};

double accuracy(nn::Module& model, const data::Dataset& data) {
  const Tensor predicted = train::predict_classes(model, data);
  return mean(eq(predicted, data.targets()).to(DType::f64)).item<double>();
}

int main() {
  manual_seed(7);
  const data::Dataset train_set =
      data::datasets::moons({.n_per_class = 200, .noise = 0.15, .seed = 1});
  const data::Dataset test_set =
      data::datasets::moons({.n_per_class = 200, .noise = 0.15, .seed = 2});

  // 1. The hand-written loop: shuffle, forward, loss, backward, step.
  ResidualClassifier by_hand(2, 16, 2);
  std::cout << by_hand << "\n";
  optim::SGD sgd(by_hand.named_parameters(), {.lr = 0.1, .momentum = 0.9});
  data::DataLoader loader(train_set, {.batch_size = 32, .shuffle = true, .seed = 1});
  for (int epoch = 0; epoch < 40; ++epoch) {
    double loss_sum = 0;
    for (const data::Batch& batch : loader) {
      sgd.zero_grad();
      Variable loss = nn::cross_entropy(by_hand(batch.inputs), batch.targets);
      loss.backward();
      sgd.step();
      loss_sum += loss.item<double>() * static_cast<double>(batch.targets.size(0));
    }
    if (epoch % 10 == 9)
      std::printf("hand-written loop, epoch %2d: loss %.4f\n", epoch + 1,
                  loss_sum / static_cast<double>(train_set.size()));
  }
  const double by_hand_accuracy = accuracy(by_hand, test_set);
  std::printf("hand-written loop: test accuracy %.3f\n\n", by_hand_accuracy);

  // 2. The same model and optimizer trained by fit.
  ResidualClassifier with_fit(2, 16, 2);
  optim::SGD sgd2(with_fit.named_parameters(), {.lr = 0.1, .momentum = 0.9});
  const metrics::History history = train::fit(with_fit, nn::CrossEntropyLoss{}, sgd2, train_set,
                                              {.epochs = 40,
                                               .batch_size = 32,
                                               .seed = 1,
                                               .validation_data = &test_set,
                                               .metrics = {"accuracy"},
                                               .verbose = 2});
  std::printf("fit: %lld epochs, final val_accuracy %.3f\n", static_cast<long long>(history.size()),
              history["val_accuracy"].back());
  // Both reach about 0.98 on the moons; far less means a bug.
  return by_hand_accuracy >= 0.9 && history["val_accuracy"].back() >= 0.9 ? 0 : 1;
}
