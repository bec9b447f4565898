// RankShare: what fit does differently when it trains on several ranks
// (FitOptions::communicator), kept apart so that fit's loop reads the same on
// one process and on N: each rank's shard of every epoch
// (distributed::DistributedSampler), the model called through
// distributed::DataParallel, epoch logs averaged over the ranks, progress
// printed by rank 0 only, and a stop by one rank's callback seen by all.
// Without a communicator every member does what fit did before (internal).
//
// Evaluation (evaluate, and fit's validation) is sharded differently, by whole
// batches (EvalShare below): training may repeat samples to even out the
// shards, evaluation must see each sample exactly once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

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

/// NOTE [ Sharded evaluation ]
/// The `batches` batches of an evaluation (batch j: rows [j b, min((j+1) b, n))
/// of the data set, as one process batches it) are cut into contiguous runs,
/// rank r evaluating batches [first, last) = [⌊B r/N⌋, ⌊B (r+1)/N⌋): every
/// sample once, the ranks' loads within one batch of each other. Each rank
/// runs exactly the batches one process would, so each batch's loss and
/// outputs are those of one process; the exchange copies them (a sum with
/// zeros, and an allgather), never recomputes them, and every rank then
/// accumulates the loss and updates the metrics batch by batch in the order of
/// one process: the Logs are one process's, whatever the metric (AUC and the
/// confusion matrix included), and the same bytes on every rank.
class EvalShare {
 public:
  /// One process (no communicator, or one rank): every batch.
  EvalShare(const std::optional<distributed::Communicator>& comm, std::int64_t batches);

  /// True when the batches are shared among several ranks.
  bool sharded() const { return comm_.has_value(); }
  std::int64_t first() const { return first_; }
  std::int64_t last() const { return last_; }

  /// `values` [batches] holds this rank's batches' values (zero elsewhere);
  /// returns every batch's value, the same bytes on every rank.
  std::vector<double> share(std::vector<double> values) const;
  /// `outputs`: this rank's batches' outputs in order (possibly none). Returns
  /// the outputs of every batch, [n, ...], in the order of the data set, the
  /// same bytes on every rank. Throws nabla::Error when the ranks' outputs
  /// differ in dtype or per-sample shape.
  Tensor gather(const std::vector<Tensor>& outputs) const;

 private:
  std::optional<distributed::Communicator> comm_;
  std::int64_t first_ = 0;
  std::int64_t last_ = 0;
};

}  // namespace nabla::train::detail
