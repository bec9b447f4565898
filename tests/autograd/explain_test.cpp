// The explain trace (ExplainGuard): whole traces of small graphs written out
// by hand, every op's rule with numbers against values computed by hand,
// accumulation, inputs that need no gradient, summaries of large tensors,
// the module filter, graphs recorded outside the guard, and the errors.
#include "autograd/explain.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/linalg.h"
#include "autograd/nn_ops.h"
#include "autograd/reduce.h"
#include "autograd/scope.h"
#include "autograd/shape_ops.h"
#include "autograd/trace.h"
#include "cube_function.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using autograd::ExplainGuard;
using autograd::ExplainOptions;
using testing::expect_error;
using ::testing::HasSubstr;
using testing::leaf;
using ::testing::Not;

constexpr const char* kLegend =
    "(y: a node's output; g = ∂L/∂y: the gradient it received; rule: its local derivative; "
    "∂L/∂input: what it sends to each input)\n";

Variable constant(double v, const std::string& name) {
  Variable c(full({}, v, DType::f64));
  c.set_name(name);
  return c;
}

// The "∂L/∂..." lines of an explain trace, in order, without their indent.
std::vector<std::string> sent_lines(const std::string& trace) {
  std::vector<std::string> out;
  std::istringstream in(trace);
  for (std::string line; std::getline(in, line);) {
    const std::size_t at = line.find("∂L/∂");
    if (at != std::string::npos && line.find_first_not_of(' ') == at)
      out.push_back(line.substr(at));
  }
  return out;
}

// The explain trace of backward from f(x) with x a leaf of `values`, from
// ones when the output has several elements.
std::string explain_of(const std::function<Variable(const Variable&)>& f,
                       const std::vector<double>& values,
                       const Shape& shape = {}) {
  std::ostringstream out;
  ExplainGuard explain(out);
  Variable x = leaf(values, shape, "x");
  Variable y = f(x);
  y.backward(ones(y.shape(), y.dtype()));
  return out.str();
}

TEST(Explain, AValueFeedingSeveralOpsShowsEachContributionAndTheSum) {
  // h = x·c, loss = h·h + x with x = 0.5 and the constant c = 4: h = 2,
  // loss = 4.5. By hand: ∂loss/∂h = 2h = 4 (2 from each operand of h·h),
  // ∂loss/∂x = 1 + 4·c = 17, i.e. 32x + 1 for loss = 16x² + x.
  std::ostringstream out;
  ExplainGuard explain(out);
  Variable x = leaf({0.5}, {}, "x");
  Variable c = constant(4, "c");
  Variable h = (x * c).set_name("h");
  Variable loss = (h * h + x).set_name("loss");
  loss.backward();
  const std::string expected =
      std::string(
          "explain: backward of L = 'loss' [] = 4.5 through 3 nodes, in the order the engine runs "
          "them\n") +
      kLegend +
      "\n"
      "[1] AddBackward (add) -> 'loss' []: y = 4.5\n"
      "    g = 1 (the seed)\n"
      "    rule: ∂/∂a = 1, ∂/∂b = 1\n"
      "    input 0 (a): (from MulBackward) [] = 4\n"
      "      ∂L/∂a = g = 1\n"
      "    input 1 (b): 'x' (leaf) [] = 0.5\n"
      "      ∂L/∂b = g = 1  (contribution 1 of 2 to 'x')\n"
      "\n"
      "[2] MulBackward (mul) []: y = 4\n"
      "    g = 1 (from [1] AddBackward)\n"
      "    rule: ∂/∂a = b, ∂/∂b = a\n"
      "    input 0 (a): 'h' (from MulBackward) [] = 2\n"
      "      ∂L/∂a = g · b = 1 · 2 = 2  (contribution 1 of 2 to 'h')\n"
      "    input 1 (b): 'h' (from MulBackward) [] = 2\n"
      "      ∂L/∂b = g · a = 1 · 2 = 2  (contribution 2 of 2 to 'h')\n"
      "\n"
      "[3] MulBackward (mul) -> 'h' []: y = 2\n"
      "    g = 2 (from [2] MulBackward) + 2 (from [2] MulBackward) = 4\n"
      "    rule: ∂/∂a = b, ∂/∂b = a\n"
      "    input 0 (a): 'x' (leaf) [] = 0.5\n"
      "      ∂L/∂a = g · b = 4 · 4 = 16  (contribution 2 of 2 to 'x')\n"
      "    input 1 (b): 'c' (constant) [] = 4\n"
      "      needs no gradient\n"
      "\n"
      "leaf gradients (each the sum of what it received):\n"
      "  'x' [] = 0.5: grad = 1 (from [1] AddBackward) + 16 (from [3] MulBackward) = 17\n"
      "explain: done\n";
  EXPECT_EQ(out.str(), expected);
  EXPECT_EQ(x.grad().item<double>(), 17.0);
}

