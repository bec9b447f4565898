// compare_gradients on a graph small enough to differentiate by hand:
//   z = w ⊙ x,  L = ½ Σ z² + 3 Σ b,  so  ∂L/∂z = z,  ∂L/∂w = z ⊙ x,  ∂L/∂b = 3.
// With x = [1, 2, 3] and w = [0.5, −1, 2]: z = [0.5, −2, 6], ∂L/∂w = [0.5, −4, 18].
// Every value is a short binary fraction, so autograd's gradients are exact.
#include "testing/gradient_comparison.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "autograd/elementwise.h"
#include "autograd/reduce.h"
#include "autograd/scope.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla {
namespace {

using test::compare_gradients;
using test::GradientComparison;
using test::NamedTensors;
using test::NamedVariables;
using test::Verdict;
using testing::expect_error;
using ::testing::HasSubstr;
using ::testing::Not;

Tensor f64(std::initializer_list<double> values) {
  return tensor(values, DType::f64);
}

// The graph of the file comment, with z made inside a module scope
// "dense (Linear)" as nn::Module's call would open it.
struct SmallGraph {
  Variable w{f64({0.5, -1, 2}), /*requires_grad=*/true};
  Variable b{f64({0.25}), /*requires_grad=*/true};
  Variable z;

  explicit SmallGraph(bool retain_z = true) {
    const autograd::Scope* net = autograd::intern_scope(nullptr, "", "Net");
    {
      autograd::ScopeGuard in_dense(autograd::intern_scope(net, "dense", "Linear"));
      z = w * f64({1, 2, 3});
    }
    if (retain_z) z.retain_grad();
    Variable loss = sum(z * z) * 0.5 + sum(b * 3.0);
    loss.backward();
  }
  NamedVariables named() const { return {{"w", w}, {"b", b}, {"z", z}}; }
};

const NamedTensors kByHand = {{"w", f64({0.5, -4, 18})}, {"b", f64({3})}, {"z", f64({0.5, -2, 6})}};

TEST(CompareGradients, ExactGradientsPassWithATable) {
  SmallGraph g;
  const GradientComparison out = compare_gradients(kByHand, g.named());
  EXPECT_TRUE(out.ok);
  ASSERT_EQ(out.rows.size(), 3u);
  for (const auto& row : out.rows) EXPECT_EQ(row.verdict, Verdict::exact) << row.name;
  EXPECT_EQ(out.headline(), "gradients match: 3 checked (3 exact, 0 close)");
  // A leaf's module is its name's prefix (none here); the non-leaf z names the
  // module whose call created it.
  EXPECT_EQ(out.table(),
            "  name  module          shape  max abs diff  max rel diff  worst index  verdict\n"
            "  w     -               [3]    0             0             -            exact\n"
            "  b     -               [1]    0             0             -            exact\n"
            "  z     dense (Linear)  [3]    0             0             -            exact\n");
  EXPECT_THAT(out.report(), HasSubstr("tolerance |manual - autograd| <= atol + rtol * |autograd|, "
                                      "rtol 1e-07, atol 1e-07\n"));
}

TEST(CompareGradients, CloseGradientsPassAsClose) {
  SmallGraph g;
  NamedTensors manual = kByHand;
  manual[0].second = f64({0.5, -4, 18 + 1e-6});  // within 1e-7 + 1e-7 * 18
  const GradientComparison out = compare_gradients(manual, g.named());
  EXPECT_TRUE(out.ok);
  EXPECT_EQ(out.rows[0].verdict, Verdict::close);
  EXPECT_EQ(out.headline(), "gradients match: 3 checked (2 exact, 1 close)");
  EXPECT_THAT(out.table(), HasSubstr("  w     -               [3]    1e-06"));
}

TEST(CompareGradients, AWrongGradientIsAMismatchWithItsWorstElement) {
  SmallGraph g;
  NamedTensors manual = kByHand;
  manual[0].second = f64({0.5, -4, 17});  // a slip in the last element
  const GradientComparison out = compare_gradients(manual, g.named());
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.rows[0].verdict, Verdict::mismatch);
  EXPECT_EQ(out.headline(), "gradients differ: 1 of 3 rows fail (1 MISMATCH)");
  // |17 − 18| = 1, relative 1/18 = 0.0556, allowed 1e-7 + 1e-7 · 18 = 1.9e-6.
  EXPECT_THAT(out.table(),
              HasSubstr("  w     -               [3]    1             0.0556        [2]          "
                        "MISMATCH\n"));
  EXPECT_THAT(out.report(), HasSubstr("  w: 1 of 3 elements differ; worst [2]: manual 17, "
                                      "autograd 18 (|diff| 1 > allowed 1.9e-06)\n"));
}

