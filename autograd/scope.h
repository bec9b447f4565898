// Module scopes: which module's forward is running, so that every node the
// graph records knows the module that created it ("2.dense", a Linear inside
// a Sequential). nn::Module opens a scope around each call; graph exports,
// traces, checks and error messages read it back from Node::scope(). The
// autograd layer knows nothing of modules beyond these names.
#pragma once

#include <string>
#include <string_view>

namespace nabla::autograd {

/// A module's place in the call tree.
struct Scope {
  /// The dotted path from the outermost module, as in named_modules():
  /// "2.dense"; "" for the outermost module itself.
  std::string path;
  /// The module's type name ("Linear").
  std::string type;
  /// The scope this one was entered from; null for the outermost module.
  const Scope* parent = nullptr;

  /// "2.dense (Linear)", or "Sequential" for the outermost module.
  std::string describe() const;
};

/// Returns the one Scope of a module named `name`, of type `type`, called
/// inside `parent` (null: an outermost module, whose path is "" whatever its
/// name). A module without a name inside a parent (not registered there) is
/// named by its type in angle brackets ("<Linear>"). Scopes are created on
/// first use and kept for the life of the process: there is one per position
/// of a module in a model, so they are few. Thread-safe.
const Scope* intern_scope(const Scope* parent, std::string_view name, std::string_view type);

/// The scope of the code running on this thread: the innermost module whose
/// call is under way, or null outside every module.
const Scope* current_scope();

/// Makes `scope` the current scope of this thread for its lifetime.
class ScopeGuard {
 public:
  explicit ScopeGuard(const Scope* scope);
  ~ScopeGuard();
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;

 private:
  const Scope* previous_;
};

}  // namespace nabla::autograd
