// gradcheck itself: it passes for a correct custom function and fails, with a
// report that points at the wrong element, for a deliberately wrong backward;
// projection mode, unchecked and integer inputs, layouts, and error cases.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/function.h"
#include "autograd/gradcheck.h"
#include "autograd/gradcheck_gtest.h"
#include "autograd/node.h"
#include "autograd/reduce.h"
#include "autograd/shape_ops.h"
#include "cube_function.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::Cube;

using autograd::FunctionContext;
using autograd::gradcheck;
using autograd::GradcheckOptions;
using autograd::GradcheckResult;
using testing::expect_error;
using ::testing::HasSubstr;
using testing::values;

// y = x^3 with the classic slip dy/dx = 2 x^2 (the exponent rule half-applied).
struct WrongCube : autograd::Function<WrongCube> {
  static constexpr const char* name = "WrongCubeBackward";
  static Tensor forward(FunctionContext& ctx, const Tensor& x) {
    ctx.save_for_backward({x});
    return x * x * x;
  }
  static GradList backward(FunctionContext& ctx, const Tensor& grad_out) {
    const Tensor& x = ctx.saved()[0];
    return {grad_out * 2.0 * x * x};
  }
};

// y = a * b whose gradient for b wrongly uses b instead of a.
struct WrongProduct : autograd::Function<WrongProduct> {
  static constexpr const char* name = "WrongProductBackward";
  static Tensor forward(FunctionContext& ctx, const Tensor& a, const Tensor& b) {
    ctx.save_for_backward({a, b});
    return a * b;
  }
  static GradList backward(FunctionContext& ctx, const Tensor& grad_out) {
    const Tensor& b = ctx.saved()[1];
    return {grad_out * b, grad_out * b};
  }
};

// y = x * float(k) for an integer tensor k, which gets no gradient.
struct IntegerScale : autograd::Function<IntegerScale> {
  static constexpr const char* name = "IntegerScaleBackward";
  static Tensor forward(FunctionContext& ctx, const Tensor& x, const Tensor& k) {
    Tensor scale = k.to(x.dtype());
    ctx.save_for_backward({scale});
    return x * scale;
  }
  static GradList backward(FunctionContext& ctx, const Tensor& grad_out) {
    return {grad_out * ctx.saved()[0], Tensor()};
  }
};

// A backward that produces NaN.
struct NanBackward : autograd::Function<NanBackward> {
  static constexpr const char* name = "NanBackward";
  static Tensor forward(FunctionContext&, const Tensor& x) { return x * 1.0; }
  static GradList backward(FunctionContext&, const Tensor& grad_out) {
    return {grad_out * std::numeric_limits<double>::quiet_NaN()};
  }
};

// Options are set field by field: GradcheckOptions' vectors have no default
// member initializers, so a designated initializer omitting them would warn.
GradcheckOptions with_names(std::vector<std::string> names) {
  GradcheckOptions options;
  options.names = std::move(names);
  return options;
}
GradcheckOptions with_check(std::vector<bool> check, std::vector<std::string> names = {}) {
  GradcheckOptions options;
  options.check = std::move(check);
  options.names = std::move(names);
  return options;
}
GradcheckOptions with_max_full_outputs(std::int64_t n) {
  GradcheckOptions options;
  options.max_full_outputs = n;
  return options;
}

Variable cube(const std::vector<Variable>& v) {
  return Cube::apply(v[0]);
}
Variable wrong_cube(const std::vector<Variable>& v) {
  return WrongCube::apply(v[0]);
}

TEST(Gradcheck, PassesForACorrectFunction) {
  Generator gen(1);
  const Tensor x = randn({2, 3}, gen, DType::f64);
  const std::vector<double> before = values(x);
  const GradcheckResult result = gradcheck(cube, {x}, with_names({"x"}));
  EXPECT_TRUE(result.ok) << result.report();
  EXPECT_TRUE(static_cast<bool>(result));
  EXPECT_EQ(result.nodes, (std::vector<std::string>{"CubeBackward"}));
  ASSERT_EQ(result.inputs.size(), 1U);
  EXPECT_TRUE(result.inputs[0].checked);
  EXPECT_EQ(result.inputs[0].name, "x");
  EXPECT_EQ(result.inputs[0].shape, Shape({2, 3}));
  EXPECT_LT(result.inputs[0].max_abs_error, 1e-7);
  EXPECT_THAT(result.report(), HasSubstr("gradcheck passed (nodes: CubeBackward)"));
  EXPECT_THAT(result.report(), HasSubstr("input 0 'x' [2, 3]: ok, max abs error"));
  EXPECT_EQ(values(x), before);  // the caller's tensor is never perturbed
}

