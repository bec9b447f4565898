// callbacks/gradient_flow.h run by fit: when it records, what the update ratio of plain SGD
// must be (lr · ‖g‖ / ‖θ‖, since Δθ = −lr·g), and the CSV it writes.
#include "callbacks/gradient_flow.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "data/dataset.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "optim/sgd.h"
#include "temp_dir.h"
#include "tensor/random.h"
#include "test_util.h"
#include "train/fit.h"

namespace nabla::callbacks {
namespace {

using testing::expect_error;
using testing::TempDir;

data::Dataset regression_set(std::int64_t n) {
  Generator gen(5);
  return data::Dataset(randn({n, 4}, gen, DType::f64), randn({n, 1}, gen, DType::f64));
}

nn::Sequential make_net() {
  manual_seed(3);
  return nn::Sequential(nn::Linear(4, 8, {.activation = nn::Activation::tanh, .dtype = DType::f64}),
                        nn::Linear(8, 1, {.dtype = DType::f64}));
}

TEST(GradientFlow, EveryNBatchesAndTheUpdateRatioOfSgd) {
  nn::Sequential net = make_net();
  optim::SGD sgd(net.parameters(), {.lr = 0.05});
  auto flow = std::make_shared<GradientFlow>(GradientFlowOptions{.every_n_batches = 2});
  // 10 samples in batches of 2: 5 batches an epoch, 10 over two epochs;
  // records at batches 0, 2, 4 of the run, i.e. (epoch, batch) (0,0) (0,2) (0,4) (1,1) (1,3).
  train::fit(net, nn::MSELoss{}, sgd, regression_set(10),
             {.epochs = 2, .batch_size = 2, .callbacks = {flow}, .verbose = 0});
  const auto& records = flow->records();
  ASSERT_EQ(records.size(), 5u);
  const std::pair<std::int64_t, std::int64_t> expected[] = {{0, 0}, {0, 2}, {0, 4}, {1, 1}, {1, 3}};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(records[i].epoch, expected[i].first);
    EXPECT_EQ(records[i].batch, expected[i].second);
    ASSERT_EQ(records[i].layers.size(), 2u);
    for (const nn::LayerStats& layer : records[i].layers) {
      EXPECT_NEAR(layer.update_ratio, 0.05 * layer.grad_norm / layer.weight_norm,
                  1e-9 * layer.update_ratio);
      EXPECT_FALSE(std::isnan(layer.activation_mean));
    }
    EXPECT_FALSE(std::isnan(records[i].layers[0].saturated_fraction));  // tanh
  }
}

TEST(GradientFlow, OncePerEpochWithAccumulationAndCsv) {
  TempDir dir;
  nn::Sequential net = make_net();
  optim::SGD sgd(net.parameters(), {.lr = 0.05});
  auto flow = std::make_shared<GradientFlow>(GradientFlowOptions{.csv_path = dir.path() / "g.csv"});
  train::fit(net, nn::MSELoss{}, sgd, regression_set(12),
             {.epochs = 3,
              .batch_size = 4,
              .callbacks = {flow},
              .verbose = 0,
              .accumulate_grad_batches = 2});
  // 3 batches an epoch; the last batch (2) ends a short group, so it steps.
  ASSERT_EQ(flow->records().size(), 3u);
  for (const auto& record : flow->records()) EXPECT_EQ(record.batch, 2);

  std::ifstream in(dir.path() / "g.csv");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "epoch,batch," + nn::layer_stats_csv_header());
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    if (lines == 1) {
      EXPECT_EQ(line.substr(0, 13), "0,2,0,Linear(");
    }
  }
  EXPECT_EQ(lines, 6);  // 3 records x 2 layers
}

TEST(GradientFlow, HooksGoAtTheEndOfTraining) {
  nn::Sequential net = make_net();
  optim::SGD sgd(net.parameters(), {.lr = 0.05});
  auto flow = std::make_shared<GradientFlow>();
  train::fit(net, nn::MSELoss{}, sgd, regression_set(4),
             {.epochs = 1, .batch_size = 2, .callbacks = {flow}, .verbose = 0});
  flow.reset();  // the callback is gone; the model must still run
  EXPECT_NO_THROW(net(Variable(randn({2, 4}, DType::f64))));
}

TEST(GradientFlow, Errors) {
  expect_error([] { GradientFlow flow({.every_n_batches = -1}); },
               {"GradientFlow", "every_n_batches", "-1"});
}

}  // namespace
}  // namespace nabla::callbacks
