// The small model the checkpoint and load_state_dict targets load into, and
// the optimizers of the training-state target. The seed generator saves
// exactly these, so that the seeds reach the code past the key checks.
#pragma once

#include <memory>

#include "nn/activation_modules.h"
#include "nn/batch_norm.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/sequential.h"

namespace nabla::fuzz {

/// Parameters, BatchNorm buffers and a Dropout
/// with its own generator (saved in a training state): every kind of entry a
/// model file holds, in a few hundred bytes.
inline std::unique_ptr<nn::Sequential> make_model() {
  return std::make_unique<nn::Sequential>(nn::Linear(3, 4), nn::BatchNorm1d(4), nn::ReLU(),
                                          nn::Dropout({.p = 0.25, .seed = 7}), nn::Linear(4, 2));
}

}  // namespace nabla::fuzz
