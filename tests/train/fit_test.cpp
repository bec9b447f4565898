#include "train/fit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/reduce.h"
#include "autograd/shape_ops.h"
#include "callbacks/callback.h"
#include "data/data_loader.h"
#include "metrics/history.h"
#include "metrics/logs.h"
#include "metrics/metric.h"
#include "nn/activation_function.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/regularizer.h"
#include "nn/sequential.h"
#include "optim/sgd.h"
#include "tensor/factory.h"
#include "tensor/parallel.h"
#include "tensor/random.h"
#include "test_util.h"

namespace nabla::train {
namespace {

using callbacks::Callback;
using callbacks::TrainContext;
using metrics::History;
using metrics::Logs;
using metrics::Metric;

// XOR on the four corners, f64 so that comparisons can be exact.
data::Dataset xor_set() {
  return data::Dataset(tensor({{0, 0}, {0, 1}, {1, 0}, {1, 1}}, DType::f64),
                       from_vector<std::int64_t>({0, 1, 1, 0}));
}

// A regression set with a known linear answer: y = 2 x0 − x1 + 0.5.
data::Dataset line_set(std::int64_t n) {
  Generator gen(3);
  Tensor x = randn({n, 2}, gen, DType::f64);
  std::vector<double> xs = x.to_vector<double>();
  std::vector<double> ys;
  for (std::int64_t i = 0; i < n; ++i) ys.push_back(2 * xs[2 * i] - xs[2 * i + 1] + 0.5);
  return data::Dataset(x, from_vector(ys, {n, 1}));
}

nn::Sequential small_net(std::uint64_t seed) {
  manual_seed(seed);
  return nn::Sequential(nn::Linear(2, 8, {.activation = nn::Activation::tanh, .dtype = DType::f64}),
                        nn::Linear(8, 2, {.dtype = DType::f64}));
}

// Counts the samples it sees; its result is that count.
class SampleCount : public Metric {
 public:
  std::string name() const override { return "samples"; }
  void reset() override { count_ = 0; }
  void update(const Tensor& outputs, const Tensor&) override { count_ += outputs.size(0); }
  double result() const override { return static_cast<double>(count_); }
  std::unique_ptr<Metric> clone() const override { return std::make_unique<SampleCount>(); }

