// The why-no-grad explainer: first what the Variable is (a constant, a cut),
// then where it sits in the loss's graph, then, with the gradient flowing,
// the first node on each path that sends back zero.
#include "autograd/why_no_grad.h"

#include <algorithm>
#include <cstring>
#include <iomanip>
#include <memory>
#include <ostream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "autograd/node.h"
#include "autograd/op_name.h"
#include "autograd/scope.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/reduce.h"

namespace nabla::autograd {
namespace {

// A local derivative below this counts as saturated (σ'(x) < 1e-6 for |x| > 13.8).
constexpr double kSaturated = 1e-6;

std::string in_module(const Scope* scope) {
  return scope != nullptr ? " in module " + scope->describe() : "";
}

std::string describe(const Scope* scope) {
  return scope != nullptr ? scope->describe() : "";
}

std::string percent(double fraction) {
  std::ostringstream out;
  out << std::setprecision(3) << 100.0 * fraction << "%";
  return out.str();
}

double max_abs(const Tensor& t) {
  return t.defined() && t.numel() > 0 ? amax(abs(t)).item<double>() : 0.0;
}

// The nodes of the graph in the order the engine runs them (decreasing creation number).
std::vector<Node*> collect(Node* root) {
  std::vector<Node*> nodes{root};
  std::unordered_set<const Node*> seen{root};
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const Edge& edge : nodes[i]->inputs()) {
      Node* input = edge.node.get();
      if (input != nullptr && seen.insert(input).second) nodes.push_back(input);
    }
  }
  std::sort(nodes.begin(), nodes.end(),
            [](const Node* a, const Node* b) { return a->sequence_nr() > b->sequence_nr(); });
  return nodes;
}

// Where v sits: the edge of a leaf, or the node that produced a non-leaf.
struct Target {
  const VariableImpl* leaf = nullptr;
  const Node* node = nullptr;
  bool is(const Edge& edge) const {
    return (leaf != nullptr && edge.needs_grad && edge.variable.get() == leaf) ||
           (node != nullptr && edge.node.get() == node);
  }
};

// Whether v is reachable from `root` going towards the inputs.
bool reaches(const Node* root, const Target& target) {
  if (root == target.node) return true;
  std::vector<const Node*> stack{root};
  std::unordered_set<const Node*> seen{root};
  while (!stack.empty()) {
    const Node* node = stack.back();
    stack.pop_back();
    for (const Edge& edge : node->inputs()) {
      if (target.is(edge)) return true;
      if (edge.node != nullptr && seen.insert(edge.node.get()).second)
        stack.push_back(edge.node.get());
    }
  }
  return false;
}

// " from the output of TanhBackward in module 1 (Tanh)" for a detached copy:
// the node while its graph lives, the module that computed the value always.
std::string detached_from(const VariableImpl& v) {
  const std::shared_ptr<Node> from = v.cut_from.lock();
  if (from != nullptr)
    return " from the output of " + std::string(from->name()) + in_module(from->scope());
  return v.cut_scope != nullptr ? " from a value computed in module " + v.cut_scope->describe()
                                : std::string();
}

// A Variable that requires no grad: data, a detached copy, or a no-grad result.
NoGradExplanation explain_constant(const VariableImpl& v, const std::string& who) {
  NoGradExplanation e;
  if (v.cut_by == nullptr) {
    e.cause = NoGradCause::requires_grad_off;
    e.message = who +
                " is a leaf with requires_grad = false, so no gradient is computed for it. "
                "Create it with Variable(value, true), call set_requires_grad(true) before the "
                "loss is computed, or register it as a trainable parameter.";
  } else if (std::strcmp(v.cut_by, "detach") == 0) {
    e.cause = NoGradCause::detached;
    const std::shared_ptr<Node> from = v.cut_from.lock();
    if (from != nullptr) e.node = from->name();
    e.module = describe(v.cut_scope);
    e.message = who + " is a copy cut from the graph by detach()" + detached_from(v) +
                ": a constant, through which nothing gets a gradient. Use the Variable itself "
                "where the gradient should flow.";
  } else {
    e.cause = NoGradCause::no_grad_mode;
    e.node = v.cut_by;
    e.module = describe(v.cut_scope);
    e.message = who +
                " was computed while grad mode was off (NoGradGuard) by the op that records " +
                v.cut_by + in_module(v.cut_scope) +
                ": it recorded no node, so the result is a constant. Compute it outside the "
                "NoGradGuard scope.";
  }
  return e;
}

