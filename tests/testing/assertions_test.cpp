// The GoogleTest assertions pass on agreeing tensors and gradients, and fail —
// once, fatally for ASSERT_*, with the comparison's report — on every kind of
// disagreement: values, shapes, dtypes, NaN, missing and extra gradient names.
#include "testing/assertions.h"

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/reduce.h"
#include "failures.h"
#include "tensor/factory.h"
#include "testing/testing.h"

namespace nabla {
namespace {

using test::NamedTensors;
using test::NamedVariables;
using test::TensorNear;
using ::testing::ElementsAre;
using testing::failures_of;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Tensor f64(std::initializer_list<double> values) {
  return tensor(values, DType::f64);
}

TEST(ExpectTensorNear, PassesOnCloseTensorsAndVariables) {
  const Tensor expected = f64({1, 2, 3});
  EXPECT_TENSOR_NEAR(f64({1, 2, 3 + 1e-8}), expected);
  EXPECT_TENSOR_NEAR(Variable(expected), expected);
  EXPECT_TENSOR_NEAR(expected, Variable(expected.clone()));
  ASSERT_TENSOR_NEAR(expected, expected);
  EXPECT_TENSOR_NEAR(f64({1, 2, 3.4}), expected, .atol = 0.5);
  EXPECT_TENSOR_NEAR(f64({1, 2, 3.4}), expected, .rtol = 0.2, .atol = 0);
}

TEST(ExpectTensorNear, FailsOnceWithTheReportOnDifferentValues) {
  const Tensor actual = f64({1, 2, 3.5});
  const Tensor expected = f64({1, 2, 3});
  const auto failures = failures_of([&] { EXPECT_TENSOR_NEAR(actual, expected); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_FALSE(failures[0].fatal);
  const std::string& message = failures[0].message;
  EXPECT_THAT(message, HasSubstr("actual is not close to expected: tensors differ at 1 of 3 "
                                 "elements (33.3%)"));
  EXPECT_THAT(message, HasSubstr("worst element [2]: actual 3.5, expected 3"));
  EXPECT_THAT(message, HasSubstr("max abs diff 0.5 at [2]"));
  EXPECT_THAT(message, HasSubstr("expected: tensor([1.0000, 2.0000, 3.0000]"));
}

TEST(ExpectTensorNear, ShapeAndDtypeDifferencesAreFailuresNotExceptions) {
  const Tensor a = zeros({2, 3});
  const Tensor b = zeros({3, 2});
  auto failures = failures_of([&] { EXPECT_TENSOR_NEAR(a, b); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_THAT(failures[0].message,
              HasSubstr("tensors differ in shape: actual [2, 3], expected [3, 2]"));
  const Tensor c = zeros({2, 3}, DType::f64);
  failures = failures_of([&] { EXPECT_TENSOR_NEAR(a, c); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_THAT(failures[0].message, HasSubstr("tensors differ in dtype: actual f32, expected f64"));
  EXPECT_TENSOR_NEAR(a, c, .check_dtype = false);
  failures = failures_of([&] { EXPECT_TENSOR_NEAR(Tensor(), a); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_THAT(failures[0].message, HasSubstr("actual tensor is undefined"));
}

TEST(ExpectTensorNear, NaNFailsUnlessEqualNan) {
  const Tensor a = f64({1, kNaN});
  const auto failures = failures_of([&] { EXPECT_TENSOR_NEAR(a, a); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_THAT(failures[0].message, HasSubstr("1 of them NaN"));
  EXPECT_THAT(failures[0].message, HasSubstr("CompareOptions::equal_nan"));
  EXPECT_TENSOR_NEAR(a, a, .equal_nan = true);
  EXPECT_EQ(failures_of([&] { EXPECT_TENSOR_NEAR(a, f64({1, 2}), .equal_nan = true); }).size(), 1u);
}

TEST(AssertTensorNear, FailsFatallyAndStopsTheTest) {
  const Tensor a = f64({1});
  const Tensor b = f64({2});
  bool went_on = false;
  const auto failures = failures_of([&] {
    ASSERT_TENSOR_NEAR(a, b);
    went_on = true;
  });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(failures[0].fatal);
  EXPECT_FALSE(went_on);
  EXPECT_THAT(failures[0].message, HasSubstr("a is not close to b"));
}

// GoogleTest's own spi macros, which need statics.
TEST(AssertTensorNear, ReportsThroughGoogleTestSpi) {
  static const Tensor kOne = f64({1});
  static const Tensor kTwo = f64({2});
  EXPECT_NONFATAL_FAILURE(EXPECT_TENSOR_NEAR(kOne, kTwo), "tensors differ at 1 of 1 element");
  EXPECT_FATAL_FAILURE(ASSERT_TENSOR_NEAR(kOne, kTwo), "kOne is not close to kTwo");
}

TEST(TensorNearMatcher, MatchesAndExplains) {
  const Tensor expected = f64({1, 2});
  EXPECT_THAT(f64({1, 2 + 1e-9}), TensorNear(expected));
  EXPECT_THAT(Variable(expected), TensorNear(expected));
  EXPECT_THAT(f64({1, 3}), Not(TensorNear(expected)));
  EXPECT_THAT(f64({1, 2.5}), TensorNear(expected, {.atol = 0.5}));
  const std::vector<Tensor> grads = {f64({1}), f64({2, 3})};
  EXPECT_THAT(grads, ElementsAre(TensorNear(f64({1})), TensorNear(f64({2, 3}))));

  const Tensor off = f64({1, 3});
  const auto failures = failures_of([&] { EXPECT_THAT(off, TensorNear(expected)); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_THAT(failures[0].message, HasSubstr("is close to tensor([1.0000, 2.0000]"));
  EXPECT_THAT(failures[0].message, HasSubstr("worst element [1]: actual 3, expected 2"));
  EXPECT_THAT(::testing::DescribeMatcher<Tensor>(Not(TensorNear(expected))),
              HasSubstr("is not close to tensor("));
}

// z = w ⊙ x, L = Σ z: ∂L/∂w = x and ∂L/∂z = 1.
struct Graph {
  Variable w{f64({0.5, -1}), /*requires_grad=*/true};
  Variable z;
  Graph() {
    z = w * f64({3, 4});
    z.retain_grad();
    sum(z).backward();
  }
};

TEST(ExpectGradientsMatch, PassesOnHandWrittenGradients) {
  Graph g;
  const NamedTensors manual = {{"w", f64({3, 4})}, {"z", f64({1, 1})}};
  const NamedVariables named = {{"w", g.w}, {"z", g.z}};
  EXPECT_GRADIENTS_MATCH(manual, named);
  ASSERT_GRADIENTS_MATCH(manual, named, .rtol = 0, .atol = 0);
  const NamedTensors only_w = {{"w", f64({3, 4})}};
  EXPECT_GRADIENTS_MATCH(only_w, named, .allow_missing = true);
}

TEST(ExpectGradientsMatch, FailsWithTheTable) {
  Graph g;
  const NamedVariables named = {{"w", g.w}, {"z", g.z}};
  const NamedTensors wrong = {{"w", f64({3, 5})}, {"z", f64({1, 1})}};
  auto failures = failures_of([&] { EXPECT_GRADIENTS_MATCH(wrong, named); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_FALSE(failures[0].fatal);
  const std::string& message = failures[0].message;
  EXPECT_THAT(message, HasSubstr("the gradients of wrong do not match those autograd left in "
                                 "named: gradients differ: 1 of 2 rows fail (1 MISMATCH)"));
  EXPECT_THAT(message, HasSubstr("name  module  shape  max abs diff"));
  EXPECT_THAT(message, HasSubstr("w: 1 of 2 elements differ; worst [1]: manual 5, autograd 4"));

  const NamedTensors misspelt = {{"w", f64({3, 4})}, {"zz", f64({1, 1})}};
  failures = failures_of([&] { EXPECT_GRADIENTS_MATCH(misspelt, named); });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_THAT(failures[0].message, HasSubstr("(1 MISSING, 1 EXTRA)"));
  EXPECT_THAT(failures[0].message, HasSubstr("z: no manual gradient of this name"));
  EXPECT_THAT(failures[0].message, HasSubstr("zz: a manual gradient, but no Variable"));

  bool went_on = false;
  failures = failures_of([&] {
    ASSERT_GRADIENTS_MATCH(wrong, named);
    went_on = true;
  });
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(failures[0].fatal);
  EXPECT_FALSE(went_on);
}

// The same through GoogleTest's spi macros (which need statics): a misspelt name is
// one MISSING and one EXTRA row.
TEST(ExpectGradientsMatch, ReportsThroughGoogleTestSpi) {
  static const Graph kGraph;
  static const NamedVariables kNamed = {{"w", kGraph.w}, {"z", kGraph.z}};
  static const NamedTensors kMisspelt = {{"w", f64({3, 4})}, {"zz", f64({1, 1})}};
  EXPECT_NONFATAL_FAILURE(EXPECT_GRADIENTS_MATCH(kMisspelt, kNamed),
                          "zz: a manual gradient, but no Variable of this name");
  EXPECT_FATAL_FAILURE(ASSERT_GRADIENTS_MATCH(kMisspelt, kNamed), "(1 MISSING, 1 EXTRA)");
}

struct OneParameter {
  Variable weight{f64({2}), /*requires_grad=*/true};
  NamedVariables named_parameters() const { return {{"weight", weight}}; }
};

TEST(ExpectGradientsMatch, AcceptsAModule) {
  OneParameter m;
  sum(m.weight * 5.0).backward();
  const NamedTensors manual = {{"weight", f64({5})}};
  EXPECT_GRADIENTS_MATCH(manual, m);
  const NamedTensors wrong = {{"weight", f64({4})}};
  EXPECT_EQ(failures_of([&] { EXPECT_GRADIENTS_MATCH(wrong, m); }).size(), 1u);
}

TEST(TestingHeader, BringsGradcheckToo) {
  // d/dx Σ x³ = 3x², checked against central differences.
  EXPECT_GRADCHECK([](const std::vector<Variable>& in) { return sum(in[0] * in[0] * in[0]); },
                   {f64({0.5, -1.5})});
}

}  // namespace
}  // namespace nabla
