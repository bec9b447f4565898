// DistributedSampler: which samples each rank trains on in an epoch, with the
// rules of PyTorch's DistributedSampler. Every rank draws the same shuffled
// order (same seed, same epoch), evens it out to a multiple of the number of
// ranks (by repeating samples from its start, or by dropping its tail with
// drop_last) and takes every size()-th index from its rank on:
//   shard(rank) = order[rank], order[rank + ranks], order[rank + 2 ranks], ...
// so the shards of an epoch are disjoint (up to the repeats) and together
// cover every sample.
//
// It fits data::DataLoader through shard(): the rank's samples of the epoch,
// in the sampler's order, batched by a DataLoader that does not shuffle again.
//
//   distributed::DistributedSampler sampler(train.size(), comm, {.seed = 7});
//   for (int epoch = 0; epoch < epochs; ++epoch) {
//     sampler.set_epoch(epoch);
//     data::DataLoader loader(sampler.shard(train), {.batch_size = 64});
//     for (const data::Batch& batch : loader) { ... }
//   }
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace nabla::distributed {

class Communicator;

struct DistributedSamplerOptions {
  /// A new order every epoch, the same on every rank (seed and epoch).
  bool shuffle = true;
  std::uint64_t seed = 0;
  /// Drop the tail of the order that does not divide evenly instead of
  /// repeating samples from its start.
  bool drop_last = false;
};

class DistributedSampler {
 public:
  /// Throws nabla::Error for a negative size, ranks < 1 or a rank outside
  /// [0, ranks), and with drop_last for fewer samples than ranks.
  DistributedSampler(std::int64_t dataset_size,
                     int ranks,
                     int rank,
                     DistributedSamplerOptions options = {});
  DistributedSampler(std::int64_t dataset_size,
                     const Communicator& comm,
                     DistributedSamplerOptions options = {});

  /// Samples per rank and epoch: ceil(n / ranks), or floor with drop_last.
  std::int64_t num_samples() const { return num_samples_; }
  /// num_samples() * ranks.
  std::int64_t total_size() const { return num_samples_ * ranks_; }
  int ranks() const { return ranks_; }
  int rank() const { return rank_; }

  void set_epoch(std::int64_t epoch);
  std::int64_t epoch() const { return epoch_; }

  /// The epoch's order on every rank before it is cut into shards (length
  /// total_size()).
  std::vector<std::int64_t> global_order(std::int64_t epoch) const;
  /// This rank's sample indices for `epoch` (or the current one).
  std::vector<std::int64_t> indices(std::int64_t epoch) const;
  std::vector<std::int64_t> indices() const { return indices(epoch_); }
  /// This rank's samples of the current epoch, in order. Throws when
  /// `dataset` has another size than the sampler was made for.
  data::Dataset shard(const data::Dataset& dataset) const;

 private:
  std::int64_t size_;
  int ranks_;
  int rank_;
  DistributedSamplerOptions options_;
  std::int64_t num_samples_ = 0;
  std::int64_t epoch_ = 0;
};

}  // namespace nabla::distributed
