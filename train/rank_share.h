// RankShare: what fit does differently when it trains on several ranks
// (FitOptions::communicator), kept apart so that fit's loop reads the same on
// one process and on N: each rank's shard of every epoch
// (distributed::DistributedSampler), the model called through
// distributed::DataParallel, epoch logs averaged over the ranks, progress
// printed by rank 0 only, and a stop by one rank's callback seen by all.
// Without a communicator every member does what fit did before (internal).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "autograd/variable.h"
#include "data/data_loader.h"
#include "data/dataset.h"
#include "distributed/communicator.h"
#include "distributed/data_parallel.h"
#include "distributed/distributed_sampler.h"
#include "metrics/logs.h"

namespace nabla::nn {
class Module;
}

namespace nabla::train::detail {

class RankShare {
 public:
  /// Attaches DataParallel to `model` (broadcasting rank 0's weights) when
  /// `comm` is set.
  RankShare(const std::optional<distributed::Communicator>& comm,
            nn::Module& model,
            const data::Dataset& train,
            const data::DataLoaderOptions& loader_options);

  /// The loader of `epoch`: the whole training set, or this rank's shard.
  data::DataLoader& loader(std::int64_t epoch);
  /// Batches per epoch (the same on every rank).
  std::int64_t steps_per_epoch() const;
  /// `verbose` on rank 0, 0 (silent) on the others.
  int verbose(int verbose) const;
  /// model(x), through DataParallel on several ranks.
  Variable forward(nn::Module& model, const Variable& x);
  /// Waits for the gradient reduction (before the optimizer step).
  void after_backward();
  /// At the end of an epoch's batches: replaces every value of `logs` by its
  /// mean over the ranks (each rank saw as many samples: DistributedSampler
  /// pads), and gives every rank rank 0's buffers (BatchNorm's running
  /// statistics), so that validation, the callbacks' decisions and
  /// checkpoints are the same on every rank.
  void end_epoch(metrics::Logs& logs);
  /// True when `stop` is true on any rank.
  bool any(bool stop) const;

 private:
  std::optional<distributed::Communicator> comm_;
  std::unique_ptr<distributed::DataParallel> dp_;
  const data::Dataset& train_;
  data::DataLoaderOptions options_;
  std::optional<distributed::DistributedSampler> sampler_;
  data::DataLoader loader_;
};

}  // namespace nabla::train::detail
