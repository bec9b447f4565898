#include "autograd/node.h"

#include <atomic>

#include "autograd/kept_values.h"
#include "tensor/object_pool.h"

namespace nabla {

namespace {
std::atomic<std::uint64_t> next_sequence_nr{1};
}  // namespace

Node::Node(const char* name, const Tensor& y)
    : name_(name),
      sequence_nr_(next_sequence_nr.fetch_add(1, std::memory_order_relaxed)),
      shape_(y.shape()),
      dtype_(y.dtype()),
      scope_(autograd::current_scope()) {
  if (autograd::detail::keep_values_depth > 0) [[unlikely]] {
    keeps_values_ = true;
    autograd::detail::keep_value(*this, y);
  }
}

template <class Range>
void Node::add_inputs(const Range& inputs) {
  inputs_.reserve(inputs.size());
  for (const Variable& v : inputs) add_input(v);
}

Node::Node(const char* name, VariableRefs inputs, const Tensor& y) : Node(name, y) {
  add_inputs(inputs);
}

Node::Node(const char* name, const std::vector<Variable>& inputs, const Tensor& y) : Node(name, y) {
  add_inputs(inputs);
}

// Non-leaf inputs point at their producer; leaves that need a gradient (and
// named constants, so graph exports can show them, and constants cut from a
// graph, so why_no_grad can find them) point at their state.
void Node::add_input(const Variable& v) {
  static const Shape kNoShape{};
  Edge& edge = inputs_.emplace_back();
  const std::shared_ptr<VariableImpl>& impl = v.impl();
  if (impl == nullptr) {  // an optional input that was not given (e.g. no bias)
    edge.absent = true;
    edge.shape_ = &kNoShape;
    return;
  }
  if (impl->value.shape() == shape_) {
    edge.shape_ = &shape_;
  } else {
    edge.own_shape_ = make_pooled<const Shape>(impl->value.shape());
    edge.shape_ = edge.own_shape_.get();
  }
  edge.dtype = impl->value.dtype();
  if (impl->grad_fn != nullptr) {
    edge.node = impl->grad_fn;
    edge.needs_grad = true;
  } else if (impl->requires_grad) {
    edge.variable = impl;
    edge.needs_grad = true;
  } else if (!impl->name.empty() || impl->cut_by != nullptr) {
    edge.variable = impl;  // kept so that why_no_grad can say where a path breaks
  }
}

// A chain of a million nodes would otherwise be destroyed recursively (each
// node's last reference to its input's node), overflowing the stack. The
// outermost destructor adopts every input node it solely owns and destroys them
// one at a time, so nested destructors find nothing left to adopt.
Node::~Node() {
  if (keeps_values_) [[unlikely]]
    autograd::detail::forget_values(*this);
  std::vector<std::shared_ptr<Node>> pending;
  take_unique_inputs(pending);
  while (!pending.empty()) {
    std::shared_ptr<Node> node = std::move(pending.back());
    pending.pop_back();
    node->take_unique_inputs(pending);
  }
}

void Node::take_unique_inputs(std::vector<std::shared_ptr<Node>>& out) {
  for (Edge& edge : inputs_) {
    if (edge.node != nullptr && edge.node.use_count() == 1) out.push_back(std::move(edge.node));
  }
}

void Node::release() {
  release_saved();
  released_ = true;
}

}  // namespace nabla
