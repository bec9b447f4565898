// Backprop by hand, checked by nabla: the worked examples that courses go
// through number by number, computed with nabla and compared with the numbers
// their sources print, at the precision printed there. Exits 1 when a number
// differs. docs/backprop_by_hand.md works each example by hand.
//
// 1. CS231n, "Backpropagation, Intuitions" (https://cs231n.github.io/optimization-2/):
//    f(x, y, z) = (x + y) z, and the 2-D sigmoid neuron, gate by gate.
// 2. Matt Mazur, "A Step by Step Backpropagation Example" (2015,
//    https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/):
//    the 2-2-2 sigmoid network, one step of gradient descent with rate 0.5.
// 3. A single linear neuron with the sum-of-squares error and the delta rule,
//    worked by hand in the docs: one batch step, one epoch of per-example steps.
//
// --learning-rate <η> replaces Mazur's 0.5 (CTest runs it with 0.45 and
// expects the exit status 1: the check does see a wrong number).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "nabla.h"

namespace {

using namespace nabla;

// Prints one computed number beside the published one and counts those that
// differ at the published precision.
class Table {
 public:
  void heading(const char* title) { std::printf("\n%s\n", title); }
  void row(const std::string& name, double value, const std::string& published) {
    const auto point = published.find('.');
    const int decimals =
        point == std::string::npos ? 0 : static_cast<int>(published.size() - point - 1);
    char rounded[64];
    std::snprintf(rounded, sizeof rounded, "%.*f", decimals, value);
    const bool same = published == rounded;
    failures_ += same ? 0 : 1;
    std::printf("  %-22s %20.12f  %-12s %s\n", name.c_str(), value, published.c_str(),
                same ? "ok" : "DIFFERS");
  }
  int failures() const { return failures_; }

