#include "data/min_max_scaler.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::data {
namespace {

// Feature 0: 1, 3, 2 (min 1, max 3); feature 1: −5, 5, 0 (min −5, max 5).
Tensor three_rows() {
  return tensor({{1, -5}, {3, 5}, {2, 0}}, DType::f64);
}

void expect_near(const Tensor& t, const std::vector<double>& expected) {
  const std::vector<double> v = t.to_vector<double>();
  ASSERT_EQ(v.size(), expected.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    EXPECT_NEAR(v[i], expected[i], 1e-14) << "element " << i;
}

TEST(MinMaxScaler, MapsTheTrainingRangeOntoZeroOne) {
  MinMaxScaler s;
  const Tensor z = s.fit_transform(three_rows());
  // (x − 1) / 2 and (x + 5) / 10
  EXPECT_EQ(z.to_vector<double>(), (std::vector<double>{0, 0, 1, 1, 0.5, 0.5}));
  EXPECT_EQ(s.data_min().to_vector<double>(), (std::vector<double>{1, -5}));
  EXPECT_EQ(s.data_max().to_vector<double>(), (std::vector<double>{3, 5}));
  EXPECT_EQ(s.scale().to_vector<double>(), (std::vector<double>{0.5, 0.1}));
  EXPECT_EQ(s.offset().to_vector<double>(), (std::vector<double>{-0.5, 0.5}));
  // values outside the training range land outside [0, 1]: (5 − 1) / 2 = 2
  EXPECT_EQ(s.transform(tensor({{5, -10}})).to_vector<float>(), (std::vector<float>{2, -0.5f}));
  EXPECT_EQ(s.inverse_transform(z).to_vector<double>(), three_rows().to_vector<double>());
}

TEST(MinMaxScaler, SymmetricAndArbitraryRanges) {
  MinMaxScaler s({.low = -1, .high = 1});
  // 2 · (x − min) / (max − min) − 1
  expect_near(s.fit_transform(three_rows()), {-1, -1, 1, 1, 0, 0});
  MinMaxScaler t({.low = 10, .high = 20});
  expect_near(t.fit_transform(three_rows()), {10, 10, 20, 20, 15, 15});
}

TEST(MinMaxScaler, ConstantFeatureMapsToLow) {
  MinMaxScaler s({.low = -1, .high = 1});
  const Tensor x = tensor({{7, 0}, {7, 4}});
  EXPECT_EQ(s.fit_transform(x).to_vector<float>(), (std::vector<float>{-1, -1, -1, 1}));
}

TEST(MinMaxScaler, ByteDatasetGetsANewMap) {
  // two features: bytes 0, 255, 51 (min 0, max 255) and 10, 30, 20 (min 10, max 30)
  Dataset d =
      Dataset::from_bytes({0, 10, 255, 30, 51, 20}, Shape{2}, from_vector<std::int64_t>({0, 1, 0}));
  MinMaxScaler s;
  Dataset z = s.fit_transform(d);
  EXPECT_TRUE(z.is_bytes());
  const std::vector<double> x = z.inputs(DType::f64).to_vector<double>();
  // 51 / 255 = 0.2, (20 − 10) / 20 = 0.5
  const std::vector<double> expected = {0, 0, 1, 1, 0.2, 0.5};
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(x[i], expected[i], 1e-15);
  const std::vector<double> back = s.inverse_transform(z).inputs(DType::f64).to_vector<double>();
  const std::vector<double> orig = {0, 10, 255, 30, 51, 20};
  for (std::size_t i = 0; i < back.size(); ++i) EXPECT_NEAR(back[i], orig[i], 1e-12);
  // a float Dataset is transformed at once
  Dataset f = s.transform(Dataset(tensor({{255, 30}}), zeros({1})));
  EXPECT_EQ(f.inputs().to_vector<float>(), (std::vector<float>{1, 1}));
}

TEST(MinMaxScaler, StateDictRoundTrip) {
  MinMaxScaler s({.low = -1, .high = 1});
  s.fit(three_rows());
  MinMaxScaler t({.low = -1, .high = 1});
  t.load_state_dict(s.state_dict());
  EXPECT_TRUE(equal(t.transform(three_rows()), s.transform(three_rows())));
}

TEST(MinMaxScaler, Errors) {
  testing::expect_error([] { MinMaxScaler({.low = 1, .high = 1}); }, {"MinMaxScaler", "[1, 1]"});
  testing::expect_error([] { MinMaxScaler({.low = 2, .high = -1}); }, {"MinMaxScaler", "[2, -1]"});
  MinMaxScaler s;
  testing::expect_error([&] { s.transform(three_rows()); },
                        {"MinMaxScaler::transform", "not fitted"});
  testing::expect_error([&] { s.state_dict(); }, {"MinMaxScaler::state_dict", "not fitted"});
  s.fit(three_rows());
  testing::expect_error(
      [&] {
        s.transform(zeros({2, 1}));
      },
      {"MinMaxScaler::transform", "2 features", "1 features"});
  testing::expect_error(
      [&] {
        s.transform(zeros({2, 2}, DType::i64));
      },
      {"MinMaxScaler::transform", "i64"});
  StateDict bad;
  bad.insert("data_min", tensor({3}, DType::f64));
  bad.insert("data_max", tensor({1}, DType::f64));
  testing::expect_error([&] { s.load_state_dict(bad); },
                        {"MinMaxScaler::load_state_dict", "feature 0", "3", "1"});
}

}  // namespace
}  // namespace nabla::data
