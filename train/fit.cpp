#include "train/fit.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <optional>
#include <span>
#include <utility>

#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "autograd/reduce.h"
#include "autograd/shape_ops.h"
#include "callbacks/progress_bar.h"
#include "data/data_loader.h"
#include "data/split.h"
#include "metrics/make_metric.h"
#include "nn/mode_guard.h"
#include "nn/module.h"
#include "optim/clip.h"
#include "optim/optimizer.h"
#include "tensor/elementwise.h"
#include "tensor/error.h"
#include "tensor/factory.h"
#include "tensor/parallel.h"
#include "tensor/reduce.h"
#include "tensor/shape_ops.h"
#include "train/rank_share.h"

namespace nabla::train {

using callbacks::Callback;
using callbacks::ProgressBar;
using callbacks::TrainContext;
using metrics::History;
using metrics::Logs;
using metrics::Metric;

MetricSpec::MetricSpec(const char* name) : MetricSpec(std::string(name)) {}

MetricSpec::MetricSpec(std::string name) : metric_(metrics::make_metric(name)) {}

MetricSpec::MetricSpec(std::shared_ptr<const Metric> metric) : metric_(std::move(metric)) {
  NABLA_CHECK(metric_ != nullptr, "MetricSpec", "the metric is null");
}

namespace {

std::vector<std::unique_ptr<Metric>> make_metrics(const std::vector<MetricSpec>& specs) {
  std::vector<std::unique_ptr<Metric>> metrics;
  metrics.reserve(specs.size());
  for (const MetricSpec& spec : specs) metrics.push_back(spec.make());
  return metrics;
}

// The sample-weighted running mean of the loss, as Keras's loss tracker.
class MeanTracker {
 public:
  void add(double value, std::int64_t count) {
    sum_ += value * static_cast<double>(count);
    count_ += count;
  }
  double mean() const { return count_ == 0 ? std::nan("") : sum_ / static_cast<double>(count_); }

