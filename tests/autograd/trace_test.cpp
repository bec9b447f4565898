// The backward trace (BackwardOptions::trace, TraceGuard) and anomaly mode
// (AnomalyGuard): the order of the printed nodes, the gradients they print
// against hand-derived values, and the errors for the first NaN or Inf in a
// forward op or a backward rule.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/node.h"
#include "autograd/scope.h"
#include "autograd/trace.h"
#include "autograd/trace_detail.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla {
namespace {

using autograd::AnomalyGuard;
using autograd::TraceGuard;
using testing::expect_error;
using ::testing::HasSubstr;

Variable scalar(double v, const std::string& name) {
  Variable x(full({}, v, DType::f64), true);
  x.set_name(name);
  return x;
}

// One "[k] NodeName -> 'out' ..." line of a trace, with the gradients it sent
// to its inputs (the "input i ... <- |g| = n  values [...]" lines below it).
struct TracedNode {
  int step = 0;
  std::string node;
  std::string output;
  double grad_out_norm = 0;
  std::vector<double> grad_out;
  std::vector<int> inputs;
  std::vector<std::vector<double>> input_grads;
};

std::vector<double> parse_values(const std::string& text) {
  std::vector<double> out;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(std::stod(item));
  return out;
}

std::vector<TracedNode> parse_trace(const std::string& trace) {
  static const std::regex node_line(
      R"(^\[(\d+)\] (\w+)(?: -> '([^']*)')? \[[^\]]*\]  grad_out: \|g\| = (\S+)(?:  values \[(.*)\])?$)");
  static const std::regex input_line(R"(^ +input (\d+) .* <- \|g\| = \S+(?:  values \[(.*)\])?$)");
  std::vector<TracedNode> nodes;
  std::istringstream in(trace);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, node_line)) {
      TracedNode node;
      node.step = std::stoi(m[1]);
      node.node = m[2];
      node.output = m[3];
      node.grad_out_norm = std::stod(m[4]);
      node.grad_out = parse_values(m[5]);
      nodes.push_back(node);
    } else if (std::regex_match(line, m, input_line)) {
      EXPECT_FALSE(nodes.empty()) << line;
      if (nodes.empty()) continue;
      nodes.back().inputs.push_back(std::stoi(m[1]));
      nodes.back().input_grads.push_back(parse_values(m[2]));
    }
  }
  return nodes;
}

// The trace prints 4 significant digits.
void expect_printed(double printed, double exact) {
  EXPECT_NEAR(printed, exact, 5e-4 * std::abs(exact) + 1e-12);
}

TEST(Trace, PrintsEachNodeWithHandDerivedGradients) {
  // c = a b, d = tanh(c), y = d a with a = 0.5, b = -1.5.
  //   step 1, y = d a:    grad_out 1; to d: a = 0.5; to a: d = tanh(-0.75)
  //   step 2, d = tanh c: grad_out 0.5; to c: 0.5 (1 - d^2)
  //   step 3, c = a b:    grad_out 0.5 (1 - d^2); to a: that times b; to b: times a
  const double a0 = 0.5, b0 = -1.5;
  const double d0 = std::tanh(a0 * b0);
  const double dc = 0.5 * (1 - d0 * d0);
  Variable a = scalar(a0, "a");
  Variable b = scalar(b0, "b");
  Variable c = (a * b).set_name("c");
  Variable d = tanh(c).set_name("d");
  Variable y = (d * a).set_name("y");
  std::ostringstream trace;
  y.backward({.trace = &trace});
  const std::string text = trace.str();
  EXPECT_THAT(text, HasSubstr("backward from 'y' [] through 3 nodes"));
  EXPECT_THAT(text, HasSubstr("backward from 'y' [] done"));
  EXPECT_THAT(text, HasSubstr("input 0 'd' (from TanhBackward) []"));
  EXPECT_THAT(text, HasSubstr("input 1 'b' (leaf) []"));

  const std::vector<TracedNode> nodes = parse_trace(text);
  ASSERT_EQ(nodes.size(), 3U) << text;
  EXPECT_EQ(nodes[0].node, "MulBackward");
  EXPECT_EQ(nodes[0].output, "y");
  EXPECT_EQ(nodes[1].node, "TanhBackward");
  EXPECT_EQ(nodes[1].output, "d");
  EXPECT_EQ(nodes[2].node, "MulBackward");
  EXPECT_EQ(nodes[2].output, "c");
  for (int k = 0; k < 3; ++k) EXPECT_EQ(nodes[k].step, k + 1);

  expect_printed(nodes[0].grad_out_norm, 1.0);
  ASSERT_EQ(nodes[0].input_grads.size(), 2U) << text;
  expect_printed(nodes[0].input_grads[0].at(0), a0);
  expect_printed(nodes[0].input_grads[1].at(0), d0);
  expect_printed(nodes[1].grad_out.at(0), a0);
  ASSERT_EQ(nodes[1].input_grads.size(), 1U) << text;
  expect_printed(nodes[1].input_grads[0].at(0), dc);
  expect_printed(nodes[2].grad_out.at(0), dc);
  ASSERT_EQ(nodes[2].input_grads.size(), 2U) << text;
  expect_printed(nodes[2].input_grads[0].at(0), dc * b0);
  expect_printed(nodes[2].input_grads[1].at(0), dc * a0);
  // The traced pieces add up to the leaf gradients: da = d + dc b.
  EXPECT_NEAR(a.grad().item<double>(), d0 + dc * b0, 1e-15);
}

