// KeepValuesGuard: which nodes keep their value, the gradient of the last
// pass, how long a kept value lives, and nesting.
#include "autograd/kept_values.h"

#include <gtest/gtest.h>

#include "autograd/elementwise.h"
#include "autograd/reduce.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using autograd::keeps_values;
using autograd::KeepValuesGuard;
using autograd::kept_grad;
using autograd::kept_value;
using testing::leaf;

TEST(KeptValues, OnlyNodesRecordedInsideTheGuardKeepTheirValue) {
  Variable x = leaf({0.5, 2.0}, {2}, "x");
  Variable outside = x * x;
  EXPECT_FALSE(keeps_values(*outside.grad_fn()));
  EXPECT_FALSE(kept_value(*outside.grad_fn()).defined());
  Variable inside;
  {
    KeepValuesGuard keep;
    inside = x * x;
  }
  ASSERT_TRUE(keeps_values(*inside.grad_fn()));
  testing::expect_all_near(testing::values(kept_value(*inside.grad_fn())), {0.25, 4.0});
  EXPECT_FALSE(kept_grad(*inside.grad_fn()).defined());  // no backward yet
}

TEST(KeptValues, EachNodeKeepsTheGradientOfTheLastPass) {
  // s = x·x, loss = sum(s): ∂loss/∂s = [1, 1]; with grad_out 3, [3, 3].
  KeepValuesGuard keep;
  Variable x = leaf({0.5, 2.0}, {2}, "x");
  Variable s = x * x;
  Variable loss = sum(s);
  loss.backward({.retain_graph = true});
  testing::expect_all_near(testing::values(kept_grad(*s.grad_fn())), {1, 1});
  EXPECT_EQ(kept_grad(*loss.grad_fn()).item<double>(), 1.0);
  loss.backward(full({}, 3.0, DType::f64));
  testing::expect_all_near(testing::values(kept_grad(*s.grad_fn())), {3, 3});
}

TEST(KeptValues, AGradientKeptOutsideAGuardIsNotKept) {
  Variable x = leaf({1.0}, {}, "x");
  Variable y;
  {
    KeepValuesGuard keep;
    y = tanh(x);
  }
  y.backward();  // outside the guard: values are kept, gradients are not
  EXPECT_TRUE(kept_value(*y.grad_fn()).defined());
  EXPECT_FALSE(kept_grad(*y.grad_fn()).defined());
}

TEST(KeptValues, AKeptValueLivesAsLongAsItsNode) {
  Tensor value;
  {
    KeepValuesGuard keep;
    Variable x = leaf({1.0, 2.0}, {2}, "x");
    Variable y = x + 1.0;  // its rule saves nothing
    value = y.value();
    EXPECT_EQ(value.storage().use_count(), 3);  // y, the kept entry, value
  }
  EXPECT_EQ(value.storage().use_count(), 1);  // the node is gone, so is its entry
}

TEST(KeptValues, GuardsNest) {
  Variable x = leaf({1.0}, {}, "x");
  KeepValuesGuard outer;
  { KeepValuesGuard inner; }
  Variable y = exp(x);  // still inside the outer guard
  EXPECT_TRUE(keeps_values(*y.grad_fn()));
}

}  // namespace
}  // namespace nabla