TEST(Explain, VectorsShowTheirValuesAndTheRuleWithNumbers) {
  // loss = mean(tanh(x)), x = [0, atanh(1/2)]: y = [0, 1/2], loss = 1/4;
  // ∂loss/∂y = [1/2, 1/2], ∂loss/∂x = 1/2 · (1 − y²) = [1/2, 3/8].
  std::ostringstream out;
  ExplainGuard explain(out);
  Variable x = leaf({0.0, std::atanh(0.5)}, {2}, "x");
  Variable loss = mean(tanh(x));
  loss.backward();
  const std::string expected =
      std::string(
          "explain: backward of L [] = 0.25 through 2 nodes, in the order the engine runs them\n") +
      kLegend +
      "\n"
      "[1] MeanBackward (mean) []: y = 0.25\n"
      "    g = 1 (the seed)\n"
      "    rule: ∂y/∂xᵢ = 1 / n\n"
      "    input 0 (x): (from TanhBackward) [2] = [0, 0.5]\n"
      "      ∂L/∂x = g / n, copied to each element = 1 / 2 = [0.5, 0.5]\n"
      "\n"
      "[2] TanhBackward (tanh) [2]: y = [0, 0.5]\n"
      "    g = [0.5, 0.5] (from [1] MeanBackward)\n"
      "    rule: ∂/∂x = 1 − y²\n"
      "    input 0 (x): 'x' (leaf) [2] = [0, 0.5493]\n"
      "      ∂L/∂x = g · (1 − y²) = [0.5, 0.5] · (1 − [0, 0.5]²) = [0.5, 0.375]\n"
      "\n"
      "leaf gradients (each the sum of what it received):\n"
      "  'x' [2] = [0, 0.5493]: grad = [0.5, 0.375] (from [2] TanhBackward)\n"
      "explain: done\n";
  EXPECT_EQ(out.str(), expected);
}

TEST(Explain, UnaryRulesWithNumbers) {
  struct Case {
    const char* what;
    std::function<Variable(const Variable&)> f;
    double x;
    std::string line;  // written by hand
  };
  const std::vector<Case> cases{
      {"exp", [](const Variable& x) { return exp(x); }, 0.0, "∂L/∂x = g · y = 1 · 1 = 1"},
      {"log", [](const Variable& x) { return log(x); }, 2.0, "∂L/∂x = g / x = 1 / 2 = 0.5"},
      {"log1p", [](const Variable& x) { return log1p(x); }, 1.0,
       "∂L/∂x = g / (1 + x) = 1 / (1 + 1) = 0.5"},
      {"sqrt", [](const Variable& x) { return sqrt(x); }, 4.0,
       "∂L/∂x = g / (2y) = 1 / (2 · 2) = 0.25"},
      {"rsqrt", [](const Variable& x) { return rsqrt(x); }, 4.0,
       "∂L/∂x = −g · y³ / 2 = -1 · 0.5³ / 2 = -0.0625"},
      {"reciprocal", [](const Variable& x) { return reciprocal(x); }, 2.0,
       "∂L/∂x = −g · y² = -1 · 0.5² = -0.25"},
      {"sigmoid", [](const Variable& x) { return sigmoid(x); }, 0.0,
       "∂L/∂x = g · y · (1 − y) = 1 · 0.5 · (1 − 0.5) = 0.25"},
      {"tanh", [](const Variable& x) { return tanh(x); }, -std::atanh(0.5),
       "∂L/∂x = g · (1 − y²) = 1 · (1 − (-0.5)²) = 0.75"},
      {"abs", [](const Variable& x) { return abs(x); }, -2.0,
       "∂L/∂x = g · sign(x) = 1 · sign(-2) = -1"},
      {"sin", [](const Variable& x) { return sin(x); }, 0.0, "∂L/∂x = g · cos x = 1 · cos(0) = 1"},
      {"cos", [](const Variable& x) { return cos(x); }, 0.0,
       "∂L/∂x = −g · sin x = -1 · sin(0) = 0"},
      {"square", [](const Variable& x) { return square(x); }, 3.0,
       "∂L/∂x = g · 2x = 1 · 2 · 3 = 6"},
      {"neg", [](const Variable& x) { return -x; }, 3.0, "∂L/∂x = −g = -1"},
      {"x * s", [](const Variable& x) { return x * 3.0; }, 2.0, "∂L/∂x = g · s = 1 · 3 = 3"},
      {"x / s", [](const Variable& x) { return x / 4.0; }, 2.0, "∂L/∂x = g / s = 1 / 4 = 0.25"},
      {"s / x", [](const Variable& x) { return 1.0 / x; }, 2.0,
       "∂L/∂x = −g · y / x = -1 · 0.5 / 2 = -0.25"},
      {"s - x", [](const Variable& x) { return 1.0 - x; }, 2.0, "∂L/∂x = −g = -1"},
      {"x + s", [](const Variable& x) { return x + 1.0; }, 2.0, "∂L/∂x = g = 1"},
  };
  for (const Case& c : cases) {
    const std::vector<std::string> lines = sent_lines(explain_of(c.f, {c.x}));
    ASSERT_EQ(lines.size(), 1U) << c.what;
    EXPECT_EQ(lines[0], c.line) << c.what;
  }
}

