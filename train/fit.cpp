#include "train/fit.h"

#include <cmath>
#include <iomanip>
#include <iostream>
#include <utility>

#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "callbacks/progress_bar.h"
#include "data/data_loader.h"
#include "data/split.h"
#include "metrics/make_metric.h"
#include "nn/mode_guard.h"
#include "nn/module.h"
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

// The loss of one batch plus the model's penalties (parameter and activity).
Variable total_loss(nn::Module& model,
                    const LossFunction& loss,
                    const Variable& outputs,
                    const Tensor& targets) {
  Variable value = loss(outputs, targets);
  NABLA_CHECK(value.defined() && value.value().numel() == 1, "fit",
              "the loss must return a scalar, got shape ",
              value.defined() ? value.value().shape() : Shape{});
  if (model.has_regularization()) value = value + model.regularization_loss();
  return value;
}

void log_metrics(Logs& logs,
                 const std::vector<std::unique_ptr<Metric>>& metrics,
                 const std::string& prefix) {
  for (const auto& metric : metrics) logs.set(prefix + metric->name(), metric->result());
}

void check_batch_size(std::int64_t batch_size, const char* op) {
  NABLA_CHECK(batch_size >= 1, op, "batch_size must be >= 1, got ", batch_size);
}

// Loss and metrics over `data` in evaluation mode (no graph).
Logs evaluate_impl(nn::Module& model,
                   const LossFunction& loss,
                   const data::Dataset& data,
                   std::int64_t batch_size,
                   std::vector<std::unique_ptr<Metric>>& metrics,
                   const std::string& prefix) {
  nn::TrainingModeGuard mode(model, false);
  NoGradGuard no_grad;
  for (auto& metric : metrics) metric->reset();
  MeanTracker loss_mean;
  data::DataLoader loader(data, {.batch_size = batch_size, .dtype = nn::parameter_dtype(model)});
  for (const data::Batch& batch : loader) {
    const Variable outputs = model(Variable(batch.inputs));
    loss_mean.add(total_loss(model, loss, outputs, batch.targets).item<double>(),
                  batch.targets.size(0));
    for (auto& metric : metrics) metric->update(outputs.value(), batch.targets);
  }
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

  detail::RankShare ranks(options.communicator, model, *train_set,
                          {.batch_size = options.batch_size,
                           .shuffle = options.shuffle,
                           .seed = options.seed,
                           .dtype = nn::parameter_dtype(model)});
  const int verbose = ranks.verbose(options.verbose);
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

    std::int64_t step = 0;
    for (const data::Batch& batch : loader) {
      for (auto& callback : callbacks) callback->on_batch_begin(context, step);
      optimizer.zero_grad();
      const Variable outputs = ranks.forward(model, Variable(batch.inputs));
      Variable value = total_loss(model, loss, outputs, batch.targets);
      value.backward();
      ranks.after_backward();
      optimizer.step();

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
      const Logs val =
          evaluate_impl(model, loss, *validation_set,
                        std::max<std::int64_t>(options.batch_size, 256), val_metrics, "val_");
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
  Logs logs = evaluate_impl(model, loss, data, options.batch_size, metrics, "");
  if (options.verbose > 0) {
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
