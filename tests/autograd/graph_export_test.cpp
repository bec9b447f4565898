// Graph export: the DOT text of small graphs written out by hand, leaves vs
// constants, shared inputs, saved-tensor shapes, escaping, determinism, deep
// graphs, and rendering with Graphviz (or its absence).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "autograd/elementwise.h"
#include "autograd/graph_export.h"
#include "autograd/kept_values.h"
#include "autograd/linalg.h"
#include "autograd/scope.h"
#include "autograd/step_through.h"
#include "temp_dir.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using autograd::DotOptions;
using autograd::render_dot;
using autograd::to_dot;
using autograd::write_dot;
using testing::expect_error;
using testing::leaf;

namespace fs = std::filesystem;

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1))
    ++n;
  return n;
}

using testing::read_file;
using testing::TempDir;

// Sets PATH for the lifetime of the guard.
class PathGuard {
 public:
  explicit PathGuard(const char* path) {
    if (const char* old = std::getenv("PATH")) saved_ = old;
    setenv("PATH", path, 1);
  }
  ~PathGuard() {
    if (saved_) {
      setenv("PATH", saved_->c_str(), 1);
    } else {
      unsetenv("PATH");
    }
  }
  PathGuard(const PathGuard&) = delete;
  PathGuard& operator=(const PathGuard&) = delete;

 private:
  std::optional<std::string> saved_;
};

