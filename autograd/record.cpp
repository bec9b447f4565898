#include "autograd/record.h"

#include "autograd/scope.h"
#include "tensor/object_pool.h"

namespace nabla::detail {

namespace {

bool input_requires_grad(const Variable& v) {
  const VariableImpl* impl = v.impl().get();
  return impl != nullptr && (impl->requires_grad || impl->grad_fn != nullptr);
}

}  // namespace

// Non-leaf inputs point at their producer; leaves that need a gradient (and
// named constants, so graph exports can show them, and constants cut from a
// graph, so why_no_grad can find them) point at their state.
Edge make_edge(const Variable& v, const Shape& out) {
  Edge edge;
  const std::shared_ptr<VariableImpl>& impl = v.impl();
  if (impl == nullptr) {  // an optional input that was not given (e.g. no bias)
    edge.absent = true;
    return edge;
  }
  if (impl->value.shape() != out) edge.own_shape_ = make_pooled<const Shape>(impl->value.shape());
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
  return edge;
}

namespace {

template <class Range>
bool should_record_impl(const Range& inputs) {
  if (!is_grad_enabled()) return false;
  for (const Variable& v : inputs)
    if (input_requires_grad(v)) return true;
  return false;
}

template <class Range>
EdgeList make_edges_impl(const Range& inputs, const Shape& out) {
  EdgeList edges;
  edges.reserve(inputs.size());
  for (const Variable& v : inputs) edges.push_back(make_edge(v, out));
  return edges;
}

}  // namespace

bool should_record(VariableRefs inputs) {
  return should_record_impl(inputs);
}
bool should_record(const std::vector<Variable>& inputs) {
  return should_record_impl(inputs);
}
EdgeList make_edges(VariableRefs inputs, const Shape& out) {
  return make_edges_impl(inputs, out);
}
EdgeList make_edges(const std::vector<Variable>& inputs, const Shape& out) {
  return make_edges_impl(inputs, out);
}

std::vector<const Variable*> input_pointers(VariableRefs inputs) {
  std::vector<const Variable*> out;
  for (const Variable& v : inputs) out.push_back(&v);
  return out;
}
std::vector<const Variable*> input_pointers(const std::vector<Variable>& inputs) {
  std::vector<const Variable*> out;
  for (const Variable& v : inputs) out.push_back(&v);
  return out;
}

Variable unrecorded_output(const char* name, const Tensor& y) {
  Variable out(y);
  if (!is_grad_enabled() && out.defined()) [[unlikely]] {
    out.impl()->cut_by = name;
    out.impl()->cut_scope = autograd::current_scope();
  }
  return out;
}

Variable make_output(const Tensor& y, std::shared_ptr<Node> node) {
  auto impl = make_pooled<VariableImpl>();
  impl->value = y;
  impl->grad_fn = std::move(node);
  return Variable(std::move(impl));
}

}  // namespace nabla::detail