TEST(Gradcheck, FailsForAWrongBackwardAndPointsAtTheWorstElement) {
  // The Jacobian is diagonal: analytic 2 x^2 = [0.5, 8, 0.02] against numeric
  // 3 x^2 = [0.75, 12, 0.03]. The largest error is |8 - 12| = 4 at x[1]; every
  // diagonal element is off by a third, so the max relative error is 1/3. The
  // worst element is the one with the largest error relative to the tolerance
  // atol + rtol |numeric|: 4 / (1e-5 + 0.012) beats 0.25 / 0.00076 and
  // 0.01 / 0.00004, so it is x[1] for output [1].
  const Tensor x = from_vector(std::vector<double>{0.5, -2.0, 0.1}, {3});
  const GradcheckResult result = gradcheck(wrong_cube, {x}, with_names({"x"}));
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(static_cast<bool>(result));
  ASSERT_EQ(result.inputs.size(), 1U);
  const autograd::GradcheckInputReport& r = result.inputs[0];
  EXPECT_FALSE(r.ok);
  EXPECT_NEAR(r.max_abs_error, 4.0, 1e-6);
  EXPECT_NEAR(r.max_rel_error, 1.0 / 3.0, 1e-6);
  EXPECT_EQ(r.worst_index, Shape({1}));
  EXPECT_EQ(r.worst_output_index, Shape({1}));
  EXPECT_DOUBLE_EQ(r.analytic, 8.0);
  EXPECT_NEAR(r.numeric, 12.0, 1e-6);
  const std::string report = result.report();
  EXPECT_THAT(report, HasSubstr("gradcheck FAILED (nodes: WrongCubeBackward)\n"));
  EXPECT_THAT(report, HasSubstr("input 0 'x' [3]: MISMATCH, max abs error 4, max rel error "
                                "0.333333; worst at input index [1] / output [1]: analytic 8 vs "
                                "numeric 12\n"));
  std::ostringstream printed;
  printed << result;
  EXPECT_EQ(printed.str(), report);
  // The GoogleTest helper carries the report as its failure message.
  const ::testing::AssertionResult assertion = autograd::gradcheck_passes(result);
  EXPECT_FALSE(assertion);
  EXPECT_THAT(assertion.message(), HasSubstr("worst at input index [1]"));
}

TEST(Gradcheck, ReportsEachInputSeparately) {
  // d(ab)/da = b is right, d(ab)/db = a is returned as b: only input 1 fails.
  const Tensor a = from_vector(std::vector<double>{1.0, 2.0}, {2});
  const Tensor b = from_vector(std::vector<double>{-3.0, 0.5}, {2});
  const GradcheckResult result =
      gradcheck([](const auto& v) { return WrongProduct::apply(v[0], v[1]); }, {a, b},
                with_names({"a", "b"}));
  EXPECT_FALSE(result.ok);
  ASSERT_EQ(result.inputs.size(), 2U);
  EXPECT_TRUE(result.inputs[0].ok);
  EXPECT_FALSE(result.inputs[1].ok);
  // analytic b = [-3, 0.5] vs numeric a = [1, 2]: errors 4 and 1.5.
  EXPECT_NEAR(result.inputs[1].max_abs_error, 4.0, 1e-6);
  EXPECT_EQ(result.inputs[1].worst_index, Shape({0}));
  EXPECT_THAT(result.report(), HasSubstr("input 0 'a' [2]: ok"));
  EXPECT_THAT(result.report(), HasSubstr("input 1 'b' [2]: MISMATCH"));
}

TEST(Gradcheck, UncheckedInputsAreConstants) {
  const Tensor a = from_vector(std::vector<double>{1.0, 2.0}, {2});
  const Tensor b = from_vector(std::vector<double>{-3.0, 0.5}, {2});
  bool b_required_grad = true;
  const GradcheckResult result = gradcheck(
      [&](const std::vector<Variable>& v) {
        b_required_grad = v[1].requires_grad();
        return WrongProduct::apply(v[0], v[1]);
      },
      {a, b}, with_check({true, false}, {"a", "b"}));
  EXPECT_TRUE(result.ok) << result.report();  // the wrong gradient for b is never compared
  EXPECT_FALSE(b_required_grad);
  EXPECT_FALSE(result.inputs[1].checked);
  EXPECT_THAT(result.report(), HasSubstr("input 1 'b' [2]: not checked"));
}

TEST(Gradcheck, IntegerInputsAreLeftUnchecked) {
  const Tensor x = from_vector(std::vector<double>{0.5, -1.0, 2.0}, {3});
  const Tensor k = from_vector(std::vector<std::int64_t>{2, 0, -1}, {3});
  auto fn = [](const std::vector<Variable>& v) { return IntegerScale::apply(v[0], v[1]); };
  const GradcheckResult result = gradcheck(fn, {x, k});
  EXPECT_TRUE(result.ok) << result.report();
  EXPECT_TRUE(result.inputs[0].checked);
  EXPECT_FALSE(result.inputs[1].checked);
  expect_error(
      [&] {
        gradcheck(fn, {x, k}, with_check({true, true}));
      },
      {"gradcheck", "input 1", "i64", "cannot be checked"});
}

