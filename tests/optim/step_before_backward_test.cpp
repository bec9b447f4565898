// An optimizer step writes the parameters in place (through its fused update,
// not a '_' method), so a graph that saved a parameter before the step cannot
// be differentiated after it: backward throws instead of using the new values.
#include <gtest/gtest.h>

#include "autograd/autograd.h"
#include "optim/adam.h"
#include "optim/sgd.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla::optim {
namespace {

using nabla::testing::expect_error;

template <class Optimizer>
void expect_step_between_backwards_throws() {
  Variable x(from_vector<float>({1, 2}, Shape{2}));
  Variable w(from_vector<float>({3, 4}, Shape{2}), true);
  w.set_name("w");
  Optimizer optimizer({w});
  Variable loss = sum(mul(x, w));
  loss.backward({.retain_graph = true});
  optimizer.step();
  expect_error([&] { loss.backward(); },
               {"MulBackward", "saved tensor 1 of 2 (input 1 'w' (leaf) [2]", "is at version 1",
                "saved at version 0"});
}

TEST(StepBeforeBackward, SgdStepMakesTheOldGraphThrow) {
  expect_step_between_backwards_throws<SGD>();
}

TEST(StepBeforeBackward, AdamStepMakesTheOldGraphThrow) {
  expect_step_between_backwards_throws<Adam>();
}

}  // namespace
}  // namespace nabla::optim
