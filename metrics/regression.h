// Regression metrics: mean squared error, mean absolute error, root mean
// squared error and the coefficient of determination R², as Metric classes
// that accumulate over batches and as functions of whole Tensors.
//
// Outputs and targets have the same shape [n, ...] (or one is [n] and the
// other [n, 1]); the errors are averaged over every element. Sums are kept in
// double, so the result over batches equals the result over the whole set up
// to rounding.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "metrics/metric.h"

namespace nabla::metrics {

/// MSE = (1/N) Σ (ŷ_i − y_i)² over all N elements. NaN for no elements.
/// Throws nabla::Error naming "mse" when the shapes differ (see the file
/// comment) or a tensor is undefined or 0-dimensional.
double mse(const Tensor& outputs, const Tensor& targets);
/// MAE = (1/N) Σ |ŷ_i − y_i|. Throws as mse.
double mae(const Tensor& outputs, const Tensor& targets);
/// RMSE = √MSE. Throws as mse.
double rmse(const Tensor& outputs, const Tensor& targets);
/// R² = 1 − SS_res / SS_tot with SS_res = Σ (y_i − ŷ_i)², SS_tot = Σ (y_i − ȳ)²,
/// computed per output column of [n, d] targets and averaged over the d
/// columns (scikit-learn's r2_score with multioutput="uniform_average"). A
/// column of constant targets has R² = 1 when predicted exactly, else 0
/// (scikit-learn's force_finite). NaN for no samples. Throws as mse.
double r2_score(const Tensor& outputs, const Tensor& targets);

/// Sums of the elementwise errors; the base of MSE, MAE and RMSE.
class ErrorSumMetric : public Metric {
 public:
  void reset() override;
  /// Throws nabla::Error when outputs and targets differ in shape.
  void update(const Tensor& outputs, const Tensor& targets) override;
  /// The number of elements seen since reset().
  std::int64_t count() const { return count_; }

 protected:
  double squared_sum_ = 0.0;
  double absolute_sum_ = 0.0;
  std::int64_t count_ = 0;
};

/// Key "mse". result() = MSE over every element since reset().
class MeanSquaredError : public ErrorSumMetric {
 public:
  std::string name() const override { return "mse"; }
  double result() const override;
  std::unique_ptr<Metric> clone() const override;
};

/// Key "mae". result() = MAE over every element since reset().
class MeanAbsoluteError : public ErrorSumMetric {
 public:
  std::string name() const override { return "mae"; }
  double result() const override;
  std::unique_ptr<Metric> clone() const override;
};

/// Key "rmse". result() = √(MSE over every element since reset()) — not the
/// mean of per-batch RMSEs.
class RootMeanSquaredError : public ErrorSumMetric {
 public:
  std::string name() const override { return "rmse"; }
  double result() const override;
  std::unique_ptr<Metric> clone() const override;
};

/// Key "r2". R² as r2_score over every sample since reset(). Per column it
/// keeps the count, the mean and the sum of squared deviations of the targets
/// (merged batch by batch with Chan et al.'s pairwise formula) and SS_res.
class R2Score : public Metric {
 public:
  std::string name() const override { return "r2"; }
  void reset() override;
  /// Throws nabla::Error when the shapes differ, or the number of output
  /// columns differs from earlier batches.
  void update(const Tensor& outputs, const Tensor& targets) override;
  double result() const override;
  std::unique_ptr<Metric> clone() const override;

 private:
  std::int64_t count_ = 0;            // samples
  std::vector<double> mean_;          // per column: mean of the targets
  std::vector<double> m2_;            // per column: Σ (y − ȳ)²
  std::vector<double> residual_sum_;  // per column: Σ (y − ŷ)²
};

}  // namespace nabla::metrics
