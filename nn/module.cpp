#include "nn/module.h"

#include <cxxabi.h>

#include <algorithm>
#include <cstdlib>
#include <ostream>
#include <sstream>
#include <typeinfo>

#include "autograd/elementwise.h"
#include "tensor/factory.h"
#include "tensor/print.h"

namespace nabla::nn {

namespace {

// Depth of nested operator() calls on this thread: a call at depth 0 is an
// outermost forward, which starts a fresh set of activity penalties.
thread_local int call_depth = 0;

struct DepthGuard {
  DepthGuard() { ++call_depth; }
  ~DepthGuard() { --call_depth; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
};

// A state may come from a file holding any number of keys of any length:
// its mismatches are listed at most this many per kind, each key quoted at
// most this long, so that the message stays short whatever the file holds.
constexpr std::size_t kMaxListedKeys = 20;
constexpr std::size_t kMaxQuotedKeyBytes = 64;

/// `key` cut at a UTF-8 character boundary, with its length when cut.
std::string quoted_key(const std::string& key) {
  if (key.size() <= kMaxQuotedKeyBytes) return key;
  std::size_t cut = kMaxQuotedKeyBytes;
  while (cut > 0 && (static_cast<unsigned char>(key[cut]) & 0xC0) == 0x80) --cut;
  return key.substr(0, cut) + "... (" + std::to_string(key.size()) + " bytes)";
}

std::string join_path(const std::string& prefix, const std::string& name) {
  if (prefix.empty()) return name;
  return name.empty() ? prefix : prefix + "." + name;
}

template <class Entries>
auto find_entry(Entries& entries, const std::string& name) -> decltype(&entries.front()) {
  for (auto& entry : entries)
    if (entry.first == name) return &entry;
  return nullptr;
}

}  // namespace

Variable Module::operator()(const Variable& x, SourceLocation where) {
  const bool outermost = call_depth == 0;
  try {
    if (outermost) apply([](Module& m) { m.activity_losses_.clear(); });
    const autograd::Scope* parent = autograd::current_scope();
    if (scope_ == nullptr || parent != scope_parent_) {
      scope_ = autograd::intern_scope(parent, registered_name_, type_name());
      scope_parent_ = parent;
    }
    const autograd::ScopeGuard scope(scope_);
    Variable y;
    {
      DepthGuard depth;
      y = forward(x);
    }
    if (activity_regularizer_.active()) {
      double batch = y.dim() > 0 ? static_cast<double>(y.size(0)) : 1.0;
      activity_losses_.push_back(activity_regularizer_(y) / batch);
    }
    for (auto& [id, hook] : forward_hooks_) hook(*this, x, y);
    return y;
  } catch (Error& error) {
    // Zero cost until something throws: the error is named on its way out and
    // rethrown as the same object.
    annotate(error, outermost, where);
    throw;
  }
}

// The innermost module names itself (later, outer ones keep that name), and
// the outermost call records where the model was called, so the context is
// written once however deep the modules nest.
void Module::annotate(Error& error, bool outermost, const SourceLocation& where) const {
  if (scope_ != nullptr) error.set_module(scope_->path, scope_->type);
  if (outermost) error.set_call_site(type_name(), where);
}

void Module::check_new_name(const std::string& name, const char* what) const {
  NABLA_CHECK(!name.empty(), what, "empty name");
  NABLA_CHECK(name.find('.') == std::string::npos, what, "name '", name,
              "' contains '.' (dots separate the levels of a path)");
  bool taken = find_entry(parameters_, name) != nullptr || find_entry(buffers_, name) != nullptr ||
               find_entry(children_, name) != nullptr;
  NABLA_CHECK(!taken, what, "name '", name, "' is already registered in ", type_name());
}

Variable Module::register_parameter(std::string name, Tensor value, bool requires_grad) {
  check_defined(value, "register_parameter");
  return register_parameter(std::move(name), Variable(std::move(value), requires_grad));
}

Variable Module::register_parameter(std::string name, Variable parameter) {
  check_new_name(name, "register_parameter");
  NABLA_CHECK(parameter.defined(), "register_parameter", "parameter '", name, "' is undefined");
  NABLA_CHECK(parameter.is_leaf(), "register_parameter", "parameter '", name,
              "' is not a leaf (it was computed by ", "an operation; register a detached value)");
  if (parameter.name().empty()) parameter.set_name(name);
  parameters_.emplace_back(std::move(name), parameter);
  return parameter;
}

Variable Module::register_buffer(std::string name, Tensor value) {
  check_new_name(name, "register_buffer");
  check_defined(value, "register_buffer");
  Variable buffer(std::move(value));
  buffer.set_name(name);
  buffers_.emplace_back(std::move(name), buffer);
  return buffer;
}

void Module::add_child(std::string name, std::shared_ptr<Module> module) {
  check_new_name(name, "register_module");
  NABLA_CHECK(module != nullptr, "register_module", "submodule '", name, "' is null");
  NABLA_CHECK(module.get() != this, "register_module", "a module cannot contain itself ('", name,
              "')");
  module->registered_name_ = name;
  children_.emplace_back(std::move(name), std::move(module));
}

int Module::register_forward_hook(ForwardHook hook) {
  forward_hooks_.emplace_back(next_hook_id_, std::move(hook));
  return next_hook_id_++;
}

void Module::remove_forward_hook(int id) {
  std::erase_if(forward_hooks_, [id](const auto& entry) { return entry.first == id; });
}

void Module::set_regularizer(const std::string& parameter_name, Regularizer regularizer) {
  NABLA_CHECK(find_entry(parameters_, parameter_name) != nullptr, "set_regularizer", type_name(),
              " has no parameter '", parameter_name, "'");
  NABLA_CHECK(regularizer.l1 >= 0.0 && regularizer.l2 >= 0.0, "set_regularizer",
              "negative weight: ", regularizer);
  if (auto* entry = find_entry(regularizers_, parameter_name))
    entry->second = regularizer;
  else
    regularizers_.emplace_back(parameter_name, regularizer);
}

void Module::set_activity_regularizer(Regularizer regularizer) {
  NABLA_CHECK(regularizer.l1 >= 0.0 && regularizer.l2 >= 0.0, "set_activity_regularizer",
              "negative weight: ", regularizer);
  activity_regularizer_ = regularizer;
}

Variable Module::regularization_loss() const {
  Variable total;
  auto add = [&total](const Variable& penalty) {
    total = total.defined() ? total + penalty : penalty;
  };
  for (const auto& [path, module] : named_modules()) {
    for (const auto& [name, regularizer] : module->regularizers_)
      if (regularizer.active()) add(regularizer(find_entry(module->parameters_, name)->second));
    for (const auto& penalty : module->activity_losses_) add(penalty);
  }
  if (!total.defined()) {
    auto params = parameters();
    total = Variable(zeros({}, params.empty() ? DType::f32 : params.front().dtype()));
  }
  return total;
}

bool Module::has_regularization() const {
  for (const auto& [path, module] : named_modules()) {
    if (module->activity_regularizer_.active()) return true;
    for (const auto& [name, regularizer] : module->regularizers_)
      if (regularizer.active()) return true;
  }
  return false;
}

std::vector<std::pair<std::string, Variable>> Module::named_parameters(bool recurse) const {
  std::vector<std::pair<std::string, Variable>> result(parameters_.begin(), parameters_.end());
  if (recurse) {
    for (const auto& [child_name, child] : children_)
      for (auto& [name, parameter] : child->named_parameters(true))
        result.emplace_back(join_path(child_name, name), std::move(parameter));
  }
  return result;
}

std::vector<Variable> Module::parameters(bool recurse) const {
  std::vector<Variable> result;
  for (auto& [name, parameter] : named_parameters(recurse)) result.push_back(std::move(parameter));
  return result;
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> result;
  for (const auto& [name, buffer] : buffers_) result.emplace_back(name, buffer.value());
  if (recurse) {
    for (const auto& [child_name, child] : children_)
      for (auto& [name, buffer] : child->named_buffers(true))
        result.emplace_back(join_path(child_name, name), std::move(buffer));
  }
  return result;
}

std::vector<Tensor> Module::buffers(bool recurse) const {
  std::vector<Tensor> result;
  for (auto& [name, buffer] : named_buffers(recurse)) result.push_back(std::move(buffer));
  return result;
}

std::vector<std::pair<std::string, std::shared_ptr<Module>>> Module::named_children() const {
  return children_;
}

std::vector<std::shared_ptr<Module>> Module::children() const {
  std::vector<std::shared_ptr<Module>> result;
  for (const auto& [name, child] : children_) result.push_back(child);
  return result;
}

std::vector<std::pair<std::string, Module*>> Module::named_modules() {
  std::vector<std::pair<std::string, Module*>> result{{"", this}};
  for (const auto& [child_name, child] : children_)
    for (auto& [path, module] : child->named_modules())
      result.emplace_back(join_path(child_name, path), module);
  return result;
}

std::vector<std::pair<std::string, const Module*>> Module::named_modules() const {
  std::vector<std::pair<std::string, const Module*>> result;
  for (auto& [path, module] : const_cast<Module*>(this)->named_modules())
    result.emplace_back(std::move(path), module);
  return result;
}

void Module::apply(const std::function<void(Module&)>& fn) {
  fn(*this);
  for (const auto& [name, child] : children_) child->apply(fn);
}

Variable Module::parameter(const std::string& path) const {
  for (auto& [name, parameter] : named_parameters())
    if (name == path) return parameter;
  nabla::detail::throw_error("Module::parameter", type_name(), " has no parameter '", path, "'");
}

Tensor Module::buffer(const std::string& path) const {
  for (auto& [name, buffer] : named_buffers())
    if (name == path) return buffer;
  nabla::detail::throw_error("Module::buffer", type_name(), " has no buffer '", path, "'");
}

std::int64_t Module::num_parameters(bool trainable_only) const {
  std::int64_t count = 0;
  for (const auto& [name, parameter] : named_parameters())
    if (!trainable_only || parameter.requires_grad()) count += parameter.numel();
  return count;
}

void Module::train(bool on) {
  apply([on](Module& m) { m.training_ = on; });
}

Module& Module::to(DType dtype) {
  NABLA_CHECK(is_floating(dtype), "Module::to", "expected a floating dtype, got ", dtype);
  apply([dtype](Module& m) {
    for (auto& [name, parameter] : m.parameters_) {
      parameter.zero_grad();
      parameter.value() = parameter.value().to(dtype);
    }
    for (auto& [name, buffer] : m.buffers_)
      if (is_floating(buffer.dtype())) buffer.value() = buffer.value().to(dtype);
  });
  return *this;
}

void Module::zero_grad() {
  for (auto& parameter : parameters()) parameter.zero_grad();
}

StateDict Module::state_dict() const {
  StateDict state;
  for (const auto& [path, module] : named_modules()) {
    for (const auto& [name, parameter] : module->parameters_)
      state.insert(join_path(path, name), parameter.value());
    for (const auto& [name, buffer] : module->buffers_)
      state.insert(join_path(path, name), buffer.value());
  }
  return state;
}

void Module::load_state_dict(const StateDict& state, bool strict) {
  StateDict own = state_dict();
  std::vector<std::string> missing, unexpected, mismatched;
  for (const auto& [key, target] : own) {
    const Tensor* source = state.find(key);
    if (source == nullptr) {
      missing.push_back(quoted_key(key));
    } else if (!source->defined() || source->shape() != target.shape() ||
               source->dtype() != target.dtype()) {
      std::ostringstream what;
      what << quoted_key(key) << ": expected " << target.shape() << " " << target.dtype()
           << ", got ";
      if (source->defined())
        what << source->shape() << " " << source->dtype();
      else
        what << "an undefined tensor";
      mismatched.push_back(what.str());
    }
  }
  for (const auto& [key, value] : state)
    if (!own.contains(key)) unexpected.push_back(quoted_key(key));

  bool failed = !mismatched.empty() || (strict && (!missing.empty() || !unexpected.empty()));
  if (failed) {
    std::ostringstream message;
    auto list = [&message](const char* title, const std::vector<std::string>& keys) {
      if (keys.empty()) return;
      message << "\n  " << title << " (" << keys.size() << "):";
      const std::size_t listed = std::min(keys.size(), kMaxListedKeys);
      for (std::size_t k = 0; k < listed; ++k) message << " " << keys[k] << ";";
      if (keys.size() > listed) message << " ... and " << keys.size() - listed << " more";
    };
    message << "state does not match " << type_name();
    if (strict) {
      list("missing keys", missing);
      list("unexpected keys", unexpected);
    }
    list("shape or dtype mismatches", mismatched);
    nabla::detail::throw_error("load_state_dict", message.str());
  }
  // Under no-grad semantics: the copy is a state change, not an operation.
  for (const auto& [key, target] : own)
    if (const Tensor* source = state.find(key)) Tensor(target).copy_(*source);
}

namespace detail {

std::string short_type_name(const std::type_info& type) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(type.name(), nullptr, nullptr, &status);
  std::string name = status == 0 && demangled != nullptr ? demangled : type.name();
  std::free(demangled);
  // Drop the namespaces of the outermost name ("nabla::nn::Linear" -> "Linear").
  auto last_colon = name.rfind("::", name.find('<'));
  if (last_colon != std::string::npos) name.erase(0, last_colon + 2);
  return name;
}

}  // namespace detail

std::string Module::type_name() const {
  return detail::short_type_name(typeid(*this));
}

void Module::print(std::ostream& out, int indent) const {
  out << type_name() << "(" << extra_repr();
  if (!children_.empty()) {
    out << "\n";
    for (const auto& [name, child] : children_) {
      out << std::string(indent + 2, ' ') << "(" << name << "): ";
      child->print(out, indent + 2);
      out << "\n";
    }
    out << std::string(indent, ' ');
  }
  out << ")";
}

std::ostream& operator<<(std::ostream& out, const Module& module) {
  module.print(out, 0);
  return out;
}

DType parameter_dtype(const Module& module) {
  for (const Variable& p : module.parameters()) {
    if (is_floating(p.value().dtype())) return p.value().dtype();
  }
  return DType::f32;
}

}  // namespace nabla::nn