// v is not reachable from the loss: look for the inputs of the graph that were
// cut from another graph, the places where a path can break.
NoGradExplanation explain_not_on_path(const std::vector<Node*>& nodes,
                                      const Target& target,
                                      const std::string& who) {
  struct Break {
    const Node* consumer;
    std::size_t input;
    const VariableImpl* cut;
    bool confirmed;  // a detached copy whose source graph reaches v
  };
  std::vector<Break> breaks;
  for (const Node* node : nodes) {
    for (std::size_t i = 0; i < node->inputs().size(); ++i) {
      const VariableImpl* cut = node->inputs()[i].variable.get();
      if (cut == nullptr || cut->cut_by == nullptr) continue;
      const std::shared_ptr<Node> from = cut->cut_from.lock();
      breaks.push_back({node, i, cut, from != nullptr && reaches(from.get(), target)});
    }
  }
  std::stable_partition(breaks.begin(), breaks.end(), [](const Break& b) { return b.confirmed; });

  NoGradExplanation e;
  e.cause = NoGradCause::not_on_path;
  if (breaks.empty()) {
    e.message = who + " requires grad, but it is on no path to the loss: none of the loss's " +
                std::to_string(nodes.size()) +
                " nodes reads it, directly or through other nodes, and no input of the graph "
                "was cut from another graph (a layer that forward does not call, a loss built "
                "from other Variables, or a Variable made to require grad after the loss was "
                "computed).";
    return e;
  }
  const Break& b = breaks.front();
  e.node = b.consumer->name();
  e.module = describe(b.consumer->scope());
  const std::string at =
      "input " + std::to_string(b.input) + " of " + e.node + in_module(b.consumer->scope());
  if (std::strcmp(b.cut->cut_by, "detach") == 0) {
    e.message = who + " requires grad, but it is on no path to the loss: " + at +
                " is a copy cut by detach()" + detached_from(*b.cut) +
                (b.confirmed ? ", and " + who + " is behind it: this is where the path breaks."
                             : ", which may be where the path breaks.");
  } else {
    e.message = who + " requires grad, but it is on no path to the loss: " + at +
                " was computed while grad mode was off (NoGradGuard) by the op that records " +
                b.cut->cut_by + in_module(b.cut->cut_scope) +
                ", so whatever it was computed from gets no gradient: this is probably where the "
                "path breaks.";
  }
  if (breaks.size() > 1)
    e.message += " (" + std::to_string(breaks.size() - 1) +
                 " more inputs of the graph were cut from another graph.)";
  return e;
}

// Runs one backward pass with a hook on every node on the way to v, saving
// and restoring the grad() of every leaf it reaches and the hooks.
class Probe {
 public:
  Probe(const std::vector<Node*>& nodes, const std::unordered_set<const Node*>& on_path) {
    for (Node* node : nodes) {
      for (const Edge& edge : node->inputs())
        if (edge.variable != nullptr && edge.needs_grad) save(edge.variable);
      if (std::shared_ptr<VariableImpl> retained = node->retained().lock()) save(retained);
      if (on_path.count(node) == 0) continue;
      hooks_.emplace_back(node, node->hooks().size());
      node->hooks().push_back([this, node](const Tensor& grad) {
        grad_out_[node] = grad;
        return Tensor();
      });
    }
  }
  ~Probe() {
    for (auto& [node, size] : hooks_) node->hooks().resize(size);
    for (auto& [impl, grad] : saved_) impl->grad = grad;
  }
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  void run(const Variable& loss, const Tensor& seed) {
    for (auto& [impl, grad] : saved_) impl->grad = Tensor();
    loss.backward(seed, {.retain_graph = true});
  }
  Tensor grad_out(const Node* node) const {
    auto it = grad_out_.find(node);
    return it == grad_out_.end() ? Tensor() : it->second;
  }

