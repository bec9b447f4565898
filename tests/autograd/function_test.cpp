// Custom differentiable functions (autograd::Function): values and gradients
// derived by hand, broadcasting, pass-through arguments, needs_grad, grad mode
// inside forward, the saved tensors' lifetime, and the errors the engine and
// the context report.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/function.h"
#include "autograd/grad_mode.h"
#include "autograd/gradcheck.h"
#include "autograd/graph_export.h"
#include "autograd/node.h"
#include "autograd/trace.h"
#include "cube_function.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::Cube;

using autograd::FunctionContext;
using testing::expect_error;
using testing::leaf;
using testing::values;

// y = alpha * a * b with a scalar argument kept in the context;
// dy/da = alpha b, dy/db = alpha a (in the output's broadcast shape).
struct ScaledProduct : autograd::Function<ScaledProduct> {
  static constexpr const char* name = "ScaledProductBackward";
  static inline std::vector<bool> seen_in_forward;
  static inline bool grad_mode_in_forward = true;
  static Tensor forward(FunctionContext& ctx, const Tensor& a, const Tensor& b, double alpha) {
    seen_in_forward = {ctx.needs_grad(0), ctx.needs_grad(1)};
    grad_mode_in_forward = is_grad_enabled();
    ctx.save_for_backward({a, b});
    ctx.set("alpha", alpha);
    return a * b * alpha;
  }
  static GradList backward(FunctionContext& ctx, const Tensor& grad_out) {
    const Tensor& a = ctx.saved()[0];
    const Tensor& b = ctx.saved()[1];
    const double alpha = ctx.get<double>("alpha");
    return {ctx.needs_grad(0) ? grad_out * b * alpha : Tensor(),
            ctx.needs_grad(1) ? grad_out * a * alpha : Tensor()};
  }
};

// Returns a single Tensor from backward: y = 2 x, dy/dx = 2.
struct Double : autograd::Function<Double> {
  static constexpr const char* name = "DoubleBackward";
  static Tensor forward(FunctionContext&, const Tensor& x) { return x * 2.0; }
  static Tensor backward(FunctionContext&, const Tensor& grad_out) { return grad_out * 2.0; }
};

struct TooManyGradients : autograd::Function<TooManyGradients> {
  static constexpr const char* name = "TooManyGradientsBackward";
  static Tensor forward(FunctionContext&, const Tensor& x) { return x * 1.0; }
  static GradList backward(FunctionContext&, const Tensor& grad_out) {
    return {grad_out, grad_out};
  }
};

struct WrongShape : autograd::Function<WrongShape> {
  static constexpr const char* name = "WrongShapeBackward";
  static Tensor forward(FunctionContext&, const Tensor& x) { return x * 1.0; }
  static GradList backward(FunctionContext&, const Tensor&) { return {ones({4}, DType::f64)}; }
};

// Sends no gradient at all (an undefined Tensor).
struct Blocker : autograd::Function<Blocker> {
  static constexpr const char* name = "BlockerBackward";
  static Tensor forward(FunctionContext&, const Tensor& x) { return x * 1.0; }
  static GradList backward(FunctionContext&, const Tensor&) { return {Tensor()}; }
};

// log(x) computed in forward: NaN for x < 0.
struct RawLog : autograd::Function<RawLog> {
  static constexpr const char* name = "RawLogBackward";
  static Tensor forward(FunctionContext& ctx, const Tensor& x) {
    ctx.save_for_backward({x});
    return log(x);
  }
  static GradList backward(FunctionContext& ctx, const Tensor& grad_out) {
    return {grad_out / ctx.saved()[0]};
  }
};

struct Undefined : autograd::Function<Undefined> {
  static constexpr const char* name = "UndefinedBackward";
  static Tensor forward(FunctionContext&, const Tensor&) { return Tensor(); }
  static GradList backward(FunctionContext&, const Tensor&) { return {}; }
};

// An integer result (e.g. a bucket index) is not differentiable.
struct Bucket : autograd::Function<Bucket> {
  static constexpr const char* name = "BucketBackward";
  static Tensor forward(FunctionContext&, const Tensor& x) { return x.to(DType::i64); }
  static GradList backward(FunctionContext&, const Tensor&) { return {}; }
};

TEST(Function, CubeValueAndGradient) {
  // y = x^3, dy/dx = 3 x^2: [0.75, 12, 6.75] for x = [0.5, -2, 1.5].
  Variable x = leaf({0.5, -2.0, 1.5}, {3});
  Variable y = Cube::apply(x);
  EXPECT_EQ(values(y.value()), (std::vector<double>{0.125, -8.0, 3.375}));
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_STREQ(y.grad_fn()->name(), "CubeBackward");
  y.backward(ones({3}, DType::f64));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0.75, 12.0, 6.75}));
}

