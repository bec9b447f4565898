#include "data/standard_scaler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "data/feature_stats.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::data {
namespace {

// Feature 0: 1, 2, 3 -> mean 2, population variance (1 + 0 + 1) / 3 = 2/3.
// Feature 1: 10, 20, 60 -> mean 30, variance (400 + 100 + 900) / 3 = 1400/3.
Tensor three_rows() {
  return tensor({{1, 10}, {2, 20}, {3, 60}}, DType::f64);
}

TEST(StandardScaler, FitsMeanAndPopulationStd) {
  StandardScaler s;
  EXPECT_FALSE(s.fitted());
  s.fit(three_rows());
  EXPECT_TRUE(s.fitted());
  EXPECT_EQ(s.num_features(), 2);
  EXPECT_EQ(s.mean().dtype(), DType::f64);
  const std::vector<double> mean = s.mean().to_vector<double>();
  const std::vector<double> scale = s.scale().to_vector<double>();
  EXPECT_NEAR(mean[0], 2.0, 1e-15);
  EXPECT_NEAR(mean[1], 30.0, 1e-13);
  EXPECT_NEAR(scale[0], std::sqrt(2.0 / 3), 1e-15);
  EXPECT_NEAR(scale[1], std::sqrt(1400.0 / 3), 1e-13);
}

TEST(StandardScaler, TransformAndInverse) {
  StandardScaler s;
  const Tensor x = three_rows();
  const Tensor z = s.fit_transform(x);
  EXPECT_EQ(z.shape(), (Shape{3, 2}));
  EXPECT_EQ(z.dtype(), DType::f64);
  const std::vector<double> v = z.to_vector<double>();
  const double s0 = std::sqrt(2.0 / 3), s1 = std::sqrt(1400.0 / 3);
  const std::vector<double> expected = {-1 / s0, -20 / s1, 0, -10 / s1, 1 / s0, 30 / s1};
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v[i], expected[i], 1e-14) << i;
  const std::vector<double> back = s.inverse_transform(z).to_vector<double>();
  const std::vector<double> orig = x.to_vector<double>();
  for (std::size_t i = 0; i < back.size(); ++i) EXPECT_NEAR(back[i], orig[i], 1e-13);
  // other data transform with the training statistics: (2 − 2) / s0 and (30 − 30) / s1
  EXPECT_EQ(s.transform(tensor({{2, 30}})).to_vector<float>(), (std::vector<float>{0, 0}));
}

TEST(StandardScaler, ConstantFeaturesKeepScaleOne) {
  // 0.1 is not a binary fraction, so the computed deviation is rounding noise,
  // not exactly 0; the scale must still be 1 and the column map to ≈ 0.
  std::vector<double> x;
  for (int i = 0; i < 1000; ++i) {
    x.push_back(0.1);
    x.push_back(i);
  }
  StandardScaler s;
  s.fit(from_vector(x, Shape{1000, 2}));
  EXPECT_EQ(s.scale().to_vector<double>()[0], 1.0);
  EXPECT_GT(s.scale().to_vector<double>()[1], 1.0);
  const std::vector<double> z = s.transform(from_vector(x, Shape{1000, 2})).to_vector<double>();
  for (int i = 0; i < 1000; ++i) EXPECT_NEAR(z[static_cast<std::size_t>(2 * i)], 0.0, 1e-12);
}