 private:
  void save(const std::shared_ptr<VariableImpl>& impl) {
    for (const auto& [saved, grad] : saved_)
      if (saved == impl) return;
    saved_.emplace_back(impl, impl->grad);
  }
  std::vector<std::pair<Node*, std::size_t>> hooks_;
  std::vector<std::pair<std::shared_ptr<VariableImpl>, Tensor>> saved_;
  std::unordered_map<const Node*, Tensor> grad_out_;
};

// The gradients a node sends to its inputs for `grad_out`, in the inputs' shapes.
GradList gradients(Node& node, const Tensor& grad_out) {
  GradList grads = node.apply(grad_out);
  for (std::size_t i = 0; i < grads.size() && i < node.inputs().size(); ++i) {
    if (grads[i].defined() && grads[i].shape() != node.inputs()[i].shape())
      grads[i] = sum_to(grads[i], node.inputs()[i].shape());
  }
  return grads;
}

// The fraction of elements where a same-shaped elementwise rule has derivative 0.
double zero_derivative_fraction(Node& node) {
  if (node.inputs().empty() || node.inputs()[0].shape() != node.shape()) return 1.0;
  const GradList ones_back = node.apply(ones(node.shape(), node.dtype()));
  if (ones_back.empty() || !ones_back[0].defined()) return 1.0;
  return mean(eq(ones_back[0], 0.0)).item<double>();
}

// Says why `node`, which receives a non-zero gradient, sends back zero.
NoGradExplanation explain_blocker(Node& node,
                                  const Tensor& grad_out,
                                  std::size_t others,
                                  const std::string& who) {
  NoGradExplanation e;
  // Which op, by the registry: node names are spelled only at their rules.
  const std::string op = op_name(node.name());
  e.node = node.name();
  e.module = describe(node.scope());
  const std::string where = e.node + in_module(node.scope());
  const std::vector<Tensor> saved = node.saved_tensors();
  if (op == "relu" && !saved.empty()) {
    e.cause = NoGradCause::dead_relu;
    const Tensor& y = saved[0];
    const Tensor zero = eq(y, 0.0);
    const double zero_fraction = mean(zero).item<double>();
    const std::int64_t rows = y.dim() >= 2 ? y.size(0) : 1;
    const std::int64_t units = y.numel() / std::max<std::int64_t>(rows, 1);
    e.fraction = y.dim() >= 2 ? mean(amin(zero, {0})).item<double>() : zero_fraction;
    std::ostringstream m;
    m << "every path from the loss to " << who << " passes " << where
      << ", which sends back zero: " << percent(e.fraction) << " of its " << units
      << " units output 0 for all " << rows << (rows == 1 ? " row" : " rows") << " of the batch";
    if (e.fraction == 1.0) {
      m << ": the layer is dead for the whole batch (its inputs are negative for every row, so "
           "relu' = 0 everywhere). Lower the learning rate, change the initialisation or the "
           "bias, or use LeakyReLU.";
    } else {
      m << ", and the gradient reaching the live ones is zero (" << percent(zero_fraction)
        << " of its outputs are 0).";
    }
    e.message = m.str();
  } else if ((op == "sigmoid" || op == "tanh") && !saved.empty()) {
    e.cause = NoGradCause::saturated;
    const Tensor& y = saved[0];
    const Tensor derivative = op == "sigmoid" ? y * (1.0 - y) : 1.0 - y * y;
    e.fraction = mean(le(derivative, kSaturated)).item<double>();
    std::ostringstream m;
    m << "every path from the loss to " << who << " passes " << where
      << ", which is saturated: " << percent(e.fraction)
      << " of its outputs sit where its derivative is below " << kSaturated << " (largest "
      << (op == "sigmoid" ? "y(1 - y)" : "1 - y^2") << " = " << max_abs(derivative)
      << "), so it sends back (almost) nothing. Its inputs are too large: normalise the data, "
         "scale the initialisation down, or lower the learning rate.";
    e.message = m.str();
  } else if (op == "clamp") {
    e.cause = NoGradCause::clamped;
    e.fraction = zero_derivative_fraction(node);
    e.message = "every path from the loss to " + who + " passes " + where + ": " +
                percent(e.fraction) +
                " of its inputs are outside the clamp's range, where its derivative is 0, and "
                "the others receive a zero gradient.";
  } else {
    e.cause = NoGradCause::zero_rule;
    e.fraction = zero_derivative_fraction(node);
    e.message = "every path from the loss to " + who + " passes " + where +
                ", whose rule sends back zero for the gradient it receives (" +
                percent(e.fraction) + " of its elements have derivative 0" +
                (op == "sign" ? ": sign is flat everywhere" : "") +
                (op == "dropout" ? ": dropout zeroed them" : "") + ").";
  }
  std::ostringstream reaching;
  reaching << std::setprecision(4) << max_abs(grad_out);
  e.message += " The gradient reaching it has largest |element| " + reaching.str() + ".";
  if (others > 0)
    e.message += " (" + std::to_string(others) + " more nodes send back zero on other paths.)";
  return e;
}

}  // namespace