bool dot_installed() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string dirs(path);
  for (std::size_t start = 0; start <= dirs.size();) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const fs::path candidate = fs::path(dirs.substr(start, end - start)) / "dot";
    if (access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

TEST(GraphExport, TwoOpGraphMatchesTheHandWrittenDot) {
  // y = tanh(x * w): the root box (double border), the MulBackward box, the
  // named leaf x and the unnamed leaf w; edges input -> op, the argument
  // position on the edges of the two-input op only.
  Variable x = leaf({1, 2}, {2}, "x");
  Variable w = leaf({3, 4}, {2});
  Variable y = tanh(x * w).set_name("y");
  const std::string expected =
      "digraph nabla {\n"
      "  rankdir=BT;\n"
      "  node [fontname=\"Helvetica\", fontsize=11];\n"
      "  edge [fontname=\"Helvetica\", fontsize=9];\n"
      "  op0 [shape=box, style=\"rounded,filled\", fillcolor=\"#fff2cc\", "
      "label=\"TanhBackward\\n'y' [2]\", peripheries=2, penwidth=2];\n"
      "  op1 [shape=box, style=\"rounded,filled\", fillcolor=\"#fff2cc\", "
      "label=\"MulBackward\\n[2]\"];\n"
      "  leaf0 [shape=ellipse, style=filled, fillcolor=\"#cfe2f3\", label=\"'x' [2]\"];\n"
      "  leaf1 [shape=ellipse, style=filled, fillcolor=\"#cfe2f3\", label=\"leaf\\n[2]\"];\n"
      "  op1 -> op0;\n"
      "  leaf0 -> op1 [label=\"0\"];\n"
      "  leaf1 -> op1 [label=\"1\"];\n"
      "}\n";
  EXPECT_EQ(to_dot(y), expected);
}

TEST(GraphExport, LeavesNamedAndUnnamedConstantsAreDrawnDifferently) {
  // y = (x * c) * k: x requires grad (blue), c is a named constant (grey), k an
  // unnamed constant that only the edge knows about (dashed, shape only).
  Variable x = leaf({1, 2, 3}, {3}, "x");
  Variable c(from_vector(std::vector<double>{1, 1, 1}, {3}));
  c.set_name("c");
  Variable k(full({2, 3}, 2.0, DType::f64));
  Variable y = (x * c) * k;
  const std::string dot = to_dot(y);
  EXPECT_NE(
      dot.find("leaf0 [shape=ellipse, style=filled, fillcolor=\"#cfe2f3\", label=\"'x' [3]\"]"),
      std::string::npos)
      << dot;
  EXPECT_NE(
      dot.find("leaf1 [shape=ellipse, style=filled, fillcolor=\"#e6e6e6\", label=\"'c' [3]\"]"),
      std::string::npos)
      << dot;
  EXPECT_NE(dot.find("const0 [shape=ellipse, style=dashed, label=\"constant\\n[2, 3]\"]"),
            std::string::npos)
      << dot;
  // Constant inputs get dashed edges; the one that needs grad does not.
  EXPECT_NE(dot.find("const0 -> op0 [label=\"1\", style=dashed];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("leaf1 -> op1 [label=\"1\", style=dashed];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("leaf0 -> op1 [label=\"0\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("op1 -> op0 [label=\"0\"];"), std::string::npos) << dot;
}

TEST(GraphExport, AnOptionalInputThatWasNotGivenIsNotDrawn) {
  Variable x(ones({2, 3}, DType::f64));
  Variable w(ones({3, 4}, DType::f64), true);
  w.set_name("w");
  const std::string dot = to_dot(linear(x, w));
  EXPECT_NE(dot.find("LinearBackward"), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"1\""), std::string::npos) << dot;    // w is argument 1
  EXPECT_EQ(dot.find("label=\"2\""), std::string::npos) << dot;    // no bias edge
  EXPECT_EQ(dot.find("constant\\n[]"), std::string::npos) << dot;  // no phantom rank-0 input
}

TEST(GraphExport, ALeafUsedTwiceIsDrawnOnceWithTwoEdges) {
  Variable x = leaf({2}, {}, "x");
  Variable y = x * x;
  const std::string dot = to_dot(y);
  EXPECT_EQ(count(dot, "[shape=ellipse"), 1U) << dot;
  EXPECT_NE(dot.find("leaf0 -> op0 [label=\"0\"];\n  leaf0 -> op0 [label=\"1\"];"),
            std::string::npos)
      << dot;
}

TEST(GraphExport, ASharedSubexpressionIsOneBox) {
  // a = x * w feeds both tanh(a) and the final product: a diamond.
  Variable x = leaf({0.5}, {}, "x");
  Variable w = leaf({-1.0}, {}, "w");
  Variable a = (x * w).set_name("a");
  Variable y = a * tanh(a);
  const std::string dot = to_dot(y);
  EXPECT_EQ(count(dot, "[shape=box"), 3U) << dot;  // two MulBackward, one TanhBackward
  EXPECT_EQ(count(dot, "label=\"MulBackward\\n'a' []\""), 1U) << dot;
  // op1 is a (argument 0 of the root), op2 the tanh (argument 1); a feeds both.
  EXPECT_NE(dot.find("op1 -> op0 [label=\"0\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("op2 -> op0 [label=\"1\"];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("op1 -> op2;"), std::string::npos) << dot;
  EXPECT_EQ(count(dot, " -> "), 5U) << dot;
}

TEST(GraphExport, SavedTensorShapesAndRelease) {
  Variable x = leaf({1, 2, 3, 4, 5, 6}, {2, 3}, "x");
  Variable b = leaf({1, 2, 3}, {3}, "b");
  Variable y = (x * b) + x;
  const std::string before = to_dot(y, {.show_saved = true});
  EXPECT_NE(before.find("AddBackward\\n[2, 3]\\nsaved: none"), std::string::npos) << before;
  EXPECT_NE(before.find("MulBackward\\n[2, 3]\\nsaved: [2, 3], [3]"), std::string::npos) << before;
  EXPECT_EQ(to_dot(y).find("saved"), std::string::npos);
  y.backward(ones({2, 3}, DType::f64));
  const std::string after = to_dot(y, {.show_saved = true});
  EXPECT_NE(after.find("MulBackward\\n[2, 3]\\nsaved: released"), std::string::npos) << after;
}

TEST(GraphExport, DtypeAndRankdirOptions) {
  Variable x = leaf({1, 2}, {2}, "x");
  Variable y = tanh(x);
  const std::string dot = to_dot(y, {.show_dtype = true, .rankdir = "LR"});
  EXPECT_NE(dot.find("rankdir=LR;"), std::string::npos);
  EXPECT_NE(dot.find("label=\"TanhBackward\\n[2] f64\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"'x' [2] f64\""), std::string::npos) << dot;
  expect_error([&] { to_dot(y, {.rankdir = "UP"}); }, {"to_dot", "UP"});
}

TEST(GraphExport, NamesAreEscaped) {
  Variable x = leaf({1}, {}, "say \"hi\"\\n");
  Variable y = tanh(x).set_name("two\nlines");
  const std::string dot = to_dot(y);
  EXPECT_NE(dot.find("label=\"'say \\\"hi\\\"\\\\n' []\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("label=\"TanhBackward\\n'two\\nlines' []\""), std::string::npos) << dot;
  EXPECT_EQ(dot.find("two\nlines"), std::string::npos);  // no raw newline inside a string
}

TEST(GraphExport, OutputIsDeterministic) {
  auto build = [] {
    Variable x = leaf({1, 2}, {2}, "x");
    Variable w = leaf({3, 4}, {2}, "w");
    Variable h = tanh(x * w);
    return h * x + h;
  };
  const Variable y1 = build();
  const Variable y2 = build();
  EXPECT_EQ(to_dot(y1), to_dot(y1));
  EXPECT_EQ(to_dot(y1), to_dot(y2));  // ids come from discovery order, not addresses
}

TEST(GraphExport, LeafRoot) {
  Variable x = leaf({1, 2}, {2}, "x");
  const std::string dot = to_dot(x);
  EXPECT_NE(dot.find("leaf0 [shape=ellipse, style=filled, fillcolor=\"#cfe2f3\", label=\"'x' "
                     "[2]\", peripheries=2, penwidth=2];"),
            std::string::npos)
      << dot;
  EXPECT_EQ(count(dot, " -> "), 0U);
  Variable c(zeros({3}));
  EXPECT_NE(to_dot(c).find("label=\"constant\\n[3]\""), std::string::npos);
  expect_error([] { to_dot(Variable()); }, {"to_dot", "undefined"});
}

TEST(GraphExport, DeepChainWithoutRecursion) {
  constexpr int kDepth = 100'000;
  Variable x = leaf({0.5}, {}, "x");
  Variable y = x;
  for (int k = 0; k < kDepth; ++k) y = tanh(y);
  const std::string dot = to_dot(y);
  EXPECT_EQ(count(dot, "[shape=box"), static_cast<std::size_t>(kDepth));
  EXPECT_NE(dot.find("leaf0 -> op" + std::to_string(kDepth - 1) + ";"), std::string::npos);
}

TEST(GraphExport, WriteDotWritesTheText) {
  TempDir dir;
  Variable x = leaf({1, 2}, {2}, "x");
  Variable y = tanh(x);
  write_dot(y, dir / "graph.dot");
  EXPECT_EQ(read_file(dir / "graph.dot"), to_dot(y));
  expect_error([&] { write_dot(y, dir / "missing_dir/graph.dot"); },
               {"write_dot", "missing_dir/graph.dot"});
}

TEST(GraphExport, RenderDotProducesAnImageWhenGraphvizIsInstalled) {
  if (!dot_installed()) GTEST_SKIP() << "Graphviz's dot is not installed";
  TempDir dir;
  Variable x = leaf({1, 2}, {2}, "x \"quoted\" \\ name");
  Variable y = (tanh(x) * x).set_name("y\nz");
  write_dot(y, dir / "graph.dot", {.show_saved = true});
  ASSERT_TRUE(render_dot(dir / "graph.dot", dir / "graph.png"));
  const std::string png = read_file(dir / "graph.png");
  ASSERT_GT(png.size(), 8U);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  ASSERT_TRUE(render_dot(dir / "graph.dot", dir / "graph.svg"));
  EXPECT_NE(read_file(dir / "graph.svg").find("TanhBackward"), std::string::npos);
  // A file that is not DOT makes dot fail, which is an error, not "missing".
  std::ofstream(dir / "bad.dot") << "this is not a graph {";
  expect_error([&] { render_dot(dir / "bad.dot", dir / "bad.png"); },
               {"render_dot", "bad.dot", "status 1", "syntax error"});
}

constexpr const char* kHeader =
    "digraph nabla {\n"
    "  rankdir=BT;\n"
    "  node [fontname=\"Helvetica\", fontsize=11];\n"
    "  edge [fontname=\"Helvetica\", fontsize=9];\n";

TEST(GraphExport, ValuesGradientsAndRulesAsMicrogradDrawsThem) {
  // y = tanh(x·w), x = 1/4, w = 2: x·w = 1/2, y = tanh(1/2) = 0.46212;
  // ∂y/∂(x·w) = 1 − y² = 0.78645, ∂y/∂x = 0.78645·2 = 1.5729,
  // ∂y/∂w = 0.78645·0.25 = 0.19661.
  autograd::KeepValuesGuard keep;
  Variable x = leaf({0.25}, {}, "x");
  Variable w = leaf({2.0}, {}, "w");
  Variable y = tanh(x * w);
  const DotOptions options{.show_values = true, .show_grads = true, .show_rules = true};
  const std::string before = to_dot(y, options);
  EXPECT_NE(before.find("label=\"MulBackward\\n[]\\nvalue: 0.5\\ngrad: none yet\\n"),
            std::string::npos)
      << before;
  EXPECT_NE(before.find("label=\"'x' []\\nvalue: 0.25\\ngrad: none yet\""), std::string::npos)
      << before;
  y.backward();
  const std::string expected =
      std::string(kHeader) +
      "  op0 [shape=box, style=\"rounded,filled\", fillcolor=\"#fff2cc\", "
      "label=\"TanhBackward\\n[]\\nvalue: 0.4621\\ngrad: 1\\nrule: ∂/∂x = 1 − y²\", "
      "peripheries=2, penwidth=2];\n"
      "  op1 [shape=box, style=\"rounded,filled\", fillcolor=\"#fff2cc\", "
      "label=\"MulBackward\\n[]\\nvalue: 0.5\\ngrad: 0.7864\\nrule: ∂/∂a = b, ∂/∂b = a\"];\n"
      "  leaf0 [shape=ellipse, style=filled, fillcolor=\"#cfe2f3\", "
      "label=\"'x' []\\nvalue: 0.25\\ngrad: 1.573\"];\n"
      "  leaf1 [shape=ellipse, style=filled, fillcolor=\"#cfe2f3\", "
      "label=\"'w' []\\nvalue: 2\\ngrad: 0.1966\"];\n"
      "  op1 -> op0;\n"
      "  leaf0 -> op1 [label=\"0\"];\n"
      "  leaf1 -> op1 [label=\"1\"];\n"
      "}\n";
  EXPECT_EQ(to_dot(y, options), expected);
}

TEST(GraphExport, WithoutKeptValuesOpsSayWhatTheyDoNotKnow) {
  Variable x = leaf({0.25}, {}, "x");
  Variable y = tanh(x * 2.0);
  // Before backward tanh still holds its output for its rule; x·2 saved nothing.
  const std::string before = to_dot(y, {.show_values = true, .show_grads = true});
  EXPECT_NE(before.find("TanhBackward\\n[]\\nvalue: 0.4621\\ngrad: not kept"), std::string::npos)
      << before;
  EXPECT_NE(before.find("MulScalarBackward\\n[]\\nvalue: not kept\\ngrad: not kept"),
            std::string::npos)
      << before;
  y.backward();
  const std::string after = to_dot(y, {.show_values = true, .show_grads = true});
  EXPECT_NE(after.find("TanhBackward\\n[]\\nvalue: not kept"), std::string::npos) << after;
  EXPECT_NE(after.find("'x' []\\nvalue: 0.25\\ngrad: 1.573"), std::string::npos) << after;
  expect_error([&] { to_dot(y, {.value_format = {.values_up_to = -1}}); },
               {"to_dot", "values_up_to", "-1"});
}

TEST(GraphExport, ModulesAreClustersAndParametersAreMarked) {
  // Net { "0" (Scale): h = x·w; "1" (Tanh): y = tanh(h) }, x a named constant.
  const autograd::Scope* net = autograd::intern_scope(nullptr, "", "Net");
  const autograd::Scope* scale = autograd::intern_scope(net, "0", "Scale");
  const autograd::Scope* act = autograd::intern_scope(net, "1", "Tanh");
  Variable x(full({}, 0.25, DType::f64));
  x.set_name("x");
  Variable w = leaf({2.0}, {}, "w");
  Variable y;
  {
    autograd::ScopeGuard in_net(net);
    Variable h;
    {
      autograd::ScopeGuard in_scale(scale);
      h = x * w;
    }
    autograd::ScopeGuard in_act(act);
    y = tanh(h);
  }
  const std::string expected =
      std::string(kHeader) +
      "  leaf0 [shape=ellipse, style=filled, fillcolor=\"#e6e6e6\", label=\"'x' []\"];\n"
      "  subgraph cluster_0 {\n"
      "    label=\"Net\";\n"
      "    style=\"rounded,dashed\";\n"
      "    color=\"#7f7f7f\";\n"
      "    fontname=\"Helvetica\";\n"
      "    subgraph cluster_1 {\n"
      "      label=\"1 (Tanh)\";\n"
      "      style=\"rounded,dashed\";\n"
      "      color=\"#7f7f7f\";\n"
      "      fontname=\"Helvetica\";\n"
      "      op0 [shape=box, style=\"rounded,filled\", fillcolor=\"#fff2cc\", "
      "label=\"TanhBackward\\n[]\", peripheries=2, penwidth=2];\n"
      "    }\n"
      "    subgraph cluster_2 {\n"
      "      label=\"0 (Scale)\";\n"
      "      style=\"rounded,dashed\";\n"
      "      color=\"#7f7f7f\";\n"
      "      fontname=\"Helvetica\";\n"
      "      op1 [shape=box, style=\"rounded,filled\", fillcolor=\"#fff2cc\", "
      "label=\"MulBackward\\n[]\"];\n"
      "      leaf1 [shape=ellipse, style=\"filled,bold\", fillcolor=\"#cfe2f3\", "
      "label=\"parameter\\n'w' []\"];\n"
      "    }\n"
      "  }\n"
      "  op1 -> op0;\n"
      "  leaf0 -> op1 [label=\"0\", style=dashed];\n"
      "  leaf1 -> op1 [label=\"1\"];\n"
      "}\n";
  EXPECT_EQ(to_dot(y, {.module_clusters = true, .mark_parameters = true}), expected);
  // Without the options the drawing is the plain one.
  EXPECT_EQ(to_dot(y).find("subgraph"), std::string::npos);
  EXPECT_EQ(to_dot(y).find("parameter"), std::string::npos);
}

TEST(GraphExport, ALeafUsedInTwoModulesSitsInTheirCommonModule) {
  const autograd::Scope* net = autograd::intern_scope(nullptr, "", "Shared");
  Variable w = leaf({2.0}, {}, "w");
  Variable y;
  {
    autograd::ScopeGuard in_net(net);
    Variable h;
    {
      autograd::ScopeGuard a(autograd::intern_scope(net, "a", "Scale"));
      h = w * 3.0;
    }
    autograd::ScopeGuard b(autograd::intern_scope(net, "b", "Scale"));
    y = h * w;
  }
  const std::string dot = to_dot(y, {.module_clusters = true});
  // w is declared directly in the "Shared" cluster, before the nested ones.
  EXPECT_NE(dot.find("    fontname=\"Helvetica\";\n    leaf0 [shape=ellipse"), std::string::npos)
      << dot;
}

TEST(GraphExport, FramesColourTheEdgesTheGradientHasTravelled) {
  Variable x(full({}, 0.25, DType::f64));
  x.set_name("x");
  Variable w = leaf({2.0}, {}, "w");
  Variable y = tanh(x * w);
  std::vector<std::string> frames;
  autograd::step_through(y, [&](const autograd::BackwardStep& step) {
    frames.push_back(to_dot(y, {.visited = step.visited}));
  });
  ASSERT_EQ(frames.size(), 2U);
  // Step 1: tanh ran; the gradient went down the edge from x·w, drawn thick.
  EXPECT_NE(frames[0].find("op0 [shape=box, style=\"rounded,filled\", fillcolor=\"#f4b183\""),
            std::string::npos)
      << frames[0];
  EXPECT_NE(frames[0].find("  op1 -> op0 [color=\"#c00000\", penwidth=2.5];\n"
                           "  leaf0 -> op1 [label=\"0\", style=dashed];\n"
                           "  leaf1 -> op1 [label=\"1\"];\n"),
            std::string::npos)
      << frames[0];
  // Step 2: x·w ran; its edge to w is the current one, the constant x got none.
  EXPECT_NE(frames[1].find("op1 [shape=box, style=\"rounded,filled\", fillcolor=\"#f4b183\""),
            std::string::npos)
      << frames[1];
  EXPECT_NE(frames[1].find("  op1 -> op0 [color=\"#c00000\"];\n"
                           "  leaf0 -> op1 [label=\"0\", style=dashed];\n"
                           "  leaf1 -> op1 [label=\"1\", color=\"#c00000\", penwidth=2.5];\n"),
            std::string::npos)
      << frames[1];
}

TEST(GraphExport, RenderDotReturnsFalseWithoutGraphviz) {
  TempDir dir;
  write_dot(tanh(leaf({1}, {}, "x")), dir / "graph.dot");
  PathGuard no_dot((dir / "no_such_bin").c_str());
  EXPECT_FALSE(render_dot(dir / "graph.dot", dir / "graph.png"));
  EXPECT_FALSE(fs::exists(dir / "graph.png"));
}

TEST(GraphExport, RenderDotErrors) {
  TempDir dir;
  write_dot(tanh(leaf({1}, {}, "x")), dir / "graph.dot");
  expect_error([&] { render_dot(dir / "graph.dot", dir / "missing_dir/graph.png"); },
               {"render_dot", "missing_dir/graph.png"});
  expect_error([&] { render_dot(dir / "graph.dot", dir / "graph.jpg"); },
               {"render_dot", "'.jpg'", ".png"});
  expect_error([&] { render_dot(dir / "absent.dot", dir / "graph.png"); },
               {"render_dot", "absent.dot"});
}

}  // namespace
}  // namespace nabla
