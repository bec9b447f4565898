// Module: the base of every layer and model. A module registers its
// parameters, buffers and submodules by name; everything else follows from
// that registry: dotted names (block2.dense.weight), parameters() for the
// optimizer, train()/eval(), zero_grad(), state_dict()/load_state_dict(),
// regularization penalties and printing. Registration order is iteration
// order.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "autograd/scope.h"
#include "autograd/variable.h"
#include "nn/regularizer.h"
#include "nn/submodule.h"
#include "tensor/error.h"
#include "tensor/state_dict.h"

namespace nabla {
class Generator;
}

namespace nabla::nn {

class Module;

/// Called after a module's forward with the module, its input and its output
/// (to look at activations, or to record output shapes as summary() does).
using ForwardHook = std::function<void(Module& module, const Variable& x, const Variable& y)>;

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  // Copying a module would alias its parameters; move it or share it.
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  Module(Module&&) = default;
  Module& operator=(Module&&) = default;

  /// The computation of the module.
  virtual Variable forward(const Variable& x) = 0;

  /// Calls forward(x), then adds the activity penalty of the output (see
  /// set_activity_regularizer) and runs the forward hooks, all inside the
  /// module's scope (autograd/scope.h): every node recorded meanwhile knows
  /// this module's path. Penalties
  /// of the previous call are dropped when an outermost module is called, so
  /// after model(x) regularization_loss() holds exactly that forward's.
  ///
  /// A nabla::Error raised during the call (by an op, a layer's check or
  /// anomaly mode) leaves it with its ErrorContext set: the path of the
  /// innermost module whose call was under way ("2.dense") and `where`, the
  /// line that called the outermost module (the default argument: the caller's
  /// own line). Its message is kept, and what() adds one line naming both.
  Variable operator()(const Variable& x, SourceLocation where = SourceLocation::current());

  // ---- Registration (names: non-empty, no '.', unique among the module's
  // parameters, buffers and submodules; nabla::Error otherwise).

  /// Registers `value` as a parameter (a leaf; requires_grad as given, false
  /// makes it non-trainable) and returns the handle, which shares its state
  /// with the registry: keep it as a member.
  Variable register_parameter(std::string name, Tensor value, bool requires_grad = true);
  /// Registers an existing leaf Variable (shared, not copied).
  Variable register_parameter(std::string name, Variable parameter);
  /// Registers a buffer: state that is saved and loaded but not trained (e.g.
  /// BatchNorm's running mean). It is returned as a constant Variable (no
  /// gradient) so that the member and the registry share one state, as for
  /// parameters: to(dtype) and load_state_dict() are seen through both.
  Variable register_buffer(std::string name, Tensor value);
  /// Registers a submodule; its names appear under "name.". Returns a handle
  /// that shares it (nn/submodule.h): keep it as a member, call it as
  /// child(x), reach its members as child->weight. Throws nabla::Error for a
  /// null module, the module itself or a taken name.
  template <class M>
  Submodule<M> register_module(std::string name, std::shared_ptr<M> module) {
    add_child(std::move(name), module);
    return Submodule<M>(std::move(module));
  }
  /// Registers the module behind a handle (shared, not copied).
  template <class M>
  Submodule<M> register_module(std::string name, const Submodule<M>& module) {
    return register_module(std::move(name), module.ptr());
  }

  /// Registers a hook run after every call of this module; returns its id.
  int register_forward_hook(ForwardHook hook);
  /// Removes a hook; unknown ids are ignored.
  void remove_forward_hook(int id);

  // ---- Regularization (Keras's kernel_regularizer / activity_regularizer).

  /// Adds regularizer(parameter) to regularization_loss(). Throws for an
  /// unknown parameter name.
  void set_regularizer(const std::string& parameter_name, Regularizer regularizer);
  /// Adds regularizer(y) / batch size for each output y of operator() (Keras
  /// divides the activity penalty by the batch size too).
  void set_activity_regularizer(Regularizer regularizer);
  /// The sum of every parameter penalty and every activity penalty of the
  /// last forward, over this module and its descendants; a zero scalar when
  /// there is none. Add it to the loss before backward.
  Variable regularization_loss() const;
  /// True when this module or a descendant has a penalty.
  bool has_regularization() const;

  // ---- The registry.

