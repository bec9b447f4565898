#include "data/data_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::data {
namespace {

// n samples whose single input feature and i64 target both equal the row index,
// so every batch says which rows it holds.
Dataset indexed(std::int64_t n) {
  std::vector<double> x(static_cast<std::size_t>(n));
  std::iota(x.begin(), x.end(), 0.0);
  std::vector<std::int64_t> y(static_cast<std::size_t>(n));
  std::iota(y.begin(), y.end(), std::int64_t{0});
  return Dataset(from_vector(x, Shape{n, 1}), from_vector(y));
}

// The rows of every batch of one pass, batch by batch.
std::vector<std::vector<std::int64_t>> one_epoch(DataLoader& loader) {
  std::vector<std::vector<std::int64_t>> batches;
  for (const Batch& b : loader) {
    std::vector<std::int64_t> rows = b.targets.to_vector<std::int64_t>();
    // inputs and targets come from the same rows
    std::vector<double> x = b.inputs.to_vector<double>();
    EXPECT_EQ(x.size(), rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(x[i], static_cast<double>(rows[i]));
    batches.push_back(std::move(rows));
  }
  return batches;
}

std::vector<std::int64_t> flatten(const std::vector<std::vector<std::int64_t>>& batches) {
  std::vector<std::int64_t> all;
  for (const auto& b : batches) all.insert(all.end(), b.begin(), b.end());
  return all;
}

std::vector<std::int64_t> iota(std::int64_t n) {
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), std::int64_t{0});
  return v;
}

TEST(DataLoader, ShuffledEpochVisitsEverySampleOnce) {
  Dataset d = indexed(103);
  DataLoader loader(d, {.batch_size = 10, .shuffle = true, .seed = 7});
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::vector<std::int64_t> all = flatten(one_epoch(loader));
    ASSERT_EQ(all.size(), 103u);
    std::sort(all.begin(), all.end());
    EXPECT_EQ(all, iota(103));
  }
  EXPECT_EQ(loader.epoch(), 3);
}

TEST(DataLoader, BatchSizesWithAndWithoutDropLast) {
  Dataset d = indexed(23);
  // 23 = 2 * 10 + 3: batches of 10, 10, 3, or 10, 10 when the last is dropped.
  DataLoader keep(d, {.batch_size = 10});
  EXPECT_EQ(keep.size(), 3);
  std::vector<std::size_t> sizes;
  for (const auto& b : one_epoch(keep)) sizes.push_back(b.size());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{10, 10, 3}));

  DataLoader drop(d, {.batch_size = 10, .shuffle = true, .drop_last = true});
  EXPECT_EQ(drop.size(), 2);
  auto batches = one_epoch(drop);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].size(), 10u);
  EXPECT_EQ(batches[1].size(), 10u);
  // an exact multiple has no smaller last batch to drop
  DataLoader exact(indexed(20), {.batch_size = 10, .drop_last = true});
  EXPECT_EQ(exact.size(), 2);
}

TEST(DataLoader, FullBatchAndOnlineRegimes) {
  Dataset d = indexed(7);
  DataLoader full(d, {.batch_size = 7});
  auto batches = one_epoch(full);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0], iota(7));
  // a batch larger than the data set is the whole data set once
  DataLoader larger(d, {.batch_size = 100});
  EXPECT_EQ(larger.size(), 1);
  EXPECT_EQ(one_epoch(larger)[0], iota(7));

  DataLoader online(d, {.batch_size = 1, .shuffle = true, .seed = 3});
  EXPECT_EQ(online.size(), 7);
  batches = one_epoch(online);
  ASSERT_EQ(batches.size(), 7u);
  for (const auto& b : batches) EXPECT_EQ(b.size(), 1u);
  std::vector<std::int64_t> all = flatten(batches);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, iota(7));
}

TEST(DataLoader, BatchShapesAndDtype) {
  Dataset d(zeros({5, 2, 3}), from_vector<std::int64_t>({0, 1, 2, 3, 4}));
  DataLoader loader(d, {.batch_size = 2, .dtype = DType::f64});
  auto it = loader.begin();
  EXPECT_EQ(it->inputs.shape(), (Shape{2, 2, 3}));
  EXPECT_EQ(it->inputs.dtype(), DType::f64);
  EXPECT_EQ(it->targets.dtype(), DType::i64);
  ++it;
  ++it;
  EXPECT_EQ(it->inputs.shape(), (Shape{1, 2, 3}));
  ++it;
  EXPECT_TRUE(it == loader.end());
}

