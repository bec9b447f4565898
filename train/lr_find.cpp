#include "train/lr_find.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "autograd/elementwise.h"
#include "data/data_loader.h"
#include "nn/mode_guard.h"
#include "nn/module.h"
#include "optim/optimizer.h"
#include "tensor/error.h"
#include "tensor/random.h"
#include "tensor/state_dict.h"

namespace nabla::train {
namespace {

// Puts back what the sweep changed, also when training throws.
class RestoreOnExit {
 public:
  RestoreOnExit(nn::Module& model, optim::Optimizer& optimizer)
      : model_(model),
        optimizer_(optimizer),
        model_state_(model.state_dict().clone()),
        optimizer_state_(optimizer.state_dict()),
        generator_(default_generator()),
        mode_(model, true) {}
  ~RestoreOnExit() {
    model_.load_state_dict(model_state_);
    optimizer_.load_state_dict(optimizer_state_);
    default_generator() = generator_;
  }
  RestoreOnExit(const RestoreOnExit&) = delete;
  RestoreOnExit& operator=(const RestoreOnExit&) = delete;

 private:
  nn::Module& model_;
  optim::Optimizer& optimizer_;
  StateDict model_state_;
  StateDict optimizer_state_;
  Generator generator_;
  nn::TrainingModeGuard mode_;
};

}  // namespace

double suggest_lr(const std::vector<double>& lrs, const std::vector<double>& smoothed) {
  NABLA_CHECK(lrs.size() == smoothed.size() && lrs.size() >= 3, "suggest_lr",
              "need lrs and losses of the same length >= 3, got ", lrs.size(), " and ",
              smoothed.size());
  const std::size_t n = lrs.size();
  const auto best = static_cast<std::size_t>(std::min_element(smoothed.begin(), smoothed.end()) -
                                             smoothed.begin());
  // The descent is measured per decade of lr, d(loss)/d(log lr), by central
  // differences over ±h points: batch losses are noisy, and one step of a
  // few hundred covers only a fiftieth of a decade.
  const std::size_t h = std::max<std::size_t>(1, n / 20);
  const auto slope = [&](std::size_t i) {
    const std::size_t lo = i >= h ? i - h : 0;
    const std::size_t hi = std::min(i + h, n - 1);
    return (smoothed[hi] - smoothed[lo]) / (std::log(lrs[hi]) - std::log(lrs[lo]));
  };
  const std::size_t first = std::min(n / 10, best);
  std::size_t steepest = first;
  for (std::size_t i = first; i <= best; ++i) {
    if (slope(i) < slope(steepest)) steepest = i;
  }
  return lrs[steepest];
}

LrFindResult lr_find(nn::Module& model,
                     const LossFunction& loss,
                     optim::Optimizer& optimizer,
                     const data::Dataset& train_data,
                     const LrFindOptions& options) {
  NABLA_CHECK(static_cast<bool>(loss), "lr_find", "the loss function is empty");
  NABLA_CHECK(options.start_lr > 0 && std::isfinite(options.start_lr), "lr_find",
              "start_lr must be > 0, got ", options.start_lr);
  NABLA_CHECK(options.end_lr > options.start_lr && std::isfinite(options.end_lr), "lr_find",
              "end_lr must be finite and > start_lr (", options.start_lr, "), got ",
              options.end_lr);
  NABLA_CHECK(options.num_steps >= 3, "lr_find", "num_steps must be >= 3, got ", options.num_steps);
  NABLA_CHECK(options.batch_size >= 1, "lr_find", "batch_size must be >= 1, got ",
              options.batch_size);
  NABLA_CHECK(options.smoothing >= 0 && options.smoothing < 1, "lr_find",
              "smoothing must be in [0, 1), got ", options.smoothing);
  NABLA_CHECK(options.divergence == 0 || options.divergence > 1, "lr_find",
              "divergence must be 0 (off) or > 1, got ", options.divergence);
  NABLA_CHECK(!train_data.empty(), "lr_find", "the training set is empty");

  LrFindResult result;
  {
    const RestoreOnExit restore(model, optimizer);
    data::DataLoader loader(train_data, {.batch_size = options.batch_size,
                                         .shuffle = options.shuffle,
                                         .seed = options.seed,
                                         .dtype = nn::parameter_dtype(model)});
    const double ratio = std::log(options.end_lr / options.start_lr);
    double average = 0;
    double best = std::numeric_limits<double>::infinity();
    std::int64_t step = 0;
    for (std::int64_t pass = 0; step < options.num_steps && !result.diverged; ++pass) {
      loader.set_epoch(pass);
      for (const data::Batch& batch : loader) {
        if (step == options.num_steps) break;
        const double lr = options.start_lr * std::exp(ratio * static_cast<double>(step) /
                                                      static_cast<double>(options.num_steps - 1));
        optimizer.set_lr(lr);
        optimizer.zero_grad();
        Variable value = loss(model(Variable(batch.inputs)), batch.targets);
        if (model.has_regularization()) value = value + model.regularization_loss();
        NABLA_CHECK(value.defined() && value.value().numel() == 1, "lr_find",
                    "the loss must return a scalar");
        const double loss_value = value.item<double>();
        if (!std::isfinite(loss_value)) {
          result.diverged = true;
          break;
        }
        value.backward();
        optimizer.step();
        average = options.smoothing * average + (1 - options.smoothing) * loss_value;
        const double smoothed =
            average / (1 - std::pow(options.smoothing, static_cast<double>(step + 1)));
        result.lrs.push_back(lr);
        result.losses.push_back(loss_value);
        result.smoothed.push_back(smoothed);
        best = std::min(best, smoothed);
        ++step;
        if (options.divergence > 0 && smoothed > options.divergence * best) {
          result.diverged = true;
          break;
        }
      }
    }
  }
  NABLA_CHECK(result.lrs.size() >= 3, "lr_find", "the loss diverged after ", result.lrs.size(),
              " batches (lr ", result.lrs.empty() ? options.start_lr : result.lrs.back(),
              "): start from a smaller start_lr");
  result.suggested_lr = suggest_lr(result.lrs, result.smoothed);
  const auto best = std::min_element(result.smoothed.begin(), result.smoothed.end());
  result.min_loss_lr = result.lrs[static_cast<std::size_t>(best - result.smoothed.begin())];
  return result;
}

}  // namespace nabla::train