TEST(Function, ComposesWithBuiltInOps) {
  // L = tanh(x^3 * w): dL/dx = (1 - tanh(x^3 w)^2) w 3 x^2, dL/dw = (1 - tanh^2) x^3.
  const double x0 = 0.7, w0 = -0.4;
  Variable x = leaf({x0}, {});
  Variable w = leaf({w0}, {});
  Variable loss = tanh(Cube::apply(x) * w);
  loss.backward();
  const double t = std::tanh(x0 * x0 * x0 * w0);
  EXPECT_NEAR(x.grad().item<double>(), (1 - t * t) * w0 * 3 * x0 * x0, 1e-15);
  EXPECT_NEAR(w.grad().item<double>(), (1 - t * t) * x0 * x0 * x0, 1e-15);
}

TEST(Function, UsedTwiceAccumulates) {
  // y = cube(x) * cube(x) = x^6, dy/dx = 6 x^5 = 6 * 32 = 192 at x = 2.
  Variable x = leaf({2.0}, {});
  Variable y = Cube::apply(x) * Cube::apply(x);
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 192.0);
}

TEST(Function, PassThroughArgumentsAndBroadcasting) {
  // y = 3 a b with a [2, 3] and b [3]: dL/db_j = 3 sum_i a_ij (grad_out = 1),
  // summed to b's shape by the engine; dL/da_ij = 3 b_j.
  Variable a = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  Variable b = leaf({-1, 0.5, 2}, {3});
  Variable y = ScaledProduct::apply(a, b, 3.0);
  EXPECT_EQ(values(y.value()), (std::vector<double>{-3, 3, 18, -12, 7.5, 36}));
  y.backward(ones({2, 3}, DType::f64));
  EXPECT_EQ(b.grad().shape(), Shape({3}));
  EXPECT_EQ(values(b.grad()), (std::vector<double>{15, 21, 27}));
  EXPECT_EQ(values(a.grad()), (std::vector<double>{-3, 1.5, 6, -3, 1.5, 6}));
}

TEST(Function, NeedsGradAndGradModeInForward) {
  Variable a = leaf({1, 2}, {2});
  Variable b(from_vector(std::vector<double>{3, 4}, {2}));  // a constant
  Variable y = ScaledProduct::apply(a, b, 1.0);
  EXPECT_EQ(ScaledProduct::seen_in_forward, (std::vector<bool>{true, false}));
  EXPECT_FALSE(ScaledProduct::grad_mode_in_forward);  // forward records nothing
  EXPECT_TRUE(is_grad_enabled());                     // and apply restores grad mode
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_TRUE(y.grad_fn()->needs_grad(0));
  EXPECT_FALSE(y.grad_fn()->needs_grad(1));
  y.backward(ones({2}, DType::f64));
  EXPECT_EQ(values(a.grad()), (std::vector<double>{3, 4}));
  EXPECT_FALSE(b.grad().defined());
}

TEST(Function, NothingIsRecordedUnderNoGradOrForConstants) {
  Variable x = leaf({1, 2}, {2});
  {
    NoGradGuard no_grad;
    Variable y = ScaledProduct::apply(x, x, 2.0);
    EXPECT_EQ(y.grad_fn(), nullptr);
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(ScaledProduct::seen_in_forward, (std::vector<bool>{false, false}));
  }
  // Tensors are taken as constants.
  Variable c = Cube::apply(from_vector(std::vector<double>{2.0}, {1}));
  EXPECT_EQ(c.grad_fn(), nullptr);
  EXPECT_EQ(values(c.value()), (std::vector<double>{8.0}));
  Variable mixed = ScaledProduct::apply(x, ones({2}, DType::f64), 1.0);
  ASSERT_NE(mixed.grad_fn(), nullptr);
  EXPECT_EQ(mixed.grad_fn()->inputs().size(), 2U);
  EXPECT_FALSE(mixed.grad_fn()->needs_grad(1));
}

TEST(Function, BackwardMayReturnOneTensor) {
  Variable x = leaf({1, 2}, {2});
  Double::apply(x).backward(from_vector(std::vector<double>{1, 10}, {2}));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{2, 20}));
}

TEST(Function, AnUndefinedGradientMeansNoGradient) {
  Variable x = leaf({1, 2}, {2});
  Variable y = Blocker::apply(x) + x;  // only the direct path reaches x
  y.backward(ones({2}, DType::f64));
  EXPECT_EQ(values(x.grad()), (std::vector<double>{1, 1}));
}

TEST(Function, SavedTensorsAreFreedByBackward) {
  Variable x = leaf({1.0, 2.0}, {2});
  Variable y = Cube::apply(x);
  ASSERT_EQ(y.grad_fn()->saved_tensors().size(), 1U);
  EXPECT_TRUE(y.grad_fn()->saved_tensors()[0].shares_storage(x.value()));
  y.backward(ones({2}, DType::f64));
  EXPECT_TRUE(y.grad_fn()->released());
  EXPECT_TRUE(y.grad_fn()->saved_tensors().empty());
  expect_error([&] { y.backward(ones({2}, DType::f64)); },
               {"backward", "second time", "CubeBackward", "retain_graph"});
}

