#include "data/dataset.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::data {
namespace {

Dataset bytes_2x3() {
  // Two samples of 3 features: [10, 20, 30] and [0, 255, 1], labels 1 and 0.
  return Dataset::from_bytes({10, 20, 30, 0, 255, 1}, Shape{3}, from_vector<std::int64_t>({1, 0}));
}

// A sample shape whose sizes are negative (-2 * -2 = 4 bytes per sample) or
// whose product wraps around int64 (2^32 * 2^32 = 0 bytes) is no shape.
TEST(Dataset, FromBytesRejectsImpossibleSampleShapes) {
  const Tensor two = from_vector<std::int64_t>({0, 1});
  testing::expect_error(
      [&] {
        Dataset::from_bytes(std::vector<std::uint8_t>(8), Shape{-2, -2}, two);
      },
      {"Dataset::from_bytes", "negative size", "[-2, -2]"});
  testing::expect_error(
      [&] {
        Dataset::from_bytes({}, Shape{std::int64_t{1} << 32, std::int64_t{1} << 32}, two);
      },
      {"Dataset::from_bytes", "more than 2^63 bytes"});
  testing::expect_error(
      [&] {
        Dataset::from_bytes({}, Shape{std::int64_t{1} << 62},
                            from_vector<std::int64_t>({0, 1, 2, 3}));
      },
      {"Dataset::from_bytes", "more than 2^63 bytes"});
  // Samples of no features are a valid (if useless) dataset.
  Dataset empty = Dataset::from_bytes({}, Shape{0}, two);
  EXPECT_EQ(empty.num_features(), 0);
  EXPECT_EQ(empty.batch(0, 2).inputs.shape(), (Shape{2, 0}));
}

TEST(Dataset, FloatInputsGatherRowsAndTargets) {
  Dataset d(tensor({{1, 2}, {3, 4}, {5, 6}}), from_vector<std::int64_t>({7, 8, 9}));
  EXPECT_EQ(d.size(), 3);
  EXPECT_EQ(d.sample_shape(), Shape{2});
  EXPECT_FALSE(d.is_bytes());
  const std::vector<std::int64_t> rows{2, 0};
  Batch b = d.batch(rows);
  EXPECT_EQ(b.inputs.to_vector<float>(), (std::vector<float>{5, 6, 1, 2}));
  EXPECT_EQ(b.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{9, 7}));
  Batch c = d.batch(1, 3, DType::f64);
  EXPECT_EQ(c.inputs.dtype(), DType::f64);
  EXPECT_EQ(c.inputs.to_vector<double>(), (std::vector<double>{3, 4, 5, 6}));
}

TEST(Dataset, BytesAreConvertedWithTheAffineMap) {
  Dataset d = bytes_2x3();
  EXPECT_TRUE(d.is_bytes());
  EXPECT_EQ(d.num_features(), 3);
  EXPECT_EQ(d.inputs().to_vector<float>(), (std::vector<float>{10, 20, 30, 0, 255, 1}));
  // x / 255 then 2x - 1: byte 255 -> 1, byte 0 -> -1, byte 10 -> 20/255 - 1.
  Dataset e = d.affine(full({1}, 1.0 / 255, DType::f64), zeros({1}))
                  .affine(full({1}, 2.0), full({1}, -1.0));
  std::vector<double> x = e.inputs(DType::f64).to_vector<double>();
  EXPECT_NEAR(x[0], 20.0 / 255 - 1, 1e-15);
  EXPECT_NEAR(x[3], -1.0, 1e-15);
  EXPECT_NEAR(x[4], 1.0, 1e-15);
  // per-feature coefficients
  Dataset f = d.affine(tensor({1, 2, 3}), tensor({0, 0, 100}));
  EXPECT_EQ(f.inputs().to_vector<float>(), (std::vector<float>{10, 40, 190, 0, 510, 103}));
}

TEST(Dataset, AffineOnFloatInputsAppliesAtOnce) {
  Dataset d(tensor({{1, 2}, {3, 4}}), tensor({0, 1}));
  Dataset e = d.affine(tensor({2, 10}), tensor({1, 0}));
  EXPECT_EQ(e.inputs().to_vector<float>(), (std::vector<float>{3, 20, 7, 40}));
  EXPECT_EQ(d.inputs().to_vector<float>(), (std::vector<float>{1, 2, 3, 4}));
}

TEST(Dataset, SubsetKeepsTheMapAndCopiesRows) {
  Dataset d = bytes_2x3().affine(full({1}, 2.0), zeros({1}));
  const std::vector<std::int64_t> rows{1, 1};
  Dataset s = d.subset(rows);
  EXPECT_EQ(s.size(), 2);
  EXPECT_EQ(s.inputs().to_vector<float>(), (std::vector<float>{0, 510, 2, 0, 510, 2}));
  EXPECT_EQ(s.targets().to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 0}));
}

TEST(Dataset, WithTargetsReplacesTargets) {
  Dataset d = bytes_2x3().with_targets(tensor({{0, 1}, {1, 0}}));
  EXPECT_EQ(d.targets().shape(), (Shape{2, 2}));
}

TEST(Dataset, Errors) {
  testing::expect_error([] { Dataset(zeros({3, 2}), zeros({2})); }, {"Dataset", "3", "2"});
  testing::expect_error([] { Dataset(zeros({3}, DType::i64), zeros({3})); },
                        {"Dataset", "floating", "i64"});
  testing::expect_error(
      [] {
        Dataset::from_bytes({1, 2, 3}, Shape{2}, from_vector<std::int64_t>({0, 1}));
      },
      {"from_bytes", "3 bytes", "4 bytes"});
  testing::expect_error(
      [] {
        const std::vector<std::int64_t> rows{0, 2};
        bytes_2x3().batch(rows);
      },
      {"Dataset::batch", "row 2", "2 samples"});
  testing::expect_error([] { bytes_2x3().batch(1, 3); }, {"Dataset::batch", "[1, 3)"});
  testing::expect_error([] { bytes_2x3().affine(zeros({2}), zeros({1})); },
                        {"affine", "3 elements"});
  testing::expect_error([] { bytes_2x3().with_targets(zeros({3})); }, {"with_targets", "2 rows"});
  testing::expect_error([] { Dataset(zeros({2}), zeros({2})).scale(); }, {"scale", "bytes"});
}

}  // namespace
}  // namespace nabla::data