TEST(Gradcheck, ProjectionsForALargeOutput) {
  // 300 outputs exceed max_full_outputs (256): the rows of the Jacobian are
  // replaced by 3 random projections v^T J, so the worst "output" is a
  // projection number, not an index into the [20, 15] output.
  Generator gen(2);
  const Tensor x = randn({20, 15}, gen, DType::f64);
  const GradcheckResult good = gradcheck(cube, {x});
  EXPECT_TRUE(good.ok) << good.report();
  const GradcheckResult bad = gradcheck(wrong_cube, {x});
  EXPECT_FALSE(bad.ok);
  ASSERT_EQ(bad.inputs[0].worst_output_index.size(), 1U);
  EXPECT_LT(bad.inputs[0].worst_output_index[0], 3);
  // The worst element is found by its input index all the same.
  EXPECT_EQ(bad.inputs[0].worst_index.size(), 2U);
  // With full Jacobians (a higher limit) the output index is 2-d again.
  const GradcheckResult full = gradcheck(wrong_cube, {x}, with_max_full_outputs(300));
  EXPECT_FALSE(full.ok);
  EXPECT_EQ(full.inputs[0].worst_output_index.size(), 2U);
}

TEST(Gradcheck, ProjectionCatchesAnErrorInOneElement) {
  // Projections are random combinations, so an error in a single element of a
  // small output is caught too when max_full_outputs forces them.
  const Tensor x = from_vector(std::vector<double>{0.3, -0.7, 1.1, 0.2, 0.9, -1.3}, {2, 3});
  EXPECT_TRUE(gradcheck(cube, {x}, with_max_full_outputs(4)).ok);
  const GradcheckResult bad = gradcheck(wrong_cube, {x}, with_max_full_outputs(4));
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.inputs[0].worst_output_index.size(), 1U);
}

TEST(Gradcheck, LayoutsAndDtypes) {
  // An f64 transposed view is checked with its strides; an f32 input is
  // converted to f64 first.
  Generator gen(3);
  Tensor xt = transpose(randn({4, 3}, gen, DType::f64), 0, 1);
  ASSERT_FALSE(xt.is_contiguous());
  bool saw_non_contiguous = false;
  const GradcheckResult strided = gradcheck(
      [&](const std::vector<Variable>& v) {
        saw_non_contiguous = saw_non_contiguous || !v[0].value().is_contiguous();
        return Cube::apply(v[0]);
      },
      {xt});
  EXPECT_TRUE(strided.ok) << strided.report();
  EXPECT_TRUE(saw_non_contiguous);
  EXPECT_EQ(strided.inputs[0].shape, Shape({3, 4}));
  DType seen = DType::f32;
  const GradcheckResult from_f32 = gradcheck(
      [&](const std::vector<Variable>& v) {
        seen = v[0].dtype();
        return Cube::apply(v[0]);
      },
      {randn({3}, gen)});
  EXPECT_TRUE(from_f32.ok) << from_f32.report();
  EXPECT_EQ(seen, DType::f64);
}

TEST(Gradcheck, NanGradientFails) {
  const GradcheckResult result = gradcheck([](const auto& v) { return NanBackward::apply(v[0]); },
                                           {from_vector(std::vector<double>{1.0, 2.0}, {2})});
  EXPECT_FALSE(result.ok);
  EXPECT_TRUE(std::isnan(result.inputs[0].analytic));
  EXPECT_THAT(result.report(), HasSubstr("MISMATCH"));
}

TEST(Gradcheck, Errors) {
  const Tensor one = from_vector(std::vector<double>{1.0}, {1});
  expect_error([&] { gradcheck(cube, {expand(one, {3})}); },
               {"gradcheck", "input 0", "[3]", "stride 0"});
  expect_error(
      [&] { gradcheck([](const auto&) { return Variable(zeros({2}, DType::i64)); }, {one}); },
      {"gradcheck", "floating"});
  expect_error([&] { gradcheck([](const auto&) { return Variable(); }, {one}); },
               {"gradcheck", "floating"});
  expect_error(
      [&] {
        gradcheck(cube, {one}, with_check({true, false}));
      },
      {"gradcheck", "2 entries", "1 inputs"});
  GradcheckOptions zero_eps;
  zero_eps.eps = 0;
  expect_error([&] { gradcheck(cube, {one}, zero_eps); }, {"gradcheck", "eps"});
  expect_error([&] { gradcheck(autograd::GradcheckFn(), {one}); }, {"gradcheck", "empty"});
}

}  // namespace
}  // namespace nabla
