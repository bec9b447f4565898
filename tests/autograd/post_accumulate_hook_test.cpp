// Variable::register_post_accumulate_hook: run once per backward pass that
// reaches a leaf, after its last contribution is accumulated (what
// data-parallel training starts its communication from). Expected gradients
// are derived by hand in the comments.
#include <gtest/gtest.h>

#include <vector>

#include "autograd/elementwise.h"
#include "autograd/reduce.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;
using testing::leaf;
using testing::values;

TEST(PostAccumulateHook, SeesTheSumOfEveryContributionOnce) {
  // y = a*b + a*c + a  ->  dy/da = b + c + 1 = 2 + 5 + 1 = 8, in three contributions
  Variable a = leaf({3.0}, {});
  Variable b = leaf({2.0}, {});
  Variable c = leaf({5.0}, {});
  std::vector<double> seen;
  a.register_post_accumulate_hook([&](const Tensor& g) { seen.push_back(g.item<double>()); });
  Variable y = a * b + a * c + a;
  y.backward();
  EXPECT_EQ(seen, (std::vector<double>{8.0}));
  EXPECT_DOUBLE_EQ(a.grad().item<double>(), 8.0);
}

TEST(PostAccumulateHook, RunsAfterTheLeafIsComplete) {
  // y = sum(w * x) + sum(w): the hook reads grad() itself, which must be the
  // total x + 1 = {2, 3}, not a part of it.
  Variable w = leaf({0.5, -1.0}, {2});
  Variable x = leaf({1.0, 2.0}, {2});
  std::vector<double> from_leaf;
  w.register_post_accumulate_hook([&](const Tensor&) { from_leaf = values(w.grad()); });
  Variable y = sum(w * x) + sum(w);
  y.backward();
  EXPECT_EQ(from_leaf, (std::vector<double>{2.0, 3.0}));
}

TEST(PostAccumulateHook, OncePerPassAndAccumulatedAcrossPasses) {
  // Two passes of y = 2a: the hook sees 2, then the accumulated 4.
  Variable a = leaf({1.0}, {});
  std::vector<double> seen;
  a.register_post_accumulate_hook([&](const Tensor& g) { seen.push_back(g.item<double>()); });
  (a * 2.0).backward();
  (a * 2.0).backward();
  EXPECT_EQ(seen, (std::vector<double>{2.0, 4.0}));
}

TEST(PostAccumulateHook, OrderFollowsTheBackwardWalk) {
  // h = a * x; y = b * h: backward reaches b (the later op) before a.
  Variable a = leaf({2.0}, {});
  Variable b = leaf({3.0}, {});
  Variable x = leaf({1.0}, {});
  std::vector<char> order;
  a.register_post_accumulate_hook([&](const Tensor&) { order.push_back('a'); });
  b.register_post_accumulate_hook([&](const Tensor&) { order.push_back('b'); });
  Variable y = b * (a * x);
  y.backward();
  EXPECT_EQ(order, (std::vector<char>{'b', 'a'}));
}

TEST(PostAccumulateHook, RunsForALeafThatIsTheRoot) {
  Variable a = leaf({4.0}, {});
  int calls = 0;
  a.register_post_accumulate_hook([&](const Tensor&) { ++calls; });
  a.backward();
  EXPECT_EQ(calls, 1);
}

TEST(PostAccumulateHook, NotRunForALeafThePassDoesNotReach) {
  Variable a = leaf({1.0}, {});
  Variable b = leaf({1.0}, {});
  int calls = 0;
  b.register_post_accumulate_hook([&](const Tensor&) { ++calls; });
  (a * 3.0).backward();
  EXPECT_EQ(calls, 0);
}

TEST(PostAccumulateHook, RemovedHookIsNotRun) {
  Variable a = leaf({1.0}, {});
  int calls = 0;
  const int id = a.register_post_accumulate_hook([&](const Tensor&) { ++calls; });
  a.remove_post_accumulate_hook(id);
  (a * 3.0).backward();
  EXPECT_EQ(calls, 0);
  expect_error([&] { a.remove_post_accumulate_hook(id); },
               {"remove_post_accumulate_hook", "no hook with id 0"});
}

TEST(PostAccumulateHook, RejectsNonLeavesConstantsAndEmptyHooks) {
  Variable a = leaf({1.0}, {});
  a.set_name("a");
  Variable h = a * 2.0;
  h.set_name("h");
  expect_error([&] { h.register_post_accumulate_hook([](const Tensor&) {}); },
               {"register_post_accumulate_hook", "'h'", "is not a leaf"});
  Variable c(ones({2}));
  expect_error([&] { c.register_post_accumulate_hook([](const Tensor&) {}); },
               {"register_post_accumulate_hook", "does not require grad"});
  expect_error([&] { a.register_post_accumulate_hook(nullptr); },
               {"register_post_accumulate_hook", "empty"});
}

}  // namespace
}  // namespace nabla
