// fit / evaluate / predict: the Keras-style training loop over nn Modules,
// optim Optimizers and data Datasets.
//
//   auto history = train::fit(model, nn::CrossEntropyLoss{}, adam, train_set,
//                             {.epochs = 20, .batch_size = 128, .validation_split = 0.1,
//                              .metrics = {"accuracy"},
//                              .callbacks = {std::make_shared<callbacks::EarlyStopping>()}});
#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "autograd/variable.h"
#include "callbacks/callback.h"
#include "data/dataset.h"
#include "distributed/communicator.h"
#include "metrics/history.h"
#include "metrics/logs.h"
#include "metrics/metric.h"

namespace nabla::nn {
class Module;
}
namespace nabla::optim {
class Optimizer;
}

namespace nabla::train {

/// A loss: the model's outputs and the batch's targets to a scalar Variable.
/// Every nn loss function object (nn::CrossEntropyLoss{}, nn::MSELoss{}, ...)
/// converts to it.
using LossFunction = std::function<Variable(const Variable& outputs, const Tensor& targets)>;

/// A metric given by name ("accuracy", "mae", ...; see metrics::make_metric in
/// metrics/make_metric.h) or as an object (`metrics::F1Score{{.average = ...}}`).
class MetricSpec {
 public:
  /// Throws nabla::Error listing the known names for an unknown name.
  MetricSpec(const char* name);  // NOLINT: implicit, so {"accuracy"} reads as in Keras
  MetricSpec(std::string name);  // NOLINT
  MetricSpec(std::shared_ptr<const metrics::Metric> metric);  // NOLINT
  template <std::derived_from<metrics::Metric> M>
  MetricSpec(M metric)  // NOLINT
      : metric_(std::make_shared<M>(std::move(metric))) {}

  /// A fresh metric object.
  std::unique_ptr<metrics::Metric> make() const { return metric_->clone(); }