TEST(StandardScaler, MultiDimensionalSamplesKeepTheirShape) {
  // samples [2, 2]: 4 features; sample 0 all 0, sample 1 all 2 -> mean 1, std 1
  StandardScaler s;
  const Tensor x = tensor({{{0, 0}, {0, 0}}, {{2, 2}, {2, 2}}});
  const Tensor z = s.fit_transform(x);
  EXPECT_EQ(s.num_features(), 4);
  EXPECT_EQ(z.shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(z.to_vector<float>(), (std::vector<float>{-1, -1, -1, -1, 1, 1, 1, 1}));
}

TEST(StandardScaler, ByteDatasetStatisticsAndMap) {
  // three samples [0, 10], [255, 30], [51, 20]:
  // feature 0 mean 102, variance (102² + 153² + 51²) / 3 = 36414 / 3 = 12138;
  // feature 1 mean 20, variance (100 + 100 + 0) / 3 = 200 / 3.
  Dataset d =
      Dataset::from_bytes({0, 10, 255, 30, 51, 20}, Shape{2}, from_vector<std::int64_t>({0, 1, 0}));
  StandardScaler s;
  Dataset z = s.fit_transform(d);
  EXPECT_TRUE(z.is_bytes());
  const std::vector<double> mean = s.mean().to_vector<double>();
  const std::vector<double> scale = s.scale().to_vector<double>();
  EXPECT_NEAR(mean[0], 102.0, 1e-12);
  EXPECT_NEAR(mean[1], 20.0, 1e-12);
  EXPECT_NEAR(scale[0], std::sqrt(12138.0), 1e-11);
  EXPECT_NEAR(scale[1], std::sqrt(200.0 / 3), 1e-12);
  const std::vector<double> x = z.inputs(DType::f64).to_vector<double>();
  EXPECT_NEAR(x[2], 153.0 / std::sqrt(12138.0), 1e-14);
  EXPECT_NEAR(x[3], 10.0 / std::sqrt(200.0 / 3), 1e-14);
  // the map is composed, so the bytes scaled by 1/255 first give the same result
  Dataset pre = d.affine(full({1}, 1.0 / 255, DType::f64), zeros({1}, DType::f64));
  StandardScaler t;
  const std::vector<double> y = t.fit_transform(pre).inputs(DType::f64).to_vector<double>();
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(y[i], x[i], 1e-12);
  EXPECT_NEAR(t.mean().to_vector<double>()[0], 102.0 / 255, 1e-15);
  // inverse_transform restores the original map
  const std::vector<double> back = s.inverse_transform(z).inputs(DType::f64).to_vector<double>();
  const std::vector<double> orig = {0, 10, 255, 30, 51, 20};
  for (std::size_t i = 0; i < back.size(); ++i) EXPECT_NEAR(back[i], orig[i], 1e-12);
}

TEST(StandardScaler, ManyBlocksMatchADirectComputation) {
  // 3000 samples of 50 byte features: the statistics are gathered in several
  // blocks of rows and merged; compare with one plain two-pass sum in double.
  const std::int64_t n = 3000, f = 50;
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(n * f));
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<std::uint8_t>((i * 2654435761u) >> 13);
  }
  std::vector<double> mean(f, 0.0), var(f, 0.0);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < f; ++j) mean[j] += bytes[static_cast<std::size_t>(i * f + j)];
  }
  for (double& m : mean) m /= static_cast<double>(n);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < f; ++j) {
      const double dev = bytes[static_cast<std::size_t>(i * f + j)] - mean[j];
      var[j] += dev * dev / static_cast<double>(n);
    }
  }
  Dataset d = Dataset::from_bytes(bytes, Shape{f}, zeros({n}, DType::i64));
  FeatureStats stats = feature_stats(d);
  EXPECT_EQ(stats.count, n);
  StandardScaler s;
  s.fit(d);
  const std::vector<double> m = s.mean().to_vector<double>();
  const std::vector<double> sd = s.scale().to_vector<double>();
  for (std::int64_t j = 0; j < f; ++j) {
    EXPECT_NEAR(m[j], mean[j], 1e-10);
    EXPECT_NEAR(sd[j], std::sqrt(var[j]), 1e-10);
  }
}

TEST(StandardScaler, StateDictRoundTrip) {
  StandardScaler s;
  s.fit(three_rows());
  StateDict state = s.state_dict();
  EXPECT_EQ(state.keys(), (std::vector<std::string>{"mean", "scale"}));
  StandardScaler t;
  t.load_state_dict(state);
  EXPECT_TRUE(equal(t.transform(three_rows()), s.transform(three_rows())));
}

TEST(StandardScaler, Errors) {
  StandardScaler s;
  testing::expect_error([&] { s.transform(three_rows()); },
                        {"StandardScaler::transform", "not fitted"});
  testing::expect_error([&] { s.mean(); }, {"StandardScaler::mean", "not fitted"});
  testing::expect_error([&] { s.fit(zeros({0, 3})); }, {"StandardScaler::fit", "at least one"});
  testing::expect_error([&] { s.fit(zeros({3}, DType::i64)); }, {"StandardScaler::fit", "i64"});
  testing::expect_error(
      [&] {
        s.fit(tensor({{1, NAN}, {2, 3}}));
      },
      {"StandardScaler::fit", "feature 1", "non-finite"});
  s.fit(three_rows());
  testing::expect_error(
      [&] {
        s.transform(zeros({4, 3}));
      },
      {"StandardScaler::transform", "2 features", "[4, 3]"});
  testing::expect_error(
      [&] {
        s.inverse_transform(zeros({4, 3}));
      },
      {"StandardScaler::inverse_transform", "2 features"});
  testing::expect_error(
      [&] {
        s.transform(Dataset(zeros({2, 5}), zeros({2})));
      },
      {"StandardScaler::transform", "2 features", "5 features"});
  StateDict bad;
  bad.insert("mean", zeros({2}, DType::f64));
  testing::expect_error([&] { s.load_state_dict(bad); }, {"load_state_dict", "scale"});
  bad.insert("scale", tensor({1, 0}, DType::f64));
  testing::expect_error([&] { s.load_state_dict(bad); },
                        {"load_state_dict", "feature 1", "positive"});
}

}  // namespace
}  // namespace nabla::data
