// SyncBatchNorm: batch normalization whose batch statistics are those of the
// global batch, every rank's shard together (PyTorch's SyncBatchNorm), for
// data-parallel training with small per-rank batches, where each rank's own
// statistics would be noisy. Training on N ranks with shards b₁ … b_N then
// normalizes, and differentiates, as BatchNorm1d on the concatenated batch.
//
//   nn::Sequential model(nn::Linear(784, 256), distributed::SyncBatchNorm(256, comm),
//                        nn::ReLU(), nn::Linear(256, 10));
//   distributed::DataParallel dp(model, comm);
//
// How: per channel, the sums Σx and Σ(x − μ)² over every rank's values come
// from all_sum, a differentiable allreduce (deterministic: the same bytes on
// every rank, so the running statistics stay identical without a broadcast).
// Its backward is an allreduce of the gradients, so autograd yields the exact
// gradient of the sum of the ranks' losses; DataParallel's mean over the
// ranks then gives that of their mean. Each training forward runs three
// collectives (the count, Σx, Σ(x − μ)²) and its backward two, in the same
// order on every rank. In evaluation the running statistics are used, with
// no communication.
#pragma once

#include <cstdint>
#include <string>

#include "autograd/variable.h"
#include "distributed/communicator.h"
#include "nn/batch_norm.h"
#include "nn/module.h"

namespace nabla::distributed {

/// The elementwise sum over the ranks of `x` (every rank passes the same shape
/// and dtype, f32 or f64), differentiable: every rank's output depends on
/// every rank's input, so the gradient of rank q's input is the sum over the
/// ranks of the output's gradients, ∂(Σ_r L_r)/∂x_q = Σ_r ∂L_r/∂y. Every rank
/// must run the backward too (it is an allreduce).
Variable all_sum(const Variable& x, const Communicator& comm);

/// BatchNorm1d (same options, parameters and buffers, [N, C] or [N, C, L]
/// inputs) over the global batch of the ranks of `comm`. The shards may differ
/// in size; every rank must call forward (in training) and backward the same
/// number of times.
class SyncBatchNorm : public nn::Module {
 public:
  /// Throws nabla::Error as BatchNorm1d.
  SyncBatchNorm(std::int64_t num_features, Communicator comm, nn::BatchNormOptions options = {});

  /// The normalized x. Throws nabla::Error as BatchNorm1d; the check of more
  /// than one value per channel counts the values of every rank.
  Variable forward(const Variable& x) override;
  std::string extra_repr() const override;

  std::int64_t num_features() const { return num_features_; }
  const Communicator& communicator() const { return comm_; }

  Variable weight;
  Variable bias;
  Variable running_mean;
  Variable running_var;

 private:
  std::int64_t num_features_;
  Communicator comm_;
  nn::BatchNormOptions options_;
};

}  // namespace nabla::distributed