TEST(CompareGradients, AVariableWithoutAManualGradientIsMissing) {
  SmallGraph g;
  const NamedTensors manual = {kByHand[0], kByHand[2]};  // no "b"
  const GradientComparison out = compare_gradients(manual, g.named());
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.rows[1].verdict, Verdict::missing);
  EXPECT_THAT(out.table(), HasSubstr("  b     -               [1]    -             -             "
                                     "-            MISSING\n"));
  EXPECT_THAT(out.report(), HasSubstr("b: no manual gradient of this name"));
  // allow_missing checks only the gradients written by hand.
  const GradientComparison some = compare_gradients(manual, g.named(), {.allow_missing = true});
  EXPECT_TRUE(some.ok);
  EXPECT_EQ(some.rows[1].verdict, Verdict::not_checked);
  EXPECT_EQ(some.headline(), "gradients match: 2 checked (2 exact, 0 close), 1 not checked");
}

TEST(CompareGradients, AManualGradientNamingNoVariableIsExtra) {
  SmallGraph g;
  NamedTensors manual = kByHand;
  manual.push_back({"bias", f64({3, 3})});
  const GradientComparison out = compare_gradients(manual, g.named(), {.allow_missing = true});
  EXPECT_FALSE(out.ok);  // allow_missing does not excuse a misspelt name
  ASSERT_EQ(out.rows.size(), 4u);
  EXPECT_EQ(out.rows[3].name, "bias");
  EXPECT_EQ(out.rows[3].verdict, Verdict::extra);
  EXPECT_EQ(out.rows[3].shape, (Shape{2}));
  EXPECT_EQ(out.headline(), "gradients differ: 1 of 4 rows fail (1 EXTRA)");
  EXPECT_THAT(
      out.report(),
      HasSubstr("bias: a manual gradient, but no Variable of this name (the Variables: w b z)"));
}

TEST(CompareGradients, AVariableBackwardDidNotReachHasNoGrad) {
  SmallGraph g(/*retain_z=*/false);  // a non-leaf keeps no gradient without retain_grad()
  Variable unused(f64({1, 2}), /*requires_grad=*/true);
  NamedVariables named = g.named();
  named.push_back({"unused", unused});
  NamedTensors manual = kByHand;
  manual.push_back({"unused", f64({0, 0})});
  const GradientComparison out = compare_gradients(manual, named);
  EXPECT_EQ(out.rows[2].verdict, Verdict::no_grad);
  EXPECT_EQ(out.rows[3].verdict, Verdict::no_grad);
  EXPECT_EQ(out.headline(), "gradients differ: 2 of 4 rows fail (2 NO GRAD)");
  EXPECT_THAT(out.report(), HasSubstr("z: autograd left no gradient"));
  EXPECT_THAT(out.report(), HasSubstr("a non-leaf without retain_grad()"));
}

