// DistributedSampler against PyTorch's DistributedSampler rules, worked out by
// hand for small cases, and the shard properties (disjoint, complete, equal
// sizes) for many sizes. Runs the same on every rank (it needs no messages).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "data/dataset.h"
#include "distributed/communicator.h"
#include "distributed/distributed_sampler.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla::distributed {
namespace {

using testing::expect_error;
using testing::values;
using Indices = std::vector<std::int64_t>;

TEST(DistributedSampler, PadsByRepeatingTheStart) {
  // 5 samples on 2 ranks, in order: [0 1 2 3 4] + [0] -> rank 0 [0 2 4], rank 1 [1 3 0].
  DistributedSampler r0(5, 2, 0, {.shuffle = false});
  DistributedSampler r1(5, 2, 1, {.shuffle = false});
  EXPECT_EQ(r0.num_samples(), 3);
  EXPECT_EQ(r0.total_size(), 6);
  EXPECT_EQ(r0.indices(), (Indices{0, 2, 4}));
  EXPECT_EQ(r1.indices(), (Indices{1, 3, 0}));
}

TEST(DistributedSampler, PadsSeveralTimesWithFewerSamplesThanRanks) {
  // 2 samples on 5 ranks: [0 1] + [0 1 0] -> rank r takes element r.
  for (int r = 0; r < 5; ++r)
    EXPECT_EQ(DistributedSampler(2, 5, r, {.shuffle = false}).indices(), (Indices{r % 2}));
}

TEST(DistributedSampler, DropLastCutsTheTail) {
  // 5 samples on 2 ranks: [0 1 2 3] -> rank 0 [0 2], rank 1 [1 3]; sample 4 is not seen.
  DistributedSampler r0(5, 2, 0, {.shuffle = false, .drop_last = true});
  DistributedSampler r1(5, 2, 1, {.shuffle = false, .drop_last = true});
  EXPECT_EQ(r0.num_samples(), 2);
  EXPECT_EQ(r0.indices(), (Indices{0, 2}));
  EXPECT_EQ(r1.indices(), (Indices{1, 3}));
}

TEST(DistributedSampler, ShardsAreDisjointAndCompleteForUnevenSizes) {
  for (std::int64_t n : {1, 2, 7, 10, 11, 97}) {
    for (int ranks : {1, 2, 3, 4, 7}) {
      for (bool drop_last : {false, true}) {
        if (drop_last && n < ranks) continue;
        std::vector<std::int64_t> count(static_cast<std::size_t>(n), 0);
        std::int64_t per_rank = -1;
        for (int r = 0; r < ranks; ++r) {
          DistributedSampler s(n, ranks, r, {.seed = 3, .drop_last = drop_last});
          s.set_epoch(2);
          const Indices mine = s.indices();
          if (per_rank < 0) per_rank = static_cast<std::int64_t>(mine.size());
          EXPECT_EQ(static_cast<std::int64_t>(mine.size()), per_rank) << "equal shard sizes";
          for (std::int64_t i : mine) {
            ASSERT_GE(i, 0);
            ASSERT_LT(i, n);
            ++count[static_cast<std::size_t>(i)];
          }
        }
        // Every sample seen; repeated only by padding (n < total), dropped only by drop_last.
        const std::int64_t total = per_rank * ranks;
        std::int64_t seen = 0, repeats = 0;
        for (std::int64_t c : count) {
          seen += c > 0 ? 1 : 0;
          repeats += c > 1 ? c - 1 : 0;
        }
        if (drop_last) {
          EXPECT_EQ(seen, total) << n << " on " << ranks;
          EXPECT_EQ(repeats, 0);
          EXPECT_EQ(total, n / ranks * ranks);
        } else {
          EXPECT_EQ(seen, n) << n << " on " << ranks;
          EXPECT_EQ(repeats, total - n);
          EXPECT_LT(total - n, ranks);
        }
      }
    }
  }
}

TEST(DistributedSampler, SameSeedSameOrderNewEpochNewOrder) {
  DistributedSampler a(50, 3, 1, {.seed = 9});
  DistributedSampler b(50, 3, 1, {.seed = 9});
  DistributedSampler c(50, 3, 1, {.seed = 10});
  EXPECT_EQ(a.indices(4), b.indices(4));
  EXPECT_NE(a.indices(4), a.indices(5));
  EXPECT_NE(a.indices(4), c.indices(4));
  // The epoch's global order is a permutation of every sample.
  Indices order = a.global_order(4);
  order.resize(50);
  std::sort(order.begin(), order.end());
  for (std::int64_t i = 0; i < 50; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
}

TEST(DistributedSampler, ShardOfADataset) {
  // Targets 0..6 on 3 ranks, rank 1, in order: [0..6] + [0 1] -> indices 1, 4, 0.
  const data::Dataset d(reshape(arange(0, 7, 1, DType::f32), {7, 1}), arange(0, 7, 1, DType::i64));
  DistributedSampler s(7, 3, 1, {.shuffle = false});
  const data::Dataset shard = s.shard(d);
  EXPECT_EQ(values(shard.targets()), (std::vector<double>{1, 4, 0}));
  expect_error(
      [&] {
        (void)s.shard(d.subset(std::vector<std::int64_t>{0, 1}));
      },
      {"DistributedSampler::shard", "7 samples", "has 2"});
}

TEST(DistributedSampler, FromACommunicator) {
  const Communicator comm = Communicator::world();
  DistributedSampler s(10, comm);
  EXPECT_EQ(s.rank(), comm.rank());
  EXPECT_EQ(s.ranks(), comm.size());
}

TEST(DistributedSampler, RejectsBadArguments) {
  expect_error([] { DistributedSampler(-1, 2, 0); }, {"DistributedSampler", "-1"});
  expect_error([] { DistributedSampler(4, 0, 0); }, {"DistributedSampler", "ranks", "0"});
  expect_error([] { DistributedSampler(4, 2, 2); }, {"DistributedSampler", "rank 2", "[0, 2)"});
  expect_error([] { DistributedSampler(1, 2, 0, {.drop_last = true}); },
               {"DistributedSampler", "drop_last", "1 samples on 2 ranks"});
  DistributedSampler s(4, 2, 0);
  expect_error([&] { s.set_epoch(-1); }, {"set_epoch", "-1"});
}

}  // namespace
}  // namespace nabla::distributed
