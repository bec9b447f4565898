// fit's step options: the callback points between backward() and step(),
// gradient clipping, gradient accumulation, class and sample weights. Each is
// checked against a run that reaches the same update another way (a larger
// batch, a larger learning rate, a smaller data set), not against numbers
// fit printed.

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "autograd/shape_ops.h"
#include "callbacks/callback.h"
#include "data/dataset.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "optim/sgd.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/random.h"
#include "tensor/reduce.h"
#include "tensor/shape_ops.h"
#include "test_util.h"
#include "train/fit.h"

namespace nabla::train {
namespace {

using callbacks::Callback;
using callbacks::TrainContext;
using testing::expect_error;

// A Linear(3, k) in f64 with fixed weights, so that two models start equal.
std::unique_ptr<nn::Linear> make_model(std::int64_t out = 1) {
  auto model = std::make_unique<nn::Linear>(3, out, nn::LinearOptions{.dtype = DType::f64});
  Generator gen(11);
  model->weight.value().copy_(randn({3, out}, gen, DType::f64));
  model->bias.value().fill_(0.25);
  return model;
}

data::Dataset regression_set(std::int64_t n) {
  Generator gen(3);
  return data::Dataset(randn({n, 3}, gen, DType::f64), randn({n, 1}, gen, DType::f64));
}

double max_abs_difference(const Tensor& a, const Tensor& b) {
  return max(abs(a - b)).item<double>();
}

// Trains a fresh model with `options` (SGD, lr `lr`) and returns its weight.
Tensor trained_weight(const data::Dataset& set, FitOptions options, double lr = 0.1) {
  auto model = make_model();
  optim::SGD sgd(model->parameters(), {.lr = lr});
  options.shuffle = false;
  options.verbose = 0;
  fit(*model, nn::MSELoss{}, sgd, set, options);
  return model->weight.value().clone();
}

TEST(FitAccumulation, TwoBatchesOfEightStepAsOneBatchOfSixteen) {
  const data::Dataset set = regression_set(16);
  const Tensor full = trained_weight(set, {.epochs = 3, .batch_size = 16});
  const Tensor accumulated =
      trained_weight(set, {.epochs = 3, .batch_size = 8, .accumulate_grad_batches = 2});
  EXPECT_LT(max_abs_difference(full, accumulated), 1e-12);
  // Without accumulation the two half batches step twice: a different weight.
  const Tensor two_steps = trained_weight(set, {.epochs = 3, .batch_size = 8});
  EXPECT_GT(max_abs_difference(full, two_steps), 1e-4);
}

TEST(FitAccumulation, UnevenBatchesAreWeightedBySamples) {
  // 16 samples in batches of 6, 6 and 4: one group of three is the full batch.
  const data::Dataset set = regression_set(16);
  const Tensor full = trained_weight(set, {.epochs = 2, .batch_size = 16});
  const Tensor accumulated =
      trained_weight(set, {.epochs = 2, .batch_size = 6, .accumulate_grad_batches = 3});
  EXPECT_LT(max_abs_difference(full, accumulated), 1e-12);
}

TEST(FitAccumulation, ShortLastGroupStillSteps) {
  // 5 batches, groups of 2: steps after batches 1, 3 and 4.
  auto model = make_model();
  optim::SGD sgd(model->parameters(), {.lr = 0.1});
  fit(*model, nn::MSELoss{}, sgd, regression_set(10),
      {.epochs = 1, .batch_size = 2, .verbose = 0, .accumulate_grad_batches = 2});
  EXPECT_EQ(sgd.step_count(), 3);
}

// Records the order of the batch-level callback points and the gradient norm
// each on_before_step sees.
class StepRecorder : public Callback {
 public:
  void on_batch_begin(TrainContext&, std::int64_t batch) override {
    events.push_back("begin " + std::to_string(batch));
  }
  void on_after_backward(TrainContext&, std::int64_t batch) override {
    events.push_back("backward " + std::to_string(batch));
  }
  void on_before_step(TrainContext& context, std::int64_t batch) override {
    events.push_back("step " + std::to_string(batch));
    double sum = 0;
    for (const Variable& p : context.optimizer.parameters()) {
      sum += sum_all_squares(p.grad());
    }
    grad_norms.push_back(std::sqrt(sum));
    steps_before.push_back(context.optimizer.step_count());
  }
  void on_batch_end(TrainContext&, std::int64_t batch, const metrics::Logs&) override {
    events.push_back("end " + std::to_string(batch));
  }
  static double sum_all_squares(const Tensor& g) { return sum(g * g).item<double>(); }