  /// Parameters with dotted paths, this module's first, then each child's in
  /// registration order.
  std::vector<std::pair<std::string, Variable>> named_parameters(bool recurse = true) const;
  std::vector<Variable> parameters(bool recurse = true) const;
  std::vector<std::pair<std::string, Tensor>> named_buffers(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  /// Direct submodules.
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> named_children() const;
  std::vector<std::shared_ptr<Module>> children() const;
  /// This module (path "") and every descendant, depth first, in registration order.
  std::vector<std::pair<std::string, Module*>> named_modules();
  std::vector<std::pair<std::string, const Module*>> named_modules() const;
  /// Calls fn on this module and every descendant (depth first, parent first).
  void apply(const std::function<void(Module&)>& fn);

  /// The parameter or buffer at a dotted path; throws naming the path if absent.
  Variable parameter(const std::string& path) const;
  Tensor buffer(const std::string& path) const;

  /// Total number of parameter elements; trainable_only counts those with
  /// requires_grad.
  std::int64_t num_parameters(bool trainable_only = false) const;

  // ---- Modes.

  /// Sets training mode on this module and every descendant (Dropout drops,
  /// BatchNorm uses batch statistics).
  void train(bool on = true);
  /// Same as train(false).
  void eval() { train(false); }
  bool is_training() const { return training_; }

  /// Converts every parameter and buffer to `dtype` (e.g. f64 for a gradient
  /// check). Gradients are dropped. Handles held elsewhere see the new values;
  /// an optimizer built before the conversion must be rebuilt.
  Module& to(DType dtype);

  /// Drops the gradient of every parameter (grad() becomes undefined, as
  /// PyTorch's zero_grad(set_to_none=true)).
  void zero_grad();

  // ---- Saving and loading.

  /// Parameters and buffers by dotted path, in the order of named_parameters
  /// then named_buffers per module. The tensors share storage with the
  /// module (clone() the StateDict to keep a snapshot).
  StateDict state_dict() const;
  /// Copies the values of `state` into the parameters and buffers (in place,
  /// so handles held elsewhere, e.g. by an optimizer, see the new values).
  /// Strict: every key must match, and all missing, unexpected and
  /// shape/dtype-mismatched keys are listed in one nabla::Error before
  /// anything is copied. Non-strict: missing and unexpected keys are ignored;
  /// mismatched shapes and dtypes still throw.
  void load_state_dict(const StateDict& state, bool strict = true);
  /// The random generators this module draws from instead of the default
  /// generator, by name ("" for a module's only one), so that a checkpoint can
  /// save and restore them; its submodules list their own (walk
  /// named_modules()). None unless a layer overrides it, as a seeded Dropout.
  virtual std::vector<std::pair<std::string, Generator*>> named_generators() const { return {}; }

  // ---- Printing.

  /// The class name without namespaces ("Linear", or a subclass's own name).
  virtual std::string type_name() const;
  /// What the module prints inside its parentheses ("in_features=784, ...").
  virtual std::string extra_repr() const { return ""; }

 private:
  void add_child(std::string name, std::shared_ptr<Module> module);
  void annotate(Error& error, bool outermost, const SourceLocation& where) const;
  void check_new_name(const std::string& name, const char* what) const;
  void print(std::ostream& out, int indent) const;
  friend std::ostream& operator<<(std::ostream& out, const Module& module);

  std::vector<std::pair<std::string, Variable>> parameters_;
  std::vector<std::pair<std::string, Variable>> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  std::vector<std::pair<std::string, Regularizer>> regularizers_;
  Regularizer activity_regularizer_;
  std::vector<Variable> activity_losses_;
  std::vector<std::pair<int, ForwardHook>> forward_hooks_;
  int next_hook_id_ = 0;
  bool training_ = true;
  // The name under which a parent registered this module (its last
  // registration), and the scope of its last call with the parent scope it
  // was entered from, so a call looks the scope up only when that changes.
  std::string registered_name_;
  const autograd::Scope* scope_ = nullptr;
  const autograd::Scope* scope_parent_ = nullptr;
};

namespace detail {
/// The name of a C++ type without namespaces ("Linear"), for messages.
std::string short_type_name(const std::type_info& type);
}  // namespace detail

/// Prints the module tree, PyTorch style:
///   Sequential(
///     (0): Linear(in_features=784, out_features=10, bias=true)
///   )
std::ostream& operator<<(std::ostream& out, const Module& module);

/// The dtype `module` computes in: that of its first floating parameter, or
/// f32 when it has none (what fit and predict feed it).
DType parameter_dtype(const Module& module);

}  // namespace nabla::nn
