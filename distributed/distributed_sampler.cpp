#include "distributed/distributed_sampler.h"

#include <span>

#include "distributed/communicator.h"
#include "tensor/error.h"
#include "tensor/random.h"

namespace nabla::distributed {

namespace {

// splitmix64's finalizer: seeds 0, 1, 2 ... and epochs 0, 1, 2 ... give
// unrelated streams.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

DistributedSampler::DistributedSampler(std::int64_t dataset_size,
                                       int ranks,
                                       int rank,
                                       DistributedSamplerOptions options)
    : size_(dataset_size), ranks_(ranks), rank_(rank), options_(options) {
  NABLA_CHECK(dataset_size >= 0, "DistributedSampler", "the data set size must be >= 0, got ",
              dataset_size);
  NABLA_CHECK(ranks >= 1, "DistributedSampler", "the number of ranks must be >= 1, got ", ranks);
  NABLA_CHECK(rank >= 0 && rank < ranks, "DistributedSampler", "rank ", rank, " is outside [0, ",
              ranks, ")");
  NABLA_CHECK(!options.drop_last || dataset_size >= ranks, "DistributedSampler", "drop_last with ",
              dataset_size, " samples on ", ranks, " ranks leaves no sample per rank");
  num_samples_ = options.drop_last ? dataset_size / ranks : (dataset_size + ranks - 1) / ranks;
}

DistributedSampler::DistributedSampler(std::int64_t dataset_size,
                                       const Communicator& comm,
                                       DistributedSamplerOptions options)
    : DistributedSampler(dataset_size, comm.size(), comm.rank(), options) {}

void DistributedSampler::set_epoch(std::int64_t epoch) {
  NABLA_CHECK(epoch >= 0, "DistributedSampler::set_epoch", "epoch must be >= 0, got ", epoch);
  epoch_ = epoch;
}

std::vector<std::int64_t> DistributedSampler::global_order(std::int64_t epoch) const {
  NABLA_CHECK(epoch >= 0, "DistributedSampler", "epoch must be >= 0, got ", epoch);
  std::vector<std::int64_t> order;
  if (options_.shuffle && size_ > 0) {
    // Depends on (seed, epoch) only: every rank, and a resumed run, draws the same.
    Generator gen(mix(mix(options_.seed) ^ static_cast<std::uint64_t>(epoch)));
    order = randperm(size_, gen).to_vector<std::int64_t>();
  } else {
    order.resize(static_cast<std::size_t>(size_));
    for (std::int64_t i = 0; i < size_; ++i) order[static_cast<std::size_t>(i)] = i;
  }
  const auto total = static_cast<std::size_t>(total_size());
  if (order.size() >= total) {
    order.resize(total);  // drop_last: the tail goes
  } else {
    // Padding: repeat the order from its start (several times when there are
    // fewer samples than ranks).
    const std::size_t n = order.size();
    for (std::size_t i = 0; order.size() < total; ++i) order.push_back(order[i % n]);
  }
  return order;
}

std::vector<std::int64_t> DistributedSampler::indices(std::int64_t epoch) const {
  const std::vector<std::int64_t> order = global_order(epoch);
  std::vector<std::int64_t> mine;
  mine.reserve(static_cast<std::size_t>(num_samples_));
  for (std::size_t i = static_cast<std::size_t>(rank_); i < order.size();
       i += static_cast<std::size_t>(ranks_))
    mine.push_back(order[i]);
  return mine;
}

data::Dataset DistributedSampler::shard(const data::Dataset& dataset) const {
  NABLA_CHECK(dataset.size() == size_, "DistributedSampler::shard", "the sampler was made for ",
              size_, " samples, the data set has ", dataset.size());
  const std::vector<std::int64_t> rows = indices();
  return dataset.subset(std::span<const std::int64_t>(rows));
}

}  // namespace nabla::distributed
