#include "nn/activation_modules.h"

#include <cmath>
#include <sstream>

#include "autograd/elementwise.h"
#include "autograd/nn_ops.h"
#include "tensor/error.h"

namespace nabla::nn {

namespace {

// "name=value" with the stream's shortest form of a double (0.01, 1, 1e-05).
template <class T>
std::string option_repr(const char* name, const T& value) {
  std::ostringstream out;
  out << name << "=" << value;
  return out.str();
}

}  // namespace

Variable Activate::forward(const Variable& x) {
  return activate(activation_, x);
}

std::string Activate::extra_repr() const {
  return option_repr("activation", activation_);
}

Variable ReLU::forward(const Variable& x) {
  return relu(x);
}

LeakyReLU::LeakyReLU(LeakyReLUOptions options) : options_(options) {
  NABLA_CHECK(std::isfinite(options.negative_slope), "LeakyReLU",
              "negative_slope must be finite, got ", options.negative_slope);
}

Variable LeakyReLU::forward(const Variable& x) {
  return leaky_relu(x, options_.negative_slope);
}

std::string LeakyReLU::extra_repr() const {
  return option_repr("negative_slope", options_.negative_slope);
}

ELU::ELU(ELUOptions options) : options_(options) {
  NABLA_CHECK(std::isfinite(options.alpha), "ELU", "alpha must be finite, got ", options.alpha);
}

Variable ELU::forward(const Variable& x) {
  return elu(x, options_.alpha);
}

std::string ELU::extra_repr() const {
  return option_repr("alpha", options_.alpha);
}

Variable GELU::forward(const Variable& x) {
  return gelu(x, /*tanh_approximation=*/options_.approximate);
}

std::string GELU::extra_repr() const {
  return options_.approximate ? "approximate=true" : "approximate=false";
}

Sigmoid::Sigmoid(SigmoidOptions options) : options_(options) {
  NABLA_CHECK(options.slope > 0 && std::isfinite(options.slope), "Sigmoid",
              "slope must be > 0 and finite, got ", options.slope);
}

Variable Sigmoid::forward(const Variable& x) {
  // σ(λx): the chain rule through λx gives y' = λ σ'(λx) = λ y (1 − y).
  return options_.slope == 1.0 ? sigmoid(x) : sigmoid(x * options_.slope);
}

std::string Sigmoid::extra_repr() const {
  return options_.slope == 1.0 ? "" : option_repr("slope", options_.slope);
}

Tanh::Tanh(TanhOptions options) : options_(options) {
  NABLA_CHECK(options.slope > 0 && std::isfinite(options.slope), "Tanh",
              "slope must be > 0 and finite, got ", options.slope);
}

Variable Tanh::forward(const Variable& x) {
  // tanh(λx): the chain rule through λx gives y' = λ (1 − y²).
  return options_.slope == 1.0 ? nabla::tanh(x) : nabla::tanh(x * options_.slope);
}

std::string Tanh::extra_repr() const {
  return options_.slope == 1.0 ? "" : option_repr("slope", options_.slope);
}

Softplus::Softplus(SoftplusOptions options) : options_(options) {
  NABLA_CHECK(options.beta > 0 && std::isfinite(options.beta), "Softplus",
              "beta must be > 0 and finite, got ", options.beta);
  NABLA_CHECK(!std::isnan(options.threshold), "Softplus", "threshold must not be NaN");
}

Variable Softplus::forward(const Variable& x) {
  return softplus(x, options_.beta, options_.threshold);
}

std::string Softplus::extra_repr() const {
  return option_repr("beta", options_.beta) + ", " + option_repr("threshold", options_.threshold);
}

Variable Softmax::forward(const Variable& x) {
  return softmax(x, options_.dim);
}

std::string Softmax::extra_repr() const {
  return option_repr("dim", options_.dim);
}

Variable LogSoftmax::forward(const Variable& x) {
  return log_softmax(x, options_.dim);
}

std::string LogSoftmax::extra_repr() const {
  return option_repr("dim", options_.dim);
}

}  // namespace nabla::nn