std::string_view to_string(NoGradCause cause) {
  switch (cause) {
    case NoGradCause::nonzero:
      return "nonzero";
    case NoGradCause::requires_grad_off:
      return "requires_grad_off";
    case NoGradCause::no_grad_mode:
      return "no_grad_mode";
    case NoGradCause::detached:
      return "detached";
    case NoGradCause::not_on_path:
      return "not_on_path";
    case NoGradCause::dead_relu:
      return "dead_relu";
    case NoGradCause::saturated:
      return "saturated";
    case NoGradCause::clamped:
      return "clamped";
    case NoGradCause::zero_rule:
      return "zero_rule";
    case NoGradCause::cancelled:
      return "cancelled";
    case NoGradCause::released:
      return "released";
  }
  return "unknown";
}

std::string NoGradExplanation::report() const {
  return "why_no_grad: " + std::string(to_string(cause)) + ": " + message;
}

std::ostream& operator<<(std::ostream& out, const NoGradExplanation& explanation) {
  return out << explanation.report();
}

NoGradExplanation why_no_grad(const Variable& loss,
                              const Variable& v,
                              const WhyNoGradOptions& options) {
  NABLA_CHECK(loss.defined(), "why_no_grad", "the loss is undefined");
  NABLA_CHECK(v.defined(), "why_no_grad", "the Variable is undefined");
  NABLA_CHECK(options.tolerance >= 0, "why_no_grad", "tolerance must be non-negative, got ",
              options.tolerance);
  Tensor seed = options.grad_out;
  if (seed.defined()) {
    NABLA_CHECK(seed.shape() == loss.shape(), "why_no_grad", "grad_out has shape ", seed.shape(),
                " but the loss has shape ", loss.shape());
  } else {
    NABLA_CHECK(loss.numel() == 1, "why_no_grad", "the loss has shape ", loss.shape(),
                "; pass options.grad_out for a loss with more than one element");
    seed = ones(loss.shape(), loss.dtype());
  }

  const std::string who = v.name().empty() ? "v" : "'" + v.name() + "'";
  if (!v.requires_grad()) return explain_constant(*v.impl(), who);
  if (loss.impl() == v.impl()) {
    NoGradExplanation e;
    e.max_abs_grad = max_abs(seed);
    e.message = who + " is the loss itself: its gradient is grad_out.";
    return e;
  }
  if (loss.grad_fn() == nullptr) {
    NoGradExplanation e = explain_constant(*loss.impl(), "the loss");
    if (loss.requires_grad()) {
      e.cause = NoGradCause::not_on_path;
      e.message = "the loss is a leaf other than " + who + ": it does not depend on it.";
    } else if (e.cause == NoGradCause::requires_grad_off) {
      e.cause = NoGradCause::not_on_path;
      e.message = "the loss has no graph: it was computed from nothing that requires grad.";
    }
    return e;
  }

  const std::vector<Node*> nodes = collect(loss.grad_fn().get());
  const Target target{v.grad_fn() == nullptr ? v.impl().get() : nullptr, v.grad_fn().get()};
  // Nodes from which v is reachable, found from the inputs up (increasing creation number).
  std::unordered_set<const Node*> on_path;
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    const Node* node = *it;
    bool hit = node == target.node;
    for (const Edge& edge : node->inputs())
      hit = hit || target.is(edge) || (edge.node != nullptr && on_path.count(edge.node.get()) != 0);
    if (hit) on_path.insert(node);
  }
  if (on_path.empty()) return explain_not_on_path(nodes, target, who);

  for (const Node* node : nodes) {
    if (on_path.count(node) != 0 && node->released()) {
      NoGradExplanation e;
      e.cause = NoGradCause::released;
      e.node = node->name();
      e.module = describe(node->scope());
      e.message =
          who + " is on a path to the loss, but a backward pass released the graph (" + e.node +
          " has freed its saved tensors), so the gradient cannot be followed. Call why_no_grad "
          "before backward, or pass retain_graph = true to backward.";
      return e;
    }
  }

  Probe probe(nodes, on_path);
  probe.run(loss, seed);
  const Tensor grad_v = target.node != nullptr ? probe.grad_out(target.node) : v.impl()->grad;
  NoGradExplanation e;
  e.max_abs_grad = max_abs(grad_v);
  if (e.max_abs_grad > options.tolerance) {
    std::ostringstream m;
    m << "the gradient is non-zero: its largest |element| is " << std::setprecision(6)
      << e.max_abs_grad << ".";
    e.message = m.str();
    return e;
  }
  if (max_abs(seed) <= options.tolerance) {
    e.cause = NoGradCause::zero_rule;
    e.message = "the gradient the backward pass starts from (grad_out) is zero.";
    return e;
  }

  // The first node on each path that receives a gradient and sends back none.
  Node* first = nullptr;
  std::size_t blockers = 0;
  for (Node* node : nodes) {
    if (on_path.count(node) == 0 || node == target.node) continue;
    const Tensor grad_out = probe.grad_out(node);
    if (max_abs(grad_out) <= options.tolerance) continue;
    const GradList grads = gradients(*node, grad_out);
    bool blocks = true;
    for (std::size_t i = 0; i < node->inputs().size() && i < grads.size(); ++i) {
      const Edge& edge = node->inputs()[i];
      const bool toward_v =
          target.is(edge) || (edge.node != nullptr && on_path.count(edge.node.get()) != 0);
      if (toward_v && max_abs(grads[i]) > options.tolerance) blocks = false;
    }
    if (!blocks) continue;
    ++blockers;
    if (first == nullptr) first = node;
  }
  if (first != nullptr) {
    NoGradExplanation blocked = explain_blocker(*first, probe.grad_out(first), blockers - 1, who);
    blocked.max_abs_grad = e.max_abs_grad;
    return blocked;
  }
  e.cause = NoGradCause::cancelled;
  e.message = "gradients reach " + who +
              " along several paths but sum to zero: no node on the way sends back zero, the "
              "contributions cancel.";
  return e;
}

}  // namespace nabla::autograd
