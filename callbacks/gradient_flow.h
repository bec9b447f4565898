// GradientFlow: records the per-layer diagnostics of nn/layer_stats.h during
// fit — gradient norm, weight norm, update-to-weight ratio, activation mean
// and spread, dead ReLU units, saturated sigmoid/tanh units — once per epoch
// or every N batches, keeps them, and optionally writes them to a CSV file
// and prints them as a table. plot::plot_layer_stats draws them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "callbacks/callback.h"
#include "nn/layer_stats.h"

namespace nabla::callbacks {

struct GradientFlowOptions {
  /// Record every N batches (counted over the whole run, from the first);
  /// 0: once per epoch, at its last batch.
  std::int64_t every_n_batches = 0;
  /// When set, each record's rows are appended to this CSV file (header
  /// "epoch,batch,layer,kind,grad_norm,..."; the file is replaced at the
  /// start of training).
  std::filesystem::path csv_path = {};
  /// Print each record as a table (nn::print_layer_stats) to stdout.
  bool print = false;
};

/// One measurement: the batch's gradients and the weights before its step
/// (accumulated over the group with gradient accumulation, before fit
/// clips them), the step's update ratio, the batch's activations.
struct GradientFlowRecord {
  std::int64_t epoch = 0;
  std::int64_t batch = 0;
  std::vector<nn::LayerStats> layers;
};

class GradientFlow : public Callback {
 public:
  /// Throws nabla::Error naming "GradientFlow" for every_n_batches < 0.
  explicit GradientFlow(GradientFlowOptions options = {});

  /// Attaches the probe to the model (forward hooks) and opens the CSV file.
  void on_train_begin(TrainContext& context) override;
  void on_epoch_begin(TrainContext& context, std::int64_t epoch) override;
  void on_batch_begin(TrainContext& context, std::int64_t batch) override;
  void on_before_step(TrainContext& context, std::int64_t batch) override;
  void on_batch_end(TrainContext& context, std::int64_t batch, const metrics::Logs& logs) override;
  /// Removes the hooks and closes the file.
  void on_train_end(TrainContext& context, const metrics::Logs& logs) override;

  const std::vector<GradientFlowRecord>& records() const { return records_; }

 private:
  GradientFlowOptions options_;
  std::unique_ptr<nn::LayerStatsProbe> probe_;
  std::ofstream csv_;
  std::vector<GradientFlowRecord> records_;
  std::int64_t epoch_ = 0;
  std::int64_t batches_seen_ = 0;
  // A record is wanted from this batch on, until a step has been measured.
  bool pending_ = false;
  bool measured_ = false;
  std::vector<nn::LayerStats> before_step_;
};

}  // namespace nabla::callbacks
