// TrainingModeGuard: puts a module in training or evaluation mode for a scope
// and restores the mode it had, also when the scope ends by an exception
// (evaluate, predict and plots run a model in evaluation mode this way).
#pragma once

#include "nn/module.h"

namespace nabla::nn {

class TrainingModeGuard {
 public:
  TrainingModeGuard(Module& module, bool training)
      : module_(module), was_training_(module.is_training()) {
    module_.train(training);
  }
  ~TrainingModeGuard() { module_.train(was_training_); }
  TrainingModeGuard(const TrainingModeGuard&) = delete;
  TrainingModeGuard& operator=(const TrainingModeGuard&) = delete;

 private:
  Module& module_;
  bool was_training_;
};

}  // namespace nabla::nn
