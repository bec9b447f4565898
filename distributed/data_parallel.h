// DataParallel: one model replicated on every rank, each rank training on its
// own shard of every batch, the gradients averaged across ranks during
// backward. The model stays the program's own nn::Module (same parameter
// names, same optimizer, same checkpoints); DataParallel attaches to it:
//
//   auto comm = distributed::Communicator::world();
//   distributed::DataParallel dp(model, comm);   // rank 0's weights everywhere
//   optim::SGD sgd(model.parameters(), {.lr = 0.1});
//   sgd.zero_grad();
//   Variable loss = nn::CrossEntropyLoss{}(dp(x), y);   // x: this rank's shard
//   loss.backward();   // buckets averaged while backward runs
//   dp.finish();       // waits for the last bucket
//   sgd.step();        // the same step on every rank
//
// How: the trainable parameters are grouped into buckets in reverse
// registration order (the order backward reaches them), the first one small
// so that communication starts early, the others up to bucket_bytes. A hook
// runs on each parameter once backward has accumulated its gradient
// (Variable::register_post_accumulate_hook); when every gradient of a bucket
// is in, the bucket is flattened and its non-blocking, deterministic mean
// across ranks (Communicator::iallreduce_) starts while backward goes on with
// the layers below. Buckets start in index order on every rank. When the last
// one has started, the hook waits for all of them and writes the means back
// into the gradients: after backward, every rank holds the same bytes.
//
// BatchNorm: each rank normalises with its own shard's statistics, and the
// running statistics (buffers) of rank 0 are broadcast before every forward
// in training mode, so every rank evaluates with the same ones (PyTorch's
// broadcast_buffers); SyncBatchNorm (sync_batch_norm.h) normalises with the
// whole batch's statistics instead. Dropout: a Dropout with its own seed
// draws on rank r from rank_seed(seed, r), so ranks drop different units
// (rank 0 keeps the seed: one rank trains as without DataParallel).
// docs/distributed.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "autograd/variable.h"
#include "distributed/communicator.h"
#include "tensor/error.h"

namespace nabla::nn {
class Module;
}

namespace nabla::distributed {

struct DataParallelOptions {
  /// The size of the first bucket (the last layers' gradients): small, so
  /// that the first reduction starts early in backward. PyTorch: 1 MiB.
  std::int64_t first_bucket_bytes = std::int64_t{1} << 20;
  /// The size cap of the other buckets. PyTorch: 25 MiB. A parameter larger
  /// than the cap gets a bucket of its own.
  std::int64_t bucket_bytes = std::int64_t{25} << 20;
  /// Broadcast rank 0's buffers (BatchNorm's running statistics) before every
  /// forward in training mode.
  bool broadcast_buffers = true;
  /// Re-seed every seeded Dropout (every Module::named_generators) of rank
  /// r > 0 with rank_seed(seed, r), at the same stream position, so that
  /// ranks draw different masks. (A second DataParallel on the same model
  /// re-seeds again: still one stream per rank, another one.)
  bool per_rank_generators = true;
};

/// The seed rank `rank` uses in place of `seed`: `seed` itself on rank 0,
/// an unrelated stream on the others.
std::uint64_t rank_seed(std::uint64_t seed, int rank);

class DataParallel {
 public:
  /// Broadcasts rank 0's parameters and buffers to every rank, re-seeds the
  /// model's generators (per_rank_generators), builds the buckets and
  /// registers a hook on every trainable parameter. Every rank must pass the
  /// same architecture. Throws nabla::Error for bucket sizes < 1.
  DataParallel(nn::Module& model, Communicator comm, DataParallelOptions options = {});
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  /// Broadcasts the buffers (training mode, broadcast_buffers), then calls
  /// model(x). Throws nabla::Error when the previous backward left buckets
  /// unreduced (parameters it did not reach) and finish() was not called.
  Variable operator()(const Variable& x, SourceLocation where = SourceLocation::current());

  /// Completes the reduction of the last backward: starts the buckets whose
  /// gradients were not all reached (their missing gradients count as zero)
  /// and waits for every bucket. Does nothing when backward completed it
  /// already. Call it before optimizer.step() when a backward may leave
  /// parameters unused; fit always does.
  void finish();

  /// While a NoSync guard lives, backward only accumulates gradients locally
  /// (gradient accumulation); the first backward after it reduces the sum.
  class NoSync {
   public:
    explicit NoSync(DataParallel& dp) : dp_(&dp) { ++dp_->no_sync_depth_; }
    ~NoSync() { --dp_->no_sync_depth_; }
    NoSync(const NoSync&) = delete;
    NoSync& operator=(const NoSync&) = delete;

   private:
    DataParallel* dp_;
  };
  [[nodiscard]] NoSync no_sync() { return NoSync(*this); }

  /// Copies rank 0's buffers into every rank's.
  void broadcast_buffers();

  /// The trainable parameters (registration order) and, per bucket, the
  /// indices into them, in the order buckets are launched.
  const std::vector<Variable>& parameters() const { return parameters_; }
  const std::vector<std::vector<std::size_t>>& buckets() const { return buckets_; }
  /// The buckets in the order the last reduction launched them.
  const std::vector<std::size_t>& launch_order() const { return launch_order_; }

  nn::Module& module() { return model_; }
  const Communicator& communicator() const { return comm_; }

 private:
  void on_gradient(std::size_t parameter);
  void launch(std::size_t bucket);
  void complete_round();

  nn::Module& model_;
  Communicator comm_;
  DataParallelOptions options_;
  std::vector<Variable> parameters_;
  std::vector<int> hook_ids_;
  std::vector<std::vector<std::size_t>> buckets_;
  std::vector<std::size_t> bucket_of_;
  // The reduction under way: whether one started, which gradients are in,
  // each bucket's missing count, its flat buffer and its Work.
  bool round_active_ = false;
  std::vector<char> ready_;
  std::vector<std::size_t> missing_;
  std::size_t next_launch_ = 0;
  std::vector<Tensor> flat_;
  std::vector<Work> work_;
  std::vector<std::size_t> launch_order_;
  int no_sync_depth_ = 0;
};

}  // namespace nabla::distributed
