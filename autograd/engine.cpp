// The backward pass, in three steps:
//   1. collect every node reachable from the root (explicit stack, no recursion);
//   2. sort them by decreasing creation number: an op is always created after
//      the ops that produced its inputs, so this runs each node after every
//      node that consumes its output, i.e. once its gradient is complete;
//   3. run each node's rule on its accumulated gradient, sum each input
//      gradient down to the input's shape (NOTE [ Broadcasting in backward ]),
//      and add it to the input's buffer (non-leaf) or grad() (leaf); once a
//      leaf's last contribution is in, run its post-accumulate hooks.
//
// NOTE [ Broadcasting in backward ]
// Rules return gradients in the output's broadcast shape; the engine alone
// reduces them with sum_to, since d(broadcast)/dx sums over the copies of x.
#include "autograd/engine.h"

#include <algorithm>
#include <atomic>
#include <ostream>
#include <unordered_map>
#include <utility>
#include <vector>

#include "autograd/backward_observer.h"
#include "autograd/node.h"
#include "autograd/trace.h"
#include "autograd/trace_detail.h"
#include "tensor/elementwise.h"
#include "tensor/factory.h"
#include "tensor/reduce.h"

namespace nabla {

class Engine {
 public:
  static void run(const Variable& root, const Tensor& grad_out, const BackwardOptions& options);