 private:
  std::int64_t count_ = 0;
};

// Records the order of the calls it receives; can stop training at a batch.
class Recorder : public Callback {
 public:
  std::vector<std::string> calls;
  std::int64_t stop_at_batch = -1;
  void on_train_begin(TrainContext&) override { calls.push_back("train_begin"); }
  void on_train_end(TrainContext&, const Logs&) override { calls.push_back("train_end"); }
  void on_epoch_begin(TrainContext&, std::int64_t e) override {
    calls.push_back("epoch_begin " + std::to_string(e));
  }
  void on_epoch_end(TrainContext&, std::int64_t e, const Logs&) override {
    calls.push_back("epoch_end " + std::to_string(e));
  }
  void on_batch_begin(TrainContext&, std::int64_t b) override {
    calls.push_back("batch_begin " + std::to_string(b));
  }
  void on_batch_end(TrainContext& context, std::int64_t b, const Logs&) override {
    calls.push_back("batch_end " + std::to_string(b));
    if (b == stop_at_batch) context.stop_training = true;
  }
};

TEST(Fit, LearnsXor) {
  nn::Sequential model = small_net(1);
  optim::SGD sgd(model.named_parameters(), {.lr = 0.5, .momentum = 0.9});
  const data::Dataset data = xor_set();
  History history = fit(model, nn::CrossEntropyLoss{}, sgd, data,
                        {.epochs = 200, .batch_size = 4, .metrics = {"accuracy"}, .verbose = 0});
  ASSERT_EQ(history.size(), 200);
  EXPECT_EQ(history["accuracy"].back(), 1.0);
  EXPECT_LT(history["loss"].back(), 0.05);
  EXPECT_LT(history["loss"].back(), history["loss"].front());
  EXPECT_EQ(predict_classes(model, data).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{0, 1, 1, 0}));
}

// fit without shuffling runs exactly the hand-written loop.
TEST(Fit, EqualsTheHandWrittenLoop) {
  const data::Dataset data = line_set(10);
  nn::Sequential a = small_net(5);
  nn::Sequential b = small_net(5);
  optim::SGD sgd_a(a.named_parameters(), {.lr = 0.05});
  optim::SGD sgd_b(b.named_parameters(), {.lr = 0.05});
  auto loss = [](const Variable& y, const Tensor& t) {
    return mean(square(sum(y, {1}, true) - Variable(t)));
  };
  fit(a, loss, sgd_a, data, {.epochs = 3, .batch_size = 4, .shuffle = false, .verbose = 0});
  data::DataLoader loader(data, {.batch_size = 4, .dtype = DType::f64});
  for (int epoch = 0; epoch < 3; ++epoch) {
    for (const data::Batch& batch : loader) {
      sgd_b.zero_grad();
      Variable l = loss(b(batch.inputs), batch.targets);
      l.backward();
      sgd_b.step();
    }
  }
  const auto pa = a.parameters();
  const auto pb = b.parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (std::size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(pa[i].value().to_vector<double>(), pb[i].value().to_vector<double>()) << i;
  }
}

TEST(Fit, HistoryHasTrainingValidationAndLearningRate) {
  const data::Dataset data = line_set(20);
  nn::Linear model(2, 1, {.dtype = DType::f64});
  optim::SGD sgd(model.named_parameters(), {.lr = 0.1});
  // Keras's validation_split: the last 25% of 20 samples, i.e. 5, validate.
  auto count = std::make_shared<SampleCount>();
  History history = fit(model, nn::MSELoss{}, sgd, data,
                        {.epochs = 30,
                         .batch_size = 5,
                         .validation_split = 0.25,
                         .metrics = {"mae", MetricSpec(count)},
                         .verbose = 0});
  EXPECT_EQ(history.keys(), (std::vector<std::string>{"loss", "mae", "samples", "val_loss",
                                                      "val_mae", "val_samples", "lr"}));
  EXPECT_EQ(history["samples"].front(), 15.0);
  EXPECT_EQ(history["val_samples"].front(), 5.0);
  EXPECT_EQ(history["lr"].front(), 0.1);
  EXPECT_EQ(history.epochs().front(), 0);
  EXPECT_EQ(history.epochs().back(), 29);
  // a linear model learns a linear function: the loss falls by orders of magnitude
  EXPECT_LT(history["val_loss"].back(), 1e-3 * history["val_loss"].front());
  // the logged validation loss is evaluate() on the last 5 samples
  const std::vector<std::int64_t> last{15, 16, 17, 18, 19};
  const Logs val = evaluate(model, nn::MSELoss{}, data.subset(last));
  EXPECT_DOUBLE_EQ(val.at("loss"), history["val_loss"].back());
}

TEST(Fit, MetricsGivenAsObjects) {
  const data::Dataset data = line_set(6);
  nn::Linear model(2, 1, {.dtype = DType::f64});
  optim::SGD sgd(model.named_parameters(), {.lr = 0.01});
  // a metric object passed by value: each fit run gets fresh copies (clone)
  History history = fit(model, nn::MSELoss{}, sgd, data,
                        {.epochs = 2, .batch_size = 4, .metrics = {SampleCount{}}, .verbose = 0});
  EXPECT_EQ(history["samples"], (std::vector<double>{6, 6}));
}

TEST(Fit, TheLoggedLossIncludesThePenalties) {
  const data::Dataset data = line_set(8);
  nn::Linear model(2, 1, {.weight_regularizer = nn::l2(0.5), .dtype = DType::f64});
  model.weight.value().copy_(from_vector<double>({1, 2}, {2, 1}));
  model.bias.value().fill_(0.0);
  optim::SGD sgd(model.named_parameters(), {.lr = 0.0});
  History history = fit(model, nn::MSELoss{}, sgd, data,
                        {.epochs = 1, .batch_size = 8, .shuffle = false, .verbose = 0});
  // loss = mean((x·w − y)²) + 0.5 · (1² + 2²), the data term computed by hand.
  const std::vector<double> x = data.inputs(DType::f64).to_vector<double>();
  const std::vector<double> y = data.targets().to_vector<double>();
  double mse = 0;
  for (int i = 0; i < 8; ++i) mse += std::pow(x[2 * i] + 2 * x[2 * i + 1] - y[i], 2) / 8;
  EXPECT_NEAR(history["loss"][0], mse + 2.5, 1e-12);
  EXPECT_NEAR(evaluate(model, nn::MSELoss{}, data).at("loss"), mse + 2.5, 1e-12);
}

TEST(Fit, CallbacksSeeEveryEdgeInOrderAndCanStop) {
  const data::Dataset data = line_set(5);
  nn::Linear model(2, 1, {.dtype = DType::f64});
  optim::SGD sgd(model.named_parameters(), {.lr = 0.01});
  auto recorder = std::make_shared<Recorder>();
  fit(model, nn::MSELoss{}, sgd, data,
      {.epochs = 2, .batch_size = 3, .callbacks = {recorder}, .verbose = 0});
  EXPECT_EQ(recorder->calls,
            (std::vector<std::string>{"train_begin", "epoch_begin 0", "batch_begin 0",
                                      "batch_end 0", "batch_begin 1", "batch_end 1", "epoch_end 0",
                                      "epoch_begin 1", "batch_begin 0", "batch_end 0",
                                      "batch_begin 1", "batch_end 1", "epoch_end 1", "train_end"}));
  auto stopper = std::make_shared<Recorder>();
  stopper->stop_at_batch = 0;
  History history = fit(model, nn::MSELoss{}, sgd, data,
                        {.epochs = 5, .batch_size = 3, .callbacks = {stopper}, .verbose = 0});
  EXPECT_EQ(history.size(), 1);
  EXPECT_EQ(stopper->calls,
            (std::vector<std::string>{"train_begin", "epoch_begin 0", "batch_begin 0",
                                      "batch_end 0", "epoch_end 0", "train_end"}));
}

TEST(Fit, InitialEpochContinuesTheNumbering) {
  const data::Dataset data = line_set(6);
  nn::Linear model(2, 1, {.dtype = DType::f64});
  optim::SGD sgd(model.named_parameters(), {.lr = 0.01});
  History history =
      fit(model, nn::MSELoss{}, sgd, data, {.epochs = 5, .verbose = 0, .initial_epoch = 3});
  EXPECT_EQ(history.epochs(), (std::vector<std::int64_t>{3, 4}));
}

TEST(Fit, ValidationSplitHoldsOutTheLastRowsByKerasRule) {
  // Keras: floor(10 · (1 − 0.8)) = 1 training sample (1 − 0.8 is
  // 0.19999999999999996 in binary), so the last 9 validate.
  const data::Dataset data = line_set(10);
  nn::Linear model(2, 1, {.dtype = DType::f64});
  optim::SGD sgd(model.named_parameters(), {.lr = 0.0});
  History history =
      fit(model, nn::MSELoss{}, sgd, data,
          {.epochs = 1, .validation_split = 0.8, .metrics = {SampleCount{}}, .verbose = 0});
  EXPECT_EQ(history["samples"].front(), 1.0);
  EXPECT_EQ(history["val_samples"].front(), 9.0);
  const std::vector<std::int64_t> last{1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_DOUBLE_EQ(evaluate(model, nn::MSELoss{}, data.subset(last)).at("loss"),
                   history["val_loss"].front());
}

// Records the thread count fit runs its batches with; can throw at an epoch's end.
class ThreadCountRecorder : public Callback {
 public:
  std::vector<int> counts;
  bool throw_at_epoch_end = false;
  void on_batch_end(TrainContext&, std::int64_t, const Logs&) override {
    counts.push_back(get_num_threads());
  }
  void on_epoch_end(TrainContext&, std::int64_t, const Logs&) override {
    if (throw_at_epoch_end) throw std::runtime_error("stop here");
  }
};

TEST(Fit, ThreadsSetsTheCountForTheRunAndRestoresIt) {
  ThreadCountGuard guard;
  const data::Dataset data = line_set(6);
  nn::Linear model(2, 1, {.dtype = DType::f64});
  optim::SGD sgd(model.named_parameters(), {.lr = 0.01});
  set_num_threads(1);
  auto recorder = std::make_shared<ThreadCountRecorder>();
  fit(model, nn::MSELoss{}, sgd, data,
      {.batch_size = 3, .callbacks = {recorder}, .verbose = 0, .threads = 2});
  EXPECT_EQ(recorder->counts, (std::vector<int>{2, 2}));
  EXPECT_EQ(get_num_threads(), 1);

  // 0 keeps the current count.
  recorder->counts.clear();
  fit(model, nn::MSELoss{}, sgd, data, {.batch_size = 3, .callbacks = {recorder}, .verbose = 0});
  EXPECT_EQ(recorder->counts, (std::vector<int>{1, 1}));

  // The count is restored when fit throws.
  recorder->throw_at_epoch_end = true;
  EXPECT_THROW(fit(model, nn::MSELoss{}, sgd, data,
                   {.batch_size = 3, .callbacks = {recorder}, .verbose = 0, .threads = 2}),
               std::runtime_error);
  EXPECT_EQ(get_num_threads(), 1);

  testing::expect_error([&] { fit(model, nn::MSELoss{}, sgd, data, {.threads = -1}); },
                        {"fit", "threads", "-1"});
  EXPECT_EQ(get_num_threads(), 1);
}

TEST(Predict, OutputsAndClassesInEvaluationModeWithModeRestored) {
  nn::Linear model(2, 1, {.dtype = DType::f64});
  model.weight.value().copy_(from_vector<double>({1, -1}, {2, 1}));
  model.bias.value().fill_(0.0);
  const Tensor x = tensor({{3, 1}, {1, 3}, {2, 2}}, DType::f64);
  EXPECT_TRUE(model.is_training());
  const Tensor y = predict(model, x, 2);
  EXPECT_TRUE(model.is_training());
  EXPECT_EQ(y.to_vector<double>(), (std::vector<double>{2, -2, 0}));
  // one output per sample: class 1 when the output exceeds the threshold
  EXPECT_EQ(predict_classes(model, x, 0.0).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{1, 0, 0}));
  EXPECT_EQ(predict_classes(model, x, -3.0).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{1, 1, 1}));
}

