// A tiny training setup (nn::Linear(2, 1) trained by SGD) for driving
// callbacks with scripted logs, without fit: each scripted epoch marks the
// weights with its own values, so a restored state names its epoch.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "callbacks/callback.h"
#include "metrics/history.h"
#include "metrics/logs.h"
#include "nn/linear.h"
#include "optim/sgd.h"
#include "tensor/shape_ops.h"
#include "tensor/state_dict.h"

namespace nabla::callbacks::callback_testing {

inline metrics::Logs make_logs(std::initializer_list<std::pair<const char*, double>> entries) {
  metrics::Logs logs;
  for (const auto& [key, value] : entries) logs.set(key, value);
  return logs;
}

struct CallbackHarness {
  explicit CallbackHarness(double lr = 0.1) : optimizer(model.parameters(), {.lr = lr}) {}

  /// Sets the weight to (e + 1, −(e + 1) / 4) and the bias to e + 0.5: values
  /// no other epoch has.
  void mark_weights(std::int64_t epoch) {
    const double e = static_cast<double>(epoch);
    model.weight.value().fill_(e + 1.0);
    select(model.weight.value(), 0, 1).fill_(-(e + 1.0) / 4.0);
    model.bias.value().fill_(e + 0.5);
  }

  /// Runs on_train_begin, then for each value v_e of `values`: on_epoch_begin,
  /// mark_weights(e), a snapshot of the state, on_epoch_end with {key: v_e}
  /// (plus "loss"), until the callback sets stop_training; then on_train_end.
  /// Returns the number of epochs run.
  std::int64_t run(Callback& callback,
                   const std::vector<double>& values,
                   const std::string& key = "val_loss") {
    context.stop_training = false;
    callback.on_train_begin(context);
    metrics::Logs last;
    std::int64_t epoch = 0;
    for (; epoch < static_cast<std::int64_t>(values.size()) && !context.stop_training; ++epoch) {
      callback.on_epoch_begin(context, epoch);
      mark_weights(epoch);
      snapshots.push_back(model.state_dict().clone());
      last = metrics::Logs();
      last.set("loss", 1.0);
      last.set(key, values[static_cast<std::size_t>(epoch)]);
      callback.on_epoch_end(context, epoch, last);
      lrs.push_back(optimizer.lr());
    }
    callback.on_train_end(context, last);
    return epoch;
  }

  nn::Linear model{2, 1};
  optim::SGD optimizer;
  metrics::History history;
  TrainContext context{.model = model,
                       .optimizer = optimizer,
                       .history = history,
                       .epochs = 20,
                       .steps_per_epoch = 4,
                       .samples = 16,
                       .verbose = 1};
  /// The state after each epoch's marking.
  std::vector<StateDict> snapshots;
  /// The optimizer's lr after each epoch's on_epoch_end.
  std::vector<double> lrs;
};

/// True when both hold the same keys with bitwise equal values.
inline bool same_state(const StateDict& a, const StateDict& b) {
  if (a.keys() != b.keys()) return false;
  for (const auto& [key, tensor] : a) {
    if (tensor.to_vector<double>() != b.at(key).to_vector<double>()) return false;
  }
  return true;
}

}  // namespace nabla::callbacks::callback_testing
