#include "data/feature_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::data {
namespace {

TEST(FeatureStats, HandValues) {
  // feature 0: 4, −2, 1 -> mean 1, variance (9 + 9 + 0) / 3 = 6, min −2, max 4
  // feature 1: 0.5 three times -> mean 0.5, variance 0
  FeatureStats s = feature_stats(tensor({{4, 0.5}, {-2, 0.5}, {1, 0.5}}));
  EXPECT_EQ(s.count, 3);
  EXPECT_EQ(s.mean, (std::vector<double>{1, 0.5}));
  EXPECT_EQ(s.var, (std::vector<double>{6, 0}));
  EXPECT_EQ(s.min, (std::vector<double>{-2, 0.5}));
  EXPECT_EQ(s.max, (std::vector<double>{4, 0.5}));
  // a 1-D tensor holds samples of one feature
  FeatureStats t = feature_stats(tensor({1, 2, 3, 4}));
  EXPECT_EQ(t.mean, (std::vector<double>{2.5}));
  EXPECT_EQ(t.var, (std::vector<double>{1.25}));  // (2.25 + 0.25 + 0.25 + 2.25) / 4
}

TEST(FeatureStats, BlocksOfALargeTensorMergeExactly) {
  // 5000 rows of 40 features span several blocks; values far from 0 (1e6 +
  // small) test that merging keeps the accuracy of a two-pass sum.
  const std::int64_t n = 5000, f = 40;
  std::vector<double> x(static_cast<std::size_t>(n * f));
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = 1e6 + static_cast<double>((i * 2654435761u) % 1000) / 7.0;
  }
  std::vector<double> mean(f, 0.0), var(f, 0.0);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < f; ++j) mean[j] += x[static_cast<std::size_t>(i * f + j)];
  }
  for (double& m : mean) m /= static_cast<double>(n);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < f; ++j) {
      const double d = x[static_cast<std::size_t>(i * f + j)] - mean[j];
      var[j] += d * d;
    }
  }
  FeatureStats s = feature_stats(from_vector(x, Shape{n, f}));
  for (std::int64_t j = 0; j < f; ++j) {
    EXPECT_NEAR(s.mean[j], mean[j], 1e-8);
    EXPECT_NEAR(s.var[j], var[j] / static_cast<double>(n), 1e-6 * var[j] / static_cast<double>(n));
  }
}

TEST(FeatureStats, FeatureRowsChecksTheFeatureCount) {
  EXPECT_EQ(feature_rows(zeros({3, 2, 2}), 4, "op").shape(), (Shape{3, 4}));
  EXPECT_EQ(feature_rows(zeros({3}), 1, "op").shape(), (Shape{3, 1}));
  testing::expect_error(
      [] {
        feature_rows(zeros({3, 5}), 4, "scale");
      },
      {"scale", "4 features", "[3, 5]"});
  testing::expect_error([] { feature_rows(scalar_tensor(1), 1, "scale"); },
                        {"scale", "0-dimensional"});
}

// No samples, and feature sizes whose product is beyond int64.
TEST(FeatureStats, FeatureRowsOfHugeEmptySamplesThrow) {
  const Tensor none = zeros({0, std::int64_t{1} << 32, std::int64_t{1} << 32});
  testing::expect_error([&] { feature_rows(none, 4, "scale"); }, "more than 2^63 elements");
}

TEST(FeatureStats, Errors) {
  testing::expect_error([] { feature_stats(Dataset(), "fit"); }, {"fit", "at least one sample"});
  testing::expect_error(
      [] {
        feature_stats(tensor({{1, INFINITY}}), "fit");
      },
      {"fit", "feature 1", "non-finite"});
  testing::expect_error([] { feature_stats(Tensor(), "fit"); }, {"fit"});
}

}  // namespace
}  // namespace nabla::data