 private:
  std::shared_ptr<const metrics::Metric> metric_;
};

struct FitOptions {
  /// fit runs epochs initial_epoch .. epochs-1.
  std::int64_t epochs = 1;
  /// Samples per gradient step: 1 online, the dataset size full-batch.
  std::int64_t batch_size = 32;
  /// Visit the training samples in a new order each epoch.
  bool shuffle = true;
  /// The seed of the shuffling (epoch e's order depends only on seed and e).
  std::uint64_t seed = 0;
  /// Validation data evaluated after each epoch (its own results are logged
  /// with the prefix "val_"). Must outlive the call.
  const data::Dataset* validation_data = nullptr;
  /// Without validation_data: the fraction of the training set, taken from its
  /// end before any shuffling (as Keras), held out for validation.
  double validation_split = 0.0;
  std::vector<MetricSpec> metrics = {};
  std::vector<std::shared_ptr<callbacks::Callback>> callbacks = {};
  /// 0 silent, 1 a progress bar (one line per epoch when the output is not a
  /// terminal), 2 one line per epoch.
  int verbose = 1;
  /// The first epoch to run (resuming from a checkpoint).
  std::int64_t initial_epoch = 0;
  /// Before each optimizer step, scale the gradients so that their total
  /// 2-norm is at most this (optim::clip_grad_norm_); 0 leaves them.
  double clip_grad_norm = 0.0;
  /// Before each optimizer step, clamp every gradient element into
  /// [−clip_grad_value, clip_grad_value] (optim::clip_grad_value_; applied
  /// before clip_grad_norm when both are set); 0 leaves them.
  double clip_grad_value = 0.0;
  /// Accumulate the gradients of this many consecutive batches before one
  /// optimizer step (the last group of an epoch may be shorter). Each batch's
  /// loss is weighted by its share of the group's samples, so k batches of b
  /// samples step exactly as one batch of k·b samples would.
  std::int64_t accumulate_grad_batches = 1;
  /// Weights per class (i64 label c weighs class_weight[c]) for unbalanced
  /// data, as Keras's class_weight. Needs i64 class labels [n] as targets.
  std::vector<double> class_weight = {};
  /// Weights per training sample [n] (floating), as Keras's sample_weight;
  /// multiplied with class_weight when both are given.
  Tensor sample_weight = {};
  /// The number of threads nabla's kernels use during fit (see
  /// set_num_threads); the previous count is restored when fit returns or
  /// throws. 0 keeps the current count.
  int threads = 0;
  /// Data-parallel training (docs/distributed.md): every rank of the
  /// communicator calls fit with the same model architecture, options and
  /// data set. Each trains on its shard of every epoch (batch_size samples per
  /// rank and step), gradients are averaged across ranks during backward
  /// (distributed::DataParallel, which starts from rank 0's weights), the
  /// epoch's loss and metrics are averaged over the ranks (so callbacks decide
  /// the same everywhere), the validation data are shared among the ranks as
  /// evaluate shares them (exact, the same Logs on every rank), and only
  /// rank 0 prints. Callbacks that write files
  /// belong on rank 0 only (distributed::on_rank_zero). Unset: one process.
  std::optional<distributed::Communicator> communicator = std::nullopt;
};

/// Trains `model` on `train_data`: per batch, forward, loss (plus the model's
/// regularization penalties), backward, [on_after_backward], and after every
/// accumulate_grad_batches batches [on_before_step], clipping, optimizer step.
/// Batches are fed in the dtype of the model's parameters. The loss may
/// return a scalar or one value per sample ([b] or [b, ...], e.g. a loss with
/// Reduction::none), which fit averages per sample and then over the batch;
/// with class or sample weights it must return per-sample values, and the
/// batch loss is Σ wᵢ ℓᵢ / b (Keras's sum over batch size). The logged "loss"
/// is the mean over the epoch's samples of the loss including the penalties
/// (as Keras). Returns the History of the epochs run. Throws nabla::Error for
/// invalid options (epochs < 0, batch_size < 1, validation_split outside
/// [0, 1), a training or validation set left empty, threads < 0, negative or
/// NaN clipping thresholds, accumulate_grad_batches < 1, negative weights,
/// sample_weight not [n], a label without a class weight, weights with a
/// scalar loss).
metrics::History fit(nn::Module& model,
                     const LossFunction& loss,
                     optim::Optimizer& optimizer,
                     const data::Dataset& train_data,
                     const FitOptions& options = {});

struct EvaluateOptions {
  std::int64_t batch_size = 256;
  std::vector<MetricSpec> metrics = {};
  /// 0 silent, otherwise one line with the results (on rank 0 only).
  int verbose = 0;
  /// Evaluation on several ranks (docs/distributed.md): every rank of the
  /// communicator calls evaluate with the same model, data set and options;
  /// each evaluates a disjoint run of the batches one process would, and every
  /// rank returns the Logs of one process evaluating the whole data set (the
  /// same batches' values, combined in the same order; any metric). With
  /// metrics, every rank receives the outputs of the whole data set. Unset:
  /// one process.
  std::optional<distributed::Communicator> communicator = std::nullopt;
};

/// The loss (mean over the samples, plus the model's regularization penalties,
/// as Keras reports it) and the metrics of `model` on `data`, in evaluation
/// mode without recording a graph; the model's mode is restored afterwards.
/// Keys: "loss" and each metric's name. With a communicator, the data set is
/// shared among the ranks and the result is the same on every rank.
metrics::Logs evaluate(nn::Module& model,
                       const LossFunction& loss,
                       const data::Dataset& data,
                       const EvaluateOptions& options = {});

/// The model's outputs for every input of `data` (or of `inputs`), in
/// evaluation mode (restored afterwards), in batches of `batch_size`, without
/// recording a graph.
Tensor predict(nn::Module& model, const data::Dataset& data, std::int64_t batch_size = 256);
Tensor predict(nn::Module& model, const Tensor& inputs, std::int64_t batch_size = 256);

/// Class labels [n] (i64): the argmax of each output row, or for one output
/// per sample (shape [n] or [n, 1]) whether it exceeds `threshold` (0.5 for
/// probabilities; pass 0 for logits).
Tensor predict_classes(nn::Module& model,
                       const data::Dataset& data,
                       double threshold = 0.5,
                       std::int64_t batch_size = 256);
Tensor predict_classes(nn::Module& model,
                       const Tensor& inputs,
                       double threshold = 0.5,
                       std::int64_t batch_size = 256);

}  // namespace nabla::train
