// ROC curve and ROC AUC against hand computations, with tied scores.
#include "metrics/roc_auc.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "tensor/factory.h"
#include "tensor/random.h"
#include "test_util.h"

namespace nabla::metrics {
namespace {

using testing::expect_error;

Tensor labels(const std::vector<std::int64_t>& v) {
  return from_vector(v);
}

TEST(RocAuc, WithoutTies) {
  // scores 0.1 0.4 0.35 0.8, labels 0 0 1 1 (scikit-learn's example).
  // Positive-negative pairs: (0.35, 0.1) ✓, (0.35, 0.4) ✗, (0.8, 0.1) ✓,
  // (0.8, 0.4) ✓ → AUC = 3/4.
  EXPECT_DOUBLE_EQ(roc_auc(tensor({0.1, 0.4, 0.35, 0.8}), labels({0, 0, 1, 1})), 0.75);
  // A perfect and a reversed ranking.
  EXPECT_DOUBLE_EQ(roc_auc(tensor({0.1, 0.2, 0.7, 0.8}), labels({0, 0, 1, 1})), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc(tensor({0.9, 0.8, 0.2, 0.1}), labels({0, 0, 1, 1})), 0.0);
}

TEST(RocAuc, TiesCountOneHalf) {
  // scores 0.2 0.5 0.5 0.9 0.5, labels 0 1 0 1 1: positives 0.5, 0.9, 0.5;
  // negatives 0.2, 0.5. Pairs (p, n):
  //   (0.5, 0.2) 1, (0.5, 0.5) ½, (0.9, 0.2) 1, (0.9, 0.5) 1, (0.5, 0.2) 1, (0.5, 0.5) ½
  // → 5 / 6.
  const Tensor scores = tensor({0.2, 0.5, 0.5, 0.9, 0.5});
  const Tensor y = labels({0, 1, 0, 1, 1});
  EXPECT_DOUBLE_EQ(roc_auc(scores, y), 5.0 / 6.0);
  // All scores equal: every pair is a tie → ½.
  EXPECT_DOUBLE_EQ(roc_auc(tensor({0.3, 0.3, 0.3}), labels({1, 0, 1})), 0.5);
}

TEST(RocCurve, OnePointPerDistinctScore) {
  // The tie example above, thresholds from high to low:
  //   +inf: tp 0, fp 0 → (0, 0)
  //   0.9:  tp 1, fp 0 → (0, 1/3)
  //   0.5:  tp 3, fp 1 → (1/2, 1)   (the three tied samples at once)
  //   0.2:  tp 3, fp 2 → (1, 1)
  // Trapezoids: ½·(1/3 + 1)/2 + ½·(1 + 1)/2 = 1/3 + 1/2 = 5/6, the AUC above.
  const RocCurve c = roc_curve(tensor({0.2, 0.5, 0.5, 0.9, 0.5}), labels({0, 1, 0, 1, 1}));
  ASSERT_EQ(c.thresholds.size(), 4u);
  EXPECT_EQ(c.thresholds[0], std::numeric_limits<double>::infinity());
  EXPECT_DOUBLE_EQ(c.thresholds[1], static_cast<double>(0.9f));
  EXPECT_DOUBLE_EQ(c.thresholds[2], 0.5);
  EXPECT_DOUBLE_EQ(c.thresholds[3], static_cast<double>(0.2f));
  EXPECT_EQ(c.fpr, (std::vector<double>{0, 0, 0.5, 1}));
  ASSERT_EQ(c.tpr.size(), 4u);
  EXPECT_EQ(c.tpr[0], 0.0);
  EXPECT_DOUBLE_EQ(c.tpr[1], 1.0 / 3.0);
  EXPECT_EQ(c.tpr[2], 1.0);
  EXPECT_EQ(c.tpr[3], 1.0);

  // One class only: the missing class's rate is NaN.
  const RocCurve only = roc_curve(tensor({0.1, 0.2}), labels({1, 1}));
  EXPECT_TRUE(std::isnan(only.fpr[1]));
  EXPECT_EQ(only.tpr, (std::vector<double>{0, 0.5, 1}));
}

TEST(RocAuc, AgreesWithCountingPairsOnRandomScores) {
  // 300 samples, scores rounded to 0.05 so that many tie; the reference counts
  // every positive-negative pair in plain double.
  Generator gen(3);
  std::vector<double> s = rand({300}, gen, DType::f64).to_vector<double>();
  std::vector<double> u = rand({300}, gen, DType::f64).to_vector<double>();
  std::vector<std::int64_t> y;
  for (std::size_t i = 0; i < s.size(); ++i) {
    s[i] = std::round(s[i] * 20) / 20;
    y.push_back(u[i] < 0.3 + 0.4 * s[i] ? 1 : 0);  // higher scores more often positive
  }
  double pairs = 0, credit = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    for (std::size_t j = 0; j < s.size(); ++j) {
      if (y[i] != 1 || y[j] != 0) continue;
      pairs += 1;
      credit += s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
    }
  }
  EXPECT_NEAR(roc_auc(from_vector(s), from_vector(y)), credit / pairs, 1e-12);

