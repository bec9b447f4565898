// The computational-graph circuits of the CS231n notes "Backpropagation,
// Intuitions" (https://cs231n.github.io/optimization-2/), reproduced with
// nabla's Variables and ops: every forward value and every gradient printed in
// the notes' figures and code comments, compared at the precision printed
// there. docs/backprop_by_hand.md works them by hand.
#include <gtest/gtest.h>

#include <string>

#include "autograd/elementwise.h"
#include "autograd/variable.h"
#include "published_digits.h"
#include "tensor/factory.h"

namespace nabla::autograd {
namespace {

using testing::to_published_digits;

Variable scalar(double value) {
  return Variable(full({}, value, DType::f64), /*requires_grad=*/true);
}

double value(const Variable& v) {
  return v.item<double>();
}

double grad(const Variable& v) {
  return v.grad().item<double>();
}

TEST(PublishedDigits, MatchOnlyAtThePublishedPrecision) {
  EXPECT_EQ(to_published_digits(0.7513650695523157, "0.75136507"), "0.75136507");
  EXPECT_EQ(to_published_digits(-0.19661193324148185, "-0.20"), "-0.20");
  EXPECT_EQ(to_published_digits(-12.0, "-12"), "-12");
  // A number off in the last published digit, or with the wrong sign, differs.
  EXPECT_NE(to_published_digits(0.751365065, "0.75136507"), "0.75136507");
  EXPECT_NE(to_published_digits(0.1949, "0.20"), "0.20");
  EXPECT_NE(to_published_digits(0.19661193324148185, "-0.20"), "-0.20");
}

// f(x, y, z) = (x + y) z at x = −2, y = 5, z = −4: q = x + y = 3, f = q z =
// −12; ∂f/∂z = q = 3, ∂f/∂q = z = −4, and the add gate passes −4 on to both x
// and y. (The notes' first circuit and the code before it.)
TEST(CS231nCircuits, SumTimesZ) {
  Variable x = scalar(-2), y = scalar(5), z = scalar(-4);
  Variable q = x + y;
  q.retain_grad();
  Variable f = q * z;
  f.backward();

  EXPECT_PUBLISHED("q", value(q), "3");
  EXPECT_PUBLISHED("f", value(f), "-12");
  EXPECT_PUBLISHED("df/dz", grad(z), "3");
  EXPECT_PUBLISHED("df/dq", grad(q), "-4");
  EXPECT_PUBLISHED("df/dx", grad(x), "-4");
  EXPECT_PUBLISHED("df/dy", grad(y), "-4");
}

// The 2-D neuron f(w, x) = 1 / (1 + exp(−(w0 x0 + w1 x1 + w2))) with w = [2,
// −3, −3], x = [−1, −2], built from the notes' gates (*, +, *−1, exp, +1,
// 1/x): every wire of their figure, value and gradient, to two decimals.
TEST(CS231nCircuits, SigmoidNeuronGateByGate) {
  Variable w0 = scalar(2), x0 = scalar(-1), w1 = scalar(-3), x1 = scalar(-2), w2 = scalar(-3);
  Variable w0x0 = w0 * x0;
  Variable w1x1 = w1 * x1;
  Variable sum = w0x0 + w1x1;
  Variable dot = sum + w2;
  Variable negated = dot * -1.0;
  Variable exped = exp(negated);
  Variable plus_one = exped + 1.0;
  Variable f = 1.0 / plus_one;
  for (Variable* v : {&w0x0, &w1x1, &sum, &dot, &negated, &exped, &plus_one, &f}) v->retain_grad();
  f.backward();

  struct Wire {
    const char* name;
    const Variable& v;
    const char* value;
    const char* grad;
  };
  const Wire wires[] = {
      {"w0", w0, "2.00", "-0.20"},     {"x0", x0, "-1.00", "0.39"},
      {"w1", w1, "-3.00", "-0.39"},    {"x1", x1, "-2.00", "-0.59"},
      {"w2", w2, "-3.00", "0.20"},     {"w0*x0", w0x0, "-2.00", "0.20"},
      {"w1*x1", w1x1, "6.00", "0.20"}, {"w0*x0 + w1*x1", sum, "4.00", "0.20"},
      {"+ w2", dot, "1.00", "0.20"},   {"*-1", negated, "-1.00", "-0.20"},
      {"exp", exped, "0.37", "-0.53"}, {"+1", plus_one, "1.37", "-0.53"},
      {"1/x", f, "0.73", "1.00"},
  };
  for (const Wire& wire : wires) {
    EXPECT_PUBLISHED(std::string(wire.name) + " value", value(wire.v), wire.value);
    EXPECT_PUBLISHED(std::string(wire.name) + " gradient", grad(wire.v), wire.grad);
  }
}

// The same neuron with the sigmoid as one gate, as the notes' code writes it:
// ddot = (1 − f) f "~= 0.2" for f = 0.73, then dx = [w0, w1] ddot and dw =
// [x0, x1, 1] ddot. The single sigmoid rule gives the gradients of the
// gate-by-gate circuit.
TEST(CS231nCircuits, SigmoidNeuronWithOneSigmoidGate) {
  Variable w0 = scalar(2), x0 = scalar(-1), w1 = scalar(-3), x1 = scalar(-2), w2 = scalar(-3);
  Variable dot = w0 * x0 + w1 * x1 + w2;
  dot.retain_grad();
  Variable f = sigmoid(dot);
  f.backward();

  EXPECT_PUBLISHED("dot", value(dot), "1.0");
  EXPECT_PUBLISHED("f", value(f), "0.73");
  EXPECT_PUBLISHED("ddot", grad(dot), "0.2");
  EXPECT_PUBLISHED("dx0", grad(x0), "0.39");
  EXPECT_PUBLISHED("dx1", grad(x1), "-0.59");
  EXPECT_PUBLISHED("dw0", grad(w0), "-0.20");
  EXPECT_PUBLISHED("dw1", grad(w1), "-0.39");
  EXPECT_PUBLISHED("dw2", grad(w2), "0.20");

  // Gate by gate, the same numbers up to rounding.
  Variable g0 = scalar(2), g1 = scalar(-3), g2 = scalar(-3);
  Variable composed = 1.0 / (exp((g0 * x0.detach() + g1 * x1.detach() + g2) * -1.0) + 1.0);
  composed.backward();
  EXPECT_NEAR(value(composed), value(f), 1e-15);
  EXPECT_NEAR(grad(g0), grad(w0), 1e-15);
  EXPECT_NEAR(grad(g1), grad(w1), 1e-15);
  EXPECT_NEAR(grad(g2), grad(w2), 1e-15);
}

}  // namespace
}  // namespace nabla::autograd
