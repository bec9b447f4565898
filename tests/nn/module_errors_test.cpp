// Errors that say where: a nabla::Error raised inside a module's call names
// the innermost module's path and the line that called the outermost module,
// once, after the original message; errors raised outside modules are
// unchanged.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "autograd/linalg.h"
#include "autograd/node.h"
#include "autograd/scope.h"
#include "autograd/trace.h"
#include "nn/activation_modules.h"
#include "nn/linear.h"
#include "nn/sequential.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::nn {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// y = x·W with a plain matmul, so a wrong input shape raises matmul's own
// error, which names both operands' shapes.
class Projection : public Module {
 public:
  Projection(std::int64_t in, std::int64_t out)
      : weight(register_parameter("weight", ones({in, out}, DType::f64))) {}
  Variable forward(const Variable& x) override { return matmul(x, weight); }
  Variable weight;
};

// A block holding a Projection under the name "dense".
class Block : public Module {
 public:
  Block(std::int64_t in, std::int64_t out)
      : dense(register_module("dense", std::make_shared<Projection>(in, out))) {}
  Variable forward(const Variable& x) override { return dense(x) * 2.0; }
  Submodule<Projection> dense;
};

// log(x): a NaN for a negative input, which anomaly mode reports.
class Log : public Module {
 public:
  Variable forward(const Variable& x) override { return log(x); }
};

LinearOptions f64() {
  return {.dtype = DType::f64};
}

// How many times `part` occurs in `text`.
int count(const std::string& text, const std::string& part) {
  int n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// Calls `f` and returns the nabla::Error it throws (fails the test otherwise).
template <class F>
Error error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no nabla::Error was thrown";
  return Error("none");
}

TEST(ModuleErrors, AShapeErrorInASequentialsThirdLayerNamesItAndTheCall) {
  Sequential model(Linear(4, 3, f64()), ReLU(), Projection(5, 2));
  const Variable x(ones({2, 4}, DType::f64));
  const std::uint_least32_t line = __LINE__ + 1;
  const Error e = error_of([&] { model(x); });

  // The message as raised, with both shapes, comes first and is kept.
  EXPECT_THAT(e.message(), HasSubstr("matmul"));
  EXPECT_THAT(e.message(), HasSubstr("[2, 3]"));
  EXPECT_THAT(e.message(), HasSubstr("[5, 2]"));
  EXPECT_THAT(e.what(), ::testing::StartsWith(e.message()));

  ASSERT_NE(e.context(), nullptr);
  EXPECT_EQ(e.context()->module_path, "2");
  EXPECT_EQ(e.context()->module_type, "Projection");
  EXPECT_EQ(e.context()->model_type, "Sequential");
  EXPECT_EQ(e.context()->file, __FILE__);
  EXPECT_EQ(e.context()->line, line);
  EXPECT_THAT(e.what(), HasSubstr("\n  in 2 (Projection), inside the Sequential called at " +
                                  std::string(__FILE__) + ":" + std::to_string(line)));
}

TEST(ModuleErrors, NestedModulesNameTheInnermostPathAndTheOutermostCallOnce) {
  Sequential model(Linear(4, 3, f64()), ReLU(), Block(5, 2));
  const Variable x(ones({2, 4}, DType::f64));
  const std::uint_least32_t line = __LINE__ + 1;
  const Error e = error_of([&] { model(x); });

  ASSERT_NE(e.context(), nullptr);
  EXPECT_EQ(e.context()->module_path, "2.dense");
  EXPECT_EQ(e.context()->module_type, "Projection");
  // The line of model(x) here, not that of dense(x) in Block::forward or of
  // Sequential::forward's call of the block.
  EXPECT_EQ(e.context()->file, __FILE__);
  EXPECT_EQ(e.context()->line, line);
  const std::string what = e.what();
  EXPECT_THAT(what, HasSubstr("[2, 3]"));
  EXPECT_THAT(what, HasSubstr("[5, 2]"));
  EXPECT_THAT(what, HasSubstr("in 2.dense (Projection), inside the Sequential called at " +
                              std::string(__FILE__) + ":" + std::to_string(line)));
  // Three modules were left on the way out; the context is written once.
  EXPECT_EQ(count(what, "\n  in "), 1);
  EXPECT_EQ(count(what, "called at"), 1);
}

TEST(ModuleErrors, ALayersOwnCheckNamesItsPath) {
  Sequential model(Linear(4, 3, f64()), Linear(5, 2, f64()));
  const Error e = error_of([&] { model(ones({2, 4}, DType::f64)); });
  EXPECT_THAT(e.message(), HasSubstr("Linear: expected input with 5 features"));
  EXPECT_THAT(e.what(), HasSubstr("in 1 (Linear), inside the Sequential called at"));
}

TEST(ModuleErrors, ADtypeErrorNamesTheModuleAndBothDtypes) {
  // The last layer holds f32 weights; the f64 activations reach it.
  Sequential model(Linear(4, 3, f64()), ReLU(), Linear(3, 2));
  const std::uint_least32_t line = __LINE__ + 1;
  const Error e = error_of([&] { model(ones({2, 4}, DType::f64)); });
  EXPECT_THAT(e.message(), HasSubstr("f64"));
  EXPECT_THAT(e.message(), HasSubstr("f32"));
  ASSERT_NE(e.context(), nullptr);
  EXPECT_EQ(e.context()->module_path, "2");
  EXPECT_EQ(e.context()->module_type, "Linear");
  EXPECT_EQ(e.context()->line, line);
  EXPECT_THAT(e.what(), HasSubstr("in 2 (Linear), inside the Sequential called at"));
}

