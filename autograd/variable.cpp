#include "autograd/variable.h"

#include <ostream>

#include "autograd/engine.h"
#include "autograd/node.h"
#include "autograd/scope.h"
#include "tensor/object_pool.h"
#include "tensor/print.h"

namespace nabla {

Variable::Variable(Tensor value, bool requires_grad) {
  if (!value.defined()) {
    NABLA_CHECK(!requires_grad, "Variable", "an undefined tensor cannot require grad");
    return;
  }
  NABLA_CHECK(!requires_grad || is_floating(value.dtype()), "Variable",
              "requires_grad needs a floating dtype, got ", value.dtype());
  // The node check's f64 replay (node_check.cpp) sees f32 constants in f64.
  if (detail::replay_in_f64 && value.dtype() == DType::f32) [[unlikely]]
    value = value.to(DType::f64);
  impl_ = make_pooled<VariableImpl>();
  impl_->value = std::move(value);
  impl_->requires_grad = requires_grad;
}

void Variable::throw_undefined() {
  throw Error("Variable: the Variable is undefined (default-constructed)");
}

void Variable::set_grad(Tensor grad) {
  VariableImpl& v = checked();
  if (grad.defined()) {
    NABLA_CHECK(grad.shape() == v.value.shape() && grad.dtype() == v.value.dtype(), "set_grad",
                "gradient ", grad.shape(), " ", grad.dtype(), " does not match the value ",
                v.value.shape(), " ", v.value.dtype(), name().empty() ? "" : " of '", name(),
                name().empty() ? "" : "'");
  }
  v.grad = std::move(grad);
}

bool Variable::requires_grad() const {
  const VariableImpl& v = checked();
  return v.requires_grad || v.grad_fn != nullptr;
}

Variable& Variable::set_requires_grad(bool requires_grad) {
  VariableImpl& v = checked();
  NABLA_CHECK(v.grad_fn == nullptr, "set_requires_grad",
              "only leaves can change requires_grad; this Variable was produced by ",
              v.grad_fn->name(), " (use detach() to get a leaf)");
  NABLA_CHECK(!requires_grad || is_floating(v.value.dtype()), "set_requires_grad",
              "requires_grad needs a floating dtype, got ", v.value.dtype());
  v.requires_grad = requires_grad;
  return *this;
}

const std::shared_ptr<Node>& Variable::grad_fn() const {
  return checked().grad_fn;
}

bool Variable::is_leaf() const {
  return checked().grad_fn == nullptr;
}

const std::string& Variable::name() const {
  return checked().name;
}

Variable& Variable::set_name(std::string name) {
  VariableImpl& v = checked();
  if (v.grad_fn) v.grad_fn->set_output_name(name);
  v.name = std::move(name);
  return *this;
}

void Variable::backward(const Tensor& grad_out, const BackwardOptions& options) const {
  checked();
  autograd::backward(*this, grad_out, options);
}

Variable Variable::detach() const {
  const VariableImpl& v = checked();
  Variable out(v.value);
  out.impl_->cut_by = "detach";
  out.impl_->cut_scope = v.grad_fn ? v.grad_fn->scope() : autograd::current_scope();
  out.impl_->cut_from = v.grad_fn;
  return out;
}

void Variable::zero_grad() {
  checked().grad = Tensor();
}

void Variable::retain_grad() {
  VariableImpl& v = checked();
  NABLA_CHECK(requires_grad(), "retain_grad", "the Variable",
              v.name.empty() ? "" : " '" + v.name + "'", " does not require grad");
  if (v.grad_fn) v.grad_fn->retained() = impl_;
  v.retains_grad = true;
}

bool Variable::retains_grad() const {
  const VariableImpl& v = checked();
  return v.grad_fn == nullptr ? v.requires_grad : v.retains_grad;
}

int Variable::register_hook(GradHook hook) {
  VariableImpl& v = checked();
  NABLA_CHECK(requires_grad(), "register_hook", "the Variable",
              v.name.empty() ? "" : " '" + v.name + "'",
              " does not require grad, so no gradient will reach the hook");
  NABLA_CHECK(hook != nullptr, "register_hook", "the hook is empty");
  std::vector<GradHook>& hooks = v.grad_fn ? v.grad_fn->hooks() : v.hooks;
  hooks.push_back(std::move(hook));
  return static_cast<int>(hooks.size()) - 1;
}

void Variable::remove_hook(int id) {
  VariableImpl& v = checked();
  std::vector<GradHook>& hooks = v.grad_fn ? v.grad_fn->hooks() : v.hooks;
  NABLA_CHECK(id >= 0 && id < static_cast<int>(hooks.size()) && hooks[id] != nullptr, "remove_hook",
              "no hook with id ", id);
  hooks[id] = nullptr;
}

int Variable::register_post_accumulate_hook(PostAccumulateHook hook) {
  VariableImpl& v = checked();
  NABLA_CHECK(v.grad_fn == nullptr && v.requires_grad, "register_post_accumulate_hook",
              "the Variable", v.name.empty() ? "" : " '" + v.name + "'",
              v.grad_fn ? " is not a leaf" : " does not require grad",
              ": only a leaf that requires grad accumulates a gradient");
  NABLA_CHECK(hook != nullptr, "register_post_accumulate_hook", "the hook is empty");
  v.post_accumulate_hooks.push_back(std::move(hook));
  detail::any_post_accumulate_hook.store(true, std::memory_order_relaxed);
  return static_cast<int>(v.post_accumulate_hooks.size()) - 1;
}

void Variable::remove_post_accumulate_hook(int id) {
  std::vector<PostAccumulateHook>& hooks = checked().post_accumulate_hooks;
  NABLA_CHECK(id >= 0 && id < static_cast<int>(hooks.size()) && hooks[id] != nullptr,
              "remove_post_accumulate_hook", "no hook with id ", id);
  hooks[id] = nullptr;
}

std::ostream& operator<<(std::ostream& out, const Variable& v) {
  if (!v.defined()) return out << "Variable(undefined)";
  out << "Variable(";
  if (!v.name().empty()) out << "'" << v.name() << "', ";
  out << v.shape() << ", " << v.dtype();
  if (v.grad_fn()) {
    out << ", grad_fn=" << v.grad_fn()->name();
  } else if (v.requires_grad()) {
    out << ", requires_grad";
  }
  return out << ")\n" << v.value();
}

std::vector<Tensor> values(const std::vector<Variable>& variables) {
  std::vector<Tensor> out;
  out.reserve(variables.size());
  for (const Variable& v : variables) out.push_back(v.value());
  return out;
}

}  // namespace nabla