TEST(Function, RetainGraphKeepsTheContext) {
  // Twice dy/dx = 2 * 3 x^2 = 24 at x = 2, and the scalar in the context survives.
  Variable x = leaf({2.0}, {});
  Variable y = Cube::apply(x);
  y.backward({.retain_graph = true});
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item<double>(), 24.0);
  Variable a = leaf({2.0}, {});
  Variable z = ScaledProduct::apply(a, a, 0.5);  // z = a^2 / 2, dz/da = a
  z.backward({.retain_graph = true});
  z.backward();
  EXPECT_DOUBLE_EQ(a.grad().item<double>(), 4.0);
}

TEST(Function, EngineRejectsAWrongNumberOfGradients) {
  Variable x = leaf({1, 2}, {2});
  Variable y = TooManyGradients::apply(x);
  expect_error([&] { y.backward(ones({2}, DType::f64)); },
               {"backward", "TooManyGradientsBackward", "returned 2 gradients for 1 inputs"});
}

TEST(Function, EngineRejectsAGradientOfTheWrongShape) {
  Variable x = leaf({1, 2, 3}, {3});
  Variable y = WrongShape::apply(x);
  expect_error([&] { y.backward(ones({3}, DType::f64)); },
               {"backward", "WrongShapeBackward", "[4]", "input 0", "[3]"});
}

TEST(Function, AnomalyModeChecksTheCustomForward) {
  Variable x = leaf({1.0, -1.0}, {2}, "x");
  {
    autograd::AnomalyGuard anomaly;
    expect_error([&] { RawLog::apply(x); },
                 {"anomaly", "RawLogBackward", "nan", "index [1]", "'x' (leaf) [2]"});
    EXPECT_NO_THROW(RawLog::apply(leaf({1.0, 2.0}, {2})));
  }
  EXPECT_FALSE(autograd::is_anomaly_enabled());
  Variable y = RawLog::apply(x);  // off by default: the NaN goes through
  EXPECT_TRUE(std::isnan(values(y.value())[1]));
}

TEST(Function, ForwardMustReturnATensor) {
  Variable x = leaf({1.0}, {});
  expect_error([&] { Undefined::apply(x); }, {"UndefinedBackward", "undefined"});
}

TEST(Function, NonFloatingOutputIsAConstant) {
  Variable x = leaf({1.0, 2.0}, {2});
  Variable y = Bucket::apply(x);
  EXPECT_EQ(y.dtype(), DType::i64);
  EXPECT_EQ(y.grad_fn(), nullptr);
  EXPECT_FALSE(y.requires_grad());
}

TEST(Function, ContextValuesAndErrors) {
  FunctionContext ctx("MyBackward", {true});
  ctx.set("alpha", 2.5);
  ctx.set("dims", std::vector<std::int64_t>{0, 1});
  EXPECT_TRUE(ctx.has("alpha"));
  EXPECT_FALSE(ctx.has("beta"));
  EXPECT_DOUBLE_EQ(ctx.get<double>("alpha"), 2.5);
  EXPECT_EQ(ctx.get<std::vector<std::int64_t>>("dims").size(), 2U);
  EXPECT_EQ(ctx.num_inputs(), 1U);
  EXPECT_TRUE(ctx.needs_grad(0));
  expect_error([&] { ctx.get<double>("beta"); }, {"MyBackward", "ctx.get(\"beta\")", "ctx.set"});
  expect_error([&] { ctx.get<int>("alpha"); }, {"MyBackward", "ctx.get(\"alpha\")", "double"});
  expect_error([&] { ctx.needs_grad(3); }, {"MyBackward", "needs_grad(3)", "1 input"});
  ctx.save_for_backward({ones({2})});
  ctx.release();
  EXPECT_TRUE(ctx.released());
  EXPECT_FALSE(ctx.has("alpha"));
  expect_error([&] { ctx.saved(); }, {"MyBackward", "freed", "retain_graph"});
}

TEST(Function, ShowsUpInTheGraphExport) {
  Variable x = leaf({1.0, 2.0}, {2}, "x");
  Variable y = Cube::apply(x).set_name("y");
  const std::string dot = autograd::to_dot(y, {.show_saved = true});
  EXPECT_NE(dot.find("CubeBackward\\n'y' [2]\\nsaved: [2]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("leaf0 -> op0;"), std::string::npos) << dot;
}

TEST(Function, PassesGradcheck) {
  Generator gen(7);
  const autograd::GradcheckResult cube =
      autograd::gradcheck([](const std::vector<Variable>& v) { return Cube::apply(v[0]); },
                          {randn({2, 3}, gen, DType::f64)});
  EXPECT_TRUE(cube.ok) << cube.report();
  const autograd::GradcheckResult product = autograd::gradcheck(
      [](const std::vector<Variable>& v) { return ScaledProduct::apply(v[0], v[1], -1.5); },
      {randn({2, 3}, gen, DType::f64), randn({2, 1}, gen, DType::f64)});
  EXPECT_TRUE(product.ok) << product.report();
}

}  // namespace
}  // namespace nabla
