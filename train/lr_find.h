// The learning-rate range test (Smith, "Cyclical learning rates for training
// neural networks", 2017; fastai's lr_find): train for a few hundred batches
// while the learning rate grows exponentially from start_lr to end_lr, record
// the loss of each batch and its smoothed value, and suggest a learning rate
// from the curve. The model, the optimizer and the default random generator
// are restored afterwards, so the test leaves no trace on the training that
// follows.
//
//   auto result = train::lr_find(model, nn::CrossEntropyLoss{}, sgd, train_set);
//   sgd.set_lr(result.suggested_lr);
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"
#include "train/fit.h"

namespace nabla::train {

struct LrFindOptions {
  /// The learning rate of the first batch.
  double start_lr = 1e-7;
  /// The learning rate of the last batch: batch i of num_steps uses
  /// start_lr · (end_lr / start_lr)^(i / (num_steps − 1)).
  double end_lr = 10.0;
  /// Batches in the sweep (the data are cycled through as often as needed).
  std::int64_t num_steps = 100;
  std::int64_t batch_size = 32;
  bool shuffle = true;
  std::uint64_t seed = 0;
  /// β of the smoothing: s_i = β s_{i−1} + (1 − β) loss_i, reported
  /// bias-corrected as s_i / (1 − β^(i+1)). 0 reports the raw losses.
  double smoothing = 0.98;
  /// Stop early once the smoothed loss exceeds this multiple of its minimum
  /// (the loss diverged), or on a loss that is not finite. 0 never stops early.
  double divergence = 4.0;
};

/// The recorded sweep, one entry per batch run.
struct LrFindResult {
  std::vector<double> lrs;
  std::vector<double> losses;
  /// The bias-corrected exponential moving average of losses.
  std::vector<double> smoothed;
  /// The lr at the steepest descent of the smoothed loss: the minimum of
  /// d(smoothed)/d(log lr) (central differences over ±max(1, n/20) points)
  /// over the points before the minimum of the smoothed loss, leaving out the
  /// first tenth of the sweep where the average is still warming up.
  double suggested_lr = 0.0;
  /// The lr where the smoothed loss is lowest; a tenth of it is the other
  /// common rule ("min/10").
  double min_loss_lr = 0.0;
  /// True when the sweep stopped before num_steps because the loss diverged.
  bool diverged = false;
};

/// Runs the range test on `model` with `optimizer` (its lr is set per batch)
/// over `train_data`, then restores the model's state_dict, its training
/// mode, the optimizer's state_dict (lr, step count and per-parameter state
/// exactly) and the default generator. Throws nabla::Error naming "lr_find"
/// for start_lr <= 0, end_lr <= start_lr, num_steps < 3, batch_size < 1,
/// smoothing outside [0, 1), divergence < 0 (0 is off) or 0 < divergence <= 1,
/// an empty data set, and rethrows what training throws (after restoring).
LrFindResult lr_find(nn::Module& model,
                     const LossFunction& loss,
                     optim::Optimizer& optimizer,
                     const data::Dataset& train_data,
                     const LrFindOptions& options = {});

/// The steepest-descent rule of LrFindResult::suggested_lr applied to a
/// curve (lrs increasing, smoothed losses of the same length >= 3). Throws
/// nabla::Error naming "suggest_lr" for lengths that differ or are below 3.
double suggest_lr(const std::vector<double>& lrs, const std::vector<double>& smoothed);

}  // namespace nabla::train