  // The metric over uneven batches gives the same area.
  AUC auc;
  for (std::size_t begin = 0; begin < s.size(); begin += 70) {
    const std::size_t end = std::min(begin + 70, s.size());
    auc.update(from_vector(std::vector<double>(s.begin() + begin, s.begin() + end)),
               from_vector(std::vector<std::int64_t>(y.begin() + begin, y.begin() + end)));
  }
  EXPECT_NEAR(auc.result(), credit / pairs, 1e-12);
}

TEST(AucMetric, OutputsOfOneOrTwoColumns) {
  AUC auc;
  EXPECT_EQ(auc.name(), "auc");
  EXPECT_TRUE(std::isnan(auc.result()));
  auc.update(from_vector(std::vector<double>{0.1, 0.4}, Shape{2, 1}), labels({0, 0}));
  EXPECT_TRUE(std::isnan(auc.result()));  // only negatives so far
  auc.update(from_vector(std::vector<double>{0.35, 0.8}, Shape{2, 1}),
             from_vector(std::vector<double>{1, 1}, Shape{2, 1}));
  EXPECT_DOUBLE_EQ(auc.result(), 0.75);  // the example of WithoutTies, in two batches
  auc.reset();
  EXPECT_TRUE(std::isnan(auc.result()));

  // Two columns: the score is column 1 − column 0: −0.8, −0.2, 0.3, 0.6 with
  // labels 0 1 0 1. Pairs (p, n): (−0.2, −0.8) ✓, (−0.2, 0.3) ✗, (0.6, −0.8) ✓,
  // (0.6, 0.3) ✓ → 3/4; the same with one-hot labels.
  const Tensor two = tensor({{0.9, 0.1}, {0.6, 0.4}, {0.35, 0.65}, {0.2, 0.8}});
  auc.update(two, labels({0, 1, 0, 1}));
  EXPECT_DOUBLE_EQ(auc.result(), 0.75);
  EXPECT_DOUBLE_EQ(roc_auc(two, tensor({{1, 0}, {0, 1}, {1, 0}, {0, 1}})), 0.75);
  EXPECT_TRUE(std::isnan(auc.clone()->result()));
}

TEST(RocAuc, UndefinedIsNaN) {
  EXPECT_TRUE(std::isnan(roc_auc(zeros({0}), labels({}))));
  EXPECT_TRUE(std::isnan(roc_auc(tensor({0.1, 0.9}), labels({0, 0}))));
  EXPECT_TRUE(std::isnan(roc_auc(tensor({0.1, NAN}), labels({0, 1}))));
}

TEST(RocAuc, Errors) {
  expect_error(
      [] {
        roc_auc(tensor({0.1, 0.2}), labels({0, 2}));
      },
      {"roc_auc", "actual label 2", "[0, 2)"});
  expect_error(
      [] {
        roc_auc(tensor({0.1, 0.2}), labels({0}));
      },
      {"roc_auc", "[2]", "[1]", "different numbers of samples"});
  expect_error(
      [] {
        roc_auc(zeros({2, 3}), labels({0, 1}));
      },
      {"roc_auc", "[n], [n, 1] or [n, 2]", "[2, 3]"});
  expect_error([] { roc_auc(Tensor(), labels({0})); }, {"roc_auc", "undefined"});
  expect_error(
      [] {
        roc_curve(tensor({0.1, NAN}), labels({0, 1}));
      },
      {"roc_curve", "score NaN at sample 1"});
  expect_error(
      [] {
        roc_curve(zeros({2}), zeros({2, 3}));
      },
      {"roc_curve", "must be [n] or [n, 1]", "[2, 3]"});
  AUC auc;
  expect_error(
      [&] {
        auc.update(tensor({0.5, 0.7}), tensor({1.0, 0.5}));
      },
      {"AUC", "actual label 0.5"});
  EXPECT_TRUE(std::isnan(auc.result()));
}

}  // namespace
}  // namespace nabla::metrics
