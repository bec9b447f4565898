#include "nn/activation_function.h"

#include <cmath>
#include <ostream>

#include "autograd/elementwise.h"
#include "autograd/nn_ops.h"
#include "tensor/error.h"

namespace nabla::nn {

Variable activate(Activation activation, const Variable& x) {
  switch (activation) {
    case Activation::linear:
      return x;
    case Activation::relu:
      return relu(x);
    case Activation::leaky_relu:
      return leaky_relu(x);
    case Activation::elu:
      return elu(x);
    case Activation::gelu:
      return gelu(x);
    case Activation::sigmoid:
      return sigmoid(x);
    case Activation::tanh:
      return nabla::tanh(x);
    case Activation::softplus:
      return softplus(x);
    case Activation::softmax:
      return softmax(x, -1);
    case Activation::log_softmax:
      return log_softmax(x, -1);
  }
  return x;
}

bool has_slope(Activation activation) {
  return activation == Activation::sigmoid || activation == Activation::tanh;
}

Variable activate(Activation activation, const Variable& x, double slope) {
  NABLA_CHECK(slope > 0 && std::isfinite(slope), "activate",
              "the slope must be > 0 and finite, got ", slope, " for ", name(activation));
  if (slope == 1.0) return activate(activation, x);
  NABLA_CHECK(has_slope(activation), "activate", "only sigmoid and tanh take a slope, got slope ",
              slope, " for ", name(activation));
  // f(λx): the chain rule through λx multiplies f' by λ.
  return activate(activation, x * slope);
}

std::string_view name(Activation activation) {
  switch (activation) {
    case Activation::linear:
      return "linear";
    case Activation::relu:
      return "relu";
    case Activation::leaky_relu:
      return "leaky_relu";
    case Activation::elu:
      return "elu";
    case Activation::gelu:
      return "gelu";
    case Activation::sigmoid:
      return "sigmoid";
    case Activation::tanh:
      return "tanh";
    case Activation::softplus:
      return "softplus";
    case Activation::softmax:
      return "softmax";
    case Activation::log_softmax:
      return "log_softmax";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& out, Activation activation) {
  return out << name(activation);
}

}  // namespace nabla::nn