TEST(Explain, BinaryRulesWithNumbers) {
  std::ostringstream out;
  {
    ExplainGuard explain(out);
    Variable a = leaf({1.0}, {}, "a");
    Variable b = leaf({2.0}, {}, "b");
    (a / b).backward();
    (a - b).backward();
  }
  const std::vector<std::string> expected{"∂L/∂a = g / b = 1 / 2 = 0.5",
                                          "∂L/∂b = −g · a / b² = -1 · 1 / 2² = -0.25",
                                          "∂L/∂a = g = 1", "∂L/∂b = −g = -1"};
  EXPECT_EQ(sent_lines(out.str()), expected);
}

TEST(Explain, ReluAndSumOnAVector) {
  // sum(relu([-1, 2])): every element gets g = 1, relu passes it where y > 0.
  const std::vector<std::string> expected{"∂L/∂x = g, copied to each element = [1, 1]",
                                          "∂L/∂x = g · [y > 0] = [1, 1] · [0, 1] = [0, 1]"};
  EXPECT_EQ(sent_lines(explain_of([](const Variable& x) { return sum(relu(x)); }, {-1, 2}, {2})),
            expected);
}

TEST(Explain, MatmulAndLinearWithNumbers) {
  // C = A·B = [[1·3 + 2·4]] = [[11]]; g = [[1]]: ∂C/∂A = g·Bᵀ = [[3, 4]],
  // ∂C/∂B = Aᵀ·g = [[1], [2]].
  std::ostringstream out;
  {
    ExplainGuard explain(out);
    Variable a = leaf({1, 2}, {1, 2}, "A");
    Variable b = leaf({3, 4}, {2, 1}, "B");
    matmul(a, b).backward();
    // y = x·W + b for x = [[1, -1]] (a constant), W = [[1, 2], [3, 4]]:
    // g = [[1, 1]], ∂/∂W = xᵀ·g = [[1, 1], [-1, -1]], ∂/∂b = Σ_rows g = [1, 1].
    Variable x(from_vector(std::vector<double>{1, -1}, {1, 2}));
    Variable w = leaf({1, 2, 3, 4}, {2, 2}, "W");
    Variable bias = leaf({0.5, -0.5}, {2}, "b");
    linear(x, w, bias).backward(ones({1, 2}, DType::f64));
    linear(x, w, Variable()).backward(ones({1, 2}, DType::f64));
  }
  const std::vector<std::string> expected{
      "∂L/∂A = g·Bᵀ = [[1]] · [[3], [4]]ᵀ = [[3, 4]]",
      "∂L/∂B = Aᵀ·g = [[1, 2]]ᵀ · [[1]] = [[1], [2]]",
      "∂L/∂W = xᵀ·g = [[1, -1]]ᵀ · [[1, 1]] = [[1, 1], [-1, -1]]",
      "∂L/∂b = Σ_rows g = Σ_rows [[1, 1]] = [1, 1]",
      "∂L/∂W = xᵀ·g = [[1, -1]]ᵀ · [[1, 1]] = [[1, 1], [-1, -1]]"};
  EXPECT_EQ(sent_lines(out.str()), expected);
  EXPECT_THAT(out.str(), HasSubstr("    input 0 (x): (constant) [1, 2] = [[1, -1]]\n"
                                   "      needs no gradient\n"));
  EXPECT_THAT(out.str(), HasSubstr("    input 2 (b): not given\n"));
}

