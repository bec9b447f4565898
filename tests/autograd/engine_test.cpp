// The backward engine: ordering, accumulation, un-broadcasting, graph lifetime,
// grad mode, hooks, and graphs too deep or too wide for recursion. Expected
// values are derived by hand in the comments.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/reduce.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;
using testing::leaf;
using testing::values;

TEST(Engine, ProductRuleOnScalars) {
  // y = a * b + a  ->  dy/da = b + 1 = 4, dy/db = a = 2
  Variable a = leaf({2.0}, {});
  Variable b = leaf({3.0}, {});
  Variable y = a * b + a;
  y.backward();
  EXPECT_DOUBLE_EQ(a.grad().item<double>(), 4.0);
  EXPECT_DOUBLE_EQ(b.grad().item<double>(), 2.0);
}

TEST(Engine, SharedInputOfOneOpGetsBothGradients) {
  // y = x * x  ->  dy/dx = 2x
  Variable x = leaf({1.5, -2.0}, {2});
  Variable y = x * x;
  y.backward(ones({2}, DType::f64));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{3.0, -4.0}));
}

TEST(Engine, DiamondGraphAccumulatesBothPaths) {
  // a = x * w; b = tanh(a); y = a * b.  dy/da = b + a (1 - b^2); dy/dx = w dy/da
  const double x0 = 0.7, w0 = -1.3;
  Variable x = leaf({x0}, {});
  Variable w = leaf({w0}, {});
  Variable a = x * w;
  Variable b = tanh(a);
  Variable y = a * b;
  y.backward();
  const double av = x0 * w0, bv = std::tanh(av);
  const double dy_da = bv + av * (1 - bv * bv);
  EXPECT_NEAR(x.grad().item<double>(), w0 * dy_da, 1e-15);
  EXPECT_NEAR(w.grad().item<double>(), x0 * dy_da, 1e-15);
}

TEST(Engine, BroadcastGradientsAreSummedToTheInputShape) {
  // y = x + b with x [2, 3] and b [3]: each b_j is used twice, so db = 2 * ones.
  Variable x = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  Variable b = leaf({0, 0, 0}, {3});
  Variable c = leaf({10}, {1, 1});
  Variable y = (x + b) * c;
  y.backward(ones({2, 3}, DType::f64));
  EXPECT_EQ(b.grad().shape(), Shape({3}));
  EXPECT_EQ(values(b.grad()), (std::vector<double>{20, 20, 20}));
  EXPECT_EQ(c.grad().shape(), Shape({1, 1}));
  EXPECT_EQ(values(c.grad()), (std::vector<double>{21}));
}

TEST(Engine, GradientTakesTheInputDtype) {
  Variable w(ones({2}, DType::f32), true);
  Variable x(full({2}, 3.0, DType::f64));
  Variable y = w * x;  // computed in f64
  EXPECT_EQ(y.dtype(), DType::f64);
  y.backward(ones({2}, DType::f64));
  EXPECT_EQ(w.grad().dtype(), DType::f32);
  EXPECT_EQ(values(w.grad()), (std::vector<double>{3, 3}));
}

TEST(Engine, LeafGradientsAccumulateUntilZeroGrad) {
  Variable x = leaf({2.0}, {});
  Variable y = x * x;
  y.backward({.retain_graph = true});
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 8.0);  // 4 + 4
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
  (x * x).backward();
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 4.0);
}

TEST(Engine, LeavesNeverShareAGradientBuffer) {
  // AddBackward passes the same tensor to both inputs; scaling one leaf's grad
  // in place (as clipping does) must not change the other's.
  Variable a = leaf({1, 2}, {2});
  Variable b = leaf({3, 4}, {2});
  (a + b).backward(ones({2}, DType::f64));
  EXPECT_FALSE(a.grad().shares_storage(b.grad()));
  a.grad().mul_(5.0);
  EXPECT_EQ(values(b.grad()), (std::vector<double>{1, 1}));
}

TEST(Engine, AGradientHeldByTheUserIsNotChangedByTheNextBackward) {
  // Accumulation is in place only when nothing else refers to the gradient.
  Variable x = leaf({2.0}, {});
  (x * x).backward();
  const Tensor first = x.grad();
  (x * x).backward();
  EXPECT_DOUBLE_EQ(first.item<double>(), 4.0);
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 8.0);
}

TEST(Engine, SharedWeightAccumulatesAcrossManyUses) {
  // y = x * w * w * ... (k times): dy/dw = k x w^(k-1) = 50 * 1 * 1 with w = 1.
  Variable x = leaf({1.0}, {});
  Variable w = leaf({1.0}, {});
  Variable y = x;
  for (int k = 0; k < 50; ++k) y = y * w;
  y.backward();
  EXPECT_DOUBLE_EQ(w.grad().item<double>(), 50.0);
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 1.0);
}

TEST(Engine, SecondBackwardWithoutRetainGraphThrows) {
  Variable x = leaf({0.5}, {});
  Variable y = tanh(x) * x;
  y.backward();
  expect_error([&] { y.backward(); }, {"backward", "second time", "retain_graph"});
}

