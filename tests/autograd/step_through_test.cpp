// step_through: one callback per node, in the engine's order, with the
// gradient each node received and sent (values by hand), the nodes visited so
// far, and what happens when the callback throws or runs a backward itself.
#include "autograd/step_through.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/elementwise.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using autograd::BackwardStep;
using autograd::step_through;
using testing::expect_error;
using testing::leaf;

// h = x·c, loss = h·h + x with x = 0.5, c = 4 (see explain_test.cpp): the
// engine runs AddBackward, MulBackward (h·h), MulBackward (x·c).
struct Graph {
  Variable x = leaf({0.5}, {}, "x");
  Variable c{full({}, 4.0, DType::f64)};
  Variable h = (x * c).set_name("h");
  Variable loss = h * h + x;
};

double item(const Tensor& t) {
  return t.item<double>();
}

TEST(StepThrough, OneStepPerNodeWithTheGradientsByHand) {
  Graph g;
  std::vector<std::string> names;
  std::vector<double> grad_out;
  std::vector<double> x_grad_after;  // x.grad() as the callback sees it
  std::vector<std::size_t> visited;
  step_through(g.loss, [&](const BackwardStep& step) {
    EXPECT_EQ(step.index, names.size() + 1);
    EXPECT_EQ(step.count, 3U);
    ASSERT_NE(step.node, nullptr);
    names.emplace_back(step.node->name());
    grad_out.push_back(item(step.grad_out));
    x_grad_after.push_back(g.x.grad().defined() ? item(g.x.grad()) : 0.0);
    visited.push_back(step.visited.size());
    EXPECT_EQ(step.visited.back(), step.node);
    ASSERT_EQ(step.input_grads.size(), 2U);
    if (step.index == 1) {  // loss = (h·h) + x: 1 to both
      EXPECT_EQ(item(step.input_grads[0]), 1.0);
      EXPECT_EQ(item(step.input_grads[1]), 1.0);
    } else if (step.index == 2) {  // h·h: g·h = 2 to each operand
      EXPECT_EQ(item(step.input_grads[0]), 2.0);
      EXPECT_EQ(item(step.input_grads[1]), 2.0);
    } else {  // x·c with g = 4: 4·4 = 16 to x, none to the constant c
      EXPECT_EQ(item(step.input_grads[0]), 16.0);
      EXPECT_FALSE(step.input_grads[1].defined());
    }
  });
  EXPECT_EQ(names, (std::vector<std::string>{"AddBackward", "MulBackward", "MulBackward"}));
  EXPECT_EQ(grad_out, (std::vector<double>{1, 1, 4}));
  // Each step's gradients are accumulated before the callback runs.
  EXPECT_EQ(x_grad_after, (std::vector<double>{1, 1, 17}));
  EXPECT_EQ(visited, (std::vector<std::size_t>{1, 2, 3}));
  EXPECT_EQ(item(g.x.grad()), 17.0);
}

TEST(StepThrough, AnExceptionFromTheCallbackStopsThePass) {
  Graph g;
  int calls = 0;
  EXPECT_THROW(step_through(g.loss,
                            [&](const BackwardStep&) {
                              ++calls;
                              throw std::runtime_error("stop");
                            }),
               std::runtime_error);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(item(g.x.grad()), 1.0);  // what step 1 sent stays
  // Nothing of the stepper is left behind: a later backward reports nothing.
  Variable y = leaf({1.0}, {}, "y") * 2.0;
  EXPECT_NO_THROW(y.backward());
}

TEST(StepThrough, ABackwardPassStartedByTheCallbackIsNotAStep) {
  Graph g;
  std::vector<std::size_t> indices;
  step_through(g.loss, [&](const BackwardStep& step) {
    indices.push_back(step.index);
    Variable other = leaf({2.0}, {}, "other");
    (other * other).backward();
  });
  EXPECT_EQ(indices, (std::vector<std::size_t>{1, 2, 3}));
}

TEST(StepThrough, GradOutAndOptionsArePassedOn) {
  Variable x = leaf({1, 2}, {2}, "x");
  Variable y = x * 3.0;
  std::vector<double> seen;
  step_through(y, [&](const BackwardStep& step) { seen = testing::values(step.grad_out); },
               from_vector(std::vector<double>{1, 10}, {2}), {.retain_graph = true});
  EXPECT_EQ(seen, (std::vector<double>{1, 10}));
  testing::expect_all_near(testing::values(x.grad()), {3, 30});
  EXPECT_NO_THROW(y.backward(ones({2}, DType::f64)));  // the graph was retained
}

TEST(StepThrough, Errors) {
  Graph g;
  expect_error([&] { step_through(g.loss, autograd::StepCallback()); }, {"step_through", "empty"});
  expect_error([&] { step_through(Variable(), [](const BackwardStep&) {}); },
               {"backward", "undefined"});
}

}  // namespace
}  // namespace nabla
