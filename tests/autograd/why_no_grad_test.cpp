// The why-no-grad explainer: one test per cause (requires_grad off, NoGradGuard,
// detach, not on the path and where it breaks, a dead ReLU, a saturated sigmoid
// or tanh, a clamp, another zero rule, cancelling paths, a released graph, a
// non-zero gradient), the module that is named, and what is left as it was.
#include "autograd/why_no_grad.h"

#include <gtest/gtest.h>

#include <vector>

#include "autograd/elementwise.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "autograd/linalg.h"
#include "autograd/node.h"
#include "autograd/reduce.h"
#include "autograd/scope.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla::autograd {
namespace {

using testing::expect_error;
using ::testing::HasSubstr;
using testing::values;

Variable f64_leaf(Tensor value) {
  return Variable(value.to(DType::f64), /*requires_grad=*/true);
}

// y = x^2 whose rule forgot everything: it sends back zeros.
struct ForgetfulSquare : Function<ForgetfulSquare> {
  static constexpr const char* name = "ForgetfulSquareBackward";
  static Tensor forward(FunctionContext&, const Tensor& x) { return x * x; }
  static GradList backward(FunctionContext&, const Tensor& grad_out) {
    return {zeros_like(grad_out)};
  }
};

TEST(WhyNoGrad, ANonZeroGradientIsSaid) {
  Variable x = f64_leaf(tensor({1.0, -3.0, 2.0}));
  Variable loss = sum(x * x);
  const NoGradExplanation e = why_no_grad(loss, x);
  EXPECT_EQ(e.cause, NoGradCause::nonzero);
  EXPECT_DOUBLE_EQ(e.max_abs_grad, 6.0);  // d sum(x^2)/dx = 2x, largest |2 · -3|
  EXPECT_THAT(e.report(), HasSubstr("why_no_grad: nonzero: the gradient is non-zero"));
}

TEST(WhyNoGrad, ALeafWithoutRequiresGrad) {
  Variable w(tensor({1.0, 2.0}, DType::f64));
  Variable x = f64_leaf(tensor({3.0, 4.0}));
  const NoGradExplanation e = why_no_grad(sum(w * x), w);
  EXPECT_EQ(e.cause, NoGradCause::requires_grad_off);
  EXPECT_THAT(e.message, HasSubstr("requires_grad = false"));
}

TEST(WhyNoGrad, AVariableComputedUnderNoGradGuardNamesItsOpAndModule) {
  Variable x = f64_leaf(tensor({0.5, 1.0}));
  const Scope* layer = intern_scope(intern_scope(nullptr, "", "Model"), "act", "Tanh");
  Variable h;
  {
    NoGradGuard no_grad;
    ScopeGuard in_layer(layer);
    h = tanh(x);
  }
  const NoGradExplanation e = why_no_grad(sum(h * x), h);
  EXPECT_EQ(e.cause, NoGradCause::no_grad_mode);
  EXPECT_EQ(e.node, "TanhBackward");
  EXPECT_EQ(e.module, "act (Tanh)");
  EXPECT_THAT(e.message, HasSubstr("NoGradGuard"));
}

TEST(WhyNoGrad, ADetachedCopyNamesTheNodeItWasCutFrom) {
  Variable x = f64_leaf(tensor({0.5, 1.0}));
  Variable h = tanh(x);
  Variable d = h.detach();
  const NoGradExplanation e = why_no_grad(sum(d * x), d);
  EXPECT_EQ(e.cause, NoGradCause::detached);
  EXPECT_EQ(e.node, "TanhBackward");
  EXPECT_THAT(e.message, HasSubstr("detach()"));
}

TEST(WhyNoGrad, NotOnThePathBreaksAtADetach) {
  Variable x = f64_leaf(tensor({0.5, 1.0}));
  Variable w = f64_leaf(tensor({2.0, 3.0}));
  Variable h = tanh(x);
  Variable loss = sum(h.detach() * w);
  const NoGradExplanation e = why_no_grad(loss, x);
  EXPECT_EQ(e.cause, NoGradCause::not_on_path);
  EXPECT_EQ(e.node, "MulBackward");  // the op that reads the detached copy
  EXPECT_THAT(e.message, HasSubstr("input 0 of MulBackward is a copy cut by detach() from the "
                                   "output of TanhBackward, and v is behind it"));
}

TEST(WhyNoGrad, NotOnThePathBreaksAtAValueComputedUnderNoGradGuard) {
  Variable x = f64_leaf(tensor({0.5, 1.0}));
  Variable w = f64_leaf(tensor({2.0, 3.0}));
  Variable h;
  {
    NoGradGuard no_grad;
    h = exp(x);
  }
  const NoGradExplanation e = why_no_grad(sum(w * h), x);
  EXPECT_EQ(e.cause, NoGradCause::not_on_path);
  EXPECT_EQ(e.node, "MulBackward");
  EXPECT_THAT(e.message, HasSubstr("input 1 of MulBackward was computed while grad mode was off "
                                   "(NoGradGuard) by the op that records ExpBackward"));
}

TEST(WhyNoGrad, NotOnThePathAndNotUsed) {
  Variable x = f64_leaf(tensor({0.5, 1.0}));
  Variable w = f64_leaf(tensor({2.0, 3.0}));
  const NoGradExplanation e = why_no_grad(sum(exp(w)), x);
  EXPECT_EQ(e.cause, NoGradCause::not_on_path);
  EXPECT_EQ(e.node, "");
  EXPECT_THAT(e.message, HasSubstr("none of the loss's 2 nodes reads it"));
}

// x [4, 3] · w [3, 2] + b, then relu, then · w2 [2, 1]: with b = -100 both
// units are negative for every row.
struct ReluNet {
  Tensor x =
      tensor({{1.0, 2.0, 0.5}, {0.0, 1.0, -1.0}, {2.0, 0.5, 1.5}, {-1.0, 1.0, 0.0}}, DType::f64);
  Variable w = f64_leaf(tensor({{0.5, -0.25}, {0.75, 0.5}, {-0.5, 1.0}}));
  Variable w2 = f64_leaf(from_vector(std::vector<double>{1.0, 2.0}, {2, 1}));
  Variable loss(const Variable& b) { return sum(matmul(relu(matmul(x, w) + b), w2)); }
};

TEST(WhyNoGrad, AReluDeadForTheWholeBatch) {
  ReluNet net;
  Variable b = f64_leaf(tensor({-100.0, -100.0}));
  const NoGradExplanation e = why_no_grad(net.loss(b), net.w);
  EXPECT_EQ(e.cause, NoGradCause::dead_relu);
  EXPECT_EQ(e.node, "ReluBackward");
  EXPECT_DOUBLE_EQ(e.fraction, 1.0);  // both units, all four rows
  EXPECT_EQ(e.max_abs_grad, 0.0);
  EXPECT_THAT(e.message, HasSubstr("100% of its 2 units output 0 for all 4 rows"));
  EXPECT_THAT(e.message, HasSubstr("dead for the whole batch"));
}

TEST(WhyNoGrad, AHalfDeadReluWhoseLiveUnitGetsNoGradient) {
  ReluNet net;
  net.w2 = f64_leaf(from_vector(std::vector<double>{1.0, 0.0},
                                {2, 1}));  // the live unit 1 reaches the loss with weight 0
  Variable b = f64_leaf(tensor({-100.0, 100.0}));
  const NoGradExplanation e = why_no_grad(net.loss(b), net.w);
  EXPECT_EQ(e.cause, NoGradCause::dead_relu);
  EXPECT_DOUBLE_EQ(e.fraction, 0.5);
  EXPECT_THAT(e.message, HasSubstr("50% of its 2 units output 0 for all 4 rows"));
  EXPECT_THAT(e.message, HasSubstr("the gradient reaching the live ones is zero"));
}

TEST(WhyNoGrad, ASaturatedSigmoidOrTanh) {
  // In f32, sigmoid(40) and tanh(40) are exactly 1: their derivatives are 0.
  Variable w(tensor({40.0, 50.0}), /*requires_grad=*/true);
  Variable x(tensor({1.0, 1.0}));
  const NoGradExplanation s = why_no_grad(sum(sigmoid(w * x)), w);
  EXPECT_EQ(s.cause, NoGradCause::saturated);
  EXPECT_EQ(s.node, "SigmoidBackward");
  EXPECT_DOUBLE_EQ(s.fraction, 1.0);
  EXPECT_THAT(s.message, HasSubstr("y(1 - y) = 0"));
  const NoGradExplanation t = why_no_grad(sum(tanh(w * x)), w);
  EXPECT_EQ(t.cause, NoGradCause::saturated);
  EXPECT_EQ(t.node, "TanhBackward");
}

TEST(WhyNoGrad, AClampWithEveryElementOutsideItsRange) {
  Variable w = f64_leaf(tensor({2.0, 3.0, 5.0}));
  const NoGradExplanation e = why_no_grad(sum(clamp(w * 2.0, -1.0, 1.0)), w);
  EXPECT_EQ(e.cause, NoGradCause::clamped);
  EXPECT_EQ(e.node, "ClampBackward");
  EXPECT_DOUBLE_EQ(e.fraction, 1.0);
}

TEST(WhyNoGrad, ARuleThatSendsBackZeroIsNamed) {
  Variable w = f64_leaf(tensor({2.0, 3.0}));
  const Scope* layer = intern_scope(intern_scope(nullptr, "", "Model"), "2", "Square");
  Variable y;
  {
    ScopeGuard in_layer(layer);
    y = ForgetfulSquare::apply(w);
  }
  const NoGradExplanation e = why_no_grad(sum(y), w);
  EXPECT_EQ(e.cause, NoGradCause::zero_rule);
  EXPECT_EQ(e.node, "ForgetfulSquareBackward");
  EXPECT_EQ(e.module, "2 (Square)");
  EXPECT_THAT(e.message, HasSubstr("ForgetfulSquareBackward in module 2 (Square)"));
  const NoGradExplanation sign_rule = why_no_grad(sum(sign(w)), w);
  EXPECT_EQ(sign_rule.cause, NoGradCause::zero_rule);
  EXPECT_THAT(sign_rule.message, HasSubstr("sign is flat everywhere"));
}

TEST(WhyNoGrad, PathsThatCancel) {
  Variable w = f64_leaf(tensor({2.0, 3.0}));
  const NoGradExplanation e = why_no_grad(sum(w * 2.0) - sum(w + w), w);
  EXPECT_EQ(e.cause, NoGradCause::cancelled);
}

TEST(WhyNoGrad, AReleasedGraphIsSaid) {
  Variable w = f64_leaf(tensor({2.0, 3.0}));
  Variable loss = sum(tanh(w));
  loss.backward();
  const NoGradExplanation e = why_no_grad(loss, w);
  EXPECT_EQ(e.cause, NoGradCause::released);
  EXPECT_THAT(e.message, HasSubstr("retain_graph"));
}

TEST(WhyNoGrad, ANonLeafVariable) {
  Variable w = f64_leaf(tensor({40.0, -50.0}));
  Variable h = w * 1.0;
  const NoGradExplanation live = why_no_grad(sum(h * h), h);
  EXPECT_EQ(live.cause, NoGradCause::nonzero);
  EXPECT_DOUBLE_EQ(live.max_abs_grad, 100.0);  // 2 h
  const NoGradExplanation dead = why_no_grad(sum(relu(h * -1.0) * 0.0 + relu(h - 100.0)), h);
  EXPECT_NE(dead.cause, NoGradCause::nonzero);
}

TEST(WhyNoGrad, LeavesTheGradientsHooksAndGraphAsTheyWere) {
  Variable w = f64_leaf(tensor({2.0, 3.0}));
  Variable x = f64_leaf(tensor({1.0, -1.0}));
  x.set_grad(tensor({7.0, 7.0}, DType::f64));
  Variable h = tanh(w * x);
  h.retain_grad();
  Variable loss = sum(h * 2.0);
  const std::size_t hooks = h.grad_fn()->hooks().size();
  why_no_grad(loss, w);
  EXPECT_FALSE(w.grad().defined());
  EXPECT_EQ(values(x.grad()), (std::vector<double>{7.0, 7.0}));
  EXPECT_FALSE(h.grad().defined());
  EXPECT_EQ(h.grad_fn()->hooks().size(), hooks);
  loss.backward();  // the graph was not released
  EXPECT_EQ(values(h.grad()), (std::vector<double>{2.0, 2.0}));
}

TEST(WhyNoGrad, Errors) {
  Variable w = f64_leaf(tensor({2.0, 3.0}));
  expect_error([&] { why_no_grad(Variable(), w); }, {"why_no_grad", "loss is undefined"});
  expect_error([&] { why_no_grad(sum(w), Variable()); }, {"why_no_grad", "undefined"});
  expect_error([&] { why_no_grad(w * 2.0, w); },
               {"why_no_grad", "the loss has shape [2]", "options.grad_out"});
  expect_error([&] { why_no_grad(w * 2.0, w, {.grad_out = ones({3}, DType::f64)}); },
               {"why_no_grad", "grad_out has shape [3] but the loss has shape [2]"});
  expect_error([&] { why_no_grad(sum(w), w, {.tolerance = -1}); },
               {"why_no_grad", "tolerance must be non-negative"});
  // A loss with several elements and its grad_out.
  EXPECT_EQ(why_no_grad(w * 2.0, w, {.grad_out = ones({2}, DType::f64)}).cause,
            NoGradCause::nonzero);
}

}  // namespace
}  // namespace nabla::autograd