TEST(Explain, SoftmaxCrossEntropyTellsTheMeanFromTheSum) {
  // Logits [[0, 0], [ln 3, 0]]: p = [[1/2, 1/2], [3/4, 1/4]]; labels [0, 1].
  // p − onehot(t) = [[-1/2, 1/2], [3/4, -3/4]]; the mean divides by N = 2.
  std::ostringstream out;
  {
    ExplainGuard explain(out);
    Variable z = leaf({0, 0, std::log(3.0), 0}, {2, 2}, "z");
    const Tensor labels = from_vector(std::vector<std::int64_t>{0, 1}, {2});
    softmax_cross_entropy(z, labels, Reduction::mean).backward();
    softmax_cross_entropy(z, labels, Reduction::sum).backward();
  }
  const std::vector<std::string> expected{
      "∂L/∂z = g · (p − onehot(t)) / N = 1 · ([[0.5, 0.5], [0.75, 0.25]] − [[1, 0], [0, 1]]) / 2 "
      "= [[-0.25, 0.25], [0.375, -0.375]]",
      "∂L/∂z = g · (p − onehot(t)) = 1 · ([[0.5, 0.5], [0.75, 0.25]] − [[1, 0], [0, 1]]) = "
      "[[-0.5, 0.5], [0.75, -0.75]]"};
  EXPECT_EQ(sent_lines(out.str()), expected);
}

TEST(Explain, BroadcastGradientsAreShownSummedToTheInputShape) {
  // loss = sum(w + b), w [2, 2], b [2]: AddBackward sends ones [2, 2] to both;
  // b's copy is summed over the rows: [2, 2].
  std::ostringstream out;
  ExplainGuard explain(out);
  Variable w = leaf({1, 2, 3, 4}, {2, 2}, "w");
  Variable b = leaf({10, 20}, {2}, "b");
  sum(w + b).backward();
  EXPECT_THAT(out.str(), HasSubstr("      ∂L/∂b = g = [[1, 1], [1, 1]], summed to [2] = [2, 2]\n"));
  EXPECT_THAT(out.str(), HasSubstr("      ∂L/∂a = g = [[1, 1], [1, 1]]\n"));
}

TEST(Explain, LargeTensorsAreSummarisedAndTheirRuleKeepsItsSymbols) {
  // loss = sum(x²), x = [1, 2, 3]: ∂/∂x = 2x = [2, 4, 6] (mean 4).
  std::ostringstream out;
  ExplainGuard explain(out, {.values_up_to = 2});
  Variable x = leaf({1, 2, 3}, {3}, "x");
  sum(square(x)).backward();
  EXPECT_THAT(out.str(), HasSubstr("[2] SquareBackward (square) [3]: y = {mean 4.667, min 1, max "
                                   "9}\n"));
  EXPECT_THAT(out.str(), HasSubstr("      ∂L/∂x = g · 2x = {mean 4, min 2, max 6}\n"));
}

TEST(Explain, PrecisionOption) {
  std::ostringstream out;
  ExplainGuard explain(out, {.precision = 2});
  Variable x = leaf({2.0}, {}, "x");
  (x / 3.0).backward();
  EXPECT_THAT(out.str(), HasSubstr("∂L/∂x = g / s = 1 / 3 = 0.33\n"));
}

TEST(Explain, RestrictedToAModulePath) {
  // x -> tanh (module "1") -> · 3 (module "10") -> · 2 (module "1.inner"):
  // module "1" shows the first and the last, not "10" (a prefix is not a path).
  using autograd::intern_scope;
  using autograd::ScopeGuard;
  const autograd::Scope* net = intern_scope(nullptr, "", "Net");
  const autograd::Scope* one = intern_scope(net, "1", "Block");
  const autograd::Scope* ten = intern_scope(net, "10", "Scale");
  const autograd::Scope* inner = intern_scope(one, "inner", "Scale");
  std::ostringstream out;
  ExplainGuard explain(out, {.module = "1"});
  Variable x = leaf({0.5}, {}, "x");
  Variable y;
  {
    ScopeGuard in_net(net);
    {
      ScopeGuard in_one(one);
      y = tanh(x);
    }
    {
      ScopeGuard in_ten(ten);
      y = y * 3.0;
    }
    {
      ScopeGuard in_inner(inner);
      y = y * 2.0;
    }
  }
  y.backward();
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("through 3 nodes, in the order the engine runs them (showing module "
                              "1 and below)\n"));
  EXPECT_THAT(text, HasSubstr("[1] MulScalarBackward (mul) in module 1.inner (Scale) []"));
  EXPECT_THAT(text, HasSubstr("[3] TanhBackward (tanh) in module 1 (Block) []"));
  EXPECT_THAT(text, Not(HasSubstr("\n[2] ")));
  EXPECT_THAT(text, Not(HasSubstr("10 (Scale)")));
  // The hidden node's gradient still counts: tanh received 2 · 3 = 6.
  EXPECT_THAT(text, HasSubstr("    g = 6 (from [2] MulScalarBackward)\n"));
  EXPECT_THAT(text, HasSubstr("  'x' [] = 0.5: grad = "));
}

