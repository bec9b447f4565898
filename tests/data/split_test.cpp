#include "data/split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <vector>

#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::data {
namespace {

std::vector<std::int64_t> iota(std::int64_t begin, std::int64_t end) {
  std::vector<std::int64_t> v(static_cast<std::size_t>(end - begin));
  std::iota(v.begin(), v.end(), begin);
  return v;
}

std::vector<std::int64_t> sorted_union(const std::vector<std::vector<std::int64_t>>& parts) {
  std::vector<std::int64_t> all;
  for (const auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  std::sort(all.begin(), all.end());
  return all;
}

// Labels 0 x 60, 1 x 30, 2 x 10 (100 rows), interleaved so that row order
// says nothing about the class.
Tensor labels_60_30_10() {
  std::vector<std::int64_t> y;
  for (int i = 0; i < 10; ++i) {
    for (int j = 0; j < 6; ++j) y.push_back(0);
    for (int j = 0; j < 3; ++j) y.push_back(1);
    y.push_back(2);
  }
  return from_vector(y);
}

std::map<std::int64_t, int> class_counts(const Tensor& labels,
                                         const std::vector<std::int64_t>& rows) {
  const std::vector<std::int64_t> y = labels.to_vector<std::int64_t>();
  std::map<std::int64_t, int> counts;
  for (std::int64_t r : rows) ++counts[y[static_cast<std::size_t>(r)]];
  return counts;
}

TEST(TrainTestSplit, SizesAreCeilOfTheFraction) {
  // 10 · 0.25 = 2.5 -> 3 test rows, 7 train; 10 · 0.3 = 3 exactly -> 3.
  SplitIndices s = train_test_indices(10, 0.25);
  EXPECT_EQ(s.test.size(), 3u);
  EXPECT_EQ(s.train.size(), 7u);
  EXPECT_EQ(sorted_union({s.train, s.test}), iota(0, 10));
  EXPECT_EQ(train_test_indices(10, 0.3).test.size(), 3u);
  EXPECT_EQ(train_test_indices(3, 0.01).test.size(), 1u);
}

TEST(TrainTestSplit, TrainDownRoundsTheTrainingPartDownAsKeras) {
  // Keras: n_train = floor(10 · (1 − 0.8)); 1 − 0.8 is 0.19999999999999996 in
  // binary, so 1 training row and 9 held out, where ceil(10 · 0.8) holds out 8.
  const SplitOptions keras{.shuffle = false, .rounding = SplitRounding::train_down};
  SplitIndices s = train_test_indices(10, 0.8, keras);
  EXPECT_EQ(s.train, iota(0, 1));
  EXPECT_EQ(s.test, iota(1, 10));
  EXPECT_EQ(train_test_indices(10, 0.8, {.shuffle = false}).test, iota(2, 10));
  // 20 · 0.75 = 15 exactly: both rules hold out the last 5.
  EXPECT_EQ(train_test_indices(20, 0.25, keras).test, iota(15, 20));
  // floor(4 · 0.1) = 0 training rows, and 1 − 1e-20 rounds to 1: no test row.
  testing::expect_error([&] { train_test_indices(4, 0.9, keras); },
                        {"train_test_indices", "0 training rows"});
  testing::expect_error([&] { train_test_indices(4, 1e-20, keras); },
                        {"train_test_indices", "4 training rows"});
  testing::expect_error([&] { train_validation_test_indices(10, 0.2, 0.2, keras); },
                        {"train_validation_test_indices", "train_down", "two-way"});
}

TEST(TrainTestSplit, UnshuffledKeepsRowOrderWithTheTestRowsLast) {
  SplitIndices s = train_test_indices(10, 0.2, {.shuffle = false});
  EXPECT_EQ(s.train, iota(0, 8));
  EXPECT_EQ(s.test, iota(8, 10));
}

TEST(TrainTestSplit, ShuffledDependsOnTheSeedOnly) {
  SplitIndices a = train_test_indices(40, 0.25, {.seed = 1});
  SplitIndices b = train_test_indices(40, 0.25, {.seed = 1});
  SplitIndices c = train_test_indices(40, 0.25, {.seed = 2});
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.test, b.test);
  EXPECT_NE(a.test, c.test);
  EXPECT_NE(a.test, iota(30, 40));
  EXPECT_EQ(sorted_union({a.train, a.test}), iota(0, 40));
}

TEST(TrainTestSplit, DatasetPartsHoldTheirRows) {
  // input x_i = 10 i, target i: the parts' inputs must match their targets
  std::vector<float> x;
  std::vector<std::int64_t> y;
  for (int i = 0; i < 20; ++i) {
    x.push_back(10.0f * static_cast<float>(i));
    y.push_back(i);
  }
  Dataset d(from_vector(x, Shape{20, 1}), from_vector(y));
  TrainTestSplit s = train_test_split(d, 0.25, {.seed = 9});
  EXPECT_EQ(s.train.size(), 15);
  EXPECT_EQ(s.test.size(), 5);
  for (const Dataset* part : {&s.train, &s.test}) {
    std::vector<float> xi = part->inputs().to_vector<float>();
    std::vector<std::int64_t> yi = part->targets().to_vector<std::int64_t>();
    for (std::size_t i = 0; i < yi.size(); ++i) EXPECT_EQ(xi[i], 10.0f * static_cast<float>(yi[i]));
  }
  std::vector<std::int64_t> train = s.train.targets().to_vector<std::int64_t>();
  std::vector<std::int64_t> test = s.test.targets().to_vector<std::int64_t>();
  EXPECT_EQ(sorted_union({train, test}), iota(0, 20));
}

TEST(TrainTestSplit, StratifiedKeepsClassProportions) {
  const Tensor y = labels_60_30_10();
  // 20 % of 60, 30, 10 is exactly 12, 6, 2
  for (bool shuffle : {true, false}) {
    SplitIndices s = train_test_indices(y, 0.2, {.shuffle = shuffle, .seed = 4, .stratify = true});
    EXPECT_EQ(class_counts(y, s.test), (std::map<std::int64_t, int>{{0, 12}, {1, 6}, {2, 2}}));
    EXPECT_EQ(class_counts(y, s.train), (std::map<std::int64_t, int>{{0, 48}, {1, 24}, {2, 8}}));
    EXPECT_EQ(sorted_union({s.train, s.test}), iota(0, 100));
  }
  // unshuffled: the last rows of each class are its test rows, and the parts are ascending
  SplitIndices s = train_test_indices(y, 0.2, {.shuffle = false, .stratify = true});
  EXPECT_TRUE(std::is_sorted(s.test.begin(), s.test.end()));
  EXPECT_EQ(s.test.back(), 99);  // the last row (class 2) is in the test part
}

TEST(TrainTestSplit, StratifiedRemaindersGoToTheLargestFractions) {
  // classes of 5, 3, 2 rows (10), 30 % -> 3 test rows. Quotas 1.5, 0.9, 0.6
  // have floors 1, 0, 0: two rows are left, and they go to the remainders .9
  // and .6 before .5, so the test counts are 1, 1, 1.
  const Tensor y = from_vector<std::int64_t>({7, 7, 7, 7, 7, 8, 8, 8, 9, 9});
  SplitIndices s = train_test_indices(y, 0.3, {.seed = 3, .stratify = true});
  EXPECT_EQ(class_counts(y, s.test), (std::map<std::int64_t, int>{{7, 1}, {8, 1}, {9, 1}}));
  EXPECT_EQ(s.train.size(), 7u);
}

TEST(TrainTestSplit, StratifiedDatasetUsesItsTargets) {
  Dataset d(zeros({100, 2}), labels_60_30_10());
  TrainTestSplit s = train_test_split(d, 0.1, {.seed = 5, .stratify = true});
  EXPECT_EQ(class_counts(s.test.targets(), iota(0, 10)),
            (std::map<std::int64_t, int>{{0, 6}, {1, 3}, {2, 1}}));
}

TEST(TrainValidationTestSplit, ThreeDisjointPartsCoverEveryRow) {
  ThreeWaySplitIndices s = train_validation_test_indices(20, 0.2, 0.3, {.seed = 8});
  EXPECT_EQ(s.train.size(), 10u);
  EXPECT_EQ(s.validation.size(), 4u);
  EXPECT_EQ(s.test.size(), 6u);
  EXPECT_EQ(sorted_union({s.train, s.validation, s.test}), iota(0, 20));

  ThreeWaySplitIndices o = train_validation_test_indices(20, 0.2, 0.3, {.shuffle = false});
  EXPECT_EQ(o.train, iota(0, 10));
  EXPECT_EQ(o.validation, iota(10, 14));
  EXPECT_EQ(o.test, iota(14, 20));
}

TEST(TrainValidationTestSplit, StratifiedKeepsProportionsInEveryPart) {
  const Tensor y = labels_60_30_10();
  // 10 % and 20 % of 60, 30, 10: validation 6, 3, 1; test 12, 6, 2; train the rest
  ThreeWaySplitIndices s =
      train_validation_test_indices(y, 0.1, 0.2, {.seed = 2, .stratify = true});
  EXPECT_EQ(class_counts(y, s.validation), (std::map<std::int64_t, int>{{0, 6}, {1, 3}, {2, 1}}));
  EXPECT_EQ(class_counts(y, s.test), (std::map<std::int64_t, int>{{0, 12}, {1, 6}, {2, 2}}));
  EXPECT_EQ(class_counts(y, s.train), (std::map<std::int64_t, int>{{0, 42}, {1, 21}, {2, 7}}));
  EXPECT_EQ(sorted_union({s.train, s.validation, s.test}), iota(0, 100));

  Dataset d(zeros({100, 1}), y);
  TrainValidationTestSplit parts =
      train_validation_test_split(d, 0.1, 0.2, {.seed = 2, .stratify = true});
  EXPECT_EQ(parts.train.size(), 70);
  EXPECT_EQ(parts.validation.size(), 10);
  EXPECT_EQ(parts.test.size(), 20);
}

TEST(TrainValidationTestSplit, TinyClassesNeverOverflow) {
  // two rows per class, 40 % + 40 %: quotas 0.8 and 0.8 per class; no class may
  // give more rows than it has, and the totals stay exact (4 + 4 of 10).
  const Tensor y = from_vector<std::int64_t>({0, 0, 1, 1, 2, 2, 3, 3, 4, 4});
  ThreeWaySplitIndices s = train_validation_test_indices(y, 0.4, 0.4, {.stratify = true});
  EXPECT_EQ(s.validation.size(), 4u);
  EXPECT_EQ(s.test.size(), 4u);
  EXPECT_EQ(s.train.size(), 2u);
  EXPECT_EQ(sorted_union({s.train, s.validation, s.test}), iota(0, 10));
}

TEST(RowsByClass, GroupsRowsByAscendingLabel) {
  auto groups = rows_by_class(from_vector<std::int64_t>({5, -1, 5, 3}), "op");
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0], (std::vector<std::int64_t>{1}));
  EXPECT_EQ(groups[1], (std::vector<std::int64_t>{3}));
  EXPECT_EQ(groups[2], (std::vector<std::int64_t>{0, 2}));
}

