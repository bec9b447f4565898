// train::evaluate with a communicator, and fit's validation on several ranks,
// on however many ranks the test runs on (CTest: 1, 2 and 3): every rank
// returns the Logs of one process evaluating the whole data set — bit for bit,
// for the loss and for metrics that are not means (AUC, the confusion matrix,
// macro F1) — with data sets whose size and batch count the rank count does
// not divide, and fewer batches than ranks.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "autograd/reduce.h"
#include "autograd/shape_ops.h"
#include "callbacks/early_stopping.h"
#include "data/synthetic.h"
#include "distributed/communicator.h"
#include "metrics/logs.h"
#include "nn/activation_modules.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "optim/adam.h"
#include "tensor/ops.h"
#include "test_util.h"
#include "train/fit.h"

namespace nabla::distributed {
namespace {

using testing::expect_error;
using testing::values;

const std::vector<train::MetricSpec> kMetrics = {"accuracy", "auc", "f1_macro", "precision",
                                                 "confusion_matrix"};

std::shared_ptr<nn::Sequential> make_model(DType dtype) {
  manual_seed(5);
  auto model = std::make_shared<nn::Sequential>(nn::Linear(2, 8), nn::Tanh(), nn::Linear(8, 2));
  model->to(dtype);
  return model;
}

// 97 samples of two classes (moons are class 0 then class 1): 97 is divisible
// by neither 2 nor 3.
data::Dataset moons(DType dtype) {
  const data::Dataset all =
      data::datasets::moons({.n_per_class = 50, .noise = 0.3, .seed = 8, .dtype = dtype});
  std::vector<std::int64_t> rows;
  for (std::int64_t i = 0; i < 97; ++i) rows.push_back(i);
  return all.subset(rows);
}

// Every rank's bytes of `t` equal rank 0's.
bool same_everywhere(const Communicator& comm, const Tensor& t) {
  const Tensor all = comm.allgather(t);
  const std::size_t bytes = static_cast<std::size_t>(t.numel()) * t.element_size();
  const auto* base = static_cast<const unsigned char*>(all.raw_data());
  for (int q = 1; q < comm.size(); ++q)
    if (std::memcmp(base, base + q * bytes, bytes) != 0) return false;
  return true;
}

std::vector<double> logged(const metrics::Logs& logs) {
  std::vector<double> v;
  for (const auto& [key, value] : logs) v.push_back(value);
  return v;
}

void expect_logs_of_one_process(DType dtype, std::int64_t batch_size) {
  const Communicator comm = Communicator::world();
  const data::Dataset d = moons(dtype);
  auto model = make_model(dtype);
  const metrics::Logs alone = train::evaluate(*model, nn::CrossEntropyLoss{}, d,
                                              {.batch_size = batch_size, .metrics = kMetrics});
  const metrics::Logs shared =
      train::evaluate(*model, nn::CrossEntropyLoss{}, d,
                      {.batch_size = batch_size, .metrics = kMetrics, .communicator = comm});
  // The same batches through the same kernels, combined in the same order:
  // equal, not only close.
  ASSERT_EQ(shared.size(), alone.size());
  for (const auto& [key, value] : alone) {
    ASSERT_TRUE(shared.contains(key)) << key;
    EXPECT_EQ(shared.at(key), value) << key << " in " << dtype << ", batch " << batch_size;
  }
  const std::vector<double> v = logged(shared);
  EXPECT_TRUE(same_everywhere(comm, from_vector(v)));
}

TEST(DistributedEvaluate, EqualsOneProcessF64) {
  // 13 batches of 8 (2 ranks: 6 + 7; 3 ranks: 4 + 4 + 5), 3 batches of 40,
  // and 2 batches of 64 (on 3 ranks, rank 0 evaluates none).
  for (std::int64_t batch_size : {8, 40, 64, 97, 500})
    expect_logs_of_one_process(DType::f64, batch_size);
}

TEST(DistributedEvaluate, EqualsOneProcessF32) {
  for (std::int64_t batch_size : {8, 40, 64}) expect_logs_of_one_process(DType::f32, batch_size);
}

TEST(DistributedEvaluate, AgreesWithTheFormulas) {
  // Independently of evaluate: the mean cross-entropy over all 97 samples in
  // one product, and the accuracy counted from predict_classes.
  const Communicator comm = Communicator::world();
  const data::Dataset d = moons(DType::f64);
  auto model = make_model(DType::f64);
  const metrics::Logs logs =
      train::evaluate(*model, nn::CrossEntropyLoss{}, d,
                      {.batch_size = 10, .metrics = {"accuracy"}, .communicator = comm});
  const double loss =
      nn::CrossEntropyLoss{}((*model)(Variable(d.inputs(DType::f64))), d.targets()).item<double>();
  EXPECT_NEAR(logs.at("loss"), loss, 1e-12);
  const std::vector<double> predicted = values(train::predict_classes(*model, d));
  const std::vector<double> labels = values(d.targets());
  double right = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) right += predicted[i] == labels[i] ? 1 : 0;
  EXPECT_DOUBLE_EQ(logs.at("accuracy"), right / 97.0);
}

TEST(DistributedEvaluate, FewerSamplesThanRanks) {
  const Communicator comm = Communicator::world();
  const data::Dataset d = moons(DType::f64).subset(std::vector<std::int64_t>{0, 96});
  auto model = make_model(DType::f64);
  const train::EvaluateOptions options{.batch_size = 1, .metrics = {"accuracy", "auc"}};
  train::EvaluateOptions shared = options;
  shared.communicator = comm;
  const metrics::Logs a = train::evaluate(*model, nn::CrossEntropyLoss{}, d, options);
  const metrics::Logs b = train::evaluate(*model, nn::CrossEntropyLoss{}, d, shared);
  EXPECT_EQ(logged(b), logged(a));
}

TEST(DistributedEvaluate, OnlyRankZeroPrints) {
  const Communicator comm = Communicator::world();
  auto model = make_model(DType::f32);
  ::testing::internal::CaptureStdout();
  train::evaluate(*model, nn::CrossEntropyLoss{}, moons(DType::f32),
                  {.metrics = {"accuracy"}, .verbose = 1, .communicator = comm});
  const std::string out = ::testing::internal::GetCapturedStdout();
  if (comm.rank() == 0) {
    EXPECT_NE(out.find("loss: "), std::string::npos) << out;
    EXPECT_NE(out.find("accuracy: "), std::string::npos) << out;
  } else {
    EXPECT_EQ(out, "");
  }
}

// Outputs of another width on rank 1: a model that differs between ranks.
class WidthByRank : public nn::Module {
 public:
  Variable forward(const Variable& x) override {
    return Communicator::world().rank() == 1 ? cat(std::vector<Variable>{x, x}, 1) : x;
  }
};

TEST(DistributedEvaluate, RejectsOutputsThatDifferBetweenRanks) {
  const Communicator comm = Communicator::world();
  if (comm.size() < 2) GTEST_SKIP() << "needs two ranks";
  WidthByRank model;
  // A loss that accepts either width, so that only the exchange can object.
  const train::LossFunction mean_output = [](const Variable& outputs, const Tensor&) {
    return mean(outputs);
  };
  // Every rank sees every rank's shape, so every rank throws (none waits).
  expect_error(
      [&] {
        train::evaluate(model, mean_output, moons(DType::f32),
                        {.batch_size = 10, .metrics = {"accuracy"}, .communicator = comm});
      },
      {"evaluate", "the outputs of rank 1 differ", "same model"});
}

TEST(DistributedFit, ValidationIsTheEvaluationOfOneProcess) {
  const Communicator comm = Communicator::world();
  const data::Dataset train_set =
      data::datasets::moons({.n_per_class = 60, .noise = 0.2, .seed = 1, .dtype = DType::f64});
  const data::Dataset validation = moons(DType::f64);
  auto model = make_model(DType::f64);
  optim::Adam adam(model->parameters(), {.lr = 0.02});
  const metrics::History history = train::fit(*model, nn::CrossEntropyLoss{}, adam, train_set,
                                              {.epochs = 2,
                                               .batch_size = 8,
                                               .validation_data = &validation,
                                               .metrics = {"accuracy", "auc"},
                                               .verbose = 0,
                                               .communicator = comm});
  // The last epoch's validation, by one process with fit's validation batch
  // size (max(batch_size, 256)), on the weights fit ends with.
  const metrics::Logs alone = train::evaluate(*model, nn::CrossEntropyLoss{}, validation,
                                              {.batch_size = 256, .metrics = {"accuracy", "auc"}});
  EXPECT_EQ(history["val_loss"].back(), alone.at("loss"));
  EXPECT_EQ(history["val_accuracy"].back(), alone.at("accuracy"));
  EXPECT_EQ(history["val_auc"].back(), alone.at("auc"));
  EXPECT_TRUE(same_everywhere(comm, from_vector(history["val_loss"])));
}

TEST(DistributedFit, EarlyStoppingOnValidationDecidesTheSameEverywhere) {
  const Communicator comm = Communicator::world();
  const data::Dataset train_set =
      data::datasets::moons({.n_per_class = 60, .noise = 0.2, .seed = 1});
  const data::Dataset validation = moons(DType::f32);
  auto model = make_model(DType::f32);
  optim::Adam adam(model->parameters(), {.lr = 0.02});
  // An improvement no epoch makes: patience 2 stops after the third epoch.
  auto stop = std::make_shared<callbacks::EarlyStopping>(
      callbacks::EarlyStoppingOptions{.monitor = "val_loss", .min_delta = 100.0, .patience = 2});
  const metrics::History history = train::fit(*model, nn::CrossEntropyLoss{}, adam, train_set,
                                              {.epochs = 10,
                                               .batch_size = 8,
                                               .validation_data = &validation,
                                               .callbacks = {stop},
                                               .verbose = 0,
                                               .communicator = comm});
  EXPECT_EQ(history.size(), 3);
  EXPECT_TRUE(
      same_everywhere(comm, full({1}, static_cast<double>(stop->stopped_epoch()), DType::i64)));
}

}  // namespace
}  // namespace nabla::distributed
