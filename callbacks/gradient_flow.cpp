#include "callbacks/gradient_flow.h"

#include <iostream>

#include "tensor/error.h"

namespace nabla::callbacks {

GradientFlow::GradientFlow(GradientFlowOptions options) : options_(std::move(options)) {
  NABLA_CHECK(options_.every_n_batches >= 0, "GradientFlow",
              "every_n_batches must be >= 0 (0: once per epoch), got ", options_.every_n_batches);
}

void GradientFlow::on_train_begin(TrainContext& context) {
  probe_ = std::make_unique<nn::LayerStatsProbe>(context.model);
  records_.clear();
  batches_seen_ = 0;
  pending_ = false;
  if (!options_.csv_path.empty()) {
    if (options_.csv_path.has_parent_path()) {
      std::filesystem::create_directories(options_.csv_path.parent_path());
    }
    csv_.open(options_.csv_path, std::ios::out | std::ios::trunc);
    NABLA_CHECK(csv_.is_open(), "GradientFlow", "cannot open ", options_.csv_path);
    csv_ << "epoch,batch," << nn::layer_stats_csv_header() << '\n';
  }
}

void GradientFlow::on_epoch_begin(TrainContext&, std::int64_t epoch) {
  epoch_ = epoch;
}

void GradientFlow::on_batch_begin(TrainContext& context, std::int64_t batch) {
  const bool due = options_.every_n_batches > 0 ? batches_seen_ % options_.every_n_batches == 0
                                                : batch == context.steps_per_epoch - 1;
  ++batches_seen_;
  pending_ = pending_ || due;
  measured_ = false;
  probe_->arm(pending_);
}

void GradientFlow::on_before_step(TrainContext&, std::int64_t) {
  if (!pending_) return;
  before_step_ = probe_->stats();
  probe_->snapshot_weights();
  measured_ = true;
}

void GradientFlow::on_batch_end(TrainContext&, std::int64_t batch, const metrics::Logs&) {
  probe_->arm(false);
  if (!measured_) return;
  const std::vector<nn::LayerStats> after = probe_->stats();
  GradientFlowRecord record{.epoch = epoch_, .batch = batch, .layers = std::move(before_step_)};
  for (std::size_t i = 0; i < record.layers.size(); ++i) {
    record.layers[i].update_ratio = after[i].update_ratio;
  }
  if (csv_.is_open()) {
    const std::string prefix = std::to_string(epoch_) + "," + std::to_string(batch) + ",";
    const std::string rows = nn::layer_stats_csv(record.layers);
    std::size_t begin = 0;
    while (begin < rows.size()) {
      const std::size_t end = rows.find('\n', begin);
      csv_ << prefix << rows.substr(begin, end - begin + 1);
      begin = end + 1;
    }
    csv_.flush();
    NABLA_CHECK(csv_.good(), "GradientFlow", "cannot write ", options_.csv_path);
  }
  if (options_.print) {
    std::cout << "gradient flow, epoch " << epoch_ + 1 << ", batch " << batch + 1 << ":\n";
    nn::print_layer_stats(std::cout, record.layers);
  }
  records_.push_back(std::move(record));
  pending_ = false;
  measured_ = false;
}

void GradientFlow::on_train_end(TrainContext&, const metrics::Logs&) {
  probe_.reset();
  if (csv_.is_open()) csv_.close();
}

}  // namespace nabla::callbacks
