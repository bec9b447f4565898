#include "data/k_fold.h"

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

// Every fold: train and test disjoint, together all n rows, both ascending;
// over the folds every row is a test row exactly once.
void expect_partition(const std::vector<Fold>& folds, std::int64_t n) {
  std::vector<int> tested(static_cast<std::size_t>(n), 0);
  for (const Fold& f : folds) {
    EXPECT_TRUE(std::is_sorted(f.train.begin(), f.train.end()));
    EXPECT_TRUE(std::is_sorted(f.test.begin(), f.test.end()));
    std::vector<std::int64_t> all = f.train;
    all.insert(all.end(), f.test.begin(), f.test.end());
    std::sort(all.begin(), all.end());
    EXPECT_EQ(all, iota(0, n));
    for (std::int64_t r : f.test) ++tested[static_cast<std::size_t>(r)];
  }
  for (int t : tested) EXPECT_EQ(t, 1);
}

TEST(KFold, UnshuffledFoldsAreConsecutiveChunks) {
  // 11 rows, 3 folds: 11 = 3 · 3 + 2, so sizes 4, 4, 3
  std::vector<Fold> folds = k_fold(11, {.k = 3});
  ASSERT_EQ(folds.size(), 3u);
  EXPECT_EQ(folds[0].test, iota(0, 4));
  EXPECT_EQ(folds[1].test, iota(4, 8));
  EXPECT_EQ(folds[2].test, iota(8, 11));
  EXPECT_EQ(folds[2].train, iota(0, 8));
  expect_partition(folds, 11);
}

TEST(KFold, ShuffledFoldsDependOnTheSeed) {
  std::vector<Fold> a = k_fold(30, {.k = 5, .shuffle = true, .seed = 1});
  std::vector<Fold> b = k_fold(30, {.k = 5, .shuffle = true, .seed = 1});
  std::vector<Fold> c = k_fold(30, {.k = 5, .shuffle = true, .seed = 2});
  expect_partition(a, 30);
  for (const Fold& f : a) EXPECT_EQ(f.test.size(), 6u);
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].test, b[i].test);
  EXPECT_NE(a[0].test, c[0].test);
  EXPECT_NE(a[0].test, iota(0, 6));
}

TEST(KFold, LeaveOneOutWhenKEqualsN) {
  std::vector<Fold> folds = k_fold(4, {.k = 4});
  for (std::int64_t i = 0; i < 4; ++i) {
    EXPECT_EQ(folds[static_cast<std::size_t>(i)].test, (std::vector<std::int64_t>{i}));
  }
  expect_partition(folds, 4);
}

TEST(KFold, StratifiedFoldsShareEveryClass) {
  // class 0 x 12, class 1 x 6, class 2 x 3 (21 rows), 3 folds: each fold gets
  // 4, 2 and 1 rows of the classes, 7 in all.
  std::vector<std::int64_t> y;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 4; ++j) y.push_back(0);
    for (int j = 0; j < 2; ++j) y.push_back(1);
    y.push_back(2);
  }
  const Tensor labels = from_vector(y);
  for (bool shuffle : {false, true}) {
    std::vector<Fold> folds =
        k_fold(labels, {.k = 3, .shuffle = shuffle, .seed = 6, .stratify = true});
    expect_partition(folds, 21);
    for (const Fold& f : folds) {
      std::map<std::int64_t, int> counts;
      for (std::int64_t r : f.test) ++counts[y[static_cast<std::size_t>(r)]];
      EXPECT_EQ(counts, (std::map<std::int64_t, int>{{0, 4}, {1, 2}, {2, 1}}));
    }
  }
  // a Dataset stratifies by its targets
  std::vector<Fold> folds = k_fold(Dataset(zeros({21, 1}), labels), {.k = 3, .stratify = true});
  expect_partition(folds, 21);
}

TEST(KFold, StratifiedUnevenClassesDifferByAtMostOne) {
  // 5 rows of class 0 and 4 of class 1 in 2 folds: class 0 splits 3/2, and
  // class 1 is dealt on from fold 1, so 2/2: folds of 5 and 4 rows.
  const Tensor labels = from_vector<std::int64_t>({0, 1, 0, 1, 0, 1, 0, 1, 0});
  std::vector<Fold> folds = k_fold(labels, {.k = 2, .stratify = true});
  EXPECT_EQ(folds[0].test, (std::vector<std::int64_t>{0, 3, 4, 7, 8}));
  EXPECT_EQ(folds[1].test, (std::vector<std::int64_t>{1, 2, 5, 6}));
}

TEST(KFold, Errors) {
  testing::expect_error([] { k_fold(10, {.k = 1}); }, {"k_fold", "at least 2", "1"});
  testing::expect_error([] { k_fold(3, {.k = 4}); }, {"k_fold", "k = 4", "3"});
  testing::expect_error([] { k_fold(10, {.k = 2, .stratify = true}); }, {"k_fold", "labels"});
  testing::expect_error([] { k_fold(zeros({10}), {.k = 2, .stratify = true}); },
                        {"k_fold", "i64", "f32"});
  testing::expect_error([] { k_fold(Dataset(), {.k = 2}); }, {"k_fold", "0"});
}

}  // namespace
}  // namespace nabla::data