 private:
  double sum_ = 0;
  std::int64_t count_ = 0;
};

// The loss of one batch: the loss function's scalar, or the mean (weighted:
// Σ wᵢ ℓᵢ / b) of its per-sample values, plus the model's penalties
// (parameter and activity). `weights` is [b] or undefined.
Variable total_loss(nn::Module& model,
                    const LossFunction& loss,
                    const Variable& outputs,
                    const Tensor& targets,
                    const Tensor& weights = Tensor()) {
  Variable value = loss(outputs, targets);
  NABLA_CHECK(value.defined(), "fit", "the loss returned an undefined Variable");
  const std::int64_t rows = targets.dim() >= 1 ? targets.size(0) : 1;
  const Tensor& v = value.value();
  const bool scalar = v.dim() == 0 || (v.numel() == 1 && rows != 1);
  if (scalar) {
    NABLA_CHECK(!weights.defined(), "fit",
                "class_weight and sample_weight need a loss returning one value per sample "
                "(Reduction::none), got a scalar");
  } else {
    NABLA_CHECK(v.size(0) == rows, "fit", "the loss must return a scalar or one value per sample [",
                rows, ", ...], got shape ", v.shape());
    const Variable per_sample = v.dim() == 1 ? value : mean(reshape(value, {rows, -1}), {1});
    value = weights.defined() ? sum(per_sample * Variable(weights)) / static_cast<double>(rows)
                              : mean(per_sample);
  }
  if (model.has_regularization()) value = value + model.regularization_loss();
  return value;
}

// The weights of the first `rows` rows (the training part) of the n samples
// from sample_weight (f64, or empty when there is none), checked.
std::vector<double> row_weights(const FitOptions& options, std::int64_t n, std::int64_t rows) {
  for (std::size_t c = 0; c < options.class_weight.size(); ++c) {
    const double w = options.class_weight[c];
    NABLA_CHECK(w >= 0 && std::isfinite(w), "fit", "class_weight[", c,
                "] must be finite and >= 0, got ", w);
  }
  if (!options.sample_weight.defined()) return {};
  const Tensor& w = options.sample_weight;
  NABLA_CHECK(is_floating(w.dtype()) && w.dim() == 1 && w.size(0) == n, "fit",
              "sample_weight must be floating [", n, "] (one weight per training sample), got ",
              w.dtype(), " ", w.shape());
  std::vector<double> values = w.contiguous().to(DType::f64).to_vector<double>();
  for (std::size_t i = 0; i < values.size(); ++i) {
    NABLA_CHECK(values[i] >= 0 && std::isfinite(values[i]), "fit", "sample_weight[", i,
                "] must be finite and >= 0, got ", values[i]);
  }
  values.resize(static_cast<std::size_t>(rows));
  return values;
}

// The weights [b] of the batch with labels `targets` whose training rows are
// `rows` (used only with sample weights), in `dtype`; undefined without weights.
Tensor batch_weights(const FitOptions& options,
                     const std::vector<double>& row_weight,
                     std::span<const std::int64_t> rows,
                     const Tensor& targets,
                     DType dtype) {
  if (row_weight.empty() && options.class_weight.empty()) return Tensor();
  std::vector<double> w(static_cast<std::size_t>(targets.size(0)), 1.0);
  if (!row_weight.empty()) {
    for (std::size_t i = 0; i < rows.size(); ++i) w[i] = row_weight[rows[i]];
  }
  if (!options.class_weight.empty()) {
    NABLA_CHECK(targets.dtype() == DType::i64 && targets.dim() == 1, "fit",
                "class_weight needs i64 class labels [n] as targets, got ", targets.dtype(), " ",
                targets.shape());
    const std::vector<std::int64_t> labels = targets.contiguous().to_vector<std::int64_t>();
    const auto classes = static_cast<std::int64_t>(options.class_weight.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
      NABLA_CHECK(labels[i] >= 0 && labels[i] < classes, "fit", "label ", labels[i],
                  " has no class_weight (", classes, " given)");
      w[i] *= options.class_weight[static_cast<std::size_t>(labels[i])];
    }
  }
  return from_vector(w, {static_cast<std::int64_t>(w.size())}).to(dtype);
}

void log_metrics(Logs& logs,
                 const std::vector<std::unique_ptr<Metric>>& metrics,
                 const std::string& prefix) {
  for (const auto& metric : metrics) logs.set(prefix + metric->name(), metric->result());
}

void check_batch_size(std::int64_t batch_size, const char* op) {
  NABLA_CHECK(batch_size >= 1, op, "batch_size must be >= 1, got ", batch_size);
}

// Loss and metrics over `data` in evaluation mode (no graph); with several
// ranks, each evaluates its run of batches and every rank combines them
// (NOTE [ Sharded evaluation ] in rank_share.h).
Logs evaluate_impl(nn::Module& model,
                   const LossFunction& loss,
                   const data::Dataset& data,
                   std::int64_t batch_size,
                   std::vector<std::unique_ptr<Metric>>& metrics,
                   const std::string& prefix,
                   const std::optional<distributed::Communicator>& comm) {
  nn::TrainingModeGuard mode(model, false);
  NoGradGuard no_grad;
  for (auto& metric : metrics) metric->reset();
  const DType dtype = nn::parameter_dtype(model);
  const std::int64_t n = data.size();
  const std::int64_t batches = (n + batch_size - 1) / batch_size;
  const auto rows_of = [&](std::int64_t j) {
    return std::min(n, (j + 1) * batch_size) - j * batch_size;
  };
  const detail::EvalShare share(comm, batches);
  std::vector<double> batch_loss(static_cast<std::size_t>(batches), 0.0);
  std::vector<Tensor> outputs;  // of this rank's batches, when sharded
  std::vector<std::int64_t> rows;
  for (std::int64_t j = share.first(); j < share.last(); ++j) {
    rows.resize(static_cast<std::size_t>(rows_of(j)));
    for (std::size_t i = 0; i < rows.size(); ++i)
      rows[i] = j * batch_size + static_cast<std::int64_t>(i);
    const data::Batch batch = data.batch(rows, dtype);
    const Variable out = model(Variable(batch.inputs));
    batch_loss[static_cast<std::size_t>(j)] =
        total_loss(model, loss, out, batch.targets).item<double>();
    if (metrics.empty()) continue;
    if (share.sharded()) {
      outputs.push_back(out.value());
    } else {
      for (auto& metric : metrics) metric->update(out.value(), batch.targets);
    }
  }
  batch_loss = share.share(std::move(batch_loss));
  if (share.sharded() && !metrics.empty()) {
    // Every batch's outputs, updated into the metrics as one process would.
    const Tensor all = share.gather(outputs);
    for (std::int64_t j = 0; j < batches; ++j) {
      const Tensor out = narrow(all, 0, j * batch_size, rows_of(j));
      const Tensor targets = narrow(data.targets(), 0, j * batch_size, rows_of(j));
      for (auto& metric : metrics) metric->update(out, targets);
    }
  }
  MeanTracker loss_mean;
  for (std::int64_t j = 0; j < batches; ++j)
    loss_mean.add(batch_loss[static_cast<std::size_t>(j)], rows_of(j));
  Logs logs;
  logs.set(prefix + "loss", loss_mean.mean());
  log_metrics(logs, metrics, prefix);
  return logs;
}

}  // namespace

History fit(nn::Module& model,
            const LossFunction& loss,
            optim::Optimizer& optimizer,
            const data::Dataset& train_data,
            const FitOptions& options) {
  NABLA_CHECK(static_cast<bool>(loss), "fit", "the loss function is empty");
  NABLA_CHECK(options.epochs >= 0, "fit", "epochs must be >= 0, got ", options.epochs);
  NABLA_CHECK(options.initial_epoch >= 0, "fit", "initial_epoch must be >= 0, got ",
              options.initial_epoch);
  check_batch_size(options.batch_size, "fit");
  NABLA_CHECK(options.validation_split >= 0 && options.validation_split < 1, "fit",
              "validation_split must be in [0, 1), got ", options.validation_split);
  NABLA_CHECK(!train_data.empty(), "fit", "the training set is empty");

  NABLA_CHECK(options.clip_grad_norm >= 0, "fit", "clip_grad_norm must be >= 0 (0: off), got ",
              options.clip_grad_norm);
  NABLA_CHECK(options.clip_grad_value >= 0, "fit", "clip_grad_value must be >= 0 (0: off), got ",
              options.clip_grad_value);
  NABLA_CHECK(options.accumulate_grad_batches >= 1, "fit",
              "accumulate_grad_batches must be >= 1, got ", options.accumulate_grad_batches);
  NABLA_CHECK(options.threads >= 0, "fit", "threads must be >= 0 (0 keeps the current count), got ",
              options.threads);
  const ThreadCountGuard thread_count(options.threads);

  // Keras's validation_split: the last fraction of the samples, before shuffling.
  const data::Dataset* train_set = &train_data;
  const data::Dataset* validation_set = options.validation_data;
  data::TrainTestSplit split;
  if (validation_set == nullptr && options.validation_split > 0) {
    try {
      split =
          data::train_test_split(train_data, options.validation_split,
                                 {.shuffle = false, .rounding = data::SplitRounding::train_down});
    } catch (const Error& e) {
      // fractions in (0, 1) are checked above: only an empty part is left.
      nabla::detail::throw_error("fit", "validation_split ", options.validation_split, " of ",
                                 train_data.size(), " samples leaves an empty set (", e.what(),
                                 ")");
    }
    train_set = &split.train;
    validation_set = &split.test;
  }
  NABLA_CHECK(validation_set == nullptr || !validation_set->empty(), "fit",
              "the validation set is empty");

  NABLA_CHECK(!options.communicator || !options.sample_weight.defined(), "fit",
              "sample_weight cannot be combined with a communicator (each rank draws its own "
              "shard); use class_weight");
  detail::RankShare ranks(options.communicator, model, *train_set,
                          {.batch_size = options.batch_size,
                           .shuffle = options.shuffle,
                           .seed = options.seed,
                           .dtype = nn::parameter_dtype(model)});
  const int verbose = ranks.verbose(options.verbose);
  const std::vector<double> row_weight = row_weights(options, train_data.size(), train_set->size());
  const DType dtype = nn::parameter_dtype(model);
  // Accumulation: batch s belongs to group s / k; each batch's loss is
  // scaled by its share of the group's samples.
  const std::int64_t accumulate = options.accumulate_grad_batches;
  const std::int64_t steps = ranks.steps_per_epoch();
  const std::int64_t rank_samples = ranks.loader(options.initial_epoch).dataset().size();
  const auto group_share = [&](std::int64_t step, std::int64_t batch_size) {
    const std::int64_t first = step / accumulate * accumulate;
    const std::int64_t last = std::min(first + accumulate, steps);
    const std::int64_t samples =
        std::min(last * options.batch_size, rank_samples) - first * options.batch_size;
    return static_cast<double>(batch_size) / static_cast<double>(samples);
  };
  std::vector<std::unique_ptr<Metric>> metrics = make_metrics(options.metrics);
  std::vector<std::unique_ptr<Metric>> val_metrics = make_metrics(options.metrics);

  // The progress bar runs first, so that other callbacks' messages follow its line.
  std::vector<std::shared_ptr<Callback>> callbacks;
  if (verbose > 0) callbacks.push_back(std::make_shared<ProgressBar>());
  for (const auto& callback : options.callbacks) {
    NABLA_CHECK(callback != nullptr, "fit", "a callback is null");
    callbacks.push_back(callback);
  }

  History history;
  TrainContext context{.model = model,
                       .optimizer = optimizer,
                       .history = history,
                       .epochs = options.epochs,
                       .steps_per_epoch = ranks.steps_per_epoch(),
                       .samples = train_set->size(),
                       .verbose = verbose};
  for (auto& callback : callbacks) callback->on_train_begin(context);

  Logs epoch_logs;
  for (std::int64_t epoch = options.initial_epoch; epoch < options.epochs && !context.stop_training;
       ++epoch) {
    model.train();
    data::DataLoader& loader = ranks.loader(epoch);
    for (auto& callback : callbacks) callback->on_epoch_begin(context, epoch);
    for (auto& metric : metrics) metric->reset();
    MeanTracker loss_mean;

    std::vector<std::int64_t> order;
    if (!row_weight.empty()) order = loader.order(epoch);
    std::int64_t step = 0;
    for (const data::Batch& batch : loader) {
      for (auto& callback : callbacks) callback->on_batch_begin(context, step);
      if (step % accumulate == 0) optimizer.zero_grad();
      const std::int64_t rows = batch.targets.size(0);
      std::span<const std::int64_t> batch_rows;
      if (!order.empty()) {
        batch_rows = std::span<const std::int64_t>(order).subspan(
            static_cast<std::size_t>(step * options.batch_size), static_cast<std::size_t>(rows));
      }
      const Tensor weights = batch_weights(options, row_weight, batch_rows, batch.targets, dtype);
      const Variable outputs = ranks.forward(model, Variable(batch.inputs));
      Variable value = total_loss(model, loss, outputs, batch.targets, weights);
      if (accumulate == 1) {
        value.backward();
      } else {
        (value * group_share(step, rows)).backward();
      }
      // The gradients averaged over the ranks (with accumulation, each batch's
      // share: the mean of sums is the sum of means).
      ranks.after_backward();
      for (auto& callback : callbacks) callback->on_after_backward(context, step);
      if ((step + 1) % accumulate == 0 || step + 1 == steps) {
        for (auto& callback : callbacks) callback->on_before_step(context, step);
        if (options.clip_grad_value > 0) {
          optim::clip_grad_value_(optimizer.parameters(), options.clip_grad_value);
        }
        if (options.clip_grad_norm > 0) {
          optim::clip_grad_norm_(optimizer.parameters(), options.clip_grad_norm);
        }
        optimizer.step();
      }

      const std::int64_t batch_size = batch.targets.size(0);
      loss_mean.add(value.item<double>(), batch_size);
      for (auto& metric : metrics) metric->update(outputs.value(), batch.targets);
      Logs batch_logs;
      batch_logs.set("loss", loss_mean.mean());
      log_metrics(batch_logs, metrics, "");
      batch_logs.set("batch_size", static_cast<double>(batch_size));
      for (auto& callback : callbacks) callback->on_batch_end(context, step, batch_logs);
      ++step;
      context.stop_training = ranks.any(context.stop_training);  // every rank or none
      if (context.stop_training) break;
    }

    epoch_logs = Logs();
    epoch_logs.set("loss", loss_mean.mean());
    log_metrics(epoch_logs, metrics, "");
    ranks.end_epoch(epoch_logs);
    if (validation_set != nullptr) {
      // Sharded over the ranks and combined: the same Logs on every rank.
      const Logs val = evaluate_impl(model, loss, *validation_set,
                                     std::max<std::int64_t>(options.batch_size, 256), val_metrics,
                                     "val_", options.communicator);
      for (const auto& [key, value] : val) epoch_logs.set(key, value);
    }
    epoch_logs.set("lr", optimizer.lr());
    history.append(epoch, epoch_logs);
    for (auto& callback : callbacks) callback->on_epoch_end(context, epoch, epoch_logs);
  }
  for (auto& callback : callbacks) callback->on_train_end(context, epoch_logs);
  return history;
}

Logs evaluate(nn::Module& model,
              const LossFunction& loss,
              const data::Dataset& data,
              const EvaluateOptions& options) {
  NABLA_CHECK(static_cast<bool>(loss), "evaluate", "the loss function is empty");
  check_batch_size(options.batch_size, "evaluate");
  NABLA_CHECK(!data.empty(), "evaluate", "the data set is empty");
  std::vector<std::unique_ptr<Metric>> metrics = make_metrics(options.metrics);
  Logs logs =
      evaluate_impl(model, loss, data, options.batch_size, metrics, "", options.communicator);
  if (options.verbose > 0 && (!options.communicator || options.communicator->rank() == 0)) {
    const char* separator = "";
    for (const auto& [key, value] : logs) {
      std::cout << separator << key << ": " << std::setprecision(4) << std::fixed << value;
      separator = " - ";
    }
    std::cout << std::defaultfloat << '\n';
  }
  return logs;
}

Tensor predict(nn::Module& model, const data::Dataset& data, std::int64_t batch_size) {
  check_batch_size(batch_size, "predict");
  NABLA_CHECK(!data.empty(), "predict", "the data set is empty");
  nn::TrainingModeGuard mode(model, false);
  NoGradGuard no_grad;
  std::vector<Tensor> outputs;
  data::DataLoader loader(data, {.batch_size = batch_size, .dtype = nn::parameter_dtype(model)});
  for (const data::Batch& batch : loader) outputs.push_back(model(Variable(batch.inputs)).value());
  return outputs.size() == 1 ? outputs[0] : cat(outputs, 0);
}

Tensor predict(nn::Module& model, const Tensor& inputs, std::int64_t batch_size) {
  check_defined(inputs, "predict");
  NABLA_CHECK(inputs.dim() >= 1, "predict", "inputs need a sample dimension, got shape ",
              inputs.shape());
  const DType dtype = nn::parameter_dtype(model);
  const Tensor x = is_floating(inputs.dtype()) ? inputs : inputs.to(dtype);
  return predict(model, data::Dataset(x, zeros({x.size(0)}, DType::i64)), batch_size);
}

namespace {

Tensor classes_of(const Tensor& outputs, double threshold) {
  if (outputs.dim() == 1 || (outputs.dim() == 2 && outputs.size(1) == 1)) {
    return gt(reshape(outputs, {outputs.size(0)}), threshold).to(DType::i64);
  }
  NABLA_CHECK(outputs.dim() == 2, "predict_classes", "expected outputs [n] or [n, k], got shape ",
              outputs.shape());
  return argmax(outputs, 1);
}

}  // namespace

Tensor predict_classes(nn::Module& model,
                       const data::Dataset& data,
                       double threshold,
                       std::int64_t batch_size) {
  return classes_of(predict(model, data, batch_size), threshold);
}

Tensor predict_classes(nn::Module& model,
                       const Tensor& inputs,
                       double threshold,
                       std::int64_t batch_size) {
  return classes_of(predict(model, inputs, batch_size), threshold);
}

}  // namespace nabla::train
