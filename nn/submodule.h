// Submodule<M>: the handle Module::register_module returns. A model keeps its
// registered children as Submodule members, so that forward reads like the
// formula it computes, output(block(input(x))), and a child's members read
// block->body. The handle is a std::shared_ptr<M> underneath: it shares the
// module with the parent's registry, and M stays the one type of the layer
// (class Linear : public Module); there is no second class per layer.
#pragma once

#include <concepts>
#include <cstddef>
#include <memory>
#include <typeinfo>
#include <utility>

#include "autograd/variable.h"
#include "tensor/error.h"

namespace nabla::nn {

class Module;

namespace detail {
/// Throws nabla::Error naming `op` and the module type: the use of a null
/// Submodule (one never assigned from register_module).
[[noreturn]] void throw_null_submodule(const char* op, const std::type_info& type);
}  // namespace detail

/// A shared handle on a registered module M (M derived from Module). Calling
/// it calls the module's operator() (so forward hooks and activity penalties
/// run); -> and * reach the module. Using a null handle throws nabla::Error
/// naming the operation and M, instead of dereferencing a null pointer.
///
///   class Classifier : public nn::Module {
///    public:
///     Classifier() : fc(register_module("fc", std::make_shared<nn::Linear>(784, 10))) {}
///     Variable forward(const Variable& x) override { return fc(x); }
///     nn::Submodule<nn::Linear> fc;
///   };
///
/// It converts to std::shared_ptr<M> (or to a pointer to a base of M), so code
/// that keeps the std::shared_ptr returned by register_module still compiles.
template <class M>
class Submodule {
 public:
  /// A null handle, to be assigned from register_module.
  Submodule() = default;
  Submodule(std::nullptr_t) {}  // NOLINT(google-explicit-constructor): = nullptr reads as null
  /// Wraps a shared module (without registering it).
  explicit Submodule(std::shared_ptr<M> module) : module_(std::move(module)) {}
  /// A handle on a derived module as a handle on its base, e.g.
  /// Submodule<Module> from Submodule<Linear>.
  template <class D>
  requires std::convertible_to<D*, M*> Submodule(const Submodule<D>& other)  // NOLINT
      : module_(other.ptr()) {}

  /// Calls the module on x: Module::operator()(x, where), with `where`
  /// defaulting to the caller's line, so that an error raised inside names the
  /// line of this call when it is the outermost one (see Module::operator()).
  /// Throws nabla::Error for a null handle, and what the module throws.
  Variable operator()(const Variable& x, SourceLocation where = SourceLocation::current()) const {
    return checked("operator()")(x, where);
  }
  /// Calls the module with other arguments: (*module)(args...). Throws
  /// nabla::Error for a null handle, and what the module throws.
  template <class... Args>
  requires(!(sizeof...(Args) == 1 &&
             (std::convertible_to<Args, const Variable&> && ...))) decltype(auto)
  operator()(Args&&... args) const {
    return checked("operator()")(std::forward<Args>(args)...);
  }
  /// The module's members. Throws nabla::Error for a null handle.
  M* operator->() const { return &checked("operator->"); }
  /// The module. Throws nabla::Error for a null handle.
  M& operator*() const { return checked("operator*"); }

  /// The module, or null.
  M* get() const noexcept { return module_.get(); }
  /// The shared module, or null.
  const std::shared_ptr<M>& ptr() const noexcept { return module_; }
  /// The shared module as a std::shared_ptr to M or to a base of M.
  template <class B>
  requires std::convertible_to<M*, B*>
  operator std::shared_ptr<B>() const {  // NOLINT
    return module_;
  }
  explicit operator bool() const noexcept { return module_ != nullptr; }

  /// Whether both refer to the same module (or are both null).
  template <class U>
  friend bool operator==(const Submodule& a, const Submodule<U>& b) noexcept {
    return a.get() == b.get();
  }
  template <class U>
  friend bool operator==(const Submodule& a, const std::shared_ptr<U>& b) noexcept {
    return a.get() == b.get();
  }
  friend bool operator==(const Submodule& a, std::nullptr_t) noexcept {
    return a.module_ == nullptr;
  }

 private:
  M& checked(const char* op) const {
    static_assert(std::derived_from<M, Module>, "Submodule<M> needs M derived from nn::Module");
    if (module_ == nullptr) detail::throw_null_submodule(op, typeid(M));
    return *module_;
  }

  std::shared_ptr<M> module_;
};

}  // namespace nabla::nn