TEST(Fit, Errors) {
  const data::Dataset data = line_set(4);
  nn::Linear model(2, 1, {.dtype = DType::f64});
  optim::SGD sgd(model.named_parameters(), {.lr = 0.01});
  const nn::MSELoss mse;
  testing::expect_error([&] { fit(model, mse, sgd, data, {.epochs = -1, .verbose = 0}); },
                        {"fit", "epochs", "-1"});
  testing::expect_error([&] { fit(model, mse, sgd, data, {.batch_size = 0, .verbose = 0}); },
                        {"fit", "batch_size", "0"});
  testing::expect_error(
      [&] { fit(model, mse, sgd, data, {.validation_split = 1.0, .verbose = 0}); },
      {"fit", "validation_split", "1"});
  testing::expect_error(
      [&] { fit(model, mse, sgd, data, {.validation_split = 0.9, .verbose = 0}); },
      {"fit", "validation_split", "empty"});  // int(4 · 0.1) = 0 training samples
  testing::expect_error(
      [&] { fit(model, mse, sgd, data, {.validation_split = 1e-20, .verbose = 0}); },
      {"fit", "validation_split", "empty"});  // 1 − 1e-20 rounds to 1: no validation sample
  testing::expect_error([&] { fit(model, mse, sgd, data::Dataset(), {.verbose = 0}); },
                        {"fit", "empty"});
  testing::expect_error([&] { fit(model, mse, sgd, data, {.callbacks = {nullptr}, .verbose = 0}); },
                        {"fit", "callback", "null"});
  // One value per sample is a loss (fit averages it); twice as many is not.
  testing::expect_error(
      [&] {
        fit(model,
            [](const Variable& y, const Tensor&) {
              return cat({y, y}, 0);
            },
            sgd, data, {.verbose = 0});
      },
      {"fit", "scalar or one value per sample"});
  testing::expect_error([&] { fit(model, mse, sgd, data, {.metrics = {"accuracyy"}}); },
                        {"accuracyy"});
  testing::expect_error([&] { evaluate(model, mse, data, {.batch_size = 0}); },
                        {"evaluate", "batch_size"});
  testing::expect_error([&] { predict(model, data, 0); }, {"predict", "batch_size"});
}

}  // namespace
}  // namespace nabla::train