TEST(DataLoader, NoShuffleIsTheIdentityEveryEpoch) {
  Dataset d = indexed(12);
  DataLoader loader(d, {.batch_size = 5});
  EXPECT_EQ(flatten(one_epoch(loader)), iota(12));
  EXPECT_EQ(flatten(one_epoch(loader)), iota(12));
  EXPECT_EQ(loader.order(9), iota(12));
}

TEST(DataLoader, EqualSeedsGiveEqualBatches) {
  Dataset d = indexed(50);
  DataLoader a(d, {.batch_size = 8, .shuffle = true, .seed = 42});
  DataLoader b(d, {.batch_size = 8, .shuffle = true, .seed = 42});
  for (int epoch = 0; epoch < 3; ++epoch) EXPECT_EQ(one_epoch(a), one_epoch(b));
}

TEST(DataLoader, EpochsAndSeedsGiveDifferentOrders) {
  Dataset d = indexed(50);
  DataLoader a(d, {.batch_size = 8, .shuffle = true, .seed = 42});
  DataLoader b(d, {.batch_size = 8, .shuffle = true, .seed = 43});
  const std::vector<std::int64_t> a0 = a.order(0);
  // 50! orders: two equal ones by chance are out of the question, and a
  // shuffle that returned the identity would be a broken shuffle.
  EXPECT_NE(a0, iota(50));
  EXPECT_NE(a0, a.order(1));
  EXPECT_NE(a0, b.order(0));
  EXPECT_NE(a.order(1), b.order(1));
  // consecutive passes use consecutive epochs
  EXPECT_NE(flatten(one_epoch(a)), flatten(one_epoch(a)));
}

TEST(DataLoader, SetEpochReproducesAnEpoch) {
  Dataset d = indexed(30);
  DataLoader first(d, {.batch_size = 4, .shuffle = true, .seed = 5});
  std::vector<std::vector<std::vector<std::int64_t>>> epochs;
  for (int e = 0; e < 4; ++e) epochs.push_back(one_epoch(first));
  // a second loader resumed at epoch 2 sees epochs 2 and 3 again
  DataLoader resumed(d, {.batch_size = 4, .shuffle = true, .seed = 5});
  resumed.set_epoch(2);
  EXPECT_EQ(one_epoch(resumed), epochs[2]);
  EXPECT_EQ(one_epoch(resumed), epochs[3]);
  first.set_epoch(1);
  EXPECT_EQ(one_epoch(first), epochs[1]);
  EXPECT_EQ(flatten(epochs[0]), first.order(0));
}

TEST(DataLoader, ByteDatasetsAreScaledInBatches) {
  Dataset d =
      Dataset::from_bytes({0, 255, 51, 102}, Shape{1}, from_vector<std::int64_t>({0, 1, 2, 3}))
          .affine(full({1}, 1.0 / 255, DType::f64), zeros({1}));
  DataLoader loader(d, {.batch_size = 3});
  auto it = loader.begin();
  // 51 / 255 = 0.2 (up to f32 rounding of the scale)
  std::vector<float> x = it->inputs.to_vector<float>();
  ASSERT_EQ(x.size(), 3u);
  EXPECT_EQ(x[0], 0.0f);
  EXPECT_NEAR(x[1], 1.0f, 1e-6);
  EXPECT_NEAR(x[2], 0.2f, 1e-6);
}

TEST(DataLoader, EmptyDatasetHasNoBatches) {
  Dataset d;
  DataLoader loader(d, {.batch_size = 4, .shuffle = true});
  EXPECT_EQ(loader.size(), 0);
  EXPECT_TRUE(loader.begin() == loader.end());
}

TEST(DataLoader, Errors) {
  Dataset d = indexed(4);
  testing::expect_error([&] { DataLoader(d, {.batch_size = 0}); },
                        {"DataLoader", "batch_size", "0"});
  testing::expect_error([&] { DataLoader(d, {.batch_size = -3}); }, {"DataLoader", "-3"});
  testing::expect_error([&] { DataLoader(d, {.dtype = DType::i64}); }, {"DataLoader", "i64"});
  DataLoader loader(d, {.shuffle = true});
  testing::expect_error([&] { loader.order(-1); }, {"DataLoader::order", "-1"});
}

}  // namespace
}  // namespace nabla::data
