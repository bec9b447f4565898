// LearningRateScheduler: the callback that drives the optimizer's learning
// rate during fit, either from an optim::LRScheduler (stepped after each epoch
// or after each batch) or from a function (epoch, lr) -> lr called before each
// epoch, as keras.callbacks.LearningRateScheduler.
#pragma once

#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>

#include "callbacks/callback.h"
#include "optim/lr_scheduler.h"

namespace nabla::callbacks {

/// When an optim::LRScheduler is stepped.
enum class ScheduleInterval { epoch, batch };

struct LearningRateSchedulerOptions {
  /// After each epoch (the schedules' own unit) or after each batch
  /// (OneCycleLR, warm-up over steps). Ignored for a schedule function.
  ScheduleInterval interval = ScheduleInterval::epoch;
  /// 1: print "Epoch N: LearningRateScheduler setting learning rate to <lr>."
  /// to `out` as each epoch begins (N 1-based, lr the one the epoch starts with).
  int verbose = 0;
  std::ostream* out = &std::cout;
};

class LearningRateScheduler : public Callback {
 public:
  /// Keras's schedule: the lr of epoch e (0-based) from e and the current lr.
  using Schedule = std::function<double(std::int64_t epoch, double lr)>;

  /// Before each epoch e: lr ← schedule(e, lr). Throws nabla::Error
  /// ("LearningRateScheduler: ...") for an empty function, verbose outside
  /// [0, 2] and a null `out`; during training, for a result that is negative
  /// or not finite.
  explicit LearningRateScheduler(Schedule schedule, LearningRateSchedulerOptions options = {});

  /// Calls scheduler->step() after each epoch (or batch). The schedule set
  /// the lr of epoch 0 when it was constructed, so epoch (or batch) t trains
  /// with lr_at(t), as torch's loop `train_one_epoch(); scheduler.step();`.
  /// The schedule must drive the optimizer fit trains with. To resume, restore
  /// its state_dict() along with the model's. Throws nabla::Error for a null
  /// scheduler, verbose outside [0, 2] and a null `out`.
  explicit LearningRateScheduler(std::shared_ptr<optim::LRScheduler> scheduler,
                                 LearningRateSchedulerOptions options = {});

  void on_epoch_begin(TrainContext& context, std::int64_t epoch) override;
  void on_epoch_end(TrainContext& context, std::int64_t epoch, const metrics::Logs& logs) override;
  void on_batch_end(TrainContext& context, std::int64_t batch, const metrics::Logs& logs) override;

  /// The wrapped schedule (null for a schedule function).
  const std::shared_ptr<optim::LRScheduler>& scheduler() const { return scheduler_; }
  const LearningRateSchedulerOptions& options() const { return options_; }

 private:
  void check_options() const;

  Schedule schedule_;
  std::shared_ptr<optim::LRScheduler> scheduler_;
  LearningRateSchedulerOptions options_;
};

}  // namespace nabla::callbacks
