// Residual: the skip connection of a residual network, y = σ(s(x) + f(x)),
// where f is the block's body and the shortcut s is the identity or a
// projection (e.g. a Linear without bias) when f changes the shape.
#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "nn/activation_function.h"
#include "nn/module.h"
#include "nn/sequential.h"

namespace nabla::nn {

struct ResidualOptions {
  /// The shortcut s; null means s(x) = x. Registered as "projection".
  std::shared_ptr<Module> projection = nullptr;
  /// σ applied after the sum (post-activation, as in He et al. 2016's
  /// original block); Activation::linear for none.
  Activation activation = Activation::linear;
};

/// y = σ(s(x) + f(x)) with the body f registered as "body" and the optional
/// projection s as "projection" (parameters "body.0.weight",
/// "projection.weight", ...). The gradient reaches x along both paths:
/// ∂L/∂x = ∂L/∂u · (∂s/∂x + ∂f/∂x), u = s(x) + f(x).
///
///   nn::Residual block(nn::Sequential(nn::Linear(64, 64, {.activation = nn::Activation::relu}),
///                                     nn::Linear(64, 64)),
///                      {.activation = nn::Activation::relu});
///
/// A body passed by value is moved into the block; a std::shared_ptr is
/// shared. To use a Residual as the body of another, pass it as a
/// std::shared_ptr (a Residual rvalue alone is a move).
class Residual : public Module {
 public:
  /// Takes the body by value. Throws nabla::Error like the constructor below.
  template <ModuleRvalue M>
  explicit Residual(M&& body, ResidualOptions options = {})
      : Residual(std::shared_ptr<Module>(std::make_shared<M>(std::move(body))),
                 std::move(options)) {}

  /// Shares the body. Throws nabla::Error when the body is null.
  explicit Residual(std::shared_ptr<Module> body, ResidualOptions options = {});

  /// Returns σ(s(x) + f(x)), calling the body, then the projection. Throws
  /// nabla::Error when f(x) and s(x) differ in shape, naming both.
  Variable forward(const Variable& x) override;

  /// "activation=relu", or "" for a linear one.
  std::string extra_repr() const override;

  Activation activation() const { return activation_; }

  /// f.
  Submodule<Module> body;
  /// s, or null for the identity shortcut.
  Submodule<Module> projection;

 private:
  Activation activation_;
};

}  // namespace nabla::nn