TEST(ModuleErrors, TheOutermostModuleNamesItselfWhenItRaises) {
  Projection model(5, 2);
  const std::uint_least32_t line = __LINE__ + 1;
  const Error e = error_of([&] { model(ones({2, 3}, DType::f64)); });
  ASSERT_NE(e.context(), nullptr);
  EXPECT_EQ(e.context()->module_path, "");
  EXPECT_EQ(e.context()->module_type, "Projection");
  EXPECT_THAT(e.what(), HasSubstr("\n  in the Projection called at " + std::string(__FILE__) + ":" +
                                  std::to_string(line)));
}

TEST(ModuleErrors, ASubmoduleHandleCalledOutsideAModelNamesItsCaller) {
  Submodule<Sequential> model(
      std::make_shared<Sequential>(Linear(4, 3, f64()), ReLU(), Projection(5, 2)));
  const std::uint_least32_t line = __LINE__ + 1;
  const Error e = error_of([&] { model(ones({2, 4}, DType::f64)); });
  ASSERT_NE(e.context(), nullptr);
  EXPECT_EQ(e.context()->file, __FILE__);
  EXPECT_EQ(e.context()->line, line);
  EXPECT_EQ(e.context()->module_path, "2");
}

TEST(ModuleErrors, AnErrorOutsideEveryModuleIsUnchanged) {
  const Variable a(ones({2, 3}, DType::f64));
  const Variable b(ones({5, 2}, DType::f64));
  const Error e = error_of([&] { matmul(a, b); });
  EXPECT_EQ(e.context(), nullptr);
  EXPECT_STREQ(e.what(), e.message());
  EXPECT_THAT(e.what(), HasSubstr("matmul"));
  EXPECT_THAT(e.what(), Not(HasSubstr("called at")));

  // Nor does a model's earlier failure leak into a later error.
  Sequential model(Projection(5, 2));
  EXPECT_THROW(model(a), Error);
  const Error after = error_of([&] { matmul(a, b); });
  EXPECT_EQ(after.context(), nullptr);
  EXPECT_STREQ(after.what(), after.message());
}

TEST(ModuleErrors, AnomalyInAModulesForwardNamesTheModule) {
  const autograd::AnomalyGuard anomaly;
  Sequential model(Linear(2, 2, f64()), Log());
  Variable x(from_vector(std::vector<double>{-1.0, -2.0}, {1, 2}));
  // A zero weight and a bias of -1 make the Linear's output negative.
  {
    NoGradGuard no_grad;
    model.at<Linear>(0)->weight.value().zero_();
    model.at<Linear>(0)->bias.value().fill_(-1.0);
  }
  const std::uint_least32_t line = __LINE__ + 1;
  const Error e = error_of([&] { model(x); });
  EXPECT_THAT(e.message(), HasSubstr("anomaly: the forward of Log"));
  ASSERT_NE(e.context(), nullptr);
  EXPECT_EQ(e.context()->module_path, "1");
  EXPECT_EQ(e.context()->module_type, "Log");
  EXPECT_EQ(e.context()->line, line);
  EXPECT_THAT(e.what(), HasSubstr("in 1 (Log), inside the Sequential called at"));
}

TEST(ModuleErrors, TheModelWorksAgainAfterAnError) {
  Sequential model(Linear(4, 3, f64()), ReLU(), Projection(3, 2));
  EXPECT_THROW(model(ones({2, 5}, DType::f64)), Error);
  EXPECT_EQ(autograd::current_scope(), nullptr);
  const Variable y = model(ones({2, 4}, DType::f64));
  EXPECT_EQ(y.shape(), Shape({2, 2}));
  ASSERT_NE(y.grad_fn(), nullptr);
  ASSERT_NE(y.grad_fn()->scope(), nullptr);
  EXPECT_EQ(y.grad_fn()->scope()->path, "2");
}

TEST(ModuleErrors, OtherExceptionsPassThroughUnchanged) {
  Sequential model(Linear(2, 2, f64()));
  model.register_forward_hook(
      [](Module&, const Variable&, const Variable&) { throw std::out_of_range("from a hook"); });
  try {
    model(ones({1, 2}, DType::f64));
    ADD_FAILURE() << "the hook's exception was not thrown";
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "from a hook");
  }
}

TEST(ModuleErrors, CopiesOfAnErrorKeepTheirContext) {
  Sequential model(Projection(5, 2));
  const Error e = error_of([&] { model(ones({2, 3}, DType::f64)); });
  Error copy = e;
  copy.set_module("other", "Other");  // already named: ignored
  EXPECT_EQ(copy.context()->module_path, "0");
  copy.set_call_site("Elsewhere", SourceLocation::current());
  EXPECT_EQ(e.context()->model_type, "Sequential");  // the original is untouched
  EXPECT_EQ(copy.context()->model_type, "Elsewhere");
  EXPECT_THAT(copy.what(), HasSubstr("the Elsewhere called at"));
  EXPECT_THAT(e.what(), HasSubstr("the Sequential called at"));
}

}  // namespace
}  // namespace nabla::nn
