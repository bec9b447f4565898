// A tensor a graph saved for backward and then changed in place makes the
// backward throw, naming the node, the saved tensor and both versions, instead
// of computing a wrong gradient. Changes after backward, changes of tensors no
// rule saved, and the usual training loop are unaffected.
#include <gtest/gtest.h>

#include <vector>

#include "autograd/autograd.h"
#include "cube_function.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;
using testing::leaf;
using testing::values;

TEST(SavedVersion, ChangingAWeightBetweenForwardAndBackwardThrows) {
  Variable x = leaf({1, 2}, Shape{2}, "x");
  Variable w = leaf({3, 4}, Shape{2}, "w");
  Variable loss = sum(mul(x, w));  // MulBackward saves x and w
  w.value().add_(1.0);             // version 0 -> 1
  expect_error([&] { loss.backward(); },
               {"MulBackward", "modified in place", "saved tensor 1 of 2", "input 1 'w' (leaf) [2]",
                "f64 [2]", "is at version 1", "saved at version 0"});
}

TEST(SavedVersion, ChangingAnActivationInPlaceThrows) {
  Variable x = leaf({0.5, -1}, Shape{2});
  Variable y = tanh(x);  // TanhBackward saves its output
  y.value().mul_(2.0);
  y.value().mul_(2.0);
  expect_error([&] { sum(y).backward(); }, {"TanhBackward", "saved tensor 0 of 1 (the op's output",
                                            "is at version 2", "saved at version 0"});
}

// A view shares the storage, hence the version counter, with its base.
TEST(SavedVersion, ChangingTheBaseOfASavedViewThrows) {
  Variable x = leaf({1, 2, 3, 4}, Shape{2, 2});
  Variable w = leaf({1, 0, 0, 1}, Shape{2, 2}, "w");
  Variable loss = sum(matmul(x, transpose(w, 0, 1)));
  w.value().fill_(0.0);
  expect_error([&] { loss.backward(); }, {"modified in place", "is at version 1"});
}

TEST(SavedVersion, ACustomFunctionChecksItsSavedTensors) {
  Variable x = leaf({2}, Shape{1}, "x");
  Variable y = testing::Cube::apply(x);
  x.value().copy_(from_vector<double>({5}, Shape{1}));
  expect_error([&] { y.backward(); },
               {"CubeBackward", "saved tensor 0 of 1 (input 0 'x' (leaf) [1]", "is at version 1",
                "saved at version 0"});
}

// The gradient would have been computed with the new w: 2 * 5 = 10 for
// d(x w)/dx instead of the 3 of the forward pass.
TEST(SavedVersion, AnOptimizerStepBeforeASecondBackwardThrows) {
  Variable x = leaf({1}, Shape{1});
  Variable w = leaf({3}, Shape{1}, "w");
  Variable loss = sum(mul(x, w));
  loss.backward({.retain_graph = true});
  {
    NoGradGuard no_grad;
    w.value().sub_(w.grad());  // a hand-written SGD step
  }
  expect_error([&] { loss.backward(); }, {"MulBackward", "'w'", "is at version 1"});
}

TEST(SavedVersion, ChangesAfterBackwardAndOfUnsavedTensorsAreFine) {
  Variable x = leaf({1, 2}, Shape{2});
  Variable w = leaf({3, 4}, Shape{2});
  Variable b = leaf({5, 6}, Shape{2});
  // AddBackward saves nothing: changing b before backward changes no gradient.
  Variable loss = sum(add(mul(x, w), b));
  b.value().add_(1.0);
  loss.backward();
  EXPECT_EQ(values(x.grad()), (std::vector<double>{3, 4}));
  EXPECT_EQ(values(b.grad()), (std::vector<double>{1, 1}));
  // The usual loop: forward, backward, update, and again.
  for (int step = 0; step < 3; ++step) {
    w.zero_grad();
    Variable l = sum(mul(x, w));
    l.backward();
    NoGradGuard no_grad;
    w.value().add_(w.grad(), -0.1);
  }
  EXPECT_GT(w.value().version(), 0u);
}

}  // namespace
}  // namespace nabla
