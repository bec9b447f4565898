// The activation functions a layer can apply to its output, by name, as in
// Keras's Dense(10, activation="relu"). The modules (nn::ReLU, ...) live in
// activation_modules.h; this header is what Linear's options and init's gains need.
#pragma once

#include <iosfwd>
#include <string_view>

#include "autograd/variable.h"

namespace nabla::nn {

enum class Activation {
  linear,       ///< y = x (no activation)
  relu,         ///< y = max(x, 0)
  leaky_relu,   ///< y = x for x > 0, 0.01 x otherwise
  elu,          ///< y = x for x > 0, e^x − 1 otherwise
  gelu,         ///< y = x Φ(x)
  sigmoid,      ///< y = 1 / (1 + e^−x)
  tanh,         ///< y = tanh(x)
  softplus,     ///< y = log(1 + e^x)
  softmax,      ///< y = softmax over the last dimension
  log_softmax,  ///< y = log softmax over the last dimension
};

/// Applies `activation` to x (the default parameters listed above).
Variable activate(Activation activation, const Variable& x);

/// Applies `activation` to λx for the activations that have a slope λ:
/// sigmoid(λx) (derivative λ y (1 − y) ≤ λ/4) and tanh(λx) (derivative
/// λ (1 − y²) ≤ λ). slope = 1 is activate(activation, x). Throws nabla::Error
/// naming the activation for a slope <= 0 or not finite, and for a slope other
/// than 1 on any other activation.
Variable activate(Activation activation, const Variable& x, double slope);

/// True for the activations that take a slope λ (sigmoid, tanh).
bool has_slope(Activation activation);

/// "relu", "tanh", ...
std::string_view name(Activation activation);
std::ostream& operator<<(std::ostream& out, Activation activation);

}  // namespace nabla::nn