TEST(TrainTestSplit, Errors) {
  testing::expect_error([] { train_test_indices(10, 0.0); }, {"train_test_indices", "(0, 1)", "0"});
  testing::expect_error([] { train_test_indices(10, 1.0); }, {"train_test_indices", "1"});
  testing::expect_error([] { train_test_indices(10, -0.5); }, {"train_test_indices", "-0.5"});
  testing::expect_error([] { train_test_indices(1, 0.5); },
                        {"train_test_indices", "1 samples", "0 training rows"});
  testing::expect_error([] { train_test_indices(10, 0.2, {.stratify = true}); },
                        {"train_test_indices", "labels"});
  testing::expect_error([] { train_test_indices(zeros({10}), 0.2, {.stratify = true}); },
                        {"train_test_indices", "i64", "f32"});
  testing::expect_error(
      [] {
        Dataset d(zeros({4, 1}), zeros({4, 1}));
        train_test_split(d, 0.5, {.stratify = true});
      },
      {"train_test_split", "i64 class labels", "[4, 1]"});
  testing::expect_error([] { train_validation_test_indices(10, 0.5, 0.5); },
                        {"train_validation_test_indices", "sum to 1"});
  testing::expect_error([] { train_validation_test_indices(10, 0.2, 1.5); },
                        {"train_validation_test_indices", "1.5"});
  testing::expect_error([] { train_validation_test_split(Dataset(), 0.2, 0.2); },
                        {"train_validation_test_split", "0 samples"});
}

}  // namespace
}  // namespace nabla::data
