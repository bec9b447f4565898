// The node-wise gradient check: a wrong rule is found and named (with its
// input and the worst element of its Jacobian, computed here by hand), correct
// graphs pass in f64 and f32, inputs that are one value are checked together,
// kinks are left out, random ops are replayed with the same draws, state is
// restored, and misuse is reported.
#include "autograd/node_check.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/function.h"
#include "autograd/linalg.h"
#include "autograd/nn_ops.h"
#include "autograd/reduce.h"
#include "autograd/scope.h"
#include "cube_function.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla::autograd {
namespace {

using testing::Cube;
using testing::expect_error;
using ::testing::HasSubstr;
using testing::values;

// y = x^3 with the slip dy/dx = 2x instead of 3x^2.
struct WrongCube : Function<WrongCube> {
  static constexpr const char* name = "WrongCubeBackward";
  static Tensor forward(FunctionContext& ctx, const Tensor& x) {
    ctx.save_for_backward({x});
    return x * x * x;
  }
  static GradList backward(FunctionContext& ctx, const Tensor& grad_out) {
    return {grad_out * 2.0 * ctx.saved()[0]};
  }
};

// y = x^3 with a rule 1% too large: 3.03 x^2.
struct SlightlyWrongCube : Function<SlightlyWrongCube> {
  static constexpr const char* name = "SlightlyWrongCubeBackward";
  static Tensor forward(FunctionContext& ctx, const Tensor& x) {
    ctx.save_for_backward({x});
    return x * x * x;
  }
  static GradList backward(FunctionContext& ctx, const Tensor& grad_out) {
    const Tensor& x = ctx.saved()[0];
    return {grad_out * 3.03 * x * x};
  }
};

// y = 2x whose backward returns a gradient too many.
struct TwoGradients : Function<TwoGradients> {
  static constexpr const char* name = "TwoGradientsBackward";
  static Tensor forward(FunctionContext&, const Tensor& x) { return x * 2.0; }
  static GradList backward(FunctionContext&, const Tensor& grad_out) {
    return {grad_out * 2.0, grad_out};
  }
};

std::size_t count(const NodeCheckResult& result, NodeCheckStatus status) {
  std::size_t n = 0;
  for (const NodeInputCheck& c : result.checks) n += c.status == status;
  return n;
}

TEST(NodeCheck, NamesTheWrongRuleItsInputAndTheWorstElement) {
  // h = x · I = x, y = h^3 with the rule 2h: the Jacobian of the cube is
  // diag(3 h^2) = diag(3, 12, 27, 48), the rule's diag(2 h) = diag(2, 4, 6, 8).
  const Tensor x = tensor({{1.0, 2.0}, {3.0, 4.0}}, DType::f64);
  Variable w(eye(2, -1, DType::f64), /*requires_grad=*/true);
  w.set_name("w");
  NodeCheckResult result = check_nodes([&] { return sum(WrongCube::apply(matmul(x, w))); });

  ASSERT_FALSE(result.ok) << result.report();
  EXPECT_EQ(result.nodes, 3u);
  ASSERT_EQ(result.checks.size(), 3u);  // matmul's w, the cube's input, the sum's input
  EXPECT_EQ(count(result, NodeCheckStatus::failed), 1u) << result.report();
  const NodeInputCheck* failure = result.first_failure();
  ASSERT_NE(failure, nullptr);
  EXPECT_EQ(failure->node, 2u);
  EXPECT_EQ(failure->name, "WrongCubeBackward");
  EXPECT_EQ(failure->op, "custom function");
  EXPECT_EQ(failure->input, 0u);
  EXPECT_EQ(failure->source, "MatmulBackward #1");
  EXPECT_EQ(failure->input_shape, (Shape{2, 2}));
  // The worst element relative to its bound |3h^2 - 2h| / (atol + rtol 3h^2)
  // is the largest h = 4, at [1, 1] in both input and output.
  EXPECT_TRUE(failure->localised);
  EXPECT_EQ(failure->worst_input_index, (Shape{1, 1}));
  EXPECT_EQ(failure->worst_output_index, (Shape{1, 1}));
  EXPECT_NEAR(failure->analytic, 8.0, 1e-12);
  EXPECT_NEAR(failure->numeric, 48.0, 1e-5);
  EXPECT_NEAR(failure->max_abs_error, 40.0, 1e-5);
  EXPECT_EQ(result.checks[0].name, "MatmulBackward");
  EXPECT_EQ(result.checks[0].source, "'w' (leaf)");
  EXPECT_EQ(result.checks[0].status, NodeCheckStatus::passed);
  EXPECT_EQ(result.checks[2].name, "SumBackward");
  EXPECT_EQ(result.checks[2].status, NodeCheckStatus::passed);

  const std::string report = result.report();
  EXPECT_THAT(report, HasSubstr("node check FAILED: 3 inputs of 3 nodes, 1 failed"));
  EXPECT_THAT(report, HasSubstr("first failure: #2 WrongCubeBackward (custom function), input 0 "
                                "from MatmulBackward #1 [2, 2]: MISMATCH"));
  EXPECT_THAT(report, HasSubstr("worst at input index [1, 1] / output [1, 1]: analytic 8 vs "
                                "numeric 48"));
}

TEST(NodeCheck, ChecksAnF32GraphInF64) {
  const Tensor x = tensor({{1.0, 2.0}, {3.0, 4.0}});
  Variable w(eye(2), /*requires_grad=*/true);
  const NodeCheckResult wrong = check_nodes([&] { return sum(WrongCube::apply(matmul(x, w))); });
  ASSERT_FALSE(wrong.ok);
  EXPECT_EQ(wrong.first_failure()->name, "WrongCubeBackward");
  EXPECT_EQ(wrong.first_failure()->dtype, DType::f32);
  // The numeric side in f64: 3 h^2 at h = 4 to far better than f32 differences give.
  EXPECT_NEAR(wrong.first_failure()->numeric, 48.0, 1e-5);

  const NodeCheckResult right = check_nodes([&] { return sum(Cube::apply(matmul(x, w))); });
  EXPECT_TRUE(right.ok) << right.report();
  // The leaves are back in f32 with their values.
  EXPECT_EQ(w.dtype(), DType::f32);
  EXPECT_EQ(values(w.value()), values(eye(2)));
}

TEST(NodeCheck, ACorrectGraphPassesInF64AndF32) {
  for (DType dtype : {DType::f64, DType::f32}) {
    Generator gen(3);
    Variable x(randn({3, 4}, gen, dtype), /*requires_grad=*/true);
    Variable w(randn({4, 2}, gen, dtype), /*requires_grad=*/true);
    Variable b(randn({2}, gen, dtype), /*requires_grad=*/true);
    const NodeCheckResult result = check_nodes(
        [&] { return mean(tanh(matmul(x, w) + b)) + sum(exp(x)) / 10.0 + sum(sigmoid(b)); });
    EXPECT_TRUE(result.ok) << result.report();
    // matmul (x, w), add (product, b), tanh, mean, exp, sum, div, sigmoid, sum
    // and two adds (two inputs each): 15 inputs need a gradient.
    EXPECT_EQ(result.nodes, 11u);
    EXPECT_EQ(result.checks.size(), 15u);
    EXPECT_EQ(count(result, NodeCheckStatus::passed), 15u) << result.report();
    EXPECT_EQ(result.checks[0].dtype, dtype);
    // Capture excluded: one reference replay and two per checked input.
    EXPECT_EQ(result.replays, 1u + 2u * 15u);
  }
}

TEST(NodeCheck, ARuleOffByOnePercentIsCaught) {
  Generator gen(5);
  Variable x(rand({3, 3}, gen, DType::f64) + 1.0, /*requires_grad=*/true);
  const NodeCheckResult result = check_nodes([&] { return sum(SlightlyWrongCube::apply(x)); });
  ASSERT_FALSE(result.ok);
  EXPECT_EQ(result.first_failure()->name, "SlightlyWrongCubeBackward");
  // Each Jacobian element is 3.03 x^2 against 3 x^2: 1% off.
  EXPECT_NEAR(result.first_failure()->analytic / result.first_failure()->numeric, 1.01, 1e-6);
}

TEST(NodeCheck, TheFullJacobianAgreesOnACorrectGraph) {
  Variable x(tensor({{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}}, DType::f64), true);
  NodeCheckOptions options;
  options.full = true;
  const NodeCheckResult result = check_nodes(
      [&] {
        return sum(softmax(x, 1) * tensor({1.0, 2.0, 3.0}, DType::f64));
      },
      options);
  EXPECT_TRUE(result.ok) << result.report();
  ASSERT_FALSE(result.checks.empty());
  EXPECT_TRUE(result.checks[0].localised);
  // Two replays per input element of softmax's input.
  EXPECT_GE(result.replays, 1u + 2u * 6u);
}

TEST(NodeCheck, InputsThatAreOneValueAreCheckedTogether) {
  Variable x(tensor({1.0, -2.0, 3.0}, DType::f64), true);
  const NodeCheckResult result = check_nodes([&] { return sum(x * x); });
  EXPECT_TRUE(result.ok) << result.report();
  ASSERT_EQ(result.checks.size(), 2u);  // mul's two inputs as one, the sum's
  EXPECT_EQ(result.checks[0].name, "MulBackward");
  EXPECT_THAT(result.checks[0].note, HasSubstr("one value with input 1"));
}

TEST(NodeCheck, KinksAreLeftOut) {
  // relu at exactly 0: the central difference there is |u| / 2, the rule's 0.
  Variable x(tensor({-1.0, 0.0, 2.0}, DType::f64), true);
  const NodeCheckResult result = check_nodes([&] { return sum(relu(x) * x); });
  EXPECT_TRUE(result.ok) << result.report();
  ASSERT_EQ(result.checks[0].name, "ReluBackward");
  EXPECT_EQ(result.checks[0].kinks, 1);
}

TEST(NodeCheck, DropoutDrawsTheSameMaskInEveryRunAndTheGeneratorIsLeftAsItWas) {
  manual_seed(11);
  Variable x(randn({4, 8}, DType::f64), true);
  const std::uint64_t offset = default_generator().offset();
  const NodeCheckResult result = check_nodes([&] { return sum(tanh(dropout(x, 0.5, true))); });
  EXPECT_TRUE(result.ok) << result.report();
  ASSERT_EQ(result.checks[0].name, "DropoutBackward");
  EXPECT_EQ(result.checks[0].status, NodeCheckStatus::passed);
  EXPECT_EQ(default_generator().offset(), offset);
}

TEST(NodeCheck, ARandomOpOnAnUnlistedGeneratorIsSkippedAndSpoilsNothing) {
  Generator own(7);
  Variable x(randn({4, 8}, own, DType::f64), true);
  auto fn = [&] { return sum(tanh(dropout(x, 0.5, true, &own))); };
  const NodeCheckResult unlisted = check_nodes(fn);
  EXPECT_TRUE(unlisted.ok) << unlisted.report();
  ASSERT_EQ(unlisted.checks[0].name, "DropoutBackward");
  EXPECT_EQ(unlisted.checks[0].status, NodeCheckStatus::skipped);
  EXPECT_THAT(unlisted.checks[0].note, HasSubstr("differs when replayed"));
  EXPECT_EQ(unlisted.checks[1].name, "TanhBackward");  // replayed at its captured input
  EXPECT_EQ(unlisted.checks[1].status, NodeCheckStatus::passed);

  NodeCheckOptions options;
  options.generators = {&own};
  const NodeCheckResult listed = check_nodes(fn, options);
  EXPECT_TRUE(listed.ok) << listed.report();
  EXPECT_EQ(listed.checks[0].status, NodeCheckStatus::passed);
}

TEST(NodeCheck, TensorsInRestoreAreRestored) {
  Tensor calls = zeros({1}, DType::f64);
  Variable x(tensor({0.5, 1.5}, DType::f64), true);
  NodeCheckOptions options;
  options.restore = {calls};
  const NodeCheckResult result = check_nodes(
      [&] {
        calls.add_(1.0);
        return sum(exp(x));
      },
      options);
  EXPECT_TRUE(result.ok);
  EXPECT_EQ(values(calls), std::vector<double>{0.0});
}

TEST(NodeCheck, AVariableMadeBeforeTheCallIsPerturbedLikeALeaf) {
  Variable x(tensor({0.5, -1.5}, DType::f64), true);
  Variable h = tanh(x);  // a node the function did not create
  Variable w(tensor({2.0, 3.0}, DType::f64), true);
  const NodeCheckResult result = check_nodes([&] { return sum(h * w); });
  EXPECT_TRUE(result.ok) << result.report();
  ASSERT_EQ(result.nodes, 2u);  // mul and sum: tanh is not the function's
  EXPECT_EQ(result.checks[0].source, "a Variable made before the call by TanhBackward");
  EXPECT_EQ(result.checks[0].status, NodeCheckStatus::passed);
}

TEST(NodeCheck, ALeafCreatedInsideTheFunctionIsSkipped) {
  const NodeCheckResult result = check_nodes([] {
    Variable w(tensor({1.0, 2.0}, DType::f64), /*requires_grad=*/true);
    return sum(exp(w));
  });
  ASSERT_EQ(result.checks[0].name, "ExpBackward");
  EXPECT_EQ(result.checks[0].status, NodeCheckStatus::skipped);
  EXPECT_THAT(result.checks[0].note, HasSubstr("create it before calling check_nodes"));
}

TEST(NodeCheck, NodesOffThePathToTheResultAreNotChecked) {
  Variable x(tensor({0.5, 1.5}, DType::f64), true);
  Variable unused;
  const NodeCheckResult result = check_nodes([&] {
    unused = exp(x);
    return sum(tanh(x));
  });
  EXPECT_EQ(result.nodes, 3u);
  ASSERT_EQ(result.checks.size(), 2u);
  EXPECT_EQ(result.checks[0].name, "TanhBackward");
  EXPECT_EQ(result.checks[0].node, 2u);  // #1 is the exp
}

TEST(NodeCheck, NamesTheModuleScope) {
  const Scope* model = intern_scope(nullptr, "", "Model");
  const Scope* dense = intern_scope(model, "dense", "Linear");
  Variable x(tensor({0.5, 1.5}, DType::f64), true);
  const NodeCheckResult result = check_nodes([&] {
    ScopeGuard in_model(model);
    Variable h;
    {
      ScopeGuard in_dense(dense);
      h = WrongCube::apply(x);
    }
    return sum(h);
  });
  ASSERT_FALSE(result.ok);
  EXPECT_EQ(result.first_failure()->module, "dense (Linear)");
  EXPECT_THAT(result.report(), HasSubstr("WrongCubeBackward (custom function) in dense (Linear)"));
  EXPECT_EQ(result.checks[1].module, "Model");
}

TEST(NodeCheck, ARuleWithTheWrongNumberOfGradientsFails) {
  Variable x(tensor({0.5, 1.5}, DType::f64), true);
  const NodeCheckResult result = check_nodes([&] { return TwoGradients::apply(x); });
  ASSERT_FALSE(result.ok);
  EXPECT_EQ(result.first_failure()->note, "the rule returned 2 gradients for 1 inputs");
}

TEST(NodeCheck, Errors) {
  Variable x(tensor({0.5, 1.5}, DType::f64), true);
  auto fn = [&] { return sum(exp(x)); };
  expect_error([] { check_nodes(nullptr); }, {"check_nodes", "empty"});
  expect_error([&] { check_nodes(fn, {.eps = 0}); }, {"check_nodes", "eps must be positive"});
  expect_error([&] { check_nodes(fn, {.projections = 0}); },
               {"check_nodes", "projections must be at least 1, got 0"});
  expect_error([&] { check_nodes(fn, {.generators = {nullptr}}); },
               {"check_nodes", "null generator"});
  expect_error([] { check_nodes([] { return Variable(); }); },
               {"check_nodes", "defined floating Variable"});
  expect_error([] { check_nodes([] { return Variable(tensor({1.0})); }); },
               {"check_nodes", "recorded no node", "nothing to check"});
  int calls = 0;
  expect_error(
      [&] { check_nodes([&] { return sum(++calls == 1 ? exp(x) : tanh(x)); }); },
      {"check_nodes", "recorded TanhBackward as its node #1 where the capture recorded ExpBackward",
       "same ops on every call"});
  calls = 0;
  expect_error([&] { check_nodes([&] { return ++calls == 1 ? sum(exp(x)) : sum(exp(exp(x))); }); },
               {"check_nodes", "same ops"});
  calls = 0;
  expect_error(
      [&] {
        check_nodes([&] {
          NABLA_CHECK(++calls == 1, "user_fn", "fails on its second call");
          return sum(exp(x));
        });
      },
      {"check_nodes", "failed when replayed", "user_fn: fails on its second call"});
}

}  // namespace
}  // namespace nabla::autograd
