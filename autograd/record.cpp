#include "autograd/record.h"

#include "autograd/scope.h"
#include "tensor/object_pool.h"

namespace nabla::detail {

namespace {

bool input_requires_grad(const Variable& v) {
  const VariableImpl* impl = v.impl().get();
  return impl != nullptr && (impl->requires_grad || impl->grad_fn != nullptr);
}

template <class Range>
bool should_record_impl(const Range& inputs) {
  if (!is_grad_enabled()) return false;
  for (const Variable& v : inputs)
    if (input_requires_grad(v)) return true;
  return false;
}

}  // namespace

bool should_record(VariableRefs inputs) {
  return should_record_impl(inputs);
}
bool should_record(const std::vector<Variable>& inputs) {
  return should_record_impl(inputs);
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
