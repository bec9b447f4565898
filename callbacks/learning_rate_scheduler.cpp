#include "callbacks/learning_rate_scheduler.h"

#include <cmath>
#include <utility>

#include "optim/optimizer.h"
#include "tensor/error.h"

namespace nabla::callbacks {

LearningRateScheduler::LearningRateScheduler(Schedule schedule,
                                             LearningRateSchedulerOptions options)
    : schedule_(std::move(schedule)), options_(options) {
  NABLA_CHECK(static_cast<bool>(schedule_), "LearningRateScheduler",
              "the schedule function is empty");
  check_options();
}

LearningRateScheduler::LearningRateScheduler(std::shared_ptr<optim::LRScheduler> scheduler,
                                             LearningRateSchedulerOptions options)
    : scheduler_(std::move(scheduler)), options_(options) {
  NABLA_CHECK(scheduler_ != nullptr, "LearningRateScheduler", "the scheduler is null");
  check_options();
}

void LearningRateScheduler::check_options() const {
  NABLA_CHECK(options_.verbose >= 0 && options_.verbose <= 2, "LearningRateScheduler",
              "invalid verbose: ", options_.verbose, " (must be 0, 1 or 2)");
  NABLA_CHECK(options_.out != nullptr, "LearningRateScheduler", "out must not be null");
}

void LearningRateScheduler::on_epoch_begin(TrainContext& context, std::int64_t epoch) {
  if (schedule_) {
    const double lr = schedule_(epoch, context.optimizer.lr());
    NABLA_CHECK(std::isfinite(lr) && lr >= 0.0, "LearningRateScheduler",
                "the schedule returned lr ", lr, " for epoch ", epoch,
                " (must be finite and >= 0)");
    context.optimizer.set_lr(lr);
  }
  if (options_.verbose > 0) {
    *options_.out << "Epoch " << epoch + 1 << ": LearningRateScheduler setting learning rate to "
                  << context.optimizer.lr() << ".\n";
  }
}

void LearningRateScheduler::on_epoch_end(TrainContext& /*context*/,
                                         std::int64_t /*epoch*/,
                                         const metrics::Logs& /*logs*/) {
  if (scheduler_ && options_.interval == ScheduleInterval::epoch) scheduler_->step();
}

void LearningRateScheduler::on_batch_end(TrainContext& /*context*/,
                                         std::int64_t /*batch*/,
                                         const metrics::Logs& /*logs*/) {
  if (scheduler_ && options_.interval == ScheduleInterval::batch) scheduler_->step();
}

}  // namespace nabla::callbacks