  std::vector<std::string> events;
  std::vector<double> grad_norms;
  std::vector<std::int64_t> steps_before;
};

TEST(FitCallbacks, AfterBackwardEveryBatchBeforeStepOncePerGroup) {
  auto model = make_model();
  optim::SGD sgd(model->parameters(), {.lr = 0.1});
  auto recorder = std::make_shared<StepRecorder>();
  fit(*model, nn::MSELoss{}, sgd, regression_set(6),
      {.epochs = 1,
       .batch_size = 2,
       .shuffle = false,
       .callbacks = {recorder},
       .verbose = 0,
       .accumulate_grad_batches = 2});
  const std::vector<std::string> expected = {"begin 0",    "backward 0", "end 0", "begin 1",
                                             "backward 1", "step 1",     "end 1", "begin 2",
                                             "backward 2", "step 2",     "end 2"};
  EXPECT_EQ(recorder->events, expected);
  // on_before_step runs before the optimizer's step.
  EXPECT_EQ(recorder->steps_before, (std::vector<std::int64_t>{0, 1}));
}

TEST(FitClipping, BeforeStepSeesUnclippedGradientsAndTheStepIsClippedByNorm) {
  // Targets far from the outputs: gradients much larger than the clip norm.
  Generator gen(4);
  data::Dataset set(randn({8, 3}, gen, DType::f64), full({8, 1}, 100.0, DType::f64));
  auto model = make_model();
  const Tensor w0 = model->weight.value().clone();
  const Tensor b0 = model->bias.value().clone();
  optim::SGD sgd(model->parameters(), {.lr = 1.0});
  auto recorder = std::make_shared<StepRecorder>();
  fit(*model, nn::MSELoss{}, sgd, set,
      {.epochs = 1, .batch_size = 8, .callbacks = {recorder}, .verbose = 0, .clip_grad_norm = 0.5});
  ASSERT_EQ(recorder->grad_norms.size(), 1u);
  EXPECT_GT(recorder->grad_norms[0], 10.0);
  // SGD with lr 1: the update is minus the clipped gradient, of norm 0.5.
  const Tensor dw = model->weight.value() - w0;
  const Tensor db = model->bias.value() - b0;
  const double update_norm = std::sqrt(sum(dw * dw).item<double>() + sum(db * db).item<double>());
  EXPECT_NEAR(update_norm, 0.5, 1e-5);
}

TEST(FitClipping, ByValueClampsEveryElement) {
  Generator gen(4);
  data::Dataset set(randn({8, 3}, gen, DType::f64), full({8, 1}, 100.0, DType::f64));
  auto model = make_model();
  const Tensor w0 = model->weight.value().clone();
  optim::SGD sgd(model->parameters(), {.lr = 1.0});
  fit(*model, nn::MSELoss{}, sgd, set,
      {.epochs = 1, .batch_size = 8, .verbose = 0, .clip_grad_value = 0.01});
  // Every weight gradient is far beyond 0.01, so every weight moved by exactly 0.01.
  const Tensor moved = abs(model->weight.value() - w0);
  EXPECT_NEAR(max(moved).item<double>(), 0.01, 1e-12);
  EXPECT_NEAR(min(moved).item<double>(), 0.01, 1e-12);
  EXPECT_NEAR(std::abs(model->bias.value().item<double>() - 0.25), 0.01, 1e-12);
}

TEST(FitWeights, SampleWeightsOfZeroDropSamples) {
  // Full batch of 8 with the last 4 weighted 0: Σ wᵢℓᵢ / 8 is half the mean
  // loss over the first 4, so it steps as those 4 alone with half the lr.
  const data::Dataset set = regression_set(8);
  auto model = make_model();
  optim::SGD sgd(model->parameters(), {.lr = 0.2});
  // Built with cat, not from the literal {1, 1, 1, 1, 0, 0, 0, 0}: GCC 12.2 at -O3
  // -march=native (AVX-512) stores that literal as eight ones.
  const Tensor weights = cat({ones({4}, DType::f64), zeros({4}, DType::f64)}, 0);
  fit(*model, nn::MSELoss{.reduction = nn::Reduction::none}, sgd, set,
      {.epochs = 2, .batch_size = 8, .verbose = 0, .sample_weight = weights});
  const std::vector<std::int64_t> first_four = {0, 1, 2, 3};
  const Tensor reference = trained_weight(set.subset(first_four), {.epochs = 2, .batch_size = 4},
                                          /*lr=*/0.1);
  EXPECT_LT(max_abs_difference(model->weight.value(), reference), 1e-12);
}

TEST(FitWeights, SampleWeightsFollowTheShuffledRows) {
  // Integer weights are repeated rows: with weights {1, 2, 0, 1, 3, 1} the
  // loss Σ wᵢℓᵢ / 6 is 8/6 times the mean loss over the 8 rows of the set
  // with each row repeated wᵢ times. Full batches, shuffled: a weight given
  // to the wrong row (by position in the batch) would give another step.
  const data::Dataset set = regression_set(6);
  auto model = make_model();
  optim::SGD sgd(model->parameters(), {.lr = 0.06});
  fit(*model, nn::MSELoss{.reduction = nn::Reduction::none}, sgd, set,
      {.epochs = 3,
       .batch_size = 6,
       .shuffle = true,
       .seed = 9,
       .verbose = 0,
       .sample_weight = from_vector(std::vector<double>{1, 2, 0, 1, 3, 1}, {6})});
  const std::vector<std::int64_t> repeated = {0, 1, 1, 3, 4, 4, 4, 5};
  const Tensor reference = trained_weight(set.subset(repeated), {.epochs = 3, .batch_size = 8},
                                          /*lr=*/0.06 * 8.0 / 6.0);
  EXPECT_LT(max_abs_difference(model->weight.value(), reference), 1e-12);
}

TEST(FitWeights, ClassWeightsScaleEachClass) {
  // Two classes; class 1 weighted 0: only the class-0 rows train, with the
  // lr scaled by their share of the batch (4 of 8 → 0.5 · 3 = 1.5 weight).
  Generator gen(8);
  const Tensor x = randn({8, 3}, gen, DType::f64);
  const Tensor labels = from_vector(std::vector<std::int64_t>{0, 1, 0, 1, 0, 1, 0, 1}, {8});
  auto model = make_model(2);
  optim::SGD sgd(model->parameters(), {.lr = 0.1});
  fit(*model, nn::CrossEntropyLoss{.reduction = nn::Reduction::none}, sgd, data::Dataset(x, labels),
      {.epochs = 2, .batch_size = 8, .verbose = 0, .class_weight = {3.0, 0.0}});

  const std::vector<std::int64_t> class0 = {0, 2, 4, 6};
  auto reference = make_model(2);
  optim::SGD sgd2(reference->parameters(), {.lr = 0.15});
  fit(*reference, nn::CrossEntropyLoss{}, sgd2, data::Dataset(x, labels).subset(class0),
      {.epochs = 2, .batch_size = 4, .shuffle = false, .verbose = 0});
  EXPECT_LT(max_abs_difference(model->weight.value(), reference->weight.value()), 1e-12);
}

TEST(FitWeights, PerSampleLossWithoutWeightsIsTheMean) {
  const data::Dataset set = regression_set(8);
  auto model = make_model();
  optim::SGD sgd(model->parameters(), {.lr = 0.1});
  fit(*model, nn::MSELoss{.reduction = nn::Reduction::none}, sgd, set,
      {.epochs = 2, .batch_size = 4, .shuffle = false, .verbose = 0});
  const Tensor reference = trained_weight(set, {.epochs = 2, .batch_size = 4});
  EXPECT_LT(max_abs_difference(model->weight.value(), reference), 1e-12);
}

TEST(FitOptionsErrors, NameTheOptionAndTheValue) {
  const data::Dataset set = regression_set(8);
  auto model = make_model();
  optim::SGD sgd(model->parameters(), {.lr = 0.1});
  const auto run = [&](FitOptions options, const LossFunction& loss) {
    options.verbose = 0;
    fit(*model, loss, sgd, set, options);
  };
  expect_error([&] { run({.accumulate_grad_batches = 0}, nn::MSELoss{}); },
               {"fit", "accumulate_grad_batches", "0"});
  expect_error([&] { run({.clip_grad_norm = -1}, nn::MSELoss{}); },
               {"fit", "clip_grad_norm", "-1"});
  expect_error([&] { run({.clip_grad_value = std::nan("")}, nn::MSELoss{}); },
               {"fit", "clip_grad_value", "nan"});
  expect_error([&] { run({.sample_weight = full({8}, 1.0, DType::f64)}, nn::MSELoss{}); },
               {"fit", "sample_weight", "scalar"});
  expect_error([&] { run({.sample_weight = full({5}, 1.0, DType::f64)}, nn::MSELoss{}); },
               {"fit", "sample_weight", "[5]"});
  expect_error(
      [&] {
        run({.sample_weight = full({8}, -1.0, DType::f64)},
            nn::MSELoss{.reduction = nn::Reduction::none});
      },
      {"fit", "sample_weight[0]", "-1"});
  expect_error([&] { run({.class_weight = {1.0}}, nn::MSELoss{.reduction = nn::Reduction::none}); },
               {"fit", "class_weight", "i64"});
  const data::Dataset labelled(regression_set(8).inputs(DType::f64),
                               from_vector(std::vector<std::int64_t>{0, 1, 2, 0, 1, 2, 0, 1}, {8}));
  auto classifier = make_model(3);
  optim::SGD sgd3(classifier->parameters(), {.lr = 0.1});
  expect_error(
      [&] {
        fit(*classifier, nn::CrossEntropyLoss{.reduction = nn::Reduction::none}, sgd3, labelled,
            {.verbose = 0, .class_weight = {1.0, 1.0}});
      },
      {"fit", "label 2", "class_weight"});
  expect_error(
      [&] {
        fit(*model,
            [](const Variable& y, const Tensor&) {
              return reshape(y, {2, 2});
            },
            sgd, data::Dataset(regression_set(8).inputs(DType::f64), zeros({8, 1}, DType::f64)),
            {.batch_size = 4, .verbose = 0});
      },
      {"fit", "[4, ...]"});
}

}  // namespace
}  // namespace nabla::train