TEST(Trace, NodesRunInReverseCreationOrder) {
  // A graph with branches and a shared leaf, built so that the creation order
  // differs from the order in which a depth-first walk would find the nodes.
  Variable a = scalar(0.3, "a");
  Variable b = scalar(-0.8, "b");
  Variable p = tanh(a).set_name("p");
  Variable q = (a * b).set_name("q");
  Variable r = tanh(q).set_name("r");
  Variable s = (p * b).set_name("s");
  Variable y = (r + s).set_name("y");
  Variable z = (y * p).set_name("z");
  std::vector<Variable> created{p, q, r, s, y, z};
  std::sort(created.begin(), created.end(), [](const Variable& u, const Variable& v) {
    return u.grad_fn()->sequence_nr() > v.grad_fn()->sequence_nr();
  });
  std::vector<std::string> expected;
  for (const Variable& v : created) expected.push_back(v.name());
  ASSERT_EQ(expected, (std::vector<std::string>{"z", "y", "s", "r", "q", "p"}));

  std::ostringstream trace;
  z.backward({.trace = &trace});
  std::vector<std::string> printed;
  for (const TracedNode& node : parse_trace(trace.str())) printed.push_back(node.output);
  EXPECT_EQ(printed, expected) << trace.str();
}

TEST(Trace, LargeGradientsPrintOnlyTheirNorm) {
  // y = x * x on a [3, 3] x of ones with grad_out = 1: the gradient 2x has norm sqrt(9 * 4) = 6.
  Variable x(ones({3, 3}, DType::f64), true);
  x.set_name("x");
  std::ostringstream trace;
  (x * x).backward(ones({3, 3}, DType::f64), {.trace = &trace});
  const std::vector<TracedNode> nodes = parse_trace(trace.str());
  ASSERT_EQ(nodes.size(), 1U) << trace.str();
  expect_printed(nodes[0].grad_out_norm, 3.0);
  EXPECT_TRUE(nodes[0].grad_out.empty());  // 9 elements: no values
  EXPECT_THAT(trace.str(), HasSubstr("input 0 'x' (leaf) [3, 3] <- |g| = 3\n"));
  EXPECT_EQ(trace.str().find("values"), std::string::npos) << trace.str();
}

TEST(Trace, ConstantsGetNoInputLine) {
  Variable x = scalar(2.0, "x");
  Variable c(full({}, 3.0, DType::f64));
  c.set_name("c");
  std::ostringstream trace;
  (x * c).backward({.trace = &trace});
  const std::vector<TracedNode> nodes = parse_trace(trace.str());
  ASSERT_EQ(nodes.size(), 1U);
  EXPECT_EQ(nodes[0].inputs, (std::vector<int>{0}));
  expect_printed(nodes[0].input_grads[0].at(0), 3.0);
  EXPECT_EQ(trace.str().find("'c'"), std::string::npos);
}

TEST(Trace, TraceGuardScopesAndNests) {
  Variable x = scalar(0.5, "x");
  std::ostringstream outer, inner, explicit_stream;
  EXPECT_EQ(autograd::trace_stream(), nullptr);
  {
    TraceGuard guard(outer);
    EXPECT_EQ(autograd::trace_stream(), &outer);
    tanh(x).backward();
    {
      TraceGuard nested(inner);
      (x * x).backward();
    }
    EXPECT_EQ(autograd::trace_stream(), &outer);
    // A stream passed to backward wins over the guard's.
    (x + x).backward({.trace = &explicit_stream});
  }
  EXPECT_EQ(autograd::trace_stream(), nullptr);
  tanh(x * x).backward();  // no trace anywhere
  EXPECT_THAT(outer.str(), HasSubstr("[1] TanhBackward []"));
  EXPECT_EQ(outer.str().find("MulBackward"), std::string::npos);
  EXPECT_EQ(outer.str().find("AddBackward"), std::string::npos);
  EXPECT_THAT(inner.str(), HasSubstr("[1] MulBackward []"));
  EXPECT_EQ(inner.str().find("TanhBackward"), std::string::npos);
  EXPECT_THAT(explicit_stream.str(), HasSubstr("[1] AddBackward []"));
}