 private:
  static std::vector<Node*> collect(Node* root);
  static Tensor run_hooks(const std::vector<GradHook>& hooks,
                          Tensor grad,
                          const std::string& where);
  static void accumulate_leaf(VariableImpl& leaf, Tensor grad);
  // How many edges of the pass lead to each leaf that has post-accumulate
  // hooks; empty (and free) when no leaf has one.
  using PendingLeaves = std::unordered_map<VariableImpl*, int>;
  static PendingLeaves count_hooked_leaves(const std::vector<Node*>& nodes);
  static void run_post_accumulate_hooks(VariableImpl& leaf);
  static Tensor reduce_to_input(const Node& node, std::size_t i, const Tensor& grad);
  // Where `node`'s gradient is summed in this pass.
  static std::size_t slot_of(const std::vector<Node*>& nodes, const Node* node) {
    const std::size_t slot = node->slot_;
    if (slot < nodes.size() && nodes[slot] == node) [[likely]]
      return slot;
    // A backward pass run from a hook over some of the same nodes numbered
    // them for itself; nodes are in decreasing creation order.
    auto it = std::lower_bound(
        nodes.begin(), nodes.end(), node->sequence_nr_,
        [](const Node* a, std::uint64_t sequence_nr) { return a->sequence_nr_ > sequence_nr; });
    return static_cast<std::size_t>(it - nodes.begin());
  }
  // Sums g to input i's shape and casts it to its dtype, where they differ.
  // `out` is the node's output shape, read from its gradient (in cache)
  // rather than from the node.
  static void fit_to_input(const Node& node, std::size_t i, Tensor& g, const Shape& out) {
    const Edge& edge = node.inputs_[i];
    if (g.shape() != (edge.own_shape_ ? *edge.own_shape_ : out)) g = reduce_to_input(node, i, g);
    if (g.dtype() != edge.dtype) g = g.to(edge.dtype);
  }
};

namespace {

std::atomic<std::uint64_t> next_visit_mark{1};

// A gradient that can become a leaf's grad() without a copy: nothing else
// refers to its storage and it spans the whole storage. Otherwise two leaves
// could share one gradient buffer (y = a + b) and an in-place update of one
// (clipping, an optimizer) would change the other.
bool exclusively_owned(const Tensor& t) {
  return t.storage().use_count() == 1 && t.is_contiguous() && t.offset() == 0 &&
         t.storage()->nbytes() == static_cast<std::size_t>(t.numel()) * t.element_size();
}

// sum += grad, in place when nothing else can see sum's elements (saves an
// allocation per accumulation: a weight shared by a thousand ops), otherwise
// into a new tensor.
void accumulate_into(Tensor& sum, Tensor& grad) {
  if (!sum.defined()) {
    sum = std::move(grad);
  } else if (exclusively_owned(sum)) {
    sum.add_(grad);
  } else {
    sum = add(sum, grad);
  }
}

}  // namespace

std::vector<Node*> Engine::collect(Node* root) {
  const std::uint64_t mark = next_visit_mark.fetch_add(1, std::memory_order_relaxed);
  // Each node with its creation number, so that sorting reads no node.
  std::vector<std::pair<std::uint64_t, Node*>> found;
  std::vector<Node*> stack{root};
  root->visit_mark_ = mark;
  while (!stack.empty()) {
    Node* node = stack.back();
    stack.pop_back();
    NABLA_CHECK(!node->released_, "backward",
                "trying to backward through the graph a second time: the tensors saved by ",
                node->name_,
                " were freed by the first backward. Pass retain_graph = true to the first "
                "backward to keep them");
    found.emplace_back(node->sequence_nr_, node);
    for (const Edge& edge : node->inputs_) {
      Node* input = edge.node.get();
      if (input != nullptr && input->visit_mark_ != mark) {
        input->visit_mark_ = mark;
        stack.push_back(input);
      }
    }
  }
  // A chain is found in order already.
  const auto later_first = [](const auto& a, const auto& b) { return a.first > b.first; };
  if (!std::is_sorted(found.begin(), found.end(), later_first))
    std::sort(found.begin(), found.end(), later_first);
  std::vector<Node*> nodes(found.size());
  for (std::size_t k = 0; k < found.size(); ++k) nodes[k] = found[k].second;
  return nodes;
}

Tensor Engine::run_hooks(const std::vector<GradHook>& hooks,
                         Tensor grad,
                         const std::string& where) {
  for (const GradHook& hook : hooks) {
    if (hook == nullptr) continue;
    Tensor replaced = hook(grad);
    if (!replaced.defined()) continue;
    NABLA_CHECK(replaced.shape() == grad.shape(), "register_hook", "a hook on the gradient of ",
                where, " returned shape ", replaced.shape(), " instead of ", grad.shape());
    grad = replaced.dtype() == grad.dtype() ? std::move(replaced) : replaced.to(grad.dtype());
  }
  return grad;
}

void Engine::accumulate_leaf(VariableImpl& leaf, Tensor grad) {
  if (!leaf.hooks.empty())
    grad = run_hooks(leaf.hooks, std::move(grad),
                     leaf.name.empty() ? "a leaf" : "'" + leaf.name + "'");
  if (!leaf.grad.defined() && !exclusively_owned(grad)) grad = grad.clone();
  accumulate_into(leaf.grad, grad);
}

Engine::PendingLeaves Engine::count_hooked_leaves(const std::vector<Node*>& nodes) {
  PendingLeaves pending;
  for (const Node* node : nodes)
    for (const Edge& edge : node->inputs_)
      if (edge.needs_grad && edge.variable != nullptr &&
          !edge.variable->post_accumulate_hooks.empty())
        ++pending[edge.variable.get()];
  return pending;
}

void Engine::run_post_accumulate_hooks(VariableImpl& leaf) {
  // A copy: a hook may register or remove hooks.
  const std::vector<PostAccumulateHook> hooks = leaf.post_accumulate_hooks;
  for (const PostAccumulateHook& hook : hooks)
    if (hook != nullptr) hook(leaf.grad);
}

// Sums a gradient in the output's broadcast shape down to the input's shape;
// a rule (or custom function) that returns another shape is named in the error.
Tensor Engine::reduce_to_input(const Node& node, std::size_t i, const Tensor& grad) {
  try {
    return sum_to(grad, node.inputs_[i].shape());
  } catch (const Error&) {
    detail::throw_error("backward", node.name_, " returned a gradient of shape ", grad.shape(),
                        " for input ", i, " of shape ", node.inputs_[i].shape(),
                        ", which it does not broadcast to");
  }
}

void Engine::run(const Variable& root, const Tensor& grad_out, const BackwardOptions& options) {
  VariableImpl& impl = *root.impl();
  NABLA_CHECK(impl.requires_grad || impl.grad_fn != nullptr, "backward", "the Variable",
              impl.name.empty() ? "" : " '" + impl.name + "'",
              " does not require grad and has no grad_fn: nothing to differentiate");
  Tensor seed;
  if (grad_out.defined()) {
    NABLA_CHECK(grad_out.shape() == impl.value.shape(), "backward", "grad_out has shape ",
                grad_out.shape(), " but the Variable has shape ", impl.value.shape());
    seed = grad_out.dtype() == impl.value.dtype() ? grad_out : grad_out.to(impl.value.dtype());
  } else {
    NABLA_CHECK(impl.value.numel() == 1, "backward",
                "grad_out can be omitted only for a one-element Variable, got shape ",
                impl.value.shape(), "; pass grad_out explicitly");
    seed = ones(impl.value.shape(), impl.value.dtype());
  }

  // The trace, explain mode, kept gradients and step callbacks watch the pass
  // through observers; without any, each node pays one test.
  autograd::detail::Observers observers(options.trace != nullptr ? options.trace
                                                                 : autograd::trace_stream());
  const bool anomaly = autograd::is_anomaly_enabled();

  if (impl.grad_fn == nullptr) {
    accumulate_leaf(impl, std::move(seed));
    run_post_accumulate_hooks(impl);
    return;
  }

  std::vector<Node*> nodes = collect(impl.grad_fn.get());
  // The gradient of node k's output is summed in grads_of[k].
  for (std::size_t k = 0; k < nodes.size(); ++k) nodes[k]->slot_ = k;
  std::vector<Tensor> grads_of(nodes.size());
  PendingLeaves pending = detail::any_post_accumulate_hook.load(std::memory_order_relaxed)
                              ? count_hooked_leaves(nodes)
                              : PendingLeaves();
  grads_of.front() = std::move(seed);
  if (observers) observers.begin(root, nodes);

  for (std::size_t step = 0; step < nodes.size(); ++step) {
    Node& node = *nodes[step];
    Tensor grad = std::move(grads_of[step]);
    if (grad.defined()) {
      if (!node.hooks_.empty()) {
        const std::string& out = node.output_name_;
        grad =
            run_hooks(node.hooks_, std::move(grad),
                      out.empty() ? "the output of " + std::string(node.name_) : "'" + out + "'");
      }
      if (auto retained = node.retained_.lock())
        retained->grad = retained->grad.defined() ? add(retained->grad, grad) : grad.clone();
      if (observers) observers.before_rule(step, node, grad);

      GradList grads = node.apply(grad);
      NABLA_CHECK(grads.size() == node.inputs_.size(), "backward", node.name_, " returned ",
                  grads.size(), " gradients for ", node.inputs_.size(), " inputs");
      for (std::size_t i = 0; i < grads.size(); ++i) {
        Edge& edge = node.inputs_[i];
        Tensor& g = grads[i];
        if (!edge.needs_grad || !g.defined()) {
          if (observers) observers.input(step, node, i, Tensor(), Tensor());
          continue;
        }
        if (observers) [[unlikely]] {
          const Tensor raw = g;
          fit_to_input(node, i, g, grad.shape());
          observers.input(step, node, i, raw, g);
        } else {
          fit_to_input(node, i, g, grad.shape());
        }
        if (anomaly) autograd::detail::check_backward(node, i, g, step);
        if (edge.node != nullptr) {
          accumulate_into(grads_of[slot_of(nodes, edge.node.get())], g);
        } else {
          accumulate_leaf(*edge.variable, std::move(g));
        }
      }
      if (observers) observers.after_node(step, node);
    }
    // A node that received no gradient still counts: its leaves' last
    // contribution may be this one, and it is none.
    if (!pending.empty()) {
      for (const Edge& edge : node.inputs_) {
        if (!edge.needs_grad || edge.variable == nullptr) continue;
        auto it = pending.find(edge.variable.get());
        if (it != pending.end() && --it->second == 0) run_post_accumulate_hooks(*edge.variable);
      }
    }
    if (!options.retain_graph) node.release();
  }
  if (observers) observers.end(root);
}

namespace autograd {

void backward(const Variable& root, const Tensor& grad_out, const BackwardOptions& options) {
  NABLA_CHECK(root.defined(), "backward", "the Variable is undefined");
  Engine::run(root, grad_out, options);
}

}  // namespace autograd
}  // namespace nabla
