// Models shared by the model-file and training-state tests, and by the tests
// of training resumed from a training state (tests/train/resume_test.cpp): a
// model with BatchNorm buffers and Dropout generators, its state as bytes, a
// few training steps, and a bitwise comparison of Histories.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "autograd/variable.h"
#include "checkpoint/checkpoint_test_util.h"
#include "metrics/history.h"
#include "nn/activation_modules.h"
#include "nn/batch_norm.h"
#include "nn/dropout.h"
#include "nn/linear.h"
#include "nn/loss.h"
#include "nn/sequential.h"
#include "optim/optimizer.h"
#include "tensor/factory.h"
#include "tensor/random.h"

namespace nabla::testing {

/// Linear + BatchNorm1d + a Dropout with its own seed + a Dropout drawing
/// from the default generator. Its initial weights come from the default
/// generator, so they depend on manual_seed.
inline std::unique_ptr<nn::Sequential> make_model(std::int64_t hidden = 8) {
  return std::make_unique<nn::Sequential>(nn::Linear(4, hidden), nn::BatchNorm1d(hidden),
                                          nn::ReLU(), nn::Dropout({.p = 0.25, .seed = 11}),
                                          nn::Linear(hidden, 6), nn::Dropout({.p = 0.1}),
                                          nn::Linear(6, 2));
}

/// Every parameter and buffer as (key, dtype, shape, bytes).
inline std::vector<std::string> state_bytes(const nn::Module& model) {
  std::vector<std::string> all;
  for (const auto& [key, t] : model.state_dict()) {
    std::ostringstream head;
    head << key << " " << t.dtype() << " " << t.shape() << " ";
    all.push_back(head.str() + tensor_bytes(t));
  }
  return all;
}

/// A few training steps so that BatchNorm's running statistics and the
/// weights differ from any fresh model's.
inline void train_a_little(nn::Module& model, optim::Optimizer& optimizer, std::uint64_t seed) {
  Generator gen(seed);
  for (int step = 0; step < 3; ++step) {
    Variable x(randn({16, 4}, gen));
    Tensor t = randn({16, 2}, gen);
    optimizer.zero_grad();
    Variable loss = nn::mse_loss(model(x), Variable(t));
    loss.backward();
    optimizer.step();
  }
}

inline void expect_same_history(const metrics::History& a, const metrics::History& b) {
  ASSERT_EQ(a.epochs(), b.epochs());
  for (std::int64_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a.at(i).size(), b.at(i).size());
    auto ia = a.at(i).begin();
    for (auto ib = b.at(i).begin(); ib != b.at(i).end(); ++ia, ++ib) {
      EXPECT_EQ(ia->first, ib->first);
      EXPECT_EQ(std::memcmp(&ia->second, &ib->second, sizeof(double)), 0)
          << ia->first << " of epoch " << i << ": " << ia->second << " vs " << ib->second;
    }
  }
}

}  // namespace nabla::testing