TEST(Engine, SavedTensorsAreReleasedAfterBackward) {
  Variable x = leaf({0.5, 1.5}, {2});
  Variable y = tanh(x);
  EXPECT_EQ(y.grad_fn()->saved_tensors().size(), 1U);
  y.backward(ones({2}, DType::f64));
  EXPECT_TRUE(y.grad_fn()->released());
  EXPECT_TRUE(y.grad_fn()->saved_tensors().empty());
}

TEST(Engine, RetainGraphKeepsSavedTensors) {
  Variable x = leaf({0.5}, {});
  Variable y = tanh(x);
  y.backward({.retain_graph = true});
  EXPECT_FALSE(y.grad_fn()->released());
  y.backward();
  const double d = 1 - std::tanh(0.5) * std::tanh(0.5);
  EXPECT_NEAR(x.grad().item<double>(), 2 * d, 1e-15);
}

TEST(Engine, NoGradRecordsNothingAndNests) {
  Variable x = leaf({1.0}, {});
  EXPECT_TRUE(is_grad_enabled());
  {
    NoGradGuard outer;
    {
      NoGradGuard inner;
      EXPECT_FALSE(is_grad_enabled());
    }
    EXPECT_FALSE(is_grad_enabled());
    Variable y = tanh(x * x);
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(y.grad_fn(), nullptr);
    {
      GradModeGuard enable(true);
      EXPECT_NE((x * x).grad_fn(), nullptr);
    }
  }
  EXPECT_TRUE(is_grad_enabled());
  EXPECT_NE((x * x).grad_fn(), nullptr);
}

TEST(Engine, ConstantsNeedNoGradient) {
  Variable x = leaf({2.0}, {});
  Variable c(full({}, 5.0, DType::f64));
  Variable y = x * c;
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_TRUE(y.grad_fn()->needs_grad(0));
  EXPECT_FALSE(y.grad_fn()->needs_grad(1));
  y.backward();
  EXPECT_FALSE(c.grad().defined());
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 5.0);
  EXPECT_FALSE((c * c).requires_grad());
}

TEST(Engine, DetachCutsTheGraph) {
  Variable x = leaf({3.0}, {});
  Variable h = x * x;
  Variable d = h.detach();
  EXPECT_TRUE(d.is_leaf());
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(d.value().shares_storage(h.value()));
  Variable y = d * x;  // dy/dx = d = 9 (no path through h)
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 9.0);
}

TEST(Engine, RetainGradKeepsANonLeafGradient) {
  Variable x = leaf({0.3}, {});
  Variable h = x * x;
  h.retain_grad();
  Variable y = tanh(h);
  y.backward();
  ASSERT_TRUE(h.grad().defined());
  EXPECT_NEAR(h.grad().item<double>(), 1 - std::pow(std::tanh(0.09), 2), 1e-15);
  EXPECT_TRUE(h.retains_grad());
}

TEST(Engine, NonLeafWithoutRetainGradHasNoGrad) {
  Variable x = leaf({0.3}, {});
  Variable h = x * x;
  tanh(h).backward();
  EXPECT_FALSE(h.grad().defined());
}

TEST(Engine, HooksInspectAndReplaceGradients) {
  Variable x = leaf({1.0, 2.0}, {2});
  Variable h = x * x;
  std::vector<double> seen;
  h.register_hook([&](const Tensor& g) {
    seen = values(g);
    return Tensor();  // keep
  });
  const int id = x.register_hook([](const Tensor& g) { return g * 10.0; });
  (h * leaf({3.0, 4.0}, {2})).backward(ones({2}, DType::f64));
  EXPECT_EQ(seen, (std::vector<double>{3.0, 4.0}));
  // dL/dx = 2x * [3, 4] = [6, 16], times 10 by the hook.
  EXPECT_EQ(values(x.grad()), (std::vector<double>{60.0, 160.0}));
  x.remove_hook(id);
  x.zero_grad();
  (x * x).backward(ones({2}, DType::f64));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{2.0, 4.0}));
}

TEST(Engine, BackwardInsideAHookOverTheSameNodesKeepsBothPassesRight) {
  // inner = tanh(x) feeds y = sum(tanh(inner)) and z = sum(inner * inner).
  // A hook on tanh(inner)'s gradient runs z's backward, which walks inner's
  // node too; y's pass must still send its gradient to inner afterwards.
  // dy/dx = (1 - t2^2)(1 - t1^2), dz/dx = 2 t1 (1 - t1^2), t1 = tanh(x), t2 = tanh(t1).
  Variable x = leaf({0.4, -1.1}, {2});
  Variable inner = tanh(x);
  Variable outer = tanh(inner);
  Variable y = sum(outer);
  Variable z = sum(inner * inner);
  bool ran = false;
  outer.register_hook([&](const Tensor&) {
    z.backward(BackwardOptions{.retain_graph = true});
    ran = true;
    return Tensor();
  });
  y.backward();
  ASSERT_TRUE(ran);
  const std::vector<double> got = values(x.grad());
  for (std::size_t i = 0; i < 2; ++i) {
    const double x0 = i == 0 ? 0.4 : -1.1, t1 = std::tanh(x0), t2 = std::tanh(t1);
    const double expected = (1 - t2 * t2) * (1 - t1 * t1) + 2 * t1 * (1 - t1 * t1);
    EXPECT_NEAR(got[i], expected, 1e-15) << i;
  }
}