TEST(CompareGradients, ShapeDtypeAndNaNDifferencesAreMismatches) {
  SmallGraph g;
  NamedTensors manual = kByHand;
  manual[1].second = f64({3, 3});                        // b: [2] instead of [1]
  manual[0].second = tensor({0.5, -4, 18}, DType::f32);  // w: f32
  manual[2].second = f64({0.5, std::numeric_limits<double>::quiet_NaN(), 6});  // z: a NaN
  const GradientComparison out = compare_gradients(manual, g.named());
  for (const auto& row : out.rows) EXPECT_EQ(row.verdict, Verdict::mismatch) << row.name;
  const std::string report = out.report();
  EXPECT_THAT(report, HasSubstr("b: shape [2] by hand, [1] by autograd\n"));
  EXPECT_THAT(report, HasSubstr("w: dtype f32 by hand, f64 by autograd\n"));
  EXPECT_THAT(report, HasSubstr("z: 1 of 3 elements differ (1 with NaN); worst [1]: manual nan, "
                                "autograd -2\n"));
  // An undefined manual gradient is a mismatch too.
  manual[1].second = Tensor();
  EXPECT_THAT(compare_gradients(manual, g.named()).report(),
              HasSubstr("b: the manual gradient is undefined\n"));
  // Not checking dtypes compares w's values, which agree (close, not exact:
  // the dtypes differ).
  EXPECT_EQ(compare_gradients(manual, g.named(), {.check_dtype = false}).rows[0].verdict,
            Verdict::close);
  EXPECT_THAT(report, Not(HasSubstr("EXTRA")));
  EXPECT_EQ(compare_gradients(manual, g.named()).rows[1].verdict, Verdict::mismatch);
}

TEST(CompareGradients, ExplicitTolerancesApplyToEveryRow) {
  SmallGraph g;
  NamedTensors manual = kByHand;
  manual[0].second = f64({0.5, -4, 17});
  const GradientComparison out = compare_gradients(manual, g.named(), {.atol = 1});
  EXPECT_TRUE(out.ok);
  EXPECT_EQ(out.rows[0].verdict, Verdict::close);
  EXPECT_THAT(out.report(), HasSubstr("rtol 1e-07, atol 1\n"));
}

TEST(CompareGradients, LeavesNamedByPathHaveTheirModule) {
  Variable weight(f64({2}), /*requires_grad=*/true);
  sum(weight * 3.0).backward();
  const GradientComparison out =
      compare_gradients({{"block.dense.weight", f64({3})}}, {{"block.dense.weight", weight}});
  EXPECT_TRUE(out.ok);
  EXPECT_EQ(out.rows[0].module, "block.dense");
}

// Anything with named_parameters() is accepted as the module, as nn::Module is.
struct FakeModule {
  Variable weight;
  NamedVariables named_parameters() const { return {{"0.weight", weight}}; }
};

TEST(CompareGradients, AcceptsAModuleByItsNamedParameters) {
  FakeModule m{Variable(f64({1, 2}), /*requires_grad=*/true)};
  sum(m.weight * m.weight).backward();  // ∂/∂w Σ w² = 2w
  EXPECT_TRUE(compare_gradients({{"0.weight", f64({2, 4})}}, m).ok);
  EXPECT_FALSE(compare_gradients({{"0.weight", f64({1, 2})}}, m).ok);
}

TEST(CompareGradients, RejectsBadNamesAndOptions) {
  SmallGraph g;
  expect_error(
      [&] {
        compare_gradients({{"w", f64({1})}, {"w", f64({1})}}, g.named());
      },
      {"compare_gradients", "duplicate name 'w'", "manual gradient"});
  expect_error(
      [&] {
        compare_gradients(kByHand, {{"w", g.w}, {"w", g.b}});
      },
      {"compare_gradients", "duplicate name 'w'", "Variable"});
  expect_error(
      [&] {
        compare_gradients({{"", f64({1})}}, g.named());
      },
      {"compare_gradients", "manual gradient 0 is empty"});
  expect_error(
      [&] {
        compare_gradients(kByHand, {{"w", Variable()}});
      },
      {"compare_gradients", "'w' is undefined"});
  expect_error([&] { compare_gradients(kByHand, g.named(), {.rtol = -1}); },
               {"compare_gradients", "rtol", "-1"});
}

}  // namespace
}  // namespace nabla