 private:
  int failures_ = 0;
};

Variable scalar(double value) {
  return Variable(full({}, value, DType::f64), /*requires_grad=*/true);
}

double grad(const Variable& v) {
  return v.grad().item<double>();
}

void assign(const Variable& parameter, const std::vector<double>& v) {
  NoGradGuard no_grad;
  Variable p = parameter;
  p.value().copy_(from_vector(v, parameter.shape()));
}

void cs231n_sum_times_z(Table& table) {
  table.heading("CS231n: f(x, y, z) = (x + y) z at x = -2, y = 5, z = -4");
  Variable x = scalar(-2), y = scalar(5), z = scalar(-4);
  Variable q = x + y;
  q.retain_grad();
  Variable f = q * z;
  f.backward();
  table.row("q", q.item<double>(), "3");
  table.row("f", f.item<double>(), "-12");
  table.row("df/dz", grad(z), "3");
  table.row("df/dq", grad(q), "-4");
  table.row("df/dx", grad(x), "-4");
  table.row("df/dy", grad(y), "-4");
}

void cs231n_sigmoid_neuron(Table& table) {
  table.heading("CS231n: the 2-D sigmoid neuron, w = [2, -3, -3], x = [-1, -2], gate by gate");
  Variable w0 = scalar(2), x0 = scalar(-1), w1 = scalar(-3), x1 = scalar(-2), w2 = scalar(-3);
  Variable dot = w0 * x0 + w1 * x1 + w2;
  Variable negated = dot * -1.0;
  Variable exped = exp(negated);
  Variable plus_one = exped + 1.0;
  Variable f = 1.0 / plus_one;
  for (Variable* v : {&dot, &negated, &exped, &plus_one}) v->retain_grad();
  f.backward();
  table.row("dot", dot.item<double>(), "1.00");
  table.row("f", f.item<double>(), "0.73");
  table.row("df/d(dot)", grad(dot), "0.20");
  table.row("df/d(*-1)", grad(negated), "-0.20");
  table.row("df/d(exp)", grad(exped), "-0.53");
  table.row("df/d(+1)", grad(plus_one), "-0.53");
  table.row("df/dw0", grad(w0), "-0.20");
  table.row("df/dx0", grad(x0), "0.39");
  table.row("df/dw1", grad(w1), "-0.39");
  table.row("df/dx1", grad(x1), "-0.59");
  table.row("df/dw2", grad(w2), "0.20");
}

// Mazur's network: nabla's W is [in, out], so W1 = [[w1, w3], [w2, w4]] and
// W2 = [[w5, w7], [w6, w8]]. The post trains the weights only.
void mazur(Table& table, double learning_rate) {
  table.heading("Mazur: the 2-2-2 sigmoid network, one step with learning rate 0.5");
  const nn::LinearOptions logistic{.activation = nn::Activation::sigmoid, .dtype = DType::f64};
  nn::Linear hidden(2, 2, logistic), output(2, 2, logistic);
  assign(hidden.weight, {0.15, 0.25, 0.20, 0.30});
  assign(hidden.bias, {0.35, 0.35});
  assign(output.weight, {0.40, 0.50, 0.45, 0.55});
  assign(output.bias, {0.60, 0.60});
  const Tensor x = from_vector(std::vector<double>{0.05, 0.10}, {1, 2});
  const Tensor target = from_vector(std::vector<double>{0.01, 0.99}, {1, 2});
  optim::SGD sgd({hidden.weight, output.weight}, {.lr = learning_rate});

  Variable h = hidden(x);
  Variable o = output(h);
  Variable e = nn::sse_loss(o, target, nn::Reduction::sum);  // ½ Σ (target − out)²
  const std::vector<double> out_h = h.value().to_vector<double>();
  const std::vector<double> out_o = o.value().to_vector<double>();
  table.row("out_h1", out_h[0], "0.593269992");
  table.row("out_h2", out_h[1], "0.596884378");
  table.row("out_o1", out_o[0], "0.75136507");
  table.row("out_o2", out_o[1], "0.772928465");
  table.row("E_total", e.item<double>(), "0.298371109");

  sgd.zero_grad();
  e.backward();
  table.row("dE/dw5", output.weight.grad().to_vector<double>()[0], "0.082167041");
  table.row("dE/dw1", hidden.weight.grad().to_vector<double>()[0], "0.000438568");
  sgd.step();
  const std::vector<double> w_ih = hidden.weight.value().to_vector<double>();
  const std::vector<double> w_ho = output.weight.value().to_vector<double>();
  table.row("w1+", w_ih[0], "0.149780716");
  table.row("w2+", w_ih[2], "0.19956143");
  table.row("w3+", w_ih[1], "0.24975114");
  table.row("w4+", w_ih[3], "0.29950229");
  table.row("w5+", w_ho[0], "0.35891648");
  table.row("w6+", w_ho[2], "0.408666186");
  table.row("w7+", w_ho[1], "0.511301270");
  table.row("w8+", w_ho[3], "0.561370121");
  // The post's script prints 0.291027774; its text says 0.291027924, the
  // error after a step that takes the hidden deltas through w5+ ... w8+
  // (docs/backprop_by_hand.md).
  const double after = nn::sse_loss(output(hidden(x)), target, nn::Reduction::sum).item<double>();
  table.row("E_total after the step", after, "0.291027774");

  // 9,999 more steps. The post's 0.0000351085 is the error of the forward
  // pass of step 10,000, before its update; its outputs after 10,000 steps
  // are those of the other variant (printed for information only).
  double last_forward_error = 0;
  for (int step = 1; step < 10000; ++step) {
    Variable loss = nn::sse_loss(output(hidden(x)), target, nn::Reduction::sum);
    last_forward_error = loss.item<double>();
    sgd.zero_grad();
    loss.backward();
    sgd.step();
  }
  table.row("E_total in step 10000", last_forward_error, "0.0000351085");
  Variable final_out = output(hidden(x));
  const std::vector<double> final_o = final_out.value().to_vector<double>();
  std::printf("  after 10000 steps: E_total = %.10f, out_o1 = %.9f, out_o2 = %.9f\n",
              nn::sse_loss(final_out, target, nn::Reduction::sum).item<double>(), final_o[0],
              final_o[1]);
}

// o = w0 + w1 x1 + w2 x2 on three examples, E = ½ Σ_d (t_d − o_d)², η = 0.1.
void delta_rule(Table& table) {
  table.heading(
      "A linear neuron, sum-of-squares error, the delta rule with rate 0.1 (worked by hand in "
      "docs/backprop_by_hand.md)");
  nn::Linear neuron(2, 1, {.dtype = DType::f64});
  auto reset = [&] {
    assign(neuron.weight, {0.5, -0.5});
    assign(neuron.bias, {0.5});
  };
  auto weights = [&] {
    const std::vector<double> w = neuron.weight.value().to_vector<double>();
    return std::vector<double>{neuron.bias.value().item<double>(), w[0], w[1]};
  };
  const Tensor x = from_vector(std::vector<double>{1, 2, 2, -1, -1, 1}, {3, 2});
  const Tensor target = from_vector(std::vector<double>{1, 0, 1}, {3, 1});
  auto error = [&] { return nn::sse_loss(neuron(x), target, nn::Reduction::sum); };

  reset();
  optim::SGD sgd(neuron.parameters(), {.lr = 0.1});
  Variable e = error();
  table.row("E (batch, before)", e.item<double>(), "3.625");
  sgd.zero_grad();
  e.backward();
  table.row("dE/dw0", neuron.bias.grad().item<double>(), "-0.5");
  table.row("dE/dw1", neuron.weight.grad().to_vector<double>()[0], "4.5");
  table.row("dE/dw2", neuron.weight.grad().to_vector<double>()[1], "-5.5");
  sgd.step();
  std::vector<double> w = weights();
  table.row("w0 after the step", w[0], "0.55");
  table.row("w1 after the step", w[1], "0.05");
  table.row("w2 after the step", w[2], "0.05");
  table.row("E (batch, after)", error().item<double>(), "0.32625");

  reset();
  for (std::int64_t d = 0; d < 3; ++d) {
    Variable e_d =
        nn::sse_loss(neuron(narrow(x, 0, d, 1)), narrow(target, 0, d, 1), nn::Reduction::sum);
    sgd.zero_grad();
    e_d.backward();
    sgd.step();
  }
  w = weights();
  table.row("w0 after the epoch", w[0], "0.478");
  table.row("w1 after the epoch", w[1], "0.092");
  table.row("w2 after the epoch", w[2], "-0.002");
  table.row("E (after the epoch)", error().item<double>(), "0.504354");
}

}  // namespace

int main(int argc, char** argv) {
  double learning_rate = 0.5;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--learning-rate" && i + 1 < argc) {
      learning_rate = std::strtod(argv[++i], nullptr);
    } else {
      std::fprintf(stderr, "usage: backprop_by_hand [--learning-rate <rate>]\n");
      return 2;
    }
  }
  Table table;
  std::printf("  %-22s %20s  %-12s\n", "", "nabla", "published");
  cs231n_sum_times_z(table);
  cs231n_sigmoid_neuron(table);
  mazur(table, learning_rate);
  delta_rule(table);
  if (table.failures() > 0) {
    std::printf("\n%d numbers differ from the published ones\n", table.failures());
    return 1;
  }
  std::printf("\nevery number agrees with the published one\n");
  return 0;
}