TEST(Explain, AGraphRecordedOutsideTheGuardShowsWhatItsNodesSaved) {
  // loss = tanh(x) · 2 with tanh(x) = 1/2: tanh saved its output, the
  // product by a scalar saved nothing, so its value and s are unknown.
  Variable x = leaf({std::atanh(0.5)}, {}, "x");
  Variable loss = tanh(x) * 2.0;
  std::ostringstream out;
  ExplainGuard explain(out);
  loss.backward();
  EXPECT_THAT(out.str(), HasSubstr("[1] MulScalarBackward (mul) []: y = not kept\n"));
  EXPECT_THAT(out.str(), HasSubstr("      ∂L/∂x = g · s = 2\n"));
  EXPECT_THAT(out.str(), HasSubstr("[2] TanhBackward (tanh) []: y = 0.5\n"));
  EXPECT_THAT(out.str(), HasSubstr("      ∂L/∂x = g · (1 − y²) = 2 · (1 − 0.5²) = 1.5\n"));
}

TEST(Explain, ACustomFunctionHasNoRegistryRule) {
  std::ostringstream out;
  ExplainGuard explain(out);
  Variable x = leaf({2.0}, {}, "x");
  testing::Cube::apply(x).backward();  // d x³/dx = 3x² = 12
  EXPECT_THAT(out.str(), HasSubstr("[1] CubeBackward []: y = 8\n"));
  EXPECT_THAT(out.str(), HasSubstr("    rule: not in the op registry (a custom function)\n"));
  EXPECT_THAT(out.str(), HasSubstr("    input 0: 'x' (leaf) [] = 2\n      ∂L/∂(input 0) = 12\n"));
}

TEST(Explain, AGradientThatWasThereBeforeIsPartOfTheSum) {
  std::ostringstream out;
  ExplainGuard explain(out);
  Variable x = leaf({3.0}, {}, "x");
  (x * 2.0).backward();
  (x * 5.0).backward();
  EXPECT_THAT(out.str(), HasSubstr("  'x' [] = 3: grad = 2 (before this pass) + 5 (from [1] "
                                   "MulScalarBackward) = 7\n"));
}

TEST(Explain, TheGradientsAreTheSameWithAndWithoutIt) {
  auto grads = [](bool explained) {
    std::ostringstream out;
    std::optional<ExplainGuard> explain;
    if (explained) explain.emplace(out);
    Variable x = leaf({0.3, -1.2, 2.5}, {3}, "x");
    Variable w = leaf({0.7, 0.1, -0.4, 1.1, 0.2, -0.9}, {3, 2}, "w");
    Variable h = tanh(matmul(reshape(x, {1, 3}), w));
    Variable loss = sum(h * h) + mean(exp(x));
    loss.backward();
    return std::make_pair(testing::values(x.grad()), testing::values(w.grad()));
  };
  EXPECT_EQ(grads(true), grads(false));  // bit for bit
}

TEST(Explain, NothingIsPrintedOutsideTheGuardAndAFailedPassIsSaidSo) {
  std::ostringstream out;
  {
    ExplainGuard explain(out);
    autograd::AnomalyGuard anomaly;
    Variable x = leaf({0.0}, {}, "x");
    Variable y = sqrt(x);  // the rule divides by 2·sqrt(0)
    EXPECT_THROW(y.backward(), Error);
  }
  EXPECT_THAT(out.str(), HasSubstr("explain: the backward pass stopped with an error\n"));
  const std::string before = out.str();
  Variable x = leaf({1.0}, {}, "x");
  tanh(x).backward();
  EXPECT_EQ(out.str(), before);
}

TEST(Explain, BadOptionsThrow) {
  std::ostringstream out;
  expect_error([&] { ExplainGuard explain(out, {.values_up_to = -1}); },
               {"ExplainGuard", "values_up_to", "-1"});
  expect_error([&] { ExplainGuard explain(out, {.precision = 0}); },
               {"ExplainGuard", "precision", "0"});
  expect_error([&] { ExplainGuard explain(out, {.precision = 18}); },
               {"ExplainGuard", "precision", "18"});
}

}  // namespace
}  // namespace nabla