TEST(Trace, LeafAndConstantInputsAreNamedLikeOtherInputs) {
  // Every input is described the same way, "'name' (origin) shape", in the
  // trace and in anomaly errors alike (see autograd/trace_detail.h).
  Variable x = scalar(0.0, "x");
  Variable c(full({}, 2.0, DType::f64));
  c.set_name("c");
  Variable h = (x * c).set_name("h");
  const Node& node = *h.grad_fn();
  EXPECT_EQ(autograd::detail::describe_input(node, 0), "'x' (leaf) []");
  EXPECT_EQ(autograd::detail::describe_input(node, 1), "'c' (constant) []");
  std::ostringstream trace;
  h.backward({.trace = &trace});
  EXPECT_THAT(trace.str(), HasSubstr("input 0 'x' (leaf) [] <- |g| = 2  values [2]\n"));
  AnomalyGuard anomaly;
  Variable y = sqrt(x);
  expect_error([&] { y.backward(); }, {"SqrtBackward", "for input 0 'x' (leaf) []"});
}

TEST(Anomaly, DisabledByDefaultAndGuardsRestore) {
  EXPECT_FALSE(autograd::is_anomaly_enabled());
  {
    AnomalyGuard on;
    EXPECT_TRUE(autograd::is_anomaly_enabled());
    {
      AnomalyGuard off(false);
      EXPECT_FALSE(autograd::is_anomaly_enabled());
    }
    EXPECT_TRUE(autograd::is_anomaly_enabled());
    try {
      AnomalyGuard again;
      throw Error("leave the scope by an exception");
    } catch (const Error&) {
    }
    EXPECT_TRUE(autograd::is_anomaly_enabled());
  }
  EXPECT_FALSE(autograd::is_anomaly_enabled());
}

TEST(Anomaly, NanInForwardNamesTheOpAndItsInputs) {
  Variable x(from_vector(std::vector<double>{1.0, -1.0}, {2}), true);
  x.set_name("x");
  // Off by default: log(-1) is NaN and nothing throws.
  EXPECT_TRUE(std::isnan(testing::values(log(x).value())[1]));
  AnomalyGuard anomaly;
  expect_error([&] { log(x); }, {"anomaly", "forward of Log (LogBackward)", "nan", "index [1]",
                                 "[2]", "inputs: 'x' (leaf) [2]"});
  // A non-leaf input is named with the op that produced it.
  Variable w(from_vector(std::vector<double>{2.0, 0.5}, {2}));
  w.set_name("w");
  Variable h = (x * w).set_name("h");
  expect_error([&] { log(h); }, {"anomaly", "LogBackward", "'h' (from MulBackward) [2]"});
  EXPECT_NO_THROW(log(w));
}

TEST(Anomaly, NanOnlyInBackwardNamesTheNodeAndStep) {
  // L = sqrt(x) * c with x = 0 and c = 0: the forward is 0 * 0 = 0, all finite.
  // Backward: step 1 (MulBackward) sends c = 0 to s; step 2 (SqrtBackward)
  // computes 0 / (2 sqrt(0)) = 0 / 0 = NaN for x.
  Variable x = scalar(0.0, "x");
  Variable c(full({}, 0.0, DType::f64));
  c.set_name("c");
  {
    Variable loss = sqrt(x).set_name("s") * c;
    loss.backward();  // anomaly mode is off: the NaN lands in x.grad()
    EXPECT_TRUE(std::isnan(x.grad().item<double>()));
    x.zero_grad();
  }
  AnomalyGuard anomaly;
  Variable loss = sqrt(x).set_name("s") * c;
  expect_error([&] { loss.backward(); },
               {"anomaly", "backward of SqrtBackward", "step 2", "output 's' []", "nan",
                "gradient for input 0 'x' (leaf) []"});
  EXPECT_FALSE(x.grad().defined());  // nothing was accumulated
}

TEST(Anomaly, ErrorsNameTheModuleOfTheNode) {
  // A node recorded inside a module names it: its path and its type.
  const autograd::Scope* net = autograd::intern_scope(nullptr, "", "Net");
  const autograd::Scope* dense =
      autograd::intern_scope(autograd::intern_scope(net, "2", "Residual"), "dense", "Linear");
  Variable x = scalar(0.0, "x");
  AnomalyGuard anomaly;
  Variable y;
  {
    autograd::ScopeGuard in_net(net);
    autograd::ScopeGuard in_dense(dense);
    y = sqrt(x);  // finite forward, infinite gradient at 0
    expect_error([&] { log(x); },
                 {"anomaly", "forward of Log (LogBackward) in module 2.dense (Linear) produced"});
  }
  expect_error([&] { y.backward(); },
               {"anomaly", "backward of SqrtBackward in module 2.dense (Linear) (step 1"});
  // Outside every module nothing is added.
  try {
    log(x);
    ADD_FAILURE() << "log(0) did not throw in anomaly mode";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("in module"), std::string::npos) << e.what();
  }
}

TEST(Anomaly, InfInBackward) {
  // d sqrt(x)/dx = 1 / (2 sqrt(x)) is +inf at x = 0 although sqrt(0) = 0 is finite.
  Variable x = scalar(0.0, "x");
  AnomalyGuard anomaly;
  Variable y = sqrt(x);
  expect_error([&] { y.backward(); }, {"anomaly", "SqrtBackward", "step 1", "inf", "'x' (leaf)"});
}

}  // namespace
}  // namespace nabla
