// MSE, MAE, RMSE and R² against hand computations, and batch accumulation
// against a plain two-pass evaluation in double.
#include "metrics/regression.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tensor/factory.h"
#include "tensor/ops.h"
#include "tensor/random.h"
#include "test_util.h"

namespace nabla::metrics {
namespace {

using testing::expect_error;

// outputs 2.5 0 2 8, targets 3 −0.5 2 7 (scikit-learn's documentation example)
// errors ŷ − y: −0.5, 0.5, 0, 1
//   MSE = (0.25 + 0.25 + 0 + 1) / 4 = 0.375, MAE = (0.5 + 0.5 + 0 + 1) / 4 = 0.5
//   ȳ = 11.5 / 4 = 2.875; deviations 0.125, −3.375, −0.875, 4.125
//   SS_tot = 0.015625 + 11.390625 + 0.765625 + 17.015625 = 29.1875, SS_res = 1.5
//   R² = 1 − 1.5 / 29.1875
Tensor outputs() {
  return tensor({2.5, 0.0, 2.0, 8.0});
}
Tensor targets() {
  return tensor({3.0, -0.5, 2.0, 7.0});
}

TEST(RegressionFunctions, HandComputed) {
  EXPECT_DOUBLE_EQ(mse(outputs(), targets()), 0.375);
  EXPECT_DOUBLE_EQ(mae(outputs(), targets()), 0.5);
  EXPECT_DOUBLE_EQ(rmse(outputs(), targets()), std::sqrt(0.375));
  EXPECT_DOUBLE_EQ(r2_score(outputs(), targets()), 1.0 - 1.5 / 29.1875);
  // [n] against [n, 1] is the same comparison.
  EXPECT_DOUBLE_EQ(mse(outputs(), reshape(targets(), {4, 1})), 0.375);
  // i64 targets are converted: errors 1 and −1.
  EXPECT_DOUBLE_EQ(mae(tensor({1.0, 1.0}), from_vector(std::vector<std::int64_t>{0, 2})), 1.0);
}

TEST(RegressionFunctions, MultiOutputR2IsTheMeanOverColumns) {
  // scikit-learn's example: y = [[0.5, 1], [−1, 1], [7, −6]],
  // ŷ = [[0, 2], [−1, 2], [8, −5]].
  // column 0: ȳ = 6.5/3, deviations −5/3, −19/6, 29/6 → SS_tot = 1302/36,
  //           SS_res = 0.25 + 0 + 1 = 1.25 → R² = 1 − 45/1302
  // column 1: ȳ = −4/3, deviations 7/3, 7/3, −14/3 → SS_tot = 294/9,
  //           SS_res = 1 + 1 + 1 = 3 → R² = 1 − 27/294
  const Tensor y = tensor({{0.5, 1}, {-1, 1}, {7, -6}}, DType::f64);
  const Tensor y_hat = tensor({{0, 2}, {-1, 2}, {8, -5}}, DType::f64);
  const double expected = ((1.0 - 45.0 / 1302.0) + (1.0 - 27.0 / 294.0)) / 2;
  EXPECT_NEAR(r2_score(y_hat, y), expected, 1e-15);
  // MSE over all 6 elements: (0.25 + 1 + 0 + 1 + 1 + 1) / 6.
  EXPECT_DOUBLE_EQ(mse(y_hat, y), 4.25 / 6);
}

TEST(RegressionFunctions, ConstantTargetsAndEmpty) {
  // SS_tot = 0: R² is 1 for an exact prediction, else 0 (scikit-learn's force_finite).
  EXPECT_EQ(r2_score(tensor({2.0, 2.0}), tensor({2.0, 2.0})), 1.0);
  EXPECT_EQ(r2_score(tensor({2.0, 3.0}), tensor({2.0, 2.0})), 0.0);
  const Tensor empty = zeros({0});
  EXPECT_TRUE(std::isnan(mse(empty, empty)));
  EXPECT_TRUE(std::isnan(mae(empty, empty)));
  EXPECT_TRUE(std::isnan(rmse(empty, empty)));
  EXPECT_TRUE(std::isnan(r2_score(empty, empty)));
}

TEST(RegressionFunctions, Errors) {
  expect_error([] { mse(zeros({3}), zeros({4})); }, {"mse", "[3]", "[4]", "differ in shape"});
  expect_error([] { mae(zeros({2, 3}), zeros({3, 2})); }, {"mae", "[2, 3]", "[3, 2]"});
  expect_error([] { rmse(zeros({2, 2}), zeros({2, 1})); }, {"rmse", "[2, 2]", "[2, 1]"});
  expect_error([] { r2_score(zeros({2}), zeros({3, 1})); }, {"r2_score", "[2]", "[3, 1]"});
  expect_error([] { mse(Tensor(), zeros({2})); }, {"mse", "undefined"});
  expect_error([] { mse(scalar_tensor(1.0), scalar_tensor(1.0)); }, {"mse", "sample dimension"});
}

TEST(RegressionMetrics, NamesAndHandComputedResults) {
  MeanSquaredError mse_metric;
  MeanAbsoluteError mae_metric;
  RootMeanSquaredError rmse_metric;
  R2Score r2_metric;
  for (Metric* m : std::vector<Metric*>{&mse_metric, &mae_metric, &rmse_metric, &r2_metric}) {
    EXPECT_TRUE(std::isnan(m->result())) << m->name();
    m->update(outputs(), targets());
  }
  EXPECT_EQ(mse_metric.name(), "mse");
  EXPECT_EQ(mae_metric.name(), "mae");
  EXPECT_EQ(rmse_metric.name(), "rmse");
  EXPECT_EQ(r2_metric.name(), "r2");
  EXPECT_DOUBLE_EQ(mse_metric.result(), 0.375);
  EXPECT_DOUBLE_EQ(mae_metric.result(), 0.5);
  EXPECT_DOUBLE_EQ(rmse_metric.result(), std::sqrt(0.375));
  EXPECT_DOUBLE_EQ(r2_metric.result(), 1.0 - 1.5 / 29.1875);
  EXPECT_EQ(mse_metric.count(), 4);
  for (Metric* m : std::vector<Metric*>{&mse_metric, &mae_metric, &rmse_metric, &r2_metric}) {
    m->reset();
    EXPECT_TRUE(std::isnan(m->result())) << m->name();
    EXPECT_TRUE(std::isnan(m->clone()->result())) << m->name();
    EXPECT_EQ(m->clone()->name(), m->name());
  }
}

TEST(RegressionMetrics, RmseOfAllBatchesIsNotTheMeanOfBatchRmses) {
  // Batch 1: errors 0, 0 → RMSE 0; batch 2: errors 3, 4 → RMSE √12.5.
  // Over all four: √((9 + 16) / 4) = 2.5, not (0 + √12.5) / 2.
  RootMeanSquaredError rmse_metric;
  rmse_metric.update(tensor({1.0, 2.0}), tensor({1.0, 2.0}));
  rmse_metric.update(tensor({3.0, 4.0}), tensor({0.0, 0.0}));
  EXPECT_DOUBLE_EQ(rmse_metric.result(), 2.5);
}

TEST(RegressionMetrics, BatchesEqualTheWholeSet) {
  // 1000 samples with 3 output columns far from 0 (targets ≈ 1e4, where a
  // naive Σy² − n ȳ² loses digits), fed in uneven batches.
  Generator gen(7);
  const Tensor y = randn({1000, 3}, gen, DType::f64).mul_(2.0).add_(1e4);
  const Tensor y_hat = y + randn({1000, 3}, gen, DType::f64).mul_(0.5);
  const std::vector<double> yv = y.to_vector<double>();
  const std::vector<double> pv = y_hat.to_vector<double>();

  // Plain two-pass reference in double.
  double squared = 0, absolute = 0, r2_sum = 0;
  for (std::size_t j = 0; j < 3; ++j) {
    double mean = 0;
    for (std::size_t i = 0; i < 1000; ++i) mean += yv[i * 3 + j];
    mean /= 1000;
    double ss_tot = 0, ss_res = 0;
    for (std::size_t i = 0; i < 1000; ++i) {
      const double t = yv[i * 3 + j], e = pv[i * 3 + j] - t;
      ss_tot += (t - mean) * (t - mean);
      ss_res += e * e;
      squared += e * e;
      absolute += std::abs(e);
    }
    r2_sum += 1 - ss_res / ss_tot;
  }

  MeanSquaredError mse_metric;
  MeanAbsoluteError mae_metric;
  R2Score r2_metric;
  const std::vector<std::int64_t> bounds = {0, 1, 128, 129, 600, 1000};
  for (std::size_t b = 0; b + 1 < bounds.size(); ++b) {
    const Tensor rows =
        arange(static_cast<double>(bounds[b]), static_cast<double>(bounds[b + 1]), 1.0, DType::i64);
    const Tensor yb = index_select(y, 0, rows);
    const Tensor pb = index_select(y_hat, 0, rows);
    mse_metric.update(pb, yb);
    mae_metric.update(pb, yb);
    r2_metric.update(pb, yb);
  }
  EXPECT_NEAR(mse_metric.result(), squared / 3000, 1e-12);
  EXPECT_NEAR(mae_metric.result(), absolute / 3000, 1e-12);
  EXPECT_NEAR(r2_metric.result(), r2_sum / 3, 1e-12);
  EXPECT_NEAR(r2_score(y_hat, y), r2_sum / 3, 1e-12);
  // The noise (σ 0.5) is small against the targets' spread (σ 2): R² ≈ 1 − 1/16.
  EXPECT_NEAR(r2_metric.result(), 1 - 1.0 / 16, 0.02);
}

TEST(RegressionMetrics, Errors) {
  R2Score r2_metric;
  r2_metric.update(zeros({2, 3}), ones({2, 3}));
  expect_error(
      [&] {
        r2_metric.update(zeros({2, 2}), zeros({2, 2}));
      },
      {"R2Score", "2 columns", "earlier batches had 3"});
  expect_error([&] { r2_metric.update(zeros({2, 3}), zeros({2})); }, {"R2Score", "differ"});
  expect_error([&] { r2_metric.update(zeros({2, 0}), zeros({2, 0})); }, {"R2Score", "no columns"});
  MeanSquaredError mse_metric;
  expect_error([&] { mse_metric.update(zeros({3}), zeros({2})); }, {"mse", "differ in shape"});
  EXPECT_TRUE(std::isnan(mse_metric.result()));
  // An empty batch changes nothing.
  mse_metric.update(zeros({0}), zeros({0}));
  EXPECT_TRUE(std::isnan(mse_metric.result()));
}

}  // namespace
}  // namespace nabla::metrics