TEST(Engine, HookReturningAWrongShapeThrows) {
  Variable x = leaf({1.0, 2.0}, {2});
  x.set_name("x");
  x.register_hook([](const Tensor&) { return zeros({3}, DType::f64); });
  expect_error([&] { (x * x).backward(ones({2}, DType::f64)); },
               {"register_hook", "'x'", "[3]", "[2]"});
}

TEST(Engine, BackwardOnALeafAccumulatesGradOut) {
  Variable x = leaf({1.0, 2.0}, {2});
  x.backward(full({2}, 0.5, DType::f64));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0.5, 0.5}));
}

TEST(Engine, ErrorsNameTheProblem) {
  Variable c(ones({2}));
  c.set_name("c");
  expect_error([&] { c.backward(); }, {"backward", "'c'", "does not require grad"});
  Variable x = leaf({1.0, 2.0}, {2});
  Variable y = x * x;
  expect_error([&] { y.backward(); }, {"backward", "one-element", "[2]"});
  expect_error([&] { y.backward(ones({3}, DType::f64)); }, {"backward", "[3]", "[2]"});
  expect_error([&] { Variable(zeros({2}, DType::i64), true); }, {"Variable", "floating", "i64"});
  expect_error([&] { y.set_requires_grad(false); }, {"set_requires_grad", "MulBackward"});
  expect_error([&] { Variable().value(); }, "undefined");
  expect_error([&] { x.set_grad(zeros({3}, DType::f64)); }, {"set_grad", "[3]", "[2]"});
  expect_error([&] { c.register_hook([](const Tensor& g) { return g; }); },
               {"register_hook", "does not require grad"});
  expect_error([&] { x.remove_hook(7); }, {"remove_hook", "7"});
}

TEST(Engine, MillionOpChainBackwardsWithoutRecursion) {
  // y_{k+1} = tanh(y_k): dy_n/dy_0 = prod (1 - y_{k+1}^2), computed alongside.
  constexpr int kDepth = 1'000'000;
  Variable x = leaf({0.5}, {});
  Variable y = x;
  double value = 0.5, derivative = 1.0;
  for (int k = 0; k < kDepth; ++k) {
    y = tanh(y);
    value = std::tanh(value);
    derivative *= 1 - value * value;
  }
  y.backward();
  EXPECT_NEAR(x.grad().item<double>(), derivative, 1e-12 + 1e-9 * std::abs(derivative));
}

TEST(Engine, MillionOpChainIsDestroyedWithoutRecursion) {
  Variable x = leaf({0.5}, {});
  {
    Variable y = x;
    for (int k = 0; k < 1'000'000; ++k) y = tanh(y);
  }  // y's graph dies here, not backwarded
  SUCCEED();
}

TEST(Engine, WideFanOutAccumulatesTenThousandGradients) {
  // y = sum_k x * c_k: dy/dx = sum_k c_k = sum_{k<n} k = n (n - 1) / 2.
  constexpr int kWidth = 10'000;
  Variable x = leaf({1.0}, {});
  Variable y = x * Variable(full({}, 0.0, DType::f64));
  for (int k = 1; k < kWidth; ++k) y = y + x * Variable(full({}, double(k), DType::f64));
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), kWidth * (kWidth - 1) / 2.0);
}

TEST(Engine, NamesReachNodesAndPrinting) {
  Variable x = leaf({1.0}, {});
  x.set_name("x");
  Variable h = tanh(x).set_name("h");
  EXPECT_EQ(h.name(), "h");
  EXPECT_EQ(h.grad_fn()->output_name(), "h");
  EXPECT_STREQ(h.grad_fn()->name(), "TanhBackward");
  std::ostringstream out;
  out << h;
  EXPECT_NE(out.str().find("'h'"), std::string::npos);
  EXPECT_NE(out.str().find("grad_fn=TanhBackward"), std::string::npos);
}

TEST(Engine, NodeInputsAreInArgumentOrder) {
  Variable a = leaf({1.0}, {});
  Variable b = leaf({2.0, 3.0}, {2});
  Variable y = a * tanh(b);
  const EdgeList& inputs = y.grad_fn()->inputs();
  ASSERT_EQ(inputs.size(), 2U);
  EXPECT_EQ(inputs[0].variable, a.impl());
  EXPECT_STREQ(inputs[1].node->name(), "TanhBackward");
  EXPECT_EQ(inputs[1].shape(), Shape({2}));
  EXPECT_EQ(inputs[0].shape(), Shape({}));  // not the output's shape: kept by the edge
  EXPECT_EQ(inputs[0].dtype, DType::f64);
  EXPECT_LT(inputs[1].node->sequence_nr(), y.grad_fn()->sequence_nr());
}

}  // namespace
}  // namespace nabla
